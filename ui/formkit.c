/* formkit.c: what the libform forms share (see formkit.h).
 *
 * The values live in the form's own array (formkit.val) and are copied
 * out of libform before every rebuild, so a resize never loses what was
 * typed.  Choice fields are not edited by libform: it only displays the
 * label the form's display callback gives. */
#include <config.h>
#include <stdarg.h>
#include <form.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/formkit.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/text.h"
#include "src/util/vec.h"

/* Set the message under the fields (NULL or "": none, so the form may
 * show its hint).  msg is copied with control characters made visible. */
void
formkit_set_msg(struct formkit *k, bool error, const char *msg)
{
    free(k->msg);
    k->msg = msg && *msg ? text_safe(msg) : NULL;
    k->msg_error = error;
}

int
formkit_fail(struct formkit *k, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    formkit_set_msg(k, true, msg);
    free(msg);
    return -1;
}

/* Parse s, a whole decimal number up to max, into *out.  0, or -1 when
 * s is empty, not a number or larger than max (*out unchanged). */
int
formkit_parse_num(const char *s, unsigned long long max,
                  unsigned long long *out)
{
    unsigned long long v = 0;

    if (!*s)
        return -1;
    for (const char *p = s; *p; p++) {
        unsigned d;
        if (*p < '0' || *p > '9')
            return -1;
        d = (unsigned)(*p - '0');
        /* checked before the step: v * 10 + d must not wrap around */
        if (d > max || v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Copy the text fields out of libform into k->val, trailing blanks (and,
 * with k->trim_leading, leading ones) trimmed; remember the current
 * field.  Choice fields keep their value. */
void
formkit_read(struct formkit *k)
{
    if (!k->form)
        return;
    form_driver_w(k->form, KEY_CODE_YES, REQ_VALIDATION);
    for (int i = 0; i < k->n; i++) {
        const char *buf;
        size_t len;
        if (k->choice[i])
            continue;
        buf = field_buffer(k->fields[i], 0);
        len = buf ? strlen(buf) : 0;
        while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\n'))
            len--;
        while (k->trim_leading && len && buf[0] == ' ') {
            buf++;
            len--;
        }
        free(k->val[i]);
        k->val[i] = xstrndup(buf ? buf : "", len);
    }
    k->cur = field_index(current_field(k->form));
}

/* Free the libform form, its fields and the sub-window. */
void
formkit_destroy(struct formkit *k)
{
    if (k->form) {
        unpost_form(k->form);
        free_form(k->form);
        k->form = NULL;
    }
    for (int i = 0; i < k->n; i++) {
        if (k->fields[i])
            free_field(k->fields[i]);
        k->fields[i] = NULL;
    }
    if (k->sub) {
        delwin(k->sub);
        k->sub = NULL;
    }
}

/* Free all the kit holds; the values are the form's to free. */
void
formkit_clear(struct formkit *k)
{
    formkit_destroy(k);
    free(k->msg);
    k->msg = NULL;
}

/* Before a rebuild: keep what was typed, then free the form and the
 * modal's window. */
void
formkit_unpost(struct formkit *k, struct modal *m)
{
    formkit_read(k);
    formkit_destroy(k);
    if (m->win) {
        delwin(m->win);
        m->win = NULL;
    }
}

/* Fields two rows apart when the screen's rows hold them and overhead
 * (the rows around the fields), else one row apart, on as many pages as
 * it takes. */
static void
formkit_paginate(struct formkit *k, int rows, int overhead)
{
    if (2 * k->n - 1 + overhead <= rows) {
        k->spacing = 2;
        k->per_page = k->n;
    } else {
        k->spacing = 1;
        k->per_page = rows - overhead < k->n ? rows - overhead : k->n;
        if (k->per_page < 1)
            k->per_page = 1;
    }
    k->pages = (k->n + k->per_page - 1) / k->per_page;
}

/* Rows the fields take on one page. */
int
formkit_fields_rows(const struct formkit *k)
{
    return (k->per_page - 1) * k->spacing + 1;
}

/* Build the modal's window (w by h, centred), the fields (max_len bytes
 * each) and the form, its sub-window k->sub_rows high at k->fields_y;
 * show the choices and go back to the current field.  k->spacing and
 * k->per_page say where the fields go. */
void
formkit_build(struct ui *ui, struct formkit *k, struct modal *m, int w, int h,
              int max_len)
{
    int rows = ui_rows(ui), cols = ui_cols(ui), lw = 0, fw;

    for (int i = 0; i < k->n; i++) {
        int t = text_width(_(k->labels[i]));
        if (t > lw)
            lw = t;
    }
    k->field_x = 2 + lw + 2;
    fw = w - k->field_x - 2;
    if (fw < 4)
        fw = 4;
    m->win = newwin(h, w, (rows - h) / 2, (cols - w) / 2);
    keypad(m->win, TRUE);
    for (int i = 0; i < k->n; i++) {
        FIELD *fl = new_field(1, fw, (i % k->per_page) * k->spacing, 0, 0, 0);
        field_opts_off(fl, O_STATIC | O_AUTOSKIP | O_BLANK);
        field_opts_on(fl, O_NULLOK);
        if (k->choice[i])
            field_opts_off(fl, O_EDIT);
        set_max_field(fl, max_len);
        set_field_back(fl, colors_attr(CE_FIELD));
        set_field_fore(fl, colors_attr(CE_FIELD));
        if (i && i % k->per_page == 0)
            set_new_page(fl, TRUE);
        if (!k->choice[i])
            set_field_buffer(fl, 0, k->val[i] ? k->val[i] : "");
        k->fields[i] = fl;
    }
    k->fields[k->n] = NULL;
    k->form = new_form(k->fields);
    k->sub = derwin(m->win, k->sub_rows, fw, k->fields_y, k->field_x);
    set_form_win(k->form, m->win);
    set_form_sub(k->form, k->sub);
    post_form(k->form);
    if (k->ops->show_all)
        k->ops->show_all(ui, k->owner);
    if (k->cur > 0 && k->cur < k->n)
        set_current_field(k->form, k->fields[k->cur]);
    form_driver_w(k->form, KEY_CODE_YES, REQ_END_LINE);
    m->dirty = true;
}

/* Lay out a form that may have pages: a window up to 84 columns wide
 * (the whole width on a narrow screen), the fields at row top, with
 * overhead rows in all around them, max_len bytes each. */
void
formkit_layout_paged(struct ui *ui, struct formkit *k, struct modal *m,
                     int top, int overhead, int max_len)
{
    int rows = ui_rows(ui), cols = ui_cols(ui);
    int w = cols - 4 < 84 ? cols - 4 : 84, h;

    formkit_unpost(k, m);
    if (w < 40)
        w = cols;
    formkit_paginate(k, rows, overhead);
    h = formkit_fields_rows(k) + overhead;
    if (h > rows)
        h = rows;
    k->fields_y = top;
    k->sub_rows = formkit_fields_rows(k);
    formkit_build(ui, k, m, w, h, max_len);
}

/* Paint the border, the title, the page and the labels of the current
 * page; the fields are libform's. */
void
formkit_paint_frame(struct formkit *k, WINDOW *w, const char *title)
{
    int h = getmaxy(w), cols = getmaxx(w);
    int page = form_page(k->form);
    int cur = field_index(current_field(k->form));
    attr_t base = colors_attr(CE_DIALOG);

    wbkgdset(w, ' ' | base);
    wattrset(w, base);
    for (int r = 0; r < h; r++) {
        if (r >= k->fields_y && r < k->fields_y + k->sub_rows) {
            int end = k->field_x + getmaxx(k->sub);
            draw_fill(w, r, 1, k->field_x - 1, base);
            draw_fill(w, r, end, cols - 1 - end, base);
        } else {
            draw_fill(w, r, 0, cols, base);
        }
    }
    wattrset(w, base);
    box(w, 0, 0);
    {
        char *t = xasprintf(" %s ", title);
        draw_text(w, 0, 2, t, text_width(t) < cols - 4 ? text_width(t)
                  : cols - 4, true, base | A_BOLD);
        free(t);
    }
    if (k->pages > 1) {
        char *p = xasprintf(_(" page %d/%d "), page + 1, k->pages);
        int pw = text_width(p);
        if (pw < cols - 4)
            draw_text(w, 0, cols - pw - 2, p, pw, true, base);
        free(p);
    }
    for (int i = 0; i < k->n; i++) {
        attr_t a = base | (i == cur ? A_BOLD : 0);
        if (i / k->per_page != page)
            continue;
        draw_text(w, k->fields_y + (i % k->per_page) * k->spacing, 2,
                  _(k->labels[i]), k->field_x - 3, true, a);
    }
}

/* Paint the message at row y, in at most rows rows.  Returns whether
 * there was one (else the form may paint its hint there). */
bool
formkit_paint_msg(struct formkit *k, WINDOW *w, int y, int rows)
{
    attr_t base = colors_attr(CE_DIALOG);

    if (!k->msg)
        return false;
    draw_wrapped(w, y, 2, rows, getmaxx(w) - 4, k->msg,
                 k->msg_error ? colors_attr(CE_ERROR) | A_REVERSE : base);
    return true;
}

/* Go to field i, at the end of its text. */
void
formkit_goto(struct formkit *k, int i)
{
    set_current_field(k->form, k->fields[i]);
    form_driver_w(k->form, KEY_CODE_YES, REQ_END_LINE);
    k->cur = i;
    k->ahead[0] = '\0';
}

/* Read and check every field; on the first that fails, go there.
 * Returns 0, or -1 with the sentence as message. */
int
formkit_check_all(struct ui *ui, struct formkit *k)
{
    formkit_read(k);
    for (int i = 0; i < k->n; i++) {
        if (k->ops->check(ui, k->owner, i) < 0) {
            formkit_goto(k, i);
            return -1;
        }
    }
    return 0;
}

/* Leave the current field for field to (checking the one left). */
static void
formkit_move(struct ui *ui, struct formkit *k, int to)
{
    int i;

    formkit_read(k);
    i = field_index(current_field(k->form));
    if (k->ops->check(ui, k->owner, i) == 0)
        formkit_set_msg(k, false, NULL);
    if (k->ops->show_all)
        k->ops->show_all(ui, k->owner);
    formkit_goto(k, (to + k->n) % k->n);
}

/* Tab, Down, Shift-Tab, Up, and with pages PgDn and PgUp: move to the
 * field they name.  Returns whether key was one of those. */
bool
formkit_nav_key(struct ui *ui, struct formkit *k, int key)
{
    int code = key & ~UI_KEY_FN;
    int i = field_index(current_field(k->form));

    if (key == UI_KEY_TAB || key == (UI_KEY_FN | KEY_DOWN)) {
        formkit_move(ui, k, i + 1);
        return true;
    }
    if (key == (UI_KEY_FN | KEY_BTAB) || key == (UI_KEY_FN | KEY_UP)) {
        formkit_move(ui, k, i - 1);
        return true;
    }
    if ((key == (UI_KEY_FN | KEY_NPAGE) || key == (UI_KEY_FN | KEY_PPAGE)) &&
        k->pages > 1) {
        int page = i / k->per_page + (code == KEY_NPAGE ? 1 : -1);
        page = (page + k->pages) % k->pages;
        formkit_move(ui, k, page * k->per_page);
        return true;
    }
    return false;
}

static void
formkit_cycle(struct ui *ui, struct formkit *k, int i, int step)
{
    struct vec ch = { 0 };
    int j = -1, n;

    k->ops->choices(ui, k->owner, i, &ch);
    n = (int)ch.len;
    for (int c = 0; c < n; c++) {
        if (streq(ch.items[c], k->val[i] ? k->val[i] : ""))
            j = c;
    }
    if (n) {
        j = j < 0 ? 0 : (j + step + n) % n;
        k->ops->choose(ui, k->owner, i, ch.items[j]);
    }
    vec_clear(&ch, NULL);
}

static bool
starts_with(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Type-ahead on a choice field: the first choice whose value or label
 * starts with what was typed. */
static void
formkit_type_ahead(struct ui *ui, struct formkit *k, int i, int key)
{
    char mb[MB_LEN_MAX + 1];
    mbstate_t st;
    size_t n, len = strlen(k->ahead);
    struct vec ch = { 0 };
    bool found = false;

    memset(&st, 0, sizeof(st));
    n = wcrtomb(mb, (wchar_t)key, &st);
    if (n == (size_t)-1)
        return;
    mb[n] = '\0';
    if (len + n >= sizeof(k->ahead))
        len = 0;
    memcpy(k->ahead + len, mb, n + 1);
    k->ops->choices(ui, k->owner, i, &ch);
    for (int pass = 0; pass < 2 && !found; pass++) {
        for (size_t j = 0; j < ch.len && !found; j++) {
            const char *v = ch.items[j];
            char *label = k->ops->display(ui, k->owner, i, v);
            if ((*v && starts_with(v, k->ahead)) ||
                starts_with(label, k->ahead)) {
                k->ops->choose(ui, k->owner, i, v);
                found = true;
            }
            free(label);
        }
        /* no choice goes on like that: start again from this key */
        if (!found)
            memcpy(k->ahead, mb, n + 1);
    }
    if (!found)
        k->ahead[0] = '\0';
    vec_clear(&ch, NULL);
}

/* A key on choice field i: Space and Right take the next choice, Left
 * the previous one, a printable character selects by first letters. */
void
formkit_choice_key(struct ui *ui, struct formkit *k, int i, int key)
{
    if (key == ' ' || key == (UI_KEY_FN | KEY_RIGHT)) {
        k->ahead[0] = '\0';
        formkit_cycle(ui, k, i, 1);
    } else if (key == (UI_KEY_FN | KEY_LEFT)) {
        k->ahead[0] = '\0';
        formkit_cycle(ui, k, i, -1);
    } else if (!(key & UI_KEY_FN) && key > 32 && key != 127) {
        formkit_type_ahead(ui, k, i, key);
    }
    formkit_set_msg(k, false, NULL);
}

/* Apply an editing key to the current field of form: arrows, Home, End,
 * Backspace, Delete, C-a, C-e, C-k, C-u and printable characters.
 * Returns 1 when the key was one of those, else 0. */
int
formkit_field_key(FORM *form, int key)
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
