/* strbuf.h: an append-only growable string. */
#ifndef VD_STRBUF_H
#define VD_STRBUF_H
#include <stddef.h>

struct strbuf {
    char *s;        /* always NUL-terminated once anything was added */
    size_t len;
    size_t cap;
};

void sb_add(struct strbuf *b, const char *s);
void sb_addn(struct strbuf *b, const char *s, size_t n);
void sb_addc(struct strbuf *b, char c);
void sb_addf(struct strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append S as a JSON string literal, quotes included. */
void sb_add_json(struct strbuf *b, const char *s);
/* Returns the string ("" when empty), owned by the buffer. */
const char *sb_str(struct strbuf *b);
/* Hand the string to the caller and reset the buffer. */
char *sb_steal(struct strbuf *b);
void sb_reset(struct strbuf *b);
void sb_free(struct strbuf *b);

#endif
