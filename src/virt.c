/* virt.c: the libvirt backend (see virt.h).
 *
 * Threads: connect, stats, configuration fetches and VM operations run in
 * jobs on worker threads and hand plain C results to the main thread, which
 * alone touches the model.  Every job holds its own reference on the
 * virConnectPtr and a generation number: when the host was disconnected or
 * reconnected meanwhile, the result is dropped.  Lifecycle events arrive on
 * the main thread through libvirt's event loop; the close callback may come
 * from any thread and is posted to the main thread. */
#include <config.h>
#include <errno.h>
#ifdef HAVE_MALLOC_H
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libvirt/libvirt.h>
#include <libxml/parser.h>
#include <libvirt/virterror.h>
#include <libxml/xmlerror.h>
#include <libxml/globals.h>
#include "domxml.h"
#include "jobs.h"
#include "loop.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "virt.h"
#include "virt_priv.h"
#include "virt_stats.h"

static const char *const vm_op_names[VM_OP__COUNT] = {
    "start", "shutdown", "destroy", "reboot", "suspend", "resume", "undefine",
};

const char *
vm_op_name(enum vm_op op)
{
    return (unsigned)op < VM_OP__COUNT ? vm_op_names[op] : "?";
}

int
vm_op_parse(const char *s, enum vm_op *op)
{
    for (unsigned i = 0; i < VM_OP__COUNT; i++) {
        if (streq(s, vm_op_names[i])) {
            *op = i;
            return 0;
        }
    }
    return -1;
}

/* ---- state ---- */

/* The UUIDs of a host's last stats records, by position and name hash:
 * virDomainGetUUID() formats the UUID for its debug message even with
 * logging off, which is a good part of a 10,000-domain tick, and hosts
 * list their domains in the same order tick after tick.  A record whose
 * name hash matches the one at its position takes the UUID from here;
 * any other asks libvirt.  Only one stats job holds it at a time (it is
 * lent to the job, see virt_refresh_host()). */
struct uuid_memo {
    unsigned gen, names_epoch;  /* of the vconn when it was filled */
    size_t len, cap;
    struct uuid_memo_ent {
        uint64_t name_hash;
        unsigned char uuid[VIR_UUID_BUFLEN];
    } *ents;
};

static void
uuid_memo_free(struct uuid_memo *mm)
{
    if (mm) {
        free(mm->ents);
        free(mm);
    }
}

struct vconn {
    struct virt *v;
    int64_t host_id;
    virConnectPtr conn;         /* set while Up or Maintenance */
    unsigned gen;               /* bumped by every (dis)connect */
    bool connecting;
    bool failed_once;           /* answered at least once with a failure */
    bool stats_busy;
    bool removed;
    int refs;                   /* jobs in flight that point here */
    int retry_timer;
    int deadline_timer;
    int grace_timer;            /* runs while a lost host may come back */
    double backoff;
    int nowait;                 /* NOWAIT flag: -1 untried, 0 refused, 1 ok */
    unsigned stats_epoch;       /* bumped when a refresh in flight is stale */
    int lifecycle_id;
    unsigned refreshes;
    struct hmap conf_pending;   /* uuid -> (void *)1 */
    unsigned names_epoch;       /* bumped when a name may change its UUID */
    struct uuid_memo *memo;     /* lent to the stats job in flight */
};

struct virt {
    struct model *m;
    struct virt_opts o;
    virt_notify_fn notify;
    void *opaque;
    struct vec conns;           /* struct vconn * */
    unsigned busy;
    virt_host_hook_fn host_hook;
    void *host_hook_opaque;
    int trim_timer;             /* returns freed heap after connects
                                 * and configuration fetches */
};

/* Live backends: callbacks that arrive late check here first. */
static struct vec live_virts;

static bool
virt_alive(struct virt *v)
{
    for (size_t i = 0; i < live_virts.len; i++) {
        if (live_virts.items[i] == v)
            return true;
    }
    return false;
}

static void
virt_error_sink(void *opaque, virErrorPtr e)
{
    /* libvirt's default handler prints to stderr and would tear the
     * screen; keep the message for the log only. */
    if (e && e->message)
        log_debug("libvirt: %s", e->message);
}

static void
xml_error_sink(void *ctx, const char *msg, ...)
{
    /* libxml2 prints parse errors to stderr by default */
}

int
virt_global_init(void)
{
    if (virInitialize() < 0) {
        err_set(_("cannot initialise libvirt"));
        return -1;
    }
    virSetErrorFunc(NULL, virt_error_sink);
    /* The backend's jobs read and write XML on several worker threads at
     * once (domain configs, secrets): libxml2 must be set up on this
     * thread before any of them touches it, or their first calls race on
     * its globals (seen as a crash in xmlDocDumpFormatMemoryEnc when two
     * hosts got a secret at the same moment). */
    xmlInitParser();
    /* libxml2's handlers are per thread: set them here and as the
     * default of threads created later (the job workers). */
    xmlSetGenericErrorFunc(NULL, xml_error_sink);
    xmlThrDefSetGenericErrorFunc(NULL, xml_error_sink);
    return 0;
}

static struct vconn *
vconn_find(struct virt *v, int64_t host_id)
{
    for (size_t i = 0; i < v->conns.len; i++) {
        struct vconn *vc = v->conns.items[i];
        if (vc->host_id == host_id && !vc->removed)
            return vc;
    }
    return NULL;
}

static struct vconn *
vconn_get(struct virt *v, int64_t host_id)
{
    struct vconn *vc = vconn_find(v, host_id);
    if (vc)
        return vc;
    vc = xcalloc(1, sizeof(*vc));
    vc->v = v;
    vc->host_id = host_id;
    vc->retry_timer = -1;
    vc->deadline_timer = -1;
    vc->grace_timer = -1;
    vc->nowait = -1;
    vc->lifecycle_id = -1;
    vc->backoff = v->o.reconnect_min;
    vec_push(&v->conns, vc);
    return vc;
}

static void
vconn_ref(struct vconn *vc)
{
    vc->refs++;
    vc->v->busy++;
}

/* Drop a job's reference; frees the vconn once it is removed and unused. */
static void
vconn_unref(struct vconn *vc)
{
    vc->refs--;
    vc->v->busy--;
    if (vc->removed && vc->refs == 0) {
        vec_remove_item(&vc->v->conns, vc);
        hmap_clear(&vc->conf_pending);
        uuid_memo_free(vc->memo);
        free(vc);
    }
}

static struct host *
vconn_host(struct vconn *vc)
{
    return model_host_by_id(vc->v->m, vc->host_id);
}

/* The calling thread's libvirt error as one line (XML errors carry the
 * offending text and a caret on further lines). */
