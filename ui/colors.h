/* colors.h: how screen elements look.
 *
 * Every element has a 16-colour default and a monochrome attribute; the
 * configuration's `colors` section overrides the colours element by
 * element.  NO_COLOR in the environment, `color = false` or a terminal
 * without colours give monochrome.  Colour never carries meaning alone:
 * states are also written as words or symbols. */
#ifndef VD_UI_COLORS_H
#define VD_UI_COLORS_H
#include <stdbool.h>
#include "ui/ui.h"

struct config;

enum color_elem {
    CE_NORMAL,
    CE_HEADER,
    CE_TITLE,
    CE_TITLE_FOCUS,
    CE_COLUMNS,
    CE_SELECTED,
    CE_SELECTED_INACTIVE,
    CE_MARKED,
    CE_STATE_UP,
    CE_STATE_WARN,
    CE_STATE_DOWN,
    CE_STATE_OFF,
    CE_OK,
    CE_ERROR,
    CE_INFO,
    CE_BAR,
    CE_SPARKLINE,
    CE_KEY,
    CE_KEY_LABEL,
    CE_DIALOG,
    CE_FIELD,
    CE__COUNT
};

/* Check the configuration's colour names before the screen starts.
 * Returns 0, or -1 with err_set() naming file, line and the bad name. */
int colors_check(const struct config *cfg);
/* After initscr(): set up the pairs, or monochrome. */
void colors_init(const struct config *cfg);
/* The attribute to draw element e with. */
attr_t colors_attr(enum color_elem e);
bool colors_mono(void);
/* Element and colour names for the help screen; NULL past the end. */
const char *colors_elem_name(int i);
const char *colors_color_name(int i);

#endif
