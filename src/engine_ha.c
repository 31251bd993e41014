/* engine_ha.c: host maintenance and high availability.
 *
 * Maintenance: a host goes PreparingForMaintenance, its running VMs move
 * to other Up hosts of its cluster, biggest first and at most two at a
 * time (as oVirt does), then it is Maintenance, which the store keeps.  It
 * is refused up front when a VM could not move (local disks, no room).
 *
 * High availability: when an Up host stops answering and does not come
 * back within ha_grace, it is NonResponsive.  Its HA VMs are then
 * restarted on other Up hosts of the cluster, retried with back-off, but
 * only with evidence that the VM no longer runs on the failed host, so no
 * VM ever runs twice.  The rule:
 *   1. the failed host's kernel refuses a connection to the VM's console
 *      (VNC/SPICE) port: the machine is up and that QEMU is gone; or
 *   2. the operator confirms the host was rebooted or powered off
 *      (virtdeck host confirm-rebooted HOST), as oVirt asks.
 * An open port means the VM still runs (a partitioned host: its libvirtd
 * is gone, its QEMU is not): nothing is restarted.  Silence (no answer at
 * all) proves nothing either way and also restarts nothing.  Failed hosts
 * are looked at again every HA_RECHECK seconds until they return. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine_priv.h"
#include "gfxinfo.h"
#include "loop.h"
#include "migrate.h"
#include "probe.h"
#include "store.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "virt.h"

#define EVAC_PARALLEL 2
#define HA_RECHECK 5            /* seconds between looks at failed hosts */
#define HA_MAX_ATTEMPTS 8
#define HA_PROBE_TIMEOUT 2.0

/* ---- maintenance ---- */

struct evac {
    struct engine *e;
    int64_t host_id;
    int64_t task_id;
    struct vec queue;           /* char * VM UUIDs, biggest first */
    unsigned inflight;
    bool failed;
    char *fail_msg;
    virt_done_fn done;
    void *opaque;
};

static int
vm_mem_desc(const void *a, const void *b)
{
    const struct vm *x = *(const struct vm *const *)a;
    const struct vm *y = *(const struct vm *const *)b;
    return x->mem_max_kib < y->mem_max_kib ? 1 : x->mem_max_kib > y->mem_max_kib
                                                 ? -1 : 0;
}

static bool
vm_active(const struct vm *vm)
{
    return vm->state == VM_RUNNING || vm->state == VM_PAUSED ||
           vm->state == VM_BLOCKED;
}

/* Would every active VM of h find room elsewhere in its cluster?  Places
 * them biggest first, each on the host with the most memory left. */
static int
evac_plan(struct engine *e, struct host *h, struct vec *order)
{
    struct vec targets = { 0 };
    uint64_t *room;
    int ret = 0;

    for (size_t i = 0; i < h->vms.len; i++) {
        struct vm *vm = h->vms.items[i];
        if (!vm_active(vm))
            continue;
        if (vm->local_disks) {
            err_set(_("VM '%s' has disks on the local storage of host '%s': it "
                      "cannot migrate; move its disks to a shared storage "
                      "domain or stop it first."), vm->name, h->name);
            return -1;
        }
        vec_push(order, vm);
    }
    vec_sort(order, vm_mem_desc);
    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *t = e->m->hosts.items[i];
        if (t != h && t->cluster_id == h->cluster_id && t->state == HOST_UP)
            vec_push(&targets, t);
    }
    room = xcalloc(targets.len + 1, sizeof(*room));
    for (size_t i = 0; i < targets.len; i++)
        room[i] = host_free_kib(targets.items[i]);
    for (size_t i = 0; i < order->len && ret == 0; i++) {
        struct vm *vm = order->items[i];
        size_t best = targets.len;
        for (size_t k = 0; k < targets.len; k++) {
            if (room[k] >= vm->mem_max_kib && (best == targets.len ||
                                               room[k] > room[best]))
                best = k;
        }
        if (best == targets.len) {
            err_set(targets.len
                    ? _("VM '%s' (%llu MiB) fits on no other Up host of the "
                        "cluster: free memory there or add a host.")
                    : _("VM '%s' (%llu MiB) has nowhere to go: no other host "
                        "of the cluster is Up."), vm->name,
                    (unsigned long long)(vm->mem_max_kib / 1024));
            ret = -1;
        } else {
            room[best] -= vm->mem_max_kib;
        }
    }
    free(room);
    vec_clear(&targets, NULL);
    return ret;
}

