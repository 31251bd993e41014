/* test-store.c: unit tests for the SQLite store (src/store.c).
 *
 * Covers each inventory kind (add, update, remove, duplicates and the
 * refusals that keep the file consistent), names that would break pasted
 * SQL, the audit log, the file's mode and schema version, files that must
 * be refused and left byte-for-byte as they were (newer schema, random
 * bytes, a truncated database, plain text), read-only use, two
 * processes writing one file at once, migrations from every older schema,
 * and tasks: saved, and marked interrupted only when their process is
 * gone (dead, a reused pid, another boot), never a living one's. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include "src/model.h"
#include "src/store.h"
#include "src/util/err.h"
#include "src/util/mem.h"
#include "src/util/vec.h"
#include "tap.h"

#define HOSTILE_QUOTE "a'<b>&"
#define HOSTILE_SQL "x'); DROP TABLE dc;--"
#define HOSTILE_KO "\xec\x84\x9c\xec\x9a\xb8"     /* 서울 */

/* ---- helpers ---- */

struct bytes {
    unsigned char *p;
    size_t len;
};

/* Read a whole file; p is NULL when it cannot be read. */
static struct bytes
slurp(const char *path)
{
    struct bytes b = { NULL, 0 };
    FILE *f = fopen(path, "rb");
    size_t cap = 0, n;

    if (!f)
        return b;
    for (;;) {
        if (b.len == cap) {
            cap = cap ? cap * 2 : 65536;
            b.p = xrealloc(b.p, cap);
        }
        n = fread(b.p + b.len, 1, cap - b.len, f);
        if (n == 0)
            break;
        b.len += n;
    }
    fclose(f);
    return b;
}

static int
bytes_equal(const struct bytes *a, const struct bytes *b)
{
    return a->p && b->p && a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

static void
spit(const char *path, const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(99);
    }
}

static char *
tmp_path(const char *name)
{
    return xasprintf("%s/%s", tap_tmpdir(), name);
}

/* Does err_msg() contain needle?  Shows the message when it does not. */
static int
err_has(const char *needle)
{
    if (strstr(err_msg(), needle))
        return 1;
    tap_diag("error was: '%s'", err_msg());
    return 0;
}

/* One integer from SQL run on a plain connection to path, -1 on error. */
static long long
raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void
collect_audit(struct audit *a, void *opaque)
{
    vec_push(opaque, a);
}

static void
audit_free_v(void *p)
{
    audit_free(p);
}

static void
audit_list(struct store *s, time_t since, unsigned limit, struct vec *out)
{
    vec_clear(out, audit_free_v);
    if (store_audit_list(s, since, limit, collect_audit, out) < 0)
        tap_diag("store_audit_list: %s", err_msg());
}

/* ---- tests ---- */

static void
test_default_path(void)
{
    char *old_xdg = xstrdup(getenv("XDG_DATA_HOME"));
    char *old_home = xstrdup(getenv("HOME"));
    char *p;

    setenv("XDG_DATA_HOME", "/srv/data", 1);
    p = store_default_path();
    is_str(p, "/srv/data/virtdeck/virtdeck.db",
           "default path under XDG_DATA_HOME");
    free(p);

    unsetenv("XDG_DATA_HOME");
    setenv("HOME", "/home/op", 1);
    p = store_default_path();
    is_str(p, "/home/op/.local/share/virtdeck/virtdeck.db",
           "default path under HOME without XDG_DATA_HOME");
    free(p);

    setenv("XDG_DATA_HOME", "relative/dir", 1);
    p = store_default_path();
    is_str(p, "/home/op/.local/share/virtdeck/virtdeck.db",
           "a relative XDG_DATA_HOME is ignored");
    free(p);

    if (old_xdg)
        setenv("XDG_DATA_HOME", old_xdg, 1);
    else
        unsetenv("XDG_DATA_HOME");
    if (old_home)
        setenv("HOME", old_home, 1);
    else
        unsetenv("HOME");
    free(old_xdg);
    free(old_home);
}

static void
test_dc(struct store *s)
{
    int64_t id = 0, id2 = 0;
    bool empty = false;
    struct model *m;

    ok(store_is_empty(s, &empty) == 0 && empty, "a new store is empty");
    ok(store_dc_add(s, "east", "first", &id) == 0 && id > 0,
       "add a data center, id %lld", (long long)id);
    ok(store_is_empty(s, &empty) == 0 && !empty,
       "not empty once a data center exists");
    ok(store_dc_add(s, "west", NULL, &id2) == 0 && id2 > id,
       "add a second data center with no description");

    err_clear();
    is_int(store_dc_add(s, "east", "again", NULL), -1, "duplicate dc refused");
    is_str(err_msg(), "A data center named 'east' already exists.",
           "duplicate dc message");

    err_clear();
    is_int(store_dc_add(s, "", NULL, NULL), -1, "empty dc name refused");
    ok(err_has("needs a name"), "empty dc name message");

    ok(store_dc_update(s, id, "east-1", "renamed") == 0, "rename a dc");
    ok(store_dc_update(s, id2, NULL, "kept name") == 0,
       "update a dc's description, keeping its name");
    err_clear();
    is_int(store_dc_update(s, id2, "east-1", NULL), -1,
           "renaming onto an existing name refused");
    is_str(err_msg(), "A data center named 'east-1' already exists.",
           "rename collision message");
    err_clear();
    is_int(store_dc_update(s, 9999, "ghost", NULL), -1,
           "updating a missing dc id refused");
    is_str(err_msg(), "There is no data center with id '9999'.",
           "missing dc id message");

    m = model_new();
    ok(store_load(s, m) == 0, "load after dc changes");
    is_int((int64_t)m->dcs.len, 2, "two dcs loaded");
    if (m->dcs.len == 2) {
        struct dc *a = m->dcs.items[0], *b = m->dcs.items[1];
        is_str(a->name, "east-1", "renamed dc loaded first (by name)");
        is_str(a->description, "renamed", "its description updated");
        is_int(a->id, id, "its id kept");
        is_str(b->name, "west", "the other dc's name kept");
        is_str(b->description, "kept name", "the other dc's description");
    }
    model_free(&m);

    err_clear();
    is_int(store_dc_remove(s, "nope"), -1, "removing a missing dc refused");
    is_str(err_msg(), "There is no data center named 'nope'.",
           "missing dc message");
    ok(store_dc_remove(s, "west") == 0, "remove an empty dc");
    err_clear();
    is_int(store_dc_remove(s, "west"), -1, "removing it twice refused");
    is_str(err_msg(), "There is no data center named 'west'.",
           "removed dc is gone");
    ok(store_dc_add(s, "west", NULL, &id2) == 0, "its name can be reused");
}

