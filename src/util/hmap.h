/* hmap.h: a string-keyed hash map (open addressing).  Keys are copied,
 * unless borrow is set: then each key is the caller's and must stay
 * unchanged until its entry is deleted (a VM's UUID inside the VM).
 * Values are borrowed pointers the caller owns. */
#ifndef VD_HMAP_H
#define VD_HMAP_H
#include <stdbool.h>
#include <stddef.h>

struct hmap_slot {
    char *key;          /* NULL: empty; HMAP_TOMB: deleted */
    void *val;
};

struct hmap {
    struct hmap_slot *slots;
    size_t cap;         /* power of two */
    size_t len;
    size_t used;        /* live + tombstones */
    bool borrow;        /* keys are not copied (kept by hmap_clear) */
};

void *hmap_get(const struct hmap *m, const char *key);
/* Insert or replace; returns the previous value or NULL. */
void *hmap_put(struct hmap *m, const char *key, void *val);
/* Returns the removed value or NULL. */
void *hmap_del(struct hmap *m, const char *key);
void hmap_clear(struct hmap *m);
/* Iterate: for (size_t i = 0; hmap_next(m, &i, &k, &v);) */
int hmap_next(const struct hmap *m, size_t *iter, const char **key, void **val);

#endif
