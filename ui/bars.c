/* bars.c: the header and the status line (see bars.h).
 *
 * Hints name the keys bound now, looked up in the action table, so a
 * rebinding in virtdeck.conf changes the hints with the keys. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui/actions.h"
#include "ui/bars.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/scr_list.h"
#include "src/engine.h"
#include "src/model.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"

static void
header_paint(struct ui *ui, WINDOW *w)
{
    struct model_counts c;
    struct strbuf b = { 0 };
    int cols = getmaxx(w);
    attr_t a = colors_attr(CE_HEADER);

    model_count(ui_model(ui), &c);
    sb_add(&b, " virtdeck   ");
    sb_addf(&b, _("Data centers %u"), c.dcs);
    sb_add(&b, "   ");
    sb_addf(&b, _("Hosts %u/%u up"), c.hosts_up, c.hosts);
    sb_add(&b, "   ");
    sb_addf(&b, _("VMs %u/%u running"), c.vms_running, c.vms);
    draw_fill(w, 0, 0, cols, a);
    if (engine_is_readonly(ui_engine(ui))) {
        /* An observer runs no tasks; the mode takes their place, after
         * "virtdeck", where a narrow screen still shows it. */
        const char *ro = _("READ-ONLY");
        int rw = text_width(ro);
        int x = draw_text(w, 0, 0, " virtdeck ", cols < 10 ? cols : 10, true,
                          a);
        x = draw_text(w, 0, x, ro, rw < cols - x ? rw : cols - x, true,
                      a | A_REVERSE | A_BOLD);
        draw_text(w, 0, x, sb_str(&b) + strlen(" virtdeck"), cols - x, true,
                  a);
        sb_free(&b);
        return;
    }
    sb_add(&b, "   ");
    sb_addf(&b, _("Tasks %u"), ui_tasks(ui));
    draw_text(w, 0, 0, sb_str(&b), cols, true, a);
    if (engine_is_demo(ui_engine(ui))) {
        const char *demo = _("demo: nothing is saved");
        int dw = text_width(demo);
        if (text_width(sb_str(&b)) + dw + 2 <= cols)
            draw_text(w, 0, cols - dw - 1, demo, dw, true, a);
    }
    sb_free(&b);
}

const struct screen_ops header_ops = {
    .paint = header_paint,
};

/* "KEY: what" for a few actions, from the bindings in force. */
static void
add_hint(struct strbuf *b, enum action a, const char *what)
{
    char name[32];
    int key = actions_first_key(a);

    if (!key)
        return;
    key_label(key, name, sizeof(name));
    if (b->len)
        sb_add(b, "  ");
    sb_addf(b, "%s %s", name, what);
}

static void
status_hint(struct ui *ui, struct strbuf *b)
{
    unsigned marks = scr_list_mark_count();

    if (marks) {
        sb_addf(b, ngettext("%u VM marked", "%u VMs marked", marks), marks);
        add_hint(b, ACT_MARK_CLEAR, _("unmark all"));
    }
    add_hint(b, ACT_FOCUS_NEXT, _("next pane"));
    add_hint(b, ACT_OPEN, _("open"));
    add_hint(b, ACT_MARK, _("mark"));
    add_hint(b, ACT_COMMAND, _("command"));
}

static void
status_paint(struct ui *ui, WINDOW *w)
{
    int cols = getmaxx(w), nkeys = 0, x = 0, natural = 0, extra;
    enum ui_msg kind;
    const char *msg = ui_message_text(ui, &kind);
    int fkeys[13] = { 0 };

    /* the message row */
    if (msg) {
        char *line = kind == UI_MSG_ERROR ? xasprintf(_("Error: %s"), msg)
                     : xstrdup(msg);
        attr_t a = colors_attr(kind == UI_MSG_ERROR ? CE_ERROR
                               : kind == UI_MSG_OK ? CE_OK : CE_NORMAL);
        if (text_width(line) > cols) {
            /* a long message takes the function bar's row too, until the
             * next key clears it: a reason cut short helps nobody */
            draw_fill(w, 0, 0, cols, A_NORMAL);
            draw_fill(w, 1, 0, cols, A_NORMAL);
            draw_wrapped(w, 0, 0, 2, cols, line, a);
            free(line);
            return;
        }
        draw_text(w, 0, 0, line, cols, true, a);
        free(line);
    } else {
        struct strbuf b = { 0 };
        status_hint(ui, &b);
        draw_text(w, 0, 0, sb_str(&b), cols, true, A_DIM);
        sb_free(&b);
    }

    /* the function-key bar, htop and mc style */
    for (int a = 1; a < ACT__COUNT; a++) {
        int f = actions_fkey(a);
        if (f && !fkeys[f] && action_info(a)->label && actions_offered(a))
            fkeys[f] = a;
    }
    for (int f = 1; f <= 12; f++)
        nkeys += fkeys[f] != 0;
    draw_fill(w, 1, 0, cols, A_NORMAL);
    if (!nkeys)
        return;
    /* natural widths if they fit, the room left shared out; else cut
     * every label alike */
    for (int f = 1; f <= 12; f++) {
        char key[8];
        if (!fkeys[f])
            continue;
        snprintf(key, sizeof(key), "F%d", f);
        natural += (int)strlen(key) + text_width(_(action_info(fkeys[f])->label))
                   + 1;
    }
    extra = natural < cols ? (cols - natural) / nkeys : 0;
    for (int f = 1; f <= 12 && x < cols; f++) {
        char key[8];
        const char *label;
        int lw, kw;
        if (!fkeys[f])
            continue;
        snprintf(key, sizeof(key), "F%d", f);
        kw = (int)strlen(key);
        label = _(action_info(fkeys[f])->label);
        lw = natural <= cols ? text_width(label) + extra
             : cols / nkeys - kw - 1;
        if (x + kw > cols)
            break;
        x = draw_text(w, 1, x, key, kw, true, colors_attr(CE_KEY));
        if (lw > cols - x)
            lw = cols - x;
        if (lw > 0)
            x = draw_text(w, 1, x, label, lw, true,
                          colors_attr(CE_KEY_LABEL));
        if (x < cols)
            x = draw_text(w, 1, x, " ", 1, true, A_NORMAL);
    }
}

const struct screen_ops status_ops = {
    .paint = status_paint,
};
