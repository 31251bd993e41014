/* test-virt.c: the libvirt backend against libvirt's own test driver:
 * connect, discovery, lifecycle operations and their events, bulk stats,
 * unreachable and malformed hosts, reconnect, domains defined behind
 * virtdeck's back, and the engine's refusals. */
#include <config.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libvirt/libvirt.h>
#include "src/conf.h"
#include "src/engine.h"
#include "src/store.h"
#include "src/jobs.h"
#include "src/loop.h"
#include "src/model.h"
#include "src/util/err.h"
#include "src/util/mem.h"
#include "src/virt.h"
#include "src/vmspec.h"
#include "src/domxml.h"
#include "tests/tap.h"

static struct model *m;
static struct virt *v;
static int notes;
static int op_ok = -2;
static char op_msg[512];

static void
on_notify(void *opaque, const char *object, const char *action, int okv,
          const char *message)
{
    notes++;
}

static void
on_op(void *opaque, int okv, const char *message)
{
    op_ok = okv;
    snprintf(op_msg, sizeof(op_msg), "%s", message);
}

static int secret_ok = -2;
static bool secret_created;
static char secret_msg[512];

static void
on_secret(void *opaque, int okv, const char *message, bool created)
{
    secret_ok = okv;
    secret_created = created;
    snprintf(secret_msg, sizeof(secret_msg), "%s", message ? message : "");
}

static int
secret_finished(void *arg)
{
    return secret_ok != -2;
}

struct waiter {
    int (*cond)(void *);
    void *arg;
    int expired;
};

static void
expire(void *opaque)
{
    ((struct waiter *)opaque)->expired = 1;
}

static int
waiter_done(void *opaque)
{
    struct waiter *w = opaque;
    return w->expired || w->cond(w->arg);
}

/* Run the loop until cond(arg) or seconds pass; returns cond's value. */
static int
wait_for(int (*cond)(void *), void *arg, double seconds)
{
    struct waiter w = { cond, arg, 0 };
    int t = loop_add_timer((int)(seconds * 1000), expire, &w);
    loop_run(waiter_done, &w);
    loop_remove_timer(t);
    return cond(arg);
}

static int
host_settled(void *arg)
{
    struct host *h = arg;
    return h->state != HOST_CONNECTING;
}

static int
host_is_up(void *arg)
{
    return ((struct host *)arg)->state == HOST_UP;
}

static int
host_is_down(void *arg)
{
    return ((struct host *)arg)->state == HOST_NONRESPONSIVE;
}

static int
op_finished(void *arg)
{
    return op_ok != -2;
}

struct vm_wait {
    const char *name;
    enum vm_state st;
};

static int
vm_in_state(void *arg)
{
    struct vm_wait *w = arg;
    struct vm *vm = model_vm_by_name(m, w->name, NULL);
    return vm && vm->state == w->st;
}

static int
vm_present(void *arg)
{
    return model_vm_by_name(m, arg, NULL) != NULL;
}

static int
vm_absent(void *arg)
{
    return model_vm_by_name(m, arg, NULL) == NULL;
}

static int
idle(void *arg)
{
    return virt_busy(v) == 0;
}

static int
do_op(const char *name, enum vm_op op)
{
    struct vm *vm = model_vm_by_name(m, name, NULL);
    op_ok = -2;
    if (!vm || virt_vm_op(v, vm->uuid, op, on_op, NULL) < 0)
        return -1;
    wait_for(op_finished, NULL, 10);
    return op_ok;
}

static const char *node_xml =
    "<node>\n"
    " <cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores>"
    "<threads>2</threads><active>8</active><mhz>2000</mhz>"
    "<model>x86_64</model></cpu>\n"
    " <memory>16777216</memory>\n"
    " <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
    "  <name>a&apos;&lt;b&gt;&amp;</name>"
    "<uuid>0b7d6b58-0000-4000-8000-000000000001</uuid>\n"
    "  <memory unit='MiB'>512</memory><vcpu>2</vcpu>"
    "<os><type>hvm</type></os>\n"
    "  <metadata><virtdeck:vm xmlns:virtdeck='http://virtdeck.org/xmlns/vm/1.0'>"
    "<virtdeck:ha>yes</virtdeck:ha></virtdeck:vm></metadata>\n"
    "  <test:runstate>1</test:runstate>\n"
    " </domain>\n"
    " <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
    "  <name>웹서버-01</name><uuid>0b7d6b58-0000-4000-8000-000000000002</uuid>\n"
    "  <memory unit='MiB'>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os>\n"
    "  <test:runstate>5</test:runstate>\n"
    " </domain>\n"
    "</node>\n";

