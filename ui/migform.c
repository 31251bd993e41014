/* migform.c: the live-migration form (see migform.h).
 *
 * Two kinds of fields, as in the VM forms: numbers that libform edits,
 * and choices (destination, yes/no, the timeout action) that Space and
 * the arrows cycle and the first letters select, whose libform field only
 * displays the choice.  The values live in the form's own array and
 * survive a rebuild (a resize); the VMs are held by UUID.  Above the
 * fields, the VMs and the hosts they can go to, with their free memory,
 * follow the model while the form is open.
 *
 * Checks reuse the engine's: the numbers go through migrate_opts_check()
 * and the destination through the engine's own sentences, so the form
 * and the engine agree.  A VM whose disks are local migrates only with
 * storage copy: the form says so, and the engine's refusal comes back
 * through the task if the operator goes on. */
#include <config.h>
#include <form.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/formkit.h"
#include "ui/migform.h"
#include "ui/scr_list.h"
#include "src/engine.h"
#include "src/migrate.h"
#include "src/model.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"
#include "src/util/vec.h"

enum mf_id {
    MF_DEST,
    MF_BANDWIDTH,
    MF_DOWNTIME,
    MF_AUTOCONV,
    MF_POSTCOPY,
    MF_COPY,
    MF_TIMEOUT,
    MF_ACTION,
    MF_SAVE,
    MF__COUNT
};

struct mfield {
    const char *label;      /* N_() */
    bool choice;
};

/* Indexed by enum mf_id. */
static const struct mfield fields[MF__COUNT] = {
    [MF_DEST] = { N_("Destination"), true },
    [MF_BANDWIDTH] = { N_("Bandwidth (MiB/s)"), false },
    [MF_DOWNTIME] = { N_("Max downtime (ms)"), false },
    [MF_AUTOCONV] = { N_("Auto-converge"), true },
    [MF_POSTCOPY] = { N_("Post-copy"), true },
    [MF_COPY] = { N_("Copy storage"), true },
    [MF_TIMEOUT] = { N_("Timeout (s)"), false },
    [MF_ACTION] = { N_("On timeout"), true },
    [MF_SAVE] = { N_("Save as defaults"), true },
};

#define FIELD_MAX 64            /* bytes a number field takes */
#define INFO_ROWS 4             /* the VMs, then their destinations */
#define MSG_ROWS 3

struct mform {
    struct vec uuids;           /* char *: the VMs to migrate */
    bool from_marks;
    int64_t cluster_id;         /* their cluster; 0 when several */
    int64_t src_host;           /* one VM: its host */
    char *val[MF__COUNT];       /* choices: the raw value */
    struct formkit k;
};

/* ---- values ---- */

static const char *
mf_get(const struct mform *f, enum mf_id id)
{
    return f->val[id] ? f->val[id] : "";
}

static void
mf_set(struct mform *f, enum mf_id id, const char *v)
{
    free(f->val[id]);
    f->val[id] = xstrdup(v ? v : "");
}

/* A field's refusal in the form's message line; -1. */
#define fail(f, msg) formkit_fail(&(f)->k, "%s", (msg))
#define failf(f, ...) formkit_fail(&(f)->k, __VA_ARGS__)

/* The VMs still there, borrowed until the model changes. */
static struct vm *
mf_vm(struct ui *ui, const struct mform *f, size_t i)
{
    return i < f->uuids.len ? model_vm_by_uuid(ui_model(ui), f->uuids.items[i])
                            : NULL;
}

/* The one VM of the form, or NULL when it has several (or it is gone). */
static struct vm *
single_vm(struct ui *ui, const struct mform *f)
{
    return f->uuids.len == 1 ? mf_vm(ui, f, 0) : NULL;
}

/* The options as typed; fields that do not parse stay at 0. */
static void
mf_opts(const struct mform *f, struct migrate_opts *o)
{
    unsigned long long n;

    memset(o, 0, sizeof(*o));
    if (formkit_parse_num(mf_get(f, MF_BANDWIDTH), ULONG_MAX, &n) == 0)
        o->bandwidth_mibs = (unsigned long)n;
    if (formkit_parse_num(mf_get(f, MF_DOWNTIME), ULLONG_MAX / 10, &n) == 0)
        o->max_downtime_ms = n;
    if (formkit_parse_num(mf_get(f, MF_TIMEOUT), UINT_MAX, &n) == 0)
        o->timeout_s = (unsigned)n;
    o->auto_converge = streq(mf_get(f, MF_AUTOCONV), "yes");
    o->postcopy = streq(mf_get(f, MF_POSTCOPY), "yes");
    o->copy_storage = streq(mf_get(f, MF_COPY), "yes");
    mig_timeout_action_parse(mf_get(f, MF_ACTION), &o->timeout_action);
}

