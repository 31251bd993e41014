/* text.c: safe, width-aware text for display (see text.h). */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <stdio.h>
#include "mem.h"
#include "strbuf.h"
#include "text.h"

char *
text_safe(const char *s)
{
    struct strbuf b = { 0 };
    mbstate_t st;
    size_t n, left;

    if (!s)
        return xstrdup("");
    memset(&st, 0, sizeof(st));
    left = strlen(s);
    while (left) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f) {
            sb_addf(&b, "\\x%02x", c);
            s++;
            left--;
            continue;
        }
        if (c < 0x80) {
            sb_addc(&b, (char)c);
            s++;
            left--;
            continue;
        }
        {
            wchar_t wc;
            n = mbrtowc(&wc, s, left, &st);
            if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
                sb_add(&b, "\xef\xbf\xbd");
                memset(&st, 0, sizeof(st));
                s++;
                left--;
                continue;
            }
            /* C1 controls and other non-printables; and what glibc
             * decodes but UTF-8 does not allow (5- and 6-byte forms,
             * past U+10FFFF, surrogates), which no terminal shows */
            if (wc < 0xa0 || wc > 0x10ffff || n > 4 ||
                (wc >= 0xd800 && wc <= 0xdfff)) {
                sb_add(&b, "\xef\xbf\xbd");
            } else {
                sb_addn(&b, s, n);
            }
            s += n;
            left -= n;
        }
    }
    return sb_steal(&b);
}

int
text_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        unsigned c = *p, n, cp;
        if (c < 0x80) {
            if (c < 0x20 || c == 0x7f)
                return 0;
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        for (unsigned i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
            cp < 0xa0 || cp == 0xfffe || cp == 0xffff)
            return 0;
        p += n + 1;
    }
    return 1;
}

int
text_width(const char *s)
{
    mbstate_t st;
    int w = 0;
    size_t left = strlen(s);

    memset(&st, 0, sizeof(st));
    while (left) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, left, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            memset(&st, 0, sizeof(st));
            n = 1;
            w++;
        } else {
            int cw = wcwidth(wc);
            w += cw > 0 ? cw : 0;
        }
        s += n;
        left -= n;
    }
    return w;
}

void
text_pad(struct strbuf *out, const char *s, int width, int left)
{
    mbstate_t st;
    size_t rem = strlen(s);
    int w = 0, total = text_width(s);
    int room = total > width ? width - 1 : width;

    if (!left && total < width) {
        for (int i = total; i < width; i++)
            sb_addc(out, ' ');
    }
    memset(&st, 0, sizeof(st));
    while (rem) {
        wchar_t wc;
        int cw = 1;
        size_t n = mbrtowc(&wc, s, rem, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            memset(&st, 0, sizeof(st));
            n = 1;
        } else {
            cw = wcwidth(wc);
            if (cw < 0)
                cw = 0;
        }
        if (w + cw > room)
            break;
        sb_addn(out, s, n);
        w += cw;
        s += n;
        rem -= n;
    }
    if (total > width && width > 0) {
        sb_addc(out, '~');
        w++;
    }
    if (left) {
        for (; w < width; w++)
            sb_addc(out, ' ');
    }
}

void
text_bytes(char *buf, size_t len, double bytes)
{
    static const char units[] = "BKMGTP";
    int u = 0;
    while (bytes >= 1024 && u < 5) {
        bytes /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, len, "%.0f%c", bytes, units[u]);
    else if (bytes < 10)
        snprintf(buf, len, "%.1f%c", bytes, units[u]);
    else
        snprintf(buf, len, "%.0f%c", bytes, units[u]);
}