static void
test_cluster_host(struct store *s)
{
    int64_t cid = 0, cid2 = 0, hid = 0, hid2 = 0;
    struct model *m;

    err_clear();
    is_int(store_cluster_add(s, "c1", "nowhere", NULL, NULL), -1,
           "cluster in a missing dc refused");
    is_str(err_msg(), "There is no data center named 'nowhere'.",
           "missing dc named in the message");
    ok(store_cluster_add(s, "c1", "east-1", "web", &cid) == 0 && cid > 0,
       "add a cluster");
    ok(store_cluster_add(s, "c0", "east-1", NULL, &cid2) == 0 && cid2 > cid,
       "add a second cluster");
    err_clear();
    is_int(store_cluster_add(s, "c1", "west", NULL, NULL), -1,
           "duplicate cluster refused, even in another dc");
    is_str(err_msg(), "A cluster named 'c1' already exists.",
           "duplicate cluster message");

    err_clear();
    is_int(store_dc_remove(s, "east-1"), -1, "dc with clusters refused");
    is_str(err_msg(), "The data center 'east-1' still has clusters (c0, c1): "
           "remove them first.", "dc refusal names its clusters");

    err_clear();
    is_int(store_host_add(s, "h1", "qemu+ssh://h1/system", "nope", NULL), -1,
           "host in a missing cluster refused");
    is_str(err_msg(), "There is no cluster named 'nope'.",
           "missing cluster message");
    err_clear();
    is_int(store_host_add(s, "h1", NULL, "c1", NULL), -1,
           "host without a URI refused");
    ok(err_has("'h1'") && err_has("URI"), "URI message names the host");
    ok(store_host_add(s, "h1", "qemu+ssh://h1/system", "c1", &hid) == 0 &&
       hid > 0, "add a host");
    ok(store_host_add(s, "h2", "test:///default", "c1", &hid2) == 0,
       "add a second host");
    err_clear();
    is_int(store_host_add(s, "h1", "test:///default", "c0", NULL), -1,
           "duplicate host refused");
    is_str(err_msg(), "A host named 'h1' already exists.",
           "duplicate host message");

    err_clear();
    is_int(store_cluster_remove(s, "c1"), -1, "cluster with hosts refused");
    is_str(err_msg(), "The cluster 'c1' still has hosts (h1, h2): remove "
           "them first.", "cluster refusal names its hosts");

    ok(store_host_set_maintenance(s, hid, true, "new disks") == 0,
       "host into maintenance");
    ok(store_host_update(s, hid2, NULL, "qemu:///system", "c0") == 0,
       "move a host and change its URI");
    err_clear();
    is_int(store_host_update(s, hid2, "h1", NULL, NULL), -1,
           "rename a host onto another's name refused");
    is_str(err_msg(), "A host named 'h1' already exists.",
           "host rename collision message");
    err_clear();
    is_int(store_host_update(s, hid2, NULL, NULL, "nope"), -1,
           "move a host to a missing cluster refused");
    is_str(err_msg(), "There is no cluster named 'nope'.",
           "missing cluster on move");
    err_clear();
    is_int(store_host_set_maintenance(s, 4242, true, NULL), -1,
           "maintenance of a missing host refused");
    is_str(err_msg(), "There is no host with id '4242'.",
           "missing host id message");

    ok(store_cluster_update(s, cid2, "c0-renamed", "west", "moved") == 0,
       "rename a cluster and move it to another dc");
    err_clear();
    is_int(store_cluster_update(s, cid2, NULL, "nowhere", NULL), -1,
           "move a cluster to a missing dc refused");
    is_str(err_msg(), "There is no data center named 'nowhere'.",
           "missing dc on move");
    err_clear();
    is_int(store_cluster_update(s, 777, "x", NULL, NULL), -1,
           "update of a missing cluster refused");
    is_str(err_msg(), "There is no cluster with id '777'.",
           "missing cluster id message");

    m = model_new();
    ok(store_load(s, m) == 0, "load clusters and hosts");
    is_int((int64_t)m->clusters.len, 2, "two clusters");
    is_int((int64_t)m->hosts.len, 2, "two hosts");
    if (m->clusters.len == 2 && m->hosts.len == 2) {
        struct cluster *c0 = m->clusters.items[0], *c1 = m->clusters.items[1];
        struct host *h1 = m->hosts.items[0], *h2 = m->hosts.items[1];
        struct dc *west = model_dc_by_name(m, "west");

        is_str(c0->name, "c0-renamed", "clusters ordered by name");
        ok(west && c0->dc_id == west->id, "moved cluster is in 'west'");
        is_str(c0->description, "moved", "moved cluster's description");
        is_str(c1->name, "c1", "second cluster");
        is_str(c1->description, "web", "its description");
        is_str(h1->name, "h1", "hosts ordered by name");
        ok(h1->maintenance, "maintenance flag loaded");
        is_str(h1->reason, "new disks", "maintenance reason loaded");
        is_int(h1->cluster_id, cid, "h1 in c1");
        is_str(h1->uri, "qemu+ssh://h1/system", "h1 URI");
        ok(!h2->maintenance && h2->reason == NULL, "h2 not in maintenance");
        is_int(h2->cluster_id, cid2, "h2 moved to c0-renamed");
        is_str(h2->uri, "qemu:///system", "h2 URI updated");
    }
    model_free(&m);

    ok(store_host_set_maintenance(s, hid, false, "ignored") == 0,
       "host out of maintenance");
    m = model_new();
    if (store_load(s, m) == 0 && m->hosts.len == 2) {
        struct host *h1 = m->hosts.items[0];
        ok(!h1->maintenance && h1->reason == NULL,
           "out of maintenance: flag and reason cleared");
    } else {
        ok(0, "reload after maintenance off: %s", err_msg());
    }
    model_free(&m);

    err_clear();
    is_int(store_host_remove(s, "h9"), -1, "removing a missing host refused");
    is_str(err_msg(), "There is no host named 'h9'.", "missing host message");
    ok(store_host_remove(s, "h1") == 0 && store_host_remove(s, "h2") == 0,
       "remove both hosts");
    ok(store_cluster_remove(s, "c1") == 0, "remove the emptied cluster");
    err_clear();
    is_int(store_cluster_remove(s, "c1"), -1, "removing it twice refused");
    is_str(err_msg(), "There is no cluster named 'c1'.", "missing cluster");
}

