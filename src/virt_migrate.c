/* virt_migrate.c: live migration as a task (see virt.h).
 *
 * The migration call (peer to peer: the source host talks to the
 * destination) blocks a worker for as long as it runs.  Meanwhile a timer
 * on the main thread polls virDomainGetJobStats once a second in its own
 * job and turns the answer into the task's progress; the same timer
 * applies the timeout action, and a cancel aborts the job so the VM keeps
 * running on the source.  The move itself reaches the model through the
 * lifecycle events of both hosts. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include "domxml.h"
#include "jobs.h"
#include "loop.h"
#include "migrate.h"
#include "model.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "virt_priv.h"

static const char *const action_names[] = { "abort", "postcopy", "suspend" };

const char *
mig_timeout_action_name(enum mig_timeout_action a)
{
    return (unsigned)a < 3 ? action_names[a] : "?";
}

int
mig_timeout_action_parse(const char *s, enum mig_timeout_action *a)
{
    for (unsigned i = 0; i < 3; i++) {
        if (s && strcmp(s, action_names[i]) == 0) {
            *a = i;
            return 0;
        }
    }
    err_set(_("The timeout action must be abort, postcopy or suspend."));
    return -1;
}

int
migrate_opts_check(const struct migrate_opts *o)
{
    if (o->timeout_action == MIG_TIMEOUT_POSTCOPY && !o->postcopy) {
        err_set(_("Switching to post-copy on timeout needs post-copy enabled."));
        return -1;
    }
    if (o->bandwidth_mibs > 1024 * 1024) {
        err_set(_("The bandwidth limit is in MiB/s: %lu is too large."),
                o->bandwidth_mibs);
        return -1;
    }
    if (o->max_downtime_ms > 3600 * 1000ULL) {
        err_set(_("The maximum downtime is in milliseconds: at most one hour."));
        return -1;
    }
    return 0;
}

struct mig {
    struct virt *v;
    struct vconn *vc;
    virConnectPtr conn;
    char uuid[VIR_UUID_STRING_BUFLEN];
    char *vm_name, *src_name, *dst_name, *dst_uri;
    struct migrate_opts o;
    int64_t task_id;
    virt_done_fn done;
    void *opaque;
    /* worker results */
    char *error;
    bool aborted;
    /* main-thread bookkeeping */
    int timer;
    double t0;
    bool polling, downtime_set, timeout_fired, finished;
    int refs;               /* the migrate job and the poll jobs */
};

static void
mig_unref(struct mig *g)
{
    if (--g->refs > 0)
        return;
    loop_remove_timer(g->timer);
    virConnectClose(g->conn);
    virt_release(g->vc);
    free(g->vm_name);
    free(g->src_name);
    free(g->dst_name);
    free(g->dst_uri);
    free(g->error);
    free(g);
}

/* Local disks a live migration cannot take without copying them: file
 * or block disks that are neither read-only nor shareable. */
static char *
local_disks(virDomainPtr dom)
{
    char *xml = virDomainGetXMLDesc(dom, 0);
    char *out = NULL;
    char **paths = NULL;

    if (!xml)
        return NULL;
    if (domxml_local_disks(xml, &paths) == 0 && paths[0]) {
        size_t len = 0;
        for (size_t i = 0; paths[i]; i++)
            len += strlen(paths[i]) + 2;
        out = xcalloc(1, len + 1);
        for (size_t i = 0; paths[i]; i++) {
            if (i)
                strcat(out, ", ");
            strcat(out, paths[i]);
        }
    }
    for (size_t i = 0; paths && paths[i]; i++)
        free(paths[i]);
    free(paths);
    free(xml);
    return out;
}

static void
mig_run(void *arg)
{
    struct mig *g = arg;
    virDomainPtr dom = virDomainLookupByUUIDString(g->conn, g->uuid);
    virTypedParameterPtr params = NULL;
    int nparams = 0, maxparams = 0;
    unsigned flags = VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER |
                     VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE;
    char *local;

    if (!dom) {
        g->error = virt_last_error();
        return;
    }
    local = local_disks(dom);
    if (local && !g->o.copy_storage) {
        g->error = xasprintf(_("its disks are not on shared storage (%s): move "
                               "them to a shared storage domain, or migrate "
                               "with storage copy"), local);
        free(local);
        virDomainFree(dom);
        return;
    }
    free(local);
    if (g->o.copy_storage)
        flags |= VIR_MIGRATE_NON_SHARED_DISK;
    if (g->o.auto_converge)
        flags |= VIR_MIGRATE_AUTO_CONVERGE;
    if (g->o.postcopy)
        flags |= VIR_MIGRATE_POSTCOPY;
    if (g->o.bandwidth_mibs)
        virTypedParamsAddULLong(&params, &nparams, &maxparams,
                                VIR_MIGRATE_PARAM_BANDWIDTH, g->o.bandwidth_mibs);
    if (virDomainMigrateToURI3(dom, g->dst_uri, params, (unsigned)nparams,
                               flags) < 0) {
        virErrorPtr e = virGetLastError();
        g->aborted = e && e->code == VIR_ERR_OPERATION_ABORTED;
        g->error = virt_last_error();
    }
    virTypedParamsFree(params, nparams);
    virDomainFree(dom);
}

