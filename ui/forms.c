/* forms.c: the inventory forms (see forms.h).
 *
 * Field values live in the libform fields while the form is up and are
 * copied out whenever the form must be rebuilt (a resize), so a resize
 * never loses what was typed.  Checks reuse the engine's own validators
 * (valid.h), so the form and the engine give the same sentence. */
#include <config.h>
#include <form.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/formkit.h"
#include "ui/forms.h"
#include "ui/preflight_view.h"
#include "ui/scr_tree.h"
#include "src/engine.h"
#include "src/model.h"
#include "src/valid.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"

enum check { CHK_NAME, CHK_URI, CHK_DC, CHK_CLUSTER, CHK_TEXT, CHK_PRIO };

struct fspec {
    const char *label;      /* N_() */
    enum check check;
};

#define MAX_FIELDS 3
#define FIELD_MAX 1024      /* bytes a field takes */

static const struct fspec dc_fields[] = {
    { N_("Name"), CHK_NAME },
    { N_("Description"), CHK_TEXT },
};
static const struct fspec cluster_fields[] = {
    { N_("Name"), CHK_NAME },
    { N_("Data center"), CHK_DC },
    { N_("Description"), CHK_TEXT },
};
static const struct fspec host_fields[] = {
    { N_("Name"), CHK_NAME },
    { N_("libvirt URI"), CHK_URI },
    { N_("Cluster"), CHK_CLUSTER },
};
static const struct fspec spm_fields[] = {
    { N_("SPM priority"), CHK_PRIO },
};
static const struct fspec attach_fields[] = {
    { N_("Data center"), CHK_DC },
};

struct iform {
    enum form_kind kind;
    char *orig;                 /* edit: the name when the form opened */
    const struct fspec *spec;
    char *values[MAX_FIELDS];   /* copies, for a rebuild */
    struct formkit k;
    char *title;                /* when it names the object */
};

static const char *
form_title(enum form_kind k)
{
    switch (k) {
    case FORM_DC_ADD: return _("Add a data center");
    case FORM_DC_EDIT: return _("Edit data center");
    case FORM_CLUSTER_ADD: return _("Add a cluster");
    case FORM_CLUSTER_EDIT: return _("Edit cluster");
    case FORM_HOST_ADD: return _("Add a host");
    case FORM_HOST_EDIT: return _("Edit host");
    case FORM_SPM_PRIORITY: return _("SPM priority");
    case FORM_SD_ATTACH: return _("Attach storage domain");
    }
    return "";
}

/* The noun valid_name() puts in its sentence. */
static const char *
form_noun(enum form_kind k)
{
    switch (k) {
    case FORM_DC_ADD:
    case FORM_DC_EDIT:
        return _("data center");
    case FORM_CLUSTER_ADD:
    case FORM_CLUSTER_EDIT:
        return _("cluster");
    default:
        return _("host");
    }
}

/* The names of every dc or cluster, for a message.  Owned. */
static char *
names_of(struct model *m, bool clusters)
{
    struct strbuf b = { 0 };
    struct vec *v = clusters ? &m->clusters : &m->dcs;

    for (size_t i = 0; i < v->len; i++) {
        const char *name = clusters ? ((struct cluster *)v->items[i])->name
                           : ((struct dc *)v->items[i])->name;
        if (i)
            sb_add(&b, ", ");
        sb_add(&b, name);
    }
    return sb_steal(&b);
}

/* The SPM priority typed: -1..10, else -2. */
static int
parse_prio(const char *v)
{
    char *end;
    long p;

    if (!*v)
        return -2;
    p = strtol(v, &end, 10);
    return *end || p < -1 || p > 10 ? -2 : (int)p;
}

