/* scr_console.c: the serial console screen (see scr_console.h).
 *
 * The guest's bytes go through a deliberately small terminal: UTF-8 is
 * decoded (a bad byte becomes U+FFFD), \r goes back to the start of the
 * line, \n starts a new line at its start (as a serial line with onlcr
 * shows it), backspace moves left, a tab goes to the next multiple of 8,
 * other control characters are dropped.  Of the ANSI escape sequences
 * only erase in line (ESC [ K), clear screen (ESC [ 2 J) and cursor
 * forward and back on the line (ESC [ n C, ESC [ n D) are acted on;
 * every other CSI sequence (colours, cursor addressing), OSC string
 * (window titles) and two-byte escape is stripped, so full-screen
 * programs in the guest come out garbled but readable.  Lines longer
 * than the screen wrap when painted; the last SCROLLBACK lines are kept.
 *
 * While the screen is up the terminal is in raw mode: Ctrl-C, Ctrl-Z and
 * Ctrl-\ reach the guest instead of stopping virtdeck, and Esc goes to
 * the guest too; Ctrl-] is the way out, as in virsh console.  The
 * console's events arrive from the loop; what must not happen inside
 * them (freeing the console that calls us) is left to the end of the
 * loop pass through the modal's done flag. */
#include <config.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/scr_console.h"
#include "src/console.h"
#include "src/engine.h"
#include "src/model.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/text.h"

#define SCROLLBACK 1000
#define LINE_CHARS 4096         /* longer lines go on in the next one */
#define KEY_LEAVE 0x1d          /* Ctrl-] */

struct cline {
    wchar_t *s;
    size_t len, cap;
};

enum cv_state {
    CV_OPENING,
    CV_OPEN,
    CV_BUSY,                    /* asking whether to take it over */
    CV_CLOSED,
};

enum esc_state { ES_NONE, ES_ESC, ES_CSI, ES_OSC, ES_OSC_ESC };

struct cview {
    struct ui *ui;
    struct modal *m;
    char uuid[37];
    char *vm_name, *host_name;
    struct console *con;
    enum cv_state state;
    struct cline lines[SCROLLBACK];  /* a ring */
    size_t first, count;
    size_t col;                 /* the cursor, in characters of the last line */
    /* UTF-8 decoder */
    uint32_t cp;
    int need;
    /* escape sequences */
    enum esc_state esc;
    char csi[32];
    size_t csi_len;
};

/* ---- the terminal ---- */

static struct cline *
last_line(struct cview *cv)
{
    return &cv->lines[(cv->first + cv->count - 1) % SCROLLBACK];
}

static void
new_line(struct cview *cv)
{
    if (cv->count < SCROLLBACK) {
        cv->count++;
    } else {
        cv->first = (cv->first + 1) % SCROLLBACK;
    }
    last_line(cv)->len = 0;
    cv->col = 0;
}

static void
clear_all(struct cview *cv)
{
    cv->first = 0;
    cv->count = 1;
    cv->lines[0].len = 0;
    cv->col = 0;
}

static void
put_char(struct cview *cv, wchar_t wc)
{
    struct cline *l;

    if (cv->col >= LINE_CHARS)
        new_line(cv);
    l = last_line(cv);
    if (cv->col + 1 > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 128;
        while (cap < cv->col + 1)
            cap *= 2;
        l->s = xrealloc(l->s, cap * sizeof(*l->s));
        l->cap = cap;
    }
    while (l->len < cv->col)
        l->s[l->len++] = L' ';
    l->s[cv->col] = wc;
    if (cv->col == l->len)
        l->len++;
    cv->col++;
}

