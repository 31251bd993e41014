/* engine.c: the engine (see engine.h). */
#include <config.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "demo.h"
#include "engine.h"
#include "engine_priv.h"
#include "loop.h"
#include "store.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "valid.h"
#include "vmspec.h"
#include "domxml.h"
#include "migrate.h"


/* Who acts, for the audit log: the unix user; "(LOGIN)" when the session
 * was opened by another login name (su, sudo); "@ADDRESS" when the session
 * came over SSH (SSH_CONNECTION, else the older SSH_CLIENT). */
static char *
engine_make_user(void)
{
    struct passwd *pw = getpwuid(getuid());
    const char *ssh = getenv("SSH_CONNECTION");
    const char *login = getlogin();
    char ip[64] = "";
    char *name, *who;

    if (!ssh || !*ssh)
        ssh = getenv("SSH_CLIENT");
    name = pw ? xstrdup(pw->pw_name) : xasprintf("uid%u", (unsigned)getuid());
    if (login && *login && !streq(login, name) && !strpbrk(login, " \t@()")) {
        who = xasprintf("%s(%s)", name, login);
        free(name);
        name = who;
    }
    if (ssh && sscanf(ssh, "%63s", ip) == 1 && ip[0]) {
        who = xasprintf("%s@%s", name, ip);
        free(name);
        return who;
    }
    return name;
}

struct engine *
engine_open(const struct config *cfg, const char *db_path, unsigned flags)
{
    struct engine *e = xcalloc(1, sizeof(*e));
    char *path = NULL, *datadir = NULL;
    bool empty = true;

    e->cfg = cfg;
    e->readonly = flags & ENGINE_READONLY;
    e->refresh_timer = -1;
    e->ha_timer = -1;
    e->sd_timer = -1;
    e->user = engine_make_user();
    e->m = model_new();

    if (!(flags & ENGINE_DEMO)) {
        path = xstrdup(db_path ? db_path
                       : cfg->database ? cfg->database : NULL);
        if (!path)
            path = store_default_path();
        if (flags & ENGINE_WRITE) {
            e->store = store_open(path, STORE_CREATE |
                                  (flags & ENGINE_READONLY ? STORE_READONLY : 0));
            if (!e->store)
                goto fail;
            empty = false;
        } else if (store_file_exists(path)) {
            e->store = store_open(path, flags & ENGINE_READONLY ? STORE_READONLY : 0);
            if (!e->store || store_is_empty(e->store, &empty) < 0)
                goto fail;
            if (empty)
                store_free(&e->store);
        }
    }
    if (!e->store) {
        /* The demo: a private memory store, never the operator's file. */
        e->demo = true;
        e->store = store_open(NULL, STORE_MEMORY);
        if (!e->store)
            goto fail;
        datadir = demo_data_dir();
        if (demo_load(e->store, datadir) < 0)
            goto fail;
    }
    if (store_load(e->store, e->m) < 0)
        goto fail;
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    engine_spm_update(e);
    engine_tasks_open(e, !(flags & ENGINE_READONLY));
    free(path);
    free(datadir);
    return e;

fail:
    free(path);
    free(datadir);
    engine_free(&e);
    return NULL;
}

void
engine_free(struct engine **ep)
{
    struct engine *e = *ep;
    if (!e)
        return;
    engine_uploads_stop(e);
    loop_remove_timer(e->refresh_timer);
    if (e->sd_timer >= 0)
        engine_sd_monitor_stop(e);
    if (e->started && !e->readonly)
        engine_ha_stop(e);
    virt_free(&e->virt);
    store_free(&e->store);
    model_free(&e->m);
    /* their items are gone (each ends with its operation) */
    vec_clear(&e->uploads, NULL);
    vec_clear(&e->sd_polls, NULL);
    free(e->user);
    free(e);
    *ep = NULL;
}

static void
engine_notify(void *opaque, const char *object, const char *action, int ok,
              const char *message)
{
    engine_audit(opaque, object, action, ok, message);
}

static void
engine_tick(void *opaque)
{
    struct engine *e = opaque;
    virt_refresh(e->virt);
    engine_tasks_sync(e);
}

