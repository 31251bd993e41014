/* ui.c: the console's loop glue, layout and key dispatch.
 *
 * Keys arrive through the event loop (stdin is one of its sources) and go
 * to the top modal, else to the focused pane, else to the global actions
 * here.  Handlers only change state and mark panes dirty; ui_flush(), the
 * loop's before-sleep hook, applies the model's change bits, paints the
 * dirty panes with wnoutrefresh() and calls doupdate() once per pass.
 * VM operations run in the engine's jobs; their results come back through
 * a callback that may outlive the console, so it checks that the console
 * is still there.  Nothing here prints while curses is active. */
#include <config.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "ui/actions.h"
#include "ui/bars.h"
#include "ui/cmdline.h"
#include "ui/colors.h"
#include "ui/detail.h"
#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/events_pane.h"
#include "ui/forms.h"
#include "ui/help.h"
#include "ui/host_ops.h"
#include "ui/preflight_view.h"
#include "ui/isoform.h"
#include "ui/migform.h"
#include "ui/scr_console.h"
#include "ui/scr_list.h"
#include "ui/scr_tree.h"
#include "ui/sd_ops.h"
#include "ui/tasks_pane.h"
#include "ui/vmform.h"
#include "src/cli.h"
#include "src/engine.h"
#include "src/loop.h"
#include "src/model.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/log.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"
#include "src/util/vec.h"

#define MAX_MODALS 8

struct ui {
    struct engine *e;
    struct model *m;
    const struct config *cfg;
    WINDOW *win[PANE__COUNT];
    bool dirty[PANE__COUNT];
    WINDOW *input;              /* 1x1, never drawn in: keys are read here */
    enum ui_pane focus;
    struct modal *modals[MAX_MODALS];
    int nmodals;
    bool relayout;
    bool too_small;
    bool cursor;                /* the terminal cursor is shown */
    bool quit;
    int rows, cols;
    unsigned ops_pending;
    char *msg;
    enum ui_msg msg_kind;
    struct node cur;
};

static const struct screen_ops *const screens[PANE__COUNT] = {
    [PANE_HEADER] = &header_ops,
    [PANE_TREE] = &scr_tree_ops,
    [PANE_LIST] = &scr_list_ops,
    [PANE_DETAIL] = &detail_ops,
    [PANE_TASKS] = &tasks_pane_ops,
    [PANE_EVENTS] = &events_pane_ops,
    [PANE_STATUS] = &status_ops,
};

/* The console alive now, for operation results that arrive after it is
 * gone (the engine drains its jobs after ui_run returns). */
static struct ui *live;

/* ---- small services ---- */

struct model *
ui_model(struct ui *ui)
{
    return ui->m;
}

struct engine *
ui_engine(struct ui *ui)
{
    return ui->e;
}

int
ui_rows(const struct ui *ui)
{
    return ui->rows;
}

int
ui_cols(const struct ui *ui)
{
    return ui->cols;
}

enum ui_pane
ui_focus(const struct ui *ui)
{
    return ui->focus;
}

void
ui_dirty(struct ui *ui, enum ui_pane p)
{
    if ((unsigned)p < PANE__COUNT)
        ui->dirty[p] = true;
}

void
ui_relayout(struct ui *ui)
{
    ui->relayout = true;
}

static void
ui_dirty_all(struct ui *ui)
{
    for (int p = 0; p < PANE__COUNT; p++)
        ui->dirty[p] = true;
    for (int i = 0; i < ui->nmodals; i++)
        ui->modals[i]->dirty = true;
}

void
ui_message(struct ui *ui, enum ui_msg kind, const char *fmt, ...)
{
    va_list ap;

    free(ui->msg);
    va_start(ap, fmt);
    ui->msg = xvasprintf(fmt, ap);
    va_end(ap);
    ui->msg_kind = kind;
    ui_dirty(ui, PANE_STATUS);
}

const char *
ui_message_text(const struct ui *ui, enum ui_msg *kind)
{
    *kind = ui->msg_kind;
    return ui->msg;
}

static void
ui_message_clear(struct ui *ui)
{
    if (ui->msg) {
        FREE(ui->msg);
        ui_dirty(ui, PANE_STATUS);
    }
}

unsigned
ui_tasks(const struct ui *ui)
{
    unsigned n = ui->ops_pending + model_tasks_running(ui->m);

    for (size_t i = 0; i < ui->m->hosts.len; i++) {
        const struct host *h = ui->m->hosts.items[i];
        n += h->state == HOST_CONNECTING;
    }
    return n;
}

bool
node_eq(const struct node *a, const struct node *b)
{
    if (a->kind != b->kind)
        return false;
    if (a->kind == NODE_VM)
        return streq(a->uuid, b->uuid);
    if (a->kind == NODE_SD)
        return a->id == b->id && a->dc_id == b->dc_id;
    return a->id == b->id;
}

struct dc *
node_dc(const struct ui *ui, const struct node *n)
{
    return n->kind == NODE_DC ? model_dc_by_id(ui->m, n->id) : NULL;
}

struct cluster *
node_cluster(const struct ui *ui, const struct node *n)
{
    return n->kind == NODE_CLUSTER ? model_cluster_by_id(ui->m, n->id) : NULL;
}

struct host *
node_host(const struct ui *ui, const struct node *n)
{
    return n->kind == NODE_HOST ? model_host_by_id(ui->m, n->id) : NULL;
}

struct vm *
node_vm(const struct ui *ui, const struct node *n)
{
    struct host *h;
    struct vm *vm = NULL;

    if (n->kind != NODE_VM)
        return NULL;
    /* the host it was on first: one hash lookup; then anywhere */
    h = model_host_by_id(ui->m, n->id);
    if (h)
        vm = model_host_vm(h, n->uuid);
    return vm ? vm : model_vm_by_uuid(ui->m, n->uuid);
}