/* A CSI sequence ended with final: act on the few we handle. */
static void
csi_done(struct cview *cv, char final)
{
    struct cline *l = last_line(cv);
    long n;

    cv->csi[cv->csi_len] = '\0';
    n = strtol(cv->csi, NULL, 10);
    switch (final) {
    case 'K':
        if (n == 0) {
            if (l->len > cv->col)
                l->len = cv->col;
        } else if (n == 1) {
            for (size_t i = 0; i < cv->col && i < l->len; i++)
                l->s[i] = L' ';
        } else {
            l->len = 0;
        }
        break;
    case 'J':
        if (n == 2 || n == 3)
            clear_all(cv);
        break;
    case 'C':
        cv->col += n > 0 ? (size_t)n : 1;
        if (cv->col > LINE_CHARS)
            cv->col = LINE_CHARS;
        break;
    case 'D':
        n = n > 0 ? n : 1;
        cv->col = cv->col > (size_t)n ? cv->col - (size_t)n : 0;
        break;
    default:
        break;
    }
}

/* One decoded character (or a control byte). */
static void
term_char(struct cview *cv, uint32_t c)
{
    switch (cv->esc) {
    case ES_ESC:
        if (c == '[') {
            cv->esc = ES_CSI;
            cv->csi_len = 0;
        } else if (c == ']') {
            cv->esc = ES_OSC;
        } else {
            cv->esc = ES_NONE;      /* a two-byte escape: dropped */
        }
        return;
    case ES_CSI:
        if (c >= 0x40 && c <= 0x7e) {
            csi_done(cv, (char)c);
            cv->esc = ES_NONE;
        } else if (c >= 0x20 && c < 0x40) {
            if (cv->csi_len < sizeof(cv->csi) - 1)
                cv->csi[cv->csi_len++] = (char)c;
        } else {
            cv->esc = ES_NONE;      /* not a CSI after all */
        }
        return;
    case ES_OSC:
        if (c == 0x07)
            cv->esc = ES_NONE;
        else if (c == 0x1b)
            cv->esc = ES_OSC_ESC;
        return;
    case ES_OSC_ESC:
        cv->esc = c == '\\' ? ES_NONE : ES_OSC;
        return;
    case ES_NONE:
        break;
    }
    switch (c) {
    case '\r':
        cv->col = 0;
        break;
    case '\n':
        new_line(cv);
        break;
    case '\b':
        if (cv->col)
            cv->col--;
        break;
    case '\t':
        do
            put_char(cv, L' ');
        while (cv->col % 8 && cv->col < LINE_CHARS);
        break;
    case 0x1b:
        cv->esc = ES_ESC;
        break;
    default:
        if (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0))
            put_char(cv, (wchar_t)c);
        break;
    }
}

/* Feed the guest's bytes through the UTF-8 decoder. */
static void
term_feed(struct cview *cv, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)buf[i];

        if (cv->need) {
            if ((b & 0xc0) == 0x80) {
                cv->cp = (cv->cp << 6) | (b & 0x3f);
                if (--cv->need == 0)
                    term_char(cv, cv->cp > 0x10ffff ||
                              (cv->cp >= 0xd800 && cv->cp <= 0xdfff)
                              ? 0xfffd : cv->cp);
                continue;
            }
            /* a sequence cut short: the byte starts afresh */
            cv->need = 0;
            term_char(cv, 0xfffd);
        }
        if (b < 0x80) {
            term_char(cv, b);
        } else if ((b & 0xe0) == 0xc0 && b >= 0xc2) {
            cv->cp = b & 0x1f;
            cv->need = 1;
        } else if ((b & 0xf0) == 0xe0) {
            cv->cp = b & 0x0f;
            cv->need = 2;
        } else if ((b & 0xf8) == 0xf0 && b <= 0xf4) {
            cv->cp = b & 0x07;
            cv->need = 3;
        } else {
            term_char(cv, 0xfffd);
        }
    }
}

/* ---- painting ---- */

static int
cell_width(wchar_t c)
{
    int w = wcwidth(c);
    return w < 0 ? 1 : w;
}

/* Rows line l takes at width cells; with cursor (a character index, or
 * (size_t)-1), where the cursor goes. */
