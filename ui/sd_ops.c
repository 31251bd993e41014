/* sd_ops.c: storage domain actions (see sd_ops.h).
 *
 * Questions hold names, not pointers.  After a detach or an attach the
 * tree selects the domain where it now shows, so the operator keeps it
 * under the cursor.  The engine removes a domain whatever its
 * attachments; the console asks for the oVirt order first (maintenance,
 * detach, then remove), so a domain in use is never dropped by one key. */
#include <config.h>
#include <stdlib.h>
#include "ui/dialog.h"
#include "ui/forms.h"
#include "ui/scr_tree.h"
#include "ui/sd_ops.h"
#include "src/engine.h"
#include "src/model.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"

struct sop {
    enum action a;
    char *sd;
    char *dc;               /* NULL for remove */
};

/* The engine's audit action of each operation. */
static const char *
audit_action(enum action a)
{
    switch (a) {
    case ACT_SD_ACTIVATE: return "storage-activate";
    case ACT_SD_MAINTENANCE: return "storage-maintenance";
    case ACT_SD_DETACH: return "storage-detach";
    default: return "storage-remove";
    }
}

static void
sop_free(void *p)
{
    struct sop *o = p;

    free(o->sd);
    free(o->dc);
    free(o);
}

/* Show the domain in the tree where it is now: under its first data
 * center, or among the domains attached nowhere. */
static void
select_sd(struct ui *ui, const char *name)
{
    struct sd *sd = model_sd_by_name(ui_model(ui), name);
    struct node n = { .kind = NODE_SD };

    if (!sd)
        return;
    n.id = sd->id;
    n.dc_id = sd->dc_ids.len ? *(int64_t *)sd->dc_ids.items[0] : 0;
    scr_tree_select(ui, &n);
}

static void
sop_run(struct ui *ui, void *arg)
{
    struct sop *o = arg;
    struct engine *e = ui_engine(ui);
    const char *said;
    int rc = -1;

    switch (o->a) {
    case ACT_SD_ACTIVATE:
        rc = engine_sd_activate(e, o->sd, o->dc);
        break;
    case ACT_SD_MAINTENANCE:
        rc = engine_sd_maintenance(e, o->sd, o->dc);
        break;
    case ACT_SD_DETACH:
        rc = engine_sd_detach(e, o->sd, o->dc);
        break;
    case ACT_SD_REMOVE:
        rc = engine_sd_remove(e, o->sd);
        break;
    default:
        return;
    }
    if (rc < 0) {
        ui_message(ui, UI_MSG_ERROR, "%s", err_msg());
        return;
    }
    said = ui_audit_last(ui, o->sd, audit_action(o->a));
    ui_message(ui, UI_MSG_OK, "%s", said ? said : _("Done."));
    if (o->a == ACT_SD_DETACH)
        select_sd(ui, o->sd);
}

/* Is sd the last active data domain of the data center dc_id? */
static bool
last_data(struct model *m, const struct sd *sd, int64_t dc_id)
{
    if (sd->role != SD_DATA)
        return false;
    for (size_t i = 0; i < m->sds.len; i++) {
        const struct sd *o = m->sds.items[i];
        const struct sd_att *a = model_sd_att(o, dc_id);
        if (o != sd && o->role == SD_DATA && a && a->active)
            return false;
    }
    return true;
}

void
sd_ops_action(struct ui *ui, enum action a)
{
    struct model *m = ui_model(ui);
    const struct node *n = ui_current(ui);
    struct sd *sd = node_sd(ui, n);
    struct dc *dc = n->dc_id ? model_dc_by_id(m, n->dc_id) : NULL;
    struct sd_att *att = sd && dc ? model_sd_att(sd, dc->id) : NULL;
    struct sop *o;
    char *text = NULL;
    const char *title = NULL;

    if (!sd)
        return;
    if (a == ACT_SD_ATTACH) {
        forms_open(ui, FORM_SD_ATTACH, sd->name);
        return;
    }
    if (a == ACT_SD_REMOVE && sd->dc_ids.len) {
        struct dc *in = model_dc_by_id(m, *(int64_t *)sd->dc_ids.items[0]);
        ui_message(ui, UI_MSG_ERROR, _("Storage domain '%s' is attached to "
                                       "data center '%s': put it in "
                                       "maintenance and detach it first."),
                   sd->name, in ? in->name : "?");
        return;
    }
    if (a != ACT_SD_REMOVE && !att) {
        ui_message(ui, UI_MSG_ERROR, _("Storage domain '%s' is attached to no "
                                       "data center here: attach it to one "
                                       "first."), sd->name);
        return;
    }
    o = xcalloc(1, sizeof(*o));
    o->a = a;
    o->sd = xstrdup(sd->name);
    o->dc = dc ? xstrdup(dc->name) : NULL;
    switch (a) {
    case ACT_SD_MAINTENANCE:
        if (!att->active)
            break;
        title = _("Storage domain maintenance");
        if (last_data(m, sd, dc->id))
            text = xasprintf(_("Put storage domain '%s' in maintenance in "
                               "data center '%s'? It is the last active data "
                               "domain there: the data center becomes "
                               "Uninitialized."), sd->name, dc->name);
        else
            text = xasprintf(_("Put storage domain '%s' in maintenance in "
                               "data center '%s'? Its disks cannot be used "
                               "until it is activated again."), sd->name,
                             dc->name);
        break;
    case ACT_SD_DETACH:
        if (att->active)
            break;
        title = _("Detach storage domain");
        text = xasprintf(_("Detach storage domain '%s' from data center "
                           "'%s'? Its data stays on the server; attach it "
                           "again to use it."), sd->name, dc->name);
        break;
    case ACT_SD_REMOVE:
        title = _("Remove storage domain");
        text = xasprintf(_("Remove storage domain '%s' from the inventory? "
                           "Its data stays on the server."), sd->name);
        break;
    default:
        break;
    }
    if (text) {
        dialog_confirm(ui, title, text, false, sop_run, o, sop_free);
        free(text);
        return;
    }
    /* activate asks nothing; a domain not in a state for the action goes
     * to the engine, which refuses and says why */
    sop_run(ui, o);
    sop_free(o);
}
