/* widget_list.h: a scrolling list of rows, configured by callbacks.
 *
 * The widget knows only a row count, a selection and a scroll offset; the
 * screen that owns it paints each row through a callback (tmux's
 * mode-tree serves its modes the same way).  Only the visible rows are
 * painted, so a list of 10,000 VMs costs what a list of 10 does. */
#ifndef VD_UI_WIDGET_LIST_H
#define VD_UI_WIDGET_LIST_H
#include <stdbool.h>
#include <stddef.h>
#include "ui/ui.h"

/* Paint row i at window row y, width cells from column x.  selected: it
 * is the selection; attr: the attribute of a selected row (or 0). */
typedef void (*wlist_row_fn)(void *opaque, size_t i, WINDOW *w, int y,
                             int x, int width, attr_t sel_attr);

struct wlist {
    size_t count;
    size_t sel;         /* valid when count > 0 */
    size_t top;         /* first visible row */
    int rows;           /* visible rows */
    wlist_row_fn row;
    void *opaque;
};

void wlist_init(struct wlist *l, wlist_row_fn row, void *opaque);
/* Set the number of rows, keeping the selection in range. */
void wlist_set_count(struct wlist *l, size_t count);
void wlist_set_rows(struct wlist *l, int rows);
void wlist_select(struct wlist *l, size_t i);
/* Moves for ACT_UP, ACT_DOWN, ACT_PAGE_*, ACT_HOME, ACT_END: UI_HANDLED,
 * else UI_IGNORED.  *moved tells whether the selection changed. */
enum ui_result wlist_cmd(struct wlist *l, enum action a, bool *moved);
/* Paint the visible rows from window row y0, width cells from x. */
void wlist_paint(struct wlist *l, WINDOW *w, int y0, int x, int width,
                 bool focused);

#endif
