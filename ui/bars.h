/* bars.h: the header and the status line.
 *
 * The header counts data centers, hosts up, VMs running and the tasks in
 * flight.  The status line shows the last result or a hint, and below it
 * the function-key bar, both generated from the action table. */
#ifndef VD_UI_BARS_H
#define VD_UI_BARS_H
#include "ui/ui.h"

extern const struct screen_ops header_ops;
extern const struct screen_ops status_ops;

#endif