int
engine_start(struct engine *e)
{
    struct virt_opts o = {
        .connect_timeout = e->cfg->connect_timeout,
        .keepalive_interval = e->cfg->keepalive_interval,
        .keepalive_count = e->cfg->keepalive_count,
        .reconnect_min = 1,
        .reconnect_max = e->cfg->reconnect_max,
        .ha_grace = e->cfg->ha_grace,
        .readonly = e->readonly,
    };

    if (e->started)
        return 0;
    e->virt = virt_new(e->m, &o, engine_notify, e);
    if (e->readonly)
        engine_audit(e, "virtdeck", "read-only", -1,
                     _("Read-only: this virtdeck observes only.  Hosts are "
                       "opened read-only; it changes nothing, and restarts "
                       "no HA VM, evacuates no host and writes no SPM "
                       "election: the engine that runs without --read-only "
                       "does that."));
    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        virt_host_connect(e->virt, h->id);
    }
    e->refresh_timer = loop_add_timer((int)(e->cfg->refresh_interval * 1000),
                                      engine_tick, e);
    /* HA restarts and stale-definition clean-up change hosts: an observer
     * leaves them to the engine that writes. */
    if (!e->readonly)
        engine_ha_start(e);
    e->started = true;
    return 0;
}

struct model *
engine_model(struct engine *e)
{
    return e->m;
}

struct virt *
engine_virt(struct engine *e)
{
    return e->virt;
}

bool
engine_is_demo(const struct engine *e)
{
    return e->demo;
}

bool
engine_is_readonly(const struct engine *e)
{
    return e->readonly;
}

int
engine_check_write(struct engine *e, const char *object, const char *action)
{
    if (!e->readonly)
        return 0;
    err_set(_("read-only: '%s' would change things, and this virtdeck only "
              "observes (--read-only); run virtdeck without --read-only to "
              "do it."), action);
    return engine_refuse(e, object ? object : "", action);
}

const char *
engine_db_path(const struct engine *e)
{
    return e->demo ? "" : store_path(e->store);
}

unsigned
engine_busy(const struct engine *e)
{
    return e->virt ? virt_busy(e->virt) : 0;
}

bool
engine_settled(const struct engine *e)
{
    if (!e->virt || !virt_settled(e->virt))
        return false;
    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        if (h->state == HOST_CONNECTING)
            return false;
        if ((h->state == HOST_UP || h->state == HOST_MAINTENANCE) &&
            virt_refresh_count(e->virt, h->id) == 0)
            return false;
    }
    return true;
}

bool
engine_has_counters(const struct engine *e)
{
    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        if (h->state != HOST_UP && h->state != HOST_MAINTENANCE)
            continue;
        if (h->known & STAT_CPU)
            return true;
        for (size_t j = 0; j < h->vms.len; j++) {
            if (((struct vm *)h->vms.items[j])->known & STAT_CPU)
                return true;
        }
    }
    return false;
}

unsigned
engine_refreshes(const struct engine *e)
{
    unsigned n = 0;
    for (size_t i = 0; e->virt && i < e->m->hosts.len; i++)
        n += virt_refresh_count(e->virt, ((struct host *)e->m->hosts.items[i])->id);
    return n;
}

unsigned
engine_up_hosts(const struct engine *e)
{
    unsigned n = 0;
    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        if (h->state == HOST_UP || h->state == HOST_MAINTENANCE)
            n++;
    }
    return n;
}

const char *
engine_user(const struct engine *e)
{
    return e->user;
}

void
engine_audit(struct engine *e, const char *object, const char *action, int ok,
             const char *message)
{
    struct audit a = {
        .user = e->user,
        .object = (char *)object,
        .action = (char *)action,
        .result = ok > 0 ? "ok" : ok == 0 ? "failed" : "info",
        .message = (char *)message,
    };
    /* An observer's database is read-only: its entries (refusals, what
     * it saw) stay in its own events pane and log. */
    if (e->readonly) {
        a.time = time(NULL);
    } else if (store_audit_add(e->store, &a) < 0) {
        log_warn("audit entry not stored: %s", err_msg());
        a.time = time(NULL);
    }
    log_info("%s %s %s: %s", object, action, a.result, message);
    model_audit_push(e->m, &a);
}

/* Audit a failed inventory change with the message err_set() holds. */
int
engine_refuse(struct engine *e, const char *object, const char *action)
{
    char *msg = xstrdup(err_msg());
    engine_audit(e, object, action, 0, msg);
    err_set("%s", msg);
    free(msg);
    return -1;
}

/* Reload the inventory from the store: simplest correct way to follow an
 * edit, since ids stay and VMs hang off hosts that are kept. */
