/* draw.c: painting helpers (see draw.h).
 *
 * Everything goes through one reused buffer: a pane paints a few dozen
 * cells per row, and a row must cost the same with 10 VMs or 10,000. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include "ui/colors.h"
#include "ui/draw.h"
#include "src/model.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"

static struct strbuf cell;

int
draw_text(WINDOW *w, int y, int x, const char *s, int width, bool left,
          attr_t attr)
{
    char *safe;
    int cy, cx;

    if (width <= 0)
        return x;
    safe = text_safe(s ? s : "");
    sb_reset(&cell);
    text_pad(&cell, safe, width, left);
    free(safe);
    wattrset(w, attr);
    mvwaddstr(w, y, x, sb_str(&cell));
    /* a wide character cut at the edge may leave a cell: fill it */
    getyx(w, cy, cx);
    if (cy == y && cx < x + width)
        draw_fill(w, y, cx, x + width - cx, attr);
    wattrset(w, A_NORMAL);
    return x + width;
}

void
draw_fill(WINDOW *w, int y, int x, int width, attr_t attr)
{
    if (width <= 0)
        return;
    wattrset(w, attr);
    mvwhline(w, y, x, ' ', width);
    wattrset(w, A_NORMAL);
}

void
draw_title(WINDOW *w, const char *title, bool focused)
{
    int cols = getmaxx(w);
    attr_t a = colors_attr(focused ? CE_TITLE_FOCUS : CE_TITLE);

    draw_fill(w, 0, 0, cols, a);
    draw_text(w, 0, 1, title, cols - 1, true, a);
}

void
draw_bar(WINDOW *w, int y, int x, int width, bool known, double pct,
         const char *label)
{
    int inner = width - 2, fill, lw;

    if (width < 4)
        return;
    wattrset(w, A_NORMAL);
    mvwaddch(w, y, x, '[');
    mvwaddch(w, y, x + width - 1, ']');
    if (!known) {
        draw_fill(w, y, x + 1, inner, A_NORMAL);
        draw_text(w, y, x + 1 + inner / 2, "-", 1, true, A_NORMAL);
        return;
    }
    if (pct < 0)
        pct = 0;
    if (pct > 100)
        pct = 100;
    fill = (int)(pct * inner / 100.0 + 0.5);
    lw = label ? text_width(label) : 0;
    for (int i = 0; i < inner; i++) {
        wattrset(w, i < fill ? colors_attr(CE_BAR) : A_NORMAL);
        mvwaddch(w, y, x + 1 + i, i < fill ? '|' : ' ');
    }
    if (label && lw <= inner)
        draw_text(w, y, x + 1 + inner - lw, label, lw, true, A_BOLD);
    wattrset(w, A_NORMAL);
}

void
draw_sparkline(WINDOW *w, int y, int x, int width, const struct host *h)
{
    static const wchar_t ticks[] = L"\u2581\u2582\u2583\u2584\u2585\u2586"
                                   L"\u2587\u2588";
    unsigned n = h->hist_len < (unsigned)width ? h->hist_len : (unsigned)width;

    draw_fill(w, y, x, width, A_NORMAL);
    if (!n)
        return;
    wattrset(w, colors_attr(CE_SPARKLINE));
    for (unsigned i = 0; i < n; i++) {
        /* sample i of the n newest, oldest first */
        unsigned idx = (h->hist_pos + HOST_HIST - n + i) % HOST_HIST;
        float v = h->hist[idx];
        int t = (int)(v / 100.0f * 7.0f + 0.5f);
        wchar_t s[2] = { 0, 0 };
        if (t < 0)
            t = 0;
        if (t > 7)
            t = 7;
        s[0] = ticks[t];
        mvwaddnwstr(w, y, x + width - (int)n + (int)i, s, 1);
    }
    wattrset(w, A_NORMAL);
}

