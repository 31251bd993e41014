/* vec.c: growable pointer array (see vec.h). */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "mem.h"
#include "vec.h"

void
vec_push(struct vec *v, void *item)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = xrealloc(v->items, v->cap * sizeof(*v->items));
    }
    v->items[v->len++] = item;
}

void *
vec_get(const struct vec *v, size_t i)
{
    return i < v->len ? v->items[i] : NULL;
}

void *
vec_remove(struct vec *v, size_t i)
{
    void *item;
    if (i >= v->len)
        return NULL;
    item = v->items[i];
    memmove(&v->items[i], &v->items[i + 1], (v->len - i - 1) * sizeof(*v->items));
    v->len--;
    return item;
}

int
vec_remove_item(struct vec *v, void *item)
{
    for (size_t i = 0; i < v->len; i++) {
        if (v->items[i] == item) {
            vec_remove(v, i);
            return 0;
        }
    }
    return -1;
}

void
vec_clear(struct vec *v, void (*fn)(void *))
{
    if (fn) {
        for (size_t i = 0; i < v->len; i++)
            fn(v->items[i]);
    }
    free(v->items);
    v->items = NULL;
    v->len = v->cap = 0;
}

void
vec_sort(struct vec *v, int (*cmp)(const void *, const void *))
{
    if (v->len > 1)
        qsort(v->items, v->len, sizeof(*v->items), cmp);
}