struct sd *
node_sd(const struct ui *ui, const struct node *n)
{
    if (n->kind != NODE_SD)
        return NULL;
    for (size_t i = 0; i < ui->m->sds.len; i++) {
        struct sd *sd = ui->m->sds.items[i];
        if (sd->id == n->id)
            return sd;
    }
    return NULL;
}

struct task *
node_task(const struct ui *ui, const struct node *n)
{
    return n->kind == NODE_TASK ? model_task_by_id(ui->m, n->id) : NULL;
}

/* ---- focus and the current object ---- */

/* The detail pane shows the selection of the tree, the list or the tasks
 * pane, whichever had the focus last. */
static void
sync_current(struct ui *ui)
{
    const struct node *n = NULL;

    if (ui->focus == PANE_TREE)
        n = scr_tree_selected();
    else if (ui->focus == PANE_LIST)
        n = scr_list_selected();
    else if (ui->focus == PANE_TASKS)
        n = tasks_pane_selected();
    if (n && !node_eq(n, &ui->cur)) {
        ui->cur = *n;
        ui_dirty(ui, PANE_DETAIL);
    }
}

void
ui_set_focus(struct ui *ui, enum ui_pane p)
{
    if (p == ui->focus)
        return;
    ui_dirty(ui, ui->focus);
    ui_dirty(ui, p);
    ui_dirty(ui, PANE_DETAIL);
    ui->focus = p;
    sync_current(ui);
}

void
ui_set_current(struct ui *ui, const struct node *n)
{
    if (!node_eq(n, &ui->cur)) {
        ui->cur = *n;
        ui_dirty(ui, PANE_DETAIL);
    }
}

const struct node *
ui_current(const struct ui *ui)
{
    return &ui->cur;
}

void
ui_tree_selected(struct ui *ui, const struct node *n)
{
    if (n->kind == NODE_VM) {
        struct node host = { .kind = NODE_HOST, .id = n->id };
        scr_list_set_scope(ui, &host, n);
    } else if (n->kind == NODE_SD) {
        /* the list of every domain, on this one's row */
        scr_list_set_scope(ui, n, n);
    } else {
        scr_list_set_scope(ui, n, NULL);
    }
    sync_current(ui);
}

const struct config *
ui_config(const struct ui *ui)
{
    return ui->cfg;
}

/* ---- modals ---- */

void
ui_modal_push(struct ui *ui, struct modal *m)
{
    if (ui->nmodals == MAX_MODALS) {
        m->ops->free(m);
        return;
    }
    ui->modals[ui->nmodals++] = m;
    m->ops->layout(ui, m);
    m->dirty = true;
}

/* Close m wherever it sits in the stack (an action run from a modal may
 * have pushed another above it). */
static void
ui_modal_close(struct ui *ui, struct modal *m)
{
    for (int i = 0; i < ui->nmodals; i++) {
        if (ui->modals[i] != m)
            continue;
        memmove(&ui->modals[i], &ui->modals[i + 1],
                (size_t)(ui->nmodals - i - 1) * sizeof(*ui->modals));
        ui->nmodals--;
        m->ops->free(m);
        break;
    }
    /* what it covered must be painted again */
    ui_dirty_all(ui);
}

/* ---- VM operations ---- */

static const struct {
    enum action act;
    enum vm_op op;
    bool confirm;
    const char *title;      /* N_() */
} vm_actions[] = {
    { ACT_VM_START, VM_OP_START, false, N_("Start") },
    { ACT_VM_SHUTDOWN, VM_OP_SHUTDOWN, true, N_("Shut down") },
    { ACT_VM_POWEROFF, VM_OP_DESTROY, true, N_("Power off") },
    { ACT_VM_REBOOT, VM_OP_REBOOT, true, N_("Reboot") },
    { ACT_VM_PAUSE, VM_OP_SUSPEND, false, N_("Pause") },
    { ACT_VM_RESUME, VM_OP_RESUME, false, N_("Resume") },
    /* delete goes through engine_vm_delete and asks about the disks */
    { ACT_VM_DELETE, VM_OP_UNDEFINE, true, N_("Delete") },
};

/* The question before a destructive operation, naming the VMs. */
static char *
confirm_text(enum vm_op op, const char *names)
{
    switch (op) {
    case VM_OP_SHUTDOWN:
        return xasprintf(_("Shut down %s? The guest is asked to stop."),
                         names);
    case VM_OP_DESTROY:
        return xasprintf(_("Power off %s now? Like pulling the plug: unsaved "
                           "data in the guest is lost."), names);
    case VM_OP_REBOOT:
        return xasprintf(_("Reboot %s?"), names);
    default:
        return xasprintf("%s", names);
    }
}

struct vm_job {
    int idx;                /* into vm_actions */
    struct vec uuids;       /* char * */
    bool from_marks;
    bool delete_disks;      /* ACT_VM_DELETE */
};

static void
vm_job_free(void *p)
{
    struct vm_job *j = p;
    vec_clear(&j->uuids, free);
    free(j);
}

void
ui_job_queued(struct ui *ui)
{
    ui->ops_pending++;
    ui_dirty(ui, PANE_HEADER);
}

void
ui_job_done(void *opaque, int ok, const char *message)
{
    struct ui *ui = live;

    (void)opaque;
    if (!ui)
        return;
    if (ui->ops_pending)
        ui->ops_pending--;
    ui_message(ui, ok ? UI_MSG_OK : UI_MSG_ERROR, "%s", message);
    ui_dirty(ui, PANE_HEADER);
}

void
ui_task_done(void *opaque, int ok, const char *message)
{
    struct ui *ui = live;

    (void)opaque;
    if (!ui)
        return;
    ui_message(ui, ok ? UI_MSG_OK : UI_MSG_ERROR, "%s", message);
    ui_dirty(ui, PANE_HEADER);
}