static char *
last_error(void)
{
    const char *msg = virGetLastErrorMessage();
    char *s = xstrdup(msg && *msg ? msg : _("unknown libvirt error"));
    char *nl = strchr(s, '\n');
    if (nl)
        *nl = '\0';
    return s;
}

static void
notify(struct virt *v, const char *object, const char *action, int ok,
       const char *message)
{
    if (v->notify)
        v->notify(v->opaque, object, action, ok, message);
}

static enum vm_state
map_state(int st)
{
    switch (st) {
    case VIR_DOMAIN_RUNNING: return VM_RUNNING;
    case VIR_DOMAIN_BLOCKED: return VM_BLOCKED;
    case VIR_DOMAIN_PAUSED: return VM_PAUSED;
    case VIR_DOMAIN_SHUTDOWN: return VM_SHUTTING_DOWN;
    case VIR_DOMAIN_SHUTOFF: return VM_SHUTOFF;
    case VIR_DOMAIN_CRASHED: return VM_CRASHED;
    case VIR_DOMAIN_PMSUSPENDED: return VM_PMSUSPENDED;
    default: return VM_UNKNOWN;
    }
}

/* ---- node numbers (worker side) ---- */

static void
node_sample(virConnectPtr conn, struct node_sample *ns)
{
    virNodeInfo info;
    int n = 0;

    memset(ns, 0, sizeof(*ns));
    if (virNodeGetInfo(conn, &info) == 0) {
        ns->have_info = true;
        ns->cpus = info.cpus;
        ns->mhz = info.mhz;
        snprintf(ns->model, sizeof(ns->model), "%s", info.model);
        ns->mem_total_kib = info.memory;
    }
    if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) == 0 &&
        n > 0) {
        virNodeCPUStatsPtr p = xcalloc((size_t)n, sizeof(*p));
        if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, p, &n, 0) == 0) {
            stats_node_cpu(p, n, ns);
        }
        free(p);
    }
    n = 0;
    if (virNodeGetMemoryStats(conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n,
                              0) == 0 && n > 0) {
        virNodeMemoryStatsPtr p = xcalloc((size_t)n, sizeof(*p));
        if (virNodeGetMemoryStats(conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, p, &n,
                                  0) == 0) {
            stats_node_mem(p, n, ns);
        }
        free(p);
    }
    /* No fallback to virNodeGetFreeMemory: the test driver answers it in
     * the wrong unit.  Unknown stays unknown. */
}

/* Merge a node sample into the host (main thread). */
static void
node_merge(struct model *m, struct host *h, const struct node_sample *ns)
{
    if (ns->have_info) {
        h->cpus = ns->cpus;
        h->mhz = ns->mhz;
        if (!streq(h->cpu_model, ns->model)) {
            free(h->cpu_model);
            h->cpu_model = xstrdup(ns->model);
        }
        h->mem_total_kib = ns->mem_total_kib;
    }
    if (ns->have_mem) {
        h->known |= STAT_MEM;
        h->mem_free_kib = ns->mem_free_kib;
    } else {
        h->known &= ~STAT_MEM;
    }
    if (ns->have_cpu && (h->known & STAT_CPU) &&
        ns->cpu_total > h->prev_cpu_total && ns->cpu_busy >= h->prev_cpu_busy) {
        uint64_t dt = ns->cpu_total - h->prev_cpu_total;
        uint64_t db = ns->cpu_busy - h->prev_cpu_busy;
        h->cpu_pct = 100.0 * (double)db / (double)dt;
        if (h->cpu_pct > 100.0)
            h->cpu_pct = 100.0;
        h->known |= STAT_RATES;
        h->hist[h->hist_pos % HOST_HIST] = (float)h->cpu_pct;
        h->hist_pos = (h->hist_pos + 1) % HOST_HIST;
        if (h->hist_len < HOST_HIST)
            h->hist_len++;
    } else if (!ns->have_cpu) {
        h->known &= ~(STAT_CPU | STAT_RATES);
    }
    if (ns->have_cpu) {
        h->known |= STAT_CPU;
        h->prev_cpu_total = ns->cpu_total;
        h->prev_cpu_busy = ns->cpu_busy;
    }
    m->events |= MODEL_EV_STATS;
}

/* ---- connect ---- */

struct ev_ctx {
    struct virt *v;
    int64_t host_id;
    unsigned gen;
};

struct conf_item {
    struct vm_conf conf;
    int state, reason;
    bool persistent;
};

struct connect_job {
    struct vconn *vc;
    unsigned gen;
    char *uri;
    int ka_interval, ka_count;
    bool readonly;
    struct virt *v;
    virConnectPtr conn;
    char *error;
    int lifecycle_id;
    struct node_sample ns;
    struct conf_item *items;
    size_t n_items;
};

static void on_closed_main(void *arg);

static void
on_close(virConnectPtr conn, int reason, void *opaque)
{
    struct ev_ctx *c = opaque;
    struct ev_ctx *copy = xmalloc(sizeof(*copy));
    /* May run on any thread: hand over to the main thread. */
    *copy = *c;
    jobs_post_main(on_closed_main, copy);
}

static void
ev_ctx_free(void *p)
{
    free(p);
}

static void on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event,
                         int detail, void *opaque);

/* Fetch and parse the configuration of each domain (worker side). */
static void
fetch_confs(virDomainPtr *doms, size_t n, bool readonly,
            struct conf_item **out, size_t *n_out)
{
    struct conf_item *items = xcalloc(n ? n : 1, sizeof(*items));
    /* SECURE: to see whether a console password is set (its value is
     * dropped with the XML, never kept or logged).  A read-only connection
     * may not ask for it: libvirt would refuse the whole description. */
    unsigned secure = readonly ? 0 : VIR_DOMAIN_XML_SECURE;
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        char *xml = virDomainGetXMLDesc(doms[i], secure);
        int st = VIR_DOMAIN_NOSTATE, reason = 0;
        if (!xml)
            continue;
        if (domxml_parse(xml, -1, &items[k].conf) == 0) {
            if (items[k].conf.ha)
                /* kept to restart it on another host if this one fails */
                items[k].conf.ha_xml = virDomainGetXMLDesc(
                    doms[i], VIR_DOMAIN_XML_INACTIVE | secure);
            if (virDomainGetState(doms[i], &st, &reason, 0) < 0)
                st = VIR_DOMAIN_NOSTATE;
            items[k].state = st;
            items[k].reason = reason;
            items[k].persistent = virDomainIsPersistent(doms[i]) == 1;
            k++;
        }
        free(xml);
    }
    *out = items;
    *n_out = k;
}

static int
auth_refuse(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    /* Never prompt on the tty: credentials come from keys, certificates
     * or SASL configuration, not from the operator's keyboard here. */
    return -1;
}

