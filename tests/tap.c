/* tap.c: TAP output for the unit tests (see tap.h). */
#include <config.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"

static int tap_n, tap_failed;
static char tap_dir[256];

static void
tap_vline(int cond, const char *fmt, va_list ap)
{
    tap_n++;
    if (!cond)
        tap_failed++;
    printf("%sok %d - ", cond ? "" : "not ", tap_n);
    vprintf(fmt, ap);
    putchar('\n');
    fflush(stdout);
}

void
tap_ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_vline(cond, fmt, ap);
    va_end(ap);
}

void
tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
    va_list ap;
    int cond = (got == NULL && want == NULL) ||
               (got && want && strcmp(got, want) == 0);
    va_start(ap, fmt);
    tap_vline(cond, fmt, ap);
    va_end(ap);
    if (!cond)
        printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)",
               want ? want : "(null)");
}

void
tap_is_int(int64_t got, int64_t want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_vline(got == want, fmt, ap);
    va_end(ap);
    if (got != want)
        printf("#   got:  %lld\n#   want: %lld\n", (long long)got, (long long)want);
}

void
tap_diag(const char *fmt, ...)
{
    va_list ap;
    fputs("# ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

void
tap_skip_all(const char *why)
{
    /* Automake's TAP driver reads the plan; exit 77 would be an error */
    printf("1..0 # SKIP %s\n", why);
    exit(0);
}

const char *
tap_tmpdir(void)
{
    if (!tap_dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tap_dir, sizeof(tap_dir), "%s/vdtest.XXXXXX", base ? base : "/tmp");
        if (!mkdtemp(tap_dir)) {
            perror("mkdtemp");
            exit(99);
        }
    }
    return tap_dir;
}

int
tap_done(void)
{
    printf("1..%d\n", tap_n);
    if (tap_dir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tap_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tap_dir);
    }
    return tap_failed ? 1 : 0;
}
