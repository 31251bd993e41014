/* help.c: the help screen (see help.h).
 *
 * The text is laid out once per screen width into lines (help lines are
 * wrapped, never cut) and scrolled; only the visible lines are painted. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/help.h"
#include "src/model.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"
#include "src/util/vec.h"

struct hline {
    char *text;
    int kind;               /* 0 text, 1 heading */
};

struct help {
    struct vec lines;       /* struct hline * */
    int top;
    int width;              /* laid out for */
};

static void
hline_free(void *p)
{
    struct hline *l = p;
    free(l->text);
    free(l);
}

static void
add(struct help *h, int kind, const char *text)
{
    struct hline *l = xcalloc(1, sizeof(*l));
    l->text = xstrdup(text);
    l->kind = kind;
    vec_push(&h->lines, l);
}

/* Add text wrapped to width cells: the first line starts with first,
 * the others with rest (both as wide as each other). */
static void
add_wrapped(struct help *h, const char *first, const char *rest, int width,
            const char *text)
{
    struct strbuf b = { 0 };
    const char *p = text;
    int avail = width - text_width(rest);
    bool is_first = true;

    if (avail < 10)
        avail = 10;
    do {
        const char *end = p, *brk = NULL;
        int w = 0;
        mbstate_t st;
        memset(&st, 0, sizeof(st));
        while (*end) {
            wchar_t wc;
            size_t n = mbrtowc(&wc, end, strlen(end), &st);
            int cw;
            if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
                n = 1;
                cw = 1;
                memset(&st, 0, sizeof(st));
            } else {
                cw = wcwidth(wc);
                if (cw < 0)
                    cw = 0;
            }
            if (w + cw > avail && end > p)
                break;
            if (*end == ' ')
                brk = end;
            w += cw;
            end += n;
        }
        if (*end && brk && brk > p)
            end = brk;
        sb_reset(&b);
        sb_add(&b, is_first ? first : rest);
        sb_addn(&b, p, (size_t)(end - p));
        add(h, 0, sb_str(&b));
        is_first = false;
        p = end;
        while (*p == ' ')
            p++;
    } while (*p);
    sb_free(&b);
}

/* The widest action name, at least 20 cells: the name column. */
static int
name_width(void)
{
    int w = 20;

    for (int a = 1; a < ACT__COUNT; a++) {
        int n = text_width(action_info(a)->name);
        if (n > w)
            w = n;
    }
    return w;
}

/* Add "KEYS  NAME  HELP", HELP wrapped under itself. */
static void
add_action(struct help *h, int width, const char *keys, const char *name,
           const char *text)
{
    struct strbuf first = { 0 }, rest = { 0 };
    int nw = name_width(), indent = 16 + 1 + nw + 1;

    text_pad(&first, keys, 16, 1);
    sb_addc(&first, ' ');
    if (width - indent < 24) {
        /* narrow: the help line goes under the keys */
        sb_add(&first, name);
        add(h, 0, sb_str(&first));
        add_wrapped(h, "      ", "      ", width, text);
    } else {
        text_pad(&first, name, nw, 1);
        sb_addc(&first, ' ');
        text_pad(&rest, "", indent, 1);
        add_wrapped(h, sb_str(&first), sb_str(&rest), width, text);
    }
    sb_free(&first);
    sb_free(&rest);
}

