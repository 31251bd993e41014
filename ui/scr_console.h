/* scr_console.h: a VM's serial console, full screen, inside the console.
 *
 * A modal over every pane: what the guest writes is shown as on a simple
 * terminal, what the operator types goes to the guest, Ctrl-] returns to
 * the panes and closes the console.  The main loop keeps running meanwhile,
 * so the model goes on updating underneath. */
#ifndef VD_UI_SCR_CONSOLE_H
#define VD_UI_SCR_CONSOLE_H
#include "ui/ui.h"

/* Open the serial console of the VM with that UUID.  When the engine
 * cannot even start (unknown VM or host), the status line says why. */
void scr_console_open(struct ui *ui, const char *uuid);

#endif