/* ---- choices ---- */

/* Can host h take the form's VMs?  The Up hosts of their cluster, but
 * the one VM's own. */
static bool
dest_ok(const struct mform *f, const struct host *h)
{
    return f->cluster_id && h->cluster_id == f->cluster_id &&
           h->state == HOST_UP && h->id != f->src_host;
}

static void
mf_choices(struct ui *ui, void *owner, int id, struct vec *out)
{
    const struct mform *f = owner;
    struct model *m = ui_model(ui);

    switch (id) {
    case MF_DEST:
        vec_push(out, "");
        for (size_t k = 0; k < m->hosts.len; k++) {
            struct host *h = m->hosts.items[k];
            if (dest_ok(f, h))
                vec_push(out, h->name);
        }
        break;
    case MF_ACTION:
        vec_push(out, "abort");
        vec_push(out, "postcopy");
        vec_push(out, "suspend");
        break;
    case MF_AUTOCONV:
    case MF_POSTCOPY:
    case MF_COPY:
    case MF_SAVE:
        vec_push(out, "no");
        vec_push(out, "yes");
        break;
    default:
        break;
    }
}

/* "28.0G" free on h. */
static void
free_text(const struct host *h, char *buf, size_t len)
{
    text_bytes(buf, len, (double)engine_host_free_kib(h) * 1024);
}

/* What field id shows for the value v.  Owned. */
static char *
mf_display(struct ui *ui, void *owner, int id, const char *v)
{
    const struct mform *f = owner;
    char buf[32];

    switch (id) {
    case MF_DEST: {
        struct vm *vm = single_vm(ui, f);
        struct host *h;
        if (*v) {
            h = model_host_by_name(ui_model(ui), v);
            if (!h)
                return xstrdup(v);
            free_text(h, buf, sizeof(buf));
            return xasprintf(_("%s (%s free)"), h->name, buf);
        }
        if (!vm)
            return xstrdup(_("automatic: the least-loaded Up host with room, "
                             "for each VM"));
        h = engine_pick_migration_target(ui_engine(ui), vm);
        if (!h)
            return xstrdup(_("automatic: no Up host has room"));
        free_text(h, buf, sizeof(buf));
        return xasprintf(_("automatic: %s, %s of memory free"), h->name, buf);
    }
    case MF_ACTION:
        if (streq(v, "postcopy"))
            return xstrdup(_("switch to post-copy"));
        if (streq(v, "suspend"))
            return xstrdup(_("pause the VM"));
        return xstrdup(_("abort"));
    case MF_AUTOCONV:
    case MF_POSTCOPY:
    case MF_COPY:
    case MF_SAVE:
        return xstrdup(streq(v, "yes") ? _("yes") : _("no"));
    default:
        return xstrdup(v);
    }
}

/* Show the value of choice field id in its libform field. */
static void
mf_show(struct ui *ui, struct mform *f, enum mf_id id)
{
    char *d;

    if (!f->k.form || !fields[id].choice)
        return;
    d = mf_display(ui, f, id, mf_get(f, id));
    set_field_buffer(f->k.fields[id], 0, d);
    free(d);
}

static void
mf_show_all(struct ui *ui, void *owner)
{
    for (int i = 0; i < MF__COUNT; i++)
        mf_show(ui, owner, i);
}

static void
mf_choose(struct ui *ui, void *owner, int id, const char *v)
{
    mf_set(owner, id, v);
    mf_show(ui, owner, id);
}

/* ---- checks ---- */

