/* engine_disks.c: VM disks and ISO images on storage domains.
 *
 * A VM created with its disk on a data domain gets a network disk that
 * every host of the data center can open, which is what lets it migrate
 * without a storage copy and restart elsewhere after a host failure:
 *  - NFS: a sparse raw file EXPORT/disks/IMAGE-UUID.img, made through
 *    libnfs on behalf of the data center's SPM (created exclusively,
 *    36:36, 0660) before the domain is defined, removed again when the
 *    definition fails; QEMU opens it as nfs:// speaking as vdsm:kvm;
 *  - iSCSI: a whole LUN of the domain that no VM uses yet, opened by QEMU
 *    as iscsi://.  With CHAP, the secret the operator gives is first
 *    tried from here (a login to the target, so a wrong one never
 *    reaches a host), then defined as a private libvirt secret of usage
 *    type iscsi ("virtdeck-DOMAIN") on every Up host of the VM's cluster,
 *    so that the VM can migrate and restart there; the domain XML only
 *    names it.  A host that refuses stops the create, and the secrets
 *    this create defined are undefined again.  The secret is wiped from
 *    memory once the hosts have it, and never logged, stored or put in a
 *    message.
 * An ISO given as DOMAIN/FILE, where DOMAIN is an ISO domain attached to
 * the data center, becomes an nfs:// CD-ROM (ISO exports must be
 * writable: QEMU's NFS driver opens even a read-only CD-ROM read-write).
 * Content changes (creating and removing disk files) need an SPM and are
 * refused, with the reason, while the data center has none. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "engine_priv.h"
#include "loop.h"
#include <sys/stat.h>
#include "sd_iscsi.h"
#include "sd_nfs.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "vmspec.h"

/* Seconds the login that tries a CHAP secret may take. */
#define CHAP_CHECK_TIMEOUT 15

/* An attached, active domain of the data center, or NULL (err_set). */
static struct sd *
dc_domain(struct engine *e, const char *name, int64_t dc_id)
{
    struct sd *sd = model_sd_by_name(e->m, name);
    struct dc *dc = model_dc_by_id(e->m, dc_id);
    struct sd_att *att;

    if (!sd) {
        err_set(_("There is no storage domain named '%s'."), name);
        return NULL;
    }
    att = model_sd_att(sd, dc_id);
    if (!att) {
        err_set(_("Storage domain '%s' is not attached to data center '%s': "
                  "attach it first."), name, dc ? dc->name : "?");
        return NULL;
    }
    if (!att->active) {
        err_set(_("Storage domain '%s' is in maintenance in data center "
                  "'%s': activate it first."), name, dc ? dc->name : "?");
        return NULL;
    }
    return sd;
}