static void
connect_run(void *arg)
{
    struct connect_job *j = arg;
    int credtypes[] = { VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE,
                        VIR_CRED_ECHOPROMPT, VIR_CRED_NOECHOPROMPT };
    virConnectAuth auth = { credtypes, 4, auth_refuse, NULL };
    virDomainPtr *doms = NULL;
    int n;
    struct ev_ctx *ctx;

    /* Observers: libvirt refuses every change on a VIR_CONNECT_RO
     * connection, whatever the engine above lets through. */
    j->conn = virConnectOpenAuth(j->uri, &auth,
                                 j->readonly ? VIR_CONNECT_RO : 0);
    if (!j->conn) {
        j->error = last_error();
        return;
    }
    /* Local drivers (test, unix socket to a local daemon still counts as
     * remote) refuse keepalive; that is fine. */
    if (virConnectSetKeepAlive(j->conn, j->ka_interval, (unsigned)j->ka_count) < 0)
        log_debug("keepalive not set for %s: %s", j->uri, virGetLastErrorMessage());

    /* Drivers without a close callback (the test driver, and QEMU's
     * embedded driver, qemu:///embed) accept the registration and drop
     * it, freecb never called: register only where a connection can
     * close, i.e. through the remote driver. */
    if (strncmp(j->uri, "test:", 5) != 0 && !strstr(j->uri, ":///embed")) {
        ctx = xmalloc(sizeof(*ctx));
        ctx->v = j->v;
        ctx->host_id = j->vc->host_id;
        ctx->gen = j->gen;
        if (virConnectRegisterCloseCallback(j->conn, on_close, ctx,
                                            ev_ctx_free) < 0) {
            log_debug("no close callback for %s: %s", j->uri,
                      virGetLastErrorMessage());
            free(ctx);
        }
    }
    ctx = xmalloc(sizeof(*ctx));
    ctx->v = j->v;
    ctx->host_id = j->vc->host_id;
    ctx->gen = j->gen;
    j->lifecycle_id = virConnectDomainEventRegisterAny(
        j->conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
        VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), ctx, ev_ctx_free);
    if (j->lifecycle_id < 0) {
        log_warn("no lifecycle events from %s: %s", j->uri,
                 virGetLastErrorMessage());
        free(ctx);
    }

    node_sample(j->conn, &j->ns);
    n = virConnectListAllDomains(j->conn, &doms, 0);
    if (n < 0) {
        j->error = last_error();
        return;
    }
    fetch_confs(doms, (size_t)n, j->readonly, &j->items, &j->n_items);
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
}

struct close_job {
    virConnectPtr conn;
    int lifecycle_id;
};

static void
close_run(void *arg)
{
    struct close_job *j = arg;
    if (j->lifecycle_id >= 0)
        virConnectDomainEventDeregisterAny(j->conn, j->lifecycle_id);
    virConnectUnregisterCloseCallback(j->conn, on_close);
    virConnectClose(j->conn);
}

static void
close_done(void *arg)
{
    free(arg);
}

/* Close conn in a job: closing a remote connection talks to the host. */
static void
close_conn_async(virConnectPtr conn, int lifecycle_id)
{
    struct close_job *j;
    if (!conn)
        return;
    j = xcalloc(1, sizeof(*j));
    j->conn = conn;
    j->lifecycle_id = lifecycle_id;
    jobs_submit(close_run, close_done, j);
}

static void schedule_retry(struct vconn *vc);

static void
conf_items_free(struct conf_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vm_conf_clear(&items[i].conf);
    free(items);
}

static void
vm_apply_conf(struct model *m, struct vm *vm, const struct vm_conf *c)
{
    vm->vcpus = c->vcpus;
    vm->mem_max_kib = c->mem_max_kib;
    vm->os_type = model_intern(c->os_type);
    vm->graphics = model_intern(c->graphics);
    vm->gfx_listen = model_intern(c->gfx_listen);
    vm->gfx_port = c->gfx_port;
    vm->gfx_password = c->gfx_password;
    model_vm_set_devices(vm, c->devices);
    vm->ha = c->ha;
    vm->local_disks = c->local_disks;
    if (c->ha_xml) {
        free(vm->ha_xml);
        vm->ha_xml = xstrdup(c->ha_xml);
    }
    vm->have_config = true;
    m->events |= MODEL_EV_VM_LIST;
}

/* Every host state change of the backend goes through here, so the
 * engine's hook (maintenance, HA) sees it. */
static void
set_host_state(struct virt *v, struct host *h, enum host_state st,
               const char *reason)
{
    enum host_state old = h->state;
    model_host_set_state(v->m, h, st, reason);
    if (old != st && v->host_hook)
        v->host_hook(v->host_hook_opaque, h->id, old, st);
}

static void
host_fail(struct vconn *vc, struct host *h, const char *reason)
{
    struct virt *v = vc->v;
    bool was = h->state != HOST_NONRESPONSIVE;
    char *msg;

    vc->failed_once = true;
    if (vc->grace_timer >= 0) {
        /* lost a moment ago: keep trying quietly until the grace ends */
        char *r = xasprintf(_("connection lost, reconnecting: %s"), reason);
        model_host_set_state(v->m, h, HOST_CONNECTING, r);
        free(r);
        schedule_retry(vc);
        return;
    }
    set_host_state(v, h, HOST_NONRESPONSIVE, reason);
    /* What runs there is no longer known; keep the list, mark it unknown. */
    for (size_t i = 0; i < h->vms.len; i++)
        model_vm_set_state(v->m, h->vms.items[i], VM_UNKNOWN, 0);
    h->known = 0;
    if (was) {
        msg = xasprintf(_("Host '%s' is not responding: %s. Check that "
                          "libvirtd runs there and that the URI '%s' is "
                          "right; virtdeck keeps retrying."),
                        h->name, reason, h->uri);
        notify(v, h->name, "connect", 0, msg);
        free(msg);
    }
    schedule_retry(vc);
}

