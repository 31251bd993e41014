/* store.h: the SQLite inventory and audit log.
 *
 * One database file (default $XDG_DATA_HOME/virtdeck/virtdeck.db, created
 * 0600) in WAL mode with a busy timeout, so two virtdeck processes writing
 * at once lose nothing.  The schema is versioned with PRAGMA user_version
 * and migrated forward on open.  SQL only through prepared statements with
 * sqlite3_bind_*.  A database that is corrupt, newer than this virtdeck, or
 * not a database at all is reported and never overwritten.
 *
 * Every function that can fail returns 0 / -1 (or NULL) and reports the
 * reason once with err_set(), as a translated sentence naming the object. */
#ifndef VD_STORE_H
#define VD_STORE_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "model.h"

struct store;

enum {
    STORE_CREATE = 1u << 0,     /* create the file (and its folder) if missing */
    STORE_MEMORY = 1u << 1,     /* private in-memory database; path ignored */
    STORE_READONLY = 1u << 2,   /* open read-only; writes fail with a message */
};

/* Open or create the database and bring its schema up to date.
 * Returns an owned handle, or NULL with err_set(). */
struct store *store_open(const char *path, unsigned flags);
void store_free(struct store **s);
/* Path given to store_open ("" for memory).  Borrowed, valid while s lives. */
const char *store_path(const struct store *s);
/* True when a file exists at path. */
bool store_file_exists(const char *path);
/* The default path: $XDG_DATA_HOME/virtdeck/virtdeck.db, or
 * ~/.local/share/virtdeck/virtdeck.db.  Owned by the caller. */
char *store_default_path(void);

/* Load dcs, clusters, hosts and storage domains into an empty model. */
int store_load(struct store *s, struct model *m);
/* True when the inventory has no data center. */
int store_is_empty(struct store *s, bool *empty);

/* Inventory.  Names are unique per kind; a duplicate is refused with a
 * message.  *id_out may be NULL. */
int store_dc_add(struct store *s, const char *name, const char *description,
                 int64_t *id_out);
int store_dc_update(struct store *s, int64_t id, const char *name,
                    const char *description);
/* Refused while the data center has clusters or attached domains. */
int store_dc_remove(struct store *s, const char *name);

int store_cluster_add(struct store *s, const char *name, const char *dc_name,
                      const char *description, int64_t *id_out);
int store_cluster_update(struct store *s, int64_t id, const char *name,
                         const char *dc_name, const char *description);
struct migrate_opts;
/* A cluster's live-migration defaults (loaded into cluster->mig). */
int store_cluster_set_migration(struct store *s, const char *name,
                                const struct migrate_opts *o);
/* Refused while the cluster has hosts. */
int store_cluster_remove(struct store *s, const char *name);

int store_host_add(struct store *s, const char *name, const char *uri,
                   const char *cluster_name, int64_t *id_out);
int store_host_update(struct store *s, int64_t id, const char *name,
                      const char *uri, const char *cluster_name);
int store_host_set_maintenance(struct store *s, int64_t id, bool on,
                               const char *reason);
int store_host_remove(struct store *s, const char *name);

int store_sd_add(struct store *s, const char *name, enum sd_role role,
                 enum sd_backend backend, const char *address,
                 const char *path, int64_t *id_out);
int store_sd_attach(struct store *s, const char *sd_name, const char *dc_name);
int store_sd_detach(struct store *s, const char *sd_name, const char *dc_name);
int store_sd_remove(struct store *s, const char *name);

/* Storage domains: attachment status and iSCSI details; hosts' SPM
 * priority. */
int store_sd_set_active(struct store *s, const char *sd_name,
                        const char *dc_name, bool active);
int store_sd_set_iscsi(struct store *s, const char *sd_name, const char *luns,
                       const char *chap_user);
int store_host_set_spm_priority(struct store *s, int64_t host_id,
                                int priority);

/* Audit log.  a->id and a->time are filled in when 0. */
int store_audit_add(struct store *s, struct audit *a);
/* Entries with time >= since, oldest first, at most limit (0: all);
 * each is handed to fn, which takes ownership. */
int store_audit_list(struct store *s, time_t since, unsigned limit,
                     void (*fn)(struct audit *a, void *opaque), void *opaque);

/* Tasks (see store.c): saved as they start and end, so that a task whose
 * virtdeck died is found and marked interrupted by the next one. */
int store_task_save(struct store *s, struct task *t);
int store_task_reap(struct store *s, const char *message,
                    void (*fn)(struct task *t, void *opaque), void *opaque);
int store_task_list(struct store *s, unsigned limit, bool only_ended,
                    void (*fn)(struct task *t, void *opaque), void *opaque);
int store_task_busy(struct store *s, const char *item, bool *busy);
int store_task_resolve(struct store *s, const char *item,
                       const char *resolved);

#endif