static void
test_sd(struct store *s)
{
    int64_t id = 0;
    struct model *m;

    ok(store_sd_add(s, "nfs1", SD_DATA, SD_NFS, "10.0.0.5", "/export/a",
                    &id) == 0 && id > 0, "add an NFS data domain");
    ok(store_sd_add(s, "iso", SD_ISO, SD_ISCSI, "10.0.0.6:3260",
                    "iqn.2024-01.org.example:iso", NULL) == 0,
       "add an iSCSI ISO domain");
    err_clear();
    is_int(store_sd_add(s, "nfs1", SD_EXPORT, SD_NFS, NULL, NULL, NULL), -1,
           "duplicate domain refused");
    is_str(err_msg(), "A storage domain named 'nfs1' already exists.",
           "duplicate domain message");
    err_clear();
    is_int(store_sd_add(s, "bad", (enum sd_role)7, SD_NFS, NULL, NULL, NULL),
           -1, "unknown role refused");
    ok(err_has("'bad'"), "unknown role message names the domain");

    ok(store_sd_attach(s, "nfs1", "east-1") == 0, "attach to east-1");
    ok(store_sd_attach(s, "nfs1", "west") == 0, "attach to west too");
    ok(store_sd_attach(s, "iso", "west") == 0, "attach the ISO domain");
    err_clear();
    is_int(store_sd_attach(s, "nfs1", "west"), -1, "attaching twice refused");
    is_str(err_msg(), "The storage domain 'nfs1' is already attached to the "
           "data center 'west'.", "already attached message");
    err_clear();
    is_int(store_sd_attach(s, "nope", "west"), -1, "missing domain refused");
    is_str(err_msg(), "There is no storage domain named 'nope'.",
           "missing domain message");
    err_clear();
    is_int(store_sd_attach(s, "nfs1", "nope"), -1, "missing dc refused");
    is_str(err_msg(), "There is no data center named 'nope'.",
           "missing dc message on attach");

    err_clear();
    is_int(store_dc_remove(s, "west"), -1, "dc with attached domains refused");
    is_str(err_msg(), "The data center 'west' still has clusters "
           "(c0-renamed): remove them first.", "clusters are named first");
    ok(store_cluster_remove(s, "c0-renamed") == 0, "remove west's cluster");
    err_clear();
    is_int(store_dc_remove(s, "west"), -1, "dc with attached domains refused");
    is_str(err_msg(), "The data center 'west' still has storage domains "
           "attached (iso, nfs1): detach them first.",
           "dc refusal names its domains");
    err_clear();
    is_int(store_sd_remove(s, "nfs1"), -1, "attached domain removal refused");
    is_str(err_msg(), "The storage domain 'nfs1' is still attached to data "
           "centers (east-1, west): detach it first.",
           "domain refusal names its dcs");

    m = model_new();
    ok(store_load(s, m) == 0, "load domains");
    is_int((int64_t)m->sds.len, 2, "two domains");
    if (m->sds.len == 2) {
        struct sd *a = m->sds.items[0], *b = m->sds.items[1];
        struct dc *east = model_dc_by_name(m, "east-1");
        struct dc *west = model_dc_by_name(m, "west");

        is_str(a->name, "iso", "domains ordered by name");
        ok(a->role == SD_ISO && a->backend == SD_ISCSI, "iso role, backend");
        is_str(a->address, "10.0.0.6:3260", "iso portal");
        is_str(a->path, "iqn.2024-01.org.example:iso", "iso target");
        is_int((int64_t)a->dc_ids.len, 1, "iso attached once");
        is_str(b->name, "nfs1", "second domain");
        is_int(b->id, id, "its id");
        ok(b->role == SD_DATA && b->backend == SD_NFS, "nfs1 role, backend");
        is_str(b->address, "10.0.0.5", "nfs1 server");
        is_str(b->path, "/export/a", "nfs1 export");
        is_int((int64_t)b->dc_ids.len, 2, "nfs1 attached twice");
        if (b->dc_ids.len == 2 && east && west) {
            int64_t x = *(int64_t *)b->dc_ids.items[0];
            int64_t y = *(int64_t *)b->dc_ids.items[1];
            ok((x == east->id && y == west->id) ||
               (x == west->id && y == east->id), "attached to east-1 and west");
        }
    }
    model_free(&m);

    ok(store_sd_detach(s, "nfs1", "west") == 0, "detach nfs1 from west");
    err_clear();
    is_int(store_sd_detach(s, "nfs1", "west"), -1, "detaching twice refused");
    is_str(err_msg(), "The storage domain 'nfs1' is not attached to the data "
           "center 'west'.", "not attached message");
    ok(store_sd_detach(s, "iso", "west") == 0, "detach iso from west");
    ok(store_dc_remove(s, "west") == 0, "remove west once empty");
    ok(store_sd_detach(s, "nfs1", "east-1") == 0, "detach nfs1 from east-1");
    ok(store_sd_remove(s, "nfs1") == 0, "remove a detached domain");
    err_clear();
    is_int(store_sd_remove(s, "nfs1"), -1, "removing it twice refused");
    is_str(err_msg(), "There is no storage domain named 'nfs1'.",
           "missing domain");
}

