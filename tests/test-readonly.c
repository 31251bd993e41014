/* test-readonly.c: observers and the audit log, on libvirt's test driver.
 *
 * An engine opened ENGINE_READONLY refuses every entry point that changes
 * something, before doing anything, with a "read-only:" message; nothing
 * changes on the host or in the database; its libvirt connections are
 * read-only, so even a change sent to the backend directly is refused by
 * libvirt.  An engine that writes records who did what: the unix user and
 * the SSH client address, for each action.
 *
 * `test-readonly --list-cli` prints the command line's table ("KIND VERB
 * change|read" per line) for tests/cli-readonly.sh. */
#include <config.h>
#include <locale.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/cli.h"
#include "src/conf.h"
#include "src/domxml.h"
#include "src/engine.h"
#include "src/jobs.h"
#include "src/loop.h"
#include "src/migrate.h"
#include "src/model.h"
#include "src/store.h"
#include "src/util/err.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/virt.h"
#include "src/vmspec.h"
#include "tests/tap.h"

static int op_ok = -2;
static char op_msg[512];

static void
on_op(void *opaque, int okv, const char *message)
{
    op_ok = okv;
    snprintf(op_msg, sizeof(op_msg), "%s", message);
}

static void
expire(void *opaque)
{
    *(int *)opaque = 1;
}

struct waiter {
    int (*cond)(void *);
    void *arg;
    int expired;
};

static int
waiter_done(void *opaque)
{
    struct waiter *w = opaque;
    return w->expired || w->cond(w->arg);
}

static int
wait_for(int (*cond)(void *), void *arg, double seconds)
{
    struct waiter w = { cond, arg, 0 };
    int t = loop_add_timer((int)(seconds * 1000), expire, &w.expired);
    loop_run(waiter_done, &w);
    loop_remove_timer(t);
    return cond(arg);
}

static int
settled(void *arg)
{
    return engine_settled(arg);
}

static int
idle(void *arg)
{
    return engine_busy(arg) == 0;
}

static int
op_done(void *arg)
{
    return op_ok != -2;
}

static int
never(void *arg)
{
    return 0;
}

/* The VMs of the model, "name=state" sorted by host order. */
static char *
vm_states(struct model *m)
{
    struct strbuf b = { 0 };
    for (size_t i = 0; i < m->hosts.len; i++) {
        struct host *h = m->hosts.items[i];
        for (size_t j = 0; j < h->vms.len; j++) {
            struct vm *vm = h->vms.items[j];
            sb_addf(&b, "%s=%d/%d,%d;", vm->name, (int)vm->state,
                    vm->vcpus, vm->ha);
        }
    }
    return sb_steal(&b);
}

/* The database file's bytes (and its WAL's), to see that nothing wrote. */
static char *
file_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    struct strbuf b = { 0 };
    char buf[4096];
    size_t k;

    *n = 0;
    if (!f)
        return xstrdup("");
    while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
        sb_addn(&b, buf, k);
    fclose(f);
    *n = b.len;
    return sb_steal(&b);
}

static void
count_audit(struct audit *a, void *opaque)
{
    (*(int *)opaque)++;
    audit_free(a);
}

static int
stored_audit(const char *db)
{
    struct store *s = store_open(db, STORE_READONLY);
    int n = 0;
    if (!s || store_audit_list(s, 0, 0, count_audit, &n) < 0)
        n = -1;
    store_free(&s);
    return n;
}

static bool
refused(int rc)
{
    return rc < 0 && strncmp(err_msg(), "read-only:", 10) == 0;
}

/* An inventory with one test-driver host, one storage domain attached. */
static void
make_inventory(const struct config *cfg, const char *db, const char *node)
{
    struct engine *e = engine_open(cfg, db, ENGINE_WRITE);
    char *uri = xasprintf("test://%s", node);

    ok(e != NULL, "inventory created");
    engine_dc_add(e, "dc1", NULL);
    engine_cluster_add(e, "c1", "dc1", NULL);
    engine_host_add(e, "h1", uri, "c1");
    engine_sd_add(e, "data1", SD_DATA, SD_NFS, "127.0.0.1", "/x", NULL, NULL);
    engine_sd_attach(e, "data1", "dc1");
    engine_sd_add(e, "spare", SD_ISO, SD_NFS, "127.0.0.1", "/y", NULL, NULL);
    ok(model_sd_by_name(engine_model(e), "spare") != NULL,
       "inventory has a host and storage domains");
    engine_free(&e);
    free(uri);
}

/* Every entry point of engine.h that changes something; each must refuse
 * an observer.  Returns how many did not. */