const char *
ui_audit_last(const struct ui *ui, const char *object, const char *action)
{
    for (size_t i = ui->m->audit.len; i-- > 0;) {
        const struct audit *a = ui->m->audit.items[i];
        if (streq(a->object, object) && (!action || streq(a->action, action)))
            return a->message;
    }
    return NULL;
}

static void
vm_job_run(struct ui *ui, void *arg)
{
    struct vm_job *j = arg;
    unsigned queued = 0;
    char *last_error = NULL;

    for (size_t i = 0; i < j->uuids.len; i++) {
        const char *uuid = j->uuids.items[i];
        int rc;

        if (vm_actions[j->idx].act == ACT_VM_DELETE)
            rc = engine_vm_delete(ui->e, uuid, j->delete_disks, ui_job_done,
                                  NULL);
        else
            rc = engine_vm_op(ui->e, uuid, vm_actions[j->idx].op,
                              ui_job_done, NULL);
        if (rc < 0) {
            free(last_error);
            last_error = xstrdup(err_msg());
            continue;
        }
        queued++;
        ui_job_queued(ui);
    }
    if (last_error)
        ui_message(ui, UI_MSG_ERROR, "%s", last_error);
    else
        ui_message(ui, UI_MSG_INFO,
                   ngettext("%s %u VM: sent, waiting for the host.",
                            "%s %u VMs: sent, waiting for the hosts.",
                            queued), _(vm_actions[j->idx].title), queued);
    free(last_error);
    if (j->from_marks && queued)
        scr_list_clear_marks(ui);
    ui_dirty(ui, PANE_HEADER);
}

/* "'a', 'b' and 3 more": the VMs a question is about. */
static char *
vm_names(struct ui *ui, const struct vec *uuids)
{
    struct strbuf b = { 0 };
    size_t shown = 0;

    for (size_t i = 0; i < uuids->len; i++) {
        const struct vm *vm = model_vm_by_uuid(ui->m, uuids->items[i]);
        if (!vm)
            continue;
        if (shown == 8) {
            sb_add(&b, " ");
            sb_addf(&b, _("and %zu more"), uuids->len - shown);
            break;
        }
        if (shown)
            sb_add(&b, ", ");
        sb_addf(&b, "'%s'", vm->name);
        shown++;
    }
    return sb_steal(&b);
}

/* The delete question's answer: with the disks, without, or cancel. */
static void
delete_chosen(struct ui *ui, void *arg, int choice)
{
    struct vm_job *j = arg;

    if (choice != 0 && choice != 1)
        return;
    j->delete_disks = choice == 0;
    vm_job_run(ui, j);
}

/* Delete asks whether the disks go too: three answers, Cancel first
 * highlighted.  Takes j. */
static void
ask_delete(struct ui *ui, struct vm_job *j)
{
    const struct dialog_choice choices[] = {
        { 'd', _("[d] Delete with disks") },
        { 'k', _("[k] Delete, keep disks") },
        { 'c', _("[c] Cancel") },
    };
    char *names = vm_names(ui, &j->uuids);
    char *text = xasprintf(ngettext("Delete %s? Its definition is removed "
                                    "from the host; delete its disks too?",
                                    "Delete %s? Their definitions are removed "
                                    "from the hosts; delete their disks too?",
                                    j->uuids.len), names);
    char *title = xasprintf(ngettext("%s %zu VM", "%s %zu VMs", j->uuids.len),
                            _(vm_actions[j->idx].title), j->uuids.len);

    dialog_choose(ui, title, text, choices, 3, 2, delete_chosen, j,
                  vm_job_free);
    free(names);
    free(text);
    free(title);
}

static void
vm_action(struct ui *ui, enum action a)
{
    struct vm_job *j;
    int idx = -1;

    for (size_t i = 0; i < sizeof(vm_actions) / sizeof(*vm_actions); i++) {
        if (vm_actions[i].act == a)
            idx = (int)i;
    }
    if (idx < 0)
        return;
    j = xcalloc(1, sizeof(*j));
    j->idx = idx;
    if (scr_list_mark_count()) {
        scr_list_marked(ui, &j->uuids);
        j->from_marks = true;
    }
    if (!j->uuids.len && ui->cur.kind == NODE_VM && node_vm(ui, &ui->cur))
        vec_push(&j->uuids, xstrdup(ui->cur.uuid));
    if (!j->uuids.len) {
        ui_message(ui, UI_MSG_ERROR, "%s",
                   _("Select a VM first, or mark some with Space."));
        vm_job_free(j);
        return;
    }
    if (a == ACT_VM_DELETE) {
        ask_delete(ui, j);
        return;
    }
    if (vm_actions[idx].confirm) {
        char *names = vm_names(ui, &j->uuids);
        char *text = confirm_text(vm_actions[idx].op, names);
        char *title = xasprintf(ngettext("%s %zu VM", "%s %zu VMs",
                                         j->uuids.len),
                                _(vm_actions[idx].title), j->uuids.len);
        dialog_confirm(ui, title, text, false, vm_job_run, j, vm_job_free);
        free(names);
        free(text);
        free(title);
        return;
    }
    vm_job_run(ui, j);
    vm_job_free(j);
}

/* ---- inventory ---- */

/* The data center / cluster the current object belongs to, or NULL. */
static const char *
current_dc_name(struct ui *ui)
{
    const struct node *n = &ui->cur;
    struct host *h = NULL;
    struct cluster *c = NULL;
    struct dc *d = NULL;

    switch (n->kind) {
    case NODE_DC:
        d = node_dc(ui, n);
        break;
    case NODE_CLUSTER:
        c = node_cluster(ui, n);
        break;
    case NODE_HOST:
        h = node_host(ui, n);
        break;
    case NODE_VM: {
        struct vm *vm = node_vm(ui, n);
        h = vm ? model_host_by_id(ui->m, vm->host_id) : NULL;
        break;
    }
    default:
        break;
    }
    if (h)
        c = model_cluster_by_id(ui->m, h->cluster_id);
    if (c)
        d = model_dc_by_id(ui->m, c->dc_id);
    return d ? d->name : NULL;
}

