/* cli_storage.c: the storage commands of the CLI: add NFS and iSCSI
 * domains after the backends checked them, iSCSI discovery and LUN lists,
 * ISO upload and list.  Like every command they run on the event loop and
 * wait with a deadline. */
#include <config.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "engine.h"
#include "loop.h"
#include "sd_iscsi.h"
#include "sd_nfs.h"
#include "store.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/mem.h"
#include "util/text.h"

#define STORAGE_TIMEOUT 15

struct st_wait {
    bool done;
    int ok;
    bool interrupted;
    /* nfs check */
    uint64_t total, avail;
    /* iscsi */
    bool want_luns;
    char *luns_csv;
    char *msg;
    /* upload: its task */
    struct engine *e;
    int64_t task_id;
};

static int
st_done(void *opaque)
{
    return ((struct st_wait *)opaque)->done;
}

static void
st_set_msg(struct st_wait *w, const char *m)
{
    free(w->msg);
    w->msg = m ? text_safe(m) : NULL;
}

/* "SERVER:/EXPORT" (SERVER may carry :NFSPORT[:MOUNTPORT]) */
static int
split_nfs(const char *spec, char **server, char **export)
{
    const char *p = spec ? strstr(spec, ":/") : NULL;
    if (!p || p == spec) {
        fprintf(stderr, _("virtdeck: give the NFS export as SERVER:/PATH, e.g. "
                          "127.0.0.1:/exports/iso.\n"));
        return -1;
    }
    *server = xstrndup(spec, (size_t)(p - spec));
    *export = xstrdup(p + 1);
    return 0;
}