static void
connect_done(void *arg)
{
    struct connect_job *j = arg;
    struct vconn *vc = j->vc;
    struct virt *v = vc->v;
    struct host *h = vconn_host(vc);

    if (vc->removed || j->gen != vc->gen || !h) {
        /* superseded: timed out, removed or reconnected meanwhile */
        if (j->conn)
            close_conn_async(j->conn, j->lifecycle_id);
        goto cleanup;
    }
    vc->connecting = false;
    loop_remove_timer(vc->deadline_timer);
    vc->deadline_timer = -1;
    if (j->error) {
        if (j->conn)
            close_conn_async(j->conn, j->lifecycle_id);
        host_fail(vc, h, j->error);
        goto cleanup;
    }
    vc->conn = j->conn;
    vc->lifecycle_id = j->lifecycle_id;
    vc->backoff = v->o.reconnect_min;
    node_merge(v->m, h, &j->ns);

    /* libvirt is the source of truth: rebuild the host's VM list */
    model_host_clear_vms(v->m, h);
    for (size_t i = 0; i < j->n_items; i++) {
        struct conf_item *it = &j->items[i];
        struct vm *vm = model_vm_get(v->m, h, it->conf.uuid, it->conf.name, NULL);
        vm_apply_conf(v->m, vm, &it->conf);
        vm->persistent = it->persistent;
        model_vm_set_state(v->m, vm, map_state(it->state), it->reason);
    }
    if (vc->grace_timer >= 0) {
        loop_remove_timer(vc->grace_timer);
        vc->grace_timer = -1;
    }
    h->lost = 0;
    h->fenced = false;
    set_host_state(v, h, h->maintenance ? HOST_MAINTENANCE : HOST_UP,
                   h->maintenance ? h->reason : NULL);
    {
        char *msg = xasprintf(_("Host '%s' is connected (%zu VMs)."), h->name,
                              j->n_items);
        notify(v, h->name, "connect", 1, msg);
        free(msg);
    }
    virt_refresh_host(v, h->id);
    /* once connects stop for a while (a burst at start-up) */
    loop_update_timer(v->trim_timer, 3000);

cleanup:
    conf_items_free(j->items, j->n_items);
    free(j->error);
    free(j->uri);
    vconn_unref(vc);
    free(j);
}

static void
deadline_fire(void *opaque)
{
    struct vconn *vc = opaque;
    struct host *h = vconn_host(vc);
    char *reason;

    loop_remove_timer(vc->deadline_timer);
    vc->deadline_timer = -1;
    if (!vc->connecting || !h)
        return;
    vc->connecting = false;
    vc->gen++;              /* the late result will be dropped */
    reason = xasprintf(_("no answer within %.0f seconds"), vc->v->o.connect_timeout);
    host_fail(vc, h, reason);
    free(reason);
}

static void
connect_start(struct vconn *vc)
{
    struct virt *v = vc->v;
    struct host *h = vconn_host(vc);
    struct connect_job *j;

    if (!h || vc->connecting)
        return;
    if (vc->conn) {
        close_conn_async(vc->conn, vc->lifecycle_id);
        vc->conn = NULL;
        vc->lifecycle_id = -1;
    }
    vc->gen++;
    vc->connecting = true;
    vc->stats_busy = false;
    if (h->state != HOST_NONRESPONSIVE && vc->grace_timer < 0)
        set_host_state(v, h, HOST_CONNECTING, NULL);

    j = xcalloc(1, sizeof(*j));
    j->vc = vc;
    j->v = v;
    j->gen = vc->gen;
    j->ka_interval = v->o.keepalive_interval;
    j->ka_count = v->o.keepalive_count;
    j->readonly = v->o.readonly;
    j->lifecycle_id = -1;
    /* ssh must never ask for a password on our terminal */
    if (strncmp(h->uri, "qemu+ssh:", 9) == 0 && !strstr(h->uri, "no_tty="))
        j->uri = xasprintf("%s%cno_tty=1", h->uri, strchr(h->uri, '?') ? '&' : '?');
    else
        j->uri = xstrdup(h->uri);
    vconn_ref(vc);
    jobs_submit(connect_run, connect_done, j);
    vc->deadline_timer = loop_add_timer((int)(v->o.connect_timeout * 1000),
                                        deadline_fire, vc);
}

static void
retry_fire(void *opaque)
{
    struct vconn *vc = opaque;
    loop_remove_timer(vc->retry_timer);
    vc->retry_timer = -1;
    if (!vc->removed)
        connect_start(vc);
}

static void
schedule_retry(struct vconn *vc)
{
    if (vc->removed || vc->retry_timer >= 0)
        return;
    vc->retry_timer = loop_add_timer((int)(vc->backoff * 1000), retry_fire, vc);
    vc->backoff *= 2;
    if (vc->backoff > vc->v->o.reconnect_max)
        vc->backoff = vc->v->o.reconnect_max;
}

static void
grace_fire(void *opaque)
{
    struct vconn *vc = opaque;
    struct host *h = vconn_host(vc);
    char *reason;

    loop_remove_timer(vc->grace_timer);
    vc->grace_timer = -1;
    if (!h || h->state == HOST_UP || h->state == HOST_MAINTENANCE)
        return;
    reason = xasprintf(_("the connection was lost and did not come back "
                         "within %.0f seconds"), vc->v->o.ha_grace);
    host_fail(vc, h, reason);
    free(reason);
}

/* The connection went away (close callback or a failing call). */
static void
conn_lost(struct vconn *vc, const char *reason)
{
    struct host *h = vconn_host(vc);
    bool was_up = h && (h->state == HOST_UP || h->state == HOST_MAINTENANCE ||
                        h->state == HOST_PREPARING_MAINTENANCE);

    if (was_up && vc->v->o.ha_grace > 0 && vc->grace_timer < 0) {
        /* Give it the grace period before calling it NonResponsive. */
        char *r = xasprintf(_("connection lost, reconnecting: %s"), reason);
        h->lost = time(NULL);
        set_host_state(vc->v, h, HOST_CONNECTING, r);
        free(r);
        for (size_t i = 0; i < h->vms.len; i++)
            model_vm_set_state(vc->v->m, h->vms.items[i], VM_UNKNOWN, 0);
        vc->grace_timer = loop_add_timer((int)(vc->v->o.ha_grace * 1000),
                                         grace_fire, vc);
        {
            char *msg = xasprintf(_("Lost the connection to host '%s' (%s); "
                                    "it has %.0f s to come back."), h->name,
                                  reason, vc->v->o.ha_grace);
            notify(vc->v, h->name, "connect", 0, msg);
            free(msg);
        }
        if (vc->conn) {
            close_conn_async(vc->conn, vc->lifecycle_id);
            vc->conn = NULL;
            vc->lifecycle_id = -1;
        }
        vc->gen++;
        vc->stats_busy = false;
        vc->backoff = vc->v->o.reconnect_min;
        schedule_retry(vc);
        return;
    }
    if (vc->conn) {
        close_conn_async(vc->conn, vc->lifecycle_id);
        vc->conn = NULL;
        vc->lifecycle_id = -1;
    }
    vc->gen++;
    vc->stats_busy = false;
    if (h)
        host_fail(vc, h, reason);
}

static void
on_closed_main(void *arg)
{
    struct ev_ctx *c = arg;
    struct vconn *vc;

    if (virt_alive(c->v) && (vc = vconn_find(c->v, c->host_id)) &&
        vc->gen == c->gen && vc->conn)
        conn_lost(vc, _("the connection was closed"));
    free(c);
}

void
virt_host_connect(struct virt *v, int64_t host_id)
{
    struct vconn *vc = vconn_get(v, host_id);
    loop_remove_timer(vc->retry_timer);
    vc->retry_timer = -1;
    vc->connecting = false;
    connect_start(vc);
}