static const char *
current_cluster_name(struct ui *ui)
{
    const struct node *n = &ui->cur;
    struct host *h = NULL;
    struct cluster *c = NULL;

    if (n->kind == NODE_CLUSTER) {
        c = node_cluster(ui, n);
    } else if (n->kind == NODE_HOST) {
        h = node_host(ui, n);
    } else if (n->kind == NODE_VM) {
        struct vm *vm = node_vm(ui, n);
        h = vm ? model_host_by_id(ui->m, vm->host_id) : NULL;
    }
    if (h)
        c = model_cluster_by_id(ui->m, h->cluster_id);
    return c ? c->name : NULL;
}

/* The cluster a new VM goes to: the current object's, else the first of
 * the current data center, else NULL (the form takes the first). */
static const char *
create_cluster_name(struct ui *ui)
{
    const char *name = current_cluster_name(ui);
    const char *dc = current_dc_name(ui);
    struct dc *d = dc ? model_dc_by_name(ui->m, dc) : NULL;

    if (name || !d)
        return name;
    for (size_t i = 0; i < ui->m->clusters.len; i++) {
        const struct cluster *c = ui->m->clusters.items[i];
        if (c->dc_id == d->id)
            return c->name;
    }
    return NULL;
}

struct removal {
    enum node_kind kind;
    char *name;
};

static void
removal_free(void *p)
{
    struct removal *r = p;
    free(r->name);
    free(r);
}

static void
removal_run(struct ui *ui, void *arg)
{
    struct removal *r = arg;
    int rc;

    switch (r->kind) {
    case NODE_DC:
        rc = engine_dc_remove(ui->e, r->name);
        break;
    case NODE_CLUSTER:
        rc = engine_cluster_remove(ui->e, r->name);
        break;
    default:
        rc = engine_host_remove(ui->e, r->name);
        break;
    }
    if (rc < 0) {
        ui_message(ui, UI_MSG_ERROR, "%s", err_msg());
    } else {
        const struct audit *a = ui->m->audit.len
            ? ui->m->audit.items[ui->m->audit.len - 1] : NULL;
        ui_message(ui, UI_MSG_OK, "%s", a ? a->message : _("Removed."));
    }
}

static void
ask_removal(struct ui *ui, enum node_kind kind, const char *name)
{
    struct removal *r = xcalloc(1, sizeof(*r));
    char *text, *title;

    r->kind = kind;
    r->name = xstrdup(name);
    switch (kind) {
    case NODE_DC:
        title = xstrdup(_("Remove data center"));
        text = xasprintf(_("Remove data center '%s' from the inventory?"),
                         name);
        break;
    case NODE_CLUSTER:
        title = xstrdup(_("Remove cluster"));
        text = xasprintf(_("Remove cluster '%s' from the inventory?"), name);
        break;
    default:
        title = xstrdup(_("Remove host"));
        text = xasprintf(_("Remove host '%s' from the inventory? Its VMs are "
                           "not touched; virtdeck stops watching them."),
                         name);
        break;
    }
    dialog_confirm(ui, title, text, false, removal_run, r, removal_free);
    free(text);
    free(title);
}

static void
inventory_action(struct ui *ui, enum action a)
{
    const struct node *n = &ui->cur;
    struct dc *d = node_dc(ui, n);
    struct cluster *c = node_cluster(ui, n);
    struct host *h = node_host(ui, n);

    switch (a) {
    case ACT_ADD:
        if (n->kind == NODE_DC)
            forms_open(ui, FORM_CLUSTER_ADD, d ? d->name : NULL);
        else if (n->kind == NODE_CLUSTER || n->kind == NODE_HOST ||
                 n->kind == NODE_VM)
            forms_open(ui, FORM_HOST_ADD, current_cluster_name(ui));
        else
            forms_open(ui, FORM_DC_ADD, NULL);
        break;
    case ACT_EDIT:
        if (n->kind == NODE_VM && node_vm(ui, n))
            vmform_edit(ui, n->uuid);
        else if (d)
            forms_open(ui, FORM_DC_EDIT, d->name);
        else if (c)
            forms_open(ui, FORM_CLUSTER_EDIT, c->name);
        else if (h)
            forms_open(ui, FORM_HOST_EDIT, h->name);
        else
            ui_message(ui, UI_MSG_ERROR, "%s",
                       _("Select a data center, cluster or host to edit."));
        break;
    case ACT_REMOVE:
        if (scr_list_mark_count() || n->kind == NODE_VM)
            vm_action(ui, ACT_VM_DELETE);
        else if (d)
            ask_removal(ui, NODE_DC, d->name);
        else if (c)
            ask_removal(ui, NODE_CLUSTER, c->name);
        else if (h)
            ask_removal(ui, NODE_HOST, h->name);
        else if (n->kind == NODE_SD)
            sd_ops_action(ui, ACT_SD_REMOVE);
        else
            ui_message(ui, UI_MSG_ERROR, "%s",
                       _("Select a VM, host, cluster, data center or storage "
                         "domain to remove."));
        break;
    case ACT_DC_ADD:
        forms_open(ui, FORM_DC_ADD, NULL);
        break;
    case ACT_DC_EDIT:
    case ACT_DC_REMOVE:
        if (!d) {
            ui_message(ui, UI_MSG_ERROR, "%s",
                       _("Select a data center in the tree first."));
            break;
        }
        if (a == ACT_DC_EDIT)
            forms_open(ui, FORM_DC_EDIT, d->name);
        else
            ask_removal(ui, NODE_DC, d->name);
        break;
    case ACT_CLUSTER_ADD:
        forms_open(ui, FORM_CLUSTER_ADD, current_dc_name(ui));
        break;
    case ACT_CLUSTER_EDIT:
    case ACT_CLUSTER_REMOVE:
        if (!c) {
            ui_message(ui, UI_MSG_ERROR, "%s",
                       _("Select a cluster in the tree first."));
            break;
        }
        if (a == ACT_CLUSTER_EDIT)
            forms_open(ui, FORM_CLUSTER_EDIT, c->name);
        else
            ask_removal(ui, NODE_CLUSTER, c->name);
        break;
    case ACT_HOST_ADD:
        forms_open(ui, FORM_HOST_ADD, current_cluster_name(ui));
        break;
    case ACT_HOST_EDIT:
    case ACT_HOST_REMOVE:
        if (!h) {
            ui_message(ui, UI_MSG_ERROR, "%s",
                       _("Select a host first."));
            break;
        }
        if (a == ACT_HOST_EDIT)
            forms_open(ui, FORM_HOST_EDIT, h->name);
        else
            ask_removal(ui, NODE_HOST, h->name);
        break;
    default:
        break;
    }
}

