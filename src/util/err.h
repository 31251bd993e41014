/* err.h: the last error of the calling thread, as one translated sentence.
 * The function that detects a failure calls err_set() once and returns -1
 * or NULL; callers pass the failure up and the top level shows err_msg(). */
#ifndef VD_ERR_H
#define VD_ERR_H

void err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Borrowed; valid until the next err_set()/err_clear() on this thread.
 * Never NULL: "" when there is no error. */
const char *err_msg(void);
void err_clear(void);

#endif
