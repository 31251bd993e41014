/* test-domxml.c: reading domain XML and writing virtdeck's metadata;
 * iSCSI disks with CHAP (auth naming a libvirt secret, the secret's own
 * XML, the checks on a CHAP secret). */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "src/domxml.h"
#include "src/vmspec.h"
#include "src/util/err.h"
#include "tests/tap.h"

static const char *xml_ha =
    "<domain type='kvm'><name>a&apos;&lt;b&gt;&amp;</name>"
    "<uuid>6f1a2c4e-0000-4000-8000-000000000001</uuid>"
    "<memory unit='MiB'>2048</memory><vcpu current='2'>4</vcpu>"
    "<os><type arch='x86_64'>hvm</type></os>"
    "<metadata><virtdeck:vm xmlns:virtdeck='" VD_XMLNS "'>"
    "<virtdeck:ha>yes</virtdeck:ha></virtdeck:vm>"
    "<other:x xmlns:other='http://example.invalid/x'><other:ha>no</other:ha></other:x>"
    "</metadata>"
    "<devices><graphics type='spice' port='5900'/></devices></domain>";

/* iSCSI with CHAP: the disk names the hosts' secret, never its value. */
static void
test_chap(void)
{
    struct vm_spec s;
    struct domxml_target t = { .type = "qemu" };
    char *xml, *sec;
    const char *p;

    vm_spec_init(&s);
    s.name = strdup("chapvm");
    s.cluster = strdup("c");
    s.disk_domain = strdup("chapdata");
    s.chap_secret = strdup("s3cr3t-Value");
    s.gfx = VM_GFX_NONE;
    s.disk_net.protocol = strdup("iscsi");
    s.disk_net.host = strdup("127.0.0.1");
    s.disk_net.port = strdup("3260");
    s.disk_net.name = strdup("iqn.2024-01.org.virtdeck.lab:chap/1");
    s.disk_net.auth_user = strdup("vd'lab");
    s.disk_net.secret_usage = strdup("virtdeck-chapdata");
    ok(vm_spec_check(&s) == 0, "a spec with a CHAP secret and its domain "
       "passes: %s", err_msg());
    xml = domxml_build(&s, &t);
    ok(strstr(xml, "<auth username=\"vd'lab\">") != NULL,
       "the disk has auth with the CHAP user");
    ok(strstr(xml, "<secret type=\"iscsi\" usage=\"virtdeck-chapdata\"/>")
       != NULL, "naming the hosts' secret by its usage");
    p = strstr(xml, "<source protocol=\"iscsi\"");
    ok(p && strstr(p, "<auth") && strstr(p, "<auth") < strstr(p, "</source>"),
       "auth inside the iSCSI source");
    ok(strstr(xml, "s3cr3t") == NULL, "the secret's value is not in the XML");
    free(xml);

    /* no CHAP user: no auth */
    free(s.disk_net.auth_user);
    s.disk_net.auth_user = NULL;
    xml = domxml_build(&s, &t);
    ok(strstr(xml, "<auth") == NULL, "without a CHAP user no auth element");
    free(xml);

    free(s.disk_domain);
    s.disk_domain = NULL;
    s.n_boot = 0;       /* no disk to boot from either */
    ok(vm_spec_check(&s) < 0, "a CHAP secret without a data domain refused");
    ok(strstr(err_msg(), "s3cr3t") == NULL && strstr(err_msg(), "CHAP"),
       "saying so without quoting it: %s", err_msg());
    s.disk_domain = strdup("chapdata");
    free(s.chap_secret);
    s.chap_secret = strdup("two\nlines");
    ok(vm_spec_check(&s) < 0, "a CHAP secret with a control character "
       "refused: %s", err_msg());
    free(s.chap_secret);
    s.chap_secret = strdup("");
    ok(vm_spec_check(&s) < 0, "an empty CHAP secret refused");
    free(s.chap_secret);
    s.chap_secret = malloc(257);
    memset(s.chap_secret, 'x', 256);
    s.chap_secret[256] = '\0';
    ok(vm_spec_check(&s) < 0, "a CHAP secret of 256 bytes refused");
    s.chap_secret[255] = '\0';
    ok(vm_spec_check(&s) == 0, "one of 255 bytes passes");

    {
        struct vm_spec c;
        vm_spec_copy(&c, &s);
        is_str(c.disk_net.secret_usage, "virtdeck-chapdata",
               "a copy keeps the secret's usage");
        ok(c.chap_secret && c.chap_secret != s.chap_secret &&
           strcmp(c.chap_secret, s.chap_secret) == 0,
           "and has its own copy of the CHAP secret");
        vm_spec_clear(&c);
        ok(c.chap_secret == NULL, "cleared with the spec");
    }
    vm_spec_clear(&s);

    sec = domxml_secret("virtdeck-a'<b>&", "virtdeck: CHAP of storage domain "
                        "a'<b>&");
    ok(strstr(sec, "<secret ephemeral=\"no\" private=\"yes\">") != NULL,
       "the secret is persistent and private");
    ok(strstr(sec, "<usage type=\"iscsi\">") != NULL, "of usage type iscsi");
    ok(strstr(sec, "<target>virtdeck-a'&lt;b&gt;&amp;</target>") != NULL,
       "its usage name escaped: %s", sec);
    ok(strstr(sec, "<description>virtdeck: CHAP of storage domain "
              "a'&lt;b&gt;&amp;</description>") != NULL,
       "with a description");
    ok(strstr(sec, "<uuid") == NULL && strstr(sec, "<value") == NULL,
       "without a UUID or a value");
    free(sec);
}