static int
engine_reload_inventory(struct engine *e)
{
    struct model *fresh = model_new();
    if (store_load(e->store, fresh) < 0) {
        model_free(&fresh);
        return -1;
    }
    /* dcs, clusters and sds are replaced; hosts keep their live state */
    while (e->m->dcs.len)
        model_dc_remove(e->m, ((struct dc *)e->m->dcs.items[0])->id);
    while (e->m->clusters.len)
        model_cluster_remove(e->m, ((struct cluster *)e->m->clusters.items[0])->id);
    for (size_t i = 0; i < fresh->dcs.len; i++) {
        struct dc *d = fresh->dcs.items[i];
        model_dc_add(e->m, d->id, d->name, d->description);
    }
    for (size_t i = 0; i < fresh->clusters.len; i++) {
        struct cluster *c = fresh->clusters.items[i];
        model_cluster_add(e->m, c->id, c->dc_id, c->name, c->description);
    }
    for (size_t i = 0; i < fresh->hosts.len; i++) {
        struct host *fh = fresh->hosts.items[i];
        struct host *h = model_host_by_id(e->m, fh->id);
        if (!h)
            continue;
        if (!streq(h->name, fh->name)) {
            free(h->name);
            h->name = xstrdup(fh->name);
        }
        h->cluster_id = fh->cluster_id;
    }
    e->m->events |= MODEL_EV_INVENTORY;
    model_free(&fresh);
    return 0;
}

int
engine_dc_add(struct engine *e, const char *name, const char *description)
{
    int64_t id;
    char *msg;

    if (engine_check_write(e, name, "dc-add") < 0)
        return -1;
    if (valid_name(_("data center"), name) < 0 ||
        store_dc_add(e->store, name, description, &id) < 0)
        return engine_refuse(e, name ? name : "", "dc-add");
    model_dc_add(e->m, id, name, description);
    msg = xasprintf(_("Data center '%s' added."), name);
    engine_audit(e, name, "dc-add", 1, msg);
    free(msg);
    return 0;
}

int
engine_dc_edit(struct engine *e, const char *name, const char *new_name,
               const char *description)
{
    struct dc *dc = model_dc_by_name(e->m, name);
    char *msg;

    if (engine_check_write(e, name, "dc-edit") < 0)
        return -1;
    if (!dc) {
        err_set(_("There is no data center named '%s'."), name);
        return engine_refuse(e, name, "dc-edit");
    }
    if (valid_name(_("data center"), new_name) < 0 ||
        store_dc_update(e->store, dc->id, new_name, description) < 0 ||
        engine_reload_inventory(e) < 0)
        return engine_refuse(e, name, "dc-edit");
    msg = xasprintf(_("Data center '%s' changed."), new_name);
    engine_audit(e, new_name, "dc-edit", 1, msg);
    free(msg);
    return 0;
}

int
engine_dc_remove(struct engine *e, const char *name)
{
    struct dc *dc = model_dc_by_name(e->m, name);
    char *msg;

    if (engine_check_write(e, name, "dc-remove") < 0)
        return -1;
    if (store_dc_remove(e->store, name) < 0)
        return engine_refuse(e, name, "dc-remove");
    if (dc)
        model_dc_remove(e->m, dc->id);
    msg = xasprintf(_("Data center '%s' removed."), name);
    engine_audit(e, name, "dc-remove", 1, msg);
    free(msg);
    return 0;
}

int
engine_cluster_add(struct engine *e, const char *name, const char *dc,
                   const char *description)
{
    int64_t id;
    struct dc *d;
    char *msg;

    if (engine_check_write(e, name, "cluster-add") < 0)
        return -1;
    if (valid_name(_("cluster"), name) < 0 ||
        store_cluster_add(e->store, name, dc, description, &id) < 0)
        return engine_refuse(e, name ? name : "", "cluster-add");
    d = model_dc_by_name(e->m, dc);
    model_cluster_add(e->m, id, d ? d->id : 0, name, description);
    msg = xasprintf(_("Cluster '%s' added to data center '%s'."), name, dc);
    engine_audit(e, name, "cluster-add", 1, msg);
    free(msg);
    return 0;
}

int
engine_cluster_edit(struct engine *e, const char *name, const char *new_name,
                    const char *dc, const char *description)
{
    struct cluster *c = model_cluster_by_name(e->m, name);
    char *msg;

    if (engine_check_write(e, name, "cluster-edit") < 0)
        return -1;
    if (!c) {
        err_set(_("There is no cluster named '%s'."), name);
        return engine_refuse(e, name, "cluster-edit");
    }
    if (valid_name(_("cluster"), new_name) < 0 ||
        store_cluster_update(e->store, c->id, new_name, dc, description) < 0 ||
        engine_reload_inventory(e) < 0)
        return engine_refuse(e, name, "cluster-edit");
    msg = xasprintf(_("Cluster '%s' changed."), new_name);
    engine_audit(e, new_name, "cluster-edit", 1, msg);
    free(msg);
    return 0;
}