static void
test_observer(const struct config *cfg, const char *db)
{
    struct engine *e = engine_open(cfg, db, ENGINE_READONLY);
    struct model *m;
    struct vm *running = NULL, *off = NULL;
    char *before, *after, *bytes_before, *bytes_after;
    size_t nb, na;
    int audit_before = stored_audit(db);
    struct vm_spec spec;
    struct vm_edit ed = { .set_vcpus = true, .vcpus = 1, .set_ha = true,
                          .ha = true };
    struct migrate_opts mo = { .bandwidth_mibs = 5 };
    int64_t task = 0;
    int n = 0, refusals = 0;

    ok(e && engine_is_readonly(e), "ENGINE_READONLY opens an observer");
    if (!e)
        return;
    m = engine_model(e);
    engine_start(e);
    ok(wait_for(settled, e, 15), "the observer connects its host");
    for (size_t i = 0; i < m->hosts.len; i++) {
        struct host *h = m->hosts.items[i];
        for (size_t j = 0; j < h->vms.len; j++) {
            struct vm *vm = h->vms.items[j];
            if (vm->state == VM_RUNNING && !running)
                running = vm;
            if (vm->state == VM_SHUTOFF && !off)
                off = vm;
        }
    }
    ok(running && off, "it sees a running and a shut-off VM");
    if (!running || !off) {
        engine_free(&e);
        return;
    }
    before = vm_states(m);
    bytes_before = file_bytes(db, &nb);

#define REFUSE(call, what)                                                  \
    do {                                                                    \
        int rc_ = (call);                                                   \
        n++;                                                                \
        refusals += refused(rc_);                                           \
        ok(refused(rc_), "read-only refuses %s: %s", what, err_msg());      \
    } while (0)

    REFUSE(engine_dc_add(e, "dc2", NULL), "dc-add");
    REFUSE(engine_dc_edit(e, "dc1", "dc9", "x"), "dc-edit");
    REFUSE(engine_dc_remove(e, "dc1"), "dc-remove");
    REFUSE(engine_cluster_add(e, "c2", "dc1", NULL), "cluster-add");
    REFUSE(engine_cluster_edit(e, "c1", "c9", "dc1", "x"), "cluster-edit");
    REFUSE(engine_cluster_remove(e, "c1"), "cluster-remove");
    REFUSE(engine_cluster_set_migration(e, "c1", &mo), "cluster-migration");
    REFUSE(engine_host_add(e, "h2", "test:///default", "c1"), "host-add");
    REFUSE(engine_host_edit(e, "h1", "h9", "test:///default", "c1"),
           "host-edit");
    REFUSE(engine_host_remove(e, "h1"), "host-remove");
    for (int op = 0; op < VM_OP__COUNT; op++) {
        struct vm *vm = op == VM_OP_START || op == VM_OP_UNDEFINE ? off
                                                                  : running;
        REFUSE(engine_vm_op(e, vm->uuid, op, on_op, NULL), vm_op_name(op));
    }
    vm_spec_init(&spec);
    spec.name = xstrdup("new-vm");
    spec.cluster = xstrdup("c1");
    spec.vcpus = 1;
    spec.mem_mib = 64;
    REFUSE(engine_vm_create(e, &spec, on_op, NULL), "vm-create");
    vm_spec_clear(&spec);
    REFUSE(engine_vm_edit(e, off->uuid, &ed, on_op, NULL), "vm-edit");
    REFUSE(engine_vm_delete(e, off->uuid, true, on_op, NULL), "vm-delete");
    REFUSE(engine_vm_migrate(e, running->uuid, NULL, NULL, on_op, NULL,
                             &task), "vm-migrate");
    REFUSE(engine_task_cancel(e, 1), "task-cancel");
    REFUSE(engine_host_maintenance(e, "h1", on_op, NULL), "host-maintenance");
    REFUSE(engine_host_activate(e, "h1"), "host-activate");
    REFUSE(engine_host_confirm_rebooted(e, "h1"), "host-confirm-rebooted");
    REFUSE(engine_host_set_spm_priority(e, "h1", 3), "host-spm-priority");
    REFUSE(engine_sd_attach(e, "spare", "dc1"), "storage-attach");
    REFUSE(engine_sd_maintenance(e, "data1", "dc1"), "storage-maintenance");
    REFUSE(engine_sd_activate(e, "data1", "dc1"), "storage-activate");
    REFUSE(engine_sd_detach(e, "data1", "dc1"), "storage-detach");
    REFUSE(engine_sd_remove(e, "spare"), "storage-remove");
    REFUSE(engine_sd_add(e, "sd3", SD_ISO, SD_NFS, "127.0.0.1", "/z", NULL,
                         NULL), "storage-add");
    REFUSE(engine_check_write(e, "iso1", "iso-upload"), "a caller's own check");
#undef REFUSE
    is_int(refusals, n, "all %d changing entry points refuse", n);
    ok(strstr(err_msg(), "--read-only") != NULL,
       "the message says what to do: %s", err_msg());

    /* whatever was queued would have finished by now */
    wait_for(idle, e, 5);
    wait_for(never, NULL, 0.3);
    virt_refresh(engine_virt(e));
    wait_for(idle, e, 5);
    after = vm_states(m);
    is_str(after, before, "no VM changed on the host");
    ok(op_ok == -2, "no operation ran");
    ok(model_dc_by_name(m, "dc1") && !model_dc_by_name(m, "dc2") &&
       model_sd_by_name(m, "spare") && model_host_by_name(m, "h1"),
       "the model's inventory is as it was");
    {
        struct sd *sd = model_sd_by_name(m, "data1");
        struct dc *dc = model_dc_by_name(m, "dc1");
        struct sd_att *a = sd && dc ? model_sd_att(sd, dc->id) : NULL;
        ok(a && a->active, "the data domain is still active in dc1");
    }

    /* Defence in depth: the backend's connection itself is read-only, so
     * libvirt refuses a change even when the engine is bypassed. */
    op_ok = -2;
    ok(virt_vm_op(engine_virt(e), running->uuid, VM_OP_DESTROY, on_op,
                  NULL) == 0, "a destroy sent straight to the backend is queued");
    ok(wait_for(op_done, NULL, 10) && op_ok == 0,
       "and libvirt refuses it on the read-only connection: %s", op_msg);
    ok(strstr(op_msg, "read only") || strstr(op_msg, "read-only"),
       "libvirt says read-only");
    virt_refresh(engine_virt(e));
    wait_for(idle, e, 5);
    free(after);
    after = vm_states(m);
    is_str(after, before, "the VM still runs");

    /* the observer's refusals and what it saw stay in its own events */
    {
        bool info = false;
        unsigned denied = 0;
        for (size_t i = 0; i < m->audit.len; i++) {
            struct audit *a = m->audit.items[i];
            if (streq(a->action, "read-only"))
                info = true;
            if (streq(a->result, "failed") &&
                strstr(a->message, "read-only:") == a->message)
                denied++;
        }
        ok(info, "the events say the console is read-only and runs no HA");
        ok(denied >= (unsigned)n, "each refusal is an event (%u)", denied);
    }
    engine_free(&e);
    bytes_after = file_bytes(db, &na);
    ok(na == nb && memcmp(bytes_before, bytes_after, nb) == 0,
       "the database file is byte for byte the same");
    is_int(stored_audit(db), audit_before,
           "and its audit log has no new entry");
    free(before);
    free(after);
    free(bytes_before);
    free(bytes_after);
}