void
virt_host_drop(struct virt *v, int64_t host_id)
{
    struct vconn *vc = vconn_find(v, host_id);
    if (vc && vc->conn)
        conn_lost(vc, _("the connection was closed"));
}

void
virt_host_disconnect(struct virt *v, int64_t host_id)
{
    struct vconn *vc = vconn_find(v, host_id);
    if (!vc)
        return;
    loop_remove_timer(vc->retry_timer);
    loop_remove_timer(vc->deadline_timer);
    loop_remove_timer(vc->grace_timer);
    vc->retry_timer = vc->deadline_timer = vc->grace_timer = -1;
    if (vc->conn)
        close_conn_async(vc->conn, vc->lifecycle_id);
    vc->conn = NULL;
    vc->gen++;
    vc->removed = true;
    vc->refs++;
    vc->v->busy++;
    vconn_unref(vc);        /* frees it now when no job holds it */
}

/* ---- lifecycle events (main thread, from the event loop) ---- */

static void
on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail,
             void *opaque)
{
    struct ev_ctx *c = opaque;
    struct vconn *vc;
    struct host *h;
    struct vm *vm;
    char uuid[VIR_UUID_STRING_BUFLEN];
    enum vm_state st = VM_UNKNOWN;

    if (!virt_alive(c->v) || !(vc = vconn_find(c->v, c->host_id)) ||
        vc->gen != c->gen || !(h = vconn_host(vc)))
        return;
    if (event == VIR_DOMAIN_EVENT_DEFINED ||
        event == VIR_DOMAIN_EVENT_UNDEFINED ||
        event == VIR_DOMAIN_EVENT_STARTED ||
        event == VIR_DOMAIN_EVENT_STOPPED ||
        event == VIR_DOMAIN_EVENT_CRASHED)
        vc->names_epoch++;      /* a name may now stand for another UUID */
    if (virDomainGetUUIDString(dom, uuid) < 0)
        return;
    vm = model_host_vm(h, uuid);

    switch (event) {
    case VIR_DOMAIN_EVENT_DEFINED:
        if (!vm) {
            vm = model_vm_get(c->v->m, h, uuid, virDomainGetName(dom), NULL);
            model_vm_set_state(c->v->m, vm, VM_SHUTOFF, 0);
        }
        vm->have_config = false;    /* refetched by the next refresh */
        virt_refresh_host(c->v, h->id);
        return;
    case VIR_DOMAIN_EVENT_UNDEFINED:
        if (vm && (vm->state == VM_SHUTOFF || vm->state == VM_UNKNOWN))
            model_vm_remove(c->v->m, h, uuid);
        else if (vm)
            vm->persistent = false;
        return;
    case VIR_DOMAIN_EVENT_STARTED: st = VM_RUNNING; break;
    case VIR_DOMAIN_EVENT_SUSPENDED: st = VM_PAUSED; break;
    case VIR_DOMAIN_EVENT_RESUMED: st = VM_RUNNING; break;
    case VIR_DOMAIN_EVENT_STOPPED: st = VM_SHUTOFF; break;
    case VIR_DOMAIN_EVENT_SHUTDOWN:
        st = detail == VIR_DOMAIN_EVENT_SHUTDOWN_FINISHED ? VM_SHUTOFF
                                                           : VM_SHUTTING_DOWN;
        break;
    case VIR_DOMAIN_EVENT_PMSUSPENDED: st = VM_PMSUSPENDED; break;
    case VIR_DOMAIN_EVENT_CRASHED: st = VM_CRASHED; break;
    default: return;
    }
    if (!vm) {
        /* a transient domain we have not seen yet */
        vm = model_vm_get(c->v->m, h, uuid, virDomainGetName(dom), NULL);
        virt_refresh_host(c->v, h->id);
    }
    if (vm->state != st && st != VM_SHUTTING_DOWN) {
        char *msg = xasprintf(_("VM '%s' on host '%s' is now %s."), vm->name,
                              h->name, vm_state_label(st));
        notify(c->v, vm->name, "state", -1, msg);
        free(msg);
    }
    model_vm_set_state(c->v->m, vm, st, detail);
    if (event == VIR_DOMAIN_EVENT_STARTED || event == VIR_DOMAIN_EVENT_STOPPED) {
        /* the live definition changed (console port, devices) */
        vm->have_config = false;
        virt_refresh_host(c->v, h->id);
    }
    if (st == VM_SHUTOFF && !vm->persistent)
        model_vm_remove(c->v->m, h, uuid);
}

/* ---- stats ---- */

struct stats_job {
    struct vconn *vc;
    unsigned gen;
    unsigned epoch;
    virConnectPtr conn;
    int nowait;             /* in: try NOWAIT; out: whether it was accepted */
    double t;
    char *error;
    bool conn_error;
    struct node_sample ns;
    struct dom_sample *doms;
    size_t n;
    struct strbuf names;
    struct uuid_memo *memo;     /* the vconn's, lent to this job */
    unsigned names_epoch;       /* the vconn's at submission */
    size_t memo_hits;           /* UUIDs taken from the memo */
};

/* virDomainGetUUIDString goes through snprintf; this is the hot path of a
 * 10,000-domain refresh, so format the 16 bytes by hand. */
static void
uuid_format(const unsigned char *raw, char *out)
{
    static const char hex[] = "0123456789abcdef";
    char *p = out;

    for (int i = 0; i < VIR_UUID_BUFLEN; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[raw[i] >> 4];
        *p++ = hex[raw[i] & 15];
    }
    *p = '\0';
}

static uint64_t
name_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL;       /* FNV-1a */

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Record i's UUID: from the memo when the name at that position is the
 * same as last time, else from libvirt (and remembered). */
static void
dom_uuid(struct stats_job *j, size_t i, virDomainPtr dom, const char *name,
         char *out)
{
    struct uuid_memo *mm = j->memo;
    struct uuid_memo_ent *e = &mm->ents[i];
    uint64_t h = name_hash(name);

    if (i < mm->len && e->name_hash == h) {
        j->memo_hits++;
        uuid_format(e->uuid, out);
        return;
    }
    if (virDomainGetUUID(dom, e->uuid) < 0) {
        e->name_hash = ~h;      /* never matches it: ask again */
        out[0] = '\0';
        return;
    }
    e->name_hash = h;
    uuid_format(e->uuid, out);
}

static void
dom_sample_parse(struct stats_job *j, size_t pos, virDomainStatsRecordPtr r,
                 struct dom_sample *d)
{
    const char *name = virDomainGetName(r->dom);
    struct strbuf *names = &j->names;

    if (!name)
        name = "";
    memset(d, 0, sizeof(*d));
    dom_uuid(j, pos, r->dom, name, d->uuid);
    d->name_off = names->len;
    sb_addn(names, name ? name : "", (name ? strlen(name) : 0) + 1);
    stats_dom_params(r->params, r->nparams, d);
}

