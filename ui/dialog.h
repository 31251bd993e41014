/* dialog.h: the confirmation dialog.
 *
 * A modal that names what is about to happen and waits for an answer:
 * y (yes) or n / Esc (no), or, for questions with more than two answers,
 * the key of each answer.  Enter takes the highlighted answer, which
 * starts on the safe one for destructive actions. */
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

/* One answer of dialog_choose(): the key that gives it and its button
 * label, translated ("[k] Keep the disks").  Both are copied. */
struct dialog_choice {
    int key;
    const char *label;
};

/* Called with the index of the answer, or -1 when the operator cancelled
 * (Esc, or the quit key). */
typedef void (*dialog_choose_fn)(struct ui *ui, void *arg, int choice);

/* Ask with n answers (at most 4); highlighted: the index Enter takes at
 * first.  fn is called once with the answer, whatever it is, then arg is
 * freed with arg_free (may be NULL). */
void dialog_choose(struct ui *ui, const char *title, const char *text,
                   const struct dialog_choice *choices, int n,
                   int highlighted, dialog_choose_fn fn, void *arg,
                   void (*arg_free)(void *));

#endif
