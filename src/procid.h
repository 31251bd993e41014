/* procid.h: who a process is, in a way that survives pid reuse.
 *
 * A pid alone may be reused after a reboot or a long time; with the boot
 * id and the process's start time (/proc/PID/stat, field 22) it names one
 * process of one boot.  Used to tell a task of a living virtdeck from one
 * whose process died.  Linux only (/proc). */
#ifndef VD_PROCID_H
#define VD_PROCID_H
#include <stdbool.h>

struct procid {
    int pid;
    char boot[40];              /* /proc/sys/kernel/random/boot_id, or "" */
    unsigned long long start;   /* clock ticks after boot, 0 unknown */
};

/* This process. */
void procid_self(struct procid *p);
/* False only with evidence that the process is gone: another boot, no
 * such pid, or a pid now used by a process started at another time. */
bool procid_alive(const struct procid *p);

#endif
