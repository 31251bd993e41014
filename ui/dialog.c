/* dialog.c: the confirmation dialog (see dialog.h).
 *
 * The dialog only answers keys handed to it by the main dispatcher; the
 * action runs from the loop pass that got the "y". */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/dialog.h"
#include "ui/draw.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/text.h"

struct dialog {
    char *title, *text;
    bool yes_sel;           /* the highlighted answer */
    dialog_yes_fn yes;
    void *arg;
    void (*arg_free)(void *);
};

static void
dialog_layout(struct ui *ui, struct modal *m)
{
    struct dialog *d = m->data;
    int cols = ui_cols(ui), rows = ui_rows(ui);
    int w = cols - 4 < 72 ? cols - 4 : 72;
    int tw = text_width(d->text), lines = tw / (w - 4) + 2, h;

    if (w < 20)
        w = cols;
    if (lines > rows - 6)
        lines = rows - 6;
    if (lines < 1)
        lines = 1;
    h = lines + 5;
    if (h > rows)
        h = rows;
    if (m->win)
        delwin(m->win);
    m->win = newwin(h, w, (rows - h) / 2, (cols - w) / 2);
    m->dirty = true;
}

static void
dialog_paint(struct ui *ui, struct modal *m)
{
    struct dialog *d = m->data;
    WINDOW *w = m->win;
    int h = getmaxy(w), cols = getmaxx(w), x;
    attr_t base = colors_attr(CE_DIALOG);
    const char *yes = _("[y] Yes"), *no = _("[n] No");

    wbkgdset(w, ' ' | base);
    werase(w);
    wattrset(w, base);
    box(w, 0, 0);
    {
        char *t = xasprintf(" %s ", d->title);
        draw_text(w, 0, 2, t, text_width(t) < cols - 4 ? text_width(t)
                  : cols - 4, true, base | A_BOLD);
        free(t);
    }
    draw_wrapped(w, 2, 2, h - 5, cols - 4, d->text, base);
    x = cols / 2 - text_width(yes) - 2;
    if (x < 2)
        x = 2;
    x = draw_text(w, h - 2, x, yes, text_width(yes), true,
                  d->yes_sel ? base | A_REVERSE : base);
    draw_text(w, h - 2, x + 4, no, text_width(no), true,
              d->yes_sel ? base : base | A_REVERSE);
}

static enum ui_result
dialog_key(struct ui *ui, struct modal *m, int key)
{
    struct dialog *d = m->data;
    enum action a = actions_lookup(key);

    if (key == 'y' || key == 'Y' || (key == UI_KEY_ENTER && d->yes_sel)) {
        /* the dialog closes first: the action may open another modal */
        dialog_yes_fn fn = d->yes;
        if (fn)
            fn(ui, d->arg);
        return UI_CLOSE;
    }
    if (key == 'n' || key == 'N' || key == UI_KEY_ESC || key == UI_KEY_ENTER ||
        a == ACT_QUIT)
        return UI_CLOSE;
    if (key == UI_KEY_TAB || a == ACT_LEFT || a == ACT_RIGHT ||
        a == ACT_FOCUS_NEXT || a == ACT_FOCUS_PREV) {
        d->yes_sel = !d->yes_sel;
        m->dirty = true;
    }
    return UI_HANDLED;
}

static void
dialog_free(struct modal *m)
{
    struct dialog *d = m->data;

    if (d->arg_free)
        d->arg_free(d->arg);
    free(d->title);
    free(d->text);
    free(d);
    if (m->win)
        delwin(m->win);
    free(m);
}

static const struct modal_ops dialog_ops = {
    .key = dialog_key,
    .layout = dialog_layout,
    .paint = dialog_paint,
    .free = dialog_free,
};

void
dialog_confirm(struct ui *ui, const char *title, const char *text,
               bool default_yes, dialog_yes_fn yes, void *arg,
               void (*arg_free)(void *))
{
    struct modal *m = xcalloc(1, sizeof(*m));
    struct dialog *d = xcalloc(1, sizeof(*d));

    d->title = xstrdup(title);
    d->text = xstrdup(text);
    d->yes_sel = default_yes;
    d->yes = yes;
    d->arg = arg;
    d->arg_free = arg_free;
    m->ops = &dialog_ops;
    m->data = d;
    ui_modal_push(ui, m);
}
