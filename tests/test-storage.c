/* test-storage.c: storage domains in data centers (oVirt's rules) and the
 * SPM election, on libvirt's test driver. */
#include <config.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/conf.h"
#include "src/engine.h"
#include "src/jobs.h"
#include "src/loop.h"
#include "src/store.h"
#include "src/util/err.h"
#include "src/util/mem.h"
#include "src/virt.h"
#include "src/vmspec.h"
#include "tests/tap.h"

static int expired;

/* engine_vm_create with a disk on DISK_DOMAIN (or NULL), in pool POOL (or
 * NULL), of GIB, with the CD-ROM ISO (or NULL): refused?  The refusal
 * must contain WANT. */
static void
create_refused(struct engine *e, const char *disk_domain, const char *pool,
               unsigned gib, const char *iso, const char *want,
               const char *what)
{
    struct vm_spec s;
    int rc;

    vm_spec_init(&s);
    s.name = xstrdup("placed");
    s.cluster = xstrdup("cA");
    s.mem_mib = 64;
    s.n_boot = 0;
    s.disk_domain = xstrdup(disk_domain);
    s.pool = xstrdup(pool);
    s.disk_gib = gib;
    s.iso = xstrdup(iso);
    rc = engine_vm_create(e, &s, NULL, NULL);
    ok(rc < 0 && strstr(err_msg(), want) != NULL, "%s: %s", what, err_msg());
    vm_spec_clear(&s);
}

static void
expire(void *opaque)
{
    expired = 1;
}

static int
all_up(void *opaque)
{
    struct model *m = opaque;
    if (expired)
        return 1;
    for (size_t i = 0; i < m->hosts.len; i++) {
        if (((struct host *)m->hosts.items[i])->state != HOST_UP)
            return 0;
    }
    return 1;
}