static int
check_dest(struct ui *ui, struct mform *f)
{
    struct model *m = ui_model(ui);
    const char *v = mf_get(f, MF_DEST);
    struct vm *vm = single_vm(ui, f);
    struct host *h;

    if (!*v) {
        /* automatic: for one VM, say now when no host can take it */
        if (vm && !engine_pick_migration_target(ui_engine(ui), vm))
            return fail(f, err_msg());
        return 0;
    }
    h = model_host_by_name(m, v);
    if (!h || h->cluster_id != f->cluster_id) {
        struct cluster *c = model_cluster_by_id(m, f->cluster_id);
        return failf(f, _("Cluster '%s' has no host named '%s'."),
                     c ? c->name : "?", v);
    }
    if (h->state != HOST_UP)
        return failf(f, _("Host '%s' is %s: choose an Up host."), h->name,
                     host_state_label(h->state));
    for (size_t i = 0; i < f->uuids.len; i++) {
        struct vm *x = mf_vm(ui, f, i);
        if (x && x->host_id != h->id &&
            engine_host_free_kib(h) < x->mem_max_kib)
            return failf(f, _("Host '%s' has only %llu MiB free; VM '%s' "
                              "needs %llu MiB."), h->name,
                         (unsigned long long)(engine_host_free_kib(h) / 1024),
                         x->name, (unsigned long long)(x->mem_max_kib / 1024));
    }
    return 0;
}

/* Check field id alone (the timeout action with what it depends on);
 * 0, or -1 with the sentence as message. */
static int
mf_check(struct ui *ui, void *owner, int id)
{
    struct mform *f = owner;
    const char *v = mf_get(f, id);
    struct migrate_opts o;
    unsigned long long n;

    memset(&o, 0, sizeof(o));
    switch (id) {
    case MF_DEST:
        return check_dest(ui, f);
    case MF_BANDWIDTH:
        if (formkit_parse_num(v, ULONG_MAX, &n) < 0)
            return fail(f, _("Type the bandwidth limit in MiB/s, e.g. 100; 0 "
                             "for no limit."));
        o.bandwidth_mibs = (unsigned long)n;
        break;
    case MF_DOWNTIME:
        if (formkit_parse_num(v, ULLONG_MAX / 10, &n) < 0)
            return fail(f, _("Type the maximum downtime in milliseconds, e.g. "
                             "300; 0 for the hypervisor's default."));
        o.max_downtime_ms = n;
        break;
    case MF_TIMEOUT:
        if (formkit_parse_num(v, UINT_MAX, &n) < 0)
            return fail(f, _("Type the timeout in seconds, e.g. 600; 0 for "
                             "none."));
        break;
    case MF_ACTION:
        mf_opts(f, &o);
        break;
    case MF_SAVE:
        if (streq(v, "yes") && !f->cluster_id)
            return fail(f, _("The VMs are in several clusters: save defaults "
                             "from a migration of one cluster's VMs."));
        return 0;
    default:
        return 0;
    }
    if (migrate_opts_check(&o) < 0)
        return fail(f, err_msg());
    return 0;
}

/* ---- layout and painting ---- */

static void
mf_layout(struct ui *ui, struct modal *m)
{
    struct mform *f = m->data;
    /* the title row, the VMs and destinations and a blank row; after the
     * fields a blank row, the message, the keys and the bottom border */
    int top = 1 + INFO_ROWS + 1;
    int overhead = top + 1 + MSG_ROWS + 1 + 1;

    formkit_layout_paged(ui, &f->k, m, top, overhead, FIELD_MAX * 4);
}

/* The first row above the fields: which VMs, from where.  Owned. */
static char *
vms_text(struct ui *ui, const struct mform *f)
{
    struct model *m = ui_model(ui);
    struct vm *vm = single_vm(ui, f);
    struct cluster *c = model_cluster_by_id(m, f->cluster_id);
    struct strbuf b = { 0 };
    size_t shown = 0;

    if (vm) {
        struct host *h = model_host_by_id(m, vm->host_id);
        char mem[16];
        fmt_kib(mem, sizeof(mem), vm->mem_max_kib);
        sb_addf(&b, _("VM '%s' (%s of memory, %s) on host '%s' of cluster "
                      "'%s'."), vm->name, mem, vm_state_label(vm->state),
                h ? h->name : "?", c ? c->name : "?");
        if (vm->local_disks) {
            sb_add(&b, " ");
            sb_add(&b, _("Its disks are local: it moves only with Copy "
                         "storage."));
        }
        return sb_steal(&b);
    }
    sb_addf(&b, ngettext("%zu VM:", "%zu VMs:", f->uuids.len), f->uuids.len);
    for (size_t i = 0; i < f->uuids.len; i++) {
        struct vm *x = mf_vm(ui, f, i);
        if (!x)
            continue;
        if (shown == 6) {
            sb_add(&b, " ");
            sb_addf(&b, _("and %zu more"), f->uuids.len - shown);
            break;
        }
        sb_addf(&b, shown ? ", '%s'" : " '%s'", x->name);
        shown++;
    }
    if (c) {
        sb_add(&b, " ");
        sb_addf(&b, _("(cluster '%s')."), c->name);
    }
    return sb_steal(&b);
}

