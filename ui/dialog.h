/* dialog.h: the confirmation dialog.
 *
 * A modal that names what is about to happen and waits for y (yes) or
 * n / Esc (no).  Enter takes the highlighted answer, which starts on "No"
 * for destructive actions. */
#ifndef VD_UI_DIALOG_H
#define VD_UI_DIALOG_H
#include <stdbool.h>
#include "ui/ui.h"

typedef void (*dialog_yes_fn)(struct ui *ui, void *arg);

/* Ask; on yes call yes(ui, arg).  arg is owned by the dialog and freed with
 * arg_free (may be NULL) when it closes either way.  title and text are
 * copied. */
void dialog_confirm(struct ui *ui, const char *title, const char *text,
                    bool default_yes, dialog_yes_fn yes, void *arg,
                    void (*arg_free)(void *));

#endif