static char *
read_secret(const char *file)
{
    char buf[256];
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, _("virtdeck: cannot read the CHAP secret file '%s': "
                          "%s\n"), file, strerror(errno));
        return NULL;
    }
    if (!fgets(buf, sizeof(buf), f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    {
        char *s = xstrdup(buf);
        memset(buf, 0, sizeof(buf));
        return s;
    }
}

static void
nfs_checked(void *opaque, const struct sd_nfs_info *info, const char *message)
{
    struct st_wait *w = opaque;
    w->done = true;
    w->ok = info != NULL;
    if (info) {
        w->total = info->total_bytes;
        w->avail = info->free_bytes;
    }
    st_set_msg(w, message);
}

static void
iscsi_listed(void *opaque, bool ok, const char *message,
             const struct sd_iscsi_lun *luns, size_t n)
{
    struct st_wait *w = opaque;
    w->done = true;
    w->ok = ok;
    st_set_msg(w, message);
    if (!ok)
        return;
    printf("%-4s %-8s %-16s %-24s %-40s %10s\n", _("LUN"), _("vendor"),
           _("product"), _("serial"), _("device id"), _("size"));
    for (size_t i = 0; i < n; i++) {
        char size[16];
        char *v = text_safe(luns[i].vendor), *p = text_safe(luns[i].product);
        char *sr = text_safe(luns[i].serial), *d = text_safe(luns[i].device_id);
        text_bytes(size, sizeof(size), (double)luns[i].size);
        printf("%-4u %-8s %-16s %-24s %-40s %10s\n", luns[i].lun, v, p, sr, d,
               size);
        free(v);
        free(p);
        free(sr);
        free(d);
    }
}

static void
iscsi_discovered(void *opaque, bool ok, const char *message,
                 const struct sd_iscsi_target *t, size_t n)
{
    struct st_wait *w = opaque;
    w->done = true;
    w->ok = ok;
    st_set_msg(w, message);
    for (size_t i = 0; ok && i < n; i++) {
        char *iqn = text_safe(t[i].iqn);
        printf("%s", iqn);
        for (size_t k = 0; k < t[i].n_portals; k++)
            printf("%s%s", k ? ", " : "  ", t[i].portals[k]);
        putchar('\n');
        free(iqn);
    }
}

static int
finish(struct st_wait *w)
{
    if (!w->ok) {
        fprintf(stderr, "virtdeck: %s\n", w->msg ? w->msg : _("failed"));
        free(w->msg);
        return CLI_FAILED;
    }
    free(w->msg);
    return CLI_OK;
}

/* A storage check that failed is a refused storage-add: audit it. */
static void
audit_check(struct engine *e, const char *name, const struct st_wait *w)
{
    if (!w->ok)
        engine_audit(e, name, "storage-add", 0, w->msg ? w->msg : _("failed"));
}

static int
storage_add(struct engine *e, const struct cli_opts *o)
{
    struct st_wait w = { 0 };
    enum sd_role role = SD_DATA;
    char *server = NULL, *export = NULL, *secret = NULL;
    int rc = CLI_USAGE;

    if (o->nwords != 3 || (!o->nfs) == (!o->iscsi)) {
        fprintf(stderr, _("virtdeck: usage: virtdeck storage add NAME --role "
                          "data|iso|export (--nfs SERVER:/PATH | --iscsi PORTAL "
                          "--target IQN --lun N[,N...] [--chap-user U "
                          "--chap-secret-file F])\n"));
        return CLI_USAGE;
    }
    if (o->role && sd_role_parse(o->role, &role) < 0) {
        fprintf(stderr, _("virtdeck: the role must be data, iso or export.\n"));
        return CLI_USAGE;
    }
    /* The NFS check makes folders on the server: refuse before it. */
    if (engine_check_write(e, o->words[2], "storage-add") < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        return CLI_FAILED;
    }
    if (o->nfs) {
        if (split_nfs(o->nfs, &server, &export) < 0)
            goto cleanup;
        if (!sd_nfs_check(server, export, STORAGE_TIMEOUT, nfs_checked, &w)) {
            fprintf(stderr, "virtdeck: %s\n", err_msg());
            goto cleanup;
        }
        loop_run(st_done, &w);
        audit_check(e, o->words[2], &w);
        rc = finish(&w);
        if (rc == CLI_OK) {
            if (engine_sd_add(e, o->words[2], role, SD_NFS, server, export, NULL,
                              NULL) < 0) {
                fprintf(stderr, "virtdeck: %s\n", err_msg());
                rc = CLI_FAILED;
            } else {
                char t[16], f[16];
                engine_sd_set_space(e, o->words[2], w.total, w.avail);
                text_bytes(t, sizeof(t), (double)w.total);
                text_bytes(f, sizeof(f), (double)w.avail);
                printf(_("Storage domain '%s' added: %s free of %s; attach it "
                         "to a data center.\n"), o->words[2], f, t);
            }
        }
    } else {
        struct sd_iscsi_chap chap = { o->chap_user, NULL };
        if (!o->target || !o->lun) {
            fprintf(stderr, _("virtdeck: an iSCSI domain needs --target IQN and "
                              "--lun N[,N...]; list them with 'virtdeck storage "
                              "luns PORTAL --target IQN'.\n"));
            goto cleanup;
        }
        if (o->chap_user && (!o->chap_secret_file ||
                             !(secret = read_secret(o->chap_secret_file))))
            goto cleanup;
        chap.secret = secret;
        if (!sd_iscsi_luns(o->iscsi, o->target, &chap, STORAGE_TIMEOUT,
                           iscsi_listed, &w)) {
            fprintf(stderr, "virtdeck: %s\n", err_msg());
            goto cleanup;
        }
        loop_run(st_done, &w);
        audit_check(e, o->words[2], &w);
        rc = finish(&w);
        if (rc == CLI_OK && engine_sd_add(e, o->words[2], role, SD_ISCSI,
                                          o->iscsi, o->target, o->lun,
                                          o->chap_user) < 0) {
            fprintf(stderr, "virtdeck: %s\n", err_msg());
            rc = CLI_FAILED;
        } else if (rc == CLI_OK) {
            printf(_("Storage domain '%s' added (LUNs %s); attach it to a data "
                     "center.\n"), o->words[2], o->lun);
        }
    }
cleanup:
    if (secret) {
        memset(secret, 0, strlen(secret));
        free(secret);
    }
    free(server);
    free(export);
    return rc;
}

static int
storage_discover(const struct cli_opts *o, bool luns)
{
    struct st_wait w = { 0 };
    struct sd_iscsi_chap chap = { o->chap_user, NULL };
    char *secret = NULL;
    int rc = CLI_USAGE;

    if (o->nwords != 3 || (luns && !o->target)) {
        fprintf(stderr, luns ? _("virtdeck: usage: virtdeck storage luns PORTAL "
                                 "--target IQN [--chap-user U "
                                 "--chap-secret-file F]\n")
                             : _("virtdeck: usage: virtdeck storage discover "
                                 "PORTAL [--chap-user U --chap-secret-file "
                                 "F]\n"));
        return CLI_USAGE;
    }
    if (o->chap_user && (!o->chap_secret_file ||
                         !(secret = read_secret(o->chap_secret_file))))
        return CLI_USAGE;
    chap.secret = secret;
    if (!(luns ? (void *)sd_iscsi_luns(o->words[2], o->target, &chap,
                                       STORAGE_TIMEOUT, iscsi_listed, &w)
               : (void *)sd_iscsi_discover(o->words[2], &chap, STORAGE_TIMEOUT,
                                           iscsi_discovered, &w))) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        goto cleanup;
    }
    loop_run(st_done, &w);
    rc = finish(&w);
cleanup:
    if (secret) {
        memset(secret, 0, strlen(secret));
        free(secret);
    }
    return rc;
}

/* ---- ISO domains ---- */

static struct sd *
iso_domain(struct engine *e, const char *name)
{
    struct sd *sd = engine_iso_domain(e, name);

    if (!sd)
        fprintf(stderr, "virtdeck: %s\n", err_msg());
    return sd;
}

