/* model.c: the in-memory inventory and VMs (see model.h).  Plain C data,
 * touched only by the main thread; every change sets an event bit. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "model.h"
#include "util/i18n.h"
#include "util/mem.h"
#include "util/strbuf.h"

struct model *
model_new(void)
{
    return xcalloc(1, sizeof(struct model));
}

static void
dc_free(void *p)
{
    struct dc *dc = p;
    free(dc->name);
    free(dc->description);
    free(dc);
}

static void
cluster_free(void *p)
{
    struct cluster *c = p;
    free(c->name);
    free(c->description);
    free(c);
}

static void
vm_free(void *p)
{
    struct vm *vm = p;
    free(vm->name);
    free(vm->ha_xml);
    free(vm->devices);
    free(vm);
}

static void
host_free(void *p)
{
    struct host *h = p;
    vec_clear(&h->vms, vm_free);
    hmap_clear(&h->vm_by_uuid);
    free(h->name);
    free(h->uri);
    free(h->reason);
    free(h->cpu_model);
    free(h);
}

static void
sd_free(void *p)
{
    struct sd *sd = p;
    vec_clear(&sd->dc_ids, free);
    vec_clear(&sd->isos, free);
    free(sd->luns);
    free(sd->chap_user);
    free(sd->problem);
    free(sd->name);
    free(sd->address);
    free(sd->path);
    free(sd);
}

void
audit_free(struct audit *a)
{
    if (!a)
        return;
    free(a->user);
    free(a->object);
    free(a->action);
    free(a->result);
    free(a->message);
    free(a);
}

static void
audit_free_v(void *p)
{
    audit_free(p);
}

static void
task_free_v(void *p)
{
    task_free(p);
}

void
task_free(struct task *t)
{
    if (!t)
        return;
    free(t->object);
    free(t->where);
    free(t->message);
    free(t->src_name);
    free(t->dst_name);
    free(t->resolved);
    vec_clear(&t->left, free);
    free(t);
}

void
model_free(struct model **mp)
{
    struct model *m = *mp;
    if (!m)
        return;
    vec_clear(&m->tasks, task_free_v);
    vec_clear(&m->dcs, dc_free);
    vec_clear(&m->clusters, cluster_free);
    vec_clear(&m->hosts, host_free);
    vec_clear(&m->sds, sd_free);
    vec_clear(&m->audit, audit_free_v);
    free(m);
    *mp = NULL;
}

unsigned
model_take_events(struct model *m)
{
    unsigned ev = m->events;
    m->events = 0;
    return ev;
}

struct dc *
model_dc_add(struct model *m, int64_t id, const char *name,
             const char *description)
{
    struct dc *dc = xcalloc(1, sizeof(*dc));
    dc->id = id;
    dc->name = xstrdup(name);
    dc->description = xstrdup(description);
    vec_push(&m->dcs, dc);
    m->events |= MODEL_EV_INVENTORY;
    return dc;
}

struct cluster *
model_cluster_add(struct model *m, int64_t id, int64_t dc_id,
                  const char *name, const char *description)
{
    struct cluster *c = xcalloc(1, sizeof(*c));
    c->id = id;
    c->dc_id = dc_id;
    c->name = xstrdup(name);
    c->description = xstrdup(description);
    vec_push(&m->clusters, c);
    m->events |= MODEL_EV_INVENTORY;
    return c;
}

struct host *
model_host_add(struct model *m, int64_t id, int64_t cluster_id,
               const char *name, const char *uri)
{
    struct host *h = xcalloc(1, sizeof(*h));
    h->id = id;
    h->cluster_id = cluster_id;
    h->name = xstrdup(name);
    h->uri = xstrdup(uri);
    h->state = HOST_CONNECTING;
    h->since = time(NULL);
    h->spm_priority = 5;
    vec_push(&m->hosts, h);
    m->events |= MODEL_EV_INVENTORY;
    return h;
}

struct sd *
model_sd_add(struct model *m, int64_t id, const char *name, enum sd_role role,
             enum sd_backend backend, const char *address, const char *path)
{
    struct sd *sd = xcalloc(1, sizeof(*sd));
    sd->id = id;
    sd->name = xstrdup(name);
    sd->role = role;
    sd->backend = backend;
    sd->address = xstrdup(address);
    sd->path = xstrdup(path);
    vec_push(&m->sds, sd);
    m->events |= MODEL_EV_INVENTORY;
    return sd;
}

void
model_sd_attach(struct sd *sd, int64_t dc_id)
{
    struct sd_att *a;
    if (model_sd_att(sd, dc_id))
        return;
    a = xcalloc(1, sizeof(*a));
    a->dc_id = dc_id;
    a->active = true;
    vec_push(&sd->dc_ids, a);
}

struct sd_att *
model_sd_att(const struct sd *sd, int64_t dc_id)
{
    for (size_t i = 0; i < sd->dc_ids.len; i++) {
        struct sd_att *a = sd->dc_ids.items[i];
        if (a->dc_id == dc_id)
            return a;
    }
    return NULL;
}

static const char *const dc_status_names[] = {
    [DC_UNINITIALIZED] = N_("Uninitialized"),
    [DC_UP] = N_("Up"),
    [DC_NONRESPONSIVE] = N_("NonResponsive"),
};

const char *
dc_status_name(enum dc_status st)
{
    return (unsigned)st < 3 ? dc_status_names[st] : "?";
}

const char *
dc_status_label(enum dc_status st)
{
    return _(dc_status_name(st));
}

/* Find by id in a vector of structs whose first member is int64_t id. */
#define FIND_BY_ID(vecp, type, idv) do { \
        for (size_t i_ = 0; i_ < (vecp)->len; i_++) { \
            type *o_ = (vecp)->items[i_]; \
            if (o_->id == (idv)) \
                return o_; \
        } \
        return NULL; \
    } while (0)

