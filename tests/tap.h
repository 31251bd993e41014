/* tap.h: a tiny TAP producer for virtdeck's unit tests (Automake's TAP
 * driver reads the output).  Call tap_done() at the end: it prints the plan
 * and returns the exit status. */
#ifndef VD_TAP_H
#define VD_TAP_H
#include <stdint.h>

void tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_is_str(const char *got, const char *want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tap_is_int(int64_t got, int64_t want, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tap_skip_all(const char *why);
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done(void);
/* A fresh temporary directory for this test (removed by tap_done()). */
const char *tap_tmpdir(void);

#define ok tap_ok
#define is_str tap_is_str
#define is_int tap_is_int

#endif
