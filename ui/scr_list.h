/* scr_list.h: the list pane.
 *
 * What the tree's selection holds, one row per object: the VMs of a host
 * (or of a cluster or data center), the hosts of a cluster or data center,
 * the storage domains of a data center.  Rows are kept as ids, filtered by
 * name as the operator types and sorted by a column; VMs can be marked for
 * an action on many at once. */
#ifndef VD_UI_SCR_LIST_H
#define VD_UI_SCR_LIST_H
#include <stdbool.h>
#include "ui/ui.h"

struct vec;

extern const struct screen_ops scr_list_ops;

/* Show what scope holds.  select: the row to select when present (a VM),
 * may be NULL. */
void scr_list_set_scope(struct ui *ui, const struct node *scope,
                        const struct node *select);
/* The selected row, or NULL when the list is empty. */
const struct node *scr_list_selected(void);
/* The filter text; borrowed until the next scr_list_set_filter(). */
const char *scr_list_filter(void);
void scr_list_set_filter(struct ui *ui, const char *text);
/* UUIDs (char *, owned by the caller) of the marked VMs that still
 * exist, in list order. */
void scr_list_marked(struct ui *ui, struct vec *out);
unsigned scr_list_mark_count(void);
void scr_list_clear_marks(struct ui *ui);

#endif
