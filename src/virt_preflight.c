/* virt_preflight.c: the libvirt side of the host preflight (see
 * preflight.h): open the URI as the engine would (never a tty prompt),
 * ask the host's name and capabilities, close.  Blocking: runs in a
 * job. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "preflight.h"
#include "virt_priv.h"
#include "util/i18n.h"
#include "util/mem.h"

static int
pf_auth_refuse(virConnectCredentialPtr cred, unsigned int ncred,
               void *cbdata)
{
    /* credentials come from keys, certificates or SASL configuration */
    return -1;
}

void
virt_preflight_query(const char *uri, struct pf_libvirt *out)
{
    int credtypes[] = { VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE,
                        VIR_CRED_ECHOPROMPT, VIR_CRED_NOECHOPROMPT };
    virConnectAuth auth = { credtypes, 4, pf_auth_refuse, NULL };
    virConnectPtr conn = NULL;
    char *u;

    memset(out, 0, sizeof(*out));
    /* ssh must never ask for a password on our terminal */
    if (strncmp(uri, "qemu+ssh:", 9) == 0 && !strstr(uri, "no_tty="))
        u = xasprintf("%s%cno_tty=1", uri, strchr(uri, '?') ? '&' : '?');
    else
        u = xstrdup(uri);
    conn = virConnectOpenAuth(u, &auth, 0);
    if (!conn) {
        out->error = virt_last_error();
        goto cleanup;
    }
    out->hostname = virConnectGetHostname(conn);
    out->caps = virConnectGetCapabilities(conn);

cleanup:
    if (conn)
        virConnectClose(conn);
    free(u);
}

void
pf_libvirt_clear(struct pf_libvirt *l)
{
    free(l->error);
    free(l->hostname);
    free(l->caps);
    memset(l, 0, sizeof(*l));
}
