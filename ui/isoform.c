/* isoform.c: upload an ISO image to an ISO domain (see isoform.h).
 *
 * The picker reads local folders with opendir()/stat() on the main
 * thread: local and quick, unlike the upload, which the engine runs in
 * the loop (sd_nfs) and reports through callbacks.  Those callbacks may
 * arrive after the window is closed (it went to the background) or even
 * after the console is gone, so they find the window through a static
 * pointer and a serial number, never through a pointer they were given.
 * Names from the disk are shown through draw_text() (text_safe, cells
 * measured with text_width), so hostile names cannot reach the terminal
 * and wide characters line up. */
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <form.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/formkit.h"
#include "ui/isoform.h"
#include "ui/tasks_pane.h"
#include "ui/widget_list.h"
#include "src/engine.h"
#include "src/model.h"
#include "src/valid.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"
#include "src/util/vec.h"

#define NAME_MAX_BYTES 255      /* what valid_file_name() takes */
#define SIZE_W 9                /* cells of the size column */

enum phase {
    PH_PICK,        /* choosing the file */
    PH_FORM,        /* the name and the force choice */
    PH_RUN,         /* uploading */
    PH_END,         /* uploaded: the result until the operator closes */
};

enum { F_NAME, F_FORCE, F__COUNT };

struct fentry {
    char *name;
    bool dir;
    bool up;            /* ".." */
    uint64_t size;
};

struct isoform {
    enum phase phase;
    struct ui *ui;              /* the console: it frees the window first */
    struct modal *m;
    char *sd;                   /* the domain's name */
    /* picker */
    char *dir;                  /* the folder shown, absolute */
    struct vec all;             /* struct fentry *, "..", folders, files */
    struct vec shown;           /* borrowed from all: what the filter keeps */
    struct wlist list;
    bool all_files;             /* else folders and *.iso only */
    char filter[128];
    char *pick_msg;
    bool pick_err;
    /* form */
    char *file;                 /* the chosen file, absolute */
    uint64_t file_size;
    char *val[F__COUNT];
    struct formkit k;
    /* upload */
    unsigned serial;            /* of the upload this window follows */
    int64_t task_id;
    bool have_progress;
    uint64_t done, total;
    double mibs, eta;
    bool cancelling;
    char *result;
};

/* The open window, if any, and the serial of the upload it follows. */
static struct isoform *cur;
static unsigned serial_next = 1;
/* The folder the picker showed last, for the next time. */
static char *last_dir;

/* ---- the picker ---- */

static void
fentry_free(void *p)
{
    struct fentry *e = p;

    free(e->name);
    free(e);
}

static int
fentry_cmp(const void *a, const void *b)
{
    const struct fentry *x = *(struct fentry *const *)a;
    const struct fentry *y = *(struct fentry *const *)b;

    if (x->up != y->up)
        return x->up ? -1 : 1;
    if (x->dir != y->dir)
        return x->dir ? -1 : 1;
    return strcmp(x->name, y->name);
}

static bool
is_iso(const char *name)
{
    size_t n = strlen(name);

    return n > 4 && strcasecmp(name + n - 4, ".iso") == 0;
}

static bool
matches(const struct isoform *f, const struct fentry *e)
{
    const char *p;
    size_t n = strlen(f->filter);

    if (e->up || !n)
        return true;
    for (p = e->name; *p; p++) {
        if (strncasecmp(p, f->filter, n) == 0)
            return true;
    }
    return false;
}

/* Apply the filter; select sel_name when it is given and shown, else the
 * first match, else the first entry after "..". */
