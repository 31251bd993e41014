/* text.h: text for display.  Names come from hosts we do not control, so
 * anything shown is first made safe (no control characters, valid UTF-8)
 * and measured in terminal cells, not bytes. */
#ifndef VD_TEXT_H
#define VD_TEXT_H
#include <stddef.h>

/* A copy of S where control characters become \xNN and invalid UTF-8
 * bytes become U+FFFD.  Owned by the caller. */
char *text_safe(const char *s);
/* Whether S is well-formed UTF-8 (no overlong forms, no surrogates) free
 * of control characters (C0, DEL, C1) and of U+FFFE/U+FFFF: text that
 * XML 1.0 can hold and a terminal shows as it is.  Locale-independent. */
int text_valid(const char *s);
/* Terminal cells S occupies (wcwidth; needs setlocale(LC_CTYPE, "")). */
int text_width(const char *s);
/* Append S to OUT padded or cut to exactly WIDTH cells; a cut string ends
 * with '~'.  LEFT: pad on the right. */
struct strbuf;
void text_pad(struct strbuf *out, const char *s, int width, int left);
/* Human sizes: "512K", "1.5G" (binary units). */
void text_bytes(char *buf, size_t len, double bytes);

#endif
