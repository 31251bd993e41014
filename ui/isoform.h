/* isoform.h: upload an ISO image to an ISO domain, from the console.
 *
 * One modal in three steps, as engine-iso-uploader did on the command
 * line: a file picker over this machine's folders (from $HOME, or the
 * folder last used), a short form (the name on the domain, checked with
 * valid_file_name(), and whether to replace a file of that name), then a
 * progress bar with the percentage, bytes, MiB/s and the time left.  The
 * upload is an engine task (engine_iso_upload): Esc or x asks, then
 * cancels it; b closes the window and leaves it running in the tasks
 * pane, where x cancels it too (mc's "Background").  Nothing here
 * blocks: the progress and the result arrive through the event loop. */
#ifndef VD_UI_ISOFORM_H
#define VD_UI_ISOFORM_H
#include "ui/ui.h"

/* Open the upload window for the ISO domain called sd; says in the
 * status line why not when sd is not an NFS ISO domain. */
void isoform_open(struct ui *ui, const char *sd);

#endif