static int
line_rows(const struct cline *l, int width, size_t cursor, int *cy, int *cx)
{
    int row = 0, x = 0;

    for (size_t i = 0; i <= l->len; i++) {
        int w = i < l->len ? cell_width(l->s[i]) : 0;
        if (i < l->len && x + w > width) {
            row++;
            x = 0;
        }
        if (i == cursor) {
            if (x >= width) {
                row++;
                x = 0;
            }
            *cy = row;
            *cx = x;
        }
        x += w;
    }
    return row + 1;
}

/* Draw line l from window row y, leaving out its first skip rows and
 * stopping at row end. */
static void
paint_line(WINDOW *w, int y, int skip, int end, const struct cline *l,
           int width)
{
    int row = 0, x = 0;

    for (size_t i = 0; i < l->len; i++) {
        wchar_t c = l->s[i];
        int cw = cell_width(c);
        if (x + cw > width) {
            row++;
            x = 0;
        }
        if (y + row - skip >= end)
            return;
        if (row >= skip) {
            wchar_t s[2] = { c, 0 };
            if (wcwidth(c) < 0)
                s[0] = L'?';
            if (cw > 0)
                mvwaddnwstr(w, y + row - skip, x, s, 1);
        }
        x += cw;
    }
}

static void
cv_layout(struct ui *ui, struct modal *m)
{
    if (m->win)
        delwin(m->win);
    m->win = newwin(ui_rows(ui), ui_cols(ui), 0, 0);
    m->dirty = true;
}

static void
cv_paint(struct ui *ui, struct modal *m)
{
    struct cview *cv = m->data;
    WINDOW *w = m->win;
    int rows = getmaxy(w), cols = getmaxx(w);
    int body, srows, used = 0, cy = 0, cx = 0, skip = 0;
    size_t start = cv->count;
    const char *status = NULL;
    char *title;

    switch (cv->state) {
    case CV_OPENING:
        status = _("Connecting to the serial console...");
        break;
    case CV_OPEN:
        status = _("Connected: what you type goes to the guest.");
        break;
    case CV_BUSY:
        status = _("Another session holds this console.");
        break;
    case CV_CLOSED:
        status = _("The console closed: the VM stopped, or another session "
                   "took it over. Press any key to return.");
        break;
    }
    /* the status takes a second row when it is long */
    srows = text_width(status) > cols - 2 ? 2 : 1;
    body = rows - 1 - srows;

    werase(w);
    title = xasprintf(_("Console of VM '%s' on host '%s' — Ctrl-] returns"),
                      cv->vm_name, cv->host_name);
    draw_title(w, title, true);
    free(title);

    /* from the newest line up, until the body is full */
    while (start > 0 && used < body) {
        const struct cline *l = &cv->lines[(cv->first + start - 1) %
                                           SCROLLBACK];
        int tmp_y, tmp_x;
        int n = line_rows(l, cols, start == cv->count ? cv->col
                          : (size_t)-1, &tmp_y, &tmp_x);
        start--;
        used += n;
    }
    if (used > body)
        skip = used - body;
    {
        int y = 1;
        for (size_t k = start; k < cv->count; k++) {
            const struct cline *l = &cv->lines[(cv->first + k) % SCROLLBACK];
            int ly = 0, lx = 0;
            int n = line_rows(l, cols, k + 1 == cv->count ? cv->col
                              : (size_t)-1, &ly, &lx);
            int s = k == start ? skip : 0;
            paint_line(w, y, s, 1 + body, l, cols);
            if (k + 1 == cv->count) {
                cy = y + ly - s;
                cx = lx;
            }
            y += n - s;
        }
    }

    {
        attr_t a = colors_attr(cv->state == CV_CLOSED ? CE_ERROR : CE_TITLE);
        for (int r = rows - srows; r < rows; r++)
            draw_fill(w, r, 0, cols, a);
        draw_wrapped(w, rows - srows, 1, srows, cols - 2, status, a);
    }
    if (cy < 1)
        cy = 1;
    if (cy > body)
        cy = body;
    if (cx >= cols)
        cx = cols - 1;
    wmove(w, cy, cx);
}

