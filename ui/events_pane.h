/* events_pane.h: the events pane, the audit log newest first.
 *
 * Operation results, refusals and host state changes appear here as the
 * engine records them; the selection stays on its entry (by audit id) when
 * new ones arrive. */
#ifndef VD_UI_EVENTS_PANE_H
#define VD_UI_EVENTS_PANE_H
#include "ui/ui.h"

extern const struct screen_ops events_pane_ops;

#endif
