/* log.h: debug log to a file, switched on with -v or log_file in the
 * configuration.  Never writes to the terminal. */
#ifndef VD_LOG_H
#define VD_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN };

/* Open PATH for appending (created 0600); returns 0 or -1 with err_set(). */
int log_open(const char *path, enum log_level min);
void log_close(void);
void log_msg(enum log_level lvl, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define log_debug(...) log_msg(LOG_DEBUG, __func__, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __func__, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __func__, __VA_ARGS__)

#endif
