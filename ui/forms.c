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
#include "ui/forms.h"
#include "ui/scr_tree.h"
#include "src/engine.h"
#include "src/model.h"
#include "src/valid.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"

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
    int n;
    char *values[MAX_FIELDS];   /* copies, for a rebuild */
    int cur;                    /* current field */
    FIELD *fields[MAX_FIELDS + 1];
    FORM *form;
    WINDOW *sub;
    int field_x;
    char *msg;
    bool msg_error;
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

static void
form_set_msg(struct iform *f, bool error, const char *msg)
{
    free(f->msg);
    f->msg = msg && *msg ? xstrdup(msg) : NULL;
    f->msg_error = error;
}

/* Copy the fields' text into f->values, trailing blanks trimmed. */
static void
form_read(struct iform *f)
{
    if (!f->form)
        return;
    form_driver_w(f->form, KEY_CODE_YES, REQ_VALIDATION);
    for (int i = 0; i < f->n; i++) {
        const char *buf = field_buffer(f->fields[i], 0);
        size_t len = buf ? strlen(buf) : 0;
        while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\n'))
            len--;
        free(f->values[i]);
        f->values[i] = xstrndup(buf ? buf : "", len);
    }
    f->cur = field_index(current_field(f->form));
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

/* Check field i; returns 0, or -1 with the sentence in f->msg. */
static int
form_check(struct ui *ui, struct iform *f, int i)
{
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
        char *safe = text_safe(msg);
        form_set_msg(f, true, safe);
        free(safe);
        free(msg);
        return -1;
    }
    return 0;
}

static void
form_destroy(struct iform *f)
{
    if (f->form) {
        unpost_form(f->form);
        free_form(f->form);
        f->form = NULL;
    }
    for (int i = 0; i < f->n; i++) {
        if (f->fields[i])
            free_field(f->fields[i]);
        f->fields[i] = NULL;
    }
    if (f->sub) {
        delwin(f->sub);
        f->sub = NULL;
    }
}

static void
form_layout(struct ui *ui, struct modal *m)
{
    struct iform *f = m->data;
    int rows = ui_rows(ui), cols = ui_cols(ui);
    int w = cols - 4 < 76 ? cols - 4 : 76, h = 2 * f->n + 8, lw = 0, fw;

    form_read(f);
    form_destroy(f);
    if (m->win) {
        delwin(m->win);
        m->win = NULL;
    }
    if (w < 30)
        w = cols;
    if (h > rows)
        h = rows;
    for (int i = 0; i < f->n; i++) {
        int t = text_width(_(f->spec[i].label));
        if (t > lw)
            lw = t;
    }
    f->field_x = 2 + lw + 2;
    fw = w - f->field_x - 2;
    if (fw < 4)
        fw = 4;
    m->win = newwin(h, w, (rows - h) / 2, (cols - w) / 2);
    keypad(m->win, TRUE);
    for (int i = 0; i < f->n; i++) {
        FIELD *fl = new_field(1, fw, 2 * i, 0, 0, 0);
        field_opts_off(fl, O_STATIC | O_AUTOSKIP | O_BLANK);
        field_opts_on(fl, O_NULLOK);
        set_max_field(fl, FIELD_MAX);
        set_field_back(fl, colors_attr(CE_FIELD));
        set_field_fore(fl, colors_attr(CE_FIELD));
        set_field_buffer(fl, 0, f->values[i] ? f->values[i] : "");
        f->fields[i] = fl;
    }
    f->fields[f->n] = NULL;
    f->form = new_form(f->fields);
    f->sub = derwin(m->win, 2 * f->n, fw, 2, f->field_x);
    set_form_win(f->form, m->win);
    set_form_sub(f->form, f->sub);
    post_form(f->form);
    if (f->cur > 0 && f->cur < f->n)
        set_current_field(f->form, f->fields[f->cur]);
    form_driver_w(f->form, KEY_CODE_YES, REQ_END_LINE);
    m->dirty = true;
}

