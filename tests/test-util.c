/* test-util.c: vectors, the hash map, string buffers and display text. */
#include <config.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/util/err.h"
#include "src/util/hmap.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"
#include "src/util/vec.h"
#include "tests/tap.h"

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_vec(void)
{
    struct vec v = { 0 };
    vec_push(&v, xstrdup("c"));
    vec_push(&v, xstrdup("a"));
    vec_push(&v, xstrdup("b"));
    vec_sort(&v, cmp_str);
    is_str(vec_get(&v, 0), "a", "vec sorted first");
    is_str(vec_get(&v, 2), "c", "vec sorted last");
    ok(vec_get(&v, 3) == NULL, "vec_get out of range is NULL");
    free(vec_remove(&v, 1));
    is_int(v.len, 2, "vec_remove shrinks");
    is_str(vec_get(&v, 1), "c", "vec_remove keeps order");
    ok(vec_remove_item(&v, (void *)"zz") == -1, "removing an absent item fails");
    vec_clear(&v, free);
    is_int(v.len, 0, "vec_clear empties");
}

static void
test_hmap(void)
{
    struct hmap m = { 0 };
    char key[64];
    int bad = 0;

    for (long i = 0; i < 10000; i++) {
        snprintf(key, sizeof(key), "uuid-%05ld", i);
        hmap_put(&m, key, (void *)(i + 1));
    }
    is_int(m.len, 10000, "10000 keys stored");
    for (long i = 0; i < 10000; i += 2) {
        snprintf(key, sizeof(key), "uuid-%05ld", i);
        if (hmap_del(&m, key) != (void *)(i + 1))
            bad++;
    }
    is_int(bad, 0, "deletions return the stored values");
    is_int(m.len, 5000, "5000 keys left");
    for (long i = 0; i < 10000; i++) {
        snprintf(key, sizeof(key), "uuid-%05ld", i);
        void *v = hmap_get(&m, key);
        if ((i % 2 == 0 && v) || (i % 2 == 1 && v != (void *)(i + 1)))
            bad++;
    }
    is_int(bad, 0, "lookups after deletions are right");
    ok(hmap_put(&m, "uuid-00001", (void *)7) == (void *)2,
       "replacing returns the previous value");
    {
        size_t it = 0, n = 0;
        const char *k;
        void *v;
        while (hmap_next(&m, &it, &k, &v))
            n++;
        is_int(n, 5000, "iteration visits every key once");
    }
    hmap_clear(&m);
    ok(hmap_get(&m, "uuid-00001") == NULL, "cleared map is empty");
    {
        /* borrowed keys: the map points at the caller's strings and
         * frees none of them (on the stack here) */
        struct hmap b = { .borrow = true };
        char keys[3][8] = { "vm-a", "vm-b", "vm-c" };
        size_t it = 0;
        const char *k = NULL;

        for (int i = 0; i < 3; i++)
            hmap_put(&b, keys[i], keys[i]);
        hmap_next(&b, &it, &k, NULL);
        ok(k == keys[0] || k == keys[1] || k == keys[2],
           "a borrowed key is the caller's string");
        ok(hmap_del(&b, "vm-b") == keys[1] && hmap_get(&b, "vm-c") == keys[2],
           "borrowed keys: delete and look up");
        hmap_clear(&b);
        ok(b.borrow && b.len == 0, "clearing keeps the map borrowing");
    }
}

static void
test_strbuf(void)
{
    struct strbuf b = { 0 };
    char *s;

    is_str(sb_str(&b), "", "empty buffer reads as empty string");
    sb_addf(&b, "%d-%s", 42, "x");
    sb_addc(&b, '!');
    is_str(sb_str(&b), "42-x!", "sb_addf and sb_addc");
    sb_reset(&b);
    sb_add_json(&b, "a\"b\\c\n\x01<>&");
    is_str(sb_str(&b), "\"a\\\"b\\\\c\\n\\u0001<>&\"", "JSON escaping");
    s = sb_steal(&b);
    is_str(s, "\"a\\\"b\\\\c\\n\\u0001<>&\"", "steal hands over the string");
    is_int(b.len, 0, "steal resets the buffer");
    free(s);
    sb_free(&b);
}

static void
test_text(void)
{
    char *s;
    struct strbuf b = { 0 };
    char buf[16];

    s = text_safe("ok\x1b[31mred\x7f");
    is_str(s, "ok\\x1b[31mred\\x7f", "control characters are escaped");
    free(s);
    s = text_safe("a\xff" "b");
    is_str(s, "a\xef\xbf\xbd" "b", "invalid UTF-8 becomes U+FFFD");
    free(s);
    s = text_safe("웹서버");
    is_str(s, "웹서버", "Hangul passes unchanged");
    free(s);
    is_int(text_width("웹서버-01"), 9, "Hangul counts two cells each");
    is_int(text_width("abc"), 3, "ASCII counts one cell each");

    text_pad(&b, "웹서버", 8, 1);
    is_str(sb_str(&b), "웹서버  ", "left pad to 8 cells");
    sb_reset(&b);
    text_pad(&b, "웹서버-01", 6, 1);
    is_int(text_width(sb_str(&b)), 6, "cut Hangul string fills exactly 6 cells");
    ok(strchr(sb_str(&b), '~') != NULL, "cut string is marked with ~");
    sb_reset(&b);
    text_pad(&b, "42", 5, 0);
    is_str(sb_str(&b), "   42", "right alignment");
    sb_free(&b);

    text_bytes(buf, sizeof(buf), 512);
    is_str(buf, "512B", "bytes");
    text_bytes(buf, sizeof(buf), 1536);
    is_str(buf, "1.5K", "KiB with one decimal");
    text_bytes(buf, sizeof(buf), 256.0 * 1024 * 1024 * 1024);
    is_str(buf, "256G", "GiB");
}

/* Found by fuzz_names: a long message was cut inside a UTF-8 sequence. */
static void
test_err(void)
{
    char name[1200];

    for (size_t i = 0; i + 3 < sizeof(name); i += 3)
        memcpy(name + i, "\xea\xb0\x80", 3);          /* U+AC00 */
    name[sizeof(name) - 3] = '\0';
    for (int shift = 0; shift < 3; shift++) {
        err_set("%.*s%s", shift, "ab", name);
        ok(mbstowcs(NULL, err_msg(), 0) != (size_t)-1,
           "a cut message is valid UTF-8 (shift %d)", shift);
        ok(strlen(err_msg()) > 1000, "and keeps what fits");
    }
    {
        /* found by fuzz_forms: glibc decodes 5-byte forms, which
         * text_safe passed through */
        char *t = text_safe("a\xf8\x88\x80\x80\x80" "b\xed\xa0\x80" "c");
        ok(text_valid(t), "text_safe leaves valid UTF-8 only: %s", t);
        free(t);
    }
}

int
main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    test_vec();
    test_hmap();
    test_strbuf();
    test_text();
    test_err();
    return tap_done();
}
