/* cmdline.h: the line editor on the status line.
 *
 * Two uses: `:` reads an action name and runs it (Tab completes from the
 * action table), `/` reads a filter and applies it to the list as the
 * operator types (Enter keeps it, Esc puts back the previous one). */
#ifndef VD_UI_CMDLINE_H
#define VD_UI_CMDLINE_H
#include "ui/ui.h"

void cmdline_open_command(struct ui *ui);
void cmdline_open_filter(struct ui *ui);

#endif
