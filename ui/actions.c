/* actions.c: the action table, key names and bindings (see actions.h).
 *
 * The table below is the single source of the console's commands: the
 * help screen, the function bar, the `:` command line and the commented
 * key list at the end of data/virtdeck.conf all follow it.  Dangerous
 * actions sit behind Shift or a function key and always ask first. */
#include <config.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "ui/ui.h"
#include "ui/actions.h"
#include "src/conf.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/vec.h"

static const struct action_info table[ACT__COUNT] = {
    [ACT_NONE] = { "none", "", NULL, NULL,
                   AK_READ },
    [ACT_UP] = { "up", "Up k", NULL, N_("Move the selection up"),
                 AK_READ },
    [ACT_DOWN] = { "down", "Down j", NULL, N_("Move the selection down"),
                   AK_READ },
    [ACT_LEFT] = { "left", "Left h", NULL,
                   N_("Collapse the tree node, or go to its parent"),
                   AK_READ },
    [ACT_RIGHT] = { "right", "Right l", NULL,
                    N_("Expand the tree node, or go to its first child"),
                    AK_READ },
    [ACT_PAGE_UP] = { "page-up", "PgUp C-b", NULL, N_("Move up one page"),
                      AK_READ },
    [ACT_PAGE_DOWN] = { "page-down", "PgDn C-f", NULL,
                        N_("Move down one page"),
                        AK_READ },
    [ACT_HOME] = { "home", "Home g", NULL, N_("Go to the first row"),
                   AK_READ },
    [ACT_END] = { "end", "End G", NULL, N_("Go to the last row"),
                  AK_READ },
    [ACT_FOCUS_NEXT] = { "focus-next", "Tab", NULL,
                         N_("Go to the next pane"),
                         AK_READ },
    [ACT_FOCUS_PREV] = { "focus-prev", "BTab", NULL,
                         N_("Go to the previous pane"),
                         AK_READ },
    [ACT_OPEN] = { "open", "Enter", NULL,
                   N_("Open the selection: expand a tree node, show a "
                      "host's VMs, show a VM's details"),
                   AK_READ },
    [ACT_FILTER] = { "filter", "/ F3", N_("Filter"),
                     N_("Filter the list by name as you type (Esc cancels)"),
                     AK_READ },
    [ACT_SORT] = { "sort", "o F6", N_("Sort"),
                   N_("Sort the list by the next column"),
                   AK_READ },
    [ACT_SORT_REVERSE] = { "sort-reverse", "O", NULL,
                           N_("Reverse the sort order"),
                           AK_READ },
    [ACT_VIEW] = { "view", "v", NULL,
                   N_("Show the VMs or the hosts of a data center or "
                      "cluster"),
                   AK_READ },
    [ACT_MARK] = { "mark", "Space", NULL,
                   N_("Mark or unmark the VM and go to the next row"),
                   AK_READ },
    [ACT_MARK_CLEAR] = { "mark-clear", "U", NULL,
                         N_("Unmark every VM"),
                         AK_READ },
    [ACT_VM_START] = { "vm-start", "s F5", N_("Start"),
                       N_("Start the marked VMs, or the selected one"),
                       AK_CHANGE },
    [ACT_VM_SHUTDOWN] = { "vm-shutdown", "S F9", N_("Stop"),
                          N_("Shut down the marked or selected VMs "
                             "(asks first)"),
                          AK_CHANGE },
    [ACT_VM_POWEROFF] = { "vm-poweroff", "P", NULL,
                          N_("Power off the marked or selected VMs at once "
                             "(asks first)"),
                          AK_CHANGE },
    [ACT_VM_REBOOT] = { "vm-reboot", "R", NULL,
                        N_("Reboot the marked or selected VMs (asks "
                           "first)"),
                        AK_CHANGE },
    [ACT_VM_PAUSE] = { "vm-pause", "p", NULL,
                       N_("Pause the marked or selected VMs"),
                       AK_CHANGE },
    [ACT_VM_RESUME] = { "vm-resume", "r", NULL,
                        N_("Resume the marked or selected VMs"),
                        AK_CHANGE },
    [ACT_VM_DELETE] = { "vm-delete", "D", NULL,
                        N_("Delete the marked or selected VMs, with or "
                           "without their disks (asks first)"),
                        AK_CHANGE },
    [ACT_VM_CREATE] = { "vm-create", "c", NULL,
                        N_("Create a VM in the selected cluster (a form)"),
                        AK_CHANGE },
    [ACT_VM_EDIT] = { "vm-edit", "E", NULL,
                      N_("Change the selected VM's vCPUs, memory, boot "
                         "order, console or HA (a form)"),
                      AK_CHANGE },
    [ACT_VM_CONSOLE] = { "vm-console", "C", NULL,
                         N_("Open the selected VM's serial console, full "
                            "screen (Ctrl-] returns)"),
                         AK_CHANGE },
    [ACT_VM_MIGRATE] = { "vm-migrate", "m", NULL,
                         N_("Live-migrate the marked or selected VMs: "
                            "destination and policy in a form"),
                         AK_CHANGE },
    [ACT_TASKS] = { "tasks", "t", NULL,
                    N_("Show or hide the tasks pane: migrations, "
                       "evacuations and HA restarts with their progress"),
                    AK_READ },
    [ACT_TASK_CANCEL] = { "task-cancel", "x", NULL,
                          N_("Cancel the running migration or upload selected "
                             "in the tasks pane, or the selected VM's "
                             "migration (asks first)"),
                          AK_CHANGE },
    [ACT_MAINTENANCE] = { "maintenance", "M", NULL,
                          N_("Put the selected host (its VMs migrate away) "
                             "or storage domain in maintenance (asks "
                             "first)"),
                          AK_CHANGE },
    [ACT_ACTIVATE] = { "activate", "V", NULL,
                       N_("Activate the selected host or storage domain"),
                       AK_CHANGE },
    [ACT_HOST_MAINTENANCE] = { "host-maintenance", "", NULL,
                               N_("Put the selected host in maintenance: its "
                                  "VMs migrate to other hosts first (asks "
                                  "first)"),
                               AK_CHANGE },
    [ACT_HOST_ACTIVATE] = { "host-activate", "", NULL,
                            N_("Bring the selected host back from "
                               "maintenance"),
                            AK_CHANGE },
    [ACT_HOST_CONFIRM_REBOOTED] = { "host-confirm-rebooted", "B", NULL,
                                    N_("Confirm that the selected "
                                       "NonResponsive host was rebooted or "
                                       "powered off: its HA VMs restart "
                                       "elsewhere (warns first)"),
                                    AK_CHANGE },
    [ACT_HOST_SPM_PRIORITY] = { "host-spm-priority", "I", NULL,
                                N_("Set the selected host's SPM priority, "
                                   "-1 to 10 (a form)"),
                                AK_CHANGE },
    [ACT_HOST_CHECK] = { "host-check", "H", NULL,
                         N_("Check the selected host: FQDN, name "
                            "resolution, libvirt, KVM, firewall ports, "
                            "clock, web console"),
                         AK_READ },
    [ACT_SD_ATTACH] = { "storage-attach", "T", NULL,
                        N_("Attach the selected storage domain to a data "
                           "center (a form)"),
                        AK_CHANGE },
    [ACT_SD_DETACH] = { "storage-detach", "X", NULL,
                        N_("Detach the selected storage domain from its data "
                           "center; it must be in maintenance (asks "
                           "first)"),
                        AK_CHANGE },
    [ACT_SD_ACTIVATE] = { "storage-activate", "", NULL,
                          N_("Activate the selected storage domain in its "
                             "data center"),
                          AK_CHANGE },
    [ACT_SD_MAINTENANCE] = { "storage-maintenance", "", NULL,
                             N_("Put the selected storage domain in "
                                "maintenance in its data center (asks "
                                "first)"),
                             AK_CHANGE },
    [ACT_SD_REMOVE] = { "storage-remove", "", NULL,
                        N_("Remove the selected storage domain from the "
                           "inventory; its data stays on the server (asks "
                           "first)"),
                        AK_CHANGE },
    [ACT_SD_ISO_UPLOAD] = { "iso-upload", "u", NULL,
                            N_("Upload an ISO image from this machine to the "
                               "selected ISO domain: pick the file, then a "
                               "progress bar (b leaves it in the tasks "
                               "pane)"),
                            AK_CHANGE },
    [ACT_ADD] = { "add", "a F7", N_("Add"),
                  N_("Add a cluster to the selected data center, or a host "
                     "to the selected cluster"),
                  AK_CHANGE },
    [ACT_EDIT] = { "edit", "e F4", N_("Edit"),
                   N_("Edit the selected data center, cluster, host or "
                      "VM"),
                   AK_CHANGE },
    [ACT_REMOVE] = { "remove", "F8", N_("Delete"),
                     N_("Delete the marked VMs, or remove the selected data "
                        "center, cluster, host or storage domain (asks "
                        "first)"),
                     AK_CHANGE },
    [ACT_DC_ADD] = { "dc-add", "A", NULL, N_("Add a data center"),
                     AK_CHANGE },
    [ACT_DC_EDIT] = { "dc-edit", "", NULL,
                      N_("Edit the selected data center"),
                      AK_CHANGE },
    [ACT_DC_REMOVE] = { "dc-remove", "", NULL,
                        N_("Remove the selected data center (asks first)"),
                        AK_CHANGE },
    [ACT_CLUSTER_ADD] = { "cluster-add", "", NULL, N_("Add a cluster"),
                          AK_CHANGE },
    [ACT_CLUSTER_EDIT] = { "cluster-edit", "", NULL,
                           N_("Edit the selected cluster"),
                           AK_CHANGE },
    [ACT_CLUSTER_REMOVE] = { "cluster-remove", "", NULL,
                             N_("Remove the selected cluster (asks "
                                "first)"),
                             AK_CHANGE },
    [ACT_HOST_ADD] = { "host-add", "", NULL, N_("Add a host"),
                       AK_CHANGE },
    [ACT_HOST_EDIT] = { "host-edit", "", NULL,
                        N_("Edit the selected host"),
                        AK_CHANGE },
    [ACT_HOST_REMOVE] = { "host-remove", "", NULL,
                          N_("Remove the selected host (asks first; refused "
                             "while it runs VMs)"),
                          AK_CHANGE },
    [ACT_HELP] = { "help", "? F1", N_("Help"),
                   N_("Show this help"),
                   AK_READ },
    [ACT_COMMAND] = { "command", ": F2", N_("Cmd"),
                      N_("Run an action by name (Tab completes)"),
                      AK_READ },
    [ACT_REDRAW] = { "redraw", "C-l", NULL, N_("Redraw the screen"),
                     AK_READ },
    [ACT_QUIT] = { "quit", "q F10", N_("Quit"),
                   N_("Quit (asks first while tasks run)"),
                   AK_READ },
};