/* Check field i; returns 0, or -1 with the sentence as message. */
static int
form_check(struct ui *ui, void *owner, int i)
{
    struct iform *f = owner;
    const char *v = f->values[i] ? f->values[i] : "";
    struct model *m = ui_model(ui);
    char *msg = NULL, *names;
    int rc = 0;

    switch (f->spec[i].check) {
    case CHK_NAME:
        rc = valid_name(form_noun(f->kind), v);
        break;
    case CHK_URI:
        rc = valid_uri(v);
        break;
    case CHK_DC:
        if (!model_dc_by_name(m, v)) {
            names = names_of(m, false);
            msg = *v ? xasprintf(_("There is no data center named '%s': type "
                                   "one of %s."), v, names)
                     : xasprintf(_("The data center is empty: type one of "
                                   "%s."), names);
            free(names);
        }
        break;
    case CHK_CLUSTER:
        if (!model_cluster_by_name(m, v)) {
            names = names_of(m, true);
            msg = *v ? xasprintf(_("There is no cluster named '%s': type one "
                                   "of %s."), v, names)
                     : xasprintf(_("The cluster is empty: type one of %s."),
                                 names);
            free(names);
        }
        break;
    case CHK_PRIO:
        if (parse_prio(v) < -1)
            msg = xstrdup(_("The SPM priority is 0 (lowest) to 10 (highest), "
                            "or -1 for never."));
        break;
    case CHK_TEXT:
        for (const char *p = v; *p; p++) {
            if ((unsigned char)*p < 32 || *p == 127) {
                msg = xstrdup(_("The description contains a control "
                                "character: type plain text."));
                break;
            }
        }
        break;
    }
    if (rc < 0)
        msg = xstrdup(err_msg());
    if (msg) {
        formkit_set_msg(&f->k, true, msg);
        free(msg);
        return -1;
    }
    return 0;
}

static void
form_layout(struct ui *ui, struct modal *m)
{
    struct iform *f = m->data;
    int rows = ui_rows(ui), cols = ui_cols(ui);
    int w = cols - 4 < 76 ? cols - 4 : 76, h = 2 * f->k.n + 8;

    formkit_unpost(&f->k, m);
    if (w < 30)
        w = cols;
    if (h > rows)
        h = rows;
    formkit_build(ui, &f->k, m, w, h, FIELD_MAX);
}

static void
form_paint(struct ui *ui, struct modal *m)
{
    struct iform *f = m->data;
    WINDOW *w = m->win;
    int h = getmaxy(w), cols = getmaxx(w), y;
    attr_t base = colors_attr(CE_DIALOG);

    formkit_paint_frame(&f->k, w, f->title ? f->title : form_title(f->kind));
    y = 2 + 2 * f->k.n;
    formkit_paint_msg(&f->k, w, y, h - y - 2);
    draw_text(w, h - 2, 2, _("Enter saves, Tab moves to the next field, Esc "
                             "cancels."), cols - 4, true, base);
    wattrset(w, A_NORMAL);
    pos_form_cursor(f->k.form);
}