/* ---- quitting ---- */

static void
quit_now(struct ui *ui, void *arg)
{
    ui->quit = true;
    if (live == ui)
        loop_quit();
}

static void
quit_ask(struct ui *ui)
{
    unsigned n = ui_tasks(ui);
    char *text;

    if (!n) {
        quit_now(ui, NULL);
        return;
    }
    text = xasprintf(ngettext("%u task is still running (operations and "
                              "connections): quit anyway? Operations already "
                              "sent go on on the hosts.",
                              "%u tasks are still running (operations and "
                              "connections): quit anyway? Operations already "
                              "sent go on on the hosts.", n), n);
    dialog_confirm(ui, _("Quit"), text, false, quit_now, NULL, NULL);
    free(text);
}

/* ---- dispatch ---- */

static const enum ui_pane focus_order[] = {
    PANE_TREE, PANE_LIST, PANE_DETAIL, PANE_TASKS, PANE_EVENTS,
};

/* The next pane that has a window, step by step (1 or -1). */
static void
focus_step(struct ui *ui, int step)
{
    int n = (int)(sizeof(focus_order) / sizeof(*focus_order)), i = 0;

    for (int k = 0; k < n; k++) {
        if (focus_order[k] == ui->focus)
            i = k;
    }
    for (int k = 0; k < n; k++) {
        i = (i + step + n) % n;
        if (ui->win[focus_order[i]] || ui->too_small)
            break;
    }
    ui_set_focus(ui, focus_order[i]);
}

/* Is the current object of that kind (a host or a storage domain)?  If
 * not, say what to select. */
static bool
want_kind(struct ui *ui, enum node_kind kind)
{
    if (ui->cur.kind == kind &&
        (kind != NODE_HOST || node_host(ui, &ui->cur)) &&
        (kind != NODE_SD || node_sd(ui, &ui->cur)))
        return true;
    ui_message(ui, UI_MSG_ERROR, "%s", kind == NODE_HOST
               ? _("Select a host first.")
               : _("Select a storage domain first (they are under their data "
                   "center in the tree)."));
    return false;
}

/* Maintenance and activate: on the selected host or storage domain. */
static void
infra_action(struct ui *ui, enum action a)
{
    bool sd = ui->cur.kind == NODE_SD && node_sd(ui, &ui->cur);
    bool host = ui->cur.kind == NODE_HOST && node_host(ui, &ui->cur);

    switch (a) {
    case ACT_MAINTENANCE:
    case ACT_ACTIVATE:
        if (host)
            host_ops_action(ui, a == ACT_MAINTENANCE ? ACT_HOST_MAINTENANCE
                                                     : ACT_HOST_ACTIVATE);
        else if (sd)
            sd_ops_action(ui, a == ACT_MAINTENANCE ? ACT_SD_MAINTENANCE
                                                   : ACT_SD_ACTIVATE);
        else
            ui_message(ui, UI_MSG_ERROR, "%s",
                       _("Select a host or a storage domain first."));
        break;
    case ACT_HOST_MAINTENANCE:
    case ACT_HOST_ACTIVATE:
    case ACT_HOST_CONFIRM_REBOOTED:
    case ACT_HOST_SPM_PRIORITY:
        if (want_kind(ui, NODE_HOST))
            host_ops_action(ui, a);
        break;
    case ACT_HOST_CHECK:
        if (want_kind(ui, NODE_HOST))
            preflight_view_open(ui, node_host(ui, &ui->cur)->name);
        break;
    case ACT_SD_ATTACH:
    case ACT_SD_DETACH:
    case ACT_SD_ACTIVATE:
    case ACT_SD_MAINTENANCE:
    case ACT_SD_REMOVE:
        if (want_kind(ui, NODE_SD))
            sd_ops_action(ui, a);
        break;
    case ACT_SD_ISO_UPLOAD:
        if (want_kind(ui, NODE_SD))
            isoform_open(ui, node_sd(ui, &ui->cur)->name);
        break;
    default:
        break;
    }
}

