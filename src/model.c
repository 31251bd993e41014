/* model.c: the in-memory inventory and VMs (see model.h).  Plain C data,
 * touched only by the main thread; every change sets an event bit. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "util/i18n.h"
#include "util/mem.h"

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
    free(vm->os_type);
    free(vm->graphics);
    free(vm->gfx_listen);
    free(vm->ha_xml);
    vec_clear(&vm->devices, free);
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
task_free(void *p)
{
    struct task *t = p;
    free(t->object);
    free(t->where);
    free(t->message);
    free(t);
}

void
model_free(struct model **mp)
{
    struct model *m = *mp;
    if (!m)
        return;
    vec_clear(&m->tasks, task_free);
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
    hmap_put(&h->vm_by_uuid, vm->uuid, vm);
    vec_push(&h->vms, vm);
    m->events |= MODEL_EV_VM_LIST;
    if (created)
        *created = true;
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

struct task *
model_task_new(struct model *m, enum task_kind kind, const char *object)
{
    static int64_t next_id = 1;
    struct task *t = xcalloc(1, sizeof(*t));

    t->id = next_id++;
    t->kind = kind;
    t->state = TASK_RUNNING;
    t->object = xstrdup(object);
    t->started = time(NULL);
    t->percent = -1;
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
    return t;
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
    return (unsigned)st < 5 ? task_state_names[st] : "?";
}

static const char *const task_kind_names[] = {
    [TASK_MIGRATE] = N_("migration"),
    [TASK_EVACUATE] = N_("evacuation"),
    [TASK_HA_RESTART] = N_("HA restart"),
    [TASK_ISO_UPLOAD] = N_("ISO upload"),
};

const char *
task_kind_name(enum task_kind k)
{
    return (unsigned)k < 4 ? task_kind_names[k] : "?";
}