/* The bindings in force: per action, its keys. */
static struct vec bound[ACT__COUNT];
static bool readonly;

void
actions_set_readonly(bool on)
{
    readonly = on;
}

bool
actions_readonly(void)
{
    return readonly;
}

bool
actions_offered(enum action a)
{
    if ((unsigned)a >= ACT__COUNT || a == ACT_NONE)
        return false;
    return !readonly || table[a].kind == AK_READ;
}

const struct action_info *
action_info(enum action a)
{
    return (unsigned)a < ACT__COUNT ? &table[a] : &table[ACT_NONE];
}

enum action
action_by_name(const char *name)
{
    char buf[64];
    size_t n;

    if (!name || (n = strlen(name)) >= sizeof(buf))
        return ACT_NONE;
    for (size_t i = 0; i <= n; i++)
        buf[i] = name[i] == '_' ? '-' : name[i];
    for (int a = 1; a < ACT__COUNT; a++) {
        if (streq(table[a].name, buf))
            return a;
    }
    return ACT_NONE;
}

static const struct {
    const char *name;
    int key;
} named_keys[] = {
    { "Up", UI_KEY_FN | KEY_UP },
    { "Down", UI_KEY_FN | KEY_DOWN },
    { "Left", UI_KEY_FN | KEY_LEFT },
    { "Right", UI_KEY_FN | KEY_RIGHT },
    { "PgUp", UI_KEY_FN | KEY_PPAGE },
    { "PageUp", UI_KEY_FN | KEY_PPAGE },
    { "PgDn", UI_KEY_FN | KEY_NPAGE },
    { "PageDown", UI_KEY_FN | KEY_NPAGE },
    { "Home", UI_KEY_FN | KEY_HOME },
    { "End", UI_KEY_FN | KEY_END },
    { "Insert", UI_KEY_FN | KEY_IC },
    { "Delete", UI_KEY_FN | KEY_DC },
    { "Backspace", UI_KEY_FN | KEY_BACKSPACE },
    { "BTab", UI_KEY_FN | KEY_BTAB },
    { "S-Tab", UI_KEY_FN | KEY_BTAB },
    { "Enter", UI_KEY_ENTER },
    { "Tab", UI_KEY_TAB },
    { "Esc", UI_KEY_ESC },
    { "Space", ' ' },
};

