/* tasks_pane.c: the tasks pane (see tasks_pane.h).
 *
 * Row i is the task i places from the newest.  Columns are chosen by
 * priority for the pane's width, in order, stopping at the first that
 * does not fit: the name, the kind and the state always; then the hosts,
 * the progress bar, the data, the speed, the downtime, the pass and the
 * time as the width allows.  Numbers the hypervisor has not reported are
 * drawn as "-".  The pane only reads the model; cancelling goes through
 * the engine after a question. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/scr_tree.h"
#include "ui/tasks_pane.h"
#include "ui/widget_list.h"
#include "src/engine.h"
#include "src/loop.h"
#include "src/model.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"

/* Seconds an automatically shown pane stays after the last task ended. */
#define TASKS_LINGER 15

enum tcol {
    TC_NAME, TC_KIND, TC_STATE, TC_ROUTE, TC_PROGRESS, TC_DATA, TC_SPEED,
    TC_DOWNTIME, TC_PASS, TC_TIME, TC__COUNT
};

struct tcdef {
    const char *label;      /* N_() */
    int min, max;           /* cells */
    bool right;
};

/* In the order they are given room. */
static const struct tcdef tcols[TC__COUNT] = {
    [TC_NAME] = { N_("Name"), 10, 20, false },
    [TC_KIND] = { N_("Task"), 4, 16, false },
    [TC_STATE] = { N_("State"), 5, 14, false },
    [TC_ROUTE] = { N_("From -> to"), 20, 27, false },
    [TC_PROGRESS] = { N_("Progress"), 14, 30, false },
    [TC_DATA] = { N_("Data"), 13, 13, true },
    [TC_SPEED] = { N_("Speed"), 9, 9, true },
    [TC_DOWNTIME] = { N_("Downtime"), 8, 8, true },
    [TC_PASS] = { N_("Pass"), 4, 4, true },
    [TC_TIME] = { N_("Time"), 8, 8, true },
};

#define PREFIX 3

static struct {
    struct ui *ui;
    struct wlist list;
    int64_t sel_id;         /* the selected task, 0: the newest */
    int64_t last_id;        /* the newest task seen */
    bool shown;
    bool auto_shown;        /* shown because a task started */
    time_t idle_since;      /* when the last running task ended, 0 */
    int timer;              /* wakes the pane to go away, or -1 */
    int width[TC__COUNT];   /* -1: hidden */
    int cols;               /* the width the columns are for */
    struct node sel;
} P;

static struct task *
row_task(struct model *m, size_t i)
{
    return i < m->tasks.len ? m->tasks.items[m->tasks.len - 1 - i] : NULL;
}

static const char *
kind_label(enum task_kind k)
{
    switch (k) {
    case TASK_MIGRATE: return _("migration");
    case TASK_EVACUATE: return _("evacuation");
    case TASK_HA_RESTART: return _("HA restart");
    case TASK_VM_CREATE: return _("VM create");
    case TASK_ISO_UPLOAD: return _("ISO upload");
    }
    return "?";
}

static const char *
state_label(const struct task *t)
{
    switch (t->state) {
    case TASK_RUNNING:
        return t->cancel_requested ? _("cancelling") : _("running");
    case TASK_DONE: return _("done");
    case TASK_FAILED: return _("failed");
    case TASK_CANCELLED: return _("cancelled");
    case TASK_INTERRUPTED: return _("interrupted");
    }
    return "?";
}

static char
state_symbol(const struct task *t)
{
    switch (t->state) {
    case TASK_RUNNING: return '>';
    case TASK_DONE: return '+';
    case TASK_FAILED: return 'X';
    case TASK_CANCELLED: return '-';
    case TASK_INTERRUPTED: return '!';
    default: return '?';
    }
}

static int
state_color(const struct task *t)
{
    switch (t->state) {
    case TASK_RUNNING: return CE_STATE_UP;
    case TASK_DONE: return CE_OK;
    case TASK_FAILED: return CE_ERROR;
    default: return CE_STATE_WARN;
    }
}

/* Natural width of a column: its label and, for words, every value;
 * at least its minimum. */
static int
col_natural(enum tcol c)
{
    int w = text_width(_(tcols[c].label)) + 1;

    if (c == TC_KIND) {
        for (int k = TASK_MIGRATE; k <= TASK_KIND_LAST; k++) {
            int kw = text_width(kind_label(k));
            if (kw > w)
                w = kw;
        }
    } else if (c == TC_STATE) {
        const char *words[] = { _("running"), _("cancelling"), _("done"),
                                _("failed"), _("cancelled"),
                                _("interrupted") };
        for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++) {
            int sw = text_width(words[i]);
            if (sw > w)
                w = sw;
        }
    }
    /* never narrower than its label: a translation may be longer */
    if (w < tcols[c].min)
        w = tcols[c].min;
    return w;
}