static void evac_pump(struct evac *ev);

static void
evac_finish(struct evac *ev)
{
    struct engine *e = ev->e;
    struct host *h = model_host_by_id(e->m, ev->host_id);
    struct task *t = model_task_by_id(e->m, ev->task_id);
    char *msg;
    bool ok = !ev->failed;

    if (ok && h) {
        for (size_t i = 0; i < h->vms.len; i++) {
            if (vm_active(h->vms.items[i])) {
                ok = false;
                ev->fail_msg = xasprintf(_("VM '%s' still runs there"),
                                         ((struct vm *)h->vms.items[i])->name);
                break;
            }
        }
    }
    if (!h) {
        msg = xstrdup(_("The host was removed during its evacuation."));
    } else if (ok && store_host_set_maintenance(e->store, h->id, true,
                                                _("set by the operator")) == 0) {
        h->maintenance = true;
        model_host_set_state(e->m, h, HOST_MAINTENANCE, _("set by the operator"));
        engine_spm_update(e);
        msg = xasprintf(_("Host '%s' is in maintenance: its VMs moved to other "
                          "hosts."), h->name);
    } else {
        if (ok)
            ev->fail_msg = xstrdup(err_msg());
        ok = false;
        model_host_set_state(e->m, h, HOST_UP, NULL);
        msg = xasprintf(_("Host '%s' did not go to maintenance: %s."), h->name,
                        ev->fail_msg ? ev->fail_msg : "?");
    }
    if (t)
        model_task_end(e->m, t, ok ? TASK_DONE : TASK_FAILED, msg);
    engine_audit(e, h ? h->name : "?", "host-maintenance", ok ? 1 : 0, msg);
    if (ev->done)
        ev->done(ev->opaque, ok, msg);
    free(msg);
    vec_remove_item(&e->evacs, ev);
    vec_clear(&ev->queue, free);
    free(ev->fail_msg);
    free(ev);
}

static void
evac_vm_done(void *opaque, int ok, const char *message)
{
    struct evac *ev = opaque;
    ev->inflight--;
    if (!ok && !ev->failed) {
        ev->failed = true;
        ev->fail_msg = xstrdup(message);
    }
    evac_pump(ev);
}

static void
evac_pump(struct evac *ev)
{
    struct engine *e = ev->e;
    struct host *h = model_host_by_id(e->m, ev->host_id);

    while (h && !ev->failed && ev->inflight < EVAC_PARALLEL && ev->queue.len) {
        char *uuid = vec_remove(&ev->queue, 0);
        struct vm *vm = model_host_vm(h, uuid);
        if (vm && vm_active(vm)) {
            /* the cluster's migration defaults */
            if (engine_vm_migrate(e, uuid, NULL, NULL, evac_vm_done, ev,
                                  NULL) == 0) {
                ev->inflight++;
            } else {
                ev->failed = true;
                ev->fail_msg = xstrdup(err_msg());
            }
        }
        free(uuid);
    }
    if (ev->inflight == 0 && (ev->failed || !ev->queue.len || !h))
        evac_finish(ev);
}