int
engine_cluster_remove(struct engine *e, const char *name)
{
    struct cluster *c = model_cluster_by_name(e->m, name);
    char *msg;

    if (engine_check_write(e, name, "cluster-remove") < 0)
        return -1;
    if (store_cluster_remove(e->store, name) < 0)
        return engine_refuse(e, name, "cluster-remove");
    if (c)
        model_cluster_remove(e->m, c->id);
    msg = xasprintf(_("Cluster '%s' removed."), name);
    engine_audit(e, name, "cluster-remove", 1, msg);
    free(msg);
    return 0;
}

int
engine_cluster_set_migration(struct engine *e, const char *name,
                             const struct migrate_opts *o)
{
    struct cluster *c = model_cluster_by_name(e->m, name);
    char *msg;

    if (engine_check_write(e, name, "cluster-migration") < 0)
        return -1;
    if (!c) {
        err_set(_("There is no cluster named '%s'."), name);
        return engine_refuse(e, name, "cluster-migration");
    }
    if (migrate_opts_check(o) < 0 ||
        store_cluster_set_migration(e->store, name, o) < 0)
        return engine_refuse(e, name, "cluster-migration");
    c->mig = *o;
    msg = xasprintf(_("Cluster '%s' migrates with: bandwidth %lu MiB/s (0: no "
                      "limit), maximum downtime %llu ms (0: default), "
                      "auto-converge %s, post-copy %s, timeout %u s (0: none) "
                      "then %s."), name, o->bandwidth_mibs, o->max_downtime_ms,
                    o->auto_converge ? _("on") : _("off"),
                    o->postcopy ? _("on") : _("off"), o->timeout_s,
                    mig_timeout_action_name(o->timeout_action));
    engine_audit(e, name, "cluster-migration", 1, msg);
    free(msg);
    return 0;
}

int
engine_host_add(struct engine *e, const char *name, const char *uri,
                const char *cluster)
{
    int64_t id;
    struct cluster *c;
    struct host *h;
    char *msg;

    if (engine_check_write(e, name, "host-add") < 0)
        return -1;
    if (valid_name(_("host"), name) < 0 || valid_uri(uri) < 0 ||
        store_host_add(e->store, name, uri, cluster, &id) < 0)
        return engine_refuse(e, name ? name : "", "host-add");
    c = model_cluster_by_name(e->m, cluster);
    h = model_host_add(e->m, id, c ? c->id : 0, name, uri);
    msg = xasprintf(_("Host '%s' (%s) added to cluster '%s'."), name, uri,
                    cluster);
    engine_audit(e, name, "host-add", 1, msg);
    free(msg);
    if (e->virt)
        virt_host_connect(e->virt, h->id);
    return 0;
}

int
engine_host_edit(struct engine *e, const char *name, const char *new_name,
                 const char *uri, const char *cluster)
{
    struct host *h = model_host_by_name(e->m, name);
    bool uri_changed;
    char *msg;

    if (engine_check_write(e, name, "host-edit") < 0)
        return -1;
    if (!h) {
        err_set(_("There is no host named '%s'."), name);
        return engine_refuse(e, name, "host-edit");
    }
    uri_changed = !streq(h->uri, uri);
    if (valid_name(_("host"), new_name) < 0 || valid_uri(uri) < 0 ||
        store_host_update(e->store, h->id, new_name, uri, cluster) < 0 ||
        engine_reload_inventory(e) < 0)
        return engine_refuse(e, name, "host-edit");
    if (uri_changed) {
        free(h->uri);
        h->uri = xstrdup(uri);
        if (e->virt) {
            virt_host_disconnect(e->virt, h->id);
            model_host_clear_vms(e->m, h);
            virt_host_connect(e->virt, h->id);
        }
    }
    msg = xasprintf(_("Host '%s' changed."), new_name);
    engine_audit(e, new_name, "host-edit", 1, msg);
    free(msg);
    return 0;
}