int
key_parse(const char *name, int *key)
{
    mbstate_t st;
    wchar_t wc;
    size_t n, len;

    if (!name || !*name)
        return -1;
    for (size_t i = 0; i < sizeof(named_keys) / sizeof(*named_keys); i++) {
        if (strcasecmp(name, named_keys[i].name) == 0) {
            *key = named_keys[i].key;
            return 0;
        }
    }
    if ((name[0] == 'F' || name[0] == 'f') && name[1]) {
        char *end;
        long f = strtol(name + 1, &end, 10);
        if (!*end && f >= 1 && f <= 12) {
            *key = UI_KEY_FN | KEY_F(f);
            return 0;
        }
    }
    if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && name[2] &&
        !name[3]) {
        char c = name[2];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c >= 'a' && c <= 'z' && c != 'i' && c != 'm' && c != 'h') {
            *key = c - 'a' + 1;
            return 0;
        }
        return -1;
    }
    /* one printable character, UTF-8 */
    len = strlen(name);
    memset(&st, 0, sizeof(st));
    n = mbrtowc(&wc, name, len, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0 || n != len)
        return -1;
    if (wc <= 32 || wc == 127)
        return -1;
    *key = (int)wc;
    return 0;
}

void
key_label(int key, char *buf, size_t len)
{
    if (key & UI_KEY_FN) {
        int code = key & ~UI_KEY_FN;
        if (code >= KEY_F(1) && code <= KEY_F(12)) {
            snprintf(buf, len, "F%d", code - KEY_F0);
            return;
        }
    }
    for (size_t i = 0; i < sizeof(named_keys) / sizeof(*named_keys); i++) {
        if (named_keys[i].key == key) {
            snprintf(buf, len, "%s", named_keys[i].name);
            return;
        }
    }
    if (key >= 1 && key <= 26) {
        snprintf(buf, len, "C-%c", 'a' + key - 1);
        return;
    }
    if (!(key & UI_KEY_FN) && key > 32) {
        char mb[MB_LEN_MAX + 1];
        mbstate_t st;
        size_t n;
        memset(&st, 0, sizeof(st));
        n = wcrtomb(mb, (wchar_t)key, &st);
        if (n != (size_t)-1) {
            mb[n] = '\0';
            snprintf(buf, len, "%s", mb);
            return;
        }
    }
    snprintf(buf, len, "#%d", key & ~UI_KEY_FN);
}