int
draw_wrapped(WINDOW *w, int y, int x, int rows, int width, const char *s,
             attr_t attr)
{
    char *safe = text_safe(s ? s : "");
    const char *p = safe;
    int used = 0;

    while (*p && used < rows && width > 0) {
        /* take as many whole words as fit in width cells */
        const char *q = p, *brk = NULL;
        int cw = 0;
        mbstate_t st;
        memset(&st, 0, sizeof(st));
        while (*q) {
            wchar_t wc;
            size_t n = mbrtowc(&wc, q, strlen(q), &st);
            int c;
            if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
                n = 1;
                c = 1;
                memset(&st, 0, sizeof(st));
            } else {
                c = wcwidth(wc);
                if (c < 0)
                    c = 0;
            }
            if (cw + c > width)
                break;
            if (*q == ' ')
                brk = q;
            cw += c;
            q += n;
        }
        if (*q && brk && brk > p && used < rows - 1)
            q = brk;
        {
            char *line = xstrndup(p, (size_t)(q - p));
            draw_text(w, y + used, x, line, width, true, attr);
            free(line);
        }
        used++;
        p = q;
        while (*p == ' ')
            p++;
    }
    free(safe);
    return used;
}

void
fmt_kib(char *buf, size_t len, uint64_t kib)
{
    text_bytes(buf, len, (double)kib * 1024.0);
}

void
fmt_pct(char *buf, size_t len, bool known, double pct)
{
    if (known)
        snprintf(buf, len, "%.1f%%", pct);
    else
        snprintf(buf, len, "-");
}

void
fmt_rates(char *buf, size_t len, bool known, double a, double b)
{
    char x[16], y[16];

    if (!known) {
        snprintf(buf, len, "-");
        return;
    }
    text_bytes(x, sizeof(x), a);
    text_bytes(y, sizeof(y), b);
    snprintf(buf, len, "%s/%s", x, y);
}

void
fmt_uptime(char *buf, size_t len, time_t started)
{
    time_t now = time(NULL);
    long s;

    if (!started || now < started) {
        snprintf(buf, len, "-");
        return;
    }
    s = (long)(now - started);
    if (s >= 86400)
        snprintf(buf, len, "%ldd%02ldh", s / 86400, s % 86400 / 3600);
    else
        snprintf(buf, len, "%02ld:%02ld:%02ld", s / 3600, s % 3600 / 60,
                 s % 60);
}

char
vm_state_symbol(int state)
{
    switch (state) {
    case VM_RUNNING: return '>';
    case VM_BLOCKED: return 'b';
    case VM_PAUSED: return '|';
    case VM_SHUTTING_DOWN: return 'v';
    case VM_SHUTOFF: return '.';
    case VM_CRASHED: return 'X';
    case VM_PMSUSPENDED: return 'z';
    default: return '?';
    }
}

int
vm_state_color(int state)
{
    switch (state) {
    case VM_RUNNING:
    case VM_BLOCKED:
        return CE_STATE_UP;
    case VM_PAUSED:
    case VM_SHUTTING_DOWN:
    case VM_PMSUSPENDED:
        return CE_STATE_WARN;
    case VM_CRASHED:
        return CE_STATE_DOWN;
    case VM_SHUTOFF:
        return CE_STATE_OFF;
    default:
        return CE_NORMAL;
    }
}

char
host_state_symbol(int state)
{
    switch (state) {
    case HOST_UP: return '+';
    case HOST_CONNECTING: return '~';
    case HOST_NONRESPONSIVE: return '!';
    case HOST_MAINTENANCE: return 'm';
    case HOST_PREPARING_MAINTENANCE: return '>';
    default: return '?';
    }
}

int
host_state_color(int state)
{
    switch (state) {
    case HOST_UP: return CE_STATE_UP;
    case HOST_CONNECTING:
    case HOST_MAINTENANCE:
    case HOST_PREPARING_MAINTENANCE:
        return CE_STATE_WARN;
    case HOST_NONRESPONSIVE: return CE_STATE_DOWN;
    default: return CE_NORMAL;
    }
}

const char *
sd_role_label(int role)
{
    switch (role) {
    case SD_DATA: return _("data");
    case SD_ISO: return _("ISO");
    case SD_EXPORT: return _("export");
    default: return "?";
    }
}