int
engine_host_remove(struct engine *e, const char *name)
{
    struct host *h = model_host_by_name(e->m, name);
    unsigned running = 0;
    char *msg;

    if (engine_check_write(e, name, "host-remove") < 0)
        return -1;
    for (size_t i = 0; h && i < h->vms.len; i++) {
        struct vm *vm = h->vms.items[i];
        if (vm->state != VM_SHUTOFF && vm->state != VM_CRASHED)
            running++;
    }
    if (running) {
        err_set(ngettext("Host '%s' still runs %u VM: stop or migrate it "
                         "first.",
                         "Host '%s' still runs %u VMs: stop or migrate them "
                         "first.", running), name, running);
        return engine_refuse(e, name, "host-remove");
    }
    if (store_host_remove(e->store, name) < 0)
        return engine_refuse(e, name, "host-remove");
    if (h) {
        if (e->virt)
            virt_host_disconnect(e->virt, h->id);
        model_host_remove(e->m, h->id);
    }
    msg = xasprintf(_("Host '%s' removed."), name);
    engine_audit(e, name, "host-remove", 1, msg);
    free(msg);
    return 0;
}

int
engine_vm_op(struct engine *e, const char *name, enum vm_op op,
             virt_done_fn done, void *opaque)
{
    bool ambiguous = false;
    struct vm *vm = model_vm_by_uuid(e->m, name);

    if (engine_check_write(e, name, vm_op_name(op)) < 0)
        return -1;
    if (!vm)
        vm = model_vm_by_name(e->m, name, &ambiguous);
    if (!vm) {
        char *shown = xstrdup(name);
        err_set(_("There is no VM named '%s' on any connected host."), shown);
        free(shown);
        return engine_refuse(e, name, vm_op_name(op));
    }
    if (ambiguous) {
        err_set(_("More than one host has a VM named '%s': give its UUID."),
                name);
        return engine_refuse(e, name, vm_op_name(op));
    }
    if (!e->virt) {
        err_set(_("The engine is not started."));
        return -1;
    }
    if (virt_vm_op(e->virt, vm->uuid, op, done, opaque) < 0)
        return engine_refuse(e, vm->name, vm_op_name(op));
    return 0;
}

/* ---- VM creation, edit, deletion ---- */

/* Free memory of a host in KiB: what it reports, else its total less the
 * maximum memory of the VMs that run there. */
uint64_t
host_free_kib(const struct host *h)
{
    uint64_t used = 0;
    if (h->known & STAT_MEM)
        return h->mem_free_kib;
    for (size_t i = 0; i < h->vms.len; i++) {
        struct vm *vm = h->vms.items[i];
        if (vm->state == VM_RUNNING || vm->state == VM_PAUSED ||
            vm->state == VM_BLOCKED)
            used += vm->mem_max_kib;
    }
    return h->mem_total_kib > used ? h->mem_total_kib - used : 0;
}

uint64_t
engine_host_free_kib(const struct host *h)
{
    return host_free_kib(h);
}

unsigned
host_running(const struct host *h)
{
    unsigned n = 0;
    for (size_t i = 0; i < h->vms.len; i++) {
        struct vm *vm = h->vms.items[i];
        if (vm->state == VM_RUNNING || vm->state == VM_BLOCKED)
            n++;
    }
    return n;
}

struct host *
engine_pick_host(struct engine *e, const char *cluster, uint64_t mem_mib,
                 unsigned vcpus)
{
    struct cluster *c = model_cluster_by_name(e->m, cluster);
    struct host *best = NULL;
    unsigned up = 0;

    if (!c) {
        err_set(_("There is no cluster named '%s'."), cluster);
        return NULL;
    }
    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        if (h->cluster_id != c->id || h->state != HOST_UP)
            continue;
        up++;
        if (host_free_kib(h) < mem_mib * 1024 || (h->cpus && vcpus > h->cpus))
            continue;
        /* least loaded: lowest CPU when known, else fewest running VMs,
         * then most free memory */
        if (!best) {
            best = h;
        } else if ((h->known & STAT_RATES) && (best->known & STAT_RATES) &&
                   h->cpu_pct != best->cpu_pct) {
            if (h->cpu_pct < best->cpu_pct)
                best = h;
        } else if (host_running(h) != host_running(best)) {
            if (host_running(h) < host_running(best))
                best = h;
        } else if (host_free_kib(h) > host_free_kib(best)) {
            best = h;
        }
    }
    if (!best) {
        if (!up)
            err_set(_("No host of cluster '%s' is Up: activate or add one."),
                    cluster);
        else
            err_set(_("No Up host of cluster '%s' has %llu MiB of memory and "
                      "%u vCPUs free: choose less, or free a host."), cluster,
                    (unsigned long long)mem_mib, vcpus);
    }
    return best;
}

