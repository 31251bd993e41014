/* test-actions.c: the console's action table and read-only mode.
 *
 * Every action must say whether it only looks (AK_READ) or changes
 * something (AK_CHANGE): a new action that says neither fails here.  In
 * read-only mode exactly the AK_READ actions are offered.
 *
 * `test-actions --list` prints the table, one action a line:
 * "NAME read|change KEY,KEY..." ("-" without a default key), for
 * tests/ui/readonly.sh, which presses every changing one. */
#include <config.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui/actions.h"
#include "src/util/mem.h"
#include "tests/tap.h"

static const char *
kind_name(enum action_kind k)
{
    return k == AK_READ ? "read" : k == AK_CHANGE ? "change" : "unset";
}

/* Actions that plainly change things: a slip of the table that marks one
 * of them AK_READ would offer it to observers. */
static const char *const must_change[] = {
    "vm-start", "vm-shutdown", "vm-poweroff", "vm-reboot", "vm-pause",
    "vm-resume", "vm-delete", "vm-create", "vm-edit", "vm-console",
    "vm-migrate", "task-cancel", "maintenance", "activate",
    "host-maintenance", "host-activate", "host-confirm-rebooted",
    "host-spm-priority", "storage-attach", "storage-detach",
    "storage-activate", "storage-maintenance", "storage-remove", "add",
    "edit", "remove", "dc-add", "dc-edit", "dc-remove", "cluster-add",
    "cluster-edit", "cluster-remove", "host-add", "host-edit",
    "host-remove",
};

int
main(int argc, char **argv)
{
    unsigned unset = 0, changes = 0, reads = 0, wrong = 0;

    setlocale(LC_ALL, "C.UTF-8");
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (int a = 1; a < ACT__COUNT; a++) {
            const struct action_info *ai = action_info(a);
            char *keys = xstrdup(*ai->keys ? ai->keys : "-");
            for (char *p = keys; *p; p++)
                if (*p == ' ')
                    *p = ',';
            printf("%s %s %s\n", ai->name, kind_name(ai->kind), keys);
            free(keys);
        }
        return 0;
    }

    for (int a = 1; a < ACT__COUNT; a++) {
        const struct action_info *ai = action_info(a);
        if (ai->kind == AK_READ)
            reads++;
        else if (ai->kind == AK_CHANGE)
            changes++;
        else {
            unset++;
            tap_diag("action '%s' says neither read nor change", ai->name);
        }
    }
    is_int(unset, 0, "every action says whether it changes things");
    ok(changes > 0 && reads > 0, "%u change, %u only look", changes, reads);
    for (size_t i = 0; i < sizeof(must_change) / sizeof(*must_change); i++) {
        enum action a = action_by_name(must_change[i]);
        ok(a != ACT_NONE && action_info(a)->kind == AK_CHANGE,
           "%s is marked as a change", must_change[i]);
    }

    actions_set_readonly(false);
    for (int a = 1; a < ACT__COUNT; a++)
        wrong += !actions_offered(a);
    is_int(wrong, 0, "normally every action is offered");
    actions_set_readonly(true);
    ok(actions_readonly(), "read-only mode is on");
    wrong = 0;
    for (int a = 1; a < ACT__COUNT; a++) {
        bool want = action_info(a)->kind == AK_READ;
        if (actions_offered(a) != want) {
            wrong++;
            tap_diag("read-only offers '%s': %d", action_info(a)->name,
                     actions_offered(a));
        }
    }
    is_int(wrong, 0, "read-only offers exactly the actions that only look");
    ok(actions_offered(action_by_name("quit")) &&
       actions_offered(action_by_name("help")) &&
       actions_offered(action_by_name("command")),
       "an observer can still quit, read the help and use the command line");
    ok(!actions_offered(ACT_NONE), "ACT_NONE is never offered");
    actions_set_readonly(false);
    return tap_done();
}
