/* tasks_pane.h: the tasks pane.
 *
 * One row per task of the engine (model->tasks), newest first: what kind,
 * on what, from which host to which, its state, and while it runs a
 * progress bar with the data copied, the speed, the pass and the expected
 * downtime; an ended task shows its last word instead.  The pane appears
 * by itself when a task starts and goes away some seconds after the last
 * one ended, unless the operator asked for it (the tasks action).  With
 * the focus on it, the detail pane shows the selected task in full. */
#ifndef VD_UI_TASKS_PANE_H
#define VD_UI_TASKS_PANE_H
#include <stdbool.h>
#include "ui/ui.h"

extern const struct screen_ops tasks_pane_ops;

/* Should the console give the pane a window? */
bool tasks_pane_wanted(void);
/* The tasks action: show the pane, or hide it. */
void tasks_pane_toggle(struct ui *ui);
/* The selected task as a node (NODE_TASK), or NULL when there is none. */
const struct node *tasks_pane_selected(void);
/* The task-cancel action: ask, naming the VM, then cancel the running
 * migration selected in the pane (or the current VM's, or the only one). */
void tasks_cancel(struct ui *ui);

#endif
