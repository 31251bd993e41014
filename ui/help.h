/* help.h: the help screen, generated from the action table.
 *
 * Every action with its keys (as bound now), its name for the
 * configuration and the `:` command line, and its help line; then the
 * state symbols and the colour element names. */
#ifndef VD_UI_HELP_H
#define VD_UI_HELP_H
#include "ui/ui.h"

void help_open(struct ui *ui);

#endif
