/* mem.c: allocation wrappers that abort on exhaustion, after giving the
 * front end a chance to restore the terminal. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include "mem.h"

static void (*fail_hook)(void);

void
mem_set_fail_hook(void (*hook)(void))
{
    fail_hook = hook;
}

static void
mem_fail(void)
{
    if (fail_hook)
        fail_hook();
    fputs("virtdeck: out of memory\n", stderr);
    abort();
}

void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        mem_fail();
    return p;
}

void *
xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        mem_fail();
    return p;
}

void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        mem_fail();
    return q;
}

char *
xstrdup(const char *s)
{
    return s ? xstrndup(s, strlen(s)) : NULL;
}

char *
xstrndup(const char *s, size_t n)
{
    char *p;
    size_t len = strnlen(s, n);
    p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    char *p = NULL;
    if (vasprintf(&p, fmt, ap) < 0)
        mem_fail();
    return p;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p;
    va_start(ap, fmt);
    p = xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}