/* Save: check every field, then ask the engine. */
static enum ui_result
form_submit(struct ui *ui, struct modal *m)
{
    struct iform *f = m->data;
    struct engine *e = ui_engine(ui);
    const char *v0, *v1, *v2;
    struct node sel = { .kind = NODE_NONE };
    int rc = -1;

    if (formkit_check_all(ui, &f->k) < 0)
        return UI_HANDLED;
    v0 = f->values[0];
    v1 = f->k.n > 1 ? f->values[1] : "";
    v2 = f->k.n > 2 ? f->values[2] : "";
    switch (f->kind) {
    case FORM_DC_ADD:
        rc = engine_dc_add(e, v0, v1);
        break;
    case FORM_DC_EDIT:
        rc = engine_dc_edit(e, f->orig, v0, v1);
        break;
    case FORM_CLUSTER_ADD:
        rc = engine_cluster_add(e, v0, v1, v2);
        break;
    case FORM_CLUSTER_EDIT:
        rc = engine_cluster_edit(e, f->orig, v0, v1, v2);
        break;
    case FORM_HOST_ADD:
        rc = engine_host_add(e, v0, v1, v2);
        break;
    case FORM_HOST_EDIT:
        rc = engine_host_edit(e, f->orig, v0, v1, v2);
        break;
    case FORM_SPM_PRIORITY:
        rc = engine_host_set_spm_priority(e, f->orig, parse_prio(v0));
        break;
    case FORM_SD_ATTACH:
        rc = engine_sd_attach(e, f->orig, v0);
        break;
    }
    if (rc < 0) {
        formkit_set_msg(&f->k, true, err_msg());
        return UI_HANDLED;
    }
    /* show the object just saved */
    if (f->kind == FORM_SPM_PRIORITY) {
        struct host *h = model_host_by_name(ui_model(ui), f->orig);
        if (h)
            sel = (struct node){ .kind = NODE_HOST, .id = h->id };
    } else if (f->kind == FORM_SD_ATTACH) {
        struct sd *sd = model_sd_by_name(ui_model(ui), f->orig);
        struct dc *d = model_dc_by_name(ui_model(ui), v0);
        if (sd && d)
            sel = (struct node){ .kind = NODE_SD, .id = sd->id,
                                 .dc_id = d->id };
    } else if (f->kind == FORM_HOST_ADD || f->kind == FORM_HOST_EDIT) {
        struct host *h = model_host_by_name(ui_model(ui), v0);
        if (h)
            sel = (struct node){ .kind = NODE_HOST, .id = h->id };
    } else if (f->kind == FORM_CLUSTER_ADD || f->kind == FORM_CLUSTER_EDIT) {
        struct cluster *c = model_cluster_by_name(ui_model(ui), v0);
        if (c)
            sel = (struct node){ .kind = NODE_CLUSTER, .id = c->id };
    } else {
        struct dc *d = model_dc_by_name(ui_model(ui), v0);
        if (d)
            sel = (struct node){ .kind = NODE_DC, .id = d->id };
    }
    if (sel.kind != NODE_NONE)
        scr_tree_select(ui, &sel);
    if (f->orig && (f->kind == FORM_SPM_PRIORITY ||
                    f->kind == FORM_SD_ATTACH)) {
        /* the engine may have said more since (an SPM election) */
        const char *said = ui_audit_last(ui, f->orig,
                                         f->kind == FORM_SPM_PRIORITY
                                         ? "host-spm-priority"
                                         : "storage-attach");
        ui_message(ui, UI_MSG_OK, "%s", said ? said : _("Saved."));
    } else {
        const struct model *mo = ui_model(ui);
        const struct audit *a = mo->audit.len
                                ? mo->audit.items[mo->audit.len - 1] : NULL;
        ui_message(ui, UI_MSG_OK, "%s", a && a->message ? a->message
                   : _("Saved."));
    }
    /* a new host: show its checks (it is added whatever they find) */
    if (f->kind == FORM_HOST_ADD)
        preflight_view_open(ui, v0);
    return UI_CLOSE;
}

static enum ui_result
form_key(struct ui *ui, struct modal *m, int key)
{
    struct iform *f = m->data;

    m->dirty = true;
    if (key == UI_KEY_ESC)
        return UI_CLOSE;
    if (key == UI_KEY_ENTER)
        return form_submit(ui, m);
    if (!formkit_nav_key(ui, &f->k, key))
        formkit_field_key(f->k.form, key);
    return UI_HANDLED;
}

static void
form_free(struct modal *m)
{
    struct iform *f = m->data;

    formkit_clear(&f->k);
    for (int i = 0; i < f->k.n; i++)
        free(f->values[i]);
    free(f->orig);
    free(f->title);
    free(f);
    if (m->win)
        delwin(m->win);
    free(m);
}

static const struct formkit_ops form_kit_ops = {
    .check = form_check,
};

static const struct modal_ops form_ops = {
    .key = form_key,
    .layout = form_layout,
    .paint = form_paint,
    .free = form_free,
};

/* Suggest the first data center the domain is not attached to, and
 * name them all in the message. */
static void
attach_prefill(struct model *mo, struct iform *f, const char *name)
{
    struct sd *sd = model_sd_by_name(mo, name);
    struct strbuf b = { 0 };
    const char *first = NULL;
    char *msg;

    for (size_t i = 0; sd && i < mo->dcs.len; i++) {
        const struct dc *d = mo->dcs.items[i];
        if (model_sd_att(sd, d->id))
            continue;
        if (!first)
            first = d->name;
        if (b.len)
            sb_add(&b, ", ");
        sb_add(&b, d->name);
    }
    f->values[0] = xstrdup(first ? first : "");
    if (first)
        msg = xasprintf(_("Type the data center to attach it to: %s. A data "
                          "domain serves one data center; an ISO domain may "
                          "serve several."), sb_str(&b));
    else
        msg = xasprintf(_("Storage domain '%s' is attached to every data "
                          "center already."), name);
    formkit_set_msg(&f->k, false, msg);
    free(msg);
    sb_free(&b);
}

