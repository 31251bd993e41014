/* colors.c: element colours and monochrome attributes (see colors.h).
 *
 * Pairs are numbered after the elements (pair e + 1).  On a terminal with
 * fewer than 16 colours a bright colour becomes the base colour in bold. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "ui/colors.h"
#include "src/conf.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"

struct elem {
    const char *name;
    short fg, bg;           /* -1: terminal default; 8..15 bright */
    attr_t extra;           /* added in colour */
    attr_t mono;            /* monochrome attribute */
};

static struct elem elems[CE__COUNT] = {
    [CE_NORMAL] = { "normal", -1, -1, 0, A_NORMAL },
    [CE_HEADER] = { "header", 15, COLOR_BLUE, A_BOLD, A_REVERSE },
    [CE_TITLE] = { "title", COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE },
    [CE_TITLE_FOCUS] = { "title-focus", COLOR_BLACK, COLOR_CYAN, 0,
                         A_REVERSE },
    [CE_COLUMNS] = { "columns", COLOR_GREEN, -1, A_BOLD, A_UNDERLINE },
    [CE_SELECTED] = { "selected", COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
    [CE_SELECTED_INACTIVE] = { "selected-inactive", COLOR_BLACK, COLOR_WHITE,
                               0, A_BOLD | A_UNDERLINE },
    [CE_MARKED] = { "marked", COLOR_YELLOW, -1, A_BOLD, A_BOLD },
    [CE_STATE_UP] = { "state-up", COLOR_GREEN, -1, 0, A_NORMAL },
    [CE_STATE_WARN] = { "state-warn", COLOR_YELLOW, -1, 0, A_NORMAL },
    [CE_STATE_DOWN] = { "state-down", COLOR_RED, -1, A_BOLD, A_BOLD },
    [CE_STATE_OFF] = { "state-off", 8, -1, 0, A_DIM },
    [CE_OK] = { "ok", COLOR_GREEN, -1, 0, A_NORMAL },
    [CE_ERROR] = { "error", COLOR_RED, -1, A_BOLD, A_BOLD },
    [CE_INFO] = { "info", COLOR_CYAN, -1, 0, A_NORMAL },
    [CE_BAR] = { "bar", COLOR_GREEN, -1, A_BOLD, A_BOLD },
    [CE_SPARKLINE] = { "sparkline", COLOR_CYAN, -1, 0, A_NORMAL },
    [CE_KEY] = { "key", COLOR_WHITE, COLOR_BLACK, A_BOLD, A_BOLD },
    [CE_KEY_LABEL] = { "key-label", COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
    [CE_DIALOG] = { "dialog", COLOR_WHITE, COLOR_BLUE, 0, A_NORMAL },
    [CE_FIELD] = { "field", COLOR_BLACK, COLOR_WHITE, 0, A_UNDERLINE },
};

static const char *const color_names[] = {
    "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    "bright-black", "bright-red", "bright-green", "bright-yellow",
    "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
};

static attr_t attrs[CE__COUNT];
static bool mono = true;

/* A colour name: "default" is -1; "grey"/"gray" is bright-black. */
static int
color_parse(const char *name, short *out)
{
    if (!name || streq(name, "default")) {
        *out = -1;
        return 0;
    }
    if (streq(name, "grey") || streq(name, "gray")) {
        *out = 8;
        return 0;
    }
    for (short i = 0; i < 16; i++) {
        if (strcasecmp(name, color_names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

static int
elem_find(const char *name)
{
    for (int i = 0; i < CE__COUNT; i++) {
        if (streq(elems[i].name, name))
            return i;
    }
    return -1;
}

int
colors_check(const struct config *cfg)
{
    for (size_t i = 0; cfg && i < cfg->colors.len; i++) {
        const struct config_color *c = cfg->colors.items[i];
        short dummy;
        const char *bad = NULL;

        if (elem_find(c->element) < 0) {
            err_set(_("%s:%d: there is no screen element '%s': the help "
                      "screen (?) lists the element names."),
                    c->file ? c->file : "", c->line, c->element);
            return -1;
        }
        if (color_parse(c->fg, &dummy) < 0)
            bad = c->fg;
        else if (color_parse(c->bg, &dummy) < 0)
            bad = c->bg;
        if (bad) {
            err_set(_("%s:%d: '%s' is not a colour: use default, black, red, "
                      "green, yellow, blue, magenta, cyan, white, or one of "
                      "these with bright- in front."),
                    c->file ? c->file : "", c->line, bad);
            return -1;
        }
    }
    return 0;
}

/* On 8-colour terminals a bright colour is the base colour in bold. */
static short
fit_color(short c, attr_t *extra)
{
    if (c >= 8 && COLORS < 16) {
        *extra |= A_BOLD;
        return (short)(c - 8);
    }
    return c;
}

void
colors_init(const struct config *cfg)
{
    const char *no_color = getenv("NO_COLOR");

    mono = !cfg || !cfg->color || (no_color && *no_color) || !has_colors();
    if (!mono && start_color() == ERR)
        mono = true;
    if (mono) {
        for (int i = 0; i < CE__COUNT; i++)
            attrs[i] = elems[i].mono;
        return;
    }
    use_default_colors();
    for (size_t i = 0; cfg && i < cfg->colors.len; i++) {
        const struct config_color *c = cfg->colors.items[i];
        int e = elem_find(c->element);
        if (e < 0)
            continue;
        color_parse(c->fg, &elems[e].fg);
        color_parse(c->bg, &elems[e].bg);
        elems[e].extra &= ~(attr_t)A_BOLD;
    }
    for (int i = 0; i < CE__COUNT; i++) {
        attr_t extra = elems[i].extra;
        short fg = fit_color(elems[i].fg, &extra);
        short bg = elems[i].bg >= 8 && COLORS < 16
                   ? (short)(elems[i].bg - 8) : elems[i].bg;
        if (i == CE_NORMAL) {
            attrs[i] = A_NORMAL;
            continue;
        }
        init_pair((short)(i + 1), fg, bg);
        attrs[i] = COLOR_PAIR(i + 1) | extra;
    }
}

attr_t
colors_attr(enum color_elem e)
{
    return (unsigned)e < CE__COUNT ? attrs[e] : A_NORMAL;
}

bool
colors_mono(void)
{
    return mono;
}

const char *
colors_elem_name(int i)
{
    return i >= 0 && i < CE__COUNT ? elems[i].name : NULL;
}

const char *
colors_color_name(int i)
{
    return i >= 0 && i < 16 ? color_names[i] : NULL;
}
