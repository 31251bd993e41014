/* sd_ops.h: storage domains in data centers, from the console.
 *
 * The storage domain acted on is the current one, in the data center it
 * is shown under (struct node's dc_id).  Activate, maintenance, detach,
 * attach (a form that asks for the data center) and remove; maintenance,
 * detach and remove ask first, naming the domain and the data center.
 * When the engine would refuse anyway, nothing is asked and the engine
 * says why. */
#ifndef VD_UI_SD_OPS_H
#define VD_UI_SD_OPS_H
#include "ui/actions.h"
#include "ui/ui.h"

/* Run a on the current storage domain (ACT_SD_ATTACH, ACT_SD_DETACH,
 * ACT_SD_ACTIVATE, ACT_SD_MAINTENANCE, ACT_SD_REMOVE). */
void sd_ops_action(struct ui *ui, enum action a);

#endif
