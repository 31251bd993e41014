/* store.c: the SQLite inventory and audit log (see store.h).
 *
 * This module is the only place that talks to SQLite.  It keeps the
 * inventory (data centers, clusters, hosts, storage domains and which data
 * centers a domain is attached to) and the audit log in one file, and fills
 * a model from it at start-up.  It must not decide policy: whether a host
 * may be removed while it runs VMs is the engine's question; the store only
 * refuses what would leave the file inconsistent (a data center with
 * clusters, a cluster with hosts, a domain still attached).
 *
 * Values reach SQL only through sqlite3_bind_*; the only text run as SQL is
 * constant in this file.  The file is opened WAL with a busy timeout and
 * every multi-statement write runs in BEGIN IMMEDIATE, so two virtdeck
 * processes can write at once without losing anything.  A file that is not
 * a database, is damaged, or has a newer schema is checked before anything
 * is written to it, reported, and left exactly as it was. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "store.h"
#include "migrate.h"
#include "procid.h"

/* How long a writer waits for another process before giving up. */
#define STORE_BUSY_MS 10000

/* How many names a refusal lists before it says "...". */
#define STORE_LIST_MAX 5

struct store {
    sqlite3 *db;
    char *path;                 /* as given; "" for memory */
    bool readonly;
};

/* Schema migrations: migrations[i] takes user_version i to i + 1 and sets
 * it.  Append only; never edit a step that has shipped.  Inventory ids use
 * AUTOINCREMENT because the UI holds ids across loop passes: a reused id
 * could silently point at a different object. */
static const char *const migrations[] = {
    /* 1: the initial schema */
    "CREATE TABLE dc ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT UNIQUE NOT NULL,"
    "  description TEXT);"
    "CREATE TABLE cluster ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  dc_id INTEGER NOT NULL REFERENCES dc(id),"
    "  name TEXT UNIQUE NOT NULL,"
    "  description TEXT);"
    "CREATE INDEX cluster_dc ON cluster(dc_id);"
    "CREATE TABLE host ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  cluster_id INTEGER NOT NULL REFERENCES cluster(id),"
    "  name TEXT UNIQUE NOT NULL,"
    "  uri TEXT NOT NULL,"
    "  maintenance INTEGER NOT NULL DEFAULT 0,"
    "  maintenance_reason TEXT);"
    "CREATE INDEX host_cluster ON host(cluster_id);"
    "CREATE TABLE storage_domain ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT UNIQUE NOT NULL,"
    "  role TEXT NOT NULL,"
    "  backend TEXT NOT NULL,"
    "  address TEXT,"
    "  path TEXT);"
    "CREATE TABLE sd_dc ("
    "  sd_id INTEGER NOT NULL REFERENCES storage_domain(id),"
    "  dc_id INTEGER NOT NULL REFERENCES dc(id),"
    "  PRIMARY KEY (sd_id, dc_id));"
    "CREATE INDEX sd_dc_dc ON sd_dc(dc_id);"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  time INTEGER NOT NULL,"
    "  user TEXT,"
    "  object TEXT,"
    "  action TEXT,"
    "  result TEXT,"
    "  message TEXT);"
    "CREATE INDEX audit_time ON audit(time, id);"
    "PRAGMA user_version = 1;",
    /* 2: per-cluster live-migration defaults; HA VMs' definitions */
    "ALTER TABLE cluster ADD COLUMN mig_bandwidth INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cluster ADD COLUMN mig_max_downtime INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cluster ADD COLUMN mig_auto_converge INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cluster ADD COLUMN mig_postcopy INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cluster ADD COLUMN mig_timeout INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cluster ADD COLUMN mig_timeout_action TEXT NOT NULL "
    "  DEFAULT 'abort';"
    "PRAGMA user_version = 2;",
    /* 3: storage: attachment status, iSCSI LUNs and CHAP user, SPM priority,
     * disks made on data domains */
    "ALTER TABLE sd_dc ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE storage_domain ADD COLUMN luns TEXT;"
    "ALTER TABLE storage_domain ADD COLUMN chap_user TEXT;"
    "ALTER TABLE host ADD COLUMN spm_priority INTEGER NOT NULL DEFAULT 5;"
    "CREATE TABLE sd_disk ("
    "  sd_id INTEGER NOT NULL REFERENCES storage_domain(id),"
    "  name TEXT NOT NULL,"
    "  vm_uuid TEXT,"
    "  size INTEGER NOT NULL,"
    "  lun INTEGER,"
    "  PRIMARY KEY (sd_id, name));"
    "PRAGMA user_version = 3;",
    /* 4: tasks, kept so that a task whose virtdeck died is known as
     * interrupted, with what it may have left behind */
    "CREATE TABLE task ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  kind TEXT NOT NULL,"
    "  object TEXT,"
    "  vm_uuid TEXT,"
    "  src_host TEXT,"
    "  dst_host TEXT,"
    "  state TEXT NOT NULL,"
    "  started INTEGER NOT NULL,"
    "  ended INTEGER,"
    "  percent REAL,"
    "  message TEXT,"
    "  owner_pid INTEGER NOT NULL,"
    "  owner_boot TEXT,"
    "  owner_start INTEGER,"
    "  left_behind TEXT,"
    "  resolved TEXT);"
    "CREATE INDEX task_state ON task(state);"
    "PRAGMA user_version = 4;",
};

#define STORE_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

/* The kinds of inventory object, for messages. */
enum kind { KIND_DC, KIND_CLUSTER, KIND_HOST, KIND_SD };

/* ---- messages ---- */

/* The database's name in messages. */
static const char *
store_name(const struct store *s)
{
    return s->path[0] ? s->path : _("(in memory)");
}

static void
err_corrupt(const char *path, const char *what)
{
    err_set(_("The file '%s' is not a virtdeck database or is damaged (%s). "
              "It was left untouched: move it aside or restore a backup, "
              "and virtdeck will start a new database."), path, what);
}

/* Report a failed SQLite call on s once, by its result code.  Call it
 * before any rollback: rolling back resets sqlite3_errmsg(). */
static void
err_db(const struct store *s, int rc)
{
    const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        err_set(_("The database '%s' is busy (another virtdeck?): try "
                  "again."), store_name(s));
        break;
    case SQLITE_READONLY:
        err_set(_("The database '%s' is read-only: %s."), store_name(s), msg);
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        err_corrupt(store_name(s), msg);
        break;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
            err_set(_("The database '%s' refused the change: other objects "
                      "still refer to this one (%s)."), store_name(s), msg);
            break;
        }
        err_set(_("The database '%s' refused the change: %s."),
                store_name(s), msg);
        break;
    case SQLITE_FULL:
        err_set(_("The database '%s' could not grow: the disk is full (%s)."),
                store_name(s), msg);
        break;
    default:
        err_set(_("The database '%s' failed: %s."), store_name(s), msg);
        break;
    }
}

static void
err_newer(const struct store *s, int version)
{
    err_set(_("The database '%s' has schema version %d, newer than this "
              "virtdeck understands (%d).  It was left untouched: use a "
              "newer virtdeck, or move the file aside."),
            store_name(s), version, STORE_VERSION);
}

static void
err_exists(enum kind k, const char *name)
{
    switch (k) {
    case KIND_DC:
        err_set(_("A data center named '%s' already exists."), name);
        break;
    case KIND_CLUSTER:
        err_set(_("A cluster named '%s' already exists."), name);
        break;
    case KIND_HOST:
        err_set(_("A host named '%s' already exists."), name);
        break;
    case KIND_SD:
        err_set(_("A storage domain named '%s' already exists."), name);
        break;
    }
}

