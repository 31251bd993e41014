/* fuzz_domxml_build.c: the domain XML builder (domxml.c) on what an
 * operator may type into the create form or the CLI.  One field per
 * line:
 *
 *   name, vcpus, memory MiB, disk GiB, disk volume, network ("network
 *   NAME" or "bridge NAME"), boot list, ISO (POOL/VOLUME), kernel,
 *   initrd, kernel command line, graphics, listen, password, ha (1/0),
 *   run-once kernel boot (1/0)
 *
 * A spec that vm_spec_check() accepts must give XML that domxml's own
 * parser reads back with the same name, vCPUs, memory, graphics and HA,
 * and that libvirt's test driver defines and returns with the same. */
#include <config.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <unistd.h>
#include "domxml.h"
#include "fuzz.h"
#include "util/err.h"
#include "util/mem.h"
#include "vmspec.h"

static virConnectPtr conn;
static char dir[] = "/tmp/virtdeck-fuzz-domxml.XXXXXX";
static char node[96];

static void
quiet(void *opaque, virErrorPtr e)
{
}

static void
remove_dir(void)
{
    unlink(node);
    rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char uri[128];
    FILE *f;

    fuzz_locale();
    virSetErrorFunc(NULL, quiet);
    if (!mkdtemp(dir))
        abort();
    atexit(remove_dir);
    /* A host with no domains: every name is free. */
    snprintf(node, sizeof(node), "%s/node.xml", dir);
    f = fopen(node, "w");
    if (!f)
        abort();
    fputs("<node><cpu><nodes>1</nodes><sockets>1</sockets><cores>2</cores>"
          "<threads>1</threads><active>2</active><mhz>2000</mhz>"
          "<model>x86_64</model></cpu><memory>8388608</memory></node>\n", f);
    fclose(f);
    snprintf(uri, sizeof(uri), "test://%s", node);
    conn = virConnectOpen(uri);
    if (!conn) {
        fprintf(stderr, "cannot open %s: %s\n", uri, virGetLastErrorMessage());
        abort();
    }
    return 0;
}

static char *
opt(const struct fuzz_fields *ff, int i)
{
    const char *v = fuzz_field(ff, i);
    return v && *v ? xstrdup(v) : NULL;
}

static bool
same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && streq(a, b));
}

/* What came back (c) against what was asked (s). */
static void
check_conf(const char *where, const struct vm_spec *s,
           const struct vm_conf *c, const char *xml)
{
    const char *gfx = s->gfx == VM_GFX_NONE ? NULL : vm_gfx_name(s->gfx);

    FUZZ_CHECK(same(c->name, s->name), "%s: name '%s' came back as '%s'\n%s",
               where, s->name, c->name ? c->name : "(none)", xml);
    FUZZ_CHECK(c->vcpus == s->vcpus, "%s: vcpus %u came back as %u\n%s",
               where, s->vcpus, c->vcpus, xml);
    FUZZ_CHECK(c->mem_max_kib == s->mem_mib * 1024,
               "%s: memory %llu MiB came back as %llu KiB\n%s", where,
               (unsigned long long)s->mem_mib,
               (unsigned long long)c->mem_max_kib, xml);
    FUZZ_CHECK(same(c->graphics, gfx), "%s: graphics %s came back as %s\n%s",
               where, gfx ? gfx : "none", c->graphics ? c->graphics : "none",
               xml);
    if (gfx)
        FUZZ_CHECK(same(c->gfx_listen, s->listen),
                   "%s: listen %s came back as %s\n%s", where, s->listen,
                   c->gfx_listen ? c->gfx_listen : "(none)", xml);
    FUZZ_CHECK(c->ha == s->ha, "%s: ha %d came back as %d\n%s", where, s->ha,
               c->ha, xml);
}

