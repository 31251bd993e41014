/* ui.c: placeholder console until the ncurses front end lands. */
#include <config.h>
#include <stdio.h>
#include "ui/ui.h"

int
ui_run(struct engine *e, const struct config *cfg, const struct cli_opts *o)
{
    fputs("virtdeck: the console is not built in; use --dump.\n", stderr);
    return 1;
}