static void
err_missing(enum kind k, const char *name)
{
    switch (k) {
    case KIND_DC:
        err_set(_("There is no data center named '%s'."), name);
        break;
    case KIND_CLUSTER:
        err_set(_("There is no cluster named '%s'."), name);
        break;
    case KIND_HOST:
        err_set(_("There is no host named '%s'."), name);
        break;
    case KIND_SD:
        err_set(_("There is no storage domain named '%s'."), name);
        break;
    }
}

static void
err_no_id(enum kind k, int64_t id)
{
    switch (k) {
    case KIND_DC:
        err_set(_("There is no data center with id '%lld'."), (long long)id);
        break;
    case KIND_CLUSTER:
        err_set(_("There is no cluster with id '%lld'."), (long long)id);
        break;
    case KIND_HOST:
        err_set(_("There is no host with id '%lld'."), (long long)id);
        break;
    case KIND_SD:
        err_set(_("There is no storage domain with id '%lld'."),
                (long long)id);
        break;
    }
}

/* Returns 0 when name is usable, or -1 with err_set().  The engine checks
 * names with valid_name() before they get here; the store only refuses
 * what it cannot store. */
static int
check_name(enum kind k, const char *name)
{
    if (name && *name)
        return 0;
    switch (k) {
    case KIND_DC:
        err_set(_("A data center needs a name."));
        break;
    case KIND_CLUSTER:
        err_set(_("A cluster needs a name."));
        break;
    case KIND_HOST:
        err_set(_("A host needs a name."));
        break;
    case KIND_SD:
        err_set(_("A storage domain needs a name."));
        break;
    }
    return -1;
}

static int
check_writable(const struct store *s)
{
    if (!s->readonly)
        return 0;
    err_set(_("The database '%s' is read-only: it was opened for reading, "
              "so nothing can be changed; open it without read-only mode."),
            store_name(s));
    return -1;
}

/* ---- SQL helpers ---- */

/* Run constant SQL (no values: those go through bind). */
static int
db_exec(struct store *s, const char *sql)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        err_db(s, rc);
        return -1;
    }
    return 0;
}

static int
db_prepare(struct store *s, sqlite3_stmt **st, const char *sql)
{
    int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
    if (rc != SQLITE_OK) {
        err_db(s, rc);
        *st = NULL;
        return -1;
    }
    return 0;
}

/* Bind text, NULL as SQL NULL.  Binding only fails on a programming error
 * (index) or on memory, which both end the statement. */
static int
db_bind_text(struct store *s, sqlite3_stmt *st, int i, const char *v)
{
    int rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT)
               : sqlite3_bind_null(st, i);
    if (rc != SQLITE_OK) {
        err_db(s, rc);
        return -1;
    }
    return 0;
}

static int
db_bind_int(struct store *s, sqlite3_stmt *st, int i, int64_t v)
{
    int rc = sqlite3_bind_int64(st, i, v);
    if (rc != SQLITE_OK) {
        err_db(s, rc);
        return -1;
    }
    return 0;
}

/* A copy of a text column, NULL for SQL NULL. */
static char *
col_text(sqlite3_stmt *st, int i)
{
    return xstrdup((const char *)sqlite3_column_text(st, i));
}

static int
db_begin(struct store *s)
{
    return db_exec(s, "BEGIN IMMEDIATE");
}

static int
db_commit(struct store *s)
{
    return db_exec(s, "COMMIT");
}

/* Undo an open transaction after a failure; the error was reported. */
static void
db_rollback(struct store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Look up an id by name with SQL "SELECT id FROM ... WHERE name = ?1".
 * Returns 1 found, 0 absent (reported as kind k), -1 error. */
static int
lookup_id(struct store *s, enum kind k, const char *sql, const char *name,
          int64_t *id)
{
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;

    if (check_name(k, name) < 0)
        return -1;
    if (db_prepare(s, &st, sql) < 0 || db_bind_text(s, st, 1, name) < 0)
        goto cleanup;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        ret = 1;
    } else if (rc == SQLITE_DONE) {
        err_missing(k, name);
        ret = 0;
    } else {
        err_db(s, rc);
    }

cleanup:
    sqlite3_finalize(st);
    return ret;
}

static int
lookup_dc(struct store *s, const char *name, int64_t *id)
{
    return lookup_id(s, KIND_DC, "SELECT id FROM dc WHERE name = ?1",
                     name, id);
}

static int
lookup_cluster(struct store *s, const char *name, int64_t *id)
{
    return lookup_id(s, KIND_CLUSTER, "SELECT id FROM cluster WHERE name = ?1",
                     name, id);
}

static int
lookup_sd(struct store *s, const char *name, int64_t *id)
{
    return lookup_id(s, KIND_SD,
                     "SELECT id FROM storage_domain WHERE name = ?1", name, id);
}

/* Names from SQL taking one id parameter, ordered, as "a, b, c" (at most
 * STORE_LIST_MAX, then "..."), into *out (owned; NULL when there are
 * none).  Returns 0 or -1 with err_set(). */
static int
list_names(struct store *s, const char *sql, int64_t id, char **out)
{
    struct strbuf b = { 0 };
    sqlite3_stmt *st = NULL;
    unsigned n = 0;
    int ret = -1, rc;

    *out = NULL;
    if (db_prepare(s, &st, sql) < 0 || db_bind_int(s, st, 1, id) < 0)
        goto cleanup;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == STORE_LIST_MAX) {
            sb_add(&b, ", ...");
            break;
        }
        if (n++)
            sb_add(&b, ", ");
        sb_add(&b, (const char *)sqlite3_column_text(st, 0));
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    if (n)
        *out = sb_steal(&b);
    ret = 0;

cleanup:
    sb_free(&b);
    sqlite3_finalize(st);
    return ret;
}

/* Step a statement that returns no rows.  Returns 0 or -1 with err_set()
 * by result code. */
static int
step_done(struct store *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_DONE)
        return 0;
    err_db(s, rc);
    return -1;
}

/* Step an insert or update of an object of kind k called name: a UNIQUE
 * violation is reported as "a kind named name already exists". */
static int
step_write(struct store *s, sqlite3_stmt *st, enum kind k, const char *name)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_DONE)
        return 0;
    if (rc == SQLITE_CONSTRAINT_UNIQUE && name)
        err_exists(k, name);
    else
        err_db(s, rc);
    return -1;
}

/* ---- opening ---- */

/* mkdir -p for the folder holding path; new folders are 0700. */
static int
make_parent(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    int ret = -1;

    if (!slash || slash == dir) {
        ret = 0;
        goto cleanup;
    }
    *slash = '\0';
    for (char *p = dir + 1; ; p++) {
        struct stat sb;
        char c = *p;

        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
            err_set(_("Could not create the folder '%s' for the database: "
                      "%s."), dir, strerror(errno));
            goto cleanup;
        }
        if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
            err_set(_("Could not create the folder '%s' for the database: "
                      "a file of that name is in the way."), dir);
            goto cleanup;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    ret = 0;

cleanup:
    free(dir);
    return ret;
}

/* Create an empty file 0600 so SQLite never creates it with the umask's
 * mode (its -wal and -shm files copy the database file's mode).  Another
 * process creating it first is fine. */