static void
up_progress(void *opaque, uint64_t done, uint64_t total, double mibs,
            double eta)
{
    struct st_wait *w = opaque;
    struct task *task = w->e ? model_task_by_id(engine_model(w->e), w->task_id)
                             : NULL;
    char d[16], t[16];

    if (task && total) {
        task->have_progress = true;
        task->percent = 100.0 * (double)done / (double)total;
        task->data_total = total;
        task->data_processed = done;
        task->data_remaining = total - done;
        task->mem_bps = (uint64_t)(mibs * 1048576.0);
        /* the store learns it in steps of 5%, not four times a second */
        if (task->percent >= task->saved_percent + 5.0)
            engine_task_update(w->e, task);
    }
    text_bytes(d, sizeof(d), (double)done);
    text_bytes(t, sizeof(t), (double)total);
    if (eta >= 0)
        fprintf(stderr, _("uploading: %s of %s, %.1f MiB/s, %.0f s left\n"), d,
                t, mibs, eta);
    else
        fprintf(stderr, _("uploading: %s of %s\n"), d, t);
}

static void
up_done(void *opaque, int ok, const char *message)
{
    struct st_wait *w = opaque;
    w->done = true;
    w->ok = ok;
    st_set_msg(w, message);
}

struct up_signal_ctx {
    struct engine *e;
    int64_t task_id;
    struct st_wait *w;
};

static void
up_signal(int signo, void *opaque)
{
    struct up_signal_ctx *c = opaque;
    c->w->interrupted = true;
    if (!c->w->done)
        engine_task_cancel(c->e, c->task_id);
}

/* The engine checks the domain, follows the upload as a task and audits
 * the outcome; this waits, printing the progress. */
static int
iso_upload(struct engine *e, const struct cli_opts *o)
{
    int rc = CLI_OK;

    if (!o->domain || o->nwords < 3) {
        fprintf(stderr, _("virtdeck: usage: virtdeck iso upload --domain NAME "
                          "FILE... [--force]\n"));
        return CLI_USAGE;
    }
    if (!iso_domain(e, o->domain))
        return CLI_FAILED;
    for (int i = 2; i < o->nwords && rc == CLI_OK; i++) {
        struct st_wait w = { 0 };
        struct up_signal_ctx c = { e, 0, &w };

        if (engine_iso_upload(e, o->domain, o->words[i], NULL, o->force,
                              up_progress, up_done, &w, &c.task_id) < 0) {
            char *t = text_safe(err_msg());
            fprintf(stderr, "virtdeck: %s\n", t);
            free(t);
            return CLI_FAILED;
        }
        loop_add_signal(SIGINT, up_signal, &c);
        loop_add_signal(SIGTERM, up_signal, &c);
        loop_run(st_done, &w);
        loop_remove_signal(SIGINT, up_signal);
        loop_remove_signal(SIGTERM, up_signal);
        if (w.ok)
            printf("%s\n", w.msg ? w.msg : "");
        rc = finish(&w);
    }
    return rc;
}

static void
listed(void *opaque, int ok, const char *message,
       const struct sd_nfs_entry *entries, size_t n)
{
    struct st_wait *w = opaque;
    w->done = true;
    w->ok = ok;
    st_set_msg(w, message);
    for (size_t i = 0; ok && i < n; i++) {
        char size[16], *name = text_safe(entries[i].name);
        text_bytes(size, sizeof(size), (double)entries[i].size);
        printf("%-40s %8s  %04o  %u:%u\n", name, size, entries[i].mode & 07777,
               entries[i].uid, entries[i].gid);
        free(name);
    }
}

static int
iso_list(struct engine *e, const struct cli_opts *o)
{
    struct st_wait w = { 0 };
    struct sd *sd;

    if (o->nwords != 3) {
        fprintf(stderr, _("virtdeck: usage: virtdeck iso list NAME\n"));
        return CLI_USAGE;
    }
    if (!(sd = iso_domain(e, o->words[2])))
        return CLI_FAILED;
    if (!sd_nfs_list(sd->address, sd->path, SD_NFS_DIR_ISO, STORAGE_TIMEOUT,
                     listed, &w)) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        return CLI_FAILED;
    }
    loop_run(st_done, &w);
    return finish(&w);
}

int
cli_storage(struct engine *e, const struct cli_opts *o)
{
    const char *kind = o->words[0], *verb = o->nwords > 1 ? o->words[1] : "";
    int rc;

    if (streq(kind, "storage") && streq(verb, "add"))
        rc = storage_add(e, o);
    else if (streq(kind, "storage") && streq(verb, "discover"))
        rc = storage_discover(o, false);
    else if (streq(kind, "storage") && streq(verb, "luns"))
        rc = storage_discover(o, true);
    else if (streq(kind, "iso") && streq(verb, "upload"))
        rc = iso_upload(e, o);
    else if (streq(kind, "iso") && streq(verb, "list"))
        rc = iso_list(e, o);
    else {
        fprintf(stderr, _("virtdeck: unknown command '%s %s'; see 'virtdeck "
                          "--help'.\n"), kind, verb);
        rc = CLI_USAGE;
    }
    sd_nfs_cancel_all();
    sd_iscsi_cancel_all();
    return rc;
}