static void
random_uuid(char out[37])
{
    unsigned char b[16];

    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
        /* never fails for 16 bytes once the pool is ready; be safe */
        for (size_t i = 0; i < sizeof(b); i++)
            b[i] = (unsigned char)rand();
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
             b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static int
nfs_source(const struct sd *sd, const char *dir, const char *file,
           struct vm_netsrc *out)
{
    struct sd_nfs_source src;

    if (sd_nfs_disk_source(sd->address, sd->path, dir, file, &src) < 0)
        return -1;
    out->protocol = src.protocol;
    out->host = src.host;
    out->name = src.name;
    out->port = NULL;
    out->identity = true;
    return 0;
}

/* Whether a VM of the model has the LUN "IQN/LUN" as a disk. */
static bool
lun_in_use(struct engine *e, const char *iqn, unsigned lun)
{
    char *want = xasprintf("iscsi:%s/%u", iqn, lun);
    bool used = false;

    for (size_t i = 0; i < e->m->hosts.len && !used; i++) {
        struct host *h = e->m->hosts.items[i];
        for (size_t j = 0; j < h->vms.len && !used; j++) {
            struct vm *vm = h->vms.items[j];
            for (const char *d = vm_device_next(vm, NULL); d;
                 d = vm_device_next(vm, d)) {
                const char *w = strrchr(d, ' ');
                if (w && streq(w + 1, want)) {
                    used = true;
                    break;
                }
            }
        }
    }
    free(want);
    return used;
}

/* The usage name of the hosts' libvirt secret that holds the CHAP secret
 * of the storage domain sd_name.  Owned. */
static char *
chap_usage(const char *sd_name)
{
    return xasprintf("virtdeck-%s", sd_name);
}

/* A free LUN of sd as a network disk; with CHAP (secret given: the
 * caller checks it), the disk names the hosts' libvirt secret. */
static int
iscsi_source(struct engine *e, const struct sd *sd, const char *secret,
             struct vm_netsrc *out)
{
    char *host = NULL, *luns, *save = NULL;
    int port;
    long pick = -1;
    bool chap = sd->chap_user && *sd->chap_user;

    if (chap && (!secret || !*secret)) {
        err_set(_("Storage domain '%s' logs in with CHAP as user '%s': give "
                  "its CHAP secret (vm create --chap-secret-file FILE, or "
                  "the create form's CHAP secret field)."),
                sd->name, sd->chap_user);
        return -1;
    }
    if (sd_iscsi_parse_portal(sd->address, &host, &port) < 0)
        return -1;
    luns = xstrdup(sd->luns ? sd->luns : "");
    for (char *t = strtok_r(luns, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        char *end;
        long n = strtol(t, &end, 10);
        if (*end || n < 0 || n > 16383)
            continue;
        if (!lun_in_use(e, sd->path, (unsigned)n)) {
            pick = n;
            break;
        }
    }
    free(luns);
    if (pick < 0) {
        err_set(_("Every LUN of storage domain '%s' is already a VM's "
                  "disk: add a LUN to the target and to the domain."),
                sd->name);
        free(host);
        return -1;
    }
    out->protocol = xstrdup("iscsi");
    out->host = host;
    out->port = xasprintf("%d", port);
    out->name = xasprintf("%s/%ld", sd->path, pick);
    out->identity = false;
    if (chap) {
        out->auth_user = xstrdup(sd->chap_user);
        out->secret_usage = chap_usage(sd->name);
    }
    return 0;
}

/* A VM whose NFS disk is being made before the VM is defined. */
struct placed {
    struct engine *e;
    struct vm_spec spec;
    int64_t host_id;
    char *host_name;
    int64_t sd_id;
    char *server, *export, *file, *spm;
    virt_done_fn done;
    void *opaque;
    char *error;            /* why the VM was not created */
    /* iSCSI with CHAP */
    int64_t cluster_id;
    char *sd_name;
    char *chap_secret;      /* wiped once the hosts have it */
    struct vec secret_hosts;    /* struct secret_host * */
    int pending;            /* secret jobs out (+1 while starting them) */
};

/* An Up host of the cluster that gets the CHAP secret. */
struct secret_host {
    struct placed *p;
    int64_t id;
    char *name;
    bool created;           /* this create defined the secret there */
    char *error;            /* why it could not (or not be removed) */
};

static void
secret_host_free(void *item)
{
    struct secret_host *sh = item;
    free(sh->name);
    free(sh->error);
    free(sh);
}

static void
wipe_secret(char **s)
{
    if (*s) {
        explicit_bzero(*s, strlen(*s));
        FREE(*s);
    }
}

static void
placed_free(struct placed *p)
{
    vm_spec_clear(&p->spec);
    wipe_secret(&p->chap_secret);
    free(p->sd_name);
    vec_clear(&p->secret_hosts, secret_host_free);
    free(p->host_name);
    free(p->server);
    free(p->export);
    free(p->file);
    free(p->spm);
    free(p->error);
    free(p);
}

static void
placed_removed(void *opaque, int ok, const char *message)
{
    struct placed *p = opaque;
    char *msg;

    if (!ok)
        log_warn("%s", message);
    msg = xasprintf(ok ? _("%s The disk %s was removed again.")
                       : _("%s The disk %s could not be removed: remove "
                           "it by hand."),
                    p->error, p->file);
    engine_audit(p->e, p->spec.name, "vm-create", 0, msg);
    if (p->done)
        p->done(p->opaque, 0, msg);
    free(msg);
    placed_free(p);
}

static bool placed_secrets_undo(struct placed *p);

static void
placed_vm_done(void *opaque, int ok, const char *message)
{
    struct placed *p = opaque;

    if (!ok && !p->file) {
        /* the secrets this create defined must not stay behind */
        p->error = xstrdup(message);
        if (placed_secrets_undo(p))
            return;
        FREE(p->error);
    }
    if (ok || !p->file) {
        if (p->done)
            p->done(p->opaque, ok, message);
        placed_free(p);
        return;
    }
    /* the domain was not defined: the new disk must not stay behind */
    p->error = xstrdup(message);
    if (!sd_nfs_remove(p->server, p->export, SD_NFS_DIR_DISKS, p->file, 0,
                       placed_removed, p))
        placed_removed(p, 0, err_msg());
}

static void
placed_disk_made(void *opaque, int ok, const char *message)
{
    struct placed *p = opaque;
    struct sd *sd = model_sd_by_id(p->e->m, p->sd_id);
    char *msg;

    if (!ok) {
        msg = xasprintf(_("Could not create VM '%s': %s"), p->spec.name,
                        message);
        engine_audit(p->e, p->spec.name, "vm-create", 0, msg);
        if (p->done)
            p->done(p->opaque, 0, msg);
        free(msg);
        FREE(p->file);
        placed_free(p);
        return;
    }
    msg = xasprintf(_("%s (on data domain '%s', for SPM host '%s')"), message,
                    sd ? sd->name : "?", p->spm);
    engine_audit(p->e, p->spec.name, "disk-create", 1, msg);
    free(msg);
    if (!p->e->virt || virt_vm_create(p->e->virt, p->host_id, p->host_name,
                                      &p->spec, placed_vm_done, p) < 0) {
        char *why = xasprintf(_("Could not create VM '%s': %s"),
                              p->spec.name, err_msg());
        placed_vm_done(p, 0, why);
        free(why);
    }
}

/* ---- the CHAP secret on the cluster's hosts ---- */

/* Report p->error (and what the undo could not remove), end p. */
static void
placed_undone(struct placed *p)
{
    struct strbuf left = { 0 }, removed = { 0 };
    char *usage = chap_usage(p->sd_name), *msg;

    for (size_t i = 0; i < p->secret_hosts.len; i++) {
        struct secret_host *sh = p->secret_hosts.items[i];
        if (!sh->created)
            continue;
        if (sh->error && sh->error[0] != '\0') {
            sb_add(&left, left.len ? ", " : "");
            sb_add(&left, sh->name);
        } else {
            sb_add(&removed, removed.len ? ", " : "");
            sb_add(&removed, sh->name);
        }
    }
    if (left.len)
        msg = xasprintf(_("%s The libvirt secret '%s' could not be removed "
                          "again from %s: remove it there by hand (virsh "
                          "secret-undefine)."), p->error, usage,
                        sb_str(&left));
    else
        msg = xasprintf(_("%s The libvirt secret '%s' this create defined "
                          "was removed again from %s."), p->error, usage,
                        sb_str(&removed));
    engine_audit(p->e, p->spec.name, "vm-create", 0, msg);
    if (p->done)
        p->done(p->opaque, 0, msg);
    free(msg);
    free(usage);
    sb_free(&left);
    sb_free(&removed);
    placed_free(p);
}

static void
placed_secret_removed(void *opaque, int ok, const char *message)
{
    struct secret_host *sh = opaque;
    struct placed *p = sh->p;

    free(sh->error);
    sh->error = ok ? NULL : xstrdup(message ? message : "?");
    if (!ok)
        log_warn("%s", message ? message : "?");
    if (--p->pending == 0)
        placed_undone(p);
}

/* Undefine the secret on the hosts where this create defined it, then
 * report p->error.  Returns false when there is nothing to undo (p is
 * then the caller's). */
static bool
placed_secrets_undo(struct placed *p)
{
    char *usage;
    bool any = false;

    for (size_t i = 0; i < p->secret_hosts.len; i++)
        any |= ((struct secret_host *)p->secret_hosts.items[i])->created;
    if (!any)
        return false;
    usage = chap_usage(p->sd_name);
    p->pending = 1;
    for (size_t i = 0; i < p->secret_hosts.len; i++) {
        struct secret_host *sh = p->secret_hosts.items[i];
        if (!sh->created)
            continue;
        FREE(sh->error);
        if (p->e->virt && virt_secret_remove(p->e->virt, sh->id, sh->name,
                                             usage, placed_secret_removed,
                                             sh) == 0)
            p->pending++;
        else
            sh->error = xstrdup(err_msg());
    }
    free(usage);
    if (--p->pending == 0)
        placed_undone(p);
    return true;
}

/* Every host answered: create the VM, or refuse and undo. */
static void
placed_secrets_settled(struct placed *p)
{
    struct strbuf why = { 0 }, names = { 0 };
    char *msg;

    wipe_secret(&p->chap_secret);
    for (size_t i = 0; i < p->secret_hosts.len; i++) {
        struct secret_host *sh = p->secret_hosts.items[i];
        if (sh->error) {
            sb_add(&why, why.len ? "; " : "");
            sb_add(&why, sh->error);
        }
        sb_add(&names, names.len ? ", " : "");
        sb_add(&names, sh->name);
    }
    if (why.len) {
        p->error = xasprintf(_("Could not create VM '%s': the CHAP secret "
                               "of storage domain '%s' could not be defined "
                               "on every Up host of the cluster (%s). The "
                               "VM was not defined."), p->spec.name,
                             p->sd_name, sb_str(&why));
        for (size_t i = 0; i < p->secret_hosts.len; i++)
            FREE(((struct secret_host *)p->secret_hosts.items[i])->error);
        if (!placed_secrets_undo(p)) {
            engine_audit(p->e, p->spec.name, "vm-create", 0, p->error);
            if (p->done)
                p->done(p->opaque, 0, p->error);
            placed_free(p);
        }
        goto cleanup;
    }
    msg = xasprintf(_("The CHAP secret of storage domain '%s' is defined "
                      "as libvirt secret '%s' on %s."), p->sd_name,
                    p->spec.disk_net.secret_usage, sb_str(&names));
    engine_audit(p->e, p->sd_name, "secret-define", 1, msg);
    free(msg);
    if (!p->e->virt || virt_vm_create(p->e->virt, p->host_id, p->host_name,
                                      &p->spec, placed_vm_done, p) < 0) {
        char *e = xasprintf(_("Could not create VM '%s': %s"), p->spec.name,
                            err_msg());
        placed_vm_done(p, 0, e);
        free(e);
    }
cleanup:
    sb_free(&why);
    sb_free(&names);
}

static void
placed_secret_set(void *opaque, int ok, const char *message, bool created)
{
    struct secret_host *sh = opaque;
    struct placed *p = sh->p;

    sh->created = created;
    if (!ok)
        sh->error = xstrdup(message ? message : "?");
    if (--p->pending == 0)
        placed_secrets_settled(p);
}

/* The login with the secret worked: give it to every Up host of the
 * cluster (the VM may migrate or restart on any of them). */
static void
placed_chap_checked(void *opaque, bool ok, const char *message,
                    const struct sd_iscsi_lun *luns, size_t n)
{
    struct placed *p = opaque;
    struct engine *e = p->e;
    char *usage, *desc;

    if (!ok) {
        char *msg = xasprintf(_("Could not create VM '%s': the CHAP login "
                                "to storage domain '%s' failed: %s. Nothing "
                                "was changed on the hosts."), p->spec.name,
                              p->sd_name, message ? message : "?");
        engine_audit(e, p->spec.name, "vm-create", 0, msg);
        if (p->done)
            p->done(p->opaque, 0, msg);
        free(msg);
        placed_free(p);
        return;
    }
    usage = chap_usage(p->sd_name);
    /* on the hosts, for their operators: not translated */
    desc = xasprintf("virtdeck: CHAP of storage domain %s", p->sd_name);
    p->pending = 1;
    for (size_t i = 0; i < e->m->hosts.len; i++) {
        struct host *h = e->m->hosts.items[i];
        struct secret_host *sh;
        if (h->cluster_id != p->cluster_id || h->state != HOST_UP)
            continue;
        sh = xcalloc(1, sizeof(*sh));
        sh->p = p;
        sh->id = h->id;
        sh->name = xstrdup(h->name);
        vec_push(&p->secret_hosts, sh);
        if (e->virt && virt_secret_set(e->virt, h->id, h->name, usage, desc,
                                       p->chap_secret, placed_secret_set,
                                       sh) == 0)
            p->pending++;
        else
            sh->error = xasprintf(_("host '%s': %s"), h->name, err_msg());
    }
    free(usage);
    free(desc);
    if (--p->pending == 0)
        placed_secrets_settled(p);
}

int
engine_vm_create_placed(struct engine *e, int64_t dc_id, struct host *h,
                        const struct vm_spec *spec, int64_t task_id,
                        virt_done_fn done, void *opaque)
{
    struct placed *p = xcalloc(1, sizeof(*p));
    struct sd *disk_sd = NULL;
    struct host *spm = NULL;

    p->e = e;
    vm_spec_copy(&p->spec, spec);
    p->host_id = h->id;
    p->host_name = xstrdup(h->name);
    p->done = done;
    p->opaque = opaque;
    p->cluster_id = h->cluster_id;
    /* only p->chap_secret holds it from here on */
    p->chap_secret = p->spec.chap_secret;
    p->spec.chap_secret = NULL;

    if (spec->iso) {
        const char *slash = strchr(spec->iso, '/');
        char *dom = slash ? xstrndup(spec->iso, (size_t)(slash - spec->iso))
                          : NULL;
        struct sd *iso = dom ? model_sd_by_name(e->m, dom) : NULL;
        free(dom);
        if (iso) {
            /* DOMAIN/FILE: an image of an ISO domain */
            if (iso->role != SD_ISO) {
                err_set(_("Storage domain '%s' is not an ISO domain (its "
                          "role is %s): ISO images come from ISO domains."),
                        iso->name,
                        sd_role_name(iso->role));
                goto refuse;
            }
            if (!dc_domain(e, iso->name, dc_id) ||
                nfs_source(iso, SD_NFS_DIR_ISO, slash + 1,
                           &p->spec.iso_net) < 0)
                goto refuse;
        }
    }
    if (spec->disk_domain) {
        disk_sd = dc_domain(e, spec->disk_domain, dc_id);
        if (!disk_sd)
            goto refuse;
        if (disk_sd->role != SD_DATA) {
            err_set(_("Storage domain '%s' is not a data domain (its role "
                      "is %s): VM disks go on data domains."), disk_sd->name,
                    sd_role_name(disk_sd->role));
            goto refuse;
        }
        /* making or taking a disk changes the domain: the SPM's work */
        spm = engine_spm_of(e, dc_id, NULL);
        if (!spm)
            goto refuse;
        p->spm = xstrdup(spm->name);
        p->sd_id = disk_sd->id;
        if (p->chap_secret && (disk_sd->backend != SD_ISCSI ||
                               !disk_sd->chap_user || !*disk_sd->chap_user)) {
            err_set(_("Storage domain '%s' does not log in with CHAP: leave "
                      "the CHAP secret out."), disk_sd->name);
            goto refuse;
        }
        if (disk_sd->backend == SD_ISCSI) {
            if (iscsi_source(e, disk_sd, p->chap_secret,
                             &p->spec.disk_net) < 0)
                goto refuse;
        } else {
            char uuid[37];
            if (!spec->disk_gib) {
                err_set(_("Give the size of the new disk on data domain "
                          "'%s'."), disk_sd->name);
                goto refuse;
            }
            random_uuid(uuid);
            p->file = xasprintf("%s.img", uuid);
            if (nfs_source(disk_sd, SD_NFS_DIR_DISKS, p->file,
                           &p->spec.disk_net) < 0)
                goto refuse;
            p->server = xstrdup(disk_sd->address);
            p->export = xstrdup(disk_sd->path);
        }
    }
    if (p->spec.disk_net.auth_user) {
        /* try the secret before any host gets it */
        struct sd_iscsi_chap chap = { disk_sd->chap_user, p->chap_secret };
        p->sd_name = xstrdup(disk_sd->name);
        if (!sd_iscsi_luns(disk_sd->address, disk_sd->path, &chap,
                           CHAP_CHECK_TIMEOUT, placed_chap_checked, p))
            goto refuse;
        return 0;
    }
    wipe_secret(&p->chap_secret);
    if (p->file) {
        struct task *t = task_id ? model_task_by_id(e->m, task_id) : NULL;
        if (t) {
            /* what a virtdeck killed from now on may leave on the domain */
            char *path = xasprintf("%s/%s", SD_NFS_DIR_DISKS, p->file);
            char *where = xasprintf("%s:%s", p->server, p->export);
            task_left_add(t, TASK_LEFT_DISK, path, where);
            engine_task_update(e, t);
            free(path);
            free(where);
        }
        if (!sd_nfs_create(p->server, p->export, SD_NFS_DIR_DISKS, p->file,
                           spec->disk_gib << 30, 0, placed_disk_made, p)) {
            FREE(p->file);
            goto refuse;
        }
        return 0;
    }
    if (!e->virt || virt_vm_create(e->virt, h->id, h->name, &p->spec,
                                   placed_vm_done, p) < 0)
        goto refuse;
    return 0;

refuse:
    FREE(p->file);
    placed_free(p);
    return -1;
}

static bool
lun_listed(const char *list, unsigned lun)
{
    char *copy = xstrdup(list), *save = NULL;
    bool found = false;

    for (char *t = strtok_r(copy, ",", &save); t && !found;
         t = strtok_r(NULL, ",", &save)) {
        char *end;
        unsigned long n = strtoul(t, &end, 10);
        found = !*end && n == lun;
    }
    free(copy);
    return found;
}

/* ---- the domains' space and ISO lists, refreshed in the background ---- */

struct sd_poll {
    struct engine *e;           /* NULL once the engine is gone */
    int64_t sd_id;
    int pending;                /* operations whose done() is due */
    struct sd_nfs_op *space_op, *list_op;
    struct sd_iscsi_op *luns_op;
    char *problem;              /* the first failure, or NULL */
};

static unsigned live_polls;         /* allocated, engine's or orphaned */

static void
poll_finish(struct sd_poll *p)
{
    struct sd *sd;

    if (--p->pending > 0)
        return;
    live_polls--;
    if (p->e) {
        vec_remove_item(&p->e->sd_polls, p);
        sd = model_sd_by_id(p->e->m, p->sd_id);
        if (sd) {
            bool was = sd->problem != NULL;
            free(sd->problem);
            sd->problem = p->problem;
            p->problem = NULL;
            if (sd->problem && !was) {
                char *msg = xasprintf(_("Storage domain '%s' is unreachable: "
                                        "%s"), sd->name, sd->problem);
                engine_audit(p->e, sd->name, "storage-monitor", 0, msg);
                free(msg);
            } else if (!sd->problem && was) {
                char *msg = xasprintf(_("Storage domain '%s' answers "
                                        "again."), sd->name);
                engine_audit(p->e, sd->name, "storage-monitor", 1, msg);
                free(msg);
            }
            p->e->m->events |= MODEL_EV_STATS;
        }
    }
    free(p->problem);
    free(p);
}

static void
poll_fail(struct sd_poll *p, const char *message)
{
    if (!p->problem)
        p->problem = xstrdup(message ? message : "");
}

static void
poll_space_done(void *opaque, const struct sd_nfs_info *info,
                const char *message)
{
    struct sd_poll *p = opaque;
    struct sd *sd = p->e ? model_sd_by_id(p->e->m, p->sd_id) : NULL;

    p->space_op = NULL;
    if (!info)
        poll_fail(p, message);
    else if (sd) {
        sd->have_space = true;
        sd->total_bytes = info->total_bytes;
        sd->free_bytes = info->free_bytes;
    }
    poll_finish(p);
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
poll_list_done(void *opaque, int ok, const char *message,
               const struct sd_nfs_entry *entries, size_t n)
{
    struct sd_poll *p = opaque;
    struct sd *sd = p->e ? model_sd_by_id(p->e->m, p->sd_id) : NULL;

    p->list_op = NULL;
    if (!ok) {
        poll_fail(p, message);
    } else if (sd) {
        vec_clear(&sd->isos, free);
        for (size_t i = 0; i < n; i++) {
            if (S_ISREG(entries[i].mode))
                vec_push(&sd->isos, xstrdup(entries[i].name));
        }
        if (sd->isos.len > 1)
            qsort(sd->isos.items, sd->isos.len, sizeof(void *), cmp_str);
    }
    poll_finish(p);
}

static void
poll_luns_done(void *opaque, bool ok, const char *message,
               const struct sd_iscsi_lun *luns, size_t n)
{
    struct sd_poll *p = opaque;
    struct sd *sd = p->e ? model_sd_by_id(p->e->m, p->sd_id) : NULL;

    p->luns_op = NULL;
    if (!ok) {
        poll_fail(p, message);
    } else if (sd && p->e) {
        uint64_t total = 0, avail = 0;
        for (size_t i = 0; i < n; i++) {
            if (!sd->luns || !lun_listed(sd->luns, luns[i].lun))
                continue;
            total += luns[i].size;
            if (!lun_in_use(p->e, sd->path, luns[i].lun))
                avail += luns[i].size;
        }
        sd->have_space = true;
        sd->total_bytes = total;
        sd->free_bytes = avail;
    }
    poll_finish(p);
}

/* Whether sd is attached to a data center (what is worth watching). */
static bool
sd_attached(const struct sd *sd)
{
    return sd->dc_ids.len > 0;
}

void
engine_sd_refresh(struct engine *e)
{
    if (e->demo)
        return;
    for (size_t i = 0; i < e->m->sds.len; i++) {
        struct sd *sd = e->m->sds.items[i];
        struct sd_poll *p;
        bool busy = false;

        if (!sd_attached(sd))
            continue;
        for (size_t k = 0; k < e->sd_polls.len; k++)
            busy |= ((struct sd_poll *)e->sd_polls.items[k])->sd_id == sd->id;
        if (busy)
            continue;               /* the last one has not answered yet */
        p = xcalloc(1, sizeof(*p));
        live_polls++;
        p->e = e;
        p->sd_id = sd->id;
        p->pending = 1;             /* held until everything is started */
        vec_push(&e->sd_polls, p);
        if (sd->backend == SD_NFS) {
            p->space_op = sd_nfs_space(sd->address, sd->path, 0,
                                       poll_space_done, p);
            if (p->space_op)
                p->pending++;
            else
                poll_fail(p, err_msg());
            if (sd->role == SD_ISO) {
                p->list_op = sd_nfs_list(sd->address, sd->path,
                                         SD_NFS_DIR_ISO, 0, poll_list_done, p);
                if (p->list_op)
                    p->pending++;
                else
                    poll_fail(p, err_msg());
            }
        } else if (!sd->chap_user || !*sd->chap_user) {
            /* with CHAP the secret is not kept: the space stays unknown */
            p->luns_op = sd_iscsi_luns(sd->address, sd->path, NULL, 0,
                                       poll_luns_done, p);
            if (p->luns_op)
                p->pending++;
            else
                poll_fail(p, err_msg());
        }
        poll_finish(p);
    }
}

static void
sd_tick(void *opaque)
{
    engine_sd_refresh(opaque);
}

void
engine_sd_monitor_start(struct engine *e)
{
    e->sd_timer = loop_add_timer((int)(e->cfg->storage_interval * 1000),
                                 sd_tick, e);
    engine_sd_refresh(e);
}

void
engine_sd_monitor_stop(struct engine *e)
{
    loop_remove_timer(e->sd_timer);
    e->sd_timer = -1;
    /* operations still out answer into nothing */
    while (e->sd_polls.len) {
        struct sd_poll *p = vec_remove(&e->sd_polls, 0);
        p->e = NULL;
        if (p->luns_op) {
            /* a cancelled iSCSI operation never calls back */
            sd_iscsi_cancel(p->luns_op);
            p->luns_op = NULL;
            p->pending--;
        }
        if (p->space_op)
            sd_nfs_cancel(p->space_op);
        if (p->list_op)
            sd_nfs_cancel(p->list_op);
        if (p->pending == 0) {
            live_polls--;
            free(p->problem);
            free(p);
        }
    }
    /* let the cancelled NFS operations end (they close their sockets
     * and free themselves from the loop), a few passes at most */
    for (int i = 0; live_polls && i < 50; i++)
        loop_run_once();
}

void
engine_iso_images(struct engine *e, int64_t dc_id, struct vec *out)
{
    for (size_t i = 0; i < e->m->sds.len; i++) {
        struct sd *sd = e->m->sds.items[i];
        struct sd_att *att = model_sd_att(sd, dc_id);
        if (sd->role != SD_ISO || !att || !att->active)
            continue;
        for (size_t k = 0; k < sd->isos.len; k++)
            vec_push(out, xasprintf("%s/%s", sd->name,
                                    (const char *)sd->isos.items[k]));
    }
}

/* ---- deleting a VM with its disk on an NFS data domain ---- */

struct unplaced {
    struct engine *e;
    char *vm_name;
    char *server, *export, *file, *sd_name, *spm;
    char *msg;              /* the deletion's own message */
    virt_done_fn done;
    void *opaque;
};

static void
unplaced_free(struct unplaced *u)
{
    free(u->vm_name);
    free(u->server);
    free(u->export);
    free(u->file);
    free(u->sd_name);
    free(u->spm);
    free(u->msg);
    free(u);
}

static void
unplaced_removed(void *opaque, int ok, const char *message)
{
    struct unplaced *u = opaque;
    char *msg = xasprintf(ok ? _("%s Its disk %s was removed from data "
                                 "domain '%s' for SPM host '%s'.")
                             : _("%s Its disk %s could not be removed from "
                                 "data domain '%s': %s"),
                          u->msg, u->file, u->sd_name, ok ? u->spm : message);

    engine_audit(u->e, u->vm_name, "disk-remove", ok, msg);
    if (u->done)
        u->done(u->opaque, ok, msg);
    free(msg);
    unplaced_free(u);
}

static void
unplaced_deleted(void *opaque, int ok, const char *message)
{
    struct unplaced *u = opaque;

    if (!ok) {
        if (u->done)
            u->done(u->opaque, ok, message);
        unplaced_free(u);
        return;
    }
    u->msg = xstrdup(message);
    if (!sd_nfs_remove(u->server, u->export, SD_NFS_DIR_DISKS, u->file, 0,
                       unplaced_removed, u))
        unplaced_removed(u, 0, err_msg());
}

/* The VM's disk file on an NFS data domain, from its device lines
 * ("disk vda nfs:/EXPORT/disks/FILE"): the domain and FILE, or NULL. */
static struct sd *
vm_nfs_disk(struct engine *e, const struct vm *vm, char **file)
{
    for (const char *d = vm_device_next(vm, NULL); d;
         d = vm_device_next(vm, d)) {
        const char *w = strstr(d, " nfs:");
        if (strncmp(d, "disk ", 5) != 0 || !w)
            continue;
        w += 5;
        for (size_t i = 0; i < e->m->sds.len; i++) {
            struct sd *sd = e->m->sds.items[i];
            size_t n = sd->path ? strlen(sd->path) : 0;
            const char *rest = w + n;
            if (sd->backend != SD_NFS || sd->role != SD_DATA || !n ||
                strncmp(w, sd->path, n) != 0 ||
                strncmp(rest, "/" SD_NFS_DIR_DISKS "/",
                        sizeof(SD_NFS_DIR_DISKS) + 1) != 0)
                continue;
            rest += sizeof(SD_NFS_DIR_DISKS) + 1;
            if (!*rest || strchr(rest, '/'))
                continue;
            *file = xstrdup(rest);
            return sd;
        }
    }
    return NULL;
}

int
engine_vm_delete_placed(struct engine *e, const struct vm *vm,
                        struct host *h, bool delete_disks,
                        virt_done_fn done, void *opaque)
{
    struct cluster *c = model_cluster_by_id(e->m, h->cluster_id);
    char *file = NULL;
    struct sd *sd = delete_disks ? vm_nfs_disk(e, vm, &file) : NULL;
    struct unplaced *u;
    struct host *spm;

    if (!sd)
        return virt_vm_delete(e->virt, h->id, vm->uuid, vm->name,
                              delete_disks, done, opaque);
    spm = c ? engine_spm_of(e, c->dc_id, NULL) : NULL;
    if (!spm) {
        free(file);
        return -1;
    }
    u = xcalloc(1, sizeof(*u));
    u->e = e;
    u->vm_name = xstrdup(vm->name);
    u->server = xstrdup(sd->address);
    u->export = xstrdup(sd->path);
    u->file = file;
    u->sd_name = xstrdup(sd->name);
    u->spm = xstrdup(spm->name);
    u->done = done;
    u->opaque = opaque;
    /* libvirt removes local volumes; the domain's file is ours to remove */
    if (virt_vm_delete(e->virt, h->id, vm->uuid, vm->name, delete_disks,
                       unplaced_deleted, u) < 0) {
        unplaced_free(u);
        return -1;
    }
    return 0;
}