/* Choose the columns for a pane cols cells wide. */
static void
layout(int cols)
{
    int avail = cols - PREFIX, used = 0;
    static const enum tcol grow[] = { TC_ROUTE, TC_NAME, TC_PROGRESS };

    P.cols = cols;
    for (int c = 0; c < TC__COUNT; c++)
        P.width[c] = -1;
    for (int c = 0; c < TC__COUNT; c++) {
        int w = col_natural(c);
        if (c > TC_STATE && used + w + 1 > avail)
            break;
        P.width[c] = w;
        used += w + 1;
    }
    for (size_t g = 0; g < sizeof(grow) / sizeof(*grow); g++) {
        enum tcol c = grow[g];
        int more = tcols[c].max - P.width[c];
        if (P.width[c] < 0 || avail - used <= 0)
            continue;
        if (more > avail - used)
            more = avail - used;
        if (more > 0) {
            P.width[c] += more;
            used += more;
        }
    }
}

/* "1:02:03" or "02:03": how long the task ran, or runs. */
static void
fmt_duration(char *buf, size_t len, const struct task *t)
{
    time_t end = t->state == TASK_RUNNING ? time(NULL) : t->ended;
    long s;

    if (!t->started || end < t->started) {
        snprintf(buf, len, "-");
        return;
    }
    s = (long)(end - t->started);
    if (s >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s % 3600 / 60, s % 60);
    else
        snprintf(buf, len, "%02ld:%02ld", s / 60, s % 60);
}

/* The host's name; a task loaded from the store may name a host that
 * is gone (stored), and an upload names none. */
static const char *
host_name(struct model *m, int64_t id, const char *stored)
{
    const struct host *h = id ? model_host_by_id(m, id) : NULL;

    return h ? h->name : stored ? stored : "-";
}

/* "src -> dst" in width cells, each name cut to its share when both do
 * not fit. */
static int
draw_route(WINDOW *w, int y, int x, int width, const char *src,
           const char *dst, attr_t attr)
{
    int sw = text_width(src), dw = text_width(dst), room = width - 4;

    if (room < 2) {
        draw_fill(w, y, x, width, attr);
        return x + width;
    }
    if (sw + dw > room) {
        int half = room / 2;
        if (sw <= half)
            dw = room - sw;
        else if (dw <= half)
            sw = room - dw;
        else {
            sw = half;
            dw = room - half;
        }
    }
    x = draw_text(w, y, x, src, sw, true, attr);
    x = draw_text(w, y, x, " -> ", 4, true, attr);
    draw_text(w, y, x, dst, width - sw - 4, true, attr);
    return x + width - sw - 4;
}