static void
test_hostile(struct store *s, const char *path)
{
    static const char *const names[] = { HOSTILE_QUOTE, HOSTILE_SQL,
                                         HOSTILE_KO };
    struct model *m;
    struct audit a = { 0 };
    struct vec list = { 0 };
    size_t before;

    m = model_new();
    store_load(s, m);
    before = m->dcs.len;
    model_free(&m);

    for (size_t i = 0; i < 3; i++) {
        ok(store_dc_add(s, names[i], names[(i + 1) % 3], NULL) == 0,
           "store the dc name %zu byte-exact", i);
    }
    ok(store_cluster_add(s, HOSTILE_SQL, HOSTILE_QUOTE, HOSTILE_KO, NULL) == 0,
       "hostile cluster in a hostile dc");
    ok(store_host_add(s, HOSTILE_KO, "qemu+ssh://x'y/system", HOSTILE_SQL,
                      NULL) == 0, "hostile host in a hostile cluster");
    ok(store_sd_add(s, HOSTILE_QUOTE, SD_EXPORT, SD_NFS, "a'b", HOSTILE_SQL,
                    NULL) == 0, "hostile storage domain");
    ok(store_sd_attach(s, HOSTILE_QUOTE, HOSTILE_KO) == 0,
       "attach by hostile names");
    err_clear();
    is_int(store_dc_add(s, HOSTILE_SQL, NULL, NULL), -1,
           "hostile duplicate refused");
    is_str(err_msg(), "A data center named '" HOSTILE_SQL "' already exists.",
           "message quotes the hostile name as given");

    m = model_new();
    ok(store_load(s, m) == 0, "load hostile names");
    is_int((int64_t)m->dcs.len, (int64_t)before + 3, "no dc was dropped");
    for (size_t i = 0; i < 3; i++) {
        struct dc *dc = model_dc_by_name(m, names[i]);
        ok(dc != NULL, "dc %zu read back byte-exact", i);
        is_str(dc ? dc->description : NULL, names[(i + 1) % 3],
               "its hostile description read back");
    }
    {
        struct cluster *c = model_cluster_by_name(m, HOSTILE_SQL);
        struct host *h = model_host_by_name(m, HOSTILE_KO);
        struct sd *sd = model_sd_by_name(m, HOSTILE_QUOTE);
        struct dc *dc = model_dc_by_name(m, HOSTILE_QUOTE);
        struct dc *ko = model_dc_by_name(m, HOSTILE_KO);

        ok(c && dc && c->dc_id == dc->id, "hostile cluster in its dc");
        is_str(c ? c->description : NULL, HOSTILE_KO, "Korean description");
        ok(h && c && h->cluster_id == c->id, "hostile host in its cluster");
        is_str(h ? h->uri : NULL, "qemu+ssh://x'y/system", "quoted URI");
        is_str(sd ? sd->address : NULL, "a'b", "quoted address");
        is_str(sd ? sd->path : NULL, HOSTILE_SQL, "hostile export path");
        ok(sd && ko && sd->dc_ids.len == 1 &&
           *(int64_t *)sd->dc_ids.items[0] == ko->id,
           "hostile domain attached to the Korean dc");
    }
    model_free(&m);

    a.time = 5;
    a.user = HOSTILE_KO;
    a.object = HOSTILE_SQL;
    a.action = HOSTILE_QUOTE;
    a.result = "ok";
    a.message = "line1\nline2 '\"; --";
    ok(store_audit_add(s, &a) == 0, "hostile audit entry");
    audit_list(s, 5, 1, &list);
    if (list.len == 1) {
        struct audit *b = list.items[0];
        is_str(b->user, HOSTILE_KO, "audit user byte-exact");
        is_str(b->object, HOSTILE_SQL, "audit object byte-exact");
        is_str(b->action, HOSTILE_QUOTE, "audit action byte-exact");
        is_str(b->message, "line1\nline2 '\"; --", "audit message byte-exact");
    } else {
        ok(0, "hostile audit entry listed");
    }
    vec_clear(&list, audit_free_v);

    if (path)
        is_int(raw_int(path, "SELECT count(*) FROM sqlite_schema "
                             "WHERE type = 'table' AND name = 'dc'"), 1,
               "the dc table is still there");
}

static void
test_audit(void)
{
    struct store *s = store_open(NULL, STORE_MEMORY);
    struct audit a = { 0 };
    struct vec list = { 0 };
    time_t now0 = time(NULL), t[3] = { 300, 100, 200 };
    int64_t ids[4] = { 0 };

    ok(s != NULL, "open a memory store for the audit log");
    if (!s)
        return;
    is_str(store_path(s), "", "memory store path is empty");
    for (int i = 0; i < 3; i++) {
        a.id = 0;
        a.time = t[i];
        a.user = "op";
        a.object = (char *)(i == 0 ? "vm:a" : i == 1 ? "vm:b" : "vm:c");
        a.action = "start";
        a.result = "ok";
        a.message = NULL;
        ok(store_audit_add(s, &a) == 0 && a.id > 0, "audit entry %d, id %lld",
           i, (long long)a.id);
        ids[i] = a.id;
        is_int((int64_t)a.time, (int64_t)t[i], "a given time is kept");
    }
    a.id = 0;
    a.time = 0;
    a.object = "host:h1";
    a.result = "failed";
    a.message = "could not connect";
    ok(store_audit_add(s, &a) == 0, "audit entry without a time");
    ids[3] = a.id;
    ok(a.time >= now0 && a.time <= time(NULL) + 1, "time 0 becomes now");
    ok(ids[1] > ids[0] && ids[2] > ids[1] && ids[3] > ids[2],
       "ids increase");

    audit_list(s, 0, 0, &list);
    is_int((int64_t)list.len, 4, "all entries listed");
    if (list.len == 4) {
        struct audit *e0 = list.items[0], *e1 = list.items[1];
        struct audit *e2 = list.items[2], *e3 = list.items[3];
        is_str(e0->object, "vm:b", "oldest first (time 100)");
        is_str(e1->object, "vm:c", "then time 200");
        is_str(e2->object, "vm:a", "then time 300");
        is_str(e3->object, "host:h1", "then now");
        is_int(e0->id, ids[1], "ids read back");
        is_int((int64_t)e0->time, 100, "time read back");
        is_str(e3->result, "failed", "result read back");
        is_str(e3->message, "could not connect", "message read back");
        ok(e0->message == NULL, "NULL message stays NULL");
    }
    audit_list(s, 200, 0, &list);
    is_int((int64_t)list.len, 3, "since 200: three entries");
    audit_list(s, 0, 2, &list);
    is_int((int64_t)list.len, 2, "limit 2: two entries");
    if (list.len == 2)
        is_str(((struct audit *)list.items[1])->object, "vm:c",
               "limit keeps the oldest from since");
    audit_list(s, now0 + 3600, 0, &list);
    is_int((int64_t)list.len, 0, "nothing in the future");
    vec_clear(&list, audit_free_v);
    store_free(&s);
    ok(s == NULL, "store_free clears the pointer");
    store_free(&s);
}