int
main(void)
{
    const char *datadir = getenv("VIRTDECK_DATADIR");
    char *db = xasprintf("%s/st.db", tap_tmpdir());
    char *u1, *u2, *u3;
    struct store *s;
    struct config *cfg = config_new();
    struct engine *e;
    struct model *m;
    struct dc *a, *b;
    struct host *spm, *other;
    int t;

    setlocale(LC_ALL, "C.UTF-8");
    if (!datadir)
        tap_skip_all("VIRTDECK_DATADIR is not set");
    u1 = xasprintf("test://%s/demo/host1.xml", datadir);
    u2 = xasprintf("test://%s/demo/host2.xml", datadir);
    u3 = xasprintf("test://%s/demo/host4.xml", datadir);
    s = store_open(db, STORE_CREATE);
    ok(s != NULL, "inventory created: %s", err_msg());
    store_dc_add(s, "A", NULL, NULL);
    store_dc_add(s, "B", NULL, NULL);
    store_cluster_add(s, "cA", "A", NULL, NULL);
    store_cluster_add(s, "cB", "B", NULL, NULL);
    store_host_add(s, "h1", u1, "cA", NULL);
    store_host_add(s, "h2", u2, "cA", NULL);
    store_host_add(s, "h3", u3, "cB", NULL);
    store_sd_add(s, "dataA", SD_DATA, SD_NFS, "127.0.0.1", "/exports/a", NULL);
    store_sd_add(s, "dataB", SD_DATA, SD_NFS, "127.0.0.1", "/exports/b", NULL);
    store_sd_add(s, "iso", SD_ISO, SD_NFS, "127.0.0.1", "/exports/iso", NULL);
    store_sd_add(s, "exp", SD_EXPORT, SD_NFS, "127.0.0.1", "/exports/exp", NULL);
    store_free(&s);

    loop_init();
    virt_global_init();
    jobs_init();
    e = engine_open(cfg, db, 0);
    ok(e && !engine_is_demo(e), "engine on the inventory");
    m = engine_model(e);
    engine_start(e);
    t = loop_add_timer(10000, expire, NULL);
    loop_run(all_up, m);
    loop_remove_timer(t);
    ok(!expired, "all hosts Up");
    a = model_dc_by_name(m, "A");
    b = model_dc_by_name(m, "B");
    is_int(a->status, DC_UNINITIALIZED, "without a data domain A is Uninitialized");
    ok(engine_spm_of(e, a->id, NULL) == NULL, "and has no SPM");
    ok(strstr(err_msg(), "no active data domain") != NULL, "because: %s",
       err_msg());

    ok(engine_sd_attach(e, "dataA", "A") == 0, "dataA attached to A");
    is_int(a->status, DC_UP, "A is Up");
    spm = model_host_by_id(m, a->spm_host);
    ok(spm && (streq(spm->name, "h1") || streq(spm->name, "h2")),
       "one of A's hosts is its SPM (%s)", spm ? spm->name : "none");
    ok(engine_spm_of(e, a->id, NULL) == spm, "engine_spm_of agrees");
    ok(engine_sd_attach(e, "dataA", "B") < 0, "a data domain serves one DC");
    ok(strstr(err_msg(), "belongs to data center 'A'") != NULL, "%s", err_msg());
    ok(engine_sd_attach(e, "iso", "A") == 0 && engine_sd_attach(e, "iso", "B") == 0,
       "an ISO domain serves both data centers");
    is_int(b->status, DC_UNINITIALIZED, "an ISO domain does not make B Up");
    ok(engine_sd_attach(e, "exp", "A") == 0, "an export domain attaches");

    ok(strstr(((struct audit *)m->audit.items[m->audit.len - 1])->message,
              "deprecated") != NULL, "saying export domains are deprecated");

    /* VM disks and ISOs on domains: what is refused, and why */
    create_refused(e, "../x", NULL, 1, NULL, "storage domain",
                   "a hostile domain name is refused");
    create_refused(e, "nope", NULL, 1, NULL,
                   "There is no storage domain named 'nope'",
                   "an unknown domain is refused");
    create_refused(e, "dataB", NULL, 1, NULL, "not attached to data center 'A'",
                   "a domain of another data center is refused");
    create_refused(e, "iso", NULL, 1, NULL, "VM disks go on data domains",
                   "an ISO domain does not hold disks");
    create_refused(e, "dataA", "default", 1, NULL, "not both",
                   "a domain and a pool at once are refused");
    create_refused(e, "dataA", NULL, 0, NULL, "Give the size",
                   "an NFS disk needs a size");
    create_refused(e, NULL, NULL, 0, "dataA/x.iso",
                   "ISO images come from ISO domains",
                   "an ISO from a data domain is refused");

    /* the SPM moves when its host may no longer hold it */
    other = streq(spm->name, "h1") ? model_host_by_name(m, "h2")
                                   : model_host_by_name(m, "h1");
    ok(engine_host_set_spm_priority(e, spm->name, -1) == 0, "SPM host set to never");
    is_int(a->spm_host, other->id, "the other host is elected");
    ok(engine_host_set_spm_priority(e, spm->name, 11) < 0, "priority 11 refused");
    ok(engine_host_set_spm_priority(e, other->name, -1) == 0, "no host may be SPM");
    is_int(a->status, DC_NONRESPONSIVE, "A is NonResponsive without an SPM");
    ok(engine_spm_of(e, a->id, NULL) == NULL && strstr(err_msg(), "no storage pool"),
       "content changes are refused: %s", err_msg());
    engine_host_set_spm_priority(e, "h2", 8);
    ok(a->spm_host == model_host_by_name(m, "h2")->id, "h2 is elected");
    engine_host_set_spm_priority(e, "h1", 9);
    ok(a->spm_host == model_host_by_name(m, "h2")->id,
       "a working SPM keeps the role when another host's priority rises");
    engine_host_set_spm_priority(e, "h2", -1);
    ok(a->spm_host == model_host_by_name(m, "h1")->id,
       "the next election takes the highest priority");
    engine_host_set_spm_priority(e, "h2", 8);

    /* maintenance, detach, remove */
    ok(engine_sd_detach(e, "dataA", "A") < 0, "an active domain is not detached");
    ok(strstr(err_msg(), "maintenance first") != NULL, "%s", err_msg());
    ok(engine_sd_maintenance(e, "dataA", "A") == 0, "dataA to maintenance");
    is_int(a->status, DC_UNINITIALIZED, "A has no active data domain again");
    ok(engine_sd_remove(e, "dataA") < 0, "an attached domain is not removed");
    ok(engine_sd_detach(e, "dataA", "A") == 0, "detached from maintenance");
    ok(engine_sd_attach(e, "dataA", "B") == 0, "now it may serve B");
    is_int(b->status, DC_UP, "B is Up with it");
    ok(b->spm_host == model_host_by_name(m, "h3")->id, "h3 is B's SPM");
    ok(engine_sd_activate(e, "dataA", "B") < 0, "activating an active domain");
    ok(engine_sd_attach(e, "nope", "B") < 0, "an unknown domain is refused");
    engine_free(&e);

    /* the store kept it all */
    e = engine_open(cfg, db, 0);
    m = engine_model(e);
    {
        struct sd *sd = model_sd_by_name(m, "dataA");
        struct dc *bb = model_dc_by_name(m, "B");
        ok(sd && model_sd_att(sd, bb->id) && model_sd_att(sd, bb->id)->active,
           "attachments survive a restart");
        is_int(model_host_by_name(m, "h1")->spm_priority, 9,
               "SPM priorities survive a restart");
    }
    engine_free(&e);
    jobs_shutdown();
    config_free(&cfg);
    free(db);
    free(u1);
    free(u2);
    free(u3);
    return tap_done();
}