/* ---- the console's events ---- */

static void
cv_data(void *opaque, const char *buf, size_t len)
{
    struct cview *cv = opaque;

    term_feed(cv, buf, len);
    cv->m->dirty = true;
}

static void cv_event(void *opaque, enum console_event ev,
                     const char *message);

static int
cv_connect(struct cview *cv, bool force)
{
    cv->con = console_open(engine_virt(ui_engine(cv->ui)), cv->uuid, force,
                           cv_data, cv_event, cv);
    cv->state = CV_OPENING;
    cv->m->cursor = false;
    cv->m->dirty = true;
    return cv->con ? 0 : -1;
}

/* The answer to "take it over?". */
static void
busy_answer(struct ui *ui, void *arg, int choice)
{
    struct cview *cv = arg;

    /* the refused console is done with: its open job has ended */
    console_close(&cv->con);
    if (choice != 0) {
        cv->m->done = true;
        return;
    }
    if (cv_connect(cv, true) < 0) {
        ui_message(ui, UI_MSG_ERROR, "%s", err_msg());
        cv->m->done = true;
    }
}

static void
cv_event(void *opaque, enum console_event ev, const char *message)
{
    struct cview *cv = opaque;
    struct ui *ui = cv->ui;

    cv->m->dirty = true;
    switch (ev) {
    case CONSOLE_OPENED:
        cv->state = CV_OPEN;
        cv->m->cursor = true;
        break;
    case CONSOLE_BUSY: {
        const struct dialog_choice yn[] = {
            { 'y', _("[y] Yes") },
            { 'n', _("[n] No") },
        };
        char *text = xasprintf(_("Another session holds the console of VM "
                                 "'%s'. Take it over?"), cv->vm_name);
        cv->state = CV_BUSY;
        dialog_choose(ui, _("Console in use"), text, yn, 2, 1, busy_answer,
                      cv, NULL);
        free(text);
        break;
    }
    case CONSOLE_FAILED:
        ui_message(ui, UI_MSG_ERROR, _("Cannot open the console of VM '%s': "
                                       "%s"), cv->vm_name,
                   message ? message : "");
        cv->m->done = true;
        break;
    case CONSOLE_CLOSED:
        /* the engine's reason is not read: on a stream error it is
         * libvirt's last error, which the engine has reset (and freed) by
         * the time it calls us */
        cv->state = CV_CLOSED;
        cv->m->cursor = false;
        break;
    }
}

/* ---- keys ---- */

