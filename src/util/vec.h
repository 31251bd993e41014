/* vec.h: a growable array of pointers.  The vector does not own what it
 * points to unless the caller passes a free function to vec_clear(). */
#ifndef VD_VEC_H
#define VD_VEC_H
#include <stddef.h>

struct vec {
    void **items;
    size_t len;
    size_t cap;
};

void vec_push(struct vec *v, void *item);
void *vec_get(const struct vec *v, size_t i);   /* NULL when out of range */
/* Remove item i, keeping order; returns it. */
void *vec_remove(struct vec *v, size_t i);
/* Remove the first slot equal to item; returns 0 or -1 when absent. */
int vec_remove_item(struct vec *v, void *item);
/* Free every item with fn (may be NULL) and release the storage. */
void vec_clear(struct vec *v, void (*fn)(void *));
void vec_sort(struct vec *v, int (*cmp)(const void *, const void *));

#endif