/* A file database: mode, version, WAL, then the inventory tests on it. */
static void
test_file(const char *path)
{
    struct store *s;
    struct stat sb;
    char *dir = tmp_path("deep");
    char *dir2 = tmp_path("deep/er");

    ok(!store_file_exists(path), "the file does not exist yet");
    err_clear();
    s = store_open(path, 0);
    ok(s == NULL, "opening a missing file without STORE_CREATE fails");
    ok(err_has(path) && err_has("does not exist"), "missing file message");
    ok(!store_file_exists(path), "and nothing was created");
    s = store_open(path, STORE_READONLY | STORE_CREATE);
    ok(s == NULL && !store_file_exists(path),
       "read-only never creates the file");

    s = store_open(path, STORE_CREATE);
    ok(s != NULL, "create a file database in new folders");
    if (!s) {
        tap_diag("store_open: %s", err_msg());
        goto cleanup;
    }
    is_str(store_path(s), path, "store_path gives the path");
    ok(store_file_exists(path), "the file exists now");
    if (stat(path, &sb) < 0)
        sb.st_mode = 0;
    is_int(sb.st_mode & 07777, 0600, "the file is 0600");
    if (stat(dir, &sb) < 0)
        sb.st_mode = 0;
    is_int(sb.st_mode & 07777, 0700, "a new parent folder is 0700");
    if (stat(dir2, &sb) < 0)
        sb.st_mode = 0;
    is_int(sb.st_mode & 07777, 0700, "every new folder is 0700");

    test_dc(s);
    test_cluster_host(s);
    test_sd(s);
    {
        char *wal = xasprintf("%s-wal", path);
        if (stat(wal, &sb) < 0)
            sb.st_mode = 0;
        is_int(sb.st_mode & 07777, 0600, "the WAL file is 0600 too");
        free(wal);
    }
    test_hostile(s, path);
    store_free(&s);

    is_int(raw_int(path, "PRAGMA user_version"), 4, "user_version is 4");
    {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        const unsigned char *mode = NULL;
        char *jm = NULL;

        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
            SQLITE_OK &&
            sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) ==
            SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            mode = sqlite3_column_text(st, 0);
        jm = xstrdup((const char *)mode);
        sqlite3_finalize(st);
        sqlite3_close(db);
        is_str(jm, "wal", "the file is in WAL mode");
        free(jm);
    }

    /* Reopening keeps everything and migrates nothing twice. */
    s = store_open(path, STORE_CREATE);
    ok(s != NULL, "reopen the file");
    if (s) {
        struct model *m = model_new();
        ok(store_load(s, m) == 0 && model_dc_by_name(m, HOSTILE_KO) &&
           model_dc_by_name(m, "east-1"), "data survives a reopen");
        model_free(&m);
        store_free(&s);
    }

cleanup:
    free(dir);
    free(dir2);
}

/* The foreign keys are declared: SQLite itself refuses to orphan rows. */
static void
test_foreign_keys(const char *path)
{
    sqlite3 *db = NULL;
    int rc = SQLITE_ERROR;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_extended_result_codes(db, 1);
        sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
        rc = sqlite3_exec(db, "DELETE FROM dc WHERE id = (SELECT dc_id FROM "
                          "cluster LIMIT 1)", NULL, NULL, NULL);
    }
    is_int(rc, SQLITE_CONSTRAINT_FOREIGNKEY,
           "deleting a dc under a cluster breaks a foreign key");
    if (db) {
        rc = sqlite3_exec(db, "INSERT INTO host (cluster_id, name, uri) "
                          "VALUES (987654, 'orphan', 'test:///default')",
                          NULL, NULL, NULL);
        is_int(rc, SQLITE_CONSTRAINT_FOREIGNKEY,
               "a host in a missing cluster breaks a foreign key");
    }
    sqlite3_close(db);
}

static void
test_readonly(const char *path)
{
    struct bytes before, after;
    struct store *s;
    struct audit a = { 0 };

    before = slurp(path);
    s = store_open(path, STORE_READONLY);
    ok(s != NULL, "open read-only");
    if (s) {
        struct model *m = model_new();
        bool empty = true;
        struct vec list = { 0 };

        ok(store_load(s, m) == 0 && m->dcs.len > 0, "read-only load works");
        ok(store_is_empty(s, &empty) == 0 && !empty, "read-only is_empty");
        audit_list(s, 0, 0, &list);
        ok(list.len > 0, "read-only audit list works");
        vec_clear(&list, audit_free_v);
        model_free(&m);

        err_clear();
        is_int(store_dc_add(s, "ro", NULL, NULL), -1, "read-only dc add fails");
        ok(err_has("is read-only") && err_has(path),
           "the message says the database is read-only");
        err_clear();
        a.object = "x";
        is_int(store_audit_add(s, &a), -1, "read-only audit add fails");
        ok(err_has("is read-only"), "audit add read-only message");
        err_clear();
        is_int(store_dc_remove(s, "east-1"), -1, "read-only remove fails");
        ok(err_has("is read-only"), "remove read-only message");
        store_free(&s);
    } else {
        tap_diag("read-only open: %s", err_msg());
    }
    after = slurp(path);
    ok(bytes_equal(&before, &after), "read-only use left the file unchanged");
    free(before.p);
    free(after.p);
}

/* path must be refused by store_open (even with STORE_CREATE) and be
 * byte-for-byte unchanged afterwards. */
static void
expect_refused(const char *path, const char *what, const char *needle)
{
    struct bytes before = slurp(path), after, wal_b;
    struct store *s;
    char *wal = xasprintf("%s-wal", path);

    err_clear();
    s = store_open(path, STORE_CREATE);
    ok(s == NULL, "%s is refused", what);
    ok(err_has(path) && err_has(needle), "%s: message names the file and "
       "the problem", what);
    store_free(&s);
    s = store_open(path, STORE_READONLY);
    ok(s == NULL, "%s is refused read-only too", what);
    store_free(&s);
    after = slurp(path);
    ok(before.p && bytes_equal(&before, &after), "%s is left unchanged", what);
    /* SQLite may leave an empty -wal beside a damaged WAL-mode file;
     * nothing may have been written into it. */
    wal_b = slurp(wal);
    ok(!wal_b.p || wal_b.len == 0, "%s: nothing was written to a WAL file",
       what);
    free(wal_b.p);
    free(before.p);
    free(after.p);
    free(wal);
}