struct want {
    const char *object, *action, *result;
    bool seen;
};

static struct want wants[] = {
    { "dc2", "dc-add", "ok", false },
    { "c2", "cluster-add", "ok", false },
    { "c2", "cluster-migration", "ok", false },
    { "h2", "host-add", "ok", false },
    { "h2", "host-spm-priority", "ok", false },
    { NULL, "destroy", "ok", false },           /* object: the VM */
    { NULL, "start", "ok", false },
    { NULL, "vm-edit", "ok", false },
    { "spare", "storage-attach", "ok", false },
    { "spare", "storage-maintenance", "ok", false },
    { "spare", "storage-detach", "ok", false },
    { "spare", "storage-remove", "ok", false },
    { "h1", "host-confirm-rebooted", "failed", false },
    { "h1", "host-activate", "failed", false },
    { "h2", "host-remove", "failed", false },    /* it runs a VM */
    { "dc2", "dc-remove", "failed", false },
};

struct audit_ctx {
    const char *user;
    const char *vm;         /* owned */
};

static void
check_entry(struct audit *a, void *opaque)
{
    struct audit_ctx *c = opaque;
    for (size_t i = 0; i < sizeof(wants) / sizeof(*wants); i++) {
        struct want *w = &wants[i];
        const char *obj = w->object ? w->object : c->vm;
        if (streq(a->action, w->action) && streq(a->object, obj) &&
            streq(a->result, w->result) && streq(a->user, c->user))
            w->seen = true;
    }
    audit_free(a);
}