int
main(void)
{
    struct vm_conf c;
    char *meta, *doc;

    ok(domxml_parse(xml_ha, -1, &c) == 0, "domain parses");
    is_str(c.name, "a'<b>&", "escaped name decoded");
    is_str(c.uuid, "6f1a2c4e-0000-4000-8000-000000000001", "uuid");
    is_int(c.vcpus, 2, "current vCPUs preferred");
    is_int((long long)c.mem_max_kib, 2048 * 1024, "MiB converted to KiB");
    is_str(c.os_type, "hvm", "os type");
    is_str(c.graphics, "spice", "graphics type");
    ok(c.ha, "HA flag from virtdeck metadata");
    vm_conf_clear(&c);

    ok(domxml_parse("<domain><name>x</name><memory>1024</memory></domain>", -1,
                    &c) == 0, "minimal domain parses");
    is_int((long long)c.mem_max_kib, 1024, "memory without unit is KiB");
    ok(!c.ha && c.graphics == NULL, "no metadata: not HA, no graphics");
    vm_conf_clear(&c);

    ok(domxml_parse("<network/>", -1, &c) < 0, "not a domain refused");
    ok(domxml_parse("<domain><name>", -1, &c) < 0, "broken XML refused");
    ok(strlen(err_msg()) > 0, "with a message: %s", err_msg());
    ok(domxml_parse("", 0, &c) < 0, "empty input refused");

    {
        /* Found by fuzz_domxml_parse: with a length given, the XML need
         * not end in a NUL, and nothing may read past it (ASan). */
        static const char disk[] =
            "<domain><name>x</name><devices><disk type='file' "
            "device='disk'><source file='/v/x.qcow2'/></disk></devices>"
            "</domain>";
        char *exact = malloc(sizeof(disk) - 1);
        memcpy(exact, disk, sizeof(disk) - 1);
        ok(domxml_parse(exact, (int)sizeof(disk) - 1, &c) == 0,
           "XML without a NUL parses with its length");
        ok(c.local_disks, "and its local disk is seen");
        vm_conf_clear(&c);
        free(exact);
    }

    meta = domxml_metadata(true);
    ok(strstr(meta, "<ha>yes</ha>") != NULL, "metadata element for SetMetadata");
    ok(strstr(meta, "xmlns") == NULL, "without a namespace of its own");
    free(meta);
    (void)doc;
    test_chap();
    return tap_done();
}
