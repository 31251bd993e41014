/* engine_tasks.c: tasks kept in the store, and the ones a dead virtdeck
 * left running.
 *
 * A task is written to the store before its work starts (with what it
 * may leave behind should this process die: a domain being defined, a
 * disk volume, a migration between two hosts, a partial upload), again
 * when it ends, and its progress on the refresh tick.  At start-up a task
 * still marked running whose process is gone (procid.h: pid, boot id and
 * start time, so a second living virtdeck's tasks are left alone) becomes
 * interrupted, is audited with what to check, and is shown with the other
 * recent tasks.  Nothing here decides to delete what was left: the
 * operator is told exactly what to look at; the only automatic cleanup is
 * the upload's own (the next upload of a name replaces its stale partial
 * file), which marks the old task resolved. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "engine_priv.h"
#include "store.h"

/* Tasks of earlier runs shown at start-up. */
#define TASKS_SHOWN 30

static void
task_names(struct engine *e, struct task *t)
{
    struct host *h;

    if (!t->src_name && t->src_host &&
        (h = model_host_by_id(e->m, t->src_host)))
        t->src_name = xstrdup(h->name);
    if (!t->dst_name && t->dst_host &&
        (h = model_host_by_id(e->m, t->dst_host)))
        t->dst_name = xstrdup(h->name);
}

/* Write t to the store; a failure is logged, never fatal: the task goes
 * on, only its record is missing. */
static void
task_store(struct engine *e, struct task *t)
{
    task_names(e, t);
    if (store_task_save(e->store, t) < 0)
        log_warn("task %s of %s not stored: %s", task_kind_key(t->kind),
                 t->object ? t->object : "", err_msg());
}

static void
task_hook(void *opaque, struct task *t)
{
    task_store(opaque, t);
}

/* Save a task the caller has just made with model_task_new() and filled
 * in (hosts, leftovers), before its work starts.  Returns 0. */
int
engine_task_begin(struct engine *e, struct task *t)
{
    task_store(e, t);
    return 0;
}

/* Save a task again after its hosts or leftovers changed. */
void
engine_task_update(struct engine *e, struct task *t)
{
    task_store(e, t);
}

/* On the refresh tick: the progress of running tasks, when it moved. */
void
engine_tasks_sync(struct engine *e)
{
    for (size_t i = 0; i < e->m->tasks.len; i++) {
        struct task *t = e->m->tasks.items[i];
        if (t->state == TASK_RUNNING && t->db_id && !t->foreign &&
            t->percent != t->saved_percent)
            task_store(e, t);
    }
}

/* One sentence for the audit log: what was interrupted and what to
 * check.  Owned. */
static char *
interrupted_text(const struct task *t)
{
    struct strbuf b = { 0 };

    sb_addf(&b, _("The %s of '%s' was interrupted: virtdeck (process %d) "
                  "stopped while it ran."), _(task_kind_name(t->kind)),
            t->object ? t->object : "?", t->owner_pid);
    if (!t->left.len)
        sb_addf(&b, " %s", _("Nothing is known to be left behind."));
    for (size_t i = 0; i < t->left.len; i++) {
        char *d = task_left_describe(t->left.items[i]);
        sb_addf(&b, " %s%s.", i ? "" : _("Check: "), d);
        free(d);
    }
    return sb_steal(&b);
}

struct reap_ctx {
    struct engine *e;
    struct vec *ids;
};

static void
reaped(struct task *t, void *opaque)
{
    struct reap_ctx *c = opaque;
    char *msg = interrupted_text(t);
    int64_t *id = xmalloc(sizeof(*id));

    *id = t->db_id;
    vec_push(c->ids, id);
    engine_audit(c->e, t->object ? t->object : "", "task-interrupted", 0, msg);
    free(msg);
    task_free(t);
}

struct loaded {
    struct vec tasks;
    struct vec reaped;          /* int64_t *: db ids marked by this start */
};

static void
loaded_one(struct task *t, void *opaque)
{
    struct loaded *l = opaque;

    /* running ones belong to another living virtdeck: its own screen
     * follows them */
    if (t->state == TASK_RUNNING) {
        task_free(t);
        return;
    }
    for (size_t i = 0; i < l->reaped.len; i++)
        if (*(int64_t *)l->reaped.items[i] == t->db_id)
            t->just_interrupted = true;
    vec_push(&l->tasks, t);
}

/* At start-up: mark and audit the tasks of dead processes, then show the
 * recent tasks of earlier runs (oldest first, as the model keeps them). */
void
engine_tasks_open(struct engine *e, bool writable)
{
    struct loaded l = { { 0 }, { 0 } };
    struct reap_ctx rc = { e, &l.reaped };
    char *why;

    e->m->task_hook = task_hook;
    e->m->task_hook_opaque = e;
    if (e->demo)
        return;
    if (writable) {
        why = xstrdup(_("virtdeck stopped while this task ran; see what it "
                        "may have left behind."));
        if (store_task_reap(e->store, why, reaped, &rc) < 0)
            log_warn("interrupted tasks not marked: %s", err_msg());
        free(why);
    }
    if (store_task_list(e->store, TASKS_SHOWN, false, loaded_one, &l) < 0) {
        log_warn("tasks not loaded: %s", err_msg());
    }
    for (size_t i = l.tasks.len; i-- > 0;) {
        struct task *t = l.tasks.items[i];
        struct host *h;
        if (t->src_name && (h = model_host_by_name(e->m, t->src_name)))
            t->src_host = h->id;
        if (t->dst_name && (h = model_host_by_name(e->m, t->dst_name)))
            t->dst_host = h->id;
        model_task_adopt(e->m, t);
    }
    vec_clear(&l.tasks, NULL);
    vec_clear(&l.reaped, free);
}

/* Every stored task, newest first (at most limit; 0: all), to fn, which
 * owns each.  0 or -1 with err_set(). */
int
engine_tasks_list(struct engine *e, unsigned limit,
                  void (*fn)(struct task *t, void *opaque), void *opaque)
{
    if (e->demo)
        return 0;   /* the demo keeps its tasks in memory only */
    return store_task_list(e->store, limit, false, fn, opaque);
}

/* Is a living virtdeck working on item (task_left_add's form) now? */
int
engine_task_busy(struct engine *e, const char *item, bool *busy)
{
    return store_task_busy(e->store, item, busy);
}

/* The leftover item of interrupted tasks was dealt with: say how (shown
 * with them), audited once when some task had it. */
void
engine_task_resolve(struct engine *e, const char *object, const char *item,
                    const char *how)
{
    int n = store_task_resolve(e->store, item, how);

    if (n < 0) {
        log_warn("tasks not marked resolved: %s", err_msg());
        return;
    }
    for (size_t i = 0; i < e->m->tasks.len; i++) {
        struct task *t = e->m->tasks.items[i];
        if (t->state != TASK_INTERRUPTED || t->resolved)
            continue;
        for (size_t j = 0; j < t->left.len; j++) {
            if (streq(t->left.items[j], item)) {
                t->resolved = xstrdup(how);
                e->m->events |= MODEL_EV_TASKS;
                break;
            }
        }
    }
    if (n > 0)
        engine_audit(e, object, "task-cleanup", 1, how);
}
