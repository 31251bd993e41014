/* fuzz_cli.c: the command line (cli.c) on arbitrary arguments: the
 * option parser, then the checks behind `vm create`, `vm edit`, the
 * migration options and `events --since`.  One argument per line.
 *
 * cli.c is compiled into this target so its static parsers can be
 * called; the engine's other modules come from the library. */
#include "../../src/cli.c"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_locale();
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_fields ff;
    struct cli_opts o;
    char *argv[FUZZ_MAX_FIELDS + 2];
    int argc = 0;

    if (size > 8 * 1024)
        return 0;
    fuzz_split(&ff, data, size, '\n');
    argv[argc++] = (char *)"virtdeck";
    for (int i = 0; i < ff.n; i++)
        argv[argc++] = ff.f[i];
    argv[argc] = NULL;

    if (cli_parse(argc, argv, &o) == CLI_OK) {
        struct migrate_opts mo;
        struct vm_edit ed;
        char *password = NULL;
        time_t since;

        FUZZ_CHECK(o.nwords >= 0 && o.nwords < argc, "nwords %d", o.nwords);
        /* never read a file the input names */
        o.password_file = NULL;
        if (o.nwords >= 3) {
            struct vm_spec s;
            vm_spec_init(&s);
            if (spec_from_opts(&o, &s) == CLI_OK && vm_spec_check(&s) == 0) {
                FUZZ_CHECK(s.vcpus >= 1 && s.vcpus <= 512, "vcpus %u",
                           s.vcpus);
                FUZZ_CHECK(s.n_boot <= VM_SPEC_MAX_BOOT, "boot %u", s.n_boot);
            }
            vm_spec_clear(&s);
        }
        if (edit_from_opts(&o, &ed, &password) == CLI_OK)
            FUZZ_CHECK(ed.n_boot <= VM_SPEC_MAX_BOOT, "boot %u", ed.n_boot);
        free(password);
        memset(&mo, 0, sizeof(mo));
        if (parse_migrate_opts(&o, &mo) == 0) {
            FUZZ_CHECK(mo.timeout_s <= 86400, "timeout %u", mo.timeout_s);
            if (migrate_opts_check(&mo) < 0)
                FUZZ_CHECK(fuzz_printable(err_msg()), "message '%s'",
                           err_msg());
        }
        if (o.since)
            (void)parse_since(o.since, &since);
    }
    fuzz_free(&ff);
    return 0;
}
