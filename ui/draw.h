/* draw.h: small painting helpers shared by the panes.
 *
 * Text from hosts is made safe (text_safe) and measured in terminal cells
 * (text_width), so Hangul and other wide characters line up in columns.
 * Unknown numbers are drawn as "-", never made up. */
#ifndef VD_UI_DRAW_H
#define VD_UI_DRAW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "ui/ui.h"

struct host;
struct vm;

/* Draw s at (y, x) cut or padded to exactly width cells with attr.
 * left: pad on the right (left-aligned).  Returns the column after it. */
int draw_text(WINDOW *w, int y, int x, const char *s, int width, bool left,
              attr_t attr);
/* Fill width cells from (y, x) with spaces in attr. */
void draw_fill(WINDOW *w, int y, int x, int width, attr_t attr);
/* A pane title bar across the window's first row. */
void draw_title(WINDOW *w, const char *title, bool focused);
/* "[|||||     42.0%]" in width cells; known false draws "[ - ]". */
void draw_bar(WINDOW *w, int y, int x, int width, bool known, double pct,
              const char *label);
/* The host's CPU history, newest on the right, one cell per sample. */
void draw_sparkline(WINDOW *w, int y, int x, int width,
                    const struct host *h);
/* Wrap s into the box (y, x, rows, width); returns rows used. */
int draw_wrapped(WINDOW *w, int y, int x, int rows, int width, const char *s,
                 attr_t attr);

/* Number formats; "-" when unknown. */
void fmt_kib(char *buf, size_t len, uint64_t kib);
void fmt_pct(char *buf, size_t len, bool known, double pct);
void fmt_rates(char *buf, size_t len, bool known, double a, double b);
void fmt_uptime(char *buf, size_t len, time_t started);

/* A one-character state symbol and the element to colour it with. */
char vm_state_symbol(int state);
int vm_state_color(int state);
char host_state_symbol(int state);
int host_state_color(int state);
/* A storage domain's role as a translated word ("data", "ISO"). */
const char *sd_role_label(int role);

#endif