#define FIND_BY_NAME(vecp, type, namev) do { \
        for (size_t i_ = 0; i_ < (vecp)->len; i_++) { \
            type *o_ = (vecp)->items[i_]; \
            if (streq(o_->name, (namev))) \
                return o_; \
        } \
        return NULL; \
    } while (0)

struct dc *
model_dc_by_id(const struct model *m, int64_t id)
{
    FIND_BY_ID(&m->dcs, struct dc, id);
}

struct dc *
model_dc_by_name(const struct model *m, const char *name)
{
    FIND_BY_NAME(&m->dcs, struct dc, name);
}

struct cluster *
model_cluster_by_id(const struct model *m, int64_t id)
{
    FIND_BY_ID(&m->clusters, struct cluster, id);
}

struct cluster *
model_cluster_by_name(const struct model *m, const char *name)
{
    FIND_BY_NAME(&m->clusters, struct cluster, name);
}

struct host *
model_host_by_id(const struct model *m, int64_t id)
{
    FIND_BY_ID(&m->hosts, struct host, id);
}

struct host *
model_host_by_name(const struct model *m, const char *name)
{
    FIND_BY_NAME(&m->hosts, struct host, name);
}

struct sd *
model_sd_by_name(const struct model *m, const char *name)
{
    FIND_BY_NAME(&m->sds, struct sd, name);
}

struct sd *
model_sd_by_id(const struct model *m, int64_t id)
{
    FIND_BY_ID(&m->sds, struct sd, id);
}

static int
remove_by_id(struct vec *v, int64_t id, void (*fn)(void *))
{
    for (size_t i = 0; i < v->len; i++) {
        if (*(int64_t *)v->items[i] == id) {
            fn(vec_remove(v, i));
            return 0;
        }
    }
    return -1;
}

int
model_dc_remove(struct model *m, int64_t id)
{
    m->events |= MODEL_EV_INVENTORY;
    return remove_by_id(&m->dcs, id, dc_free);
}

int
model_cluster_remove(struct model *m, int64_t id)
{
    m->events |= MODEL_EV_INVENTORY;
    return remove_by_id(&m->clusters, id, cluster_free);
}

int
model_host_remove(struct model *m, int64_t id)
{
    m->events |= MODEL_EV_INVENTORY | MODEL_EV_VM_LIST;
    return remove_by_id(&m->hosts, id, host_free);
}

