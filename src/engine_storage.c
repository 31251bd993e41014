/* engine_storage.c: storage domains in data centers, and the SPM.
 *
 * oVirt's rules: a data center is Up only with an active data domain (and
 * an SPM); a data domain belongs to one data center at a time; ISO domains
 * may serve several; export domains are legacy (shown, import only).  A
 * domain is attached Active, may go to Maintenance, and is detached only
 * from Maintenance.
 *
 * The storage pool manager: every data center with an active data domain
 * elects one Up host (not in maintenance) of its clusters, the highest SPM
 * priority first (0..10; -1 never), at random among equals, and elects
 * again when that host becomes NonResponsive or goes to maintenance.
 * Operations that change a data domain's contents (create or delete a disk)
 * are done on behalf of the SPM and refused while there is none. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine_priv.h"
#include "loop.h"
#include "sd_nfs.h"
#include "store.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "valid.h"

static bool
dc_has_host(struct engine *e, int64_t dc_id, const struct host *h)
{
    struct cluster *c = model_cluster_by_id(e->m, h->cluster_id);
    return c && c->dc_id == dc_id;
}

/* An active data domain attached to the data center. */
static struct sd *
dc_active_data(struct engine *e, int64_t dc_id)
{
    for (size_t i = 0; i < e->m->sds.len; i++) {
        struct sd *sd = e->m->sds.items[i];
        struct sd_att *a = model_sd_att(sd, dc_id);
        if (sd->role == SD_DATA && a && a->active)
            return sd;
    }
    return NULL;
}

void
engine_spm_update(struct engine *e)
{
    for (size_t i = 0; i < e->m->dcs.len; i++) {
        struct dc *dc = e->m->dcs.items[i];
        struct host *cur = dc->spm_host ? model_host_by_id(e->m, dc->spm_host)
                                        : NULL;
        enum dc_status old = dc->status;
        int64_t old_spm = dc->spm_host;
        struct host *best[64];
        int nbest = 0, prio = -1;

        if (!dc_active_data(e, dc->id)) {
            dc->status = DC_UNINITIALIZED;
            dc->spm_host = 0;
            goto changed;
        }
        if (cur && cur->state == HOST_UP && dc_has_host(e, dc->id, cur) &&
            cur->spm_priority >= 0) {
            dc->status = DC_UP;
            goto changed;
        }
        for (size_t k = 0; k < e->m->hosts.len; k++) {
            struct host *h = e->m->hosts.items[k];
            if (h->state != HOST_UP || !dc_has_host(e, dc->id, h) ||
                h->spm_priority < 0)
                continue;
            if (h->spm_priority > prio) {
                prio = h->spm_priority;
                nbest = 0;
            }
            if (h->spm_priority == prio && nbest < 64)
                best[nbest++] = h;
        }
        if (nbest) {
            struct host *h = best[nbest > 1 ? rand() % nbest : 0];
            dc->spm_host = h->id;
            dc->status = DC_UP;
        } else {
            dc->spm_host = 0;
            dc->status = DC_NONRESPONSIVE;
        }
changed:
        if (dc->spm_host != old_spm || dc->status != old) {
            struct host *h = dc->spm_host ? model_host_by_id(e->m, dc->spm_host)
                                          : NULL;
            char *msg;
            if (h)
                msg = xasprintf(_("Host '%s' is the storage pool manager (SPM) "
                                  "of data center '%s'."), h->name, dc->name);
            else if (dc->status == DC_UNINITIALIZED)
                msg = xasprintf(_("Data center '%s' is Uninitialized: attach and "
                                  "activate a data domain."), dc->name);
            else
                msg = xasprintf(_("Data center '%s' has no SPM: no Up host of "
                                  "its clusters can take it."), dc->name);
            /* The first election after start is no event; changes are,
             * and so is losing the SPM. */
            if (old_spm || old == DC_UP)
                engine_audit(e, dc->name, "spm", h ? -1 : 0, msg);
            else
                log_info("%s", msg);
            free(msg);
            e->m->events |= MODEL_EV_INVENTORY | MODEL_EV_HOST_STATE;
        }
    }
}

static struct sd *
find_sd(struct engine *e, const char *name, const char *action)
{
    struct sd *sd = model_sd_by_name(e->m, name);
    if (!sd) {
        err_set(_("There is no storage domain named '%s'."), name);
        engine_refuse(e, name, action);
    }
    return sd;
}