int
key_from_curses(int is_fn, unsigned code)
{
    if (is_fn) {
        switch (code) {
        case KEY_ENTER:
            return UI_KEY_ENTER;
        default:
            return UI_KEY_FN | (int)code;
        }
    }
    switch (code) {
    case '\n':
    case '\r':
        return UI_KEY_ENTER;
    case 127:
    case 8:
        return UI_KEY_FN | KEY_BACKSPACE;
    default:
        return (int)code;
    }
}

static void
bind_key(enum action a, int key)
{
    /* A key belongs to one action: the later binding takes it. */
    for (int b = 1; b < ACT__COUNT; b++) {
        for (size_t i = 0; i < bound[b].len; i++) {
            if (*(int *)bound[b].items[i] == key) {
                free(vec_remove(&bound[b], i));
                break;
            }
        }
    }
    int *k = xmalloc(sizeof(*k));
    *k = key;
    vec_push(&bound[a], k);
}

int
actions_bind(const struct config *cfg)
{
    actions_unbind();
    for (int a = 1; a < ACT__COUNT; a++) {
        char *keys = xstrdup(table[a].keys), *save = NULL;
        bool overridden = false;

        for (size_t i = 0; cfg && i < cfg->bindings.len; i++) {
            const struct config_binding *b = cfg->bindings.items[i];
            if (action_by_name(b->action) == (enum action)a)
                overridden = true;
        }
        for (char *t = strtok_r(keys, " ", &save); t && !overridden;
             t = strtok_r(NULL, " ", &save)) {
            int key;
            if (key_parse(t, &key) == 0)
                bind_key(a, key);
        }
        free(keys);
    }
    for (size_t i = 0; cfg && i < cfg->bindings.len; i++) {
        const struct config_binding *b = cfg->bindings.items[i];
        enum action a = action_by_name(b->action);
        if (a == ACT_NONE) {
            err_set(_("%s:%d: there is no action '%s': the help screen (?) "
                      "lists the action names."), b->file ? b->file : "",
                    b->line, b->action);
            actions_unbind();
            return -1;
        }
        for (size_t k = 0; k < b->keys.len; k++) {
            int key;
            if (key_parse(b->keys.items[k], &key) < 0) {
                err_set(_("%s:%d: '%s' is not a key: write keys like \"q\", "
                          "\"F5\", \"C-x\", \"PgDn\" or \"Space\"."),
                        b->file ? b->file : "", b->line,
                        (const char *)b->keys.items[k]);
                actions_unbind();
                return -1;
            }
            bind_key(a, key);
        }
    }
    return 0;
}