static void
mig_done(void *arg)
{
    struct mig *g = arg;
    struct model *m = virt_model(g->v);
    struct task *t = model_task_by_id(m, g->task_id);
    enum task_state st;
    char *msg;

    g->finished = true;
    loop_remove_timer(g->timer);
    g->timer = -1;
    if (!g->error) {
        st = TASK_DONE;
        msg = xasprintf(_("VM '%s' migrated from host '%s' to host '%s'."),
                        g->vm_name, g->src_name, g->dst_name);
    } else if (g->aborted || (t && t->cancel_requested)) {
        st = TASK_CANCELLED;
        if (g->timeout_fired)
            msg = xasprintf(_("Migration of VM '%s' to host '%s' stopped after "
                              "%u s; the VM still runs on host '%s'."),
                            g->vm_name, g->dst_name, g->o.timeout_s,
                            g->src_name);
        else
            msg = xasprintf(_("Migration of VM '%s' to host '%s' cancelled; "
                              "the VM still runs on host '%s'."), g->vm_name,
                            g->dst_name, g->src_name);
    } else {
        st = TASK_FAILED;
        msg = xasprintf(_("Could not migrate VM '%s' to host '%s': %s."),
                        g->vm_name, g->dst_name, g->error);
    }
    if (st == TASK_DONE) {
        /* The source's events (stopped, undefined) may still be on their
         * way: the VM has left the source now, whatever they say later. */
        struct host *src = model_host_by_id(m, vconn_host_id(g->vc));
        if (src)
            model_vm_remove(m, src, g->uuid);
        virt_host_stats_stale(g->v, vconn_host_id(g->vc));
        if (t)
            virt_refresh_host(g->v, t->dst_host);
    }
    if (t) {
        if (st == TASK_DONE) {
            t->percent = 100;
            t->have_progress = true;
            t->data_processed = t->data_total;
            t->data_remaining = 0;
        }
        model_task_end(m, t, st, msg);
    }
    virt_tell(g->v, g->vm_name, "vm-migrate", st == TASK_DONE ? 1 : 0, msg);
    if (g->done)
        g->done(g->opaque, st == TASK_DONE, msg);
    free(msg);
    virt_refresh_host(g->v, vconn_host_id(g->vc));
    mig_unref(g);
}

/* ---- progress, timeout, cancel: small jobs on the same connection ---- */

enum poll_cmd { POLL_STATS, POLL_ABORT, POLL_POSTCOPY, POLL_SUSPEND };

struct poll_job {
    struct mig *g;
    enum poll_cmd cmd;
    unsigned long long set_downtime;    /* 0: leave */
    bool have;
    int type;
    unsigned long long total, processed, remaining, bps, iteration, downtime;
    char *error;
};

static unsigned long long
param_ull(virTypedParameterPtr p, int n, const char *name)
{
    unsigned long long v = 0;
    if (virTypedParamsGetULLong(p, n, name, &v) <= 0)
        v = 0;
    return v;
}

static void
poll_run(void *arg)
{
    struct poll_job *j = arg;
    virDomainPtr dom = virDomainLookupByUUIDString(j->g->conn, j->g->uuid);
    virTypedParameterPtr p = NULL;
    int n = 0, rc = 0;

    if (!dom)
        return;
    switch (j->cmd) {
    case POLL_ABORT: rc = virDomainAbortJob(dom); break;
    case POLL_POSTCOPY: rc = virDomainMigrateStartPostCopy(dom, 0); break;
    case POLL_SUSPEND: rc = virDomainSuspend(dom); break;
    case POLL_STATS:
        if (j->set_downtime &&
            virDomainMigrateSetMaxDowntime(dom, j->set_downtime, 0) < 0)
            log_warn("max downtime not set: %s", virGetLastErrorMessage());
        if (virDomainGetJobStats(dom, &j->type, &p, &n, 0) == 0) {
            j->have = true;
            j->total = param_ull(p, n, VIR_DOMAIN_JOB_DATA_TOTAL);
            j->processed = param_ull(p, n, VIR_DOMAIN_JOB_DATA_PROCESSED);
            j->remaining = param_ull(p, n, VIR_DOMAIN_JOB_DATA_REMAINING);
            j->bps = param_ull(p, n, VIR_DOMAIN_JOB_MEMORY_BPS);
            j->iteration = param_ull(p, n, VIR_DOMAIN_JOB_MEMORY_ITERATION);
            j->downtime = param_ull(p, n, VIR_DOMAIN_JOB_DOWNTIME);
            virTypedParamsFree(p, n);
        }
        break;
    }
    if (rc < 0)
        j->error = virt_last_error();
    virDomainFree(dom);
}