static struct dc *
find_dc(struct engine *e, const char *name, const char *obj, const char *action)
{
    struct dc *dc = model_dc_by_name(e->m, name);
    if (!dc) {
        err_set(_("There is no data center named '%s'."), name);
        engine_refuse(e, obj, action);
    }
    return dc;
}

/* Running VMs of the data center whose disks live on sd. */
static struct vm *
vm_using(struct engine *e, const struct sd *sd, int64_t dc_id)
{
    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        if (!dc_has_host(e, dc_id, h))
            continue;
        for (size_t j = 0; j < h->vms.len; j++) {
            struct vm *vm = h->vms.items[j];
            if (vm->state != VM_RUNNING && vm->state != VM_PAUSED &&
                vm->state != VM_BLOCKED)
                continue;
            for (const char *d = vm_device_next(vm, NULL); d;
                 d = vm_device_next(vm, d)) {
                if (sd->path && strstr(d, sd->path))
                    return vm;
            }
        }
    }
    return NULL;
}

int
engine_sd_attach(struct engine *e, const char *name, const char *dc_name)
{
    struct sd *sd;
    struct dc *dc;
    char *msg;

    if (engine_check_write(e, name, "storage-attach") < 0)
        return -1;
    sd = find_sd(e, name, "storage-attach");
    if (!sd || !(dc = find_dc(e, dc_name, name, "storage-attach")))
        return -1;
    if (model_sd_att(sd, dc->id)) {
        err_set(_("Storage domain '%s' is already attached to data center "
                  "'%s'."), name, dc_name);
        return engine_refuse(e, name, "storage-attach");
    }
    if (sd->role == SD_DATA && sd->dc_ids.len) {
        struct dc *other = model_dc_by_id(e->m, *(int64_t *)sd->dc_ids.items[0]);
        err_set(_("Data domain '%s' belongs to data center '%s': a data domain "
                  "serves one data center; detach it there first."), name,
                other ? other->name : "?");
        return engine_refuse(e, name, "storage-attach");
    }
    if (store_sd_attach(e->store, name, dc_name) < 0)
        return engine_refuse(e, name, "storage-attach");
    model_sd_attach(sd, dc->id);
    e->m->events |= MODEL_EV_INVENTORY;
    msg = sd->role == SD_EXPORT
        ? xasprintf(_("Export domain '%s' attached to data center '%s' and "
                      "active.  Export domains are deprecated: use it only to "
                      "import VMs."), name, dc_name)
        : xasprintf(_("Storage domain '%s' attached to data center '%s' and "
                      "active."), name, dc_name);
    engine_audit(e, name, "storage-attach", 1, msg);
    free(msg);
    engine_spm_update(e);
    return 0;
}

static int
set_active(struct engine *e, const char *name, const char *dc_name, bool on)
{
    const char *action = on ? "storage-activate" : "storage-maintenance";
    struct sd *sd;
    struct dc *dc;
    struct sd_att *a;
    struct vm *vm;
    char *msg;

    if (engine_check_write(e, name, action) < 0)
        return -1;
    sd = find_sd(e, name, action);
    if (!sd || !(dc = find_dc(e, dc_name, name, action)))
        return -1;
    a = model_sd_att(sd, dc->id);
    if (!a) {
        err_set(_("Storage domain '%s' is not attached to data center '%s'."),
                name, dc_name);
        return engine_refuse(e, name, action);
    }
    if (a->active == on) {
        err_set(on ? _("Storage domain '%s' is already active in '%s'.")
                   : _("Storage domain '%s' is already in maintenance in '%s'."),
                name, dc_name);
        return engine_refuse(e, name, action);
    }
    if (!on && (vm = vm_using(e, sd, dc->id))) {
        err_set(_("VM '%s' runs with a disk on storage domain '%s': stop or "
                  "move it first."), vm->name, name);
        return engine_refuse(e, name, action);
    }
    if (store_sd_set_active(e->store, name, dc_name, on) < 0)
        return engine_refuse(e, name, action);
    a->active = on;
    e->m->events |= MODEL_EV_INVENTORY;
    msg = on ? xasprintf(_("Storage domain '%s' is active in data center '%s'."),
                         name, dc_name)
             : xasprintf(_("Storage domain '%s' is in maintenance in data center "
                           "'%s'."), name, dc_name);
    engine_audit(e, name, action, 1, msg);
    free(msg);
    engine_spm_update(e);
    return 0;
}

int
engine_sd_activate(struct engine *e, const char *name, const char *dc)
{
    return set_active(e, name, dc, true);
}