static void
tasks_row(void *opaque, size_t i, WINDOW *w, int y, int x, int width,
          attr_t sel_attr)
{
    struct ui *ui = opaque;
    struct model *m = ui_model(ui);
    const struct task *t = row_task(m, i);
    attr_t base = sel_attr ? sel_attr : A_NORMAL;
    int col = x, end = x + width;
    char buf[64], a[16], b[16];

    if (!t) {
        draw_fill(w, y, x, width, base);
        return;
    }
    buf[0] = ' ';
    buf[1] = state_symbol(t);
    buf[2] = '\0';
    col = draw_text(w, y, col, buf, 2, true,
                    sel_attr ? sel_attr : colors_attr(state_color(t)));
    col = draw_text(w, y, col, " ", 1, true, base);
    for (int c = 0; c < TC__COUNT && col < end; c++) {
        int cw = P.width[c];
        const char *text = buf;
        attr_t attr = base;

        if (cw < 0)
            continue;
        if (cw > end - col)
            cw = end - col;
        if (c >= TC_PROGRESS && t->state != TASK_RUNNING) {
            /* an ended task: its last word, over the progress columns */
            draw_text(w, y, col, t->message ? t->message : "", end - col,
                      true, sel_attr ? sel_attr
                      : t->state == TASK_FAILED ? colors_attr(CE_ERROR)
                      : base);
            return;
        }
        snprintf(buf, sizeof(buf), "-");
        switch (c) {
        case TC_NAME:
            text = t->object ? t->object : "";
            break;
        case TC_KIND:
            text = kind_label(t->kind);
            break;
        case TC_STATE:
            text = state_label(t);
            if (!sel_attr)
                attr = colors_attr(state_color(t));
            break;
        case TC_ROUTE:
            /* an evacuation sends each VM wherever it fits */
            if (t->kind == TASK_ISO_UPLOAD)
                draw_route(w, y, col, cw, _("this machine"),
                           t->where ? t->where : "-", base);
            else
                draw_route(w, y, col, cw,
                           host_name(m, t->src_host, t->src_name),
                           !t->dst_host && t->kind == TASK_EVACUATE
                           ? _("other hosts")
                           : host_name(m, t->dst_host, t->dst_name), base);
            col += cw;
            if (col < end)
                col = draw_text(w, y, col, " ", 1, true, base);
            continue;
        case TC_PROGRESS: {
            bool known = t->have_progress && t->percent >= 0;
            snprintf(buf, sizeof(buf), "%.0f%%", known ? t->percent : 0.0);
            if (sel_attr)
                draw_fill(w, y, col, cw, base);
            draw_bar(w, y, col, cw, known, t->percent, buf);
            col += cw;
            if (col < end)
                col = draw_text(w, y, col, " ", 1, true, base);
            continue;
        }
        case TC_DATA:
            if (t->have_progress && t->data_total) {
                text_bytes(a, sizeof(a), (double)t->data_processed);
                text_bytes(b, sizeof(b), (double)t->data_total);
                snprintf(buf, sizeof(buf), "%s/%s", a, b);
            }
            break;
        case TC_SPEED:
            if (t->have_progress && t->mem_bps) {
                text_bytes(a, sizeof(a), (double)t->mem_bps);
                snprintf(buf, sizeof(buf), "%s/s", a);
            }
            break;
        case TC_DOWNTIME:
            if (t->have_progress && t->downtime_ms)
                snprintf(buf, sizeof(buf), "%llu ms",
                         (unsigned long long)t->downtime_ms);
            break;
        case TC_PASS:
            if (t->have_progress && t->iteration)
                snprintf(buf, sizeof(buf), "%u", t->iteration);
            break;
        case TC_TIME:
            fmt_duration(buf, sizeof(buf), t);
            break;
        }
        col = draw_text(w, y, col, text, cw, !tcols[c].right, attr);
        if (col < end)
            col = draw_text(w, y, col, " ", 1, true, base);
    }
    if (col < end)
        draw_fill(w, y, col, end - col, base);
}

static void
tasks_paint(struct ui *ui, WINDOW *w)
{
    struct model *m = ui_model(ui);
    int cols = getmaxx(w), col = PREFIX;
    bool focused = ui_focus(ui) == PANE_TASKS;
    char *title;

    if (cols != P.cols)
        layout(cols);
    title = xasprintf(_("Tasks (%u running of %zu)"), model_tasks_running(m),
                      m->tasks.len);
    draw_title(w, title, focused);
    free(title);
    draw_fill(w, 1, 0, cols, colors_attr(CE_COLUMNS));
    for (int c = 0; c < TC__COUNT; c++) {
        if (P.width[c] < 0 || col + P.width[c] > cols)
            continue;
        draw_text(w, 1, col, _(tcols[c].label), P.width[c],
                  !tcols[c].right, colors_attr(CE_COLUMNS));
        col += P.width[c] + 1;
    }
    if (!m->tasks.len) {
        for (int y = 2; y < getmaxy(w); y++)
            draw_fill(w, y, 0, cols, A_NORMAL);
        draw_wrapped(w, 2, 1, getmaxy(w) - 2, cols - 2,
                     _("No task yet: migrations, host evacuations, HA "
                       "restarts and ISO uploads show here with their "
                       "progress."), A_NORMAL);
        return;
    }
    wlist_paint(&P.list, w, 2, 0, cols, focused);
}

/* Find the selected task again after the list changed. */
static void
reselect(struct model *m)
{
    wlist_set_count(&P.list, m->tasks.len);
    if (P.sel_id) {
        for (size_t i = 0; i < m->tasks.len; i++) {
            if (row_task(m, i)->id == P.sel_id) {
                wlist_select(&P.list, i);
                return;
            }
        }
        P.sel_id = 0;
    }
    wlist_select(&P.list, 0);
}

static void linger_check(struct ui *ui);

static void
linger_timer(void *opaque)
{
    loop_remove_timer(P.timer);
    P.timer = -1;
    if (P.ui)
        linger_check(P.ui);
}

/* An automatically shown pane goes TASKS_LINGER seconds after the last
 * task ended, but not from under the operator's cursor; a timer wakes
 * it, as nothing else may happen meanwhile. */
