/* mem.h: allocation that never returns NULL.  On exhaustion the process
 * restores the terminal through the registered hook and aborts (htop's
 * fail()). */
#ifndef VD_MEM_H
#define VD_MEM_H
#include <stddef.h>
#include <stdarg.h>
#include <string.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);          /* NULL in, NULL out */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Called before abort() on out-of-memory: the UI sets endwin() here. */
void mem_set_fail_hook(void (*hook)(void));

/* Free *pp and clear it. */
#define FREE(p) do { free(p); (p) = NULL; } while (0)

static inline int
streq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

#endif
