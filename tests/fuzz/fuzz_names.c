/* fuzz_names.c: the checks on names, URIs, file names, iSCSI and NFS
 * addresses (valid.c, sd_iscsi.c, sd_nfs.c, gfxinfo.c, util/text.c) on
 * arbitrary text.  Whatever a check accepts must keep the promises of
 * its header; whatever it refuses gets a message safe to print. */
#include <config.h>
#include "fuzz.h"
#include "gfxinfo.h"
#include "sd_iscsi.h"
#include "sd_nfs.h"
#include "util/err.h"
#include "util/text.h"
#include "valid.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_locale();
    return 0;
}

/* A refusal: the message is there and prints safely. */
static void
check_refusal(const char *what, const char *s)
{
    const char *m = err_msg();

    FUZZ_CHECK(m && *m, "%s refused '%s' without a message", what, s);
    FUZZ_CHECK(fuzz_printable(m), "%s's message is not printable: '%s'",
               what, m);
}

static size_t
chars(const char *s)
{
    size_t n = mbstowcs(NULL, s, 0);
    return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    char *t, *host = NULL;
    int port = 0;

    memcpy(s, data, size);
    s[size] = '\0';

    if (valid_name("VM", s) == 0) {
        FUZZ_CHECK(fuzz_printable(s), "accepted name is not printable");
        FUZZ_CHECK(chars(s) <= VALID_NAME_MAX, "accepted name too long");
        FUZZ_CHECK(!strpbrk(s, "/ \t'\"<>&\\:;$`|*?"),
                   "accepted name '%s' holds a special character", s);
        FUZZ_CHECK(s[0] != '.' && s[0] != '-', "accepted name '%s'", s);
    } else {
        check_refusal("valid_name", s);
    }

    if (valid_file_name(s) == 0) {
        FUZZ_CHECK(!strchr(s, '/') && s[0] != '.' && strlen(s) <= 255,
                   "accepted file name '%s'", s);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
            FUZZ_CHECK(*p >= 0x20 && *p != 0x7f, "control in file name");
    } else {
        check_refusal("valid_file_name", s);
    }

    if (valid_uri(s) == 0) {
        FUZZ_CHECK(strstr(s, "://") && strlen(s) <= VALID_URI_MAX,
                   "accepted URI '%s'", s);
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
            FUZZ_CHECK(*p > 0x20 && *p != 0x7f, "blank in URI");
        t = gfx_uri_host(s);
        FUZZ_CHECK(t != NULL, "no host part for URI '%s'", s);
        free(t);
    } else {
        check_refusal("valid_uri", s);
    }

    if (sd_iscsi_valid_name(s))
        FUZZ_CHECK(!strpbrk(s, " \t\n/"), "accepted IQN '%s'", s);

    if (sd_iscsi_parse_portal(s, &host, &port) == 0) {
        FUZZ_CHECK(host && *host && !strpbrk(host, "[]"),
                   "portal '%s' gave host '%s'", s, host ? host : "(null)");
        FUZZ_CHECK(port >= 1 && port <= 65535, "portal port %d", port);
    } else {
        check_refusal("sd_iscsi_parse_portal", s);
    }
    free(host);

    if (sd_nfs_valid_server(s) < 0)
        check_refusal("sd_nfs_valid_server", s);
    if (sd_nfs_valid_export(s) == 0)
        FUZZ_CHECK(s[0] == '/', "accepted export '%s'", s);
    else
        check_refusal("sd_nfs_valid_export", s);

    t = text_safe(s);
    FUZZ_CHECK(fuzz_printable(t), "text_safe left '%s'", t);
    FUZZ_CHECK(text_width(t) >= 0, "negative width");
    free(t);
    free(s);
    return 0;
}