static char *
write_file(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", tap_tmpdir(), name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void
test_default_driver(void)
{
    struct host *h = model_host_add(m, 1, 1, "default", "test:///default");
    struct vm *vm;
    struct vm_wait w = { "test", VM_PAUSED };

    virt_host_connect(v, 1);
    ok(wait_for(host_settled, h, 10), "test:///default answers");
    is_int(h->state, HOST_UP, "and is Up");
    vm = model_vm_by_name(m, "test", NULL);
    ok(vm != NULL, "its VM 'test' is discovered");
    ok(vm && vm->state == VM_RUNNING, "running");
    ok(vm && vm->vcpus > 0 && vm->mem_max_kib > 0, "config read from XML");
    is_int(h->cpus, 16, "node info: 16 CPUs");
    wait_for(idle, NULL, 5);
    ok(virt_refresh_count(v, 1) >= 1, "stats refreshed after connect");
    ok(vm && !(vm->known & STAT_CPU), "CPU time unknown: the test driver has none");

    is_int(do_op("test", VM_OP_SUSPEND), 1, "suspend succeeds");
    ok(wait_for(vm_in_state, &w, 5), "lifecycle event: paused");
    is_int(do_op("test", VM_OP_SUSPEND), 0, "suspending twice fails");
    ok(strstr(op_msg, "test") != NULL, "failure names the VM: %s", op_msg);
    w.st = VM_RUNNING;
    is_int(do_op("test", VM_OP_RESUME), 1, "resume succeeds");
    ok(wait_for(vm_in_state, &w, 5), "lifecycle event: running");
    w.st = VM_SHUTOFF;
    is_int(do_op("test", VM_OP_DESTROY), 1, "destroy succeeds");
    ok(wait_for(vm_in_state, &w, 5), "lifecycle event: shut off");
    w.st = VM_RUNNING;
    is_int(do_op("test", VM_OP_START), 1, "start succeeds");
    ok(wait_for(vm_in_state, &w, 5), "lifecycle event: running again");
    is_int(do_op("test", VM_OP_REBOOT), 1, "reboot succeeds");
    w.st = VM_SHUTOFF;
    is_int(do_op("test", VM_OP_SHUTDOWN), 1, "shutdown succeeds");
    ok(wait_for(vm_in_state, &w, 5), "shut off after shutdown");

    /* A domain defined behind virtdeck's back (test:///default is shared
     * in a process) shows up; undefine removes it. */
    {
        virConnectPtr side = virConnectOpen("test:///default");
        virDomainPtr d = side ? virDomainDefineXML(side,
            "<domain type='test'><name>side-vm</name><memory>65536</memory>"
            "<vcpu>3</vcpu><os><type>hvm</type></os></domain>") : NULL;
        ok(d != NULL, "side connection defines a domain");
        ok(wait_for(vm_present, "side-vm", 5), "it appears in the model");
        wait_for(idle, NULL, 5);
        vm = model_vm_by_name(m, "side-vm", NULL);
        ok(vm && vm->have_config && vm->vcpus == 3, "its config is fetched");
        is_int(do_op("side-vm", VM_OP_UNDEFINE), 1, "undefine succeeds");
        ok(wait_for(vm_absent, "side-vm", 5), "and it leaves the model");
        if (d)
            virDomainFree(d);
        if (side)
            virConnectClose(side);
    }

    /* A name that comes back with another UUID: refreshes remember the
     * UUIDs of the names they saw, and must not keep the old one. */
    {
        static const char *const uuids[] = {
            "6a1c3f0e-0c1d-4b52-9a3e-1f2e3d4c5b01",
            "6a1c3f0e-0c1d-4b52-9a3e-1f2e3d4c5b02",
        };
        virConnectPtr side = virConnectOpen("test:///default");
        bool ok_all = side != NULL;

        for (int k = 0; k < 2 && ok_all; k++) {
            char *xml = xasprintf("<domain type='test'><name>reuse-vm</name>"
                                  "<uuid>%s</uuid><memory>65536</memory>"
                                  "<os><type>hvm</type></os></domain>",
                                  uuids[k]);
            virDomainPtr d = virDomainDefineXML(side, xml);
            free(xml);
            ok_all = d != NULL;
            wait_for(vm_present, "reuse-vm", 5);
            /* two refreshes: the second takes UUIDs from the memo */
            for (int r = 0; r < 2; r++) {
                wait_for(idle, NULL, 5);
                virt_refresh(v);
                wait_for(idle, NULL, 5);
            }
            vm = model_vm_by_name(m, "reuse-vm", NULL);
            ok(vm && streq(vm->uuid, uuids[k]),
               "name defined with UUID #%d: the model has that UUID (%s)",
               k + 1, vm ? vm->uuid : "none");
            ok(!model_vm_by_uuid(m, uuids[1 - k]),
               "and not the other one");
            if (d) {
                virDomainUndefine(d);
                virDomainFree(d);
            }
        }
        ok(ok_all, "side connection defines the domains");
        ok(wait_for(vm_absent, "reuse-vm", 5), "undefined: gone");
        if (side)
            virConnectClose(side);
    }

    /* reconnect after the connection is closed */
    virt_host_drop(v, 1);
    is_int(h->state, HOST_NONRESPONSIVE, "a dropped connection is NonResponsive");
    ok(h->reason && strstr(h->reason, "closed"), "with the reason: %s",
       h->reason ? h->reason : "");
    ok(wait_for(host_is_up, h, 10), "it reconnects by itself");
    wait_for(idle, NULL, 5);

    /* a host that cannot keep secrets (the test driver has no secret
     * driver): the failure names the host and never the value */
    secret_ok = -2;
    ok(virt_secret_set(v, 1, "default", "virtdeck-chapdata", "d",
                       "s3cr3t-Value", on_secret, NULL) == 0,
       "setting a libvirt secret is queued");
    wait_for(secret_finished, NULL, 10);
    is_int(secret_ok, 0, "the test driver refuses it");
    ok(strstr(secret_msg, "host 'default'") != NULL, "naming the host: %s",
       secret_msg);
    ok(strstr(secret_msg, "s3cr3t") == NULL, "without the secret's value");
    ok(!secret_created, "and nothing was defined");
    ok(virt_secret_set(v, 99, "nohost", "virtdeck-x", "d", "v", on_secret,
                       NULL) < 0, "a host that is not connected is refused "
       "at once: %s", err_msg());
    ok(virt_secret_set(v, 1, "default", "virtdeck-x", "d", "", on_secret,
                       NULL) < 0, "an empty value is refused");
}

static void
test_node_file(void)
{
    char *path = write_file("node.xml", node_xml);
    char *uri = xasprintf("test://%s", path);
    struct host *h = model_host_add(m, 2, 1, "nodefile", uri);
    struct vm *vm;

    virt_host_connect(v, 2);
    ok(wait_for(host_is_up, h, 10), "custom node file is Up");
    vm = model_vm_by_name(m, "a'<b>&", NULL);
    ok(vm != NULL, "hostile VM name read exactly");
    ok(vm && vm->ha, "HA flag from the domain's virtdeck metadata");
    ok(vm && vm->state == VM_RUNNING, "running per test:runstate");
    vm = model_vm_by_name(m, "웹서버-01", NULL);
    ok(vm && vm->state == VM_SHUTOFF && !vm->ha, "Korean VM, shut off, not HA");
    is_int(h->cpus, 8, "node CPUs from the file");
    is_int((long long)h->mem_total_kib, 16777216, "node memory from the file");
    wait_for(idle, NULL, 5);
    free(path);
    free(uri);
}

static void
test_bad_hosts(void)
{
    char *bad = write_file("bad.xml", "<node><domain><name>x</name>");
    char *uri = xasprintf("test://%s", bad);
    struct host *h3 = model_host_add(m, 3, 1, "closed", "qemu+tcp://127.0.0.1:1/system");
    struct host *h4 = model_host_add(m, 4, 1, "malformed", uri);
    struct host *h5 = model_host_add(m, 5, 1, "nodriver", "bogus:///x");
    int before = notes;

    virt_host_connect(v, 3);
    virt_host_connect(v, 4);
    virt_host_connect(v, 5);
    ok(wait_for(host_is_down, h3, 10), "closed port: NonResponsive");
    ok(h3->reason && *h3->reason, "reason: %s", h3->reason ? h3->reason : "");
    ok(wait_for(host_is_down, h4, 10), "malformed node XML: NonResponsive");
    ok(h4->reason && *h4->reason, "reason: %s", h4->reason ? h4->reason : "");
    ok(wait_for(host_is_down, h5, 10), "unknown driver: NonResponsive");
    ok(notes >= before + 3, "each failure was reported once or more");
    before = notes;
    /* retries happen with back-off and are not reported again */
    wait_for(idle, NULL, 3);
    is_int(h3->state, HOST_NONRESPONSIVE, "still NonResponsive after a retry");
    is_int(notes, before, "retries do not repeat the report");
    virt_host_disconnect(v, 3);
    virt_host_disconnect(v, 4);
    virt_host_disconnect(v, 5);
    free(bad);
    free(uri);
}

static int
vol_count(virConnectPtr c)
{
    virStoragePoolPtr p = virStoragePoolLookupByName(c, "default-pool");
    int n;
    virStoragePoolRefresh(p, 0);
    n = virStoragePoolNumOfVolumes(p);
    virStoragePoolFree(p);
    return n;
}

static int
engine_op_wait(struct engine *e, int rc)
{
    if (rc < 0)
        return -1;
    wait_for(op_finished, NULL, 10);
    return op_ok;
}

static void
test_vm_lifecycle(struct engine *e)
{
    virConnectPtr side = virConnectOpen("test:///default");
    struct vm_spec s;
    struct vm_edit ed;
    struct vm_wait w = { "vd-new", VM_RUNNING };
    struct vm *vm;
    int vols;
    char *xml;

    m = engine_model(e);
    v = engine_virt(e);
    /* the test driver's node has 3 GiB, all taken by 'test': stop it */
    op_ok = -2;
    is_int(engine_op_wait(e, engine_vm_op(e, "test", VM_OP_DESTROY, on_op, NULL)),
           1, "the default VM is powered off to make room");
    vols = vol_count(side);

    vm_spec_init(&s);
    s.name = xstrdup("vd-new");
    s.cluster = xstrdup("c1");
    s.mem_mib = 512;
    s.vcpus = 2;
    s.pool = xstrdup("default-pool");
    s.disk_gib = 1;
    s.net = VM_NET_NETWORK;
    s.net_source = xstrdup("default");
    s.start = true;
    s.ha = true;
    op_ok = -2;
    is_int(engine_op_wait(e, engine_vm_create(e, &s, on_op, NULL)), 1,
           "VM created and started: %s", op_msg);
    ok(wait_for(vm_in_state, &w, 5), "it runs");
    wait_for(idle, NULL, 5);
    vm = model_vm_by_name(m, "vd-new", NULL);
    ok(vm && vm->ha && vm->vcpus == 2 && vm->mem_max_kib == 512 * 1024,
       "HA flag, vCPUs and memory as asked");
    is_int(vol_count(side), vols + 1, "its disk volume was created");
    {
        virDomainPtr d = virDomainLookupByName(side, "vd-new");
        xml = d ? virDomainGetXMLDesc(d, 0) : NULL;
        ok(xml && strstr(xml, "vd-new-disk0.qcow2") != NULL &&
           strstr(xml, "<source network='default'") != NULL,
           "the domain has its new disk and its network");
        ok(xml && strstr(xml, VD_XMLNS) != NULL, "and virtdeck's metadata");
        free(xml);
        if (d)
            virDomainFree(d);
    }

    /* refused before anything is made */
    op_ok = -2;
    ok(engine_vm_create(e, &s, on_op, NULL) < 0, "the same name again is refused");
    ok(strstr(err_msg(), "already has a VM named 'vd-new'") != NULL, "%s",
       err_msg());
    free(s.name);
    s.name = xstrdup("a'<b>&");
    ok(engine_vm_create(e, &s, on_op, NULL) < 0, "a hostile name is refused");
    free(s.name);
    s.name = xstrdup("vd-big");
    s.mem_mib = 64 * 1024;
    ok(engine_vm_create(e, &s, on_op, NULL) < 0, "more memory than the host has");
    s.mem_mib = 256;
    s.vcpus = 64;
    ok(engine_vm_create(e, &s, on_op, NULL) < 0, "more vCPUs than the host has");
    s.vcpus = 1;

    /* fails half-way: the disk is made, the ISO is missing */
    free(s.name);
    s.name = xstrdup("vd-half");
    s.iso = xstrdup("default-pool/missing.iso");
    op_ok = -2;
    is_int(engine_op_wait(e, engine_vm_create(e, &s, on_op, NULL)), 0,
           "a missing ISO fails the creation: %s", op_msg);
    ok(strstr(op_msg, "Nothing was left behind") != NULL, "the message says so");
    is_int(vol_count(side), vols + 1, "the disk made before the failure is gone");
    {
        virDomainPtr d = virDomainLookupByName(side, "vd-half");
        ok(d == NULL, "no domain is left defined");
        if (d)
            virDomainFree(d);
    }
    vm_spec_clear(&s);

    /* edit: refused while running, done when off */
    memset(&ed, 0, sizeof(ed));
    ed.set_vcpus = true;
    ed.vcpus = 3;
    op_ok = -2;
    is_int(engine_op_wait(e, engine_vm_edit(e, "vd-new", &ed, on_op, NULL)), 0,
           "editing vCPUs of a running VM is refused");
    ok(strstr(op_msg, "power it off") != NULL, "%s", op_msg);
    op_ok = -2;
    is_int(engine_op_wait(e, engine_vm_op(e, "vd-new", VM_OP_DESTROY, on_op, NULL)),
           1, "powered off");
    w.st = VM_SHUTOFF;
    wait_for(vm_in_state, &w, 5);
    op_ok = -2;
    is_int(engine_op_wait(e, engine_vm_edit(e, "vd-new", &ed, on_op, NULL)), 1,
           "vCPUs changed while off");
    wait_for(idle, NULL, 5);
    {
        virDomainPtr d = virDomainLookupByName(side, "vd-new");
        xml = d ? virDomainGetXMLDesc(d, VIR_DOMAIN_XML_INACTIVE) : NULL;
        ok(xml && strstr(xml, ">3</vcpu>") != NULL, "the definition has 3 vCPUs");
        free(xml);
        if (d)
            virDomainFree(d);
    }
    memset(&ed, 0, sizeof(ed));
    ed.set_ha = true;
    ed.ha = false;
    op_ok = -2;
    is_int(engine_op_wait(e, engine_vm_edit(e, "vd-new", &ed, on_op, NULL)), 1,
           "HA flag cleared: %s", op_msg);

    /* delete with its disk */
    op_ok = -2;
    is_int(engine_op_wait(e, engine_vm_delete(e, "vd-new", true, on_op, NULL)), 1,
           "deleted with its disks: %s", op_msg);
    is_int(vol_count(side), vols, "the disk volume is gone");
    ok(wait_for(vm_absent, "vd-new", 5), "the VM left the model");
    ok(engine_vm_delete(e, "no-such-vm", false, on_op, NULL) < 0,
       "deleting an unknown VM is refused");
    virConnectClose(side);
}

static void
test_engine(void)
{
    struct config *cfg = config_new();
    struct engine *e;
    char *db = xasprintf("%s/inv.db", tap_tmpdir());
    struct model *em;

    e = engine_open(cfg, db, 0);
    ok(e && engine_is_demo(e), "a missing database opens the demo");
    ok(e && !store_file_exists(db), "and does not create the file");
    engine_free(&e);

    e = engine_open(cfg, db, ENGINE_WRITE);
    ok(e && !engine_is_demo(e), "ENGINE_WRITE creates the inventory");
    ok(engine_dc_add(e, "dc1", NULL) == 0, "dc added");
    ok(engine_dc_add(e, "a'<b>&", NULL) < 0, "hostile name refused");
    ok(strstr(err_msg(), "a'<b>&") != NULL, "message quotes it: %s", err_msg());
    ok(engine_cluster_add(e, "c1", "dc1", NULL) == 0, "cluster added");
    ok(engine_cluster_add(e, "c2", "nodc", NULL) < 0, "cluster in a missing dc refused");
    ok(engine_host_add(e, "h1", "test:///default", "c1") == 0, "host added");
    ok(engine_host_add(e, "h2", "no uri", "c1") < 0, "bad URI refused");
    engine_start(e);
    em = engine_model(e);
    {
        struct host *h = model_host_by_name(em, "h1");
        ok(h && wait_for(host_is_up, h, 10), "the new host connects");
    }
    ok(engine_host_remove(e, "h1") < 0, "removing a host that runs VMs is refused");
    ok(strstr(err_msg(), "runs") != NULL, "with the reason: %s", err_msg());
    ok(engine_cluster_remove(e, "c1") < 0, "a cluster with hosts is not removed");
    test_vm_lifecycle(e);
    ok(em->audit.len >= 6, "every change and refusal is audited (%zu)",
       em->audit.len);
    engine_free(&e);
    config_free(&cfg);
    free(db);
}

int
main(void)
{
    struct virt_opts o = { .connect_timeout = 5, .keepalive_interval = 5,
                           .keepalive_count = 3, .reconnect_min = 0.2,
                           .reconnect_max = 0.5 };

    setlocale(LC_ALL, "C.UTF-8");
    if (loop_init() < 0 || virt_global_init() < 0 || jobs_init() < 0) {
        printf("Bail out! %s\n", err_msg());
        return 1;
    }
    m = model_new();
    v = virt_new(m, &o, on_notify, NULL);
    test_default_driver();
    test_node_file();
    test_bad_hosts();
    virt_free(&v);
    model_free(&m);
    test_engine();
    jobs_shutdown();
    return tap_done();
}
