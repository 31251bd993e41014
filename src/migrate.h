/* migrate.h: live-migration policy, shared by the engine, the CLI, the
 * forms and the store (per-cluster defaults). */
#ifndef VD_MIGRATE_H
#define VD_MIGRATE_H
#include <stdbool.h>

enum mig_timeout_action {
    MIG_TIMEOUT_ABORT,      /* cancel: the VM stays on the source */
    MIG_TIMEOUT_POSTCOPY,   /* switch to post-copy (needs postcopy) */
    MIG_TIMEOUT_SUSPEND,    /* pause the VM so the copy converges */
};

struct migrate_opts {
    unsigned long bandwidth_mibs;       /* 0: unlimited */
    unsigned long long max_downtime_ms; /* 0: the hypervisor's default */
    bool auto_converge;
    bool postcopy;
    bool copy_storage;      /* copy local disks (non-shared storage) */
    unsigned timeout_s;     /* 0: none */
    enum mig_timeout_action timeout_action;
};

const char *mig_timeout_action_name(enum mig_timeout_action a);
int mig_timeout_action_parse(const char *s, enum mig_timeout_action *a);
/* Consistency: post-copy on timeout needs postcopy.  0 or -1 (err_set). */
int migrate_opts_check(const struct migrate_opts *o);

#endif
