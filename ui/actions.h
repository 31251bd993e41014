/* actions.h: what a key can do.
 *
 * Every command of the console is an action with a configuration name, its
 * default keys and a translatable help line.  Keys map to actions through
 * the bindings built here from that table and the `keys` section of the
 * configuration; the help screen, the function bar and the command line
 * are all generated from the same table, so they cannot disagree with what
 * the keys do.  This module knows nothing of screens. */
#ifndef VD_UI_ACTIONS_H
#define VD_UI_ACTIONS_H
#include <stdbool.h>
#include <stddef.h>

struct config;
struct strbuf;

enum action {
    ACT_NONE = 0,
    /* moving */
    ACT_UP,
    ACT_DOWN,
    ACT_LEFT,
    ACT_RIGHT,
    ACT_PAGE_UP,
    ACT_PAGE_DOWN,
    ACT_HOME,
    ACT_END,
    ACT_FOCUS_NEXT,
    ACT_FOCUS_PREV,
    ACT_OPEN,
    /* the list */
    ACT_FILTER,
    ACT_SORT,
    ACT_SORT_REVERSE,
    ACT_VIEW,
    ACT_MARK,
    ACT_MARK_CLEAR,
    /* VMs */
    ACT_VM_START,
    ACT_VM_SHUTDOWN,
    ACT_VM_POWEROFF,
    ACT_VM_REBOOT,
    ACT_VM_PAUSE,
    ACT_VM_RESUME,
    ACT_VM_DELETE,
    ACT_VM_CREATE,
    ACT_VM_EDIT,
    ACT_VM_CONSOLE,
    ACT_VM_MIGRATE,
    /* tasks */
    ACT_TASKS,
    ACT_TASK_CANCEL,
    /* hosts and storage domains */
    ACT_MAINTENANCE,
    ACT_ACTIVATE,
    ACT_HOST_MAINTENANCE,
    ACT_HOST_ACTIVATE,
    ACT_HOST_CONFIRM_REBOOTED,
    ACT_HOST_SPM_PRIORITY,
    ACT_HOST_CHECK,
    ACT_SD_ATTACH,
    ACT_SD_DETACH,
    ACT_SD_ACTIVATE,
    ACT_SD_MAINTENANCE,
    ACT_SD_REMOVE,
    ACT_SD_ISO_UPLOAD,
    /* inventory */
    ACT_ADD,
    ACT_EDIT,
    ACT_REMOVE,
    ACT_DC_ADD,
    ACT_DC_EDIT,
    ACT_DC_REMOVE,
    ACT_CLUSTER_ADD,
    ACT_CLUSTER_EDIT,
    ACT_CLUSTER_REMOVE,
    ACT_HOST_ADD,
    ACT_HOST_EDIT,
    ACT_HOST_REMOVE,
    /* the console */
    ACT_HELP,
    ACT_COMMAND,
    ACT_REDRAW,
    ACT_QUIT,
    ACT__COUNT
};

/* What an action does to the data center.  Every action says which
 * (tests/test-actions checks it): an observer (--read-only) is offered
 * only AK_READ ones, and the dispatcher refuses the others. */
enum action_kind {
    AK_UNSET = 0,           /* an error in the table */
    AK_READ,                /* looks: moves, sorts, filters, shows */
    AK_CHANGE,              /* changes a VM, host, domain or the inventory,
                             * or opens a form or console that would */
};

struct action_info {
    const char *name;       /* configuration and command-line name */
    const char *keys;       /* default keys, separated by spaces */
    const char *label;      /* function bar label (N_), NULL: not shown */
    const char *help;       /* one line for the help screen (N_) */
    enum action_kind kind;
};

/* Keys as the dispatcher sees them: a character (its code point), or an
 * ncurses KEY_* code with KEY_FN set. */
#define UI_KEY_FN (1 << 24)
#define UI_KEY_ESC 27
#define UI_KEY_ENTER 13
#define UI_KEY_TAB 9

const struct action_info *action_info(enum action a);
/* The action called NAME ('_' and '-' alike), or ACT_NONE. */
enum action action_by_name(const char *name);

/* Read-only mode (an observer): actions_offered() then says no to every
 * AK_CHANGE action. */
void actions_set_readonly(bool on);
bool actions_readonly(void);
/* Whether the function bar, the help screen and the command line offer
 * A now. */
bool actions_offered(enum action a);

/* Parse a key name ("q", "F5", "C-x", "PgDn", "Space", "한") into *key.
 * Returns 0 or -1 when the name means no key. */
int key_parse(const char *name, int *key);
/* The display name of KEY ("F5", "C-x", "q") in buf. */
void key_label(int key, char *buf, size_t len);
/* Map a raw key from wget_wch() (is_fn: it returned KEY_CODE_YES) to the
 * form the tables use: Enter, Backspace and friends normalised. */
int key_from_curses(int is_fn, unsigned code);

/* Build the bindings: the table's defaults, replaced action by action by
 * the configuration's.  Returns 0, or -1 with err_set() naming the file
 * and line of an unknown action or key. */
int actions_bind(const struct config *cfg);
void actions_unbind(void);
/* The action bound to KEY, or ACT_NONE. */
enum action actions_lookup(int key);
/* The keys bound to A, joined by ", " into out ("" when none). */
void actions_keys(enum action a, struct strbuf *out);
/* The first function key bound to A (its number 1..12), or 0. */
int actions_fkey(enum action a);
/* The first key bound to A, or 0. */
int actions_first_key(enum action a);

#endif
