/* fuzz_forms.c: the checks behind the console's forms (ui/formkit.c,
 * ui/vmform.c, ui/actions.c, and the engine parsers the forms call) on
 * arbitrary field text: numbers, the network field, boot order, console
 * type, migration timeout action, storage role, key names.  Each field is the whole input (to the first
 * NUL).  A number a form accepts must be the number typed. */
#include "../../ui/vmform.c"
#include <errno.h>
#include "migrate.h"
#include "model.h"
#include "ui/actions.h"
#include "ui/formkit.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_locale();
    return 0;
}

static void
check_num(const char *s, unsigned long long max)
{
    unsigned long long v = 12345, want;
    char *end;

    if (formkit_parse_num(s, max, &v) < 0)
        return;
    errno = 0;
    want = strtoull(s, &end, 10);
    FUZZ_CHECK(errno == 0 && !*end && *s >= '0' && *s <= '9',
               "'%s' accepted as %llu", s, v);
    FUZZ_CHECK(v == want && v <= max, "'%s' read as %llu, max %llu", s, v,
               max);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    enum vm_net net;
    char *source = NULL;
    int key;

    memcpy(s, data, size);
    s[size] = '\0';

    /* the limits the forms use */
    check_num(s, 512);
    check_num(s, 16ULL * 1024 * 1024);
    check_num(s, 1ULL << 40);
    check_num(s, UINT_MAX);
    check_num(s, ULONG_MAX);
    check_num(s, ULLONG_MAX / 10);

    if (parse_network(s, &net, &source) == 0) {
        FUZZ_CHECK((net == VM_NET_NONE) == !source, "net %d source %s", net,
                   source ? source : "(none)");
        if (source)
            FUZZ_CHECK(*source && !strchr(source, ' '), "source '%s'",
                       source);
    }
    free(source);

    {
        struct vm_spec sp;
        enum vm_gfx g;
        enum mig_timeout_action a;
        enum sd_role r;

        memset(&sp, 0, sizeof(sp));
        if (vm_spec_parse_boot(&sp, s) == 0)
            FUZZ_CHECK(sp.n_boot >= 1 && sp.n_boot <= VM_SPEC_MAX_BOOT,
                       "boot '%s': %u devices", s, sp.n_boot);
        else
            FUZZ_CHECK(fuzz_printable(err_msg()), "message '%s'", err_msg());
        if (vm_gfx_parse(s, &g) == 0)
            FUZZ_CHECK(streq(vm_gfx_name(g), s), "console type '%s'", s);
        if (mig_timeout_action_parse(s, &a) == 0)
            FUZZ_CHECK(streq(mig_timeout_action_name(a), s), "action '%s'", s);
        (void)sd_role_parse(s, &r);
    }

    if (key_parse(s, &key) == 0) {
        char label[64];
        key_label(key, label, sizeof(label));
        FUZZ_CHECK(*label, "key '%s' has no label", s);
    }
    free(s);
    return 0;
}
