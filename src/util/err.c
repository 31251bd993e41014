/* err.c: per-thread last error message (see err.h). */
#include <config.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "err.h"
#include "log.h"

static _Thread_local char err_buf[1024];

/* A message cut at the buffer's end may end inside a UTF-8 sequence (a
 * Korean name, say): drop that partial character, so what is shown is
 * still valid text. */
static void
cut_utf8(char *s)
{
    size_t len = strlen(s), i = len;
    unsigned char lead;
    size_t need;

    while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
        i--;
    if (i == 0)
        return;
    lead = (unsigned char)s[i - 1];
    if (lead < 0xc0)
        return;             /* ASCII: the end is clean */
    need = lead >= 0xf8 ? 8 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (len - (i - 1) < need)
        s[i - 1] = '\0';
}

void
err_set(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof(err_buf))
        cut_utf8(err_buf);
    log_debug("error: %s", err_buf);
}

const char *
err_msg(void)
{
    return err_buf;
}

void
err_clear(void)
{
    err_buf[0] = '\0';
}