/* A VM of that name on any host of the data center. */
static bool
vm_name_taken(struct engine *e, int64_t dc_id, const char *name)
{
    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        struct cluster *c = model_cluster_by_id(e->m, h->cluster_id);
        if (!c || c->dc_id != dc_id)
            continue;
        for (size_t j = 0; j < h->vms.len; j++) {
            if (streq(((struct vm *)h->vms.items[j])->name, name))
                return true;
        }
    }
    return false;
}

/* A VM create is a task: if virtdeck dies while the host works, the
 * next start says which domain and disk to look for. */
struct create_ctx {
    struct engine *e;
    int64_t task_id;
    virt_done_fn done;
    void *opaque;
};

static void
create_done(void *opaque, int ok, const char *message)
{
    struct create_ctx *c = opaque;
    struct task *t = model_task_by_id(c->e->m, c->task_id);

    if (t)
        model_task_end(c->e->m, t, ok ? TASK_DONE : TASK_FAILED, message);
    if (c->done)
        c->done(c->opaque, ok, message);
    free(c);
}

int
engine_vm_create(struct engine *e, const struct vm_spec *spec,
                 virt_done_fn done, void *opaque)
{
    struct create_ctx *cc;
    struct task *t;
    const char *obj = spec->name ? spec->name : "";
    struct cluster *c;
    struct host *h;

    if (engine_check_write(e, spec->name, "vm-create") < 0)
        return -1;
    if (vm_spec_check(spec) < 0)
        return engine_refuse(e, obj, "vm-create");
    c = model_cluster_by_name(e->m, spec->cluster);
    if (!c) {
        err_set(_("There is no cluster named '%s'."), spec->cluster);
        return engine_refuse(e, obj, "vm-create");
    }
    if (vm_name_taken(e, c->dc_id, spec->name)) {
        struct dc *dc = model_dc_by_id(e->m, c->dc_id);
        err_set(_("Data center '%s' already has a VM named '%s': choose "
                  "another name."), dc ? dc->name : "?", spec->name);
        return engine_refuse(e, obj, "vm-create");
    }
    if (spec->host) {
        h = model_host_by_name(e->m, spec->host);
        if (!h || h->cluster_id != c->id) {
            err_set(_("Cluster '%s' has no host named '%s'."), spec->cluster,
                    spec->host);
            return engine_refuse(e, obj, "vm-create");
        }
        if (h->state != HOST_UP) {
            err_set(_("Host '%s' is %s: choose an Up host."), h->name,
                    host_state_label(h->state));
            return engine_refuse(e, obj, "vm-create");
        }
        if (h->cpus && spec->vcpus > h->cpus) {
            err_set(_("Host '%s' has %u CPUs: give the VM at most that many "
                      "vCPUs."), h->name, h->cpus);
            return engine_refuse(e, obj, "vm-create");
        }
        if (h->mem_total_kib && spec->mem_mib * 1024 > h->mem_total_kib) {
            err_set(_("Host '%s' has %llu MiB of memory: give the VM less."),
                    h->name, (unsigned long long)(h->mem_total_kib / 1024));
            return engine_refuse(e, obj, "vm-create");
        }
        if (spec->mem_mib * 1024 > host_free_kib(h)) {
            err_set(_("Host '%s' has only %llu MiB of memory free: give the VM "
                      "less, or choose another host."), h->name,
                    (unsigned long long)(host_free_kib(h) / 1024));
            return engine_refuse(e, obj, "vm-create");
        }
    } else {
        h = engine_pick_host(e, spec->cluster, spec->mem_mib, spec->vcpus);
        if (!h)
            return engine_refuse(e, obj, "vm-create");
    }
    if (!e->virt) {
        err_set(_("The engine is not started."));
        return engine_refuse(e, obj, "vm-create");
    }
    t = model_task_new(e->m, TASK_VM_CREATE, spec->name);
    t->dst_host = h->id;
    task_left_add(t, TASK_LEFT_DOMAIN, spec->name, h->name);
    if (spec->pool && spec->disk_gib) {
        /* the name virt_create.c gives a new volume */
        char *vol = xasprintf("%s/%s-disk0.%s", spec->pool, spec->name,
                              streq(spec->disk_format, "raw") ? "img"
                              : "qcow2");
        task_left_add(t, TASK_LEFT_VOLUME, vol, h->name);
        free(vol);
    }
    engine_task_begin(e, t);
    cc = xcalloc(1, sizeof(*cc));
    cc->e = e;
    cc->task_id = t->id;
    cc->done = done;
    cc->opaque = opaque;
    if (engine_vm_create_placed(e, c->dc_id, h, spec, t->id, create_done,
                                cc) < 0) {
        model_task_end(e->m, t, TASK_FAILED, err_msg());
        free(cc);
        return engine_refuse(e, obj, "vm-create");
    }
    return 0;
}