static void
test_bad_files(void)
{
    char *newer = tmp_path("newer.db");
    char *noise = tmp_path("noise.db");
    char *trunc = tmp_path("trunc.db");
    char *text = tmp_path("text.db");
    char *damaged = tmp_path("damaged.db");
    unsigned char buf[4096];
    uint32_t x = 2463534242u;
    sqlite3 *db = NULL;
    struct store *s;
    struct bytes b;

    /* A database from a future virtdeck. */
    if (sqlite3_open(newer, &db) != SQLITE_OK ||
        sqlite3_exec(db, "CREATE TABLE future (x); "
                     "INSERT INTO future VALUES (1); "
                     "PRAGMA user_version = 99;", NULL, NULL, NULL) !=
        SQLITE_OK)
        tap_diag("could not make %s", newer);
    sqlite3_close(db);
    expect_refused(newer, "a newer schema", "schema version 99");

    /* 4096 bytes of noise (xorshift). */
    for (size_t i = 0; i < sizeof(buf); i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (unsigned char)x;
    }
    spit(noise, buf, sizeof(buf));
    expect_refused(noise, "random bytes", "not a virtdeck database");

    spit(text, "# virtdeck configuration\nrefresh = 2\n", 38);
    expect_refused(text, "a text file", "move it aside");

    /* A real store with one page overwritten: the size is right, only
     * the integrity check can tell. */
    s = store_open(damaged, STORE_CREATE);
    if (s) {
        struct audit a = { 0 };
        char msg[600];

        memset(msg, 'm', sizeof(msg) - 1);
        msg[sizeof(msg) - 1] = '\0';
        a.message = msg;
        for (int i = 0; i < 200; i++) {
            a.id = 0;
            store_audit_add(s, &a);
        }
        store_free(&s);
    }
    b = slurp(damaged);
    ok(b.p && b.len >= 16 * 4096, "a real store of %zu bytes to damage",
       b.len);
    if (b.p && b.len >= 16 * 4096) {
        size_t off = (b.len / 2) & ~(size_t)4095;
        memcpy(b.p + off, buf, sizeof(buf));
        spit(damaged, b.p, b.len);
        expect_refused(damaged, "a store with a damaged page", "damaged");
    }
    free(b.p);

    /* A real store cut to half its size. */
    s = store_open(trunc, STORE_CREATE);
    if (s) {
        struct audit a = { 0 };
        char msg[600];

        memset(msg, 'm', sizeof(msg) - 1);
        msg[sizeof(msg) - 1] = '\0';
        a.message = msg;
        store_dc_add(s, "dc", NULL, NULL);
        for (int i = 0; i < 200; i++) {
            a.id = 0;
            store_audit_add(s, &a);
        }
        store_free(&s);
    }
    b = slurp(trunc);
    ok(b.p && b.len >= 16 * 4096, "a real store of %zu bytes to cut", b.len);
    if (b.p) {
        spit(trunc, b.p, b.len / 2);
        expect_refused(trunc, "a truncated store", "damaged");
    }
    free(b.p);

    free(newer);
    free(noise);
    free(trunc);
    free(text);
    free(damaged);
}

/* Two processes, each with its own store on one file, writing at once:
 * each adds CHILD_AUDIT audit entries and CHILD_DCS data centers, each
 * with a cluster (a lookup and an insert in one transaction). */
#define CHILD_AUDIT 300
#define CHILD_DCS 50

static int
child_work(const char *path, int id, int ready, int gate)
{
    struct store *s;
    char c = 'r', name[64], cname[64], obj[64];
    int ret = 1;

    /* Both children open, say so, then wait at the gate so they write
     * together. */
    s = store_open(path, 0);
    if (write(ready, &c, 1) != 1 || read(gate, &c, 1) < 0)
        goto cleanup;
    if (!s) {
        fprintf(stderr, "child %d: %s\n", id, err_msg());
        goto cleanup;
    }
    for (int i = 0; i < CHILD_AUDIT; i++) {
        struct audit a = { 0 };

        snprintf(obj, sizeof(obj), "child%d", id);
        a.user = "tester";
        a.object = obj;
        a.action = "write";
        a.result = "ok";
        if (store_audit_add(s, &a) < 0) {
            fprintf(stderr, "child %d audit %d: %s\n", id, i, err_msg());
            goto cleanup;
        }
        if (i % (CHILD_AUDIT / CHILD_DCS) == 0) {
            snprintf(name, sizeof(name), "p%d-dc%d", id, i);
            if (store_dc_add(s, name, NULL, NULL) < 0) {
                fprintf(stderr, "child %d dc %d: %s\n", id, i, err_msg());
                goto cleanup;
            }
            /* A read then a write in one transaction. */
            snprintf(cname, sizeof(cname), "p%d-c%d", id, i);
            if (store_cluster_add(s, cname, name, NULL, NULL) < 0) {
                fprintf(stderr, "child %d cluster %d: %s\n", id, i,
                        err_msg());
                goto cleanup;
            }
        }
    }
    ret = 0;

cleanup:
    store_free(&s);
    return ret;
}

static void
count_child(struct audit *a, void *opaque)
{
    int *n = opaque;
    if (streq(a->object, "child1"))
        n[0]++;
    else if (streq(a->object, "child2"))
        n[1]++;
    audit_free(a);
}

static char *main_path;     /* main's path, freed by forked children too */

static void
test_two_processes(void)
{
    char *path = tmp_path("shared/virtdeck.db");
    struct store *s;
    pid_t pid[2];
    int gate[2], ready[2], status, n[2] = { 0, 0 };
    char c;

    s = store_open(path, STORE_CREATE);
    ok(s != NULL, "create the shared store");
    store_free(&s);
    if (pipe(gate) < 0 || pipe(ready) < 0) {
        perror("pipe");
        exit(99);
    }
    fflush(stdout);
    for (int i = 0; i < 2; i++) {
        pid[i] = fork();
        if (pid[i] < 0) {
            perror("fork");
            exit(99);
        }
        if (pid[i] == 0) {
            int rc;
            close(gate[1]);
            close(ready[0]);
            rc = child_work(path, i + 1, ready[1], gate[0]);
            /* the parent's strings are the child's too: free them, or
             * valgrind counts them lost at the child's exit */
            free(path);
            free(main_path);
            _exit(rc);
        }
    }
    close(gate[0]);
    close(ready[1]);
    /* Once both children have opened the file, release them at once by
     * closing the gate's write end. */
    for (int i = 0; i < 2; i++) {
        if (read(ready[0], &c, 1) != 1)
            break;
    }
    close(ready[0]);
    close(gate[1]);
    for (int i = 0; i < 2; i++) {
        ok(waitpid(pid[i], &status, 0) == pid[i] && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0, "child %d finished without an error",
           i + 1);
    }

    s = store_open(path, 0);
    ok(s != NULL, "reopen the shared store");
    if (s) {
        struct model *m = model_new();

        ok(store_audit_list(s, 0, 0, count_child, n) == 0, "list the log");
        is_int(n[0], CHILD_AUDIT, "all of child 1's audit entries are there");
        is_int(n[1], CHILD_AUDIT, "all of child 2's audit entries are there");
        ok(store_load(s, m) == 0, "load the shared inventory");
        is_int((int64_t)m->dcs.len, 2 * CHILD_DCS, "all %d dcs are there",
               2 * CHILD_DCS);
        ok(model_dc_by_name(m, "p1-dc0") && model_dc_by_name(m, "p2-dc294"),
           "dcs of both children present");
        is_int((int64_t)m->clusters.len, 2 * CHILD_DCS,
               "all %d clusters are there", 2 * CHILD_DCS);
        model_free(&m);
        store_free(&s);
    }
    free(path);
}

