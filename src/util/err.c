/* err.c: per-thread last error message (see err.h). */
#include <config.h>
#include <stdarg.h>
#include <stdio.h>
#include "err.h"
#include "log.h"

static _Thread_local char err_buf[1024];

void
err_set(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
    va_end(ap);
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