void
forms_open(struct ui *ui, enum form_kind kind, const char *name)
{
    struct model *mo = ui_model(ui);
    struct modal *m = xcalloc(1, sizeof(*m));
    struct iform *f = xcalloc(1, sizeof(*f));

    f->kind = kind;
    switch (kind) {
    case FORM_DC_ADD:
    case FORM_DC_EDIT:
        f->spec = dc_fields;
        f->k.n = 2;
        break;
    case FORM_CLUSTER_ADD:
    case FORM_CLUSTER_EDIT:
        f->spec = cluster_fields;
        f->k.n = 3;
        break;
    case FORM_HOST_ADD:
    case FORM_HOST_EDIT:
        f->spec = host_fields;
        f->k.n = 3;
        break;
    case FORM_SPM_PRIORITY:
        f->spec = spm_fields;
        f->k.n = 1;
        break;
    case FORM_SD_ATTACH:
        f->spec = attach_fields;
        f->k.n = 1;
        break;
    }
    f->k.ops = &form_kit_ops;
    f->k.owner = f;
    f->k.val = f->values;
    for (int i = 0; i < f->k.n; i++)
        f->k.labels[i] = f->spec[i].label;
    /* one page, the fields two rows apart */
    f->k.spacing = 2;
    f->k.per_page = f->k.n;
    f->k.pages = 1;
    f->k.fields_y = 2;
    f->k.sub_rows = 2 * f->k.n;
    switch (kind) {
    case FORM_DC_EDIT: {
        struct dc *d = model_dc_by_name(mo, name);
        f->orig = xstrdup(name);
        f->values[0] = xstrdup(name);
        f->values[1] = xstrdup(d && d->description ? d->description : "");
        break;
    }
    case FORM_CLUSTER_ADD:
        f->values[1] = xstrdup(name ? name : "");
        break;
    case FORM_CLUSTER_EDIT: {
        struct cluster *c = model_cluster_by_name(mo, name);
        struct dc *d = c ? model_dc_by_id(mo, c->dc_id) : NULL;
        f->orig = xstrdup(name);
        f->values[0] = xstrdup(name);
        f->values[1] = xstrdup(d ? d->name : "");
        f->values[2] = xstrdup(c && c->description ? c->description : "");
        break;
    }
    case FORM_HOST_ADD:
        f->values[1] = xstrdup("");
        f->values[2] = xstrdup(name ? name : "");
        break;
    case FORM_HOST_EDIT: {
        struct host *h = model_host_by_name(mo, name);
        struct cluster *c = h ? model_cluster_by_id(mo, h->cluster_id) : NULL;
        f->orig = xstrdup(name);
        f->values[0] = xstrdup(name);
        f->values[1] = xstrdup(h ? h->uri : "");
        f->values[2] = xstrdup(c ? c->name : "");
        break;
    }
    case FORM_SPM_PRIORITY: {
        struct host *h = model_host_by_name(mo, name);
        f->orig = xstrdup(name);
        f->title = xasprintf(_("SPM priority of host '%s'"), name);
        f->values[0] = xasprintf("%d", h ? h->spm_priority : 5);
        formkit_set_msg(&f->k, false, _("0 (lowest) to 10 (highest): the "
                                        "Up host with the highest priority "
                                        "is elected SPM of its data center; "
                                        "-1: never."));
        break;
    }
    case FORM_SD_ATTACH:
        f->orig = xstrdup(name);
        f->title = xasprintf(_("Attach storage domain '%s'"), name);
        attach_prefill(mo, f, name);
        break;
    default:
        break;
    }
    m->ops = &form_ops;
    m->data = f;
    m->cursor = true;
    ui_modal_push(ui, m);
}