/* The bytes a terminal sends for key (xterm's), in buf; their count. */
static size_t
key_bytes(int key, char *buf, size_t len)
{
    static const struct {
        int code;
        const char *seq;
    } fn[] = {
        { KEY_UP, "\033[A" }, { KEY_DOWN, "\033[B" },
        { KEY_RIGHT, "\033[C" }, { KEY_LEFT, "\033[D" },
        { KEY_HOME, "\033[H" }, { KEY_END, "\033[F" },
        { KEY_IC, "\033[2~" }, { KEY_DC, "\033[3~" },
        { KEY_PPAGE, "\033[5~" }, { KEY_NPAGE, "\033[6~" },
        { KEY_BTAB, "\033[Z" }, { KEY_BACKSPACE, "\177" },
        { KEY_F(1), "\033OP" }, { KEY_F(2), "\033OQ" },
        { KEY_F(3), "\033OR" }, { KEY_F(4), "\033OS" },
        { KEY_F(5), "\033[15~" }, { KEY_F(6), "\033[17~" },
        { KEY_F(7), "\033[18~" }, { KEY_F(8), "\033[19~" },
        { KEY_F(9), "\033[20~" }, { KEY_F(10), "\033[21~" },
        { KEY_F(11), "\033[23~" }, { KEY_F(12), "\033[24~" },
    };
    uint32_t c;

    if (key & UI_KEY_FN) {
        int code = key & ~UI_KEY_FN;
        for (size_t i = 0; i < sizeof(fn) / sizeof(*fn); i++) {
            if (fn[i].code == code) {
                size_t n = strlen(fn[i].seq);
                memcpy(buf, fn[i].seq, n < len ? n : len);
                return n < len ? n : len;
            }
        }
        return 0;
    }
    if (key == UI_KEY_ENTER) {
        buf[0] = '\r';
        return 1;
    }
    /* a character: UTF-8, whatever the locale */
    c = (uint32_t)key;
    if (len < 4 || c > 0x10ffff)
        return 0;
    if (c < 0x80) {
        buf[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        buf[0] = (char)(0xc0 | (c >> 6));
        buf[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        buf[0] = (char)(0xe0 | (c >> 12));
        buf[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        buf[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    buf[0] = (char)(0xf0 | (c >> 18));
    buf[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    buf[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    buf[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

static enum ui_result
cv_key(struct ui *ui, struct modal *m, int key)
{
    struct cview *cv = m->data;
    char buf[16];
    size_t n;

    if (key == KEY_LEAVE)
        return UI_CLOSE;
    switch (cv->state) {
    case CV_CLOSED:
        return UI_CLOSE;
    case CV_OPEN:
        n = key_bytes(key, buf, sizeof(buf));
        if (n)
            console_send(cv->con, buf, n);
        break;
    default:
        /* nothing to type into yet; Esc gives up waiting */
        if (key == UI_KEY_ESC)
            return UI_CLOSE;
        break;
    }
    return UI_HANDLED;
}

static void
cv_free(struct modal *m)
{
    struct cview *cv = m->data;

    console_close(&cv->con);
    /* back to the keys the panes expect */
    noraw();
    cbreak();
    for (size_t i = 0; i < SCROLLBACK; i++)
        free(cv->lines[i].s);
    free(cv->vm_name);
    free(cv->host_name);
    free(cv);
    if (m->win)
        delwin(m->win);
    free(m);
}

static const struct modal_ops cv_ops = {
    .key = cv_key,
    .layout = cv_layout,
    .paint = cv_paint,
    .free = cv_free,
};

void
scr_console_open(struct ui *ui, const char *uuid)
{
    struct model *mo = ui_model(ui);
    struct vm *vm = model_vm_by_uuid(mo, uuid);
    struct host *h = vm ? model_host_by_id(mo, vm->host_id) : NULL;
    struct modal *m;
    struct cview *cv;

    if (!vm || !h)
        return;
    /* Keys typed on a console reach the guest: no observer's business. */
    if (engine_check_write(ui_engine(ui), vm->name, "vm-console") < 0) {
        ui_message(ui, UI_MSG_ERROR, "%s", err_msg());
        return;
    }
    m = xcalloc(1, sizeof(*m));
    cv = xcalloc(1, sizeof(*cv));
    cv->ui = ui;
    cv->m = m;
    snprintf(cv->uuid, sizeof(cv->uuid), "%s", uuid);
    cv->vm_name = xstrdup(vm->name);
    cv->host_name = xstrdup(h->name);
    clear_all(cv);
    m->ops = &cv_ops;
    m->data = cv;
    if (cv_connect(cv, false) < 0) {
        engine_audit(ui_engine(ui), vm->name, "vm-console", 0, err_msg());
        ui_message(ui, UI_MSG_ERROR, "%s", err_msg());
        free(cv->vm_name);
        free(cv->host_name);
        free(cv);
        free(m);
        return;
    }
    {
        char *msg = xasprintf(_("Serial console of VM '%s' opened."),
                              vm->name);
        engine_audit(ui_engine(ui), vm->name, "vm-console", -1, msg);
        free(msg);
    }
    raw();
    ui_modal_push(ui, m);
}