int
engine_sd_maintenance(struct engine *e, const char *name, const char *dc)
{
    return set_active(e, name, dc, false);
}

int
engine_sd_detach(struct engine *e, const char *name, const char *dc_name)
{
    struct sd *sd;
    struct dc *dc;
    struct sd_att *a;
    char *msg;

    if (engine_check_write(e, name, "storage-detach") < 0)
        return -1;
    sd = find_sd(e, name, "storage-detach");
    if (!sd || !(dc = find_dc(e, dc_name, name, "storage-detach")))
        return -1;
    a = model_sd_att(sd, dc->id);
    if (!a) {
        err_set(_("Storage domain '%s' is not attached to data center '%s'."),
                name, dc_name);
        return engine_refuse(e, name, "storage-detach");
    }
    if (a->active) {
        err_set(_("Storage domain '%s' is active in data center '%s': put it in "
                  "maintenance first."), name, dc_name);
        return engine_refuse(e, name, "storage-detach");
    }
    if (store_sd_detach(e->store, name, dc_name) < 0)
        return engine_refuse(e, name, "storage-detach");
    vec_remove_item(&sd->dc_ids, a);
    free(a);
    e->m->events |= MODEL_EV_INVENTORY;
    msg = xasprintf(_("Storage domain '%s' detached from data center '%s'."),
                    name, dc_name);
    engine_audit(e, name, "storage-detach", 1, msg);
    free(msg);
    engine_spm_update(e);
    return 0;
}

int
engine_sd_remove(struct engine *e, const char *name)
{
    struct sd *sd;
    char *msg;

    if (engine_check_write(e, name, "storage-remove") < 0)
        return -1;
    sd = find_sd(e, name, "storage-remove");
    if (!sd)
        return -1;
    if (store_sd_remove(e->store, name) < 0)
        return engine_refuse(e, name, "storage-remove");
    vec_remove_item(&e->m->sds, sd);
    vec_clear(&sd->dc_ids, free);
    free(sd->name);
    free(sd->address);
    free(sd->path);
    free(sd->luns);
    free(sd->chap_user);
    free(sd->problem);
    free(sd);
    e->m->events |= MODEL_EV_INVENTORY;
    msg = xasprintf(_("Storage domain '%s' removed (its data stays on the "
                      "server)."), name);
    engine_audit(e, name, "storage-remove", 1, msg);
    free(msg);
    return 0;
}

int
engine_host_set_spm_priority(struct engine *e, const char *name, int prio)
{
    struct host *h = model_host_by_name(e->m, name);
    char *msg;

    if (engine_check_write(e, name, "host-spm-priority") < 0)
        return -1;
    if (!h) {
        err_set(_("There is no host named '%s'."), name);
        return engine_refuse(e, name, "host-spm-priority");
    }
    if (prio < -1 || prio > 10) {
        err_set(_("The SPM priority is 0 (lowest) to 10 (highest), or -1 for "
                  "never."));
        return engine_refuse(e, name, "host-spm-priority");
    }
    if (store_host_set_spm_priority(e->store, h->id, prio) < 0)
        return engine_refuse(e, name, "host-spm-priority");
    h->spm_priority = prio;
    msg = xasprintf(_("Host '%s' has SPM priority %d."), name, prio);
    engine_audit(e, name, "host-spm-priority", 1, msg);
    free(msg);
    engine_spm_update(e);
    return 0;
}

struct host *
engine_spm_of(struct engine *e, int64_t dc_id, bool *dc_ok)
{
    struct dc *dc = model_dc_by_id(e->m, dc_id);
    struct host *h;

    if (dc_ok)
        *dc_ok = dc != NULL;
    if (!dc) {
        err_set(_("The data center is gone."));
        return NULL;
    }
    if (!dc_active_data(e, dc_id)) {
        err_set(_("Data center '%s' has no active data domain: attach and "
                  "activate one first."), dc->name);
        return NULL;
    }
    h = dc->spm_host ? model_host_by_id(e->m, dc->spm_host) : NULL;
    if (!h || h->state != HOST_UP) {
        err_set(_("Data center '%s' has no storage pool manager (SPM) now: "
                  "wait for an Up host, or activate one."), dc->name);
        return NULL;
    }
    return h;
}