struct vm *
model_vm_by_uuid(const struct model *m, const char *uuid)
{
    for (size_t i = 0; i < m->hosts.len; i++) {
        struct vm *vm = model_host_vm(m->hosts.items[i], uuid);
        if (vm)
            return vm;
    }
    return NULL;
}

struct vm *
model_vm_by_name(const struct model *m, const char *name, bool *ambiguous)
{
    struct vm *found = NULL;
    if (ambiguous)
        *ambiguous = false;
    for (size_t i = 0; i < m->hosts.len; i++) {
        struct host *h = m->hosts.items[i];
        for (size_t j = 0; j < h->vms.len; j++) {
            struct vm *vm = h->vms.items[j];
            if (!streq(vm->name, name))
                continue;
            if (found) {
                if (ambiguous)
                    *ambiguous = true;
                return found;
            }
            found = vm;
        }
    }
    return found;
}

void
model_host_set_state(struct model *m, struct host *h, enum host_state st,
                     const char *reason)
{
    if (h->state != st)
        h->since = time(NULL);
    h->state = st;
    free(h->reason);
    h->reason = xstrdup(reason);
    m->events |= MODEL_EV_HOST_STATE;
}

struct vm *
model_host_vm(const struct host *h, const char *uuid)
{
    return hmap_get(&h->vm_by_uuid, uuid);
}

struct vm *
model_vm_get(struct model *m, struct host *h, const char *uuid,
             const char *name, bool *created)
{
    struct vm *vm = hmap_get(&h->vm_by_uuid, uuid);

    if (created)
        *created = false;
    if (vm) {
        if (name && !streq(vm->name, name)) {
            free(vm->name);
            vm->name = xstrdup(name);
            m->events |= MODEL_EV_VM_LIST;
        }
        return vm;
    }
    vm = xcalloc(1, sizeof(*vm));
    snprintf(vm->uuid, sizeof(vm->uuid), "%s", uuid);
    vm->name = xstrdup(name ? name : uuid);
    vm->host_id = h->id;
    vm->state = VM_UNKNOWN;
    vm->gfx_port = -1;
    h->vm_by_uuid.borrow = true;    /* the key is vm->uuid */
    hmap_put(&h->vm_by_uuid, vm->uuid, vm);
    vec_push(&h->vms, vm);
    m->events |= MODEL_EV_VM_LIST;
    if (created)
        *created = true;
    return vm;
}

struct vm *
model_vm_get_at(struct model *m, struct host *h, size_t pos,
                const char *uuid, const char *name)
{
    struct vm *vm = pos < h->vms.len ? h->vms.items[pos] : NULL;

    if (!vm || !streq(vm->uuid, uuid))
        return model_vm_get(m, h, uuid, name, NULL);
    if (name && !streq(vm->name, name)) {
        free(vm->name);
        vm->name = xstrdup(name);
        m->events |= MODEL_EV_VM_LIST;
    }
    return vm;
}

void
model_vm_remove(struct model *m, struct host *h, const char *uuid)
{
    struct vm *vm = hmap_del(&h->vm_by_uuid, uuid);
    if (!vm)
        return;
    vec_remove_item(&h->vms, vm);
    vm_free(vm);
    m->events |= MODEL_EV_VM_LIST;
}

void
model_host_clear_vms(struct model *m, struct host *h)
{
    if (!h->vms.len)
        return;
    vec_clear(&h->vms, vm_free);
    hmap_clear(&h->vm_by_uuid);
    m->events |= MODEL_EV_VM_LIST;
}

const char *
vm_device_next(const struct vm *vm, const char *prev)
{
    const char *d = prev ? prev + strlen(prev) + 1 : vm->devices;
    return d && *d ? d : NULL;
}

void
model_vm_set_devices(struct vm *vm, char *const *list)
{
    size_t len = 1;
    char *p;

    free(vm->devices);
    vm->devices = NULL;
    for (size_t i = 0; list && list[i]; i++)
        len += strlen(list[i]) + 1;
    if (len == 1)
        return;
    p = vm->devices = xmalloc(len);
    for (size_t i = 0; list[i]; i++) {
        size_t n = strlen(list[i]);
        if (!n)
            continue;       /* an empty line would end the list */
        memcpy(p, list[i], n + 1);
        p += n + 1;
    }
    *p = '\0';
}

