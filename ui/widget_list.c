/* widget_list.c: the generic list (see widget_list.h).
 *
 * Scrolling keeps the selection visible with the least movement, like
 * htop's Panel: moving one row repaints the rows on screen, nothing
 * else. */
#include <config.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/widget_list.h"

void
wlist_init(struct wlist *l, wlist_row_fn row, void *opaque)
{
    l->count = l->sel = l->top = 0;
    l->rows = 1;
    l->row = row;
    l->opaque = opaque;
}

static void
wlist_scroll(struct wlist *l)
{
    size_t rows = l->rows > 0 ? (size_t)l->rows : 1;

    if (!l->count) {
        l->sel = l->top = 0;
        return;
    }
    if (l->sel >= l->count)
        l->sel = l->count - 1;
    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + rows)
        l->top = l->sel - rows + 1;
    /* no empty space below the last row when the list could fill it */
    if (l->top + rows > l->count)
        l->top = l->count > rows ? l->count - rows : 0;
}

void
wlist_set_count(struct wlist *l, size_t count)
{
    l->count = count;
    wlist_scroll(l);
}

void
wlist_set_rows(struct wlist *l, int rows)
{
    l->rows = rows > 0 ? rows : 1;
    wlist_scroll(l);
}

void
wlist_select(struct wlist *l, size_t i)
{
    l->sel = i;
    wlist_scroll(l);
}

enum ui_result
wlist_cmd(struct wlist *l, enum action a, bool *moved)
{
    size_t old = l->sel, page = l->rows > 1 ? (size_t)l->rows - 1 : 1;

    *moved = false;
    switch (a) {
    case ACT_UP:
        if (l->sel > 0)
            l->sel--;
        break;
    case ACT_DOWN:
        if (l->sel + 1 < l->count)
            l->sel++;
        break;
    case ACT_PAGE_UP:
        l->sel = l->sel > page ? l->sel - page : 0;
        break;
    case ACT_PAGE_DOWN:
        l->sel += page;
        if (l->count && l->sel >= l->count)
            l->sel = l->count - 1;
        break;
    case ACT_HOME:
        l->sel = 0;
        break;
    case ACT_END:
        if (l->count)
            l->sel = l->count - 1;
        break;
    default:
        return UI_IGNORED;
    }
    wlist_scroll(l);
    *moved = l->sel != old;
    return UI_HANDLED;
}

void
wlist_paint(struct wlist *l, WINDOW *w, int y0, int x, int width,
            bool focused)
{
    attr_t sel = colors_attr(focused ? CE_SELECTED : CE_SELECTED_INACTIVE);

    for (int r = 0; r < l->rows; r++) {
        size_t i = l->top + (size_t)r;
        if (i >= l->count) {
            draw_fill(w, y0 + r, x, width, A_NORMAL);
            continue;
        }
        l->row(l->opaque, i, w, y0 + r, x, width, i == l->sel ? sel : 0);
    }
}
