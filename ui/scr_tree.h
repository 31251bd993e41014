/* scr_tree.h: the inventory tree pane.
 *
 * Data centers > clusters > hosts > VMs, and the storage domains of each
 * data center, one row per object with a state symbol.  The tree keeps its
 * selection and which nodes are open by id, so it survives any change of
 * the model. */
#ifndef VD_UI_SCR_TREE_H
#define VD_UI_SCR_TREE_H
#include "ui/ui.h"

extern const struct screen_ops scr_tree_ops;

/* The selected node (kind NODE_NONE when the inventory is empty). */
const struct node *scr_tree_selected(void);
/* Select n, opening its ancestors.  Returns 0, or -1 when it is not in
 * the tree. */
int scr_tree_select(struct ui *ui, const struct node *n);

#endif