/* What no pane took. */
static void
global_action(struct ui *ui, enum action a)
{
    switch (a) {
    case ACT_FOCUS_NEXT:
        focus_step(ui, 1);
        break;
    case ACT_FOCUS_PREV:
        focus_step(ui, -1);
        break;
    case ACT_LEFT:
        if (ui->focus == PANE_LIST)
            ui_set_focus(ui, PANE_TREE);
        break;
    case ACT_FILTER:
        cmdline_open_filter(ui);
        break;
    case ACT_SORT:
    case ACT_SORT_REVERSE:
    case ACT_VIEW:
    case ACT_MARK:
    case ACT_MARK_CLEAR:
        scr_list_ops.cmd(ui, a);
        break;
    case ACT_VM_START:
    case ACT_VM_SHUTDOWN:
    case ACT_VM_POWEROFF:
    case ACT_VM_REBOOT:
    case ACT_VM_PAUSE:
    case ACT_VM_RESUME:
    case ACT_VM_DELETE:
        vm_action(ui, a);
        break;
    case ACT_VM_CREATE:
        vmform_create(ui, create_cluster_name(ui));
        break;
    case ACT_VM_EDIT:
    case ACT_VM_CONSOLE: {
        struct vm *vm = node_vm(ui, &ui->cur);
        if (!vm)
            ui_message(ui, UI_MSG_ERROR, "%s", _("Select a VM first."));
        else if (a == ACT_VM_EDIT)
            vmform_edit(ui, vm->uuid);
        else
            scr_console_open(ui, vm->uuid);
        break;
    }
    case ACT_VM_MIGRATE:
        migform_open(ui);
        break;
    case ACT_TASKS:
        tasks_pane_toggle(ui);
        break;
    case ACT_TASK_CANCEL:
        tasks_cancel(ui);
        break;
    case ACT_MAINTENANCE:
    case ACT_ACTIVATE:
    case ACT_HOST_MAINTENANCE:
    case ACT_HOST_ACTIVATE:
    case ACT_HOST_CONFIRM_REBOOTED:
    case ACT_HOST_SPM_PRIORITY:
    case ACT_HOST_CHECK:
    case ACT_SD_ATTACH:
    case ACT_SD_DETACH:
    case ACT_SD_ACTIVATE:
    case ACT_SD_MAINTENANCE:
    case ACT_SD_REMOVE:
    case ACT_SD_ISO_UPLOAD:
        infra_action(ui, a);
        break;
    case ACT_ADD:
    case ACT_EDIT:
    case ACT_REMOVE:
    case ACT_DC_ADD:
    case ACT_DC_EDIT:
    case ACT_DC_REMOVE:
    case ACT_CLUSTER_ADD:
    case ACT_CLUSTER_EDIT:
    case ACT_CLUSTER_REMOVE:
    case ACT_HOST_ADD:
    case ACT_HOST_EDIT:
    case ACT_HOST_REMOVE:
        inventory_action(ui, a);
        break;
    case ACT_HELP:
        help_open(ui);
        break;
    case ACT_COMMAND:
        cmdline_open_command(ui);
        break;
    case ACT_REDRAW:
        clearok(curscr, TRUE);
        ui_dirty_all(ui);
        break;
    case ACT_QUIT:
        quit_ask(ui);
        break;
    default:
        break;
    }
}

void
ui_action(struct ui *ui, enum action a)
{
    const struct screen_ops *s = screens[ui->focus];
    enum ui_result r = UI_IGNORED;

    /* An observer: refused here, whatever screen or path asked, before
     * any form or question opens (the engine refuses again). */
    if (!actions_offered(a) && a != ACT_NONE) {
        ui_message(ui, UI_MSG_INFO, _("read-only: '%s' changes things; this "
                                      "console only observes."),
                   action_info(a)->name);
        return;
    }
    if (s->cmd)
        r = s->cmd(ui, a);
    if (r == UI_IGNORED)
        global_action(ui, a);
    sync_current(ui);
}

void
ui_key(struct ui *ui, int key)
{
    enum action a;

    if (ui->nmodals) {
        struct modal *m = ui->modals[ui->nmodals - 1];
        if (m->ops->key(ui, m, key) == UI_CLOSE)
            ui_modal_close(ui, m);
        sync_current(ui);
        return;
    }
    ui_message_clear(ui);
    if (key == UI_KEY_ESC) {
        /* Esc cancels what is in force: the filter, then the marks */
        if (*scr_list_filter())
            scr_list_set_filter(ui, "");
        else if (scr_list_mark_count())
            scr_list_clear_marks(ui);
        sync_current(ui);
        return;
    }
    a = actions_lookup(key);
    if (a == ACT_NONE) {
        char name[32];
        key_label(key, name, sizeof(name));
        ui_message(ui, UI_MSG_INFO, _("%s does nothing here: press ? for "
                                      "the keys."), name);
        return;
    }
    ui_action(ui, a);
}

/* ---- layout and painting ---- */

/* Rows of the tasks pane when the screen is tall enough to show it
 * above the events pane: its title, the column labels and six tasks. */
#define TASKS_ROWS 8