static void
linger_check(struct ui *ui)
{
    time_t now = time(NULL);

    if (model_tasks_running(ui_model(ui)))
        P.idle_since = 0;
    else if (!P.idle_since)
        P.idle_since = now;
    if (!P.shown || !P.auto_shown || !P.idle_since)
        return;
    if (ui_focus(ui) == PANE_TASKS) {
        if (P.timer < 0)
            P.timer = loop_add_timer(TASKS_LINGER * 1000, linger_timer,
                                     NULL);
        return;
    }
    if (now - P.idle_since >= TASKS_LINGER) {
        P.shown = false;
        P.auto_shown = false;
        ui_relayout(ui);
    } else if (P.timer < 0) {
        P.timer = loop_add_timer((int)(TASKS_LINGER - (now - P.idle_since))
                                 * 1000, linger_timer, NULL);
    }
}

static void
tasks_update(struct ui *ui, unsigned ev)
{
    struct model *m = ui_model(ui);
    bool fresh = false;

    if (ev & MODEL_EV_TASKS) {
        for (size_t i = 0; i < m->tasks.len; i++) {
            const struct task *t = m->tasks.items[i];
            if (t->id > P.last_id) {
                P.last_id = t->id;
                /* a VM create reports in its form: no pane for it */
                if (t->kind != TASK_VM_CREATE && t->kind != TASK_ISO_UPLOAD)
                    fresh = true;
            }
        }
        reselect(m);
        ui_dirty(ui, PANE_TASKS);
        if (fresh && !P.shown) {
            P.shown = true;
            P.auto_shown = true;
            ui_relayout(ui);
        }
    }
    linger_check(ui);
}

static void
tasks_open(struct ui *ui)
{
    struct model *m = ui_model(ui);

    P.ui = ui;
    P.cols = -1;
    P.timer = -1;
    wlist_init(&P.list, tasks_row, ui);
    /* tasks from before do not open the pane, except those this start
     * found interrupted: the operator has things to check */
    for (size_t i = 0; i < m->tasks.len; i++) {
        const struct task *t = m->tasks.items[i];
        if (t->id > P.last_id)
            P.last_id = t->id;
        if (t->state == TASK_INTERRUPTED && t->just_interrupted)
            P.shown = true;
    }
    wlist_set_count(&P.list, m->tasks.len);
}

static void
tasks_close(struct ui *ui)
{
    if (P.timer >= 0)
        loop_remove_timer(P.timer);
    memset(&P, 0, sizeof(P));
    P.timer = -1;
}

static void
tasks_resize(struct ui *ui, int rows, int cols)
{
    wlist_set_rows(&P.list, rows - 2);
    P.cols = -1;
}

static enum ui_result
tasks_cmd(struct ui *ui, enum action a)
{
    struct model *m = ui_model(ui);
    bool moved;

    if (wlist_cmd(&P.list, a, &moved) == UI_HANDLED) {
        if (moved) {
            const struct task *t = row_task(m, P.list.sel);
            P.sel_id = P.list.sel && t ? t->id : 0;
            ui_dirty(ui, PANE_TASKS);
        }
        return UI_HANDLED;
    }
    if (a == ACT_OPEN) {
        /* go to what the task is about */
        const struct task *t = row_task(m, P.list.sel);
        struct node n = { .kind = NODE_NONE };
        struct vm *vm = t && *t->vm_uuid ? model_vm_by_uuid(m, t->vm_uuid)
                                         : NULL;
        if (vm) {
            n.kind = NODE_VM;
            n.id = vm->host_id;
            snprintf(n.uuid, sizeof(n.uuid), "%s", vm->uuid);
        } else if (t && t->kind == TASK_EVACUATE && t->src_host &&
                   model_host_by_id(m, t->src_host)) {
            n.kind = NODE_HOST;
            n.id = t->src_host;
        }
        if (n.kind != NODE_NONE && scr_tree_select(ui, &n) == 0)
            ui_set_focus(ui, PANE_TREE);
        return UI_HANDLED;
    }
    return UI_IGNORED;
}

const struct screen_ops tasks_pane_ops = {
    .open = tasks_open,
    .close = tasks_close,
    .resize = tasks_resize,
    .update = tasks_update,
    .paint = tasks_paint,
    .cmd = tasks_cmd,
};

bool
tasks_pane_wanted(void)
{
    return P.shown;
}

void
tasks_pane_toggle(struct ui *ui)
{
    P.shown = !P.shown;
    P.auto_shown = false;
    ui_relayout(ui);
    ui_dirty(ui, PANE_TASKS);
}