static void
refilter(struct isoform *f, const char *sel_name)
{
    size_t sel = 0;
    bool found = false;

    vec_clear(&f->shown, NULL);
    for (size_t i = 0; i < f->all.len; i++) {
        struct fentry *e = f->all.items[i];
        if (!matches(f, e))
            continue;
        if (sel_name && !found && streq(e->name, sel_name)) {
            sel = f->shown.len;
            found = true;
        } else if (!sel_name && !found && *f->filter && !e->up) {
            sel = f->shown.len;
            found = true;
        }
        vec_push(&f->shown, e);
    }
    /* nothing asked for: the first entry after ".." */
    if (!found && f->shown.len > 1 && ((struct fentry *)f->shown.items[0])->up)
        sel = 1;
    wlist_set_count(&f->list, f->shown.len);
    wlist_select(&f->list, sel);
    if (f->m)
        f->m->dirty = true;
}

static void
pick_msg(struct isoform *f, bool error, const char *msg)
{
    free(f->pick_msg);
    f->pick_msg = msg ? xstrdup(msg) : NULL;
    f->pick_err = error;
}

/* "/a/b" + "c" */
static char *
path_join(const char *dir, const char *name)
{
    return xasprintf("%s%s%s", dir, streq(dir, "/") ? "" : "/", name);
}

/* Read folder path into the list.  0, or -1 with the message set and the
 * list as it was. */
static int
read_dir(struct isoform *f, const char *path, const char *sel_name)
{
    DIR *d = opendir(path);
    struct vec v = { 0 };
    struct dirent *de;
    char *msg;

    if (!d) {
        msg = xasprintf(_("Cannot open the folder '%s': %s. Choose another "
                          "one."), path, strerror(errno));
        pick_msg(f, true, msg);
        free(msg);
        return -1;
    }
    if (!streq(path, "/")) {
        struct fentry *up = xcalloc(1, sizeof(*up));
        up->name = xstrdup("..");
        up->dir = up->up = true;
        vec_push(&v, up);
    }
    while ((de = readdir(d))) {
        struct fentry *e;
        struct stat st;
        char *full;
        bool dir;

        if (streq(de->d_name, ".") || streq(de->d_name, ".."))
            continue;
        if (de->d_name[0] == '.' && !f->all_files)
            continue;
        full = path_join(path, de->d_name);
        /* a link counts as what it points at; a broken one is left out */
        if (stat(full, &st) < 0) {
            free(full);
            continue;
        }
        free(full);
        dir = S_ISDIR(st.st_mode);
        if (!dir && !f->all_files && !(S_ISREG(st.st_mode) &&
                                       is_iso(de->d_name)))
            continue;
        e = xcalloc(1, sizeof(*e));
        e->name = xstrdup(de->d_name);
        e->dir = dir;
        e->size = (uint64_t)st.st_size;
        vec_push(&v, e);
    }
    closedir(d);
    qsort(v.items, v.len, sizeof(*v.items), fentry_cmp);
    vec_clear(&f->shown, NULL);
    vec_clear(&f->all, fentry_free);
    f->all = v;
    if (f->dir != path) {
        free(f->dir);
        f->dir = xstrdup(path);
    }
    if (last_dir != path) {
        free(last_dir);
        last_dir = xstrdup(path);
    }
    f->filter[0] = '\0';
    pick_msg(f, false, NULL);
    refilter(f, sel_name);
    return 0;
}

static struct fentry *
pick_selected(struct isoform *f)
{
    return f->list.sel < f->shown.len ? f->shown.items[f->list.sel] : NULL;
}

/* Go to the parent folder, selecting the one we came from. */
static void
pick_up(struct isoform *f)
{
    char *parent, *from, *slash;

    if (streq(f->dir, "/"))
        return;
    parent = xstrdup(f->dir);
    slash = strrchr(parent, '/');
    from = xstrdup(slash + 1);
    if (slash == parent)
        slash[1] = '\0';
    else
        *slash = '\0';
    read_dir(f, parent, from);
    free(parent);
    free(from);
}

static void form_enter(struct ui *ui, struct isoform *f, const char *path,
                       uint64_t size);

