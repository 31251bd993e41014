/* preflight_view.c: the host checks in a dialog (see preflight_view.h).
 *
 * A modal over the panes: the report arrives through the preflight's done
 * callback on the main thread, which only stores it and marks the dialog
 * dirty; paint() draws it.  Text is measured in cells, so Hangul lines up
 * and wraps like any other text. */
#include <config.h>
#include <stdlib.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/preflight_view.h"
#include "src/conf.h"
#include "src/model.h"
#include "src/preflight.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/text.h"

struct pf_view {
    struct modal *m;
    char *name, *uri;
    struct pf_run *run;         /* while checking */
    struct pf_report *r;        /* once done */
    size_t top;                 /* first check shown */
};

static void
view_done(void *opaque, struct pf_report *r)
{
    struct pf_view *v = opaque;

    v->run = NULL;
    v->r = r;
    v->m->dirty = true;
}

static void
view_layout(struct ui *ui, struct modal *m)
{
    int cols = ui_cols(ui), rows = ui_rows(ui);
    int w = cols - 4 < 96 ? cols - 4 : 96;
    int h = rows - 2 < 30 ? rows - 2 : 30;

    if (w < 20)
        w = cols;
    if (h < 8)
        h = rows;
    if (m->win)
        delwin(m->win);
    m->win = newwin(h, w, (rows - h) / 2, (cols - w) / 2);
    m->dirty = true;
}

static attr_t
state_attr(enum pf_state s, attr_t base)
{
    (void)base;
    return colors_attr(s == PF_PASS ? CE_OK : s == PF_WARN ? CE_STATE_WARN
                       : CE_ERROR) | A_BOLD;
}

static void
view_paint(struct ui *ui, struct modal *m)
{
    struct pf_view *v = m->data;
    WINDOW *w = m->win;
    int h = getmaxy(w), cols = getmaxx(w), y = 2, lw = 0;
    attr_t base = colors_attr(CE_DIALOG);
    char *t;

    wbkgdset(w, ' ' | base);
    werase(w);
    wattrset(w, base);
    box(w, 0, 0);
    t = xasprintf(_(" Host check: %s "), v->name);
    draw_text(w, 0, 2, t, text_width(t) < cols - 4 ? text_width(t)
              : cols - 4, true, base | A_BOLD);
    free(t);
    draw_text(w, 1, 2, v->uri, cols - 4, true, base);
    if (!v->r) {
        t = xasprintf(_("Checking host '%s': libvirt, name resolution, "
                        "firewall ports..."), v->name);
        draw_wrapped(w, 3, 2, h - 5, cols - 4, t, base);
        free(t);
    } else {
        /* the state column: as wide as its widest translated word */
        for (int s = PF_PASS; s <= PF_FAIL; s++) {
            int sw = text_width(pf_state_label(s)) + 2;
            lw = sw > lw ? sw : lw;
        }
        for (size_t i = v->top; i < v->r->n && y < h - 3; i++) {
            const struct pf_result *it = &v->r->items[i];
            char *label = xasprintf("[%s]", pf_state_label(it->state));
            char *title = xasprintf("%s:", pf_check_title(it->check));
            int x = 2, tw = text_width(title) + 1;

            draw_text(w, y, x, label, lw, true, state_attr(it->state, base));
            x += lw + 1;
            if (x + tw > cols - 4)
                tw = cols - 4 - x;
            if (tw > 0)
                draw_text(w, y, x, title, tw, true, base | A_BOLD);
            y++;
            y += draw_wrapped(w, y, 4, h - 3 - y, cols - 6, it->summary,
                              base);
            if (it->fix && y < h - 3) {
                char *fix = xasprintf(_("Fix: %s"), it->fix);
                y += draw_wrapped(w, y, 4, h - 3 - y, cols - 6, fix, base);
                free(fix);
            }
            free(label);
            free(title);
        }
    }
    draw_text(w, h - 2, 2, _("Esc closes; Up and Down scroll."), cols - 4,
              true, base);
}

static enum ui_result
view_key(struct ui *ui, struct modal *m, int key)
{
    struct pf_view *v = m->data;
    enum action a = actions_lookup(key);

    if (key == UI_KEY_ESC || key == UI_KEY_ENTER || a == ACT_QUIT)
        return UI_CLOSE;
    if (v->r && (a == ACT_DOWN || a == ACT_PAGE_DOWN) &&
        v->top + 1 < v->r->n) {
        v->top++;
        m->dirty = true;
    } else if ((a == ACT_UP || a == ACT_PAGE_UP) && v->top > 0) {
        v->top--;
        m->dirty = true;
    }
    return UI_HANDLED;
}

static void
view_free(struct modal *m)
{
    struct pf_view *v = m->data;

    if (v->run)
        pf_cancel(v->run);
    pf_report_free(&v->r);
    free(v->name);
    free(v->uri);
    free(v);
    if (m->win)
        delwin(m->win);
    free(m);
}

static const struct modal_ops view_ops = {
    .key = view_key,
    .layout = view_layout,
    .paint = view_paint,
    .free = view_free,
};

void
preflight_view_open(struct ui *ui, const char *name)
{
    struct host *h = model_host_by_name(ui_model(ui), name);
    const struct config *cfg = ui_config(ui);
    struct pf_opts po = { .timeout = cfg ? cfg->connect_timeout : 10,
                          .probe_timeout = 1.5 };
    struct modal *m;
    struct pf_view *v;

    if (!h)
        return;
    m = xcalloc(1, sizeof(*m));
    v = xcalloc(1, sizeof(*v));
    m->ops = &view_ops;
    m->data = v;
    v->m = m;
    v->name = text_safe(h->name);
    v->uri = text_safe(h->uri);
    v->run = pf_start(h->uri, &po, view_done, v);
    ui_modal_push(ui, m);
}