const struct node *
tasks_pane_selected(void)
{
    const struct task *t;

    if (!P.ui || !(t = row_task(ui_model(P.ui), P.list.sel)))
        return NULL;
    P.sel = (struct node){ .kind = NODE_TASK, .id = t->id };
    return &P.sel;
}

/* ---- cancel ---- */

static void
cancel_yes(struct ui *ui, void *arg)
{
    int64_t id = *(int64_t *)arg;
    struct task *t = model_task_by_id(ui_model(ui), id);
    char *name = xstrdup(t && t->object ? t->object : "?");

    if (engine_task_cancel(ui_engine(ui), id) < 0)
        ui_message(ui, UI_MSG_ERROR, "%s", err_msg());
    else if (t && t->kind == TASK_ISO_UPLOAD)
        ui_message(ui, UI_MSG_INFO, _("Cancelling the upload of '%s': its "
                                      "temporary file is removed from the "
                                      "server."), name);
    else
        ui_message(ui, UI_MSG_INFO, _("Cancelling the migration of VM '%s': "
                                      "the VM stays on its host."), name);
    free(name);
    ui_dirty(ui, PANE_TASKS);
}

/* The running migration of the VM with that UUID, or NULL. */
static struct task *
vm_migration(struct model *m, const char *uuid)
{
    for (size_t i = m->tasks.len; i-- > 0;) {
        struct task *t = m->tasks.items[i];
        if (t->state == TASK_RUNNING && t->kind == TASK_MIGRATE &&
            streq(t->vm_uuid, uuid))
            return t;
    }
    return NULL;
}

void
tasks_cancel(struct ui *ui)
{
    struct model *m = ui_model(ui);
    struct task *t = NULL;
    unsigned running = model_tasks_running(m);
    int64_t *arg;
    char *text;

    if (ui_focus(ui) == PANE_TASKS) {
        t = row_task(m, P.list.sel);
    } else {
        struct vm *vm = node_vm(ui, ui_current(ui));
        if (vm)
            t = vm_migration(m, vm->uuid);
        for (size_t i = 0; !t && running == 1 && i < m->tasks.len; i++) {
            struct task *r = m->tasks.items[i];
            if (r->state == TASK_RUNNING)
                t = r;
        }
    }
    if (!t) {
        if (!running)
            ui_message(ui, UI_MSG_INFO, "%s", _("No task is running: there "
                                                "is nothing to cancel."));
        else
            ui_message(ui, UI_MSG_ERROR, ngettext(
                "%u task is running: select the one to cancel in the tasks "
                "pane (t shows it, Tab reaches it).",
                "%u tasks are running: select the one to cancel in the tasks "
                "pane (t shows it, Tab reaches it).", running), running);
        return;
    }
    if (t->state != TASK_RUNNING) {
        ui_message(ui, UI_MSG_ERROR, _("The %s of '%s' has ended (%s): there "
                                       "is nothing to cancel."),
                   kind_label(t->kind), t->object, state_label(t));
        return;
    }
    if (t->kind != TASK_MIGRATE && t->kind != TASK_ISO_UPLOAD) {
        ui_message(ui, UI_MSG_ERROR, _("Only a migration or an upload can be "
                                       "cancelled; the %s of '%s' runs to "
                                       "its end."),
                   kind_label(t->kind), t->object);
        return;
    }
    if (t->kind == TASK_ISO_UPLOAD) {
        if (t->cancel_requested) {
            ui_message(ui, UI_MSG_INFO, _("The upload of '%s' is already "
                                          "being cancelled."), t->object);
            return;
        }
        arg = xmalloc(sizeof(*arg));
        *arg = t->id;
        text = xasprintf(_("Cancel the upload of '%s' to storage domain "
                           "'%s'? Nothing is left on the server under that "
                           "name."), t->object, t->where ? t->where : "?");
        dialog_confirm(ui, _("Cancel upload"), text, false, cancel_yes, arg,
                       free);
        free(text);
        return;
    }
    if (t->cancel_requested) {
        ui_message(ui, UI_MSG_INFO, _("The migration of VM '%s' is already "
                                      "being cancelled."), t->object);
        return;
    }
    arg = xmalloc(sizeof(*arg));
    *arg = t->id;
    text = xasprintf(_("Cancel the migration of VM '%s' from host '%s' to "
                       "host '%s'? The VM keeps running on host '%s'."),
                     t->object, host_name(m, t->src_host, NULL),
                     host_name(m, t->dst_host, NULL),
                     host_name(m, t->src_host, NULL));
    dialog_confirm(ui, _("Cancel migration"), text, false, cancel_yes, arg,
                   free);
    free(text);
}