/* The rows under it: the hosts they can go to, with their free memory.
 * Owned. */
static char *
dests_text(struct ui *ui, const struct mform *f)
{
    struct model *m = ui_model(ui);
    struct cluster *c = model_cluster_by_id(m, f->cluster_id);
    struct strbuf list = { 0 };
    char buf[32], *out;

    if (!c)
        return xstrdup(_("The VMs are in several clusters: each migrates to "
                         "the least-loaded Up host of its own cluster."));
    for (size_t k = 0; k < m->hosts.len; k++) {
        const struct host *h = m->hosts.items[k];
        if (!dest_ok(f, h))
            continue;
        free_text(h, buf, sizeof(buf));
        if (list.len)
            sb_add(&list, ", ");
        sb_addf(&list, _("%s %s free"), h->name, buf);
    }
    if (!list.len)
        out = xasprintf(_("No other host of cluster '%s' is Up: there is "
                          "nowhere to go."), c->name);
    else
        out = xasprintf(_("Destinations in cluster '%s': %s."), c->name,
                        sb_str(&list));
    sb_free(&list);
    return out;
}

/* The help line of field id.  Owned. */
static char *
mf_hint(struct ui *ui, const struct mform *f, enum mf_id id)
{
    struct cluster *c = model_cluster_by_id(ui_model(ui), f->cluster_id);

    switch (id) {
    case MF_DEST:
        return xstrdup(_("Space or arrows choose: automatic takes the "
                         "least-loaded Up host of the cluster with room."));
    case MF_BANDWIDTH:
        return xstrdup(_("The most the migration may send, in MiB/s; 0: no "
                         "limit."));
    case MF_DOWNTIME:
        return xstrdup(_("The longest pause the VM may see when it switches "
                         "hosts, in ms; 0: the hypervisor's default."));
    case MF_AUTOCONV:
        return xstrdup(_("Yes: slow the VM's vCPUs down when its memory "
                         "changes faster than it is copied."));
    case MF_POSTCOPY:
        return xstrdup(_("Yes: the VM may switch to the destination before "
                         "all its memory is there. If the network fails "
                         "then, the VM is lost."));
    case MF_COPY:
        return xstrdup(_("Yes: copy local disks to the destination too (slow); "
                         "needed when they are not on shared storage."));
    case MF_TIMEOUT:
        return xstrdup(_("Seconds before the timeout action; 0: no "
                         "timeout."));
    case MF_ACTION:
        return xstrdup(_("At the timeout: abort (the VM stays), switch to "
                         "post-copy (needs Post-copy), or pause the VM so the "
                         "copy ends."));
    case MF_SAVE:
        if (!c)
            return xstrdup(_("The VMs are in several clusters: there are no "
                             "defaults to save."));
        return xasprintf(_("Yes: these settings become the defaults of "
                           "cluster '%s', used by evacuations and by "
                           "migrations that give none."), c->name);
    default:
        return xstrdup("");
    }
}

static void
mf_paint(struct ui *ui, struct modal *m)
{
    struct mform *f = m->data;
    WINDOW *w = m->win;
    int h = getmaxy(w), cols = getmaxx(w), y;
    int fr = formkit_fields_rows(&f->k);
    int cur = field_index(current_field(f->k.form));
    attr_t base = colors_attr(CE_DIALOG);
    struct vm *vm = single_vm(ui, f);
    char *title, *text;
    int used;

    if (vm)
        title = xasprintf(_("Migrate VM '%s'"), vm->name);
    else
        title = xasprintf(ngettext("Migrate %zu VM", "Migrate %zu VMs",
                                   f->uuids.len), f->uuids.len);
    formkit_paint_frame(&f->k, w, title);
    text = vms_text(ui, f);
    used = draw_wrapped(w, 1, 2, INFO_ROWS - 1, cols - 4, text, base);
    free(text);
    text = dests_text(ui, f);
    draw_wrapped(w, 1 + used, 2, INFO_ROWS - used, cols - 4, text, base);
    free(text);
    y = f->k.fields_y + fr + 1;
    if (!formkit_paint_msg(&f->k, w, y, MSG_ROWS) && cur >= 0) {
        char *hint = mf_hint(ui, f, cur);
        draw_wrapped(w, y, 2, MSG_ROWS, cols - 4, hint, base);
        free(hint);
    }
    draw_text(w, h - 2, 2, f->k.pages > 1
              ? _("Enter migrates, Tab moves, Space chooses, PgDn next page, "
                  "Esc cancels.")
              : _("Enter migrates, Tab moves, Space chooses, Esc cancels."),
              cols - 4, true, base);
    wattrset(w, A_NORMAL);
    free(title);
    pos_form_cursor(f->k.form);
}