struct vm *
engine_find_vm(struct engine *e, const char *name, const char *action)
{
    bool ambiguous = false;
    struct vm *vm = model_vm_by_uuid(e->m, name);

    if (!vm)
        vm = model_vm_by_name(e->m, name, &ambiguous);
    if (!vm) {
        err_set(_("There is no VM named '%s' on any connected host."), name);
        engine_refuse(e, name, action);
        return NULL;
    }
    if (ambiguous) {
        err_set(_("More than one host has a VM named '%s': give its UUID."),
                name);
        engine_refuse(e, name, action);
        return NULL;
    }
    return vm;
}

int
engine_vm_edit(struct engine *e, const char *name, const struct vm_edit *ed,
               virt_done_fn done, void *opaque)
{
    struct vm *vm;
    struct host *h;

    if (engine_check_write(e, name, "vm-edit") < 0)
        return -1;
    vm = engine_find_vm(e, name, "vm-edit");
    if (!vm)
        return -1;
    h = model_host_by_id(e->m, vm->host_id);
    if (ed->set_vcpus && (ed->vcpus < 1 || (h && h->cpus && ed->vcpus > h->cpus))) {
        err_set(_("Give 1 to %u vCPUs."), h && h->cpus ? h->cpus : 512);
        return engine_refuse(e, vm->name, "vm-edit");
    }
    if (ed->set_mem && (ed->mem_mib < 16 ||
                        (h && h->mem_total_kib &&
                         ed->mem_mib * 1024 > h->mem_total_kib))) {
        err_set(_("Give 16 MiB up to the host's %llu MiB of memory."),
                h ? (unsigned long long)(h->mem_total_kib / 1024) : 0ULL);
        return engine_refuse(e, vm->name, "vm-edit");
    }
    if (!h || !e->virt || virt_vm_edit(e->virt, h->id, vm->uuid, vm->name, ed,
                                      done, opaque) < 0)
        return engine_refuse(e, vm->name, "vm-edit");
    return 0;
}

int
engine_vm_delete(struct engine *e, const char *name, bool delete_disks,
                 virt_done_fn done, void *opaque)
{
    struct vm *vm;
    struct host *h;

    if (engine_check_write(e, name, "vm-delete") < 0)
        return -1;
    vm = engine_find_vm(e, name, "vm-delete");
    if (!vm)
        return -1;
    if (vm->state != VM_SHUTOFF && vm->state != VM_CRASHED) {
        err_set(_("VM '%s' is %s: power it off before deleting it."), vm->name,
                vm_state_label(vm->state));
        return engine_refuse(e, vm->name, "vm-delete");
    }
    h = model_host_by_id(e->m, vm->host_id);
    if (!h || !e->virt || engine_vm_delete_placed(e, vm, h, delete_disks,
                                                  done, opaque) < 0)
        return engine_refuse(e, vm->name, "vm-delete");
    return 0;
}

/* ---- migration ---- */

bool
host_fits(const struct host *h, const struct vm *vm)
{
    return host_free_kib(h) >= vm->mem_max_kib &&
           (!h->cpus || (vm->vcpus <= h->cpus));
}

struct host *
engine_pick_migration_target(struct engine *e, const struct vm *vm)
{
    struct host *src = model_host_by_id(e->m, vm->host_id);
    struct host *best = NULL;

    for (size_t i = 0; src && i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        if (h == src || h->cluster_id != src->cluster_id ||
            h->state != HOST_UP || !host_fits(h, vm))
            continue;
        if (!best || host_running(h) < host_running(best) ||
            (host_running(h) == host_running(best) &&
             host_free_kib(h) > host_free_kib(best)))
            best = h;
    }
    if (!best)
        err_set(_("No other Up host of the cluster has room for VM '%s' "
                  "(%llu MiB): add or activate a host."), vm->name,
                (unsigned long long)(vm->mem_max_kib / 1024));
    return best;
}

