/* log.c: a thread-safe append-only log file.  Lines carry time, level and
 * the calling function, as tmux's log.c. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "err.h"
#include "i18n.h"
#include "log.h"

static FILE *log_fp;
static enum log_level log_min = LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

int
log_open(const char *path, enum log_level min)
{
    int fd;
    FILE *fp;

    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        err_set(_("cannot open log file '%s': %s"), path, strerror(errno));
        return -1;
    }
    fp = fdopen(fd, "a");
    if (!fp) {
        close(fd);
        err_set(_("cannot open log file '%s': %s"), path, strerror(errno));
        return -1;
    }
    setvbuf(fp, NULL, _IOLBF, 0);
    pthread_mutex_lock(&log_lock);
    if (log_fp)
        fclose(log_fp);
    log_fp = fp;
    log_min = min;
    pthread_mutex_unlock(&log_lock);
    return 0;
}

void
log_close(void)
{
    pthread_mutex_lock(&log_lock);
    if (log_fp)
        fclose(log_fp);
    log_fp = NULL;
    pthread_mutex_unlock(&log_lock);
}

void
log_msg(enum log_level lvl, const char *func, const char *fmt, ...)
{
    static const char *const names[] = { "debug", "info", "warn" };
    struct timespec ts;
    struct tm tm;
    va_list ap;

    if (!log_fp || lvl < log_min)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    pthread_mutex_lock(&log_lock);
    if (log_fp) {
        fprintf(log_fp, "%04d-%02d-%02d %02d:%02d:%02d.%03ld %s %s: ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, names[lvl], func);
        va_start(ap, fmt);
        vfprintf(log_fp, fmt, ap);
        va_end(ap);
        fputc('\n', log_fp);
    }
    pthread_mutex_unlock(&log_lock);
}
