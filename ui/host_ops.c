/* host_ops.c: host maintenance, activation, confirm rebooted and SPM
 * priority (see host_ops.h).
 *
 * A question holds the host's name, never a pointer: the host may go
 * while the question is on the screen, and the engine looks the name up
 * again.  The evacuation before maintenance is an engine task: the tasks
 * pane follows it and its end reaches the status line.  The engine has
 * no dry run of the evacuation plan, so a refusal (a VM that cannot move)
 * comes after the question, with the engine's reason. */
#include <config.h>
#include <stdlib.h>
#include "ui/dialog.h"
#include "ui/forms.h"
#include "ui/host_ops.h"
#include "src/engine.h"
#include "src/model.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"

struct hop {
    enum action a;
    char *name;
};

/* The engine's audit action of each operation. */
static const char *
audit_action(enum action a)
{
    switch (a) {
    case ACT_HOST_MAINTENANCE: return "host-maintenance";
    case ACT_HOST_ACTIVATE: return "host-activate";
    default: return "host-confirm-rebooted";
    }
}

static void
hop_free(void *p)
{
    struct hop *o = p;

    free(o->name);
    free(o);
}

/* VMs an evacuation would move: running, paused or blocked. */
static unsigned
active_vms(const struct host *h)
{
    unsigned n = 0;

    for (size_t i = 0; i < h->vms.len; i++) {
        const struct vm *vm = h->vms.items[i];
        n += vm->state == VM_RUNNING || vm->state == VM_PAUSED ||
             vm->state == VM_BLOCKED;
    }
    return n;
}

static void
hop_run(struct ui *ui, void *arg)
{
    struct hop *o = arg;
    struct engine *e = ui_engine(ui);
    struct host *h;
    const char *said;
    int rc = -1;

    switch (o->a) {
    case ACT_HOST_MAINTENANCE:
        rc = engine_host_maintenance(e, o->name, ui_task_done, NULL);
        /* with nothing to move it is done already, and said so */
        h = model_host_by_name(ui_model(ui), o->name);
        if (rc == 0 && !(h && h->state == HOST_PREPARING_MAINTENANCE))
            return;
        break;
    case ACT_HOST_ACTIVATE:
        rc = engine_host_activate(e, o->name);
        break;
    case ACT_HOST_CONFIRM_REBOOTED:
        rc = engine_host_confirm_rebooted(e, o->name);
        break;
    default:
        return;
    }
    if (rc < 0) {
        ui_message(ui, UI_MSG_ERROR, "%s", err_msg());
        return;
    }
    said = ui_audit_last(ui, o->name, audit_action(o->a));
    ui_message(ui, o->a == ACT_HOST_MAINTENANCE ? UI_MSG_INFO : UI_MSG_OK,
               "%s", said ? said : _("Done."));
}

/* Is h the storage pool manager of its data center?  Then that one. */
static struct dc *
spm_dc(struct ui *ui, const struct host *h)
{
    struct model *m = ui_model(ui);
    struct cluster *c = model_cluster_by_id(m, h->cluster_id);
    struct dc *d = c ? model_dc_by_id(m, c->dc_id) : NULL;

    return d && d->spm_host == h->id ? d : NULL;
}

static void
ask_maintenance(struct ui *ui, const struct host *h, struct hop *o)
{
    struct model *m = ui_model(ui);
    struct cluster *c = model_cluster_by_id(m, h->cluster_id);
    struct dc *d = spm_dc(ui, h);
    unsigned n = active_vms(h);
    char *text, *spm = NULL, *all;

    if (n)
        text = xasprintf(ngettext("Put host '%s' in maintenance? Its %u "
                                  "running VM migrates to other Up hosts of "
                                  "cluster '%s' first.",
                                  "Put host '%s' in maintenance? Its %u "
                                  "running VMs migrate to other Up hosts of "
                                  "cluster '%s' first.", n),
                         h->name, n, c ? c->name : "?");
    else
        text = xasprintf(_("Put host '%s' in maintenance? It runs no VM."),
                         h->name);
    if (d)
        spm = xasprintf(_("It is the SPM of data center '%s': another host "
                          "takes the role."), d->name);
    all = spm ? xasprintf("%s %s", text, spm) : xstrdup(text);
    dialog_confirm(ui, _("Host maintenance"), all, false, hop_run, o,
                   hop_free);
    free(all);
    free(spm);
    free(text);
}

void
host_ops_action(struct ui *ui, enum action a)
{
    struct host *h = node_host(ui, ui_current(ui));
    struct hop *o;

    if (!h)
        return;
    if (a == ACT_HOST_SPM_PRIORITY) {
        forms_open(ui, FORM_SPM_PRIORITY, h->name);
        return;
    }
    o = xcalloc(1, sizeof(*o));
    o->a = a;
    o->name = xstrdup(h->name);
    if (a == ACT_HOST_MAINTENANCE && h->state == HOST_UP) {
        ask_maintenance(ui, h, o);
        return;
    }
    if (a == ACT_HOST_CONFIRM_REBOOTED && h->state == HOST_NONRESPONSIVE) {
        char *text = xasprintf(_("Only confirm if host '%s' was really "
                                 "rebooted or powered off: its VMs will be "
                                 "started elsewhere; if it still runs them "
                                 "they would run twice, on the same disks. "
                                 "Was host '%s' rebooted or powered off?"),
                               h->name, h->name);
        dialog_confirm(ui, _("Confirm host rebooted"), text, false, hop_run,
                       o, hop_free);
        free(text);
        return;
    }
    /* activate asks nothing; the others, when the host is not in a state
     * for them, go to the engine, which refuses and says why */
    hop_run(ui, o);
    hop_free(o);
}