/* ---- migrating ---- */

/* Check every field, save the defaults if asked, start the migrations. */
static enum ui_result
mf_submit(struct ui *ui, struct mform *f)
{
    struct model *m = ui_model(ui);
    struct engine *e = ui_engine(ui);
    struct migrate_opts o;
    const char *dst;
    char *last_error = NULL, *first_name = NULL;
    unsigned started = 0, refused = 0;
    int64_t task_id = 0;

    if (formkit_check_all(ui, &f->k) < 0)
        return UI_HANDLED;
    mf_opts(f, &o);
    if (streq(mf_get(f, MF_SAVE), "yes")) {
        struct cluster *c = model_cluster_by_id(m, f->cluster_id);
        if (!c || engine_cluster_set_migration(e, c->name, &o) < 0) {
            fail(f, c ? err_msg() : _("The cluster is gone."));
            return UI_HANDLED;
        }
    }
    dst = *mf_get(f, MF_DEST) ? mf_get(f, MF_DEST) : NULL;
    for (size_t i = 0; i < f->uuids.len; i++) {
        struct vm *vm = mf_vm(ui, f, i);
        if (!vm)
            continue;
        if (engine_vm_migrate(e, vm->uuid, dst, &o, ui_task_done, NULL,
                              &task_id) < 0) {
            free(last_error);
            last_error = xstrdup(err_msg());
            refused++;
            continue;
        }
        if (!first_name)
            first_name = xstrdup(vm->name);
        started++;
    }
    if (!started) {
        if (last_error)
            fail(f, last_error);
        else
            fail(f, _("The VMs are gone."));
        free(last_error);
        return UI_HANDLED;
    }
    if (f->from_marks)
        scr_list_clear_marks(ui);
    if (refused) {
        ui_message(ui, UI_MSG_ERROR, ngettext(
            "Migrating %u VM; %u refused: %s",
            "Migrating %u VMs; %u refused: %s", started), started, refused,
            last_error);
    } else if (started == 1) {
        struct task *t = model_task_by_id(m, task_id);
        struct host *h = t ? model_host_by_id(m, t->dst_host) : NULL;
        ui_message(ui, UI_MSG_INFO, _("Migrating VM '%s' to host '%s': the "
                                      "tasks pane follows it."), first_name,
                   h ? h->name : "?");
    } else {
        ui_message(ui, UI_MSG_INFO, ngettext(
            "Migrating %u VM: the tasks pane follows it.",
            "Migrating %u VMs: the tasks pane follows them.", started),
            started);
    }
    free(first_name);
    free(last_error);
    return UI_CLOSE;
}

/* ---- keys ---- */

static enum ui_result
mf_key(struct ui *ui, struct modal *m, int key)
{
    struct mform *f = m->data;
    int i = field_index(current_field(f->k.form));

    m->dirty = true;
    if (key == UI_KEY_ESC)
        return UI_CLOSE;
    if (key == UI_KEY_ENTER)
        return mf_submit(ui, f);
    if (formkit_nav_key(ui, &f->k, key))
        return UI_HANDLED;
    if (!fields[i].choice)
        formkit_field_key(f->k.form, key);
    else
        formkit_choice_key(ui, &f->k, i, key);
    return UI_HANDLED;
}

/* Hosts come and go, VMs move, memory frees up: the destinations and
 * the automatic choice follow. */
static void
mf_update(struct ui *ui, struct modal *m, unsigned events)
{
    struct mform *f = m->data;

    if (!(events & (MODEL_EV_INVENTORY | MODEL_EV_HOST_STATE |
                    MODEL_EV_VM_LIST | MODEL_EV_VM_STATE | MODEL_EV_STATS)))
        return;
    mf_show(ui, f, MF_DEST);
    pos_form_cursor(f->k.form);
    m->dirty = true;
}

static void
mf_free(struct modal *m)
{
    struct mform *f = m->data;

    formkit_clear(&f->k);
    for (int i = 0; i < MF__COUNT; i++)
        free(f->val[i]);
    vec_clear(&f->uuids, free);
    free(f);
    if (m->win)
        delwin(m->win);
    free(m);
}