int
engine_host_maintenance(struct engine *e, const char *name, virt_done_fn done,
                        void *opaque)
{
    struct host *h = model_host_by_name(e->m, name);
    struct vec order = { 0 };
    struct evac *ev;
    struct task *t;
    char *msg;

    if (engine_check_write(e, name, "host-maintenance") < 0)
        return -1;
    if (!h) {
        err_set(_("There is no host named '%s'."), name);
        return engine_refuse(e, name, "host-maintenance");
    }
    if (h->state == HOST_MAINTENANCE || h->state == HOST_PREPARING_MAINTENANCE) {
        err_set(_("Host '%s' is already %s."), h->name, host_state_label(h->state));
        return engine_refuse(e, name, "host-maintenance");
    }
    if (h->state != HOST_UP) {
        err_set(_("Host '%s' is %s: only an Up host can evacuate its VMs; "
                  "if it is down, confirm it was rebooted instead."), h->name,
                host_state_label(h->state));
        return engine_refuse(e, name, "host-maintenance");
    }
    if (evac_plan(e, h, &order) < 0) {
        vec_clear(&order, NULL);
        return engine_refuse(e, name, "host-maintenance");
    }
    ev = xcalloc(1, sizeof(*ev));
    ev->e = e;
    ev->host_id = h->id;
    ev->done = done;
    ev->opaque = opaque;
    for (size_t i = 0; i < order.len; i++)
        vec_push(&ev->queue, xstrdup(((struct vm *)order.items[i])->uuid));
    t = model_task_new(e->m, TASK_EVACUATE, h->name);
    t->src_host = h->id;
    ev->task_id = t->id;
    engine_task_begin(e, t);
    vec_push(&e->evacs, ev);
    model_host_set_state(e->m, h, HOST_PREPARING_MAINTENANCE,
                         _("moving its VMs away"));
    engine_spm_update(e);
    msg = xasprintf(ngettext("Host '%s' prepares for maintenance: %zu VM to "
                             "migrate.",
                             "Host '%s' prepares for maintenance: %zu VMs to "
                             "migrate.", order.len), h->name, order.len);
    engine_audit(e, h->name, "host-maintenance", -1, msg);
    free(msg);
    vec_clear(&order, NULL);
    evac_pump(ev);
    return 0;
}

int
engine_host_activate(struct engine *e, const char *name)
{
    struct host *h = model_host_by_name(e->m, name);
    char *msg;

    if (engine_check_write(e, name, "host-activate") < 0)
        return -1;
    if (!h) {
        err_set(_("There is no host named '%s'."), name);
        return engine_refuse(e, name, "host-activate");
    }
    if (!h->maintenance && h->state != HOST_MAINTENANCE) {
        err_set(_("Host '%s' is not in maintenance."), h->name);
        return engine_refuse(e, name, "host-activate");
    }
    if (store_host_set_maintenance(e->store, h->id, false, NULL) < 0)
        return engine_refuse(e, name, "host-activate");
    h->maintenance = false;
    if (e->virt)
        virt_host_connect(e->virt, h->id);
    msg = xasprintf(_("Host '%s' activated."), h->name);
    engine_audit(e, h->name, "host-activate", 1, msg);
    free(msg);
    return 0;
}

/* ---- high availability ---- */

struct ha_restart {
    struct engine *e;
    char uuid[37];
    char *name;
    char *xml;
    int64_t from_host;
    int64_t task_id;
    unsigned attempts;
    double next;            /* loop_now() of the next attempt */
    bool inflight;
    bool probing;
    bool proven;            /* evidence that it no longer runs there */
    bool told_open;
};

static void
ha_restart_free(struct ha_restart *r)
{
    free(r->name);
    free(r->xml);
    free(r);
}

static struct ha_restart *
ha_find(struct engine *e, const char *uuid)
{
    for (size_t i = 0; i < e->restarts.len; i++) {
        struct ha_restart *r = e->restarts.items[i];
        if (streq(r->uuid, uuid))
            return r;
    }
    return NULL;
}

/* A VM of that UUID active on a host other than from. */
static struct vm *
running_elsewhere(struct engine *e, const char *uuid, int64_t from)
{
    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        struct vm *vm;
        if (h->id == from)
            continue;
        vm = model_host_vm(h, uuid);
        if (vm && vm_active(vm))
            return vm;
    }
    return NULL;
}

