/* preflight_view.h: the host checks in a dialog.
 *
 * Opened after the add-host form and on demand (host-check) on the
 * selected host: it starts the engine's preflight (src/preflight.h),
 * says it is checking, then lists each check with its state and, where
 * it does not pass, its fix.  Esc closes it at any time; checks still
 * running are then dropped. */
#ifndef VD_UI_PREFLIGHT_VIEW_H
#define VD_UI_PREFLIGHT_VIEW_H
#include "ui/ui.h"

/* Check the host called name (nothing happens for an unknown name). */
void preflight_view_open(struct ui *ui, const char *name);

#endif
