/* cmdline.c: the status-line editor (see cmdline.h).
 *
 * A modal over the two status rows: the first holds the prompt and the
 * text with the cursor at its end, the second a hint or the completions.
 * Keys come from the main dispatcher like any modal's. */
#include <config.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "ui/actions.h"
#include "ui/cmdline.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/scr_list.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"

enum cl_mode { CL_COMMAND, CL_FILTER };

struct cmdline {
    enum cl_mode mode;
    struct strbuf text;
    char *saved;            /* the filter before `/`, restored by Esc */
    char *hint;             /* second row; NULL: the default hint */
    bool hint_error;
};

static void
cl_set_hint(struct cmdline *c, bool error, const char *s)
{
    free(c->hint);
    c->hint = s ? xstrdup(s) : NULL;
    c->hint_error = error;
}

static void
cl_layout(struct ui *ui, struct modal *m)
{
    if (m->win)
        delwin(m->win);
    m->win = newwin(2, ui_cols(ui), ui_rows(ui) - 2, 0);
    m->dirty = true;
}

static void
cl_paint(struct ui *ui, struct modal *m)
{
    struct cmdline *c = m->data;
    WINDOW *w = m->win;
    int cols = getmaxx(w), tw = text_width(sb_str(&c->text));
    const char *text = sb_str(&c->text);
    const char *hint = c->hint;

    werase(w);
    mvwaddstr(w, 0, 0, c->mode == CL_COMMAND ? ":" : "/");
    /* show the end of a text longer than the row */
    while (tw > cols - 3 && *text) {
        size_t n = 1;
        while ((text[n] & 0xc0) == 0x80)
            n++;
        text += n;
        tw = text_width(text);
    }
    draw_text(w, 0, 1, text, tw, true, A_NORMAL);
    if (!hint)
        hint = c->mode == CL_COMMAND
               ? _("Type an action name: Tab completes, Enter runs, Esc "
                   "cancels.")
               : _("Type part of a name: the list follows. Enter keeps the "
                   "filter, Esc cancels.");
    draw_text(w, 1, 0, hint, cols, true,
              c->hint_error ? colors_attr(CE_ERROR) : A_DIM);
    wmove(w, 0, 1 + tw);
}

/* Complete the action name typed so far. */
static void
cl_complete(struct cmdline *c)
{
    const char *typed = sb_str(&c->text);
    size_t tl = strlen(typed), common = 0;
    const char *first = NULL;
    struct strbuf list = { 0 };
    unsigned n = 0;

    for (int a = 1; a < ACT__COUNT; a++) {
        const char *name = action_info(a)->name;
        if (strncmp(name, typed, tl) != 0 || !actions_offered(a))
            continue;
        if (!first) {
            first = name;
            common = strlen(name);
        } else {
            size_t k = 0;
            while (k < common && first[k] == name[k])
                k++;
            common = k;
        }
        if (n++)
            sb_addc(&list, ' ');
        sb_add(&list, name);
    }
    if (!n) {
        cl_set_hint(c, true, _("No action starts with that: ? lists them."));
    } else if (n == 1) {
        sb_reset(&c->text);
        sb_add(&c->text, first);
        cl_set_hint(c, false, _(action_info(action_by_name(first))->help));
    } else {
        if (common > tl) {
            char *pre = xstrndup(first, common);
            sb_reset(&c->text);
            sb_add(&c->text, pre);
            free(pre);
        }
        cl_set_hint(c, false, sb_str(&list));
    }
    sb_free(&list);
}

/* Remove the last character (UTF-8). */
static void
cl_backspace(struct cmdline *c)
{
    size_t n = c->text.len;

    if (!n)
        return;
    n--;
    while (n > 0 && (c->text.s[n] & 0xc0) == 0x80)
        n--;
    c->text.len = n;
    c->text.s[n] = '\0';
}

static enum ui_result
cl_key(struct ui *ui, struct modal *m, int key)
{
    struct cmdline *c = m->data;
    bool changed = false;

    m->dirty = true;
    if (key == UI_KEY_ESC) {
        if (c->mode == CL_FILTER)
            scr_list_set_filter(ui, c->saved);
        return UI_CLOSE;
    }
    if (key == UI_KEY_ENTER) {
        if (c->mode == CL_FILTER)
            return UI_CLOSE;
        if (!c->text.len)
            return UI_CLOSE;
        enum action a = action_by_name(sb_str(&c->text));
        if (a == ACT_NONE) {
            char *msg = xasprintf(_("There is no action '%s': Tab completes, "
                                    "? lists them."), sb_str(&c->text));
            cl_set_hint(c, true, msg);
            free(msg);
            return UI_HANDLED;
        }
        /* close first: the action may open a modal of its own */
        ui_action(ui, a);
        return UI_CLOSE;
    }
    if (key == UI_KEY_TAB && c->mode == CL_COMMAND) {
        cl_complete(c);
        return UI_HANDLED;
    }
    if (key == (UI_KEY_FN | KEY_BACKSPACE)) {
        if (!c->text.len && c->mode == CL_COMMAND)
            return UI_CLOSE;
        cl_backspace(c);
        changed = true;
    } else if (key == 21) {            /* C-u */
        sb_reset(&c->text);
        changed = true;
    } else if (!(key & UI_KEY_FN) && key >= 32 && key != 127) {
        char mb[MB_LEN_MAX + 1];
        mbstate_t st;
        size_t n;
        memset(&st, 0, sizeof(st));
        n = wcrtomb(mb, (wchar_t)key, &st);
        if (n != (size_t)-1 && c->text.len + n < 256) {
            sb_addn(&c->text, mb, n);
            changed = true;
        }
    }
    if (changed) {
        cl_set_hint(c, false, NULL);
        if (c->mode == CL_FILTER)
            scr_list_set_filter(ui, sb_str(&c->text));
    }
    return UI_HANDLED;
}

static void
cl_free(struct modal *m)
{
    struct cmdline *c = m->data;

    sb_free(&c->text);
    free(c->saved);
    free(c->hint);
    free(c);
    if (m->win)
        delwin(m->win);
    free(m);
}

static const struct modal_ops cl_ops = {
    .key = cl_key,
    .layout = cl_layout,
    .paint = cl_paint,
    .free = cl_free,
};

static void
cl_open(struct ui *ui, enum cl_mode mode)
{
    struct modal *m = xcalloc(1, sizeof(*m));
    struct cmdline *c = xcalloc(1, sizeof(*c));

    c->mode = mode;
    if (mode == CL_FILTER) {
        c->saved = xstrdup(scr_list_filter());
        sb_add(&c->text, c->saved);
    }
    m->ops = &cl_ops;
    m->data = c;
    m->cursor = true;
    ui_modal_push(ui, m);
}

void
cmdline_open_command(struct ui *ui)
{
    cl_open(ui, CL_COMMAND);
}

void
cmdline_open_filter(struct ui *ui)
{
    cl_open(ui, CL_FILTER);
}
