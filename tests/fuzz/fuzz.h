/* fuzz.h: what the libFuzzer targets share: the input split into text
 * fields, and a check that aborts (a crash libFuzzer records) when a
 * function breaks its documented contract. */
#ifndef VD_FUZZ_H
#define VD_FUZZ_H
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define FUZZ_MAX_FIELDS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as up to FUZZ_MAX_FIELDS NUL-terminated fields, split at
 * SEP; fields past the end are NULL. */
struct fuzz_fields {
    char *buf;
    char *f[FUZZ_MAX_FIELDS];
    int n;
};

static inline void
fuzz_split(struct fuzz_fields *ff, const uint8_t *data, size_t size, char sep)
{
    char *p;

    memset(ff, 0, sizeof(*ff));
    ff->buf = malloc(size + 1);
    memcpy(ff->buf, data, size);
    ff->buf[size] = '\0';
    p = ff->buf;
    while (ff->n < FUZZ_MAX_FIELDS) {
        char *e = strchr(p, sep);
        ff->f[ff->n++] = p;
        if (!e)
            break;
        *e = '\0';
        p = e + 1;
    }
}

static inline const char *
fuzz_field(const struct fuzz_fields *ff, int i)
{
    return i < ff->n ? ff->f[i] : NULL;
}

static inline void
fuzz_free(struct fuzz_fields *ff)
{
    free(ff->buf);
}

#define FUZZ_CHECK(cond, ...)                                           \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "fuzz check failed at %s:%d: %s: ",         \
                    __FILE__, __LINE__, #cond);                         \
            fprintf(stderr, __VA_ARGS__);                               \
            fputc('\n', stderr);                                        \
            abort();                                                    \
        }                                                               \
    } while (0)

/* Whether s is valid UTF-8 free of C0 and C1 controls and DEL: safe to
 * print on a terminal.  Needs a UTF-8 LC_CTYPE. */
static inline int
fuzz_printable(const char *s)
{
    mbstate_t st;
    size_t left = strlen(s);

    memset(&st, 0, sizeof(st));
    while (left) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, left, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
            return 0;
        if (wc < 0x20 || (wc >= 0x7f && wc < 0xa0))
            return 0;
        s += n;
        left -= n;
    }
    return 1;
}

/* The locale virtdeck runs under on the machines it targets. */
static inline void
fuzz_locale(void)
{
    if (!setlocale(LC_ALL, "C.UTF-8"))
        setlocale(LC_ALL, "");
}

#endif
