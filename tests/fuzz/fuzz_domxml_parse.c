/* fuzz_domxml_parse.c: domxml's readers on arbitrary XML, as a host we
 * do not control may return it: the domain parser (given the exact
 * length, no terminating NUL), the disk walkers, the capabilities reader
 * and the editor.  An edit of a domain that parses must parse again and
 * carry the edit. */
#include <config.h>
#include "domxml.h"
#include "fuzz.h"
#include "util/err.h"
#include "vmspec.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_locale();
    return 0;
}

static void
free_list(char **l)
{
    for (size_t i = 0; l && l[i]; i++)
        free(l[i]);
    free(l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vm_conf c, c2;
    char *exact, *xml, *out;
    char **paths = NULL;
    char *type, *arch, *machine, *emulator;
    struct vm_edit e = {
        .set_vcpus = true, .vcpus = 3, .set_mem = true, .mem_mib = 2048,
        .set_boot = true, .boot = { VM_BOOT_CDROM, VM_BOOT_DISK },
        .n_boot = 2, .set_gfx = true, .gfx = VM_GFX_SPICE,
        .listen = "127.0.0.1", .password = NULL, .set_ha = true, .ha = true,
    };
    int parsed;

    if (size > 64 * 1024 || size > (size_t)INT32_MAX)
        return 0;
    /* exactly size bytes: a reader that runs past len is caught here */
    exact = malloc(size ? size : 1);
    memcpy(exact, data, size);
    parsed = domxml_parse(exact, (int)size, &c) == 0;
    free(exact);
    if (parsed) {
        FUZZ_CHECK(c.devices != NULL, "no device list");
        FUZZ_CHECK(memchr(c.uuid, '\0', sizeof(c.uuid)), "uuid unterminated");
    }

    xml = malloc(size + 1);
    memcpy(xml, data, size);
    xml[size] = '\0';
    if (parsed && strlen(xml) == size) {
        if (domxml_disk_paths(xml, &paths) == 0)
            free_list(paths);
        paths = NULL;
        if (domxml_local_disks(xml, &paths) == 0)
            free_list(paths);
        out = domxml_edit(xml, &e);
        FUZZ_CHECK(out, "a domain that parses cannot be edited: %s",
                   err_msg());
        FUZZ_CHECK(domxml_parse(out, -1, &c2) == 0,
                   "the edited domain does not parse: %s\n%s", err_msg(), out);
        FUZZ_CHECK(c2.vcpus == 3 && c2.mem_max_kib == 2048 * 1024 && c2.ha,
                   "the edit did not stick: vcpus %u memory %llu ha %d\n%s",
                   c2.vcpus, (unsigned long long)c2.mem_max_kib, c2.ha, out);
        vm_conf_clear(&c2);
        free(out);
    }
    if (parsed)
        vm_conf_clear(&c);
    if (strlen(xml) == size &&
        domxml_caps_guest(xml, &type, &arch, &machine, &emulator) == 0) {
        free(type);
        free(arch);
        free(machine);
        free(emulator);
    }
    free(xml);
    return 0;
}