static void ha_attempt(struct ha_restart *r);

static void
ha_restarted(void *opaque, int ok, const char *message)
{
    struct ha_restart *r = opaque;
    struct engine *e = r->e;
    struct task *t = model_task_by_id(e->m, r->task_id);
    char *msg;

    r->inflight = false;
    if (ok) {
        msg = xasprintf(_("HA: VM '%s' restarted after its host failed: %s"),
                        r->name, message);
        engine_audit(e, r->name, "ha-restart", 1, msg);
        if (t)
            model_task_end(e->m, t, TASK_DONE, msg);
        free(msg);
        /* the copy on the failed host is proven down: forget it there (its
         * definition is removed when that host comes back) */
        {
            struct host *from = model_host_by_id(e->m, r->from_host);
            if (from)
                model_vm_remove(e->m, from, r->uuid);
        }
        vec_remove_item(&e->restarts, r);
        ha_restart_free(r);
        return;
    }
    r->attempts++;
    if (r->attempts >= HA_MAX_ATTEMPTS) {
        msg = xasprintf(_("HA: gave up restarting VM '%s' after %u attempts: "
                          "%s"), r->name, r->attempts, message);
        engine_audit(e, r->name, "ha-restart", 0, msg);
        if (t)
            model_task_end(e->m, t, TASK_FAILED, msg);
        free(msg);
        vec_remove_item(&e->restarts, r);
        ha_restart_free(r);
        return;
    }
    r->next = loop_now() + (double)(5u << (r->attempts - 1 < 4 ? r->attempts - 1 : 4));
    msg = xasprintf(_("HA: restarting VM '%s' failed (%s); next try in %.0f s."),
                    r->name, message, r->next - loop_now());
    engine_audit(e, r->name, "ha-restart", 0, msg);
    free(msg);
}

static void
ha_attempt(struct ha_restart *r)
{
    struct engine *e = r->e;
    struct host *from = model_host_by_id(e->m, r->from_host);
    struct vm *vm = from ? model_host_vm(from, r->uuid) : NULL;
    struct host *to;
    struct vm probe_vm;

    if (r->inflight || !r->proven || loop_now() < r->next)
        return;
    if (running_elsewhere(e, r->uuid, r->from_host)) {
        vec_remove_item(&e->restarts, r);
        ha_restart_free(r);
        return;
    }
    /* placement: any Up host of the cluster with room, least loaded */
    memset(&probe_vm, 0, sizeof(probe_vm));
    probe_vm.host_id = r->from_host;
    probe_vm.name = r->name;
    probe_vm.mem_max_kib = vm ? vm->mem_max_kib : 0;
    probe_vm.vcpus = vm ? vm->vcpus : 1;
    to = engine_pick_migration_target(e, &probe_vm);
    if (!to) {
        ha_restarted(r, 0, err_msg());
        return;
    }
    r->inflight = true;
    {
        /* where it is being defined and started: what a dead virtdeck
         * may leave there */
        struct task *t = model_task_by_id(e->m, r->task_id);
        if (t && t->dst_host != to->id) {
            t->dst_host = to->id;
            free(t->dst_name);
            t->dst_name = NULL;
            task_left_add(t, TASK_LEFT_DOMAIN, r->name, to->name);
            engine_task_update(e, t);
        }
    }
    if (virt_vm_define_start(e->virt, to->id, to->name, r->name, r->xml,
                             ha_restarted, r) < 0) {
        r->inflight = false;
        ha_restarted(r, 0, err_msg());
    }
}

struct ha_probe {
    struct engine *e;
    char uuid[37];
    int64_t host_id;
};

