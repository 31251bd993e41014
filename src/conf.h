/* config.h: virtdeck's configuration (libconfig).
 *
 * Read in order, later files overriding earlier ones setting by setting:
 * /etc/virtdeck/virtdeck.conf, $XDG_CONFIG_HOME/virtdeck/virtdeck.conf
 * (or ~/.config/...), then the file given with -c.  A missing system or
 * user file is fine; a missing -c file is an error.  An error names
 * file:line and what was expected (err_set), and the caller exits 2
 * without touching the database.  Colours and key bindings are kept as
 * text for the front end, which checks their values. */
#ifndef VD_CONF_H
#define VD_CONF_H
#include <stdbool.h>
#include "util/vec.h"

struct config_binding {
    char *action;               /* action name, e.g. "vm-start" */
    struct vec keys;            /* char * key names, e.g. "s", "F5", "C-x" */
    char *file;                 /* where it was set, for messages */
    int line;
};

struct config_color {
    char *element;              /* e.g. "header", "state-up" */
    char *fg, *bg;              /* colour names; NULL: default */
    char *file;
    int line;
};

struct config {
    double refresh_interval;    /* seconds between stats ticks, 0.5 .. 3600 */
    double connect_timeout;     /* seconds a connect may take, 1 .. 600 */
    int keepalive_interval;     /* seconds, 1 .. 600 (libvirt keepalive) */
    int keepalive_count;        /* 1 .. 100 */
    double reconnect_max;       /* back-off ceiling, seconds, 1 .. 3600 */
    double ha_grace;            /* a lost host's seconds to come back, 1 .. 3600 */
    double storage_interval;    /* seconds between storage domain checks */
    char *database;             /* NULL: store_default_path() */
    char *log_file;             /* NULL: no log unless -v */
    bool color;                 /* false: monochrome */
    struct vec bindings;        /* struct config_binding * */
    struct vec colors;          /* struct config_color * */
    struct vec files;           /* char * files actually read, in order */
};

/* Defaults only. */
struct config *config_new(void);
void config_free(struct config **c);

/* Read FILE over c.  must_exist: a missing file is an error, otherwise it
 * is skipped.  Returns 0, or -1 with err_set("FILE:LINE: ..."). */
int config_read_path(struct config *c, const char *file, bool must_exist);

/* The system file, the user file, then extra (may be NULL).  Paths may be
 * redirected with VIRTDECK_SYSCONFDIR (tests). */
int config_load(struct config *c, const char *extra);

#endif