static void
build(struct help *h, int width)
{
    struct strbuf b = { 0 };

    vec_clear(&h->lines, hline_free);
    h->width = width;
    add(h, 1, _("Keys and actions"));
    add_wrapped(h, "", "", width,
                _("Keys can be changed in the keys section of virtdeck.conf, "
                  "by action name; ':' runs an action by name."));
    if (actions_readonly())
        add_wrapped(h, "", "", width,
                    _("Read-only (--read-only): this console observes only; "
                      "the actions that change things are not offered."));
    add(h, 0, "");
    for (int a = 1; a < ACT__COUNT; a++) {
        const struct action_info *ai = action_info(a);
        if (!actions_offered(a))
            continue;
        sb_reset(&b);
        actions_keys(a, &b);
        add_action(h, width, b.len ? sb_str(&b) : "-", ai->name, _(ai->help));
    }
    add(h, 0, "");
    add(h, 1, _("In forms and dialogs"));
    add_action(h, width, "Tab, S-Tab", "", _("Next or previous field"));
    add_action(h, width, "Enter", "", _("Save the form, or answer the "
                                        "highlighted button"));
    add_action(h, width, "y / n", "", _("Answer a question"));
    add_action(h, width, "Esc", "", _("Cancel: close without changing "
                                      "anything"));
    add_action(h, width, "Space, arrows", "",
               _("Choose in a field that offers choices (cluster, host, "
                 "yes/no); or type the first letters"));
    add_action(h, width, "PgUp, PgDn", "",
               _("Previous or next page of a form too long for the screen"));
    add(h, 0, "");
    add(h, 1, _("In the serial console"));
    add_action(h, width, "C-]", "", _("Return to the panes; the console "
                                      "closes"));
    add_action(h, width, "", "", _("Every other key, Esc and C-c included, "
                                   "goes to the guest"));
    add(h, 0, "");
    add(h, 1, _("State symbols"));
    for (int s = HOST_CONNECTING; s <= HOST_STATE_LAST; s++) {
        sb_reset(&b);
        sb_addf(&b, "  %c  %s %s", host_state_symbol(s), _("host"),
                host_state_label(s));
        add(h, 0, sb_str(&b));
    }
    for (int s = VM_UNKNOWN; s <= VM_PMSUSPENDED; s++) {
        sb_reset(&b);
        sb_addf(&b, "  %c  %s %s", vm_state_symbol(s), _("VM"),
                vm_state_label(s));
        add(h, 0, sb_str(&b));
    }
    sb_reset(&b);
    sb_addf(&b, "  #  %s", _("storage domain"));
    add(h, 0, sb_str(&b));
    sb_reset(&b);
    sb_addf(&b, "  m  %s", _("storage domain in maintenance"));
    add(h, 0, sb_str(&b));
    sb_reset(&b);
    sb_addf(&b, "  -  %s", _("storage domain attached to no data center"));
    add(h, 0, sb_str(&b));
    sb_reset(&b);
    sb_addf(&b, "  u  %s", _("data center Uninitialized: no active data "
                             "domain"));
    add(h, 0, sb_str(&b));
    sb_reset(&b);
    sb_addf(&b, "  !  %s", _("data center without an SPM, or a host "
                             "NonResponsive"));
    add(h, 0, sb_str(&b));
    add(h, 0, _("  SPM  after a host: the storage pool manager of its data "
                "center"));
    sb_reset(&b);
    sb_addf(&b, "  *  %s", _("marked VM (Space marks)"));
    add(h, 0, sb_str(&b));
    add(h, 0, _("  -  a number the host does not report"));
    add(h, 0, "");
    add(h, 1, _("Colours"));
    add(h, 0, _("Screen elements for the colors section of virtdeck.conf:"));
    sb_reset(&b);
    for (int i = 0; colors_elem_name(i); i++) {
        if (b.len + strlen(colors_elem_name(i)) + 4 > (size_t)width) {
            add(h, 0, sb_str(&b));
            sb_reset(&b);
        }
        sb_add(&b, "  ");
        sb_add(&b, colors_elem_name(i));
    }
    add(h, 0, sb_str(&b));
    add(h, 0, _("Colours: default and"));
    sb_reset(&b);
    for (int i = 0; colors_color_name(i); i++) {
        if (b.len + strlen(colors_color_name(i)) + 4 > (size_t)width) {
            add(h, 0, sb_str(&b));
            sb_reset(&b);
        }
        sb_add(&b, "  ");
        sb_add(&b, colors_color_name(i));
    }
    add(h, 0, sb_str(&b));
    add_wrapped(h, "", "", width,
                _("NO_COLOR in the environment or color = false gives "
                  "monochrome."));
    sb_free(&b);
}

static void
help_layout(struct ui *ui, struct modal *m)
{
    struct help *h = m->data;
    int rows = ui_rows(ui), cols = ui_cols(ui);
    if (m->win)
        delwin(m->win);
    m->win = newwin(rows, cols, 0, 0);
    if (h->width != cols - 2)
        build(h, cols - 2);
    m->dirty = true;
}

static void
help_paint(struct ui *ui, struct modal *m)
{
    struct help *h = m->data;
    WINDOW *w = m->win;
    int rows = getmaxy(w) - 2, cols = getmaxx(w);
    char pos[64];

    werase(w);
    draw_title(w, _("Help (Esc closes, arrows and PgUp/PgDn scroll)"), true);
    for (int r = 0; r < rows; r++) {
        struct hline *l = vec_get(&h->lines, (size_t)(h->top + r));
        if (!l)
            break;
        draw_text(w, r + 1, 1, l->text, cols - 2, true,
                  l->kind ? colors_attr(CE_COLUMNS) : A_NORMAL);
    }
    snprintf(pos, sizeof(pos), _("lines %d-%d of %zu"), h->top + 1,
             h->top + rows < (int)h->lines.len ? h->top + rows
             : (int)h->lines.len, h->lines.len);
    draw_fill(w, rows + 1, 0, cols, A_NORMAL);
    draw_text(w, rows + 1, cols - text_width(pos) - 1, pos, text_width(pos),
              true, A_DIM);
}

static enum ui_result
help_key(struct ui *ui, struct modal *m, int key)
{
    struct help *h = m->data;
    enum action a = actions_lookup(key);
    int rows = getmaxy(m->win) - 2, max = (int)h->lines.len - rows;

    if (max < 0)
        max = 0;
    if (key == UI_KEY_ESC || a == ACT_QUIT || a == ACT_HELP)
        return UI_CLOSE;
    switch (a) {
    case ACT_UP: h->top--; break;
    case ACT_DOWN: h->top++; break;
    case ACT_PAGE_UP: h->top -= rows - 1; break;
    case ACT_PAGE_DOWN:
    case ACT_MARK:
        h->top += rows - 1;
        break;
    case ACT_HOME: h->top = 0; break;
    case ACT_END: h->top = max; break;
    default: return UI_HANDLED;
    }
    if (h->top > max)
        h->top = max;
    if (h->top < 0)
        h->top = 0;
    m->dirty = true;
    return UI_HANDLED;
}

static void
help_free(struct modal *m)
{
    struct help *h = m->data;

    vec_clear(&h->lines, hline_free);
    free(h);
    if (m->win)
        delwin(m->win);
    free(m);
}

static const struct modal_ops help_ops = {
    .key = help_key,
    .layout = help_layout,
    .paint = help_paint,
    .free = help_free,
};

void
help_open(struct ui *ui)
{
    struct modal *m = xcalloc(1, sizeof(*m));

    m->ops = &help_ops;
    m->data = xcalloc(1, sizeof(struct help));
    ((struct help *)m->data)->width = -1;
    ui_modal_push(ui, m);
}
