/* host_ops.h: what the console does to a host beyond the inventory.
 *
 * Maintenance (its VMs migrate away first), activation, the operator's
 * word that a NonResponsive host was rebooted, and its SPM priority.
 * Each asks first where the operation moves or restarts VMs, naming the
 * host; when the engine would refuse anyway (the host is in the wrong
 * state) nothing is asked and the engine says why. */
#ifndef VD_UI_HOST_OPS_H
#define VD_UI_HOST_OPS_H
#include "ui/actions.h"
#include "ui/ui.h"

/* Run a on the current host (ACT_HOST_MAINTENANCE, ACT_HOST_ACTIVATE,
 * ACT_HOST_CONFIRM_REBOOTED, ACT_HOST_SPM_PRIORITY). */
void host_ops_action(struct ui *ui, enum action a);

#endif
