/* events_pane.c: the events pane (see events_pane.h).
 *
 * Row i is the audit entry i places from the newest.  Columns: time,
 * result as a word (readable without colour), object, message; the user
 * is shown when the pane is wide. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/events_pane.h"
#include "ui/widget_list.h"
#include "src/model.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/text.h"

static struct {
    struct ui *ui;
    struct wlist list;
    int64_t sel_id;         /* the selected entry, 0: the newest */
} E;

static const struct audit *
entry(struct model *m, size_t i)
{
    return i < m->audit.len ? m->audit.items[m->audit.len - 1 - i] : NULL;
}

static const char *
result_label(const char *result)
{
    if (streq(result, "ok"))
        return _("ok");
    if (streq(result, "failed"))
        return _("failed");
    return _("info");
}

static void
events_row(void *opaque, size_t i, WINDOW *w, int y, int x, int width,
           attr_t sel_attr)
{
    struct ui *ui = opaque;
    const struct audit *a = entry(ui_model(ui), i);
    attr_t base = sel_attr ? sel_attr : A_NORMAL;
    char when[16];
    struct tm tm;
    int col = x, rw = 7, ow = width >= 100 ? 20 : 14;
    int res;

    if (!a) {
        draw_fill(w, y, x, width, base);
        return;
    }
    for (const char *const *r = (const char *const[]){ "ok", "failed", "info",
                                                       NULL }; *r; r++) {
        int lw = text_width(result_label(*r));
        if (lw + 1 > rw)
            rw = lw + 1;
    }
    localtime_r(&a->time, &tm);
    strftime(when, sizeof(when), "%H:%M:%S", &tm);
    res = streq(a->result, "ok") ? CE_OK
          : streq(a->result, "failed") ? CE_ERROR : CE_INFO;
    col = draw_text(w, y, col, " ", 1, true, base);
    col = draw_text(w, y, col, when, 9, true, base);
    col = draw_text(w, y, col, result_label(a->result), rw, true,
                    sel_attr ? sel_attr : colors_attr(res));
    if (width >= 120)
        col = draw_text(w, y, col, a->user, 12, true, base);
    col = draw_text(w, y, col, a->object, ow, true, base);
    col = draw_text(w, y, col, " ", 1, true, base);
    draw_text(w, y, col, a->message, x + width - col, true, base);
}

static void
events_open(struct ui *ui)
{
    E.ui = ui;
    wlist_init(&E.list, events_row, ui);
    wlist_set_count(&E.list, ui_model(ui)->audit.len);
}

static void
events_resize(struct ui *ui, int rows, int cols)
{
    wlist_set_rows(&E.list, rows - 1);
}

static void
events_update(struct ui *ui, unsigned ev)
{
    struct model *m = ui_model(ui);

    if (!(ev & MODEL_EV_AUDIT))
        return;
    wlist_set_count(&E.list, m->audit.len);
    if (E.sel_id) {
        /* stay on the entry the operator selected */
        for (size_t i = 0; i < m->audit.len; i++) {
            if (entry(m, i)->id == E.sel_id) {
                wlist_select(&E.list, i);
                break;
            }
        }
    } else {
        wlist_select(&E.list, 0);
    }
    ui_dirty(ui, PANE_EVENTS);
}

static void
events_paint(struct ui *ui, WINDOW *w)
{
    struct model *m = ui_model(ui);
    char title[128];

    snprintf(title, sizeof(title), _("Events (%zu)"), m->audit.len);
    draw_title(w, title, ui_focus(ui) == PANE_EVENTS);
    if (!m->audit.len) {
        for (int y = 1; y < getmaxy(w); y++) {
            wmove(w, y, 0);
            wclrtoeol(w);
        }
        draw_text(w, 1, 1, _("No events yet."), getmaxx(w) - 2, true,
                  A_NORMAL);
        return;
    }
    wlist_paint(&E.list, w, 1, 0, getmaxx(w), ui_focus(ui) == PANE_EVENTS);
}

static enum ui_result
events_cmd(struct ui *ui, enum action a)
{
    bool moved;

    if (wlist_cmd(&E.list, a, &moved) != UI_HANDLED)
        return UI_IGNORED;
    if (moved) {
        const struct audit *e = entry(ui_model(ui), E.list.sel);
        E.sel_id = E.list.sel && e ? e->id : 0;
        ui_dirty(ui, PANE_EVENTS);
    }
    return UI_HANDLED;
}

static void
events_close(struct ui *ui)
{
    memset(&E, 0, sizeof(E));
}

const struct screen_ops events_pane_ops = {
    .open = events_open,
    .close = events_close,
    .resize = events_resize,
    .update = events_update,
    .paint = events_paint,
    .cmd = events_cmd,
};
