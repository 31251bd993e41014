/* strbuf.c: growable strings (see strbuf.h). */
#include <config.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mem.h"
#include "strbuf.h"

static void
sb_grow(struct strbuf *b, size_t more)
{
    if (b->len + more + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + more + 1)
            cap *= 2;
        b->s = xrealloc(b->s, cap);
        b->cap = cap;
    }
}

void
sb_addn(struct strbuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void
sb_add(struct strbuf *b, const char *s)
{
    sb_addn(b, s, strlen(s));
}

void
sb_addc(struct strbuf *b, char c)
{
    sb_addn(b, &c, 1);
}

void
sb_addf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    sb_grow(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void
sb_add_json(struct strbuf *b, const char *s)
{
    sb_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '"': sb_add(b, "\\\""); break;
        case '\\': sb_add(b, "\\\\"); break;
        case '\n': sb_add(b, "\\n"); break;
        case '\r': sb_add(b, "\\r"); break;
        case '\t': sb_add(b, "\\t"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                sb_addf(b, "\\u%04x", *p);
            else
                sb_addc(b, (char)*p);
        }
    }
    sb_addc(b, '"');
}

const char *
sb_str(struct strbuf *b)
{
    return b->s ? b->s : "";
}

char *
sb_steal(struct strbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void
sb_reset(struct strbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

void
sb_free(struct strbuf *b)
{
    FREE(b->s);
    b->len = b->cap = 0;
}