static int
create_file(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                  0600);

    if (fd < 0) {
        if (errno == EEXIST)
            return 0;
        err_set(_("Could not create the database '%s': %s."), path,
                strerror(errno));
        return -1;
    }
    if (fchmod(fd, 0600) < 0) {
        err_set(_("Could not set the mode of the database '%s': %s."), path,
                strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* Read PRAGMA user_version.  This is the first read of the file, so a
 * file that is not a database fails here. */
static int
read_version(struct store *s, int *version)
{
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;

    if (db_prepare(s, &st, "PRAGMA user_version") < 0)
        goto cleanup;
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        err_db(s, rc);
        goto cleanup;
    }
    *version = sqlite3_column_int(st, 0);
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* PRAGMA quick_check: pages, records and indexes are well formed.  It
 * only reads, so a damaged file stays as it is. */
static int
check_integrity(struct store *s)
{
    sqlite3_stmt *st = NULL;
    const char *res;
    int ret = -1, rc;

    if (db_prepare(s, &st, "PRAGMA quick_check(1)") < 0)
        goto cleanup;
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        err_db(s, rc);
        goto cleanup;
    }
    res = (const char *)sqlite3_column_text(st, 0);
    if (!streq(res, "ok")) {
        err_corrupt(store_name(s), res ? res : "?");
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* Bring the schema from its version up to STORE_VERSION in one
 * transaction.  The version is read again under the write lock: another
 * virtdeck may have migrated the file meanwhile. */
static int
migrate(struct store *s)
{
    int version;

    if (db_begin(s) < 0)
        return -1;
    if (read_version(s, &version) < 0)
        goto fail;
    if (version > STORE_VERSION) {
        err_newer(s, version);
        goto fail;
    }
    for (int v = version; v < STORE_VERSION; v++) {
        if (db_exec(s, migrations[v]) < 0)
            goto fail;
    }
    if (db_commit(s) < 0)
        goto fail;
    return 0;

fail:
    db_rollback(s);
    return -1;
}

/* The checks and set-up of a freshly opened connection, in an order that
 * writes nothing until the file is known to be a sound database of a
 * version we understand. */
static int
store_setup(struct store *s, bool memory)
{
    int version;
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;

    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
    if (read_version(s, &version) < 0 || check_integrity(s) < 0)
        goto cleanup;
    if (version > STORE_VERSION) {
        err_newer(s, version);
        goto cleanup;
    }
    if (db_exec(s, "PRAGMA foreign_keys = ON") < 0)
        goto cleanup;
    if (s->readonly) {
        if (version < STORE_VERSION) {
            err_set(_("The database '%s' is read-only and has an older "
                      "schema (version %d, this virtdeck needs %d): open it "
                      "once without read-only mode to upgrade it."),
                    store_name(s), version, STORE_VERSION);
            goto cleanup;
        }
        ret = 0;
        goto cleanup;
    }
    if (!memory) {
        /* WAL lets readers and one writer work at once; the mode is kept
         * in the file, so this is a no-op after the first time. */
        if (db_prepare(s, &st, "PRAGMA journal_mode = WAL") < 0)
            goto cleanup;
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW) {
            err_db(s, rc);
            goto cleanup;
        }
        /* Without shared memory (some network file systems) SQLite
         * keeps the rollback journal: still safe with the busy timeout
         * and BEGIN IMMEDIATE, only readers wait for writers. */
        if (!streq((const char *)sqlite3_column_text(st, 0), "wal"))
            log_warn("%s: journal mode stays '%s', not 'wal'", s->path,
                     (const char *)sqlite3_column_text(st, 0));
        /* Finish the statement now: while it is open it holds a lock on
         * the file, and the migration below would wait for it. */
        sqlite3_finalize(st);
        st = NULL;
    }
    if (version < STORE_VERSION && migrate(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* Open or create the database at path and bring its schema up to date.
 * flags: STORE_CREATE creates the file 0600 (and missing folders 0700);
 * STORE_MEMORY opens a private in-memory database and ignores path and
 * the other flags; STORE_READONLY opens for reading (the schema must
 * already be current).  Returns an owned handle for store_free(), or NULL
 * with err_set(); a file that fails the checks is never modified. */
struct store *
store_open(const char *path, unsigned flags)
{
    struct store *s = xcalloc(1, sizeof(*s));
    bool memory = flags & STORE_MEMORY;
    int oflags, rc;

    if (memory) {
        s->path = xstrdup("");
        oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                 SQLITE_OPEN_MEMORY;
    } else {
        if (!path || !*path) {
            err_set(_("No database file was given."));
            goto fail;
        }
        s->path = xstrdup(path);
        s->readonly = flags & STORE_READONLY;
        if (!store_file_exists(path)) {
            if (!(flags & STORE_CREATE) || s->readonly) {
                err_set(_("The database '%s' does not exist."), path);
                goto fail;
            }
            if (make_parent(path) < 0 || create_file(path) < 0)
                goto fail;
        }
        /* Never SQLITE_OPEN_CREATE here: the file exists (created above
         * with the right mode), and must not be replaced if it vanished. */
        oflags = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    }
    rc = sqlite3_open_v2(memory ? ":memory:" : path, &s->db, oflags, NULL);
    if (rc != SQLITE_OK) {
        if (s->db)
            err_set(_("Could not open the database '%s': %s."),
                    store_name(s), sqlite3_errmsg(s->db));
        else
            err_set(_("Could not open the database '%s': %s."),
                    store_name(s), sqlite3_errstr(rc));
        goto fail;
    }
    if (store_setup(s, memory) < 0)
        goto fail;
    return s;

fail:
    store_free(&s);
    return NULL;
}

/* Close the database and free s; takes NULL and clears the pointer. */
void
store_free(struct store **sp)
{
    struct store *s = *sp;

    if (!s)
        return;
    sqlite3_close(s->db);
    free(s->path);
    free(s);
    *sp = NULL;
}

/* The path given to store_open(), "" for memory.  Borrowed, valid while
 * s lives. */
const char *
store_path(const struct store *s)
{
    return s->path;
}

/* True when path names an existing file (false: nothing was ever added,
 * so the caller may offer to create or fill it). */
bool
store_file_exists(const char *path)
{
    struct stat sb;
    return path && stat(path, &sb) == 0;
}

/* The default database path: $XDG_DATA_HOME/virtdeck/virtdeck.db, or
 * ~/.local/share/virtdeck/virtdeck.db (XDG ignores a relative
 * $XDG_DATA_HOME).  Owned by the caller; NULL with err_set() when there
 * is no home folder. */
char *
store_default_path(void)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");

    if (xdg && xdg[0] == '/')
        return xasprintf("%s/virtdeck/virtdeck.db", xdg);
    if (!home || !*home) {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home || !*home) {
        err_set(_("There is no home folder to keep the database in: set "
                  "HOME or XDG_DATA_HOME, or give a database file."));
        return NULL;
    }
    return xasprintf("%s/.local/share/virtdeck/virtdeck.db", home);
}

/* ---- loading ---- */

static int
load_dcs(struct store *s, struct model *m)
{
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;

    if (db_prepare(s, &st, "SELECT id, name, description FROM dc "
                           "ORDER BY name") < 0)
        goto cleanup;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        model_dc_add(m, sqlite3_column_int64(st, 0),
                     (const char *)sqlite3_column_text(st, 1),
                     (const char *)sqlite3_column_text(st, 2));
    }
    if (rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

static int
load_clusters(struct store *s, struct model *m)
{
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;

    if (db_prepare(s, &st, "SELECT id, dc_id, name, description, "
                           "mig_bandwidth, mig_max_downtime, mig_auto_converge, "
                           "mig_postcopy, mig_timeout, mig_timeout_action "
                           "FROM cluster ORDER BY name") < 0)
        goto cleanup;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct cluster *c = model_cluster_add(
            m, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
            (const char *)sqlite3_column_text(st, 2),
            (const char *)sqlite3_column_text(st, 3));
        c->mig.bandwidth_mibs = (unsigned long)sqlite3_column_int64(st, 4);
        c->mig.max_downtime_ms = (unsigned long long)sqlite3_column_int64(st, 5);
        c->mig.auto_converge = sqlite3_column_int(st, 6) != 0;
        c->mig.postcopy = sqlite3_column_int(st, 7) != 0;
        c->mig.timeout_s = (unsigned)sqlite3_column_int64(st, 8);
        if (mig_timeout_action_parse((const char *)sqlite3_column_text(st, 9),
                                     &c->mig.timeout_action) < 0)
            c->mig.timeout_action = MIG_TIMEOUT_ABORT;
    }
    if (rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

static int
load_hosts(struct store *s, struct model *m)
{
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;

    if (db_prepare(s, &st, "SELECT id, cluster_id, name, uri, maintenance, "
                           "maintenance_reason, spm_priority FROM host "
                           "ORDER BY name") < 0)
        goto cleanup;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct host *h;

        h = model_host_add(m, sqlite3_column_int64(st, 0),
                           sqlite3_column_int64(st, 1),
                           (const char *)sqlite3_column_text(st, 2),
                           (const char *)sqlite3_column_text(st, 3));
        h->maintenance = sqlite3_column_int(st, 4) != 0;
        free(h->reason);
        h->reason = col_text(st, 5);
        h->spm_priority = sqlite3_column_int(st, 6);
    }
    if (rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

static int
load_sds(struct store *s, struct model *m)
{
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;

    if (db_prepare(s, &st, "SELECT id, name, role, backend, address, path, "
                           "luns, chap_user FROM storage_domain ORDER BY name") < 0)
        goto cleanup;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *role_s = (const char *)sqlite3_column_text(st, 2);
        const char *backend_s = (const char *)sqlite3_column_text(st, 3);
        enum sd_role role;
        enum sd_backend backend;

        if (sd_role_parse(role_s, &role) < 0) {
            err_set(_("The database '%s' gives the storage domain '%s' an "
                      "unknown role '%s'."), store_name(s), name,
                    role_s ? role_s : "");
            goto cleanup;
        }
        if (sd_backend_parse(backend_s, &backend) < 0) {
            err_set(_("The database '%s' gives the storage domain '%s' an "
                      "unknown backend '%s'."), store_name(s), name,
                    backend_s ? backend_s : "");
            goto cleanup;
        }
        {
            struct sd *sd = model_sd_add(m, sqlite3_column_int64(st, 0), name,
                                         role, backend,
                                         (const char *)sqlite3_column_text(st, 4),
                                         (const char *)sqlite3_column_text(st, 5));
            sd->luns = col_text(st, 6);
            sd->chap_user = col_text(st, 7);
        }
    }
    if (rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    sqlite3_finalize(st);
    st = NULL;

    if (db_prepare(s, &st, "SELECT s.name, a.dc_id, a.active FROM sd_dc a "
                           "JOIN storage_domain s ON s.id = a.sd_id "
                           "ORDER BY s.name, a.dc_id") < 0)
        goto cleanup;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sd *sd = model_sd_by_name(m,
                            (const char *)sqlite3_column_text(st, 0));
        if (sd) {
            model_sd_attach(sd, sqlite3_column_int64(st, 1));
            model_sd_att(sd, sqlite3_column_int64(st, 1))->active =
                sqlite3_column_int(st, 2) != 0;
        }
    }
    if (rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* Fill an empty model with the data centers, clusters, hosts (with their
 * maintenance flag and reason) and storage domains (with their
 * attachments), each kind ordered by name, from one consistent snapshot.
 * The audit log stays in the store.  Returns 0 or -1 with err_set(); on
 * failure the model may hold part of the inventory. */
int
store_load(struct store *s, struct model *m)
{
    int ret = -1;

    if (db_exec(s, "BEGIN") < 0)
        return -1;
    if (load_dcs(s, m) < 0 || load_clusters(s, m) < 0 ||
        load_hosts(s, m) < 0 || load_sds(s, m) < 0)
        goto cleanup;
    if (db_commit(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    db_rollback(s);
    return ret;
}

/* Set *empty to whether the inventory has no data center.  Returns 0 or
 * -1 with err_set(). */
int
store_is_empty(struct store *s, bool *empty)
{
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;

    if (db_prepare(s, &st, "SELECT EXISTS (SELECT 1 FROM dc)") < 0)
        goto cleanup;
    rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        err_db(s, rc);
        goto cleanup;
    }
    *empty = sqlite3_column_int(st, 0) == 0;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* ---- data centers ---- */

/* Add a data center; description may be NULL.  *id_out (may be NULL)
 * gets its id.  Returns 0 or -1 with err_set() (duplicate name, ...). */
int
store_dc_add(struct store *s, const char *name, const char *description,
             int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    int ret = -1;

    if (check_writable(s) < 0 || check_name(KIND_DC, name) < 0)
        return -1;
    if (db_prepare(s, &st, "INSERT INTO dc (name, description) "
                           "VALUES (?1, ?2)") < 0 ||
        db_bind_text(s, st, 1, name) < 0 ||
        db_bind_text(s, st, 2, description) < 0 ||
        step_write(s, st, KIND_DC, name) < 0)
        goto cleanup;
    if (id_out)
        *id_out = sqlite3_last_insert_rowid(s->db);
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* Rename a data center and set its description.  name NULL keeps the
 * name; description is set as given (NULL clears it).  Returns 0 or -1
 * with err_set(). */
int
store_dc_update(struct store *s, int64_t id, const char *name,
                const char *description)
{
    sqlite3_stmt *st = NULL;
    int ret = -1;

    if (check_writable(s) < 0 || (name && check_name(KIND_DC, name) < 0))
        return -1;
    if (db_prepare(s, &st, "UPDATE dc SET name = coalesce(?1, name), "
                           "description = ?2 WHERE id = ?3") < 0 ||
        db_bind_text(s, st, 1, name) < 0 ||
        db_bind_text(s, st, 2, description) < 0 ||
        db_bind_int(s, st, 3, id) < 0 ||
        step_write(s, st, KIND_DC, name) < 0)
        goto cleanup;
    if (sqlite3_changes(s->db) == 0) {
        err_no_id(KIND_DC, id);
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* Remove a data center.  Refused while it has clusters or attached
 * storage domains; the message names them.  Returns 0 or -1 with
 * err_set(). */
int
store_dc_remove(struct store *s, const char *name)
{
    sqlite3_stmt *st = NULL;
    char *names = NULL;
    int64_t id;
    int ret = -1;

    if (check_writable(s) < 0 || check_name(KIND_DC, name) < 0)
        return -1;
    if (db_begin(s) < 0)
        return -1;
    if (lookup_dc(s, name, &id) <= 0)
        goto cleanup;
    if (list_names(s, "SELECT name FROM cluster WHERE dc_id = ?1 "
                      "ORDER BY name", id, &names) < 0)
        goto cleanup;
    if (names) {
        err_set(_("The data center '%s' still has clusters (%s): remove "
                  "them first."), name, names);
        goto cleanup;
    }
    if (list_names(s, "SELECT s.name FROM sd_dc a JOIN storage_domain s "
                      "ON s.id = a.sd_id WHERE a.dc_id = ?1 ORDER BY s.name",
                   id, &names) < 0)
        goto cleanup;
    if (names) {
        err_set(_("The data center '%s' still has storage domains attached "
                  "(%s): detach them first."), name, names);
        goto cleanup;
    }
    if (db_prepare(s, &st, "DELETE FROM dc WHERE id = ?1") < 0 ||
        db_bind_int(s, st, 1, id) < 0 ||
        step_done(s, st) < 0)
        goto cleanup;
    if (db_commit(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    free(names);
    db_rollback(s);
    return ret;
}

/* ---- clusters ---- */

/* Add a cluster to the data center dc_name; description may be NULL.
 * *id_out (may be NULL) gets its id.  Returns 0 or -1 with err_set(). */
int
store_cluster_add(struct store *s, const char *name, const char *dc_name,
                  const char *description, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    int64_t dc_id;
    int ret = -1;

    if (check_writable(s) < 0 || check_name(KIND_CLUSTER, name) < 0)
        return -1;
    if (db_begin(s) < 0)
        return -1;
    if (lookup_dc(s, dc_name, &dc_id) <= 0)
        goto cleanup;
    if (db_prepare(s, &st, "INSERT INTO cluster (dc_id, name, description) "
                           "VALUES (?1, ?2, ?3)") < 0 ||
        db_bind_int(s, st, 1, dc_id) < 0 ||
        db_bind_text(s, st, 2, name) < 0 ||
        db_bind_text(s, st, 3, description) < 0 ||
        step_write(s, st, KIND_CLUSTER, name) < 0)
        goto cleanup;
    if (id_out)
        *id_out = sqlite3_last_insert_rowid(s->db);
    if (db_commit(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    db_rollback(s);
    return ret;
}

/* Rename a cluster, move it to another data center and set its
 * description.  name and dc_name NULL keep the current value; description
 * is set as given (NULL clears it).  Returns 0 or -1 with err_set(). */
int
store_cluster_update(struct store *s, int64_t id, const char *name,
                     const char *dc_name, const char *description)
{
    sqlite3_stmt *st = NULL;
    int64_t dc_id = 0;
    int ret = -1;

    if (check_writable(s) < 0 || (name && check_name(KIND_CLUSTER, name) < 0))
        return -1;
    if (db_begin(s) < 0)
        return -1;
    if (dc_name && lookup_dc(s, dc_name, &dc_id) <= 0)
        goto cleanup;
    if (db_prepare(s, &st, "UPDATE cluster SET name = coalesce(?1, name), "
                           "dc_id = coalesce(?2, dc_id), description = ?3 "
                           "WHERE id = ?4") < 0 ||
        db_bind_text(s, st, 1, name) < 0)
        goto cleanup;
    if (dc_name ? db_bind_int(s, st, 2, dc_id) < 0
                : db_bind_text(s, st, 2, NULL) < 0)
        goto cleanup;
    if (db_bind_text(s, st, 3, description) < 0 ||
        db_bind_int(s, st, 4, id) < 0 ||
        step_write(s, st, KIND_CLUSTER, name) < 0)
        goto cleanup;
    if (sqlite3_changes(s->db) == 0) {
        err_no_id(KIND_CLUSTER, id);
        goto cleanup;
    }
    if (db_commit(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    db_rollback(s);
    return ret;
}

/* Remove a cluster.  Refused while it has hosts; the message names them.
 * Returns 0 or -1 with err_set(). */
/* Set a cluster's live-migration defaults.  0 or -1 with err_set(). */
int
store_cluster_set_migration(struct store *s, const char *name,
                            const struct migrate_opts *o)
{
    sqlite3_stmt *st = NULL;
    int64_t id;
    int ret = -1;

    if (check_writable(s) < 0 || lookup_cluster(s, name, &id) < 0)
        return -1;
    if (db_prepare(s, &st, "UPDATE cluster SET mig_bandwidth = ?1, "
                           "mig_max_downtime = ?2, mig_auto_converge = ?3, "
                           "mig_postcopy = ?4, mig_timeout = ?5, "
                           "mig_timeout_action = ?6 WHERE id = ?7") < 0 ||
        db_bind_int(s, st, 1, (int64_t)o->bandwidth_mibs) < 0 ||
        db_bind_int(s, st, 2, (int64_t)o->max_downtime_ms) < 0 ||
        db_bind_int(s, st, 3, o->auto_converge) < 0 ||
        db_bind_int(s, st, 4, o->postcopy) < 0 ||
        db_bind_int(s, st, 5, o->timeout_s) < 0 ||
        db_bind_text(s, st, 6, mig_timeout_action_name(o->timeout_action)) < 0 ||
        db_bind_int(s, st, 7, id) < 0 ||
        step_done(s, st) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

int
store_cluster_remove(struct store *s, const char *name)
{
    sqlite3_stmt *st = NULL;
    char *names = NULL;
    int64_t id;
    int ret = -1;

    if (check_writable(s) < 0 || check_name(KIND_CLUSTER, name) < 0)
        return -1;
    if (db_begin(s) < 0)
        return -1;
    if (lookup_cluster(s, name, &id) <= 0)
        goto cleanup;
    if (list_names(s, "SELECT name FROM host WHERE cluster_id = ?1 "
                      "ORDER BY name", id, &names) < 0)
        goto cleanup;
    if (names) {
        err_set(_("The cluster '%s' still has hosts (%s): remove them "
                  "first."), name, names);
        goto cleanup;
    }
    if (db_prepare(s, &st, "DELETE FROM cluster WHERE id = ?1") < 0 ||
        db_bind_int(s, st, 1, id) < 0 ||
        step_done(s, st) < 0)
        goto cleanup;
    if (db_commit(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    free(names);
    db_rollback(s);
    return ret;
}

/* ---- hosts ---- */

/* Add a host with libvirt URI uri to the cluster cluster_name, out of
 * maintenance.  *id_out (may be NULL) gets its id.  Returns 0 or -1 with
 * err_set(). */
int
store_host_add(struct store *s, const char *name, const char *uri,
               const char *cluster_name, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    int64_t cluster_id;
    int ret = -1;

    if (check_writable(s) < 0 || check_name(KIND_HOST, name) < 0)
        return -1;
    if (!uri || !*uri) {
        err_set(_("The host '%s' needs a libvirt URI."), name);
        return -1;
    }
    if (db_begin(s) < 0)
        return -1;
    if (lookup_cluster(s, cluster_name, &cluster_id) <= 0)
        goto cleanup;
    if (db_prepare(s, &st, "INSERT INTO host (cluster_id, name, uri) "
                           "VALUES (?1, ?2, ?3)") < 0 ||
        db_bind_int(s, st, 1, cluster_id) < 0 ||
        db_bind_text(s, st, 2, name) < 0 ||
        db_bind_text(s, st, 3, uri) < 0 ||
        step_write(s, st, KIND_HOST, name) < 0)
        goto cleanup;
    if (id_out)
        *id_out = sqlite3_last_insert_rowid(s->db);
    if (db_commit(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    db_rollback(s);
    return ret;
}

/* Rename a host, change its URI or move it to another cluster; each of
 * name, uri and cluster_name NULL keeps the current value.  Returns 0 or
 * -1 with err_set(). */
int
store_host_update(struct store *s, int64_t id, const char *name,
                  const char *uri, const char *cluster_name)
{
    sqlite3_stmt *st = NULL;
    int64_t cluster_id = 0;
    int ret = -1;

    if (check_writable(s) < 0 || (name && check_name(KIND_HOST, name) < 0))
        return -1;
    if (uri && !*uri) {
        err_set(_("The host '%s' needs a libvirt URI."), name ? name : "");
        return -1;
    }
    if (db_begin(s) < 0)
        return -1;
    if (cluster_name && lookup_cluster(s, cluster_name, &cluster_id) <= 0)
        goto cleanup;
    if (db_prepare(s, &st, "UPDATE host SET name = coalesce(?1, name), "
                           "uri = coalesce(?2, uri), "
                           "cluster_id = coalesce(?3, cluster_id) "
                           "WHERE id = ?4") < 0 ||
        db_bind_text(s, st, 1, name) < 0 ||
        db_bind_text(s, st, 2, uri) < 0)
        goto cleanup;
    if (cluster_name ? db_bind_int(s, st, 3, cluster_id) < 0
                     : db_bind_text(s, st, 3, NULL) < 0)
        goto cleanup;
    if (db_bind_int(s, st, 4, id) < 0 ||
        step_write(s, st, KIND_HOST, name) < 0)
        goto cleanup;
    if (sqlite3_changes(s->db) == 0) {
        err_no_id(KIND_HOST, id);
        goto cleanup;
    }
    if (db_commit(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    db_rollback(s);
    return ret;
}

/* Put a host in maintenance (on, with reason, which may be NULL) or take
 * it out (the reason is cleared).  Returns 0 or -1 with err_set(). */
int
store_host_set_maintenance(struct store *s, int64_t id, bool on,
                           const char *reason)
{
    sqlite3_stmt *st = NULL;
    int ret = -1;

    if (check_writable(s) < 0)
        return -1;
    if (db_prepare(s, &st, "UPDATE host SET maintenance = ?1, "
                           "maintenance_reason = ?2 WHERE id = ?3") < 0 ||
        db_bind_int(s, st, 1, on ? 1 : 0) < 0 ||
        db_bind_text(s, st, 2, on ? reason : NULL) < 0 ||
        db_bind_int(s, st, 3, id) < 0 ||
        step_done(s, st) < 0)
        goto cleanup;
    if (sqlite3_changes(s->db) == 0) {
        err_no_id(KIND_HOST, id);
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* Remove a host.  Whether it still runs VMs is for the caller to check.
 * Returns 0 or -1 with err_set(). */
int
store_host_remove(struct store *s, const char *name)
{
    sqlite3_stmt *st = NULL;
    int ret = -1;

    if (check_writable(s) < 0 || check_name(KIND_HOST, name) < 0)
        return -1;
    if (db_prepare(s, &st, "DELETE FROM host WHERE name = ?1") < 0 ||
        db_bind_text(s, st, 1, name) < 0 ||
        step_done(s, st) < 0)
        goto cleanup;
    if (sqlite3_changes(s->db) == 0) {
        err_missing(KIND_HOST, name);
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* ---- storage domains ---- */

/* Add a storage domain, attached to no data center.  address is the NFS
 * server or iSCSI portal, path the export or target IQN (either may be
 * NULL).  *id_out (may be NULL) gets its id.  Returns 0 or -1 with
 * err_set(). */
int
store_sd_add(struct store *s, const char *name, enum sd_role role,
             enum sd_backend backend, const char *address,
             const char *path, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    enum sd_role r;
    enum sd_backend b;
    int ret = -1;

    if (check_writable(s) < 0 || check_name(KIND_SD, name) < 0)
        return -1;
    if (sd_role_parse(sd_role_name(role), &r) < 0) {
        err_set(_("The storage domain '%s' has an unknown role (%d)."),
                name, (int)role);
        return -1;
    }
    if (sd_backend_parse(sd_backend_name(backend), &b) < 0) {
        err_set(_("The storage domain '%s' has an unknown backend (%d)."),
                name, (int)backend);
        return -1;
    }
    if (db_prepare(s, &st, "INSERT INTO storage_domain "
                           "(name, role, backend, address, path) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)") < 0 ||
        db_bind_text(s, st, 1, name) < 0 ||
        db_bind_text(s, st, 2, sd_role_name(role)) < 0 ||
        db_bind_text(s, st, 3, sd_backend_name(backend)) < 0 ||
        db_bind_text(s, st, 4, address) < 0 ||
        db_bind_text(s, st, 5, path) < 0 ||
        step_write(s, st, KIND_SD, name) < 0)
        goto cleanup;
    if (id_out)
        *id_out = sqlite3_last_insert_rowid(s->db);
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* Attach the storage domain sd_name to the data center dc_name.  Returns
 * 0 or -1 with err_set() (either missing, or already attached). */
int
store_sd_attach(struct store *s, const char *sd_name, const char *dc_name)
{
    sqlite3_stmt *st = NULL;
    int64_t sd_id, dc_id;
    int ret = -1, rc;

    if (check_writable(s) < 0)
        return -1;
    if (db_begin(s) < 0)
        return -1;
    if (lookup_sd(s, sd_name, &sd_id) <= 0 ||
        lookup_dc(s, dc_name, &dc_id) <= 0)
        goto cleanup;
    if (db_prepare(s, &st, "INSERT INTO sd_dc (sd_id, dc_id) "
                           "VALUES (?1, ?2)") < 0 ||
        db_bind_int(s, st, 1, sd_id) < 0 ||
        db_bind_int(s, st, 2, dc_id) < 0)
        goto cleanup;
    rc = sqlite3_step(st);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
        err_set(_("The storage domain '%s' is already attached to the data "
                  "center '%s'."), sd_name, dc_name);
        goto cleanup;
    }
    if (rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    if (db_commit(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    db_rollback(s);
    return ret;
}

/* Detach the storage domain sd_name from the data center dc_name.
 * Returns 0 or -1 with err_set() (either missing, or not attached). */
int
store_sd_detach(struct store *s, const char *sd_name, const char *dc_name)
{
    sqlite3_stmt *st = NULL;
    int64_t sd_id, dc_id;
    int ret = -1;

    if (check_writable(s) < 0)
        return -1;
    if (db_begin(s) < 0)
        return -1;
    if (lookup_sd(s, sd_name, &sd_id) <= 0 ||
        lookup_dc(s, dc_name, &dc_id) <= 0)
        goto cleanup;
    if (db_prepare(s, &st, "DELETE FROM sd_dc "
                           "WHERE sd_id = ?1 AND dc_id = ?2") < 0 ||
        db_bind_int(s, st, 1, sd_id) < 0 ||
        db_bind_int(s, st, 2, dc_id) < 0 ||
        step_done(s, st) < 0)
        goto cleanup;
    if (sqlite3_changes(s->db) == 0) {
        err_set(_("The storage domain '%s' is not attached to the data "
                  "center '%s'."), sd_name, dc_name);
        goto cleanup;
    }
    if (db_commit(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    db_rollback(s);
    return ret;
}

/* Remove a storage domain.  Refused while it is attached to a data
 * center; the message names them.  Returns 0 or -1 with err_set(). */
int
store_sd_remove(struct store *s, const char *name)
{
    sqlite3_stmt *st = NULL;
    char *names = NULL;
    int64_t id;
    int ret = -1;

    if (check_writable(s) < 0 || check_name(KIND_SD, name) < 0)
        return -1;
    if (db_begin(s) < 0)
        return -1;
    if (lookup_sd(s, name, &id) <= 0)
        goto cleanup;
    if (list_names(s, "SELECT d.name FROM sd_dc a JOIN dc d "
                      "ON d.id = a.dc_id WHERE a.sd_id = ?1 ORDER BY d.name",
                   id, &names) < 0)
        goto cleanup;
    if (names) {
        err_set(_("The storage domain '%s' is still attached to data "
                  "centers (%s): detach it first."), name, names);
        goto cleanup;
    }
    if (db_prepare(s, &st, "DELETE FROM storage_domain WHERE id = ?1") < 0 ||
        db_bind_int(s, st, 1, id) < 0 ||
        step_done(s, st) < 0)
        goto cleanup;
    if (db_commit(s) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    free(names);
    db_rollback(s);
    return ret;
}

/* ---- audit log ---- */

/* Append an audit entry.  a->time 0 becomes now; a->id is set to the new
 * entry's id (any id passed in is ignored).  The strings stay the
 * caller's.  Returns 0 or -1 with err_set(). */
int
store_audit_add(struct store *s, struct audit *a)
{
    sqlite3_stmt *st = NULL;
    int ret = -1;

    if (check_writable(s) < 0)
        return -1;
    if (!a->time)
        a->time = time(NULL);
    if (db_prepare(s, &st, "INSERT INTO audit (time, user, object, action, "
                           "result, message) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6)") < 0 ||
        db_bind_int(s, st, 1, (int64_t)a->time) < 0 ||
        db_bind_text(s, st, 2, a->user) < 0 ||
        db_bind_text(s, st, 3, a->object) < 0 ||
        db_bind_text(s, st, 4, a->action) < 0 ||
        db_bind_text(s, st, 5, a->result) < 0 ||
        db_bind_text(s, st, 6, a->message) < 0 ||
        step_done(s, st) < 0)
        goto cleanup;
    a->id = sqlite3_last_insert_rowid(s->db);
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* Hand fn the audit entries with time >= since, oldest first (by time,
 * then id), stopping after limit entries (0: no limit): the first limit
 * entries from since, so a caller pages forward by passing the time of
 * the last entry it saw.  Each entry is newly allocated and owned by fn
 * (audit_free()).  Returns 0 or -1 with err_set(); entries handed over
 * before a failure stay handed over. */
int
store_audit_list(struct store *s, time_t since, unsigned limit,
                 void (*fn)(struct audit *a, void *opaque), void *opaque)
{
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;

    if (db_prepare(s, &st, "SELECT id, time, user, object, action, result, "
                           "message FROM audit WHERE time >= ?1 "
                           "ORDER BY time, id LIMIT ?2") < 0 ||
        db_bind_int(s, st, 1, (int64_t)since) < 0 ||
        db_bind_int(s, st, 2, limit ? (int64_t)limit : -1) < 0)
        goto cleanup;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct audit *a = xcalloc(1, sizeof(*a));

        a->id = sqlite3_column_int64(st, 0);
        a->time = (time_t)sqlite3_column_int64(st, 1);
        a->user = col_text(st, 2);
        a->object = col_text(st, 3);
        a->action = col_text(st, 4);
        a->result = col_text(st, 5);
        a->message = col_text(st, 6);
        fn(a, opaque);
    }
    if (rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* ---- storage domain status, iSCSI details, SPM priority, disks ---- */

/* Set the attachment of a domain to a data center Active or Maintenance. */
int
store_sd_set_active(struct store *s, const char *sd_name, const char *dc_name,
                    bool active)
{
    sqlite3_stmt *st = NULL;
    int64_t sd_id, dc_id;
    int ret = -1;

    if (check_writable(s) < 0 || lookup_sd(s, sd_name, &sd_id) < 0 ||
        lookup_dc(s, dc_name, &dc_id) < 0)
        return -1;
    if (db_prepare(s, &st, "UPDATE sd_dc SET active = ?1 WHERE sd_id = ?2 "
                           "AND dc_id = ?3") < 0 ||
        db_bind_int(s, st, 1, active) < 0 || db_bind_int(s, st, 2, sd_id) < 0 ||
        db_bind_int(s, st, 3, dc_id) < 0 || step_done(s, st) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* Record an iSCSI domain's LUNs ("0,1") and CHAP user (may be NULL). */
int
store_sd_set_iscsi(struct store *s, const char *sd_name, const char *luns,
                   const char *chap_user)
{
    sqlite3_stmt *st = NULL;
    int64_t sd_id;
    int ret = -1;

    if (check_writable(s) < 0 || lookup_sd(s, sd_name, &sd_id) < 0)
        return -1;
    if (db_prepare(s, &st, "UPDATE storage_domain SET luns = ?1, chap_user = ?2 "
                           "WHERE id = ?3") < 0 ||
        db_bind_text(s, st, 1, luns) < 0 || db_bind_text(s, st, 2, chap_user) < 0 ||
        db_bind_int(s, st, 3, sd_id) < 0 || step_done(s, st) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

int
store_host_set_spm_priority(struct store *s, int64_t host_id, int priority)
{
    sqlite3_stmt *st = NULL;
    int ret = -1;

    if (check_writable(s) < 0)
        return -1;
    if (db_prepare(s, &st, "UPDATE host SET spm_priority = ?1 WHERE id = ?2") < 0 ||
        db_bind_int(s, st, 1, priority) < 0 || db_bind_int(s, st, 2, host_id) < 0 ||
        step_done(s, st) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* ---- tasks ---- */

/* Write t: a new row owned by this process when t->db_id is 0 (then set),
 * else its state, end, progress, message, leftovers and resolution.  Host
 * names come from t->src_name / t->dst_name.  0 or -1 with err_set(). */
int
store_task_save(struct store *s, struct task *t)
{
    sqlite3_stmt *st = NULL;
    char *left = task_left_join(t);
    int ret = -1;

    if (check_writable(s) < 0)
        goto cleanup;
    if (!t->db_id) {
        struct procid me;
        procid_self(&me);
        if (db_prepare(s, &st, "INSERT INTO task (kind, object, vm_uuid, "
                               "src_host, dst_host, state, started, ended, "
                               "percent, message, owner_pid, owner_boot, "
                               "owner_start, left_behind, resolved) VALUES "
                               "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                               "?11, ?12, ?13, ?14, ?15)") < 0 ||
            db_bind_text(s, st, 1, task_kind_key(t->kind)) < 0 ||
            db_bind_text(s, st, 2, t->object) < 0 ||
            db_bind_text(s, st, 3, t->vm_uuid[0] ? t->vm_uuid : NULL) < 0 ||
            db_bind_text(s, st, 4, t->src_name) < 0 ||
            db_bind_text(s, st, 5, t->dst_name) < 0 ||
            db_bind_text(s, st, 6, task_state_name(t->state)) < 0 ||
            db_bind_int(s, st, 7, (int64_t)t->started) < 0 ||
            (t->ended ? db_bind_int(s, st, 8, (int64_t)t->ended) : 0) < 0 ||
            sqlite3_bind_double(st, 9, t->percent) != SQLITE_OK ||
            db_bind_text(s, st, 10, t->message) < 0 ||
            db_bind_int(s, st, 11, me.pid) < 0 ||
            db_bind_text(s, st, 12, me.boot) < 0 ||
            db_bind_int(s, st, 13, (int64_t)me.start) < 0 ||
            db_bind_text(s, st, 14, left) < 0 ||
            db_bind_text(s, st, 15, t->resolved) < 0 ||
            step_done(s, st) < 0)
            goto cleanup;
        t->db_id = sqlite3_last_insert_rowid(s->db);
        t->owner_pid = me.pid;
    } else {
        if (db_prepare(s, &st, "UPDATE task SET state = ?1, ended = ?2, "
                               "percent = ?3, message = ?4, "
                               "left_behind = ?5, resolved = ?6, "
                               "src_host = ?7, dst_host = ?8 "
                               "WHERE id = ?9") < 0 ||
            db_bind_text(s, st, 1, task_state_name(t->state)) < 0 ||
            (t->ended ? db_bind_int(s, st, 2, (int64_t)t->ended) : 0) < 0 ||
            sqlite3_bind_double(st, 3, t->percent) != SQLITE_OK ||
            db_bind_text(s, st, 4, t->message) < 0 ||
            db_bind_text(s, st, 5, left) < 0 ||
            db_bind_text(s, st, 6, t->resolved) < 0 ||
            db_bind_text(s, st, 7, t->src_name) < 0 ||
            db_bind_text(s, st, 8, t->dst_name) < 0 ||
            db_bind_int(s, st, 9, t->db_id) < 0 || step_done(s, st) < 0)
            goto cleanup;
    }
    t->saved_percent = t->percent;
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    free(left);
    return ret;
}

#define TASK_COLS "id, kind, object, vm_uuid, src_host, dst_host, state, " \
                  "started, ended, percent, message, owner_pid, owner_boot, " \
                  "owner_start, left_behind, resolved"

/* A task from a row of TASK_COLS; *owner gets its process. */
static struct task *
task_from_row(sqlite3_stmt *st, struct procid *owner)
{
    struct task *t = task_new_loaded();
    const char *txt;

    t->db_id = sqlite3_column_int64(st, 0);
    if (task_kind_parse((const char *)sqlite3_column_text(st, 1), &t->kind) < 0)
        t->kind = TASK_MIGRATE;
    t->object = col_text(st, 2);
    txt = (const char *)sqlite3_column_text(st, 3);
    snprintf(t->vm_uuid, sizeof(t->vm_uuid), "%s", txt ? txt : "");
    t->src_name = col_text(st, 4);
    t->dst_name = col_text(st, 5);
    if (task_state_parse((const char *)sqlite3_column_text(st, 6),
                         &t->state) < 0)
        t->state = TASK_INTERRUPTED;
    t->started = (time_t)sqlite3_column_int64(st, 7);
    t->ended = (time_t)sqlite3_column_int64(st, 8);
    t->percent = sqlite3_column_type(st, 9) == SQLITE_NULL
                 ? -1 : sqlite3_column_double(st, 9);
    t->saved_percent = t->percent;
    t->have_progress = t->percent >= 0;
    t->message = col_text(st, 10);
    t->owner_pid = sqlite3_column_int(st, 11);
    txt = (const char *)sqlite3_column_text(st, 12);
    memset(owner, 0, sizeof(*owner));
    owner->pid = t->owner_pid;
    snprintf(owner->boot, sizeof(owner->boot), "%s", txt ? txt : "");
    owner->start = (unsigned long long)sqlite3_column_int64(st, 13);
    task_left_split(t, (const char *)sqlite3_column_text(st, 14));
    t->resolved = col_text(st, 15);
    return t;
}

/* Mark interrupted every running task whose process is gone (another
 * boot, no such pid, a reused pid), with message as its last word and now
 * as its end.  Each task marked by this call (not by another virtdeck
 * doing the same at the same time) is handed to fn, which owns it.
 * Returns the number marked, or -1 with err_set(). */
int
store_task_reap(struct store *s, const char *message,
                void (*fn)(struct task *t, void *opaque), void *opaque)
{
    sqlite3_stmt *st = NULL, *up = NULL;
    struct vec dead = { 0 };
    int ret = -1, rc, n = 0;

    if (check_writable(s) < 0)
        return -1;
    if (db_prepare(s, &st, "SELECT " TASK_COLS " FROM task WHERE state = "
                           "'running' ORDER BY id") < 0)
        goto cleanup;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct procid owner;
        struct task *t = task_from_row(st, &owner);
        if (procid_alive(&owner))
            task_free(t);
        else
            vec_push(&dead, t);
    }
    if (rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    sqlite3_finalize(st);
    st = NULL;
    for (size_t i = 0; i < dead.len; i++) {
        struct task *t = dead.items[i];
        t->state = TASK_INTERRUPTED;
        t->ended = time(NULL);
        free(t->message);
        t->message = xstrdup(message);
        /* only if still running: another virtdeck may have marked it */
        if (db_prepare(s, &up, "UPDATE task SET state = 'interrupted', "
                               "ended = ?1, message = ?2 WHERE id = ?3 AND "
                               "state = 'running'") < 0 ||
            db_bind_int(s, up, 1, (int64_t)t->ended) < 0 ||
            db_bind_text(s, up, 2, message) < 0 ||
            db_bind_int(s, up, 3, t->db_id) < 0 || step_done(s, up) < 0)
            goto cleanup;
        sqlite3_finalize(up);
        up = NULL;
        if (sqlite3_changes(s->db) == 1) {
            dead.items[i] = NULL;
            n++;
            fn(t, opaque);
        }
    }
    ret = n;

cleanup:
    sqlite3_finalize(st);
    sqlite3_finalize(up);
    for (size_t i = 0; i < dead.len; i++)
        task_free(dead.items[i]);
    vec_clear(&dead, NULL);
    return ret;
}

/* The newest tasks first, at most limit (0: all); with only_ended, none
 * still running.  A running task whose process is gone is handed over as
 * interrupted (a read-only store cannot mark it); one of another living
 * process has t->foreign set.  fn owns each task.  0 or -1 (err_set). */
int
store_task_list(struct store *s, unsigned limit, bool only_ended,
                void (*fn)(struct task *t, void *opaque), void *opaque)
{
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;
    int self = (int)getpid();

    if (db_prepare(s, &st, only_ended
                   ? "SELECT " TASK_COLS " FROM task WHERE state != "
                     "'running' ORDER BY id DESC LIMIT ?1"
                   : "SELECT " TASK_COLS " FROM task ORDER BY id DESC "
                     "LIMIT ?1") < 0 ||
        db_bind_int(s, st, 1, limit ? (int64_t)limit : -1) < 0)
        goto cleanup;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct procid owner;
        struct task *t = task_from_row(st, &owner);
        if (t->state == TASK_RUNNING) {
            if (!procid_alive(&owner))
                t->state = TASK_INTERRUPTED;
            else if (owner.pid != self)
                t->foreign = true;
        }
        fn(t, opaque);
    }
    if (rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* True in *busy when a task of a living process that is running may
 * leave item behind (task_left_add's form): someone works on it now. */
int
store_task_busy(struct store *s, const char *item, bool *busy)
{
    sqlite3_stmt *st = NULL;
    int ret = -1, rc;

    *busy = false;
    if (db_prepare(s, &st, "SELECT " TASK_COLS " FROM task WHERE state = "
                           "'running' AND instr(char(10) || left_behind || "
                           "char(10), char(10) || ?1 || char(10)) > 0") < 0 ||
        db_bind_text(s, st, 1, item) < 0)
        goto cleanup;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct procid owner;
        struct task *t = task_from_row(st, &owner);
        if (procid_alive(&owner))
            *busy = true;
        task_free(t);
    }
    if (rc != SQLITE_DONE) {
        err_db(s, rc);
        goto cleanup;
    }
    ret = 0;

cleanup:
    sqlite3_finalize(st);
    return ret;
}

/* Record how the leftover item of interrupted tasks was dealt with (say,
 * the stale upload file was replaced), on those not yet resolved.
 * Returns how many tasks, or -1 with err_set(). */
int
store_task_resolve(struct store *s, const char *item, const char *resolved)
{
    sqlite3_stmt *st = NULL;
    int ret = -1;

    if (check_writable(s) < 0)
        return -1;
    if (db_prepare(s, &st, "UPDATE task SET resolved = ?1 WHERE state = "
                           "'interrupted' AND resolved IS NULL AND "
                           "instr(char(10) || left_behind || char(10), "
                           "char(10) || ?2 || char(10)) > 0") < 0 ||
        db_bind_text(s, st, 1, resolved) < 0 ||
        db_bind_text(s, st, 2, item) < 0 || step_done(s, st) < 0)
        goto cleanup;
    ret = sqlite3_changes(s->db);

cleanup:
    sqlite3_finalize(st);
    return ret;
}