const char *
model_intern(const char *s)
{
    static struct vec pool;     /* char *, for the process's lifetime */

    if (!s)
        return NULL;
    for (size_t i = 0; i < pool.len; i++) {
        if (streq(pool.items[i], s))
            return pool.items[i];
    }
    vec_push(&pool, xstrdup(s));
    return pool.items[pool.len - 1];
}

void
model_vm_set_state(struct model *m, struct vm *vm, enum vm_state st, int reason)
{
    if (vm->state == st && vm->state_reason == reason)
        return;
    if (st == VM_RUNNING && vm->state != VM_RUNNING && vm->state != VM_PAUSED &&
        vm->state != VM_BLOCKED)
        vm->started = vm->state == VM_UNKNOWN ? 0 : time(NULL);
    if (st == VM_SHUTOFF || st == VM_CRASHED)
        vm->started = 0;
    vm->state = st;
    vm->state_reason = reason;
    m->events |= MODEL_EV_VM_STATE;
}

void
model_audit_push(struct model *m, const struct audit *a)
{
    struct audit *c = xcalloc(1, sizeof(*c));
    c->id = a->id;
    c->time = a->time;
    c->user = xstrdup(a->user);
    c->object = xstrdup(a->object);
    c->action = xstrdup(a->action);
    c->result = xstrdup(a->result);
    c->message = xstrdup(a->message);
    if (m->audit.len >= MODEL_AUDIT_MAX)
        audit_free(vec_remove(&m->audit, 0));
    vec_push(&m->audit, c);
    m->events |= MODEL_EV_AUDIT;
}

void
model_count(const struct model *m, struct model_counts *c)
{
    memset(c, 0, sizeof(*c));
    c->dcs = m->dcs.len;
    for (size_t i = 0; i < m->hosts.len; i++) {
        struct host *h = m->hosts.items[i];
        c->hosts++;
        if (h->state == HOST_UP)
            c->hosts_up++;
        for (size_t j = 0; j < h->vms.len; j++) {
            struct vm *vm = h->vms.items[j];
            c->vms++;
            if (vm->state == VM_RUNNING || vm->state == VM_BLOCKED)
                c->vms_running++;
        }
    }
}

static const char *const host_state_names[] = {
    [HOST_CONNECTING] = N_("Connecting"),
    [HOST_UP] = N_("Up"),
    [HOST_NONRESPONSIVE] = N_("NonResponsive"),
    [HOST_MAINTENANCE] = N_("Maintenance"),
    [HOST_PREPARING_MAINTENANCE] = N_("PreparingForMaintenance"),
};

static const char *const vm_state_names[] = {
    [VM_UNKNOWN] = N_("unknown"),
    [VM_RUNNING] = N_("running"),
    [VM_BLOCKED] = N_("blocked"),
    [VM_PAUSED] = N_("paused"),
    [VM_SHUTTING_DOWN] = N_("shutting down"),
    [VM_SHUTOFF] = N_("shut off"),
    [VM_CRASHED] = N_("crashed"),
    [VM_PMSUSPENDED] = N_("suspended"),
};

const char *
host_state_name(enum host_state st)
{
    return (unsigned)st < sizeof(host_state_names) / sizeof(*host_state_names)
           ? host_state_names[st] : "?";
}

const char *
host_state_label(enum host_state st)
{
    return _(host_state_name(st));
}

const char *
vm_state_name(enum vm_state st)
{
    return (unsigned)st < sizeof(vm_state_names) / sizeof(*vm_state_names)
           ? vm_state_names[st] : "?";
}

const char *
vm_state_label(enum vm_state st)
{
    return _(vm_state_name(st));
}

static const char *const sd_role_names[] = { "data", "iso", "export" };
static const char *const sd_backend_names[] = { "nfs", "iscsi" };