static void
layout(struct ui *ui)
{
    int rows = LINES, cols = COLS, body, ev_h, top_h, tree_w, det_h, right_w;
    int tasks_h = 0;
    int geo[PANE__COUNT][4];        /* y, x, h, w */

    ui->relayout = false;
    ui->rows = rows;
    ui->cols = cols;
    for (int p = 0; p < PANE__COUNT; p++) {
        if (ui->win[p]) {
            delwin(ui->win[p]);
            ui->win[p] = NULL;
        }
    }
    if (ui->input)
        delwin(ui->input);
    ui->input = newwin(1, 1, 0, 0);
    keypad(ui->input, TRUE);
    nodelay(ui->input, TRUE);
    ui->too_small = rows < 12 || cols < 50;
    if (ui->too_small)
        return;
    body = rows - 3;
    ev_h = body / 4 < 4 ? 4 : body / 4;
    top_h = body - ev_h;
    if (tasks_pane_wanted()) {
        if (body >= 36) {
            /* tall: the tasks above the events, taken from the top */
            tasks_h = TASKS_ROWS;
            top_h -= tasks_h;
        } else {
            /* the tasks take the events pane's place */
            tasks_h = ev_h;
            ev_h = 0;
        }
    }
    tree_w = cols * 3 / 10;
    if (tree_w < 20)
        tree_w = 20;
    if (tree_w > 40)
        tree_w = 40;
    right_w = cols - tree_w;
    det_h = top_h * 2 / 5 < 6 ? 6 : top_h * 2 / 5;
    if (top_h - det_h < 5)
        det_h = top_h - 5;

    geo[PANE_HEADER][0] = 0, geo[PANE_HEADER][1] = 0;
    geo[PANE_HEADER][2] = 1, geo[PANE_HEADER][3] = cols;
    geo[PANE_TREE][0] = 1, geo[PANE_TREE][1] = 0;
    geo[PANE_TREE][2] = top_h, geo[PANE_TREE][3] = tree_w;
    geo[PANE_LIST][0] = 1, geo[PANE_LIST][1] = tree_w;
    geo[PANE_LIST][2] = top_h - det_h, geo[PANE_LIST][3] = right_w;
    geo[PANE_DETAIL][0] = 1 + top_h - det_h, geo[PANE_DETAIL][1] = tree_w;
    geo[PANE_DETAIL][2] = det_h, geo[PANE_DETAIL][3] = right_w;
    geo[PANE_TASKS][0] = 1 + top_h, geo[PANE_TASKS][1] = 0;
    geo[PANE_TASKS][2] = tasks_h, geo[PANE_TASKS][3] = cols;
    geo[PANE_EVENTS][0] = 1 + top_h + tasks_h, geo[PANE_EVENTS][1] = 0;
    geo[PANE_EVENTS][2] = ev_h, geo[PANE_EVENTS][3] = cols;
    geo[PANE_STATUS][0] = rows - 2, geo[PANE_STATUS][1] = 0;
    geo[PANE_STATUS][2] = 2, geo[PANE_STATUS][3] = cols;

    for (int p = 0; p < PANE__COUNT; p++) {
        if (geo[p][2] <= 0)
            continue;
        ui->win[p] = newwin(geo[p][2], geo[p][3], geo[p][0], geo[p][1]);
        leaveok(ui->win[p], TRUE);
        if (screens[p]->resize)
            screens[p]->resize(ui, geo[p][2], geo[p][3]);
    }
    /* the focus leaves a pane that went away for the one in its place */
    if (!ui->win[ui->focus]) {
        ui->focus = ui->win[PANE_TASKS] ? PANE_TASKS
                    : ui->win[PANE_EVENTS] ? PANE_EVENTS : PANE_TREE;
        sync_current(ui);
    }
    /* the detail pane showed a task of a pane now gone: back to the
     * tree's object */
    if (!ui->win[PANE_TASKS] && ui->cur.kind == NODE_TASK) {
        ui->cur = *scr_tree_selected();
        sync_current(ui);
    }
    for (int i = 0; i < ui->nmodals; i++)
        ui->modals[i]->ops->layout(ui, ui->modals[i]);
    ui_dirty_all(ui);
}

void
ui_flush(struct ui *ui)
{
    unsigned ev = model_take_events(ui->m);
    bool painted = false;

    for (int i = ui->nmodals - 1; i >= 0; i--) {
        if (i < ui->nmodals && ui->modals[i]->done)
            ui_modal_close(ui, ui->modals[i]);
    }

    if (ev) {
        for (int p = 0; p < PANE__COUNT; p++) {
            if (screens[p]->update)
                screens[p]->update(ui, ev);
        }
        for (int i = 0; i < ui->nmodals; i++) {
            if (ui->modals[i]->ops->update)
                ui->modals[i]->ops->update(ui, ui->modals[i], ev);
        }
        if (ev & (MODEL_EV_INVENTORY | MODEL_EV_HOST_STATE |
                  MODEL_EV_VM_LIST | MODEL_EV_VM_STATE | MODEL_EV_TASKS))
            ui_dirty(ui, PANE_HEADER);
        sync_current(ui);
    }
    if (ui->relayout)
        layout(ui);
    /* keys are read from this window: keep it clean so wget_wch never
     * refreshes it over the panes */
    wnoutrefresh(ui->input);
    if (ui->too_small) {
        werase(stdscr);
        mvwaddstr(stdscr, 0, 0, _("The terminal is too small: make it at "
                                  "least 80x24."));
        wnoutrefresh(stdscr);
        doupdate();
        return;
    }
    for (int p = 0; p < PANE__COUNT; p++) {
        if (!ui->dirty[p])
            continue;
        if (!ui->win[p]) {
            ui->dirty[p] = false;
            continue;
        }
        screens[p]->paint(ui, ui->win[p]);
        wnoutrefresh(ui->win[p]);
        ui->dirty[p] = false;
        painted = true;
    }
    for (int i = 0; i < ui->nmodals; i++) {
        struct modal *m = ui->modals[i];
        if (!painted && !m->dirty)
            continue;
        if (m->dirty)
            m->ops->paint(ui, m);
        m->dirty = false;
        touchwin(m->win);
        wnoutrefresh(m->win);
        painted = true;
    }
    {
        bool want = ui->nmodals && ui->modals[ui->nmodals - 1]->cursor;
        if (want != ui->cursor) {
            curs_set(want ? 1 : 0);
            ui->cursor = want;
        }
        if (want) {
            /* the cursor goes where the top modal left its own */
            struct modal *m = ui->modals[ui->nmodals - 1];
            leaveok(m->win, FALSE);
            wnoutrefresh(m->win);
        }
    }
    if (painted)
        doupdate();
}

/* The loop keeps its hooks for good, and runs passes after the console
 * is gone (the engine drains its jobs): flush only the live one. */
static void
flush_hook(void *opaque)
{
    if (live)
        ui_flush(live);
}

/* ---- the loop's sources ---- */

