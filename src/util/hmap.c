/* hmap.c: string-keyed open-addressing hash map (see hmap.h).  Used for
 * VMs by UUID so a 10,000-domain stats merge stays linear. */
#include <config.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "hmap.h"
#include "mem.h"

static char hmap_tomb_mark;
#define HMAP_TOMB (&hmap_tomb_mark)

static uint64_t
hmap_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;        /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

static struct hmap_slot *
hmap_find(const struct hmap *m, const char *key)
{
    size_t mask, i;
    if (!m->cap)
        return NULL;
    mask = m->cap - 1;
    for (i = hmap_hash(key) & mask;; i = (i + 1) & mask) {
        struct hmap_slot *s = &m->slots[i];
        if (!s->key)
            return NULL;
        if (s->key != HMAP_TOMB && strcmp(s->key, key) == 0)
            return s;
    }
}

static void
hmap_resize(struct hmap *m, size_t cap)
{
    struct hmap_slot *old = m->slots;
    size_t oldcap = m->cap;

    m->slots = xcalloc(cap, sizeof(*m->slots));
    m->cap = cap;
    m->len = m->used = 0;
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i].key && old[i].key != HMAP_TOMB) {
            size_t j, mask = cap - 1;
            for (j = hmap_hash(old[i].key) & mask; m->slots[j].key;
                 j = (j + 1) & mask)
                ;
            m->slots[j] = old[i];
            m->len++;
            m->used++;
        }
    }
    free(old);
}

void *
hmap_get(const struct hmap *m, const char *key)
{
    struct hmap_slot *s = hmap_find(m, key);
    return s ? s->val : NULL;
}

void *
hmap_put(struct hmap *m, const char *key, void *val)
{
    struct hmap_slot *s = hmap_find(m, key);
    size_t i, mask;

    if (s) {
        void *prev = s->val;
        s->val = val;
        return prev;
    }
    if ((m->used + 1) * 4 >= m->cap * 3)
        hmap_resize(m, m->cap ? (m->len * 2 >= m->cap ? m->cap * 2 : m->cap) : 16);
    mask = m->cap - 1;
    for (i = hmap_hash(key) & mask;
         m->slots[i].key && m->slots[i].key != HMAP_TOMB; i = (i + 1) & mask)
        ;
    if (!m->slots[i].key)
        m->used++;
    m->slots[i].key = m->borrow ? (char *)key : xstrdup(key);
    m->slots[i].val = val;
    m->len++;
    return NULL;
}

void *
hmap_del(struct hmap *m, const char *key)
{
    struct hmap_slot *s = hmap_find(m, key);
    void *val;
    if (!s)
        return NULL;
    val = s->val;
    if (!m->borrow)
        free(s->key);
    s->key = HMAP_TOMB;
    s->val = NULL;
    m->len--;
    return val;
}

void
hmap_clear(struct hmap *m)
{
    bool borrow = m->borrow;

    for (size_t i = 0; !borrow && i < m->cap; i++) {
        if (m->slots[i].key && m->slots[i].key != HMAP_TOMB)
            free(m->slots[i].key);
    }
    free(m->slots);
    memset(m, 0, sizeof(*m));
    m->borrow = borrow;
}

int
hmap_next(const struct hmap *m, size_t *iter, const char **key, void **val)
{
    for (; *iter < m->cap; (*iter)++) {
        struct hmap_slot *s = &m->slots[*iter];
        if (s->key && s->key != HMAP_TOMB) {
            if (key)
                *key = s->key;
            if (val)
                *val = s->val;
            (*iter)++;
            return 1;
        }
    }
    return 0;
}
