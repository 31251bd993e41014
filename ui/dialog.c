/* dialog.c: the confirmation dialog (see dialog.h).
 *
 * The dialog only answers keys handed to it by the main dispatcher; the
 * action runs from the loop pass that got the answer.  A yes/no question
 * is a question with two answers whose "no" calls nothing. */
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

#define MAX_CHOICES 4

struct dialog {
    char *title, *text;
    int n;
    int keys[MAX_CHOICES];
    char *labels[MAX_CHOICES];
    int sel;                /* the highlighted answer */
    int no;                 /* yes/no: the answer Esc and 'q' give, else -1 */
    dialog_choose_fn fn;
    dialog_yes_fn yes;      /* yes/no questions */
    void *arg;
    void (*arg_free)(void *);
};

/* The answers' width on one row, gaps included. */
static int
buttons_width(const struct dialog *d)
{
    int w = 0;

    for (int i = 0; i < d->n; i++)
        w += text_width(d->labels[i]) + (i ? 4 : 0);
    return w;
}

/* Answers go on one row when they fit, else one per row. */
static int
button_rows(const struct dialog *d, int inner)
{
    return buttons_width(d) <= inner ? 1 : d->n;
}

static void
dialog_layout(struct ui *ui, struct modal *m)
{
    struct dialog *d = m->data;
    int cols = ui_cols(ui), rows = ui_rows(ui);
    int w = cols - 4 < 72 ? cols - 4 : 72;
    int tw, lines, h, brows;

    if (w < 20)
        w = cols;
    tw = text_width(d->text);
    lines = tw / (w - 4) + 2;
    brows = button_rows(d, w - 4);
    if (lines > rows - 5 - brows)
        lines = rows - 5 - brows;
    if (lines < 1)
        lines = 1;
    h = lines + 4 + brows;
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
    int h = getmaxy(w), cols = getmaxx(w), x, y;
    int brows = button_rows(d, cols - 4);
    attr_t base = colors_attr(CE_DIALOG);

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
    draw_wrapped(w, 2, 2, h - 4 - brows, cols - 4, d->text, base);
    y = h - 1 - brows;
    if (brows == 1) {
        /* centred under the text */
        x = (cols - buttons_width(d)) / 2;
        if (x < 2)
            x = 2;
        for (int i = 0; i < d->n; i++) {
            int lw = text_width(d->labels[i]);
            if (i)
                x += 4;
            if (lw > cols - 2 - x)
                lw = cols - 2 - x;
            if (lw > 0)
                x = draw_text(w, y, x, d->labels[i], lw, true,
                              i == d->sel ? base | A_REVERSE : base);
        }
        return;
    }
    for (int i = 0; i < d->n && y + i < h - 1; i++)
        draw_text(w, y + i, 2, d->labels[i], text_width(d->labels[i]) <
                  cols - 4 ? text_width(d->labels[i]) : cols - 4, true,
                  i == d->sel ? base | A_REVERSE : base);
}

/* Give the answer and close: the dialog closes right after, so the
 * callback may open another modal. */
static enum ui_result
dialog_answer(struct ui *ui, struct dialog *d, int choice)
{
    if (d->yes) {
        if (choice == 0)
            d->yes(ui, d->arg);
    } else if (d->fn) {
        d->fn(ui, d->arg, choice);
    }
    return UI_CLOSE;
}

static enum ui_result
dialog_key(struct ui *ui, struct modal *m, int key)
{
    struct dialog *d = m->data;
    enum action a = actions_lookup(key);
    int lower = key >= 'A' && key <= 'Z' ? key - 'A' + 'a' : key;

    for (int i = 0; i < d->n; i++) {
        if (lower == d->keys[i])
            return dialog_answer(ui, d, i);
    }
    if (key == UI_KEY_ENTER)
        return dialog_answer(ui, d, d->sel);
    if (key == UI_KEY_ESC || a == ACT_QUIT)
        return dialog_answer(ui, d, d->no);
    if (key == UI_KEY_TAB || a == ACT_RIGHT || a == ACT_FOCUS_NEXT ||
        a == ACT_DOWN) {
        d->sel = (d->sel + 1) % d->n;
        m->dirty = true;
    } else if (a == ACT_LEFT || a == ACT_FOCUS_PREV || a == ACT_UP) {
        d->sel = (d->sel + d->n - 1) % d->n;
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
    for (int i = 0; i < d->n; i++)
        free(d->labels[i]);
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

static struct dialog *
dialog_new(const char *title, const char *text,
           const struct dialog_choice *choices, int n, int highlighted)
{
    struct dialog *d = xcalloc(1, sizeof(*d));

    if (n > MAX_CHOICES)
        n = MAX_CHOICES;
    d->title = xstrdup(title);
    d->text = xstrdup(text);
    d->n = n;
    for (int i = 0; i < n; i++) {
        d->keys[i] = choices[i].key;
        d->labels[i] = xstrdup(choices[i].label);
    }
    d->sel = highlighted >= 0 && highlighted < n ? highlighted : 0;
    d->no = -1;
    return d;
}

static void
dialog_push(struct ui *ui, struct dialog *d)
{
    struct modal *m = xcalloc(1, sizeof(*m));

    m->ops = &dialog_ops;
    m->data = d;
    ui_modal_push(ui, m);
}

void
dialog_confirm(struct ui *ui, const char *title, const char *text,
               bool default_yes, dialog_yes_fn yes, void *arg,
               void (*arg_free)(void *))
{
    const struct dialog_choice yn[] = {
        { 'y', _("[y] Yes") },
        { 'n', _("[n] No") },
    };
    struct dialog *d = dialog_new(title, text, yn, 2, default_yes ? 0 : 1);

    d->no = 1;
    d->yes = yes;
    d->arg = arg;
    d->arg_free = arg_free;
    dialog_push(ui, d);
}

void
dialog_choose(struct ui *ui, const char *title, const char *text,
              const struct dialog_choice *choices, int n, int highlighted,
              dialog_choose_fn fn, void *arg, void (*arg_free)(void *))
{
    struct dialog *d = dialog_new(title, text, choices, n, highlighted);

    d->fn = fn;
    d->arg = arg;
    d->arg_free = arg_free;
    dialog_push(ui, d);
}