static void
poll_done(void *arg)
{
    struct poll_job *j = arg;
    struct mig *g = j->g;
    struct model *m = virt_model(g->v);
    struct task *t = model_task_by_id(m, g->task_id);

    if (j->cmd == POLL_STATS) {
        g->polling = false;
        if (j->set_downtime)
            g->downtime_set = true;
        if (j->have && t && !g->finished &&
            (j->type == VIR_DOMAIN_JOB_BOUNDED ||
             j->type == VIR_DOMAIN_JOB_UNBOUNDED) && j->total) {
            t->have_progress = true;
            t->data_total = j->total;
            t->data_processed = j->processed;
            t->data_remaining = j->remaining;
            t->percent = 100.0 * (double)(j->total - j->remaining) /
                         (double)j->total;
            t->mem_bps = j->bps;
            t->iteration = (unsigned)j->iteration;
            t->downtime_ms = j->downtime;
            m->events |= MODEL_EV_TASKS;
        }
    } else if (j->error) {
        char *msg = xasprintf(_("Migration of VM '%s': %s"), g->vm_name,
                              j->error);
        virt_tell(g->v, g->vm_name, "vm-migrate", 0, msg);
        free(msg);
    }
    free(j->error);
    free(j);
    mig_unref(g);
}

static void
poll_submit(struct mig *g, enum poll_cmd cmd)
{
    struct poll_job *j = xcalloc(1, sizeof(*j));
    j->g = g;
    j->cmd = cmd;
    if (cmd == POLL_STATS) {
        g->polling = true;
        if (g->o.max_downtime_ms && !g->downtime_set)
            j->set_downtime = g->o.max_downtime_ms;
    }
    g->refs++;
    jobs_submit(poll_run, poll_done, j);
}

static void
mig_tick(void *opaque)
{
    struct mig *g = opaque;
    struct task *t = model_task_by_id(virt_model(g->v), g->task_id);

    if (g->finished)
        return;
    if (t && t->cancel_requested && !g->aborted) {
        g->aborted = true;
        poll_submit(g, POLL_ABORT);
        return;
    }
    if (g->o.timeout_s && !g->timeout_fired &&
        loop_now() - g->t0 >= g->o.timeout_s) {
        g->timeout_fired = true;
        if (g->o.timeout_action == MIG_TIMEOUT_ABORT) {
            g->aborted = true;
            poll_submit(g, POLL_ABORT);
        } else {
            poll_submit(g, g->o.timeout_action == MIG_TIMEOUT_POSTCOPY
                           ? POLL_POSTCOPY : POLL_SUSPEND);
        }
    }
    if (!g->polling)
        poll_submit(g, POLL_STATS);
}

int
virt_vm_migrate(struct virt *v, const char *uuid, int64_t dst_host_id,
                const struct migrate_opts *o, int64_t task_id,
                virt_done_fn done, void *opaque)
{
    struct model *m = virt_model(v);
    struct vm *vm = model_vm_by_uuid(m, uuid);
    struct host *src = vm ? model_host_by_id(m, vm->host_id) : NULL;
    struct host *dst = model_host_by_id(m, dst_host_id);
    struct mig *g;

    if (!vm || !src || !dst) {
        err_set(_("The VM or one of the hosts is gone."));
        return -1;
    }
    g = xcalloc(1, sizeof(*g));
    g->vc = virt_hold(v, src->id, &g->conn);
    if (!g->vc) {
        free(g);
        return -1;
    }
    g->v = v;
    snprintf(g->uuid, sizeof(g->uuid), "%s", uuid);
    g->vm_name = xstrdup(vm->name);
    g->src_name = xstrdup(src->name);
    g->dst_name = xstrdup(dst->name);
    g->dst_uri = xstrdup(dst->uri);
    g->o = *o;
    g->task_id = task_id;
    g->done = done;
    g->opaque = opaque;
    g->t0 = loop_now();
    g->refs = 1;
    g->timer = loop_add_timer(1000, mig_tick, g);
    jobs_submit(mig_run, mig_done, g);
    return 0;
}
