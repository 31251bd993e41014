/* detail.h: the detail pane.
 *
 * Everything known about the current object: a host's CPU and memory as
 * bars with a sparkline of its recent CPU use, a VM's configuration,
 * console and recent events, a data center's or cluster's totals.  When
 * focused, the arrows scroll it. */
#ifndef VD_UI_DETAIL_H
#define VD_UI_DETAIL_H
#include "ui/ui.h"

extern const struct screen_ops detail_ops;

#endif
