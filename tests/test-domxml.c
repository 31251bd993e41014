/* test-domxml.c: reading domain XML and writing virtdeck's metadata. */
#include <config.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include "src/domxml.h"
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
    return tap_done();
}