/* ---- migrations from older schemas ---- */

/* The schema as shipped at versions 1, 2 and 3 (copied from the releases:
 * the store's own steps must bring each forward without losing a row). */
static const char *const old_schema[] = {
    "CREATE TABLE dc (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT UNIQUE NOT NULL, description TEXT);"
    "CREATE TABLE cluster (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  dc_id INTEGER NOT NULL REFERENCES dc(id), name TEXT UNIQUE NOT NULL,"
    "  description TEXT);"
    "CREATE INDEX cluster_dc ON cluster(dc_id);"
    "CREATE TABLE host (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  cluster_id INTEGER NOT NULL REFERENCES cluster(id),"
    "  name TEXT UNIQUE NOT NULL, uri TEXT NOT NULL,"
    "  maintenance INTEGER NOT NULL DEFAULT 0, maintenance_reason TEXT);"
    "CREATE INDEX host_cluster ON host(cluster_id);"
    "CREATE TABLE storage_domain (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  name TEXT UNIQUE NOT NULL, role TEXT NOT NULL, backend TEXT NOT NULL,"
    "  address TEXT, path TEXT);"
    "CREATE TABLE sd_dc (sd_id INTEGER NOT NULL REFERENCES storage_domain(id),"
    "  dc_id INTEGER NOT NULL REFERENCES dc(id), PRIMARY KEY (sd_id, dc_id));"
    "CREATE INDEX sd_dc_dc ON sd_dc(dc_id);"
    "CREATE TABLE audit (id INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
    "  user TEXT, object TEXT, action TEXT, result TEXT, message TEXT);"
    "CREATE INDEX audit_time ON audit(time, id);"
    "INSERT INTO dc (name, description) VALUES ('old-dc', 'from v1');"
    "INSERT INTO cluster (dc_id, name) VALUES (1, 'old-cl');"
    "INSERT INTO host (cluster_id, name, uri) VALUES (1, 'old-h', "
    "  'test:///default');"
    "INSERT INTO audit (time, user, object, action, result, message) "
    "  VALUES (100, 'u', 'old-dc', 'dc-add', 'ok', 'kept');"
    "PRAGMA user_version = 1;",
    "ALTER TABLE cluster ADD COLUMN mig_bandwidth INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cluster ADD COLUMN mig_max_downtime INTEGER NOT NULL "
    "  DEFAULT 0;"
    "ALTER TABLE cluster ADD COLUMN mig_auto_converge INTEGER NOT NULL "
    "  DEFAULT 0;"
    "ALTER TABLE cluster ADD COLUMN mig_postcopy INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cluster ADD COLUMN mig_timeout INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cluster ADD COLUMN mig_timeout_action TEXT NOT NULL "
    "  DEFAULT 'abort';"
    "UPDATE cluster SET mig_bandwidth = 77;"
    "PRAGMA user_version = 2;",
    "ALTER TABLE sd_dc ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE storage_domain ADD COLUMN luns TEXT;"
    "ALTER TABLE storage_domain ADD COLUMN chap_user TEXT;"
    "ALTER TABLE host ADD COLUMN spm_priority INTEGER NOT NULL DEFAULT 5;"
    "CREATE TABLE sd_disk (sd_id INTEGER NOT NULL "
    "  REFERENCES storage_domain(id), name TEXT NOT NULL, vm_uuid TEXT,"
    "  size INTEGER NOT NULL, lun INTEGER, PRIMARY KEY (sd_id, name));"
    "UPDATE host SET spm_priority = 9;"
    "PRAGMA user_version = 3;",
};

static void
test_migrations(void)
{
    for (int v = 1; v <= 3; v++) {
        char name[32];
        char *path;
        sqlite3 *db = NULL;
        struct store *s;
        struct model *m;
        struct task *t;
        bool ok_make = true;

        snprintf(name, sizeof(name), "v%d.db", v);
        path = tmp_path(name);
        if (sqlite3_open(path, &db) != SQLITE_OK)
            ok_make = false;
        for (int i = 0; ok_make && i < v; i++)
            ok_make = sqlite3_exec(db, old_schema[i], NULL, NULL, NULL) ==
                      SQLITE_OK;
        sqlite3_close(db);
        ok(ok_make, "a version %d database by hand", v);
        s = store_open(path, 0);
        ok(s != NULL, "version %d opens: %s", v, s ? "" : err_msg());
        if (!s) {
            free(path);
            continue;
        }
        m = model_new();
        ok(store_load(s, m) == 0 && model_dc_by_name(m, "old-dc") &&
           model_cluster_by_name(m, "old-cl") &&
           model_host_by_name(m, "old-h"),
           "version %d: its data center, cluster and host are kept", v);
        if (v >= 2) {
            struct cluster *c = model_cluster_by_name(m, "old-cl");
            is_int(c ? (int64_t)c->mig.bandwidth_mibs : -1, 77,
                   "version %d: the cluster's migration bandwidth is kept", v);
        }
        if (v >= 3) {
            struct host *h = model_host_by_name(m, "old-h");
            is_int(h ? h->spm_priority : -1, 9,
                   "version %d: the host's SPM priority is kept", v);
        }
        model_free(&m);
        t = task_new_loaded();
        t->kind = TASK_MIGRATE;
        t->object = xstrdup("vm");
        t->started = 1;
        ok(store_task_save(s, t) == 0 && t->db_id > 0,
           "version %d: a task can be stored after the migration", v);
        task_free(t);
        store_free(&s);
        is_int(raw_int(path, "PRAGMA user_version"), 4,
               "version %d is now 4", v);
        is_int(raw_int(path, "SELECT count(*) FROM audit WHERE message = "
                             "'kept'"), 1, "version %d: the audit log is kept",
               v);
        free(path);
    }
}

/* ---- tasks ---- */

static void
collect_task(struct task *t, void *opaque)
{
    vec_push(opaque, t);
}