#define VD_DOMAIN_STATS (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | \
                         VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU | \
                         VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

static void
stats_run(void *arg)
{
    struct stats_job *j = arg;
    virDomainStatsRecordPtr *recs = NULL;
    int n;

    /* NOWAIT: a VM whose storage hangs holds its own job lock for long;
     * skip its slow groups instead of stalling every VM of the host. */
    n = virConnectGetAllDomainStats(j->conn, VD_DOMAIN_STATS, &recs,
                                    j->nowait ? VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT : 0);
    if (n < 0 && j->nowait) {
        virErrorPtr e = virGetLastError();
        if (e && (e->code == VIR_ERR_INVALID_ARG ||
                  e->code == VIR_ERR_NO_SUPPORT)) {
            j->nowait = 0;
            n = virConnectGetAllDomainStats(j->conn, VD_DOMAIN_STATS, &recs, 0);
        }
    }
    j->t = loop_now();
    if (n < 0) {
        virErrorPtr e = virGetLastError();
        j->error = last_error();
        j->conn_error = virConnectIsAlive(j->conn) != 1 ||
                        (e && (e->domain == VIR_FROM_RPC ||
                               e->code == VIR_ERR_SYSTEM_ERROR));
        return;
    }
    node_sample(j->conn, &j->ns);
    j->doms = xmalloc(((size_t)n + 1) * sizeof(*j->doms));
    if (j->memo->cap < (size_t)n) {
        j->memo->ents = xrealloc(j->memo->ents,
                                 (size_t)n * sizeof(*j->memo->ents));
        j->memo->cap = (size_t)n;
    }
    for (int i = 0; i < n; i++)
        dom_sample_parse(j, (size_t)i, recs[i], &j->doms[i]);
    j->memo->len = (size_t)n;
    j->n = (size_t)n;
    /* Free libvirt's records here, then the job's done() merges the
     * samples: one result, so one wake-up of the main thread per host
     * at most (the main thread merges one host while the workers call
     * the next ones). */
    virDomainStatsRecordListFree(recs);
}

static void
dom_merge(struct model *m, struct host *h, struct vm *vm,
          const struct dom_sample *d, double t)
{
    double dt = vm->prev_t > 0 ? t - vm->prev_t : 0;
    unsigned had = vm->known;
    unsigned vcpus;

    model_vm_set_state(m, vm, map_state(d->state), d->reason);
    vm->known = d->has & (STAT_CPU | STAT_MEM | STAT_DISK | STAT_NET | STAT_VCPU);
    if (vm->state != VM_RUNNING && vm->state != VM_PAUSED &&
        vm->state != VM_BLOCKED) {
        /* an inactive VM has no live numbers, whatever its record says */
        vm->known &= ~(STAT_CPU | STAT_MEM | STAT_DISK | STAT_NET);
        had = 0;
        vm->prev_t = 0;
    }
    if (d->has & STAT_VCPU)
        vm->vcpus_cur = d->vcpus;
    if (d->has & STAT_MEM) {
        vm->mem_cur_kib = d->bal_cur;
        vm->mem_rss_kib = d->bal_rss;
    }
    if (dt > 0 && (had & STAT_RATES || vm->prev_t > 0)) {
        bool rates = false;
        vcpus = vm->vcpus_cur ? vm->vcpus_cur : (vm->vcpus ? vm->vcpus : 1);
        if ((d->has & STAT_CPU) && (had & STAT_CPU) && d->cpu_ns >= vm->prev_cpu_ns) {
            vm->cpu_pct = (double)(d->cpu_ns - vm->prev_cpu_ns) / (dt * 1e9) /
                          vcpus * 100.0;
            rates = true;
        }
        if ((d->has & STAT_DISK) && (had & STAT_DISK) && d->rd >= vm->prev_rd &&
            d->wr >= vm->prev_wr) {
            vm->rd_bps = (double)(d->rd - vm->prev_rd) / dt;
            vm->wr_bps = (double)(d->wr - vm->prev_wr) / dt;
            rates = true;
        }
        if ((d->has & STAT_NET) && (had & STAT_NET) && d->rx >= vm->prev_rx &&
            d->tx >= vm->prev_tx) {
            vm->rx_bps = (double)(d->rx - vm->prev_rx) / dt;
            vm->tx_bps = (double)(d->tx - vm->prev_tx) / dt;
            rates = true;
        }
        if (rates)
            vm->known |= STAT_RATES;
    }
    vm->prev_cpu_ns = d->cpu_ns;
    vm->prev_rd = d->rd;
    vm->prev_wr = d->wr;
    vm->prev_rx = d->rx;
    vm->prev_tx = d->tx;
    vm->prev_t = t;
    vm->seen_tick = h->tick;
}

static void conf_fetch_start(struct vconn *vc, struct host *h);

/* The samples reach the main thread. */
static void
stats_deliver(struct stats_job *j)
{
    struct vconn *vc = j->vc;
    struct virt *v = vc->v;
    struct host *h = vconn_host(vc);

    if (vc->removed || j->gen != vc->gen || !h)
        goto cleanup;
    vc->stats_busy = false;
    vc->nowait = j->nowait;
    if (j->epoch != vc->stats_epoch ||
        (j->memo_hits && j->names_epoch != vc->names_epoch)) {
        /* taken before a VM left this host (a migration ended): its list
         * would bring the VM back; or a domain was defined, undefined,
         * started or stopped meanwhile, so a remembered UUID may belong
         * to a name's previous owner.  Ask again instead (without the
         * memo: it is dropped for the new names_epoch). */
        virt_refresh_host(v, h->id);
        goto cleanup;
    }
    if (j->error) {
        if (j->conn_error) {
            conn_lost(vc, j->error);
        } else {
            log_warn("stats of host %s: %s", h->name, j->error);
        }
        goto cleanup;
    }
    h->tick++;
    for (size_t i = 0; i < j->n; i++) {
        struct dom_sample *d = &j->doms[i];
        struct vm *vm = model_vm_get_at(v->m, h, i, d->uuid,
                                        j->names.s + d->name_off);
        dom_merge(v->m, h, vm, d, j->t);
    }
    /* VMs the host no longer reports are gone */
    for (size_t i = h->vms.len; i-- > 0;) {
        struct vm *vm = h->vms.items[i];
        if (vm->seen_tick != h->tick)
            model_vm_remove(v->m, h, vm->uuid);
    }
    node_merge(v->m, h, &j->ns);
    vc->refreshes++;
    conf_fetch_start(vc, h);

cleanup:
    free(j->doms);
    j->doms = NULL;
    j->n = 0;
    sb_free(&j->names);
}