/* The evidence for one VM has come in. */
static void
ha_probed(void *opaque, enum probe_result res)
{
    struct ha_probe *p = opaque;
    struct engine *e = p->e;
    struct host *h = model_host_by_id(e->m, p->host_id);
    struct vm *vm = h ? model_host_vm(h, p->uuid) : NULL;
    struct ha_restart *r = ha_find(e, p->uuid);
    char *msg = NULL;

    if (r)
        r->probing = false;
    if (!h || !vm || h->state != HOST_NONRESPONSIVE) {
        free(p);
        return;
    }
    switch (res) {
    case PROBE_REFUSED:
        if (vm->state != VM_SHUTOFF) {
            model_vm_set_state(e->m, vm, VM_SHUTOFF, 0);
            msg = xasprintf(_("VM '%s' is down: host '%s' refuses its console "
                              "port, so its QEMU is gone."), vm->name, h->name);
            engine_audit(e, vm->name, "ha-evidence", -1, msg);
        }
        if (r && !r->proven) {
            r->proven = true;
            ha_attempt(r);
        }
        break;
    case PROBE_OPEN:
        if (r && !r->proven && !r->told_open) {
            msg = xasprintf(_("HA: VM '%s' still answers on host '%s' (its "
                              "console port is open): not restarted, it would "
                              "run twice."), vm->name, h->name);
            engine_audit(e, vm->name, "ha-evidence", -1, msg);
            r->told_open = true;
        }
        break;
    case PROBE_SILENT:
        break;
    }
    free(msg);
    free(p);
}

/* Look for evidence about every VM of a NonResponsive host. */
static void
ha_examine(struct engine *e, struct host *h)
{
    char *engine_name = "engine";

    for (size_t i = 0; i < h->vms.len; i++) {
        struct vm *vm = h->vms.items[i];
        struct ha_restart *r = ha_find(e, vm->uuid);
        struct gfx_info gi;

        if (vm->state == VM_SHUTOFF && !r)
            continue;
        if (r && (r->proven || r->probing))
            continue;
        if (h->fenced) {
            model_vm_set_state(e->m, vm, VM_SHUTOFF, 0);
            if (r) {
                r->proven = true;
                ha_attempt(r);
            }
            continue;
        }
        if (gfx_info_get(vm, h, engine_name, "root", &gi) == 0 && gi.addr &&
            gi.port > 0) {
            struct ha_probe *p = xcalloc(1, sizeof(*p));
            p->e = e;
            snprintf(p->uuid, sizeof(p->uuid), "%s", vm->uuid);
            p->host_id = h->id;
            if (r)
                r->probing = true;
            probe_tcp(gi.addr, gi.port, HA_PROBE_TIMEOUT, ha_probed, p);
        }
        gfx_info_clear(&gi);
    }
}

static void
ha_host_failed(struct engine *e, struct host *h)
{
    unsigned n = 0;
    char *msg;

    for (size_t i = 0; i < h->vms.len; i++) {
        struct vm *vm = h->vms.items[i];
        struct ha_restart *r;
        struct task *t;
        if (!vm->ha || ha_find(e, vm->uuid))
            continue;
        if (!vm->ha_xml) {
            msg = xasprintf(_("HA: VM '%s' cannot be restarted: its definition "
                              "was never read."), vm->name);
            engine_audit(e, vm->name, "ha-restart", 0, msg);
            free(msg);
            continue;
        }
        r = xcalloc(1, sizeof(*r));
        r->e = e;
        snprintf(r->uuid, sizeof(r->uuid), "%s", vm->uuid);
        r->name = xstrdup(vm->name);
        r->xml = xstrdup(vm->ha_xml);
        r->from_host = h->id;
        t = model_task_new(e->m, TASK_HA_RESTART, vm->name);
        snprintf(t->vm_uuid, sizeof(t->vm_uuid), "%s", vm->uuid);
        t->src_host = h->id;
        r->task_id = t->id;
        engine_task_begin(e, t);
        vec_push(&e->restarts, r);
        n++;
    }
    msg = xasprintf(_("Host '%s' is NonResponsive; %u HA VMs wait for evidence "
                      "that they no longer run there (a refused console port, "
                      "or 'virtdeck host confirm-rebooted %s')."), h->name, n,
                    h->name);
    engine_audit(e, h->name, "ha", -1, msg);
    free(msg);
    ha_examine(e, h);
}