int
engine_sd_add(struct engine *e, const char *name, enum sd_role role,
              enum sd_backend backend, const char *address, const char *path,
              const char *luns, const char *chap_user)
{
    struct sd *sd;
    int64_t id;
    char *msg;

    if (engine_check_write(e, name, "storage-add") < 0)
        return -1;

    if (valid_name(_("storage domain"), name) < 0)
        return engine_refuse(e, name ? name : "", "storage-add");
    if (backend == SD_ISCSI && role != SD_DATA) {
        err_set(_("An iSCSI domain can only be a data domain: ISO and export "
                  "domains are NFS."));
        return engine_refuse(e, name, "storage-add");
    }
    if (store_sd_add(e->store, name, role, backend, address, path, &id) < 0 ||
        ((luns || chap_user) &&
         store_sd_set_iscsi(e->store, name, luns, chap_user) < 0))
        return engine_refuse(e, name, "storage-add");
    sd = model_sd_add(e->m, id, name, role, backend, address, path);
    sd->luns = xstrdup(luns);
    sd->chap_user = xstrdup(chap_user);
    msg = xasprintf(_("Storage domain '%s' (%s, %s %s:%s) added; attach it to "
                      "a data center."), name, sd_role_name(role),
                    sd_backend_name(backend), address, path);
    engine_audit(e, name, "storage-add", 1, msg);
    free(msg);
    return 0;
}

void
engine_sd_set_space(struct engine *e, const char *name, uint64_t total,
                    uint64_t avail)
{
    struct sd *sd = model_sd_by_name(e->m, name);
    if (!sd)
        return;
    sd->have_space = true;
    sd->total_bytes = total;
    sd->free_bytes = avail;
    e->m->events |= MODEL_EV_STATS;
}

/* ---- ISO uploads ----
 *
 * The glue the CLI and the console share around sd_nfs_upload(): find
 * the ISO domain, follow the upload as a task (the tasks pane shows its
 * progress; engine_task_cancel() stops it), audit the outcome, then tell
 * the caller.  One upload per name and domain at a time, as sd_nfs
 * requires. */

struct upload {
    struct engine *e;
    int64_t task_id;
    struct sd_nfs_op *op;
    char *sd;
    char *remote;
    char *part, *where, *item;  /* the partial file, as the task says it */
    sd_nfs_progress_fn progress;
    sd_nfs_done_fn done;
    void *opaque;
};

struct sd *
engine_iso_domain(struct engine *e, const char *name)
{
    struct sd *sd = model_sd_by_name(e->m, name ? name : "");

    if (!sd) {
        err_set(_("There is no storage domain named '%s'."), name ? name : "");
        return NULL;
    }
    if (sd->role != SD_ISO || sd->backend != SD_NFS) {
        err_set(_("'%s' is not an ISO domain: ISO images go to an NFS domain "
                  "with role iso."), name);
        return NULL;
    }
    return sd;
}

static void
upload_progress(void *opaque, uint64_t done, uint64_t total, double mibs,
                double eta)
{
    struct upload *u = opaque;
    struct task *t = model_task_by_id(u->e->m, u->task_id);

    if (t) {
        t->have_progress = true;
        t->data_total = total;
        t->data_processed = done;
        t->data_remaining = total > done ? total - done : 0;
        t->percent = total ? 100.0 * (double)done / (double)total : 100.0;
        t->mem_bps = mibs > 0 ? (uint64_t)(mibs * 1048576.0) : 0;
        u->e->m->events |= MODEL_EV_TASKS;
    }
    if (u->progress)
        u->progress(u->opaque, done, total, mibs, eta);
}

static void
upload_free(struct upload *u)
{
    free(u->sd);
    free(u->remote);
    free(u->part);
    free(u->where);
    free(u->item);
    free(u);
}

static void
upload_done(void *opaque, int ok, const char *message)
{
    struct upload *u = opaque;
    struct engine *e = u->e;
    struct task *t = model_task_by_id(e->m, u->task_id);
    char *msg;

    for (size_t i = 0; i < e->uploads.len; i++) {
        if (e->uploads.items[i] == u) {
            vec_remove(&e->uploads, i);
            break;
        }
    }
    /* what an operator checks on the server: who owns it, and its mode */
    msg = ok ? xasprintf(_("%s It belongs to vdsm:kvm (36:36), mode 0640."),
                         message)
             : xstrdup(message);
    if (t)
        model_task_end(e->m, t, ok ? TASK_DONE : t->cancel_requested
                       ? TASK_CANCELLED : TASK_FAILED, msg);
    engine_audit(e, u->sd, "iso-upload", ok ? 1 : 0, msg);
    if (ok) {
        /* a stale partial file of an interrupted upload of this name
         * was replaced, then renamed into place */
        char *how = xasprintf(_("The partial file '%s' on '%s' was "
                                "replaced by a later upload of '%s'."),
                              u->part, u->where, u->remote);
        engine_task_resolve(e, u->sd, u->item, how);
        free(how);
    }
    if (u->done)
        u->done(u->opaque, ok, msg);
    free(msg);
    upload_free(u);
}