static void
on_stdin(int fd, int events, void *opaque)
{
    struct ui *ui = opaque;
    wint_t wch;
    int r;

    while (!ui->quit && (r = wget_wch(ui->input, &wch)) != ERR) {
        if (r == KEY_CODE_YES && wch == KEY_RESIZE) {
            ui->relayout = true;
            continue;
        }
        ui_key(ui, key_from_curses(r == KEY_CODE_YES, (unsigned)wch));
    }
    if (events & (LOOP_HANGUP | LOOP_ERROR)) {
        /* the terminal went away */
        ui->quit = true;
        loop_quit();
    }
}

/* Registered once per process (the loop cannot forget a handler), so it
 * acts on the live console, if any. */
static void
on_signal(int signo, void *opaque)
{
    struct ui *ui = live;
    struct winsize ws;

    if (!ui) {
        if (signo != SIGWINCH)
            loop_quit();
        return;
    }
    if (signo == SIGWINCH) {
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row &&
            ws.ws_col)
            resize_term(ws.ws_row, ws.ws_col);
        /* the terminal may have kept or reflowed the old contents:
         * repaint every cell rather than trust them */
        clearok(curscr, TRUE);
        ui->relayout = true;
        return;
    }
    ui->quit = true;
    loop_quit();
}

/* ---- terminal restore on fatal errors ---- */

static struct sigaction old_fatal[NSIG];
static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
                                     SIGABRT };

static void
on_fatal(int signo)
{
    /* Put the terminal back, then let the previous handler (or the
     * default action) have the fault: returning re-executes it. */
    endwin();
    sigaction(signo, &old_fatal[signo], NULL);
}

static void
fail_hook(void)
{
    endwin();
}

static void
fatal_handlers(bool on)
{
    for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(*fatal_signals);
         i++) {
        int s = fatal_signals[i];
        if (on) {
            struct sigaction sa;
            memset(&sa, 0, sizeof(sa));
            sa.sa_handler = on_fatal;
            sigemptyset(&sa.sa_mask);
            sigaction(s, &sa, &old_fatal[s]);
        } else {
            sigaction(s, &old_fatal[s], NULL);
        }
    }
}

/* ---- life ---- */

struct ui *
ui_new(struct engine *e, const struct config *cfg)
{
    struct ui *ui = xcalloc(1, sizeof(*ui));

    ui->e = e;
    ui->m = engine_model(e);
    ui->cfg = cfg;
    ui->focus = PANE_TREE;
    colors_init(cfg);
    curs_set(0);
    ui->cursor = false;
    layout(ui);
    for (int p = 0; p < PANE__COUNT; p++) {
        if (screens[p]->open)
            screens[p]->open(ui);
    }
    layout(ui);
    {
        struct node first = *scr_tree_selected();
        scr_tree_select(ui, &first);
    }
    sync_current(ui);
    return ui;
}

void
ui_free(struct ui **uip)
{
    struct ui *ui = *uip;

    if (!ui)
        return;
    if (live == ui)
        live = NULL;
    while (ui->nmodals) {
        struct modal *m = ui->modals[--ui->nmodals];
        m->ops->free(m);
    }
    for (int p = 0; p < PANE__COUNT; p++) {
        if (screens[p]->close)
            screens[p]->close(ui);
        if (ui->win[p])
            delwin(ui->win[p]);
    }
    if (ui->input)
        delwin(ui->input);
    free(ui->msg);
    free(ui);
    *uip = NULL;
}

int
ui_select_host(struct ui *ui, const char *name)
{
    struct host *h = model_host_by_name(ui->m, name);
    struct node n;

    if (!h)
        return -1;
    n = (struct node){ .kind = NODE_HOST, .id = h->id };
    if (scr_tree_select(ui, &n) < 0)
        return -1;
    sync_current(ui);
    return 0;
}

int
ui_run(struct engine *e, const struct config *cfg, const struct cli_opts *o)
{
    static bool signals_added;
    struct ui *ui;
    SCREEN *scr;
    int watch;

    (void)o;
    if (actions_bind(cfg) < 0 || colors_check(cfg) < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        actions_unbind();
        return CLI_USAGE;
    }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "%s", _("virtdeck: the console needs a terminal; "
                                "for scripts use --dump or a command (see "
                                "--help).\n"));
        actions_unbind();
        return CLI_USAGE;
    }
    /* our SIGWINCH handler first: ncurses then leaves the signal to us */
    if (!signals_added) {
        loop_add_signal(SIGWINCH, on_signal, NULL);
        loop_add_signal(SIGTERM, on_signal, NULL);
        loop_add_signal(SIGINT, on_signal, NULL);
        loop_add_signal(SIGHUP, on_signal, NULL);
        loop_add_before_sleep(flush_hook, NULL);
        signals_added = true;
    }
    scr = newterm(NULL, stdout, stdin);
    if (!scr) {
        fprintf(stderr, _("virtdeck: cannot use the terminal '%s'.\n"),
                getenv("TERM") ? getenv("TERM") : "");
        actions_unbind();
        return CLI_FAILED;
    }
    mem_set_fail_hook(fail_hook);
    fatal_handlers(true);
    set_escdelay(25);
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);

    actions_set_readonly(engine_is_readonly(e));
    ui = ui_new(e, cfg);
    live = ui;
    watch = loop_add_fd(STDIN_FILENO, LOOP_READ, on_stdin, ui);
    if (engine_start(e) < 0)
        ui_message(ui, UI_MSG_ERROR, "%s", err_msg());
    else
        engine_sd_monitor_start(e);
    ui_flush(ui);
    while (!ui->quit)
        loop_run(NULL, NULL);
    loop_remove_fd(watch);

    ui_free(&ui);
    endwin();
    delscreen(scr);
    fatal_handlers(false);
    mem_set_fail_hook(NULL);
    actions_unbind();
    return CLI_OK;
}
