/* vmform.h: the VM forms (ncurses form library): create a VM, change one.
 *
 * Modals like the inventory forms: keys reach them from the main
 * dispatcher, never from a loop of their own.  Each field is checked when
 * the operator leaves it and all of them again on Enter; the engine's
 * refusal is shown in the form, which stays open with what was typed; Esc
 * cancels.  The create form closes once the engine has queued the job;
 * the edit form waits for the host's answer, so a refusal (the VM runs)
 * is read in the form.  Results also reach the status line and the
 * events pane.  A console password typed here is shown as '*', lives only
 * in the form's memory and is wiped when the form closes. */
#ifndef VD_UI_VMFORM_H
#define VD_UI_VMFORM_H
#include "ui/ui.h"

/* Open the create form.  cluster: the one to suggest (may be NULL: the
 * first of the inventory). */
void vmform_create(struct ui *ui, const char *cluster);
/* Open the edit form of the VM with that UUID. */
void vmform_edit(struct ui *ui, const char *uuid);

#endif
