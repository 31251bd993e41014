/* ui.h: the ncurses console. */
#ifndef VD_UI_H
#define VD_UI_H

struct engine;
struct config;
struct cli_opts;

/* Run the console over an opened engine until the operator quits.
 * Returns an exit code. */
int ui_run(struct engine *e, const struct config *cfg,
           const struct cli_opts *o);

#endif