int
engine_iso_upload(struct engine *e, const char *sd_name,
                  const char *local_file, const char *remote_name, bool force,
                  sd_nfs_progress_fn progress, sd_nfs_done_fn done,
                  void *opaque, int64_t *task_id)
{
    struct sd_nfs_upload_opts uo = { .force = force };
    struct sd *sd;
    struct upload *u;
    struct task *t;
    const char *base;
    bool busy = false;

    if (engine_check_write(e, sd_name, "iso-upload") < 0)
        return -1;
    sd = engine_iso_domain(e, sd_name);
    if (!sd)
        return -1;
    if (!local_file || !*local_file) {
        err_set(_("Choose the file to upload."));
        return engine_refuse(e, sd->name, "iso-upload");
    }
    base = strrchr(local_file, '/');
    base = base ? base + 1 : local_file;
    if (!remote_name)
        remote_name = base;
    if (valid_file_name(remote_name) < 0)
        return engine_refuse(e, sd->name, "iso-upload");
    for (size_t i = 0; i < e->uploads.len; i++) {
        const struct upload *o = e->uploads.items[i];
        if (streq(o->sd, sd->name) && streq(o->remote, remote_name)) {
            err_set(_("'%s' is being uploaded to '%s' already: wait for it "
                      "or cancel it in the tasks pane."), remote_name,
                    sd->name);
            return engine_refuse(e, sd->name, "iso-upload");
        }
    }
    u = xcalloc(1, sizeof(*u));
    u->e = e;
    u->sd = xstrdup(sd->name);
    u->remote = xstrdup(remote_name);
    u->progress = progress;
    u->done = done;
    u->opaque = opaque;
    /* the hidden name sd_nfs_upload writes to until the rename: what an
     * interrupted upload leaves behind */
    u->part = xasprintf("%s/.%s.part", SD_NFS_DIR_ISO, remote_name);
    u->where = xasprintf("%s:%s", sd->address, sd->path);
    t = model_task_new(e->m, TASK_ISO_UPLOAD, remote_name);
    t->where = xstrdup(sd->name);
    task_left_add(t, TASK_LEFT_FILE, u->part, u->where);
    u->item = xstrdup(t->left.items[0]);
    /* one upload of a name at a time: another living virtdeck may be
     * writing that partial file now */
    if (engine_task_busy(e, u->item, &busy) == 0 && busy) {
        err_set(_("Another virtdeck is uploading '%s' to domain '%s' now: "
                  "wait for it to end."), remote_name, sd->name);
        model_task_end(e->m, t, TASK_FAILED, err_msg());
        upload_free(u);
        return engine_refuse(e, sd->name, "iso-upload");
    }
    engine_task_begin(e, t);
    u->task_id = t->id;
    u->op = sd_nfs_upload(sd->address, sd->path, SD_NFS_DIR_ISO, local_file,
                          remote_name, &uo, upload_progress, upload_done, u);
    if (!u->op) {
        model_task_end(e->m, t, TASK_FAILED, err_msg());
        upload_free(u);
        return engine_refuse(e, sd->name, "iso-upload");
    }
    vec_push(&e->uploads, u);
    if (task_id)
        *task_id = t->id;
    return 0;
}

static int
uploads_over(void *opaque)
{
    return !((struct engine *)opaque)->uploads.len;
}

void
engine_upload_cancel(struct engine *e, int64_t task_id)
{
    for (size_t i = 0; i < e->uploads.len; i++) {
        struct upload *u = e->uploads.items[i];
        if (u->task_id == task_id)
            sd_nfs_upload_cancel(u->op);
    }
}

unsigned
engine_uploads(const struct engine *e)
{
    return (unsigned)e->uploads.len;
}

/* Cancel the uploads still running and wait until their temporary files
 * are gone from the servers (each ends within sd_nfs's timeout). */
void
engine_uploads_stop(struct engine *e)
{
    for (size_t i = 0; i < e->uploads.len; i++) {
        struct upload *u = e->uploads.items[i];
        struct task *t = model_task_by_id(e->m, u->task_id);
        if (t)
            t->cancel_requested = true;
        sd_nfs_upload_cancel(u->op);
    }
    if (e->uploads.len)
        loop_run(uploads_over, e);
}