static void
task_free_v(void *p)
{
    task_free(p);
}

static struct task *
new_task(enum task_kind k, const char *object)
{
    struct task *t = task_new_loaded();

    t->kind = k;
    t->state = TASK_RUNNING;
    t->object = xstrdup(object);
    t->started = time(NULL);
    return t;
}

/* Run raw SQL on path. */
static int
raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open(path, &db) == SQLITE_OK &&
             sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
    sqlite3_close(db);
    return rc;
}

static void
test_tasks(void)
{
    char *path = tmp_path("tasks.db");
    struct store *s = store_open(path, STORE_CREATE);
    struct vec got = { 0 };
    struct task *t, *u;
    int ready[2], gate[2];
    pid_t child;
    char c = 0, *item;
    bool busy = true;

    ok(s != NULL, "a store for tasks");
    if (!s)
        goto cleanup;

    /* save, end, list with the leftovers */
    t = new_task(TASK_VM_CREATE, HOSTILE_QUOTE);
    t->dst_name = xstrdup("h1");
    task_left_add(t, TASK_LEFT_DOMAIN, HOSTILE_QUOTE, "h1");
    task_left_add(t, TASK_LEFT_VOLUME, "default/x-disk0.qcow2", "h1");
    ok(store_task_save(s, t) == 0 && t->db_id > 0, "a running task is saved");
    t->state = TASK_DONE;
    t->ended = time(NULL);
    t->message = xstrdup("made");
    ok(store_task_save(s, t) == 0, "and its end");
    ok(store_task_list(s, 0, false, collect_task, &got) == 0 && got.len == 1,
       "one task listed");
    u = got.len ? got.items[0] : NULL;
    ok(u && u->kind == TASK_VM_CREATE && u->state == TASK_DONE &&
       streq(u->object, HOSTILE_QUOTE) && streq(u->dst_name, "h1") &&
       streq(u->message, "made") && u->owner_pid == (int)getpid(),
       "kind, state, object, host, message and owner come back");
    ok(u && u->left.len == 2 &&
       streq(u->left.items[0], "domain\t" HOSTILE_QUOTE "\th1"),
       "with what it may leave behind");
    vec_clear(&got, task_free_v);
    task_free(t);

    /* a task of a living other process is left alone; once it is killed
     * it becomes interrupted, once */
    if (pipe(ready) < 0 || pipe(gate) < 0)
        goto cleanup;
    child = fork();
    if (child == 0) {
        struct store *cs = store_open(path, 0);
        struct task *ct = new_task(TASK_MIGRATE, "vm-child");
        task_left_add(ct, TASK_LEFT_MIGRATION, "vm-child", "a\tb");
        int rc = cs && store_task_save(cs, ct) == 0 ? 0 : 1;
        if (write(ready[1], "x", 1) != 1)
            rc = 1;
        if (read(gate[0], &c, 1) < 0)
            rc = 1;
        _exit(rc);
    }
    ok(read(ready[0], &c, 1) == 1, "a second process saved a running task");
    is_int(store_task_reap(s, "gone", collect_task, &got), 0,
           "a living process's task is not reaped");
    item = xstrdup("migration\tvm-child\ta\tb");
    ok(store_task_busy(s, item, &busy) == 0 && busy,
       "and counts as busy on its leftover");
    vec_clear(&got, task_free_v);
    store_task_list(s, 0, false, collect_task, &got);
    u = got.len ? got.items[0] : NULL;
    ok(u && u->state == TASK_RUNNING && u->foreign,
       "it is listed running, in another process");
    vec_clear(&got, task_free_v);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    store_task_list(s, 0, false, collect_task, &got);
    u = got.len ? got.items[0] : NULL;
    ok(u && u->state == TASK_INTERRUPTED,
       "killed: a read of the list shows it interrupted");
    vec_clear(&got, task_free_v);
    is_int(store_task_reap(s, "gone", collect_task, &got), 1,
           "the reap marks it");
    u = got.len ? got.items[0] : NULL;
    ok(u && u->state == TASK_INTERRUPTED && streq(u->message, "gone") &&
       u->left.len == 1, "interrupted, with its message and leftover");
    vec_clear(&got, task_free_v);
    is_int(store_task_reap(s, "gone", collect_task, &got), 0,
           "a second reap finds nothing (audited once)");
    ok(store_task_busy(s, item, &busy) == 0 && !busy,
       "its leftover is no longer busy");
    is_int(store_task_resolve(s, item, "cleaned"), 1,
           "resolving the leftover marks the interrupted task");
    is_int(store_task_resolve(s, item, "again"), 0, "only once");
    is_int(raw_int(path, "SELECT count(*) FROM task WHERE resolved = "
                         "'cleaned'"), 1, "the resolution is stored");
    free(item);
    close(ready[0]);
    close(ready[1]);
    close(gate[0]);
    close(gate[1]);

    /* a reused pid (our own, another start time) and another boot */
    t = new_task(TASK_ISO_UPLOAD, "reused");
    store_task_save(s, t);
    task_free(t);
    t = new_task(TASK_ISO_UPLOAD, "reboot");
    store_task_save(s, t);
    task_free(t);
    t = new_task(TASK_ISO_UPLOAD, "mine");
    store_task_save(s, t);
    task_free(t);
    raw_exec(path, "UPDATE task SET owner_start = owner_start + 1 "
                   "WHERE object = 'reused';"
                   "UPDATE task SET owner_boot = 'another-boot' "
                   "WHERE object = 'reboot';");
    is_int(store_task_reap(s, "gone", collect_task, &got), 2,
           "a reused pid and another boot are reaped, this process's not");
    ok(got.len == 2 && streq(((struct task *)got.items[0])->object, "reused") &&
       streq(((struct task *)got.items[1])->object, "reboot"), "those two");
    vec_clear(&got, task_free_v);

cleanup:
    store_free(&s);
    free(path);
}

int
main(void)
{
    char *path = main_path = tmp_path("deep/er/virtdeck.db");

    test_default_path();
    test_audit();
    {
        struct store *s = store_open(NULL, STORE_MEMORY);
        ok(s != NULL, "open a memory store for the inventory");
        if (s) {
            test_dc(s);
            test_cluster_host(s);
            test_sd(s);
            test_hostile(s, NULL);
            store_free(&s);
        }
    }
    test_file(path);
    test_foreign_keys(path);
    test_readonly(path);
    test_bad_files();
    test_two_processes();
    test_migrations();
    test_tasks();
    free(path);
    return tap_done();
}