/* Enter on the selection: open a folder, or take a file. */
static void
pick_open(struct ui *ui, struct isoform *f)
{
    struct fentry *e = pick_selected(f);
    struct stat st;
    char *path, *msg = NULL;

    if (!e)
        return;
    if (e->up) {
        pick_up(f);
        return;
    }
    path = path_join(f->dir, e->name);
    if (e->dir) {
        read_dir(f, path, NULL);
    } else if (stat(path, &st) < 0) {
        msg = xasprintf(_("Cannot read '%s': %s."), path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        msg = xasprintf(_("'%s' is not a regular file: choose an ISO "
                          "image."), path);
    } else if (access(path, R_OK) < 0) {
        msg = xasprintf(_("Cannot read '%s': %s."), path, strerror(errno));
    } else {
        form_enter(ui, f, path, (uint64_t)st.st_size);
    }
    if (msg) {
        pick_msg(f, true, msg);
        free(msg);
    }
    free(path);
}

/* Append the character key to the filter. */
static void
filter_add(struct isoform *f, int key)
{
    char mb[MB_LEN_MAX + 1];
    mbstate_t st;
    size_t n, len = strlen(f->filter);

    memset(&st, 0, sizeof(st));
    n = wcrtomb(mb, (wchar_t)key, &st);
    if (n == (size_t)-1 || len + n >= sizeof(f->filter))
        return;
    memcpy(f->filter + len, mb, n);
    f->filter[len + n] = '\0';
    refilter(f, NULL);
}

/* Drop the filter's last character (a whole UTF-8 sequence). */
static void
filter_back(struct isoform *f)
{
    size_t len = strlen(f->filter);

    while (len && ((unsigned char)f->filter[len - 1] & 0xC0) == 0x80)
        len--;
    if (len)
        len--;
    f->filter[len] = '\0';
    refilter(f, NULL);
}

static enum ui_result
pick_key(struct ui *ui, struct isoform *f, int key)
{
    enum action a = ACT_NONE;
    bool moved;

    switch (key) {
    case UI_KEY_FN | KEY_UP: a = ACT_UP; break;
    case UI_KEY_FN | KEY_DOWN: a = ACT_DOWN; break;
    case UI_KEY_FN | KEY_PPAGE: a = ACT_PAGE_UP; break;
    case UI_KEY_FN | KEY_NPAGE: a = ACT_PAGE_DOWN; break;
    case UI_KEY_FN | KEY_HOME: a = ACT_HOME; break;
    case UI_KEY_FN | KEY_END: a = ACT_END; break;
    default: break;
    }
    if (a != ACT_NONE) {
        wlist_cmd(&f->list, a, &moved);
        return UI_HANDLED;
    }
    if (key == UI_KEY_ESC) {
        if (!*f->filter)
            return UI_CLOSE;
        f->filter[0] = '\0';
        refilter(f, NULL);
        return UI_HANDLED;
    }
    if (key == UI_KEY_ENTER) {
        pick_open(ui, f);
    } else if (key == (UI_KEY_FN | KEY_RIGHT)) {
        struct fentry *e = pick_selected(f);
        if (e && e->dir)
            pick_open(ui, f);
    } else if (key == (UI_KEY_FN | KEY_LEFT)) {
        pick_up(f);
    } else if (key == (UI_KEY_FN | KEY_BACKSPACE)) {
        if (*f->filter)
            filter_back(f);
        else
            pick_up(f);
    } else if (key == UI_KEY_TAB) {
        struct fentry *e = pick_selected(f);
        char *keep = e ? xstrdup(e->name) : NULL;
        char *dir = xstrdup(f->dir);
        f->all_files = !f->all_files;
        read_dir(f, dir, keep);
        free(dir);
        free(keep);
    } else if (key == '/') {
        /* a file name has no '/': start the filter again */
        f->filter[0] = '\0';
        refilter(f, NULL);
    } else if (!(key & UI_KEY_FN) && key >= 32 && key != 127) {
        filter_add(f, key);
    }
    return UI_HANDLED;
}

/* s cut from the left to width cells, as "~tail", for a long path. */
static const char *
tail_fit(const char *s, int width)
{
    while (*s && text_width(s) > width - 1) {
        s++;
        while (((unsigned char)*s & 0xC0) == 0x80)
            s++;
    }
    return s;
}

static void
pick_row(struct isoform *f, WINDOW *w, size_t i, int y, int x, int width,
         attr_t attr)
{
    const struct fentry *e = f->shown.items[i];
    int nw = width - SIZE_W - 1;
    char size[16];
    char *name;

    if (e->up)
        snprintf(size, sizeof(size), "%s", _("<up>"));
    else if (e->dir)
        snprintf(size, sizeof(size), "%s", _("<folder>"));
    else
        text_bytes(size, sizeof(size), (double)e->size);
    name = e->dir && !e->up ? xasprintf("%s/", e->name) : xstrdup(e->name);
    x = draw_text(w, y, x, " ", 1, true, attr);
    x = draw_text(w, y, x, name, nw - 1, true, attr | (e->dir ? A_BOLD : 0));
    x = draw_text(w, y, x, " ", 1, true, attr);
    draw_text(w, y, x, size, SIZE_W, false, attr);
    free(name);
}

static void
pick_paint(struct ui *ui, struct isoform *f, WINDOW *w)
{
    int h = getmaxy(w), cols = getmaxx(w), rows = h - 7;
    attr_t base = colors_attr(CE_DIALOG);
    char *t;

    wbkgdset(w, ' ' | base);
    werase(w);
    wattrset(w, base);
    box(w, 0, 0);
    t = xasprintf(_(" Upload to ISO domain '%s': choose a file "), f->sd);
    draw_text(w, 0, 2, t, text_width(t) < cols - 4 ? text_width(t)
              : cols - 4, true, base | A_BOLD);
    free(t);
    t = xasprintf(f->all_files ? _("%s  (all files)")
                               : _("%s  (folders and *.iso)"), f->dir);
    draw_text(w, 1, 2, tail_fit(t, cols - 4) != t ? "~" : "", tail_fit(t,
              cols - 4) != t ? 1 : 0, true, base);
    draw_text(w, 1, tail_fit(t, cols - 4) != t ? 3 : 2, tail_fit(t, cols - 4),
              cols - (tail_fit(t, cols - 4) != t ? 5 : 4), true, base);
    free(t);
    for (int r = 0; r < rows; r++) {
        size_t i = f->list.top + (size_t)r;
        if (i < f->shown.len)
            pick_row(f, w, i, 2 + r, 1, cols - 2,
                     i == f->list.sel ? colors_attr(CE_SELECTED) : base);
        else
            draw_fill(w, 2 + r, 1, cols - 2, base);
    }
    if (!f->shown.len)
        draw_text(w, 2, 2, *f->filter ? _("Nothing matches the filter.")
                  : _("This folder is empty."), cols - 4, true, base);
    if (f->pick_msg) {
        draw_wrapped(w, h - 5, 2, 2, cols - 4, f->pick_msg,
                     f->pick_err ? colors_attr(CE_ERROR) | A_REVERSE : base);
    } else if (*f->filter) {
        t = xasprintf(_("Filter: %s"), f->filter);
        draw_text(w, h - 5, 2, t, cols - 4, true, base | A_BOLD);
        free(t);
    }
    draw_wrapped(w, h - 3, 2, 2, cols - 4,
                 _("Enter opens a folder or takes the file, Backspace goes "
                   "up, typing filters, Tab shows all files or *.iso, Esc "
                   "cancels."), base);
}

/* ---- the form ---- */

static void
form_show(struct ui *ui, void *owner)
{
    struct isoform *f = owner;

    if (f->k.form)
        set_field_buffer(f->k.fields[F_FORCE], 0,
                         streq(f->val[F_FORCE], "yes")
                         ? _("yes: replace a file of that name")
                         : _("no: refuse a name that exists"));
}

static void
form_choices(struct ui *ui, void *owner, int i, struct vec *out)
{
    vec_push(out, "no");
    vec_push(out, "yes");
}

static char *
form_display(struct ui *ui, void *owner, int i, const char *v)
{
    return xstrdup(streq(v, "yes") ? _("yes: replace a file of that name")
                                   : _("no: refuse a name that exists"));
}

static void
form_choose(struct ui *ui, void *owner, int i, const char *v)
{
    struct isoform *f = owner;

    free(f->val[i]);
    f->val[i] = xstrdup(v);
    form_show(ui, f);
}

static int
form_check(struct ui *ui, void *owner, int i)
{
    struct isoform *f = owner;

    if (i != F_NAME)
        return 0;
    if (valid_file_name(f->val[F_NAME] ? f->val[F_NAME] : "") < 0) {
        formkit_set_msg(&f->k, true, err_msg());
        return -1;
    }
    return 0;
}

static const struct formkit_ops iso_kit_ops = {
    .check = form_check,
    .show_all = form_show,
    .choices = form_choices,
    .display = form_display,
    .choose = form_choose,
};

static void iso_layout(struct ui *ui, struct modal *m);

static void
form_enter(struct ui *ui, struct isoform *f, const char *path, uint64_t size)
{
    const char *base = strrchr(path, '/');

    free(f->file);
    f->file = xstrdup(path);
    f->file_size = size;
    free(f->val[F_NAME]);
    f->val[F_NAME] = xstrdup(base ? base + 1 : path);
    free(f->val[F_FORCE]);
    f->val[F_FORCE] = xstrdup("no");
    f->k.cur = F_NAME;
    formkit_set_msg(&f->k, false, NULL);
    f->phase = PH_FORM;
    iso_layout(ui, f->m);
    /* a file whose own name the domain would refuse: say so at once */
    form_check(ui, f, F_NAME);
}

/* ---- the upload ---- */

static void
up_progress(void *opaque, uint64_t done, uint64_t total, double mibs,
            double eta)
{
    struct isoform *f = cur;

    if (!f || f->serial != (unsigned)(uintptr_t)opaque)
        return;
    f->have_progress = true;
    f->done = done;
    f->total = total;
    f->mibs = mibs;
    f->eta = eta;
    f->m->dirty = true;
}

static void
up_done(void *opaque, int ok, const char *message)
{
    struct isoform *f = cur;

    /* the status line, whether or not the window is still open */
    ui_task_done(NULL, ok, message);
    if (!f || f->serial != (unsigned)(uintptr_t)opaque)
        return;
    f->m->dirty = true;
    if (ok) {
        f->phase = PH_END;
        free(f->result);
        f->result = xstrdup(message);
        return;
    }
    /* back to the form, on the name, to choose force or another name and
     * try again */
    f->phase = PH_FORM;
    f->k.cur = F_NAME;
    f->have_progress = false;
    f->cancelling = false;
    formkit_set_msg(&f->k, true, message);
    iso_layout(f->ui, f->m);
}

static void
form_submit(struct ui *ui, struct isoform *f)
{
    unsigned serial = serial_next++;

    if (formkit_check_all(ui, &f->k) < 0)
        return;
    if (engine_iso_upload(ui_engine(ui), f->sd, f->file, f->val[F_NAME],
                          streq(f->val[F_FORCE], "yes"), up_progress, up_done,
                          (void *)(uintptr_t)serial, &f->task_id) < 0) {
        formkit_set_msg(&f->k, true, err_msg());
        return;
    }
    f->serial = serial;
    f->have_progress = false;
    f->done = 0;
    f->total = f->file_size;
    f->cancelling = false;
    f->phase = PH_RUN;
    iso_layout(ui, f->m);
}

static void
cancel_yes(struct ui *ui, void *arg)
{
    unsigned serial = *(unsigned *)arg;
    struct isoform *f = cur;

    if (!f || f->serial != serial || f->phase != PH_RUN)
        return;
    if (engine_task_cancel(ui_engine(ui), f->task_id) < 0) {
        ui_message(ui, UI_MSG_ERROR, "%s", err_msg());
        return;
    }
    f->cancelling = true;
    f->m->dirty = true;
}

static void
run_cancel_ask(struct ui *ui, struct isoform *f)
{
    unsigned *arg;
    char *text;

    if (f->cancelling)
        return;
    arg = xmalloc(sizeof(*arg));
    *arg = f->serial;
    text = xasprintf(_("Cancel the upload of '%s' to storage domain '%s'? "
                       "Nothing is left on the server under that name."),
                     f->val[F_NAME], f->sd);
    dialog_confirm(ui, _("Cancel upload"), text, false, cancel_yes, arg,
                   free);
    free(text);
}

/* "1:02:03" or "02:03" */
static void
fmt_left(char *buf, size_t len, double s)
{
    long n = (long)(s + 0.5);

    if (n >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", n / 3600, n % 3600 / 60, n % 60);
    else
        snprintf(buf, len, "%02ld:%02ld", n / 60, n % 60);
}

/* Label and value on row y, the labels lw cells wide. */
static void
kv_row(WINDOW *w, int y, int lw, const char *label, const char *value,
       attr_t base)
{
    int cols = getmaxx(w);

    draw_text(w, y, 2, label, lw, true, base | A_BOLD);
    draw_text(w, y, 2 + lw + 2, value, cols - lw - 6, true, base);
}

static void
run_paint(struct ui *ui, struct isoform *f, WINDOW *w)
{
    int h = getmaxy(w), cols = getmaxx(w), lw = 0;
    attr_t base = colors_attr(CE_DIALOG);
    const char *labels[] = { _("File"), _("Name"), _("Domain") };
    char pct[16], a[16], b[16], left[64], *t;
    double p = f->total ? 100.0 * (double)f->done / (double)f->total : 0;

    wbkgdset(w, ' ' | base);
    werase(w);
    wattrset(w, base);
    box(w, 0, 0);
    t = xasprintf(f->phase == PH_END ? _(" Uploaded to ISO domain '%s' ")
                                     : _(" Uploading to ISO domain '%s' "),
                  f->sd);
    draw_text(w, 0, 2, t, text_width(t) < cols - 4 ? text_width(t)
              : cols - 4, true, base | A_BOLD);
    free(t);
    for (size_t i = 0; i < sizeof(labels) / sizeof(*labels); i++) {
        if (text_width(labels[i]) > lw)
            lw = text_width(labels[i]);
    }
    kv_row(w, 2, lw, labels[0], f->file, base);
    kv_row(w, 3, lw, labels[1], f->val[F_NAME], base);
    kv_row(w, 4, lw, labels[2], f->sd, base);
    if (f->phase == PH_END)
        p = 100;
    snprintf(pct, sizeof(pct), "%.0f%%", p);
    draw_bar(w, 6, 2, cols - 4, f->have_progress || f->phase == PH_END, p,
             pct);
    text_bytes(a, sizeof(a), (double)(f->phase == PH_END ? f->total
                                                         : f->done));
    text_bytes(b, sizeof(b), (double)f->total);
    if (f->phase == PH_RUN && f->have_progress && f->eta >= 0) {
        fmt_left(left, sizeof(left), f->eta);
        t = xasprintf(_("%s of %s, %.1f MiB/s, %s left"), a, b, f->mibs,
                      left);
    } else {
        t = xasprintf(_("%s of %s"), a, b);
    }
    draw_text(w, 7, 2, t, cols - 4, true, base);
    free(t);
    if (f->phase == PH_END)
        draw_wrapped(w, 9, 2, h - 11, cols - 4, f->result ? f->result : "",
                     colors_attr(CE_OK) | A_BOLD);
    else if (f->cancelling)
        draw_wrapped(w, 9, 2, h - 11, cols - 4, _("Cancelling: removing the "
                                                  "temporary file from the "
                                                  "server..."), base);
    draw_wrapped(w, h - 2, 2, 1, cols - 4, f->phase == PH_END
                 ? _("Enter or Esc closes.")
                 : _("Esc or x cancels (asks first); b keeps it running in "
                     "the tasks pane."), base);
}

/* ---- the modal ---- */

/* The window for the phase; a phase change calls it too, so the panes
 * the old window covered are painted again. */
static void
iso_layout(struct ui *ui, struct modal *m)
{
    struct isoform *f = m->data;
    int rows = ui_rows(ui), cols = ui_cols(ui);
    int w = cols - 4 < 84 ? cols - 4 : 84, h;

    if (w < 40)
        w = cols;
    formkit_unpost(&f->k, m);
    switch (f->phase) {
    case PH_PICK:
        h = rows - 4 < 30 ? rows - 4 : 30;
        if (h < 10)
            h = rows;
        m->win = newwin(h, w, (rows - h) / 2, (cols - w) / 2);
        wlist_set_rows(&f->list, h - 7 > 1 ? h - 7 : 1);
        m->cursor = false;
        break;
    case PH_FORM:
        h = 16 > rows ? rows : 16;
        f->k.spacing = 2;
        f->k.per_page = F__COUNT;
        f->k.pages = 1;
        f->k.fields_y = 4;
        f->k.sub_rows = 2 * F__COUNT - 1;
        formkit_build(ui, &f->k, m, w, h, NAME_MAX_BYTES);
        m->cursor = true;
        break;
    case PH_RUN:
    case PH_END:
        h = 14 > rows ? rows : 14;
        m->win = newwin(h, w, (rows - h) / 2, (cols - w) / 2);
        m->cursor = false;
        break;
    }
    for (int p = 0; p < PANE__COUNT; p++)
        ui_dirty(ui, p);
    m->dirty = true;
}

static void
iso_paint(struct ui *ui, struct modal *m)
{
    struct isoform *f = m->data;
    WINDOW *w = m->win;
    int h, cols, lw;
    attr_t base = colors_attr(CE_DIALOG);
    char size[16], *t;

    if (!w)
        return;
    h = getmaxy(w);
    cols = getmaxx(w);
    switch (f->phase) {
    case PH_PICK:
        pick_paint(ui, f, w);
        break;
    case PH_FORM:
        t = xasprintf(_("Upload to ISO domain '%s'"), f->sd);
        formkit_paint_frame(&f->k, w, t);
        free(t);
        lw = f->k.field_x - 3;
        text_bytes(size, sizeof(size), (double)f->file_size);
        t = xasprintf("%s (%s)", f->file, size);
        draw_text(w, 2, 2, _("File"), lw, true, base);
        draw_text(w, 2, f->k.field_x, tail_fit(t, cols - f->k.field_x - 2),
                  cols - f->k.field_x - 2, true, base);
        free(t);
        if (!formkit_paint_msg(&f->k, w, 4 + 2 * F__COUNT, h - 7 -
                               2 * F__COUNT))
            draw_wrapped(w, 4 + 2 * F__COUNT, 2, 2, cols - 4,
                         _("The name is the file's name on the domain: no "
                           "'/', no leading dot, no control characters."),
                         base);
        draw_wrapped(w, h - 3, 2, 2, cols - 4,
                     _("Enter uploads, Tab moves, Space changes the choice, "
                       "Esc goes back to the files."), base);
        wattrset(w, A_NORMAL);
        pos_form_cursor(f->k.form);
        break;
    case PH_RUN:
    case PH_END:
        run_paint(ui, f, w);
        break;
    }
}

static enum ui_result
iso_key(struct ui *ui, struct modal *m, int key)
{
    struct isoform *f = m->data;
    int i;

    m->dirty = true;
    switch (f->phase) {
    case PH_PICK:
        return pick_key(ui, f, key);
    case PH_FORM:
        if (key == UI_KEY_ESC) {
            formkit_read(&f->k);
            f->phase = PH_PICK;
            iso_layout(ui, m);
            return UI_HANDLED;
        }
        if (key == UI_KEY_ENTER) {
            form_submit(ui, f);
            return UI_HANDLED;
        }
        if (formkit_nav_key(ui, &f->k, key))
            return UI_HANDLED;
        i = field_index(current_field(f->k.form));
        if (i == F_FORCE)
            formkit_choice_key(ui, &f->k, i, key);
        else
            formkit_field_key(f->k.form, key);
        return UI_HANDLED;
    case PH_RUN:
        if (key == UI_KEY_ESC || key == 'x' || key == 'X') {
            run_cancel_ask(ui, f);
        } else if (key == 'b' || key == 'B') {
            /* the operator asked to follow it there: show the pane */
            if (!tasks_pane_wanted())
                tasks_pane_toggle(ui);
            ui_message(ui, UI_MSG_INFO, _("The upload of '%s' goes on in the "
                                          "tasks pane (t shows or hides it; "
                                          "x there cancels it)."),
                       f->val[F_NAME]);
            return UI_CLOSE;
        }
        return UI_HANDLED;
    case PH_END:
        if (key == UI_KEY_ESC || key == UI_KEY_ENTER || key == 'q')
            return UI_CLOSE;
        return UI_HANDLED;
    }
    return UI_HANDLED;
}

static void
iso_free(struct modal *m)
{
    struct isoform *f = m->data;

    if (cur == f)
        cur = NULL;
    formkit_clear(&f->k);
    for (int i = 0; i < F__COUNT; i++)
        free(f->val[i]);
    vec_clear(&f->shown, NULL);
    vec_clear(&f->all, fentry_free);
    free(f->pick_msg);
    free(f->dir);
    free(f->file);
    free(f->sd);
    free(f->result);
    free(f);
    if (m->win)
        delwin(m->win);
    free(m);
}

static const struct modal_ops iso_ops = {
    .key = iso_key,
    .layout = iso_layout,
    .paint = iso_paint,
    .free = iso_free,
};

static void
row_cb(void *opaque, size_t i, WINDOW *w, int y, int x, int width,
       attr_t sel_attr)
{
    pick_row(opaque, w, i, y, x, width, sel_attr);
}

void
isoform_open(struct ui *ui, const char *sd_name)
{
    struct modal *m;
    struct isoform *f;
    const char *home = getenv("HOME");
    struct sd *sd = engine_iso_domain(ui_engine(ui), sd_name);

    if (!sd) {
        ui_message(ui, UI_MSG_ERROR, "%s", err_msg());
        return;
    }
    if (cur) {
        ui_message(ui, UI_MSG_ERROR, "%s", _("An upload window is open "
                                             "already."));
        return;
    }
    m = xcalloc(1, sizeof(*m));
    f = xcalloc(1, sizeof(*f));
    f->m = m;
    f->ui = ui;
    f->sd = xstrdup(sd->name);
    f->k.ops = &iso_kit_ops;
    f->k.owner = f;
    f->k.n = F__COUNT;
    f->k.val = f->val;
    f->k.labels[F_NAME] = N_("Name on the domain");
    f->k.labels[F_FORCE] = N_("Force");
    f->k.choice[F_FORCE] = true;
    f->val[F_NAME] = xstrdup("");
    f->val[F_FORCE] = xstrdup("no");
    wlist_init(&f->list, row_cb, f);
    m->ops = &iso_ops;
    m->data = f;
    cur = f;
    if (!(last_dir && read_dir(f, last_dir, NULL) == 0) &&
        !(home && *home == '/' && read_dir(f, home, NULL) == 0)) {
        char *why = f->pick_msg ? xstrdup(f->pick_msg) : NULL;
        if (read_dir(f, "/", NULL) < 0)
            f->dir = xstrdup("/");
        if (why)
            pick_msg(f, true, why);
        free(why);
    }
    ui_modal_push(ui, m);
}