int
engine_vm_migrate(struct engine *e, const char *name, const char *dst,
                  const struct migrate_opts *o, virt_done_fn done,
                  void *opaque, int64_t *task_id)
{
    struct vm *vm;
    struct host *src, *to;
    struct task *t;
    char *msg;

    if (engine_check_write(e, name, "vm-migrate") < 0)
        return -1;
    vm = engine_find_vm(e, name, "vm-migrate");
    if (!vm)
        return -1;
    src = model_host_by_id(e->m, vm->host_id);
    if (!o) {
        struct cluster *c = src ? model_cluster_by_id(e->m, src->cluster_id)
                                : NULL;
        static const struct migrate_opts none;
        o = c ? &c->mig : &none;
    }
    if (migrate_opts_check(o) < 0)
        return engine_refuse(e, vm->name, "vm-migrate");
    if (vm->state != VM_RUNNING && vm->state != VM_PAUSED &&
        vm->state != VM_BLOCKED) {
        err_set(_("VM '%s' is %s: only a running VM migrates live; start it "
                  "on the host you want instead."), vm->name,
                vm_state_label(vm->state));
        return engine_refuse(e, vm->name, "vm-migrate");
    }
    for (size_t i = 0; i < e->m->tasks.len; i++) {
        struct task *o2 = e->m->tasks.items[i];
        if (o2->state == TASK_RUNNING && streq(o2->vm_uuid, vm->uuid)) {
            err_set(_("VM '%s' is already migrating."), vm->name);
            return engine_refuse(e, vm->name, "vm-migrate");
        }
    }
    if (dst) {
        to = model_host_by_name(e->m, dst);
        if (!to || !src || to->cluster_id != src->cluster_id) {
            err_set(_("The cluster of VM '%s' has no host named '%s': a VM "
                      "migrates within its cluster."), vm->name, dst);
            return engine_refuse(e, vm->name, "vm-migrate");
        }
        if (to == src) {
            err_set(_("VM '%s' already runs on host '%s'."), vm->name, dst);
            return engine_refuse(e, vm->name, "vm-migrate");
        }
        if (to->state != HOST_UP) {
            err_set(_("Host '%s' is %s: choose an Up host."), to->name,
                    host_state_label(to->state));
            return engine_refuse(e, vm->name, "vm-migrate");
        }
        if (!host_fits(to, vm)) {
            err_set(_("Host '%s' has only %llu MiB free; VM '%s' needs %llu "
                      "MiB."), to->name,
                    (unsigned long long)(host_free_kib(to) / 1024), vm->name,
                    (unsigned long long)(vm->mem_max_kib / 1024));
            return engine_refuse(e, vm->name, "vm-migrate");
        }
    } else {
        to = engine_pick_migration_target(e, vm);
        if (!to)
            return engine_refuse(e, vm->name, "vm-migrate");
    }
    t = model_task_new(e->m, TASK_MIGRATE, vm->name);
    snprintf(t->vm_uuid, sizeof(t->vm_uuid), "%s", vm->uuid);
    t->src_host = src ? src->id : 0;
    t->dst_host = to->id;
    {
        char *route = xasprintf("%s\t%s", src ? src->name : "?", to->name);
        task_left_add(t, TASK_LEFT_MIGRATION, vm->name, route);
        free(route);
    }
    engine_task_begin(e, t);
    if (!e->virt || virt_vm_migrate(e->virt, vm->uuid, to->id, o, t->id, done,
                                    opaque) < 0) {
        model_task_end(e->m, t, TASK_FAILED, err_msg());
        return engine_refuse(e, vm->name, "vm-migrate");
    }
    if (task_id)
        *task_id = t->id;
    msg = xasprintf(_("Migrating VM '%s' from host '%s' to host '%s'."),
                    vm->name, src ? src->name : "?", to->name);
    engine_audit(e, vm->name, "vm-migrate", -1, msg);
    free(msg);
    return 0;
}

int
engine_task_cancel(struct engine *e, int64_t task_id)
{
    struct task *t = model_task_by_id(e->m, task_id);

    if (engine_check_write(e, t ? t->object : "", "task-cancel") < 0)
        return -1;
    if (!t || t->state != TASK_RUNNING) {
        err_set(_("That task is not running."));
        return -1;
    }
    t->cancel_requested = true;
    e->m->events |= MODEL_EV_TASKS;
    engine_audit(e, t->kind == TASK_ISO_UPLOAD && t->where ? t->where
                 : t->object, "task-cancel", -1, _("Cancel requested."));
    if (t->kind == TASK_ISO_UPLOAD)
        engine_upload_cancel(e, task_id);
    return 0;
}