static void
roundtrip_libvirt(const struct vm_spec *s, const char *xml, bool password)
{
    virDomainPtr dom = virDomainDefineXML(conn, xml);
    struct vm_conf c;
    char *back;

    FUZZ_CHECK(dom, "libvirt refused a spec vm_spec_check accepted: %s\n%s",
               virGetLastErrorMessage(), xml);
    back = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE |
                                    VIR_DOMAIN_XML_SECURE);
    FUZZ_CHECK(back, "no XML back: %s", virGetLastErrorMessage());
    FUZZ_CHECK(domxml_parse(back, -1, &c) == 0, "libvirt's XML: %s\n%s",
               err_msg(), back);
    check_conf("libvirt", s, &c, back);
    if (s->gfx != VM_GFX_NONE)
        FUZZ_CHECK(c.gfx_password == password, "password lost\n%s", back);
    vm_conf_clear(&c);
    free(back);
    FUZZ_CHECK(virDomainUndefine(dom) == 0, "undefine: %s",
               virGetLastErrorMessage());
    virDomainFree(dom);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_fields ff;
    struct vm_spec s;
    struct domxml_target t = {
        .type = "test", .arch = "x86_64", .machine = "pc",
        .uuid = "6a0e7c3e-5d2b-4c8e-9a51-0f3b1e2d4c5a",
        .serial_log = "/var/log/virtdeck/console.log",
    };
    struct vm_conf c;
    const char *v;
    char *xml, *disk = NULL, *iso = NULL;

    if (size > 16 * 1024)
        return 0;
    fuzz_split(&ff, data, size, '\n');
    vm_spec_init(&s);
    s.name = opt(&ff, 0);
    s.cluster = xstrdup("Default");
    if ((v = fuzz_field(&ff, 1)))
        s.vcpus = (unsigned)strtoul(v, NULL, 10);
    if ((v = fuzz_field(&ff, 2)))
        s.mem_mib = strtoull(v, NULL, 10);
    if ((v = fuzz_field(&ff, 3)))
        s.disk_gib = strtoull(v, NULL, 10);
    s.disk_volume = opt(&ff, 4);
    if (s.disk_gib || s.disk_volume)
        s.pool = xstrdup("default");
    if ((v = fuzz_field(&ff, 5)) && *v) {
        const char *sp = strchr(v, ' ');
        s.net = strncmp(v, "bridge ", 7) == 0 ? VM_NET_BRIDGE : VM_NET_NETWORK;
        s.net_source = xstrdup(sp ? sp + 1 : v);
    }
    if ((v = fuzz_field(&ff, 6)) && *v && vm_spec_parse_boot(&s, v) < 0)
        goto done;
    s.iso = opt(&ff, 7);
    s.kernel = opt(&ff, 8);
    s.initrd = opt(&ff, 9);
    s.cmdline = opt(&ff, 10);
    if ((v = fuzz_field(&ff, 11)) && vm_gfx_parse(v, &s.gfx) < 0)
        goto done;
    if ((v = fuzz_field(&ff, 12))) {
        free(s.listen);
        s.listen = xstrdup(v);
    }
    s.password = opt(&ff, 13);
    s.ha = (v = fuzz_field(&ff, 14)) && *v == '1';
    t.with_kernel = (v = fuzz_field(&ff, 15)) && *v == '1';

    if (vm_spec_check(&s) < 0) {
        FUZZ_CHECK(fuzz_printable(err_msg()), "message '%s'", err_msg());
        goto done;
    }
    /* the paths the backend would find for the volumes */
    if (s.disk_gib || s.disk_volume) {
        disk = xasprintf("/var/lib/libvirt/images/%s",
                         s.disk_volume ? s.disk_volume : s.name);
        t.disk_path = disk;
        t.disk_format = s.disk_gib ? s.disk_format : "raw";
    }
    if (s.iso) {
        iso = xasprintf("/var/lib/libvirt/isos/%s", strchr(s.iso, '/') + 1);
        t.iso_path = iso;
    }
    xml = domxml_build(&s, &t);
    FUZZ_CHECK(domxml_parse(xml, -1, &c) == 0, "own XML: %s\n%s", err_msg(),
               xml);
    check_conf("domxml", &s, &c, xml);
    vm_conf_clear(&c);
    roundtrip_libvirt(&s, xml, s.password && *s.password);
    free(xml);

done:
    free(disk);
    free(iso);
    vm_spec_clear(&s);
    fuzz_free(&ff);
    return 0;
}