static void
stats_done(void *arg)
{
    struct stats_job *j = arg;
    struct vconn *vc = j->vc;

    /* the memo goes back first: stats_deliver() may ask again */
    if (!vc->removed && j->gen == vc->gen && !vc->memo)
        vc->memo = j->memo;
    else
        uuid_memo_free(j->memo);
    j->memo = NULL;
    stats_deliver(j);
    free(j->error);
    virConnectClose(j->conn);
    vconn_unref(vc);
    free(j);
}

void
virt_refresh_host(struct virt *v, int64_t host_id)
{
    struct vconn *vc = vconn_find(v, host_id);
    struct stats_job *j;

    if (!vc || !vc->conn || vc->stats_busy || vc->connecting)
        return;
    vc->stats_busy = true;
    j = xcalloc(1, sizeof(*j));
    j->vc = vc;
    j->gen = vc->gen;
    j->conn = vc->conn;
    virConnectRef(j->conn);
    j->nowait = vc->nowait != 0;
    j->epoch = vc->stats_epoch;
    j->memo = vc->memo ? vc->memo : xcalloc(1, sizeof(*j->memo));
    vc->memo = NULL;
    if (j->memo->gen != vc->gen || j->memo->names_epoch != vc->names_epoch) {
        j->memo->len = 0;
        j->memo->gen = vc->gen;
        j->memo->names_epoch = vc->names_epoch;
    }
    j->names_epoch = vc->names_epoch;
    vconn_ref(vc);
    jobs_submit(stats_run, stats_done, j);
}

void
virt_refresh(struct virt *v)
{
    for (size_t i = 0; i < v->conns.len; i++) {
        struct vconn *vc = v->conns.items[i];
        if (!vc->removed)
            virt_refresh_host(v, vc->host_id);
    }
}

unsigned
virt_refresh_count(const struct virt *v, int64_t host_id)
{
    struct vconn *vc = vconn_find((struct virt *)v, host_id);
    return vc ? vc->refreshes : 0;
}

/* ---- configuration of new domains ---- */

struct conf_job {
    struct vconn *vc;
    unsigned gen;
    virConnectPtr conn;
    char **uuids;
    size_t n;
    bool readonly;
    struct conf_item *items;
    size_t n_items;
};

static void
conf_run(void *arg)
{
    struct conf_job *j = arg;
    virDomainPtr *doms = xcalloc(j->n ? j->n : 1, sizeof(*doms));
    size_t k = 0;

    for (size_t i = 0; i < j->n; i++) {
        virDomainPtr d = virDomainLookupByUUIDString(j->conn, j->uuids[i]);
        if (d)
            doms[k++] = d;
    }
    fetch_confs(doms, k, j->readonly, &j->items, &j->n_items);
    for (size_t i = 0; i < k; i++)
        virDomainFree(doms[i]);
    free(doms);
}

static void
conf_done(void *arg)
{
    struct conf_job *j = arg;
    struct vconn *vc = j->vc;
    struct host *h = vconn_host(vc);

    for (size_t i = 0; i < j->n; i++) {
        if (!vc->removed)
            hmap_del(&vc->conf_pending, j->uuids[i]);
        free(j->uuids[i]);
    }
    /* nothing pending: its slots (16 bytes per VM) go, and so does the
     * heap the parse left behind, once fetches stop for a while */
    if (!vc->removed && vc->conf_pending.len == 0 && vc->conf_pending.cap) {
        hmap_clear(&vc->conf_pending);
        loop_update_timer(vc->v->trim_timer, 3000);
    }
    if (!vc->removed && j->gen == vc->gen && h) {
        for (size_t i = 0; i < j->n_items; i++) {
            struct conf_item *it = &j->items[i];
            struct vm *vm = model_host_vm(h, it->conf.uuid);
            if (vm) {
                vm_apply_conf(vc->v->m, vm, &it->conf);
                vm->persistent = it->persistent;
            }
        }
    }
    conf_items_free(j->items, j->n_items);
    free(j->uuids);
    virConnectClose(j->conn);
    vconn_unref(vc);
    free(j);
}

static void
conf_fetch_start(struct vconn *vc, struct host *h)
{
    struct conf_job *j = NULL;

    for (size_t i = 0; i < h->vms.len; i++) {
        struct vm *vm = h->vms.items[i];
        if (vm->have_config || hmap_get(&vc->conf_pending, vm->uuid))
            continue;
        if (!j) {
            j = xcalloc(1, sizeof(*j));
            j->uuids = xcalloc(h->vms.len, sizeof(*j->uuids));
        }
        hmap_put(&vc->conf_pending, vm->uuid, (void *)1);
        j->uuids[j->n++] = xstrdup(vm->uuid);
    }
    if (!j)
        return;
    j->vc = vc;
    j->gen = vc->gen;
    j->conn = vc->conn;
    j->readonly = vconn_virt(vc)->o.readonly;
    virConnectRef(j->conn);
    vconn_ref(vc);
    jobs_submit(conf_run, conf_done, j);
}

/* ---- VM operations ---- */

struct op_job {
    struct vconn *vc;
    virConnectPtr conn;
    char uuid[VIR_UUID_STRING_BUFLEN];
    char *vm_name;
    char *host_name;
    enum vm_op op;
    virt_done_fn done;
    void *opaque;
    char *error;
};

static void
op_run(void *arg)
{
    struct op_job *j = arg;
    virDomainPtr d = virDomainLookupByUUIDString(j->conn, j->uuid);
    int rc = -1;

    if (!d) {
        j->error = last_error();
        return;
    }
    switch (j->op) {
    case VM_OP_START: rc = virDomainCreate(d); break;
    case VM_OP_SHUTDOWN: rc = virDomainShutdown(d); break;
    case VM_OP_DESTROY: rc = virDomainDestroy(d); break;
    case VM_OP_REBOOT: rc = virDomainReboot(d, 0); break;
    case VM_OP_SUSPEND: rc = virDomainSuspend(d); break;
    case VM_OP_RESUME: rc = virDomainResume(d); break;
    case VM_OP_UNDEFINE:
        rc = virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                       VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA |
                                       VIR_DOMAIN_UNDEFINE_NVRAM);
        if (rc < 0)
            rc = virDomainUndefine(d);
        break;
    case VM_OP__COUNT: break;
    }
    if (rc < 0)
        j->error = last_error();
    virDomainFree(d);
}

static void
op_done(void *arg)
{
    struct op_job *j = arg;
    struct virt *v = j->vc->v;
    char *msg;

    if (j->error)
        msg = xasprintf(_("Could not %s VM '%s' on host '%s': %s"),
                        vm_op_name(j->op), j->vm_name, j->host_name, j->error);
    else
        msg = xasprintf(_("VM '%s' on host '%s': %s done."), j->vm_name,
                        j->host_name, vm_op_name(j->op));
    notify(v, j->vm_name, vm_op_name(j->op), j->error ? 0 : 1, msg);
    if (j->done)
        j->done(j->opaque, j->error ? 0 : 1, msg);
    free(msg);
    if (!j->vc->removed)
        virt_refresh_host(v, j->vc->host_id);
    virConnectClose(j->conn);
    free(j->error);
    free(j->vm_name);
    free(j->host_name);
    vconn_unref(j->vc);
    free(j);
}