static void
form_paint(struct ui *ui, struct modal *m)
{
    struct iform *f = m->data;
    WINDOW *w = m->win;
    int h = getmaxy(w), cols = getmaxx(w), y;
    attr_t base = colors_attr(CE_DIALOG);
    const char *title = f->title ? f->title : form_title(f->kind);

    wbkgdset(w, ' ' | base);
    /* the border, labels and message; the fields are libform's */
    wattrset(w, base);
    for (int r = 0; r < h; r++) {
        if (r >= 2 && r < 2 + 2 * f->n) {
            int end = f->field_x + getmaxx(f->sub);
            draw_fill(w, r, 1, f->field_x - 1, base);
            draw_fill(w, r, end, cols - 1 - end, base);
            continue;
        }
        draw_fill(w, r, 0, cols, base);
    }
    wattrset(w, base);
    box(w, 0, 0);
    {
        char *t = xasprintf(" %s ", title);
        draw_text(w, 0, 2, t, text_width(t) < cols - 4 ? text_width(t)
                  : cols - 4, true, base | A_BOLD);
        free(t);
    }
    for (int i = 0; i < f->n; i++) {
        attr_t a = base | (i == field_index(current_field(f->form))
                           ? A_BOLD : 0);
        draw_text(w, 2 + 2 * i, 2, _(f->spec[i].label), f->field_x - 3, true,
                  a);
    }
    y = 2 + 2 * f->n;
    if (f->msg)
        draw_wrapped(w, y, 2, h - y - 2, cols - 4, f->msg,
                     f->msg_error ? colors_attr(CE_ERROR) | A_REVERSE : base);
    draw_text(w, h - 2, 2, _("Enter saves, Tab moves to the next field, Esc "
                             "cancels."), cols - 4, true, base);
    wattrset(w, A_NORMAL);
    pos_form_cursor(f->form);
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

    form_read(f);
    for (int i = 0; i < f->n; i++) {
        if (form_check(ui, f, i) < 0) {
            set_current_field(f->form, f->fields[i]);
            form_driver_w(f->form, KEY_CODE_YES, REQ_END_LINE);
            return UI_HANDLED;
        }
    }
    v0 = f->values[0];
    v1 = f->n > 1 ? f->values[1] : "";
    v2 = f->n > 2 ? f->values[2] : "";
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
        char *safe = text_safe(err_msg());
        form_set_msg(f, true, safe);
        free(safe);
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
    return UI_CLOSE;
}

static enum ui_result
form_key(struct ui *ui, struct modal *m, int key)
{
    struct iform *f = m->data;
    int code = key & ~UI_KEY_FN;
    int req = 0;

    m->dirty = true;
    if (key == UI_KEY_ESC)
        return UI_CLOSE;
    if (key == UI_KEY_ENTER)
        return form_submit(ui, m);
    if (key == UI_KEY_TAB || key == (UI_KEY_FN | KEY_DOWN) ||
        key == (UI_KEY_FN | KEY_BTAB) || key == (UI_KEY_FN | KEY_UP)) {
        int i;
        form_read(f);
        i = field_index(current_field(f->form));
        if (form_check(ui, f, i) == 0)
            form_set_msg(f, false, NULL);
        req = key == UI_KEY_TAB || code == KEY_DOWN ? REQ_NEXT_FIELD
              : REQ_PREV_FIELD;
        form_driver_w(f->form, KEY_CODE_YES, req);
        form_driver_w(f->form, KEY_CODE_YES, REQ_END_LINE);
        return UI_HANDLED;
    }
    forms_field_key(f->form, key);
    return UI_HANDLED;
}

/* Apply an editing key to the current field of form: arrows, Home, End,
 * Backspace, Delete, C-a, C-e, C-k, C-u and printable characters.
 * Returns 1 when the key was one of those, else 0. */
int
forms_field_key(FORM *form, int key)
{
    int code = key & ~UI_KEY_FN;
    int req = 0;

    if (key & UI_KEY_FN) {
        switch (code) {
        case KEY_LEFT: req = REQ_PREV_CHAR; break;
        case KEY_RIGHT: req = REQ_NEXT_CHAR; break;
        case KEY_HOME: req = REQ_BEG_LINE; break;
        case KEY_END: req = REQ_END_LINE; break;
        case KEY_BACKSPACE: req = REQ_DEL_PREV; break;
        case KEY_DC: req = REQ_DEL_CHAR; break;
        default: return 0;
        }
        form_driver_w(form, KEY_CODE_YES, req);
        return 1;
    }
    switch (key) {
    case 1: req = REQ_BEG_LINE; break;         /* C-a */
    case 5: req = REQ_END_LINE; break;         /* C-e */
    case 11: req = REQ_CLR_EOL; break;         /* C-k */
    case 21: req = REQ_CLR_FIELD; break;       /* C-u */
    default:
        break;
    }
    if (req) {
        form_driver_w(form, KEY_CODE_YES, req);
        return 1;
    }
    if (key >= 32 && key != 127) {
        form_driver_w(form, OK, (wchar_t)key);
        return 1;
    }
    return 0;
}

static void
form_free(struct modal *m)
{
    struct iform *f = m->data;

    form_destroy(f);
    for (int i = 0; i < f->n; i++)
        free(f->values[i]);
    free(f->orig);
    free(f->msg);
    free(f->title);
    free(f);
    if (m->win)
        delwin(m->win);
    free(m);
}

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
    form_set_msg(f, false, msg);
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
        f->n = 2;
        break;
    case FORM_CLUSTER_ADD:
    case FORM_CLUSTER_EDIT:
        f->spec = cluster_fields;
        f->n = 3;
        break;
    case FORM_HOST_ADD:
    case FORM_HOST_EDIT:
        f->spec = host_fields;
        f->n = 3;
        break;
    case FORM_SPM_PRIORITY:
        f->spec = spm_fields;
        f->n = 1;
        break;
    case FORM_SD_ATTACH:
        f->spec = attach_fields;
        f->n = 1;
        break;
    }
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
        form_set_msg(f, false, _("0 (lowest) to 10 (highest): the Up host "
                                 "with the highest priority is elected SPM "
                                 "of its data center; -1: never."));
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