/* Normal mode: every action leaves an entry naming the user. */
static void
test_audit(const struct config *cfg, const char *db)
{
    struct engine *e;
    struct model *m;
    struct vm *vm = NULL;
    struct passwd *pw = getpwuid(getuid());
    const char *login = getlogin();
    struct migrate_opts mo = { .bandwidth_mibs = 7 };
    struct vm_edit ed = { .set_ha = true, .ha = true };
    struct audit_ctx c = { 0 };
    struct store *s;
    char *user;

    setenv("SSH_CONNECTION", "192.0.2.7 50022 192.0.2.1 22", 1);
    if (login && pw && !streq(login, pw->pw_name))
        user = xasprintf("%s(%s)@192.0.2.7", pw->pw_name, login);
    else
        user = xasprintf("%s@192.0.2.7", pw ? pw->pw_name : "?");
    e = engine_open(cfg, db, ENGINE_WRITE);
    unsetenv("SSH_CONNECTION");
    ok(e != NULL, "the inventory opens for writing");
    if (!e) {
        free(user);
        return;
    }
    is_str(engine_user(e), user, "the user is the unix user and SSH address");
    m = engine_model(e);
    engine_start(e);
    wait_for(settled, e, 15);
    for (size_t i = 0; i < m->hosts.len && !vm; i++) {
        struct host *h = m->hosts.items[i];
        for (size_t j = 0; j < h->vms.len && !vm; j++) {
            if (((struct vm *)h->vms.items[j])->state == VM_RUNNING)
                vm = h->vms.items[j];
        }
    }
    ok(vm != NULL, "a running VM to act on");
    if (!vm) {
        engine_free(&e);
        free(user);
        return;
    }
    c.vm = xstrdup(vm->name);
    engine_dc_add(e, "dc2", NULL);
    engine_cluster_add(e, "c2", "dc2", NULL);
    engine_cluster_set_migration(e, "c2", &mo);
    engine_host_add(e, "h2", "test:///default", "c2");
    engine_host_set_spm_priority(e, "h2", 4);
    op_ok = -2;
    engine_vm_op(e, vm->uuid, VM_OP_DESTROY, on_op, NULL);
    wait_for(op_done, NULL, 10);
    op_ok = -2;
    engine_vm_op(e, vm->uuid, VM_OP_START, on_op, NULL);
    wait_for(op_done, NULL, 10);
    op_ok = -2;
    engine_vm_edit(e, vm->uuid, &ed, on_op, NULL);
    wait_for(op_done, NULL, 10);
    engine_sd_attach(e, "spare", "dc1");
    engine_sd_maintenance(e, "spare", "dc1");
    engine_sd_detach(e, "spare", "dc1");
    engine_sd_remove(e, "spare");
    engine_host_confirm_rebooted(e, "h1");      /* refused: it is Up */
    engine_host_activate(e, "h1");              /* refused: not in maintenance */
    wait_for(settled, e, 15);
    engine_host_remove(e, "h2");
    engine_dc_remove(e, "dc2");                 /* refused: it has a cluster */
    wait_for(idle, e, 5);
    engine_free(&e);

    c.user = user;
    s = store_open(db, STORE_READONLY);
    ok(s && store_audit_list(s, 0, 0, check_entry, &c) == 0,
       "the audit log reads back");
    store_free(&s);
    for (size_t i = 0; i < sizeof(wants) / sizeof(*wants); i++)
        ok(wants[i].seen, "the audit log has %s %s %s by %s",
           wants[i].object ? wants[i].object : c.vm, wants[i].action,
           wants[i].result, user);
    free((char *)c.vm);
    free(user);
}

int
main(int argc, char **argv)
{
    struct config *cfg;
    char *db, *node;
    const char *datadir = getenv("VIRTDECK_DATADIR");

    setlocale(LC_ALL, "C.UTF-8");
    if (argc > 1 && streq(argv[1], "--list-cli")) {
        size_t n;
        const struct cli_command *c = cli_commands(&n);
        for (size_t i = 0; i < n; i++)
            printf("%s %s %s\n", c[i].kind, c[i].verb ? c[i].verb : "-",
                   c[i].changes ? "change" : "read");
        return 0;
    }
    unsetenv("SSH_CONNECTION");
    unsetenv("SSH_CLIENT");
    if (loop_init() < 0 || virt_global_init() < 0 || jobs_init() < 0) {
        printf("Bail out! %s\n", err_msg());
        return 1;
    }
    cfg = config_new();
    db = xasprintf("%s/inv.db", tap_tmpdir());
    node = xasprintf("%s/demo/host1.xml", datadir ? datadir : "data");
    if (node[0] != '/') {
        char cwd[4096];
        char *abs = xasprintf("%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : ".",
                              node);
        free(node);
        node = abs;
    }
    make_inventory(cfg, db, node);
    test_observer(cfg, db);
    test_audit(cfg, db);
    free(db);
    free(node);
    config_free(&cfg);
    jobs_shutdown();
    return tap_done();
}
