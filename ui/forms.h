/* forms.h: the inventory forms (ncurses form library).
 *
 * Add and edit data centers, clusters and hosts; set a host's SPM
 * priority; attach a storage domain to a data center.  A form is a
 * modal: keys reach it from the main dispatcher, never from a loop of its
 * own.  Each field is checked when the operator leaves it and all of them
 * again on Enter; the engine's refusal is shown in the form, which stays
 * open; Esc cancels without changing anything. */
#ifndef VD_UI_FORMS_H
#define VD_UI_FORMS_H
#include "ui/ui.h"
#include <form.h>

enum form_kind {
    FORM_DC_ADD,
    FORM_DC_EDIT,
    FORM_CLUSTER_ADD,
    FORM_CLUSTER_EDIT,
    FORM_HOST_ADD,
    FORM_HOST_EDIT,
    FORM_SPM_PRIORITY,      /* name: the host */
    FORM_SD_ATTACH,         /* name: the storage domain */
};

/* Open a form.  name: for an edit, the object's name; for an add, the
 * parent to suggest (the data center of a new cluster, the cluster of a
 * new host), or NULL; for the SPM priority, the host; to attach a
 * storage domain, the domain. */
void forms_open(struct ui *ui, enum form_kind kind, const char *name);

#endif