int
virt_vm_op(struct virt *v, const char *uuid, enum vm_op op, virt_done_fn done,
           void *opaque)
{
    struct vm *vm = model_vm_by_uuid(v->m, uuid);

    if (!vm) {
        err_set(_("There is no VM with UUID %s."), uuid);
        return -1;
    }
    return virt_vm_op_on(v, vm->host_id, uuid, op, done, opaque);
}

int
virt_vm_op_on(struct virt *v, int64_t host_id, const char *uuid, enum vm_op op,
              virt_done_fn done, void *opaque)
{
    struct host *h = model_host_by_id(v->m, host_id);
    struct vm *vm = h ? model_host_vm(h, uuid) : NULL;
    struct vconn *vc;
    struct op_job *j;

    if (!vm) {
        err_set(_("There is no VM with UUID %s."), uuid);
        return -1;
    }
    vc = h ? vconn_find(v, h->id) : NULL;
    if (!h || !vc || !vc->conn) {
        err_set(_("The host of VM '%s' is not connected: wait until it is Up."),
                vm->name);
        return -1;
    }
    j = xcalloc(1, sizeof(*j));
    j->vc = vc;
    j->conn = vc->conn;
    virConnectRef(j->conn);
    snprintf(j->uuid, sizeof(j->uuid), "%s", uuid);
    j->vm_name = xstrdup(vm->name);
    j->host_name = xstrdup(h->name);
    j->op = op;
    j->done = done;
    j->opaque = opaque;
    vconn_ref(vc);
    jobs_submit(op_run, op_done, j);
    return 0;
}

/* ---- for the backend's other modules (virt_priv.h) ---- */

struct vconn *
virt_hold(struct virt *v, int64_t host_id, virConnectPtr *conn)
{
    struct vconn *vc = vconn_find(v, host_id);
    struct host *h = model_host_by_id(v->m, host_id);

    if (!vc || !vc->conn) {
        err_set(_("Host '%s' is not connected: wait until it is Up."),
                h ? h->name : "?");
        return NULL;
    }
    virConnectRef(vc->conn);
    *conn = vc->conn;
    vconn_ref(vc);
    return vc;
}

void
virt_release(struct vconn *vc)
{
    struct virt *v = vc->v;
    int64_t id = vc->host_id;
    bool removed = vc->removed;

    vconn_unref(vc);
    if (!removed)
        virt_refresh_host(v, id);
}

struct virt *
vconn_virt(struct vconn *vc)
{
    return vc->v;
}

int64_t
vconn_host_id(struct vconn *vc)
{
    return vc->host_id;
}

void
virt_set_host_hook(struct virt *v, virt_host_hook_fn fn, void *opaque)
{
    v->host_hook = fn;
    v->host_hook_opaque = opaque;
}

struct model *
virt_model(struct virt *v)
{
    return v->m;
}

void
virt_host_stats_stale(struct virt *v, int64_t host_id)
{
    struct vconn *vc = vconn_find(v, host_id);
    if (vc)
        vc->stats_epoch++;
}

int64_t
virt_vm_host(struct virt *v, const char *uuid)
{
    struct vm *vm = model_vm_by_uuid(v->m, uuid);
    if (!vm) {
        err_set(_("There is no VM with UUID %s."), uuid);
        return -1;
    }
    return vm->host_id;
}

void
virt_tell(struct virt *v, const char *object, const char *action, int ok,
          const char *message)
{
    notify(v, object, action, ok, message);
}

char *
virt_last_error(void)
{
    return last_error();
}

/* ---- lifetime ---- */

/* A connect parses the host's domain XML on a worker thread, in that
 * thread's malloc arena, between allocations that stay (libvirt's and the
 * model's): after a burst of connects the arenas are full of free holes
 * that glibc keeps, tens of MiB for a hundred hosts.  Hand them back. */
static void
trim_fire(void *opaque)
{
    struct virt *v = opaque;

    loop_update_timer(v->trim_timer, -1);
#ifdef HAVE_MALLOC_TRIM
    malloc_trim(0);
#endif
}

struct virt *
virt_new(struct model *m, const struct virt_opts *o, virt_notify_fn notify_fn,
         void *opaque)
{
    struct virt *v = xcalloc(1, sizeof(*v));
    v->m = m;
    v->o = *o;
    if (v->o.reconnect_min <= 0)
        v->o.reconnect_min = 1;
    if (v->o.reconnect_max < v->o.reconnect_min)
        v->o.reconnect_max = v->o.reconnect_min;
    if (v->o.connect_timeout <= 0)
        v->o.connect_timeout = 15;
    v->notify = notify_fn;
    v->opaque = opaque;
    v->trim_timer = loop_add_timer(-1, trim_fire, v);
    vec_push(&live_virts, v);
    return v;
}

static void
drain_tick(void *opaque)
{
    /* only wakes the loop */
}

void
virt_free(struct virt **vp)
{
    struct virt *v = *vp;
    double deadline;
    int timer;

    if (!v)
        return;
    for (size_t i = v->conns.len; i-- > 0;) {
        struct vconn *vc = v->conns.items[i];
        if (!vc->removed)
            virt_host_disconnect(v, vc->host_id);
    }
    /* Let the jobs in flight come back (they point at v), for a while: a
     * host that hangs must not hang exit, so past the deadline v is left
     * allocated for the stragglers. */
    v->notify = NULL;
    deadline = loop_now() + 1.0;
    timer = loop_add_timer(50, drain_tick, NULL);
    while ((v->busy || jobs_pending()) && loop_now() < deadline)
        loop_run_once();
    loop_remove_timer(timer);
    loop_remove_timer(v->trim_timer);
    vec_remove_item(&live_virts, v);
    if (!live_virts.len)
        vec_clear(&live_virts, NULL);
    if (!v->busy) {
        vec_clear(&v->conns, NULL);
        free(v);
    } else {
        log_warn("%u backend jobs still running at exit", v->busy);
    }
    *vp = NULL;
}

unsigned
virt_busy(const struct virt *v)
{
    return v->busy;
}

bool
virt_settled(const struct virt *v)
{
    for (size_t i = 0; i < v->conns.len; i++) {
        struct vconn *vc = v->conns.items[i];
        /* a host that failed is settled: it retries in the background */
        if (!vc->removed && vc->connecting && !vc->failed_once)
            return false;
    }
    return true;
}
