/* migform.h: the live-migration form (ncurses form library).
 *
 * For the marked VMs, else the selected one: the destination (automatic,
 * showing the host the engine would pick and its free memory, or an Up
 * host of the VM's cluster) and the policy, prefilled from the cluster's
 * defaults: bandwidth, maximum downtime, auto-converge, post-copy, storage
 * copy, timeout and what happens then; and whether these become the
 * cluster's defaults.  A modal like the other forms: keys reach it from
 * the main dispatcher; each field is checked when left and all again on
 * Enter; the engine's refusal shows in the form; Esc cancels.  Once the
 * migrations start the form closes and the tasks pane follows them. */
#ifndef VD_UI_MIGFORM_H
#define VD_UI_MIGFORM_H
#include "ui/ui.h"

/* Open the form for the marked VMs, or the current VM. */
void migform_open(struct ui *ui);

#endif
