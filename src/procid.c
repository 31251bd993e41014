/* procid.c: who a process is (see procid.h).  It only reads /proc. */
#include <config.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "procid.h"

static void
read_boot(char *buf, size_t len)
{
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

    buf[0] = '\0';
    if (!f)
        return;
    if (!fgets(buf, (int)len, f))
        buf[0] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
}

/* Field 22 of /proc/PID/stat; the command name (field 2) may hold spaces
 * and parentheses, so count from the last ')'.  0 when unreadable. */
static unsigned long long
read_start(int pid)
{
    char path[64], buf[1024], *p;
    unsigned long long v = 0;
    size_t n;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/stat", pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    if (!p)
        return 0;
    p++;
    /* after ')': field 3 (state) is the first; skip to field 22 */
    for (int field = 2; field < 22 && p; field++)
        p = strchr(p + 1, ' ');
    if (p)
        v = strtoull(p + 1, NULL, 10);
    return v;
}

void
procid_self(struct procid *p)
{
    p->pid = (int)getpid();
    read_boot(p->boot, sizeof(p->boot));
    p->start = read_start(p->pid);
}

bool
procid_alive(const struct procid *p)
{
    char boot[40];
    unsigned long long start;

    if (p->pid <= 0)
        return false;
    read_boot(boot, sizeof(boot));
    if (p->boot[0] && boot[0] && strcmp(p->boot, boot) != 0)
        return false;                   /* the machine rebooted since */
    if (kill(p->pid, 0) < 0 && errno == ESRCH)
        return false;
    start = read_start(p->pid);
    if (p->start && start && start != p->start)
        return false;                   /* the pid was reused */
    return true;
}
