/* virt_secret.c: libvirt secrets on a host (the backend side; see
 * virt.h): the CHAP secret of an iSCSI storage domain, which QEMU needs
 * to open a VM's iscsi:// disk with CHAP.
 *
 * The value only passes through: it is copied for the job, handed to
 * virSecretSetValue, and zeroed when the job ends.  It is never logged,
 * never put in a message and never read back (the secrets are private:
 * libvirt refuses to show their value to any client).  Each call is one
 * job on a worker thread: a host that hangs holds that thread only. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include "domxml.h"
#include "jobs.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/mem.h"
#include "virt_priv.h"

struct secret_job {
    struct vconn *vc;
    virConnectPtr conn;
    char *host_name, *usage, *description;
    char *value;                /* NULL for a removal */
    virt_secret_fn set_done;
    virt_done_fn remove_done;
    void *opaque;
    char *error;
    bool created;
};

/* The secret named usage, or NULL: *error set when the lookup failed for
 * another reason than its absence. */
static virSecretPtr
lookup(virConnectPtr conn, const char *usage, char **error)
{
    virSecretPtr sec = virSecretLookupByUsage(conn, VIR_SECRET_USAGE_TYPE_ISCSI,
                                              usage);

    if (!sec && virGetLastErrorCode() != VIR_ERR_NO_SECRET)
        *error = virt_last_error();
    virResetLastError();
    return sec;
}

static void
set_run(void *arg)
{
    struct secret_job *j = arg;
    virSecretPtr sec = lookup(j->conn, j->usage, &j->error);
    char *xml = NULL;

    if (j->error)
        return;
    if (!sec) {
        xml = domxml_secret(j->usage, j->description);
        sec = virSecretDefineXML(j->conn, xml, 0);
        if (!sec) {
            /* another create may have defined it just now */
            char *e = virt_last_error();
            sec = lookup(j->conn, j->usage, &j->error);
            if (!sec && !j->error)
                j->error = xasprintf(_("cannot define the libvirt secret "
                                       "'%s': %s"), j->usage, e);
            free(e);
            if (!sec)
                goto cleanup;
        } else {
            j->created = true;
        }
    }
    if (virSecretSetValue(sec, (const unsigned char *)j->value,
                          strlen(j->value), 0) < 0) {
        char *e = virt_last_error();
        j->error = xasprintf(_("cannot set the value of the libvirt secret "
                               "'%s': %s"), j->usage, e);
        free(e);
        if (j->created && virSecretUndefine(sec) == 0)
            j->created = false;
    }
cleanup:
    if (sec)
        virSecretFree(sec);
    free(xml);
}

static void
remove_run(void *arg)
{
    struct secret_job *j = arg;
    virSecretPtr sec = lookup(j->conn, j->usage, &j->error);

    if (sec) {
        if (virSecretUndefine(sec) < 0)
            j->error = virt_last_error();
        virSecretFree(sec);
    }
}

static void
secret_done(void *arg)
{
    struct secret_job *j = arg;
    char *msg = NULL;

    if (j->error)
        msg = xasprintf(_("host '%s': %s"), j->host_name, j->error);
    if (j->set_done)
        j->set_done(j->opaque, !j->error, msg, j->created);
    if (j->remove_done)
        j->remove_done(j->opaque, !j->error, msg);
    free(msg);
    virConnectClose(j->conn);
    virt_release(j->vc);
    if (j->value) {
        explicit_bzero(j->value, strlen(j->value));
        free(j->value);
    }
    free(j->host_name);
    free(j->usage);
    free(j->description);
    free(j->error);
    free(j);
}

static struct secret_job *
secret_job_new(struct virt *v, int64_t host_id, const char *host_name,
               const char *usage, void *opaque)
{
    struct secret_job *j = xcalloc(1, sizeof(*j));

    j->vc = virt_hold(v, host_id, &j->conn);
    if (!j->vc) {
        free(j);
        return NULL;
    }
    j->host_name = xstrdup(host_name);
    j->usage = xstrdup(usage);
    j->opaque = opaque;
    return j;
}

int
virt_secret_set(struct virt *v, int64_t host_id, const char *host_name,
                const char *usage, const char *description, const char *value,
                virt_secret_fn done, void *opaque)
{
    struct secret_job *j;

    if (!value || !*value) {
        err_set(_("The libvirt secret '%s' needs a value."), usage);
        return -1;
    }
    j = secret_job_new(v, host_id, host_name, usage, opaque);
    if (!j)
        return -1;
    j->description = xstrdup(description);
    j->value = xstrdup(value);
    j->set_done = done;
    jobs_submit(set_run, secret_done, j);
    return 0;
}

int
virt_secret_remove(struct virt *v, int64_t host_id, const char *host_name,
                   const char *usage, virt_done_fn done, void *opaque)
{
    struct secret_job *j = secret_job_new(v, host_id, host_name, usage,
                                          opaque);

    if (!j)
        return -1;
    j->remove_done = done;
    jobs_submit(remove_run, secret_done, j);
    return 0;
}