const char *
sd_role_name(enum sd_role r)
{
    return (unsigned)r < 3 ? sd_role_names[r] : "?";
}

const char *
sd_backend_name(enum sd_backend b)
{
    return (unsigned)b < 2 ? sd_backend_names[b] : "?";
}

int
sd_role_parse(const char *s, enum sd_role *out)
{
    for (unsigned i = 0; i < 3; i++) {
        if (streq(s, sd_role_names[i])) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

int
sd_backend_parse(const char *s, enum sd_backend *out)
{
    for (unsigned i = 0; i < 2; i++) {
        if (streq(s, sd_backend_names[i])) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

static int64_t task_next_id = 1;

struct task *
task_new_loaded(void)
{
    struct task *t = xcalloc(1, sizeof(*t));
    t->percent = -1;
    t->saved_percent = -1;
    return t;
}

struct task *
model_task_new(struct model *m, enum task_kind kind, const char *object)
{
    struct task *t = task_new_loaded();

    t->kind = kind;
    t->state = TASK_RUNNING;
    t->object = xstrdup(object);
    t->started = time(NULL);
    t->owner_pid = (int)getpid();
    model_task_adopt(m, t);
    return t;
}

void
model_task_adopt(struct model *m, struct task *t)
{
    t->id = task_next_id++;
    if (m->tasks.len >= MODEL_TASKS_MAX) {
        for (size_t i = 0; i < m->tasks.len; i++) {
            struct task *o = m->tasks.items[i];
            if (o->state != TASK_RUNNING) {
                task_free(vec_remove(&m->tasks, i));
                break;
            }
        }
    }
    vec_push(&m->tasks, t);
    m->events |= MODEL_EV_TASKS;
}

struct task *
model_task_by_id(const struct model *m, int64_t id)
{
    FIND_BY_ID(&m->tasks, struct task, id);
}

void
model_task_end(struct model *m, struct task *t, enum task_state st,
               const char *message)
{
    t->state = st;
    t->ended = time(NULL);
    free(t->message);
    t->message = xstrdup(message);
    m->events |= MODEL_EV_TASKS;
    if (m->task_hook)
        m->task_hook(m->task_hook_opaque, t);
}

unsigned
model_tasks_running(const struct model *m)
{
    unsigned n = 0;
    for (size_t i = 0; i < m->tasks.len; i++)
        n += ((struct task *)m->tasks.items[i])->state == TASK_RUNNING;
    return n;
}

static const char *const task_state_names[] = {
    [TASK_RUNNING] = N_("running"),
    [TASK_DONE] = N_("done"),
    [TASK_FAILED] = N_("failed"),
    [TASK_CANCELLED] = N_("cancelled"),
    [TASK_INTERRUPTED] = N_("interrupted"),
};

const char *
task_state_name(enum task_state st)
{
    return (unsigned)st <= TASK_INTERRUPTED ? task_state_names[st] : "?";
}

static const char *const task_kind_names[] = {
    [TASK_MIGRATE] = N_("migration"),
    [TASK_EVACUATE] = N_("evacuation"),
    [TASK_HA_RESTART] = N_("HA restart"),
    [TASK_VM_CREATE] = N_("VM create"),
    [TASK_ISO_UPLOAD] = N_("ISO upload"),
};

const char *
task_kind_name(enum task_kind k)
{
    return (unsigned)k <= TASK_KIND_LAST ? task_kind_names[k] : "?";
}

static const char *const task_kind_keys[] = {
    [TASK_MIGRATE] = "migrate",
    [TASK_EVACUATE] = "evacuate",
    [TASK_HA_RESTART] = "ha-restart",
    [TASK_VM_CREATE] = "vm-create",
    [TASK_ISO_UPLOAD] = "iso-upload",
};

static const char *const task_state_keys[] = {
    [TASK_RUNNING] = "running",
    [TASK_DONE] = "done",
    [TASK_FAILED] = "failed",
    [TASK_CANCELLED] = "cancelled",
    [TASK_INTERRUPTED] = "interrupted",
};

const char *
task_kind_key(enum task_kind k)
{
    return (unsigned)k <= TASK_KIND_LAST ? task_kind_keys[k] : "?";
}

int
task_kind_parse(const char *s, enum task_kind *out)
{
    for (unsigned i = 0; s && i <= TASK_KIND_LAST; i++) {
        if (streq(s, task_kind_keys[i])) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

int
task_state_parse(const char *s, enum task_state *out)
{
    for (unsigned i = 0; s && i <= TASK_INTERRUPTED; i++) {
        if (streq(s, task_state_keys[i])) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

/* Tabs and newlines separate items and their fields: keep them out of
 * the values (names are checked elsewhere; this is belt and braces). */
static void
left_put(struct strbuf *b, const char *v)
{
    for (; v && *v; v++)
        sb_addc(b, *v == '\t' || *v == '\n' ? ' ' : *v);
}

/* Record one thing the task may leave behind (copied). */
void
task_left_add(struct task *t, const char *type, const char *a, const char *b)
{
    struct strbuf sb = { 0 };

    sb_add(&sb, type);
    sb_addc(&sb, '\t');
    left_put(&sb, a);
    sb_addc(&sb, '\t');
    /* b may carry its own tab (migration: source and destination) */
    for (const char *p = b; p && *p; p++)
        sb_addc(&sb, *p == '\n' ? ' ' : *p);
    vec_push(&t->left, xstrdup(sb_str(&sb)));
    sb_free(&sb);
}

char *
task_left_join(const struct task *t)
{
    struct strbuf sb = { 0 };
    char *r;

    for (size_t i = 0; i < t->left.len; i++) {
        if (i)
            sb_addc(&sb, '\n');
        sb_add(&sb, t->left.items[i]);
    }
    r = xstrdup(sb_str(&sb));
    sb_free(&sb);
    return r;
}

void
task_left_split(struct task *t, const char *text)
{
    const char *p = text;

    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n)
            vec_push(&t->left, xstrndup(p, n));
        p = nl ? nl + 1 : NULL;
    }
}

/* Split "TYPE\tA\tB[\tC]" into at most 4 fields (copies in f[]). */
static void
left_fields(const char *item, char *f[4])
{
    const char *p = item;

    for (int i = 0; i < 4; i++) {
        const char *tab = p ? strchr(p, '\t') : NULL;
        if (!p) {
            f[i] = xstrdup("");
            continue;
        }
        f[i] = tab && i < 3 ? xstrndup(p, (size_t)(tab - p)) : xstrdup(p);
        p = tab && i < 3 ? tab + 1 : NULL;
    }
}

char *
task_left_describe(const char *item)
{
    char *f[4], *r;

    left_fields(item, f);
    if (streq(f[0], TASK_LEFT_DOMAIN))
        r = xasprintf(_("domain '%s' may be defined on host '%s': check "
                        "'virsh dominfo %s' there and undefine it if the VM "
                        "is not wanted"), f[1], f[2], f[1]);
    else if (streq(f[0], TASK_LEFT_VOLUME))
        r = xasprintf(_("disk volume '%s' may exist on host '%s': check "
                        "'virsh vol-list' of its pool there and delete it "
                        "if no VM uses it"), f[1], f[2]);
    else if (streq(f[0], TASK_LEFT_MIGRATION))
        r = xasprintf(_("VM '%s' may run on host '%s' or on host '%s', or "
                        "be paused on either: check 'virsh list --all' and "
                        "'virsh domjobinfo %s' on both; it must run on "
                        "exactly one"), f[1], f[2], f[3], f[1]);
    else if (streq(f[0], TASK_LEFT_FILE))
        r = xasprintf(_("a partial file '%s' may remain on '%s': the next "
                        "upload of the same name replaces it, or remove "
                        "it there"), f[1], f[2]);
    else if (streq(f[0], TASK_LEFT_DISK))
        r = xasprintf(_("the new disk file '%s' may remain on '%s': check "
                        "that no VM uses it ('virsh domblklist' on the "
                        "hosts), then remove it there"), f[1], f[2]);
    else
        r = xasprintf("%s %s %s", f[0], f[1], f[2]);
    for (int i = 0; i < 4; i++)
        free(f[i]);
    return r;
}
