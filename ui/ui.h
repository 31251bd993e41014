/* ui.h: the ncurses console.
 *
 * ui_run() is what the CLI calls.  The rest of this header is the front
 * end's own interface between its modules: the screen and modal
 * interfaces, the shared state of one console (struct ui) and the few
 * services ui.c offers screens (dirty marks, messages, modals, the current
 * object).  Screens keep ids across loop passes, never model pointers. */
#ifndef VD_UI_H
#define VD_UI_H
#ifndef NCURSES_WIDECHAR
# define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

struct engine;
struct config;
struct cli_opts;
struct model;

/* Run the console over an opened engine until the operator quits.
 * Returns an exit code. */
int ui_run(struct engine *e, const struct config *cfg,
           const struct cli_opts *o);

/* ---- between the front end's modules ---- */

enum action;

/* What a handler did with a key or an action. */
enum ui_result {
    UI_IGNORED,     /* not mine: try the next handler */
    UI_HANDLED,
    UI_CLOSE,       /* handled, and the modal is done */
};

enum ui_pane {
    PANE_HEADER,
    PANE_TREE,
    PANE_LIST,
    PANE_DETAIL,
    PANE_TASKS,     /* shown on demand, and while tasks run */
    PANE_EVENTS,
    PANE_STATUS,
    PANE__COUNT
};

/* An object of the inventory, by id: what the tree, the list and the
 * detail pane point at across loop passes. */
enum node_kind {
    NODE_NONE,
    NODE_DC,
    NODE_CLUSTER,
    NODE_HOST,
    NODE_VM,
    NODE_SD,
    NODE_TASK,              /* a row of the tasks pane */
};

struct node {
    enum node_kind kind;
    int64_t id;             /* dc, cluster, host, sd or task id; a VM's
                             * host id */
    char uuid[37];          /* VMs only */
    int64_t dc_id;          /* storage domains: the data center it is shown
                             * in (0: attached nowhere) */
};

struct ui;

/* One pane (ncmpc's screen_functions, tmux's window_mode).  paint() draws
 * from the model and never calls a backend; cmd() changes state and marks
 * what is dirty, never draws.  Every member may be NULL. */
struct screen_ops {
    void (*open)(struct ui *ui);
    void (*close)(struct ui *ui);
    void (*resize)(struct ui *ui, int rows, int cols);
    void (*update)(struct ui *ui, unsigned model_events);
    void (*paint)(struct ui *ui, WINDOW *win);
    enum ui_result (*cmd)(struct ui *ui, enum action a);
};

/* A dialog, form, help page or line editor on top of the panes.  It gets
 * every key first, as typed (it may map it to an action itself); it never
 * reads keys on its own. */
struct modal;
struct modal_ops {
    enum ui_result (*key)(struct ui *ui, struct modal *m, int key);
    /* Lay out (create or move the window) for the screen size. */
    void (*layout)(struct ui *ui, struct modal *m);
    void (*paint)(struct ui *ui, struct modal *m);
    /* Told the model changed, to refresh what it shows (may be NULL). */
    void (*update)(struct ui *ui, struct modal *m, unsigned model_events);
    void (*free)(struct modal *m);
};

struct modal {
    const struct modal_ops *ops;
    WINDOW *win;
    bool dirty;
    bool cursor;            /* show the terminal cursor in win */
    bool done;              /* close it when this loop pass ends: set from
                             * callbacks that must not free what called
                             * them (a console's events) */
    void *data;             /* the modal's own state */
};

/* Message kinds for the status line. */
enum ui_msg { UI_MSG_INFO, UI_MSG_OK, UI_MSG_ERROR };

struct model *ui_model(struct ui *ui);
/* The configuration in force; borrowed for the console's life. */
const struct config *ui_config(const struct ui *ui);
struct engine *ui_engine(struct ui *ui);
/* Screen size. */
int ui_rows(const struct ui *ui);
int ui_cols(const struct ui *ui);
/* The pane that has the focus. */
enum ui_pane ui_focus(const struct ui *ui);
void ui_set_focus(struct ui *ui, enum ui_pane p);

/* Mark a pane for repainting at the end of this loop pass. */
void ui_dirty(struct ui *ui, enum ui_pane p);
/* Lay the panes out again at the end of this loop pass (a pane was
 * shown or hidden). */
void ui_relayout(struct ui *ui);
/* Set the status line message (printf format, shown as given). */
void ui_message(struct ui *ui, enum ui_msg kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The status message, or NULL; borrowed until the next ui_message(). */
const char *ui_message_text(const struct ui *ui, enum ui_msg *kind);

/* Push a modal; the console owns it from now on and frees it with
 * ops->free after it answers UI_CLOSE. */
void ui_modal_push(struct ui *ui, struct modal *m);
/* The object shown in the detail pane and acted on by VM and inventory
 * actions; the tree and the list set it as their selection moves. */
void ui_set_current(struct ui *ui, const struct node *n);
const struct node *ui_current(const struct ui *ui);
/* The tree's selection changed: the list follows it. */
void ui_tree_selected(struct ui *ui, const struct node *n);
/* Run an action as if its key had been pressed (the command line). */
void ui_action(struct ui *ui, enum action a);
/* Operations started from this console still in flight, hosts
 * connecting and the engine's running tasks (migrations, evacuations, HA
 * restarts): what the header calls tasks. */
unsigned ui_tasks(const struct ui *ui);
/* An operation was queued with ui_job_done as its done callback (opaque
 * unused): it counts as a task until the result arrives. */
void ui_job_queued(struct ui *ui);
/* The engine's done callback for operations started here: the result
 * goes to the status line (the events pane has it from the audit log).
 * Safe after the console is gone. */
void ui_job_done(void *opaque, int ok, const char *message);
/* The done callback for operations the engine follows as a task
 * (model->tasks: migrations, evacuations): the result goes to the status
 * line; the header counts the task itself, so nothing is queued.  Safe
 * after the console is gone. */
void ui_task_done(void *opaque, int ok, const char *message);
/* The newest audit message about object (a name) for action (the
 * engine's audit action, "storage-attach"; NULL: any), or NULL; borrowed
 * until the model changes.  Inventory changes report with it: the engine
 * may have audited more since (an SPM election, HA restarts). */
const char *ui_audit_last(const struct ui *ui, const char *object,
                          const char *action);

/* A model pointer for n, valid until the model next changes (within the
 * current handler or paint only). */
struct dc *node_dc(const struct ui *ui, const struct node *n);
struct cluster *node_cluster(const struct ui *ui, const struct node *n);
struct host *node_host(const struct ui *ui, const struct node *n);
struct vm *node_vm(const struct ui *ui, const struct node *n);
struct sd *node_sd(const struct ui *ui, const struct node *n);
struct task *node_task(const struct ui *ui, const struct node *n);
bool node_eq(const struct node *a, const struct node *b);

/* Headless use (bench/render): set up a console on an existing terminal
 * (newterm done by the caller), without the event loop or signals. */
struct ui *ui_new(struct engine *e, const struct config *cfg);
void ui_free(struct ui **ui);
/* Apply pending model events and paint what is dirty: wnoutrefresh per
 * pane and one doupdate().  The loop's before-sleep hook. */
void ui_flush(struct ui *ui);
/* Feed one key as the dispatcher would. */
void ui_key(struct ui *ui, int key);
/* Select the host called name in the tree (bench, tests). */
int ui_select_host(struct ui *ui, const char *name);

#endif