void
actions_unbind(void)
{
    for (int a = 0; a < ACT__COUNT; a++)
        vec_clear(&bound[a], free);
}

enum action
actions_lookup(int key)
{
    for (int a = 1; a < ACT__COUNT; a++) {
        for (size_t i = 0; i < bound[a].len; i++) {
            if (*(int *)bound[a].items[i] == key)
                return a;
        }
    }
    return ACT_NONE;
}

void
actions_keys(enum action a, struct strbuf *out)
{
    char name[32];

    if ((unsigned)a >= ACT__COUNT)
        return;
    for (size_t i = 0; i < bound[a].len; i++) {
        key_label(*(int *)bound[a].items[i], name, sizeof(name));
        if (i)
            sb_add(out, ", ");
        sb_add(out, name);
    }
}

int
actions_fkey(enum action a)
{
    if ((unsigned)a >= ACT__COUNT)
        return 0;
    for (size_t i = 0; i < bound[a].len; i++) {
        int key = *(int *)bound[a].items[i];
        int code = key & ~UI_KEY_FN;
        if ((key & UI_KEY_FN) && code >= KEY_F(1) && code <= KEY_F(12))
            return code - KEY_F0;
    }
    return 0;
}

int
actions_first_key(enum action a)
{
    if ((unsigned)a >= ACT__COUNT || !bound[a].len)
        return 0;
    return *(int *)bound[a].items[0];
}