/* The failed host is back: drop the stale copies of VMs that now run
 * elsewhere, and stop waiting to restart the others. */
static void
ha_host_back(struct engine *e, struct host *h)
{
    for (size_t i = e->restarts.len; i-- > 0;) {
        struct ha_restart *r = e->restarts.items[i];
        if (r->from_host == h->id && !r->inflight) {
            struct task *t = model_task_by_id(e->m, r->task_id);
            if (t)
                model_task_end(e->m, t, TASK_CANCELLED,
                               _("its host came back before it was restarted"));
            vec_remove(&e->restarts, i);
            ha_restart_free(r);
        }
    }
    for (size_t i = 0; i < h->vms.len; i++) {
        struct vm *vm = h->vms.items[i];
        if (!vm_active(vm) && running_elsewhere(e, vm->uuid, h->id)) {
            char *msg = xasprintf(_("HA: removing the stale definition of VM "
                                    "'%s' from host '%s': it runs elsewhere."),
                                  vm->name, h->name);
            engine_audit(e, vm->name, "ha-cleanup", -1, msg);
            free(msg);
            virt_vm_op_on(e->virt, h->id, vm->uuid, VM_OP_UNDEFINE, NULL, NULL);
        }
    }
}

void
engine_ha_host_changed(void *opaque, int64_t host_id, enum host_state old,
                       enum host_state now)
{
    struct engine *e = opaque;
    struct host *h = model_host_by_id(e->m, host_id);

    if (!h)
        return;
    engine_spm_update(e);
    if (now == HOST_NONRESPONSIVE && old != HOST_NONRESPONSIVE)
        ha_host_failed(e, h);
    else if ((now == HOST_UP || now == HOST_MAINTENANCE) &&
             old != HOST_UP && old != HOST_MAINTENANCE)
        ha_host_back(e, h);
}

static void
ha_tick(void *opaque)
{
    struct engine *e = opaque;

    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        if (h->state == HOST_NONRESPONSIVE)
            ha_examine(e, h);
    }
    for (size_t i = 0; i < e->restarts.len; i++)
        ha_attempt(e->restarts.items[i]);
}

int
engine_host_confirm_rebooted(struct engine *e, const char *name)
{
    struct host *h = model_host_by_name(e->m, name);
    char *msg;

    if (engine_check_write(e, name, "host-confirm-rebooted") < 0)
        return -1;
    if (!h) {
        err_set(_("There is no host named '%s'."), name);
        return engine_refuse(e, name, "host-confirm-rebooted");
    }
    if (h->state != HOST_NONRESPONSIVE) {
        err_set(_("Host '%s' is %s: only a NonResponsive host can be confirmed "
                  "rebooted."), h->name, host_state_label(h->state));
        return engine_refuse(e, name, "host-confirm-rebooted");
    }
    h->fenced = true;
    msg = xasprintf(_("The operator confirmed that host '%s' was rebooted: its "
                      "VMs are down and its HA VMs restart elsewhere."), h->name);
    engine_audit(e, h->name, "host-confirm-rebooted", 1, msg);
    free(msg);
    ha_host_failed(e, h);
    return 0;
}

void
engine_ha_start(struct engine *e)
{
    virt_set_host_hook(e->virt, engine_ha_host_changed, e);
    e->ha_timer = loop_add_timer(HA_RECHECK * 1000, ha_tick, e);
}

void
engine_ha_stop(struct engine *e)
{
    loop_remove_timer(e->ha_timer);
    e->ha_timer = -1;
    for (size_t i = 0; i < e->restarts.len; i++)
        ha_restart_free(e->restarts.items[i]);
    vec_clear(&e->restarts, NULL);
    while (e->evacs.len) {
        struct evac *ev = vec_remove(&e->evacs, 0);
        vec_clear(&ev->queue, free);
        free(ev->fail_msg);
        free(ev);
    }
    vec_clear(&e->evacs, NULL);
}