static const struct formkit_ops mf_kit_ops = {
    .check = mf_check,
    .show_all = mf_show_all,
    .choices = mf_choices,
    .display = mf_display,
    .choose = mf_choose,
};

static const struct modal_ops mf_ops = {
    .key = mf_key,
    .layout = mf_layout,
    .paint = mf_paint,
    .update = mf_update,
    .free = mf_free,
};

/* Refuse at once what the engine would refuse for the one VM: not
 * running, or migrating already.  The engine's own sentences.  0 or -1. */
static int
precheck(struct ui *ui, const struct vm *vm)
{
    struct model *m = ui_model(ui);

    if (vm->state != VM_RUNNING && vm->state != VM_PAUSED &&
        vm->state != VM_BLOCKED) {
        ui_message(ui, UI_MSG_ERROR, _("VM '%s' is %s: only a running VM "
                                       "migrates live; start it on the host "
                                       "you want instead."), vm->name,
                   vm_state_label(vm->state));
        return -1;
    }
    for (size_t i = 0; i < m->tasks.len; i++) {
        const struct task *t = m->tasks.items[i];
        if (t->state == TASK_RUNNING && streq(t->vm_uuid, vm->uuid)) {
            ui_message(ui, UI_MSG_ERROR, _("VM '%s' is already migrating."),
                       vm->name);
            return -1;
        }
    }
    return 0;
}

void
migform_open(struct ui *ui)
{
    struct model *mo = ui_model(ui);
    struct mform *f = xcalloc(1, sizeof(*f));
    struct modal *m;
    struct cluster *c;
    struct vm *vm;
    struct migrate_opts o;
    int64_t cid = 0;
    bool several = false;
    char num[32];

    if (scr_list_mark_count()) {
        scr_list_marked(ui, &f->uuids);
        f->from_marks = true;
    }
    if (!f->uuids.len && (vm = node_vm(ui, ui_current(ui))))
        vec_push(&f->uuids, xstrdup(vm->uuid));
    if (!f->uuids.len) {
        ui_message(ui, UI_MSG_ERROR, "%s",
                   _("Select a VM first, or mark some with Space."));
        vec_clear(&f->uuids, free);
        free(f);
        return;
    }
    /* the cluster they share, if they do */
    for (size_t i = 0; i < f->uuids.len; i++) {
        struct vm *x = mf_vm(ui, f, i);
        struct host *h = x ? model_host_by_id(mo, x->host_id) : NULL;
        if (!h)
            continue;
        if (!cid)
            cid = h->cluster_id;
        else if (h->cluster_id != cid)
            several = true;
        if (f->uuids.len == 1)
            f->src_host = h->id;
    }
    vm = single_vm(ui, f);
    if (f->uuids.len == 1 && (!vm || precheck(ui, vm) < 0)) {
        vec_clear(&f->uuids, free);
        free(f);
        return;
    }
    c = model_cluster_by_id(mo, cid);
    f->cluster_id = several ? 0 : cid;
    /* the policy starts from the (first) cluster's defaults */
    memset(&o, 0, sizeof(o));
    if (c)
        o = c->mig;
    mf_set(f, MF_DEST, "");
    snprintf(num, sizeof(num), "%lu", o.bandwidth_mibs);
    mf_set(f, MF_BANDWIDTH, num);
    snprintf(num, sizeof(num), "%llu", o.max_downtime_ms);
    mf_set(f, MF_DOWNTIME, num);
    mf_set(f, MF_AUTOCONV, o.auto_converge ? "yes" : "no");
    mf_set(f, MF_POSTCOPY, o.postcopy ? "yes" : "no");
    mf_set(f, MF_COPY, o.copy_storage ? "yes" : "no");
    snprintf(num, sizeof(num), "%u", o.timeout_s);
    mf_set(f, MF_TIMEOUT, num);
    mf_set(f, MF_ACTION, mig_timeout_action_name(o.timeout_action));
    mf_set(f, MF_SAVE, "no");
    f->k.ops = &mf_kit_ops;
    f->k.owner = f;
    f->k.n = MF__COUNT;
    for (int i = 0; i < MF__COUNT; i++) {
        f->k.labels[i] = fields[i].label;
        f->k.choice[i] = fields[i].choice;
    }
    f->k.val = f->val;
    f->k.trim_leading = true;
    m = xcalloc(1, sizeof(*m));
    m->ops = &mf_ops;
    m->data = f;
    m->cursor = true;
    ui_modal_push(ui, m);
}
