/* sd_nfs.c: NFS storage domains over libnfs's asynchronous API in the main
 * loop (see sd_nfs.h for the API and why it is asynchronous).
 *
 * Each operation owns one libnfs context and walks through its steps in
 * libnfs callbacks.  Callbacks only record results and queue the next
 * request: tearing a context down, calling the user back and freeing
 * happen in op_pump(), which runs after nfs_service() has returned (from
 * the fd watch, the 100 ms timer, or a job's completion), because libnfs
 * must not see its context destroyed under its feet.  A callback that
 * arrives for a context the operation has already dropped (libnfs cancels
 * pending requests when a context is destroyed) is ignored.
 *
 * Uploads keep a ring of slots: a job reads a block of the local file on a
 * worker thread and notes whether it is all zeros; the main thread then
 * sends it with nfs_pwrite_async() (or skips it, leaving a hole), and the
 * slot is reused when the WRITE is answered.  Holes of the local file are
 * found with SEEK_DATA/SEEK_HOLE before anything is read.
 *
 * It must not block the main thread, include curses or touch the model. */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <nfsc/libnfs.h>
#include "jobs.h"
#include "loop.h"
#include "sd_nfs.h"
#include "valid.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/text.h"

#define TICK_MS 100             /* libnfs wants nfs_service() this often */
#define PROGRESS_EVERY 0.25     /* seconds between progress calls */
#define RATE_WINDOW 2.0         /* seconds the shown rate looks back */
#define CLEANUP_MAX 3           /* seconds a clean-up may take at most */
#define READ_BATCHES 2          /* read jobs in flight per upload */
#define COMMIT_EVERY (64u << 20) /* bytes written between COMMITs */
#define EXPORT_MAX 1024

enum op_kind { OP_CHECK, OP_UPLOAD, OP_LIST, OP_REMOVE, OP_CREATE, OP_SPACE };

enum op_stage {
    STAGE_PREPARE,      /* a job resolves the host (and opens the file) */
    STAGE_MOUNT,        /* MOUNT and the first NFS calls */
    STAGE_RUN,          /* the operation's own steps */
    STAGE_CLEANUP,      /* removing a temporary file after a failure */
    STAGE_END           /* done() is due */
};

enum slot_state { SLOT_FREE, SLOT_READING, SLOT_READY, SLOT_WRITING };

struct sd_nfs_op;

struct slot {
    struct sd_nfs_op *op;
    char *buf;
    uint64_t off;
    size_t len;
    enum slot_state state;
    int zero;           /* the block read as all zeros */
    int err;            /* errno of the read, 0 when it worked */
};

struct extent {
    uint64_t off, len;
};

struct rate_sample {
    double t;
    uint64_t bytes;
};

struct sd_nfs_op {
    enum op_kind kind;
    enum op_stage stage;
    struct sd_nfs_op *next;     /* all live operations */

    char *server;               /* as given, for messages */
    char *label;                /* HOST:/EXPORT, for messages */
    char *host;                 /* as given, then the address */
    int nfs_port, mount_port;   /* 0: ask rpcbind */
    char *export;
    char *dir;                  /* "" or "images" */
    char *dir_path;             /* "/" or "/images", under the mount */
    int timeout_s;
    void *opaque;

    struct nfs_context *nfs;
    int watch, watch_fd, watch_events;
    int timer;
    int queued;                 /* requests whose callback is due */
    double deadline;            /* an answer is due by then; 0: none */
    double started;

    int cancelled;
    int failed;
    int stopping;               /* the failure or cancel is handled */
    int completed;              /* done() has run */
    int in_pump;
    int jobs;                   /* jobs in flight that use this op */
    char *msg;
    char *cleanup_path;         /* a file to remove if the op fails */
    char *prep_err;             /* set by the prepare job */

    /* check */
    sd_nfs_check_fn check_done;
    struct sd_nfs_info info;
    int subdir;                 /* which of images/, disks/ is checked */
    char *probe_path;

    /* list */
    sd_nfs_list_fn list_done;
    struct sd_nfs_entry *entries;
    size_t n_entries;

    /* upload */
    sd_nfs_progress_fn progress;
    sd_nfs_done_fn done;
    struct sd_nfs_upload_opts opts;
    char *local;
    char *name;
    char *final_path, *temp_path;
    int fd;
    uint64_t size;              /* of the local file */
    uint64_t data_bytes;        /* outside its holes */
    struct extent *ext;
    size_t n_ext, ext_i;
    uint64_t ext_pos;           /* next offset to read in ext[ext_i] */
    struct nfsfh *fh;
    struct slot *slots;
    int n_slots, reads, writes; /* reads: read jobs in flight */
    int read_all;               /* every block was handed to a read */
    int writing;                /* the data phase is under way */
    uint64_t done_bytes;        /* written or skipped */
    uint64_t written;
    uint64_t committed;         /* written when the last COMMIT went */
    int committing;             /* a COMMIT is in flight */
    double data_started, last_progress;
    struct rate_sample samples[32];
    int n_samples;
};

static struct sd_nfs_op *ops;
static unsigned probe_seq;

static void op_pump(struct sd_nfs_op *op);
static void op_start_mount(struct sd_nfs_op *op);
static void check_next_subdir(struct sd_nfs_op *op);
static void upload_finish_data(struct sd_nfs_op *op);

/* ------------------------------------------------------------------ */
/* names and paths                                                     */

/* Split SERVER into host and ports.  Returns 0 or -1 with err_set(). */
static int
parse_server(const char *server, char **host, int *nfs_port, int *mount_port)
{
    const char *p, *end, *rest;
    int ports[2] = { 0, 0 };
    int n_ports = 0;

    if (!server || !*server)
        goto bad;
    if (server[0] == '[') {
        end = strchr(server, ']');
        if (!end || end == server + 1)
            goto bad;
        for (p = server + 1; p < end; p++) {
            if (!strchr("0123456789abcdefABCDEF:.", *p))
                goto bad;
        }
        rest = end + 1;
        p = server + 1;
    } else {
        p = server;
        for (end = server; *end && *end != ':'; end++) {
            unsigned char c = (unsigned char)*end;
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  (c >= '0' && c <= '9') || c == '.' || c == '-'))
                goto bad;
        }
        if (end == server || server[0] == '-' || server[0] == '.')
            goto bad;
        rest = end;
    }
    while (*rest) {
        char *stop;
        long v;
        if (*rest != ':' || n_ports == 2)
            goto bad;
        rest++;
        if (*rest < '0' || *rest > '9')
            goto bad;
        errno = 0;
        v = strtol(rest, &stop, 10);
        if (errno || v < 1 || v > 65535)
            goto bad;
        ports[n_ports++] = (int)v;
        rest = stop;
    }
    if (host)
        *host = xstrndup(p, (size_t)(end - p));
    if (nfs_port)
        *nfs_port = ports[0];
    if (mount_port)
        *mount_port = ports[1];
    return 0;

bad:
    {
        char *shown = text_safe(server ? server : "");
        err_set(_("'%s' is not an NFS server: type HOST, HOST:NFSPORT or "
                  "HOST:NFSPORT:MOUNTPORT, e.g. nfs1.example.org or "
                  "127.0.0.1:2049:20048 (an IPv6 address in brackets)."),
                shown);
        free(shown);
    }
    return -1;
}

int
sd_nfs_valid_server(const char *server)
{
    return parse_server(server, NULL, NULL, NULL);
}

int
sd_nfs_valid_export(const char *export)
{
    const char *p;
    char *shown;

    if (!export || !*export) {
        err_set(_("The NFS export is empty: type its path on the server, "
                  "e.g. /exports/iso."));
        return -1;
    }
    shown = text_safe(export);
    if (export[0] != '/') {
        err_set(_("The NFS export '%s' is not an absolute path: type it as "
                  "the server exports it, e.g. /exports/iso."), shown);
        goto fail;
    }
    if (strlen(export) > EXPORT_MAX) {
        err_set(_("The NFS export path is longer than %d bytes: check it."),
                EXPORT_MAX);
        goto fail;
    }
    for (p = export; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c == 0x7f || c == '?' || c == '#' || c == '&' ||
            c == '%' || c == '\\') {
            err_set(_("The NFS export '%s' contains a space, a control "
                      "character or one of ?#&%%\\: export a path without "
                      "them."), shown);
            goto fail;
        }
    }
    for (p = export; *p; ) {
        const char *s = p + 1, *e = strchr(s, '/');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.') ||
            (n == 0 && e)) {
            err_set(_("The NFS export '%s' contains '.', '..' or '//': type "
                      "the plain path."), shown);
            goto fail;
        }
        if (!e)
            break;
        p = e;
    }
    free(shown);
    return 0;
fail:
    free(shown);
    return -1;
}

/* A copy of EXPORT without trailing slashes ("/" stays). */
static char *
export_norm(const char *export)
{
    size_t n = strlen(export);
    while (n > 1 && export[n - 1] == '/')
        n--;
    return xstrndup(export, n);
}

/* DIR is "" or NULL, or folders under the export ("images",
 * "iso/images"), each a valid file name. */
static int
valid_dir(const char *dir)
{
    const char *p = dir;

    if (!dir || !*dir)
        return 0;
    while (*p) {
        const char *e = strchr(p, '/');
        char *part = e ? xstrndup(p, (size_t)(e - p)) : xstrdup(p);
        int rc = valid_file_name(part);
        free(part);
        if (rc < 0)
            return -1;
        if (!e)
            break;
        p = e + 1;
    }
    return 0;
}

/* "/DIR/NAME" under the mount; dir and name may be "" */
static char *
mount_path(const char *dir, const char *name)
{
    if (!dir || !*dir)
        return xasprintf("/%s", name ? name : "");
    if (!name || !*name)
        return xasprintf("/%s", dir);
    return xasprintf("/%s/%s", dir, name);
}

static char *
join_export(const char *export, const char *dir, const char *file)
{
    char *exp = export_norm(export);
    const char *sep = streq(exp, "/") ? "" : "/";
    char *r;

    if (dir && *dir && file && *file)
        r = xasprintf("%s%s%s/%s", exp, sep, dir, file);
    else if (dir && *dir)
        r = xasprintf("%s%s%s", exp, sep, dir);
    else if (file && *file)
        r = xasprintf("%s%s%s", exp, sep, file);
    else
        r = xstrdup(exp);
    free(exp);
    return r;
}

int
sd_nfs_disk_source(const char *server, const char *export, const char *dir,
                   const char *file, struct sd_nfs_source *out)
{
    char *host = NULL;
    int nfs_port, mount_port;

    memset(out, 0, sizeof(*out));
    if (parse_server(server, &host, &nfs_port, &mount_port) < 0 ||
        sd_nfs_valid_export(export) < 0 || valid_dir(dir) < 0 ||
        valid_file_name(file) < 0)
        goto fail;
    if ((nfs_port && nfs_port != 2049) || mount_port) {
        char *shown = text_safe(server);
        err_set(_("QEMU cannot reach the NFS server %s: its NFS driver has "
                  "no port setting and uses rpcbind and port 2049; give "
                  "the server without ports and serve NFS on 2049."), shown);
        free(shown);
        goto fail;
    }
    out->protocol = xstrdup("nfs");
    out->host = host;
    /* QEMU mounts dirname(name), which needs the leading slash */
    out->name = join_export(export, dir, file);
    out->uid = SD_NFS_UID;
    out->gid = SD_NFS_GID;
    return 0;

fail:
    free(host);
    return -1;
}

void
sd_nfs_source_clear(struct sd_nfs_source *src)
{
    if (!src)
        return;
    FREE(src->protocol);
    FREE(src->host);
    FREE(src->name);
}

char *
sd_nfs_url(const char *server, const char *export, const char *dir,
           const char *file)
{
    char *host = NULL, *path = NULL, *url = NULL, *h;
    int nfs_port, mount_port;

    if (parse_server(server, &host, &nfs_port, &mount_port) < 0 ||
        sd_nfs_valid_export(export) < 0 || valid_dir(dir) < 0 ||
        (file && valid_file_name(file) < 0))
        goto cleanup;
    path = join_export(export, dir, file);
    h = strchr(host, ':') ? xasprintf("[%s]", host) : xstrdup(host);
    if (nfs_port && mount_port)
        url = xasprintf("nfs://%s%s?nfsport=%d&mountport=%d", h, path,
                        nfs_port, mount_port);
    else if (nfs_port)
        url = xasprintf("nfs://%s%s?nfsport=%d", h, path, nfs_port);
    else
        url = xasprintf("nfs://%s%s", h, path);
    free(h);

cleanup:
    free(host);
    free(path);
    return url;
}

/* ------------------------------------------------------------------ */
/* the operation's life                                                */

/* "127.0.0.1:/exports/iso": how messages name the export */
static const char *
op_label(struct sd_nfs_op *op)
{
    return op->label;
}

static void
op_set_msg(struct sd_nfs_op *op, char *msg)
{
    free(op->msg);
    op->msg = msg;
}

/* Record the first failure; later ones are consequences. */
static void
op_fail(struct sd_nfs_op *op, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
op_fail(struct sd_nfs_op *op, const char *fmt, ...)
{
    va_list ap;

    if (op->failed || op->cancelled || op->stage >= STAGE_CLEANUP)
        return;
    va_start(ap, fmt);
    op_set_msg(op, xvasprintf(fmt, ap));
    va_end(ap);
    op->failed = 1;
    log_info("%s", op->msg);
}

static int
op_live(struct sd_nfs_op *op)
{
    return !op->failed && !op->cancelled && op->stage < STAGE_CLEANUP;
}

/* Call before queueing a request. */
static void
op_sent(struct sd_nfs_op *op)
{
    if (op->queued++ == 0)
        op->deadline = loop_now() + op->timeout_s;
}

/* A queueing call returned an error: its callback will not run. */
static void
op_unsent(struct sd_nfs_op *op)
{
    if (--op->queued == 0 && op->stage != STAGE_CLEANUP)
        op->deadline = 0;
}

/* First thing in every libnfs callback: returns 0 when the answer belongs
 * to a context this operation has dropped. */
static int
op_answer(struct sd_nfs_op *op, struct nfs_context *nfs)
{
    if (!op->nfs || nfs != op->nfs)
        return 0;
    op->queued--;
    if (op->stage != STAGE_CLEANUP)
        op->deadline = op->queued > 0 ? loop_now() + op->timeout_s : 0;
    return 1;
}

static const char *
cb_error(struct nfs_context *nfs, int status, void *data)
{
    if (data && status < 0)
        return data;
    if (nfs && nfs_get_error(nfs))
        return nfs_get_error(nfs);
    return strerror(status < 0 ? -status : EIO);
}

static void op_fd_ready(int fd, int events, void *opaque);

static void
op_unwatch(struct sd_nfs_op *op)
{
    if (op->watch >= 0)
        loop_remove_fd(op->watch);
    op->watch = -1;
    op->watch_fd = -1;
    op->watch_events = 0;
}

/* Follow libnfs's socket: it changes from MOUNT's to NFS's, and what it
 * waits for changes with the queue. */
static void
op_watch(struct sd_nfs_op *op)
{
    int fd, ev, want;

    if (!op->nfs) {
        op_unwatch(op);
        return;
    }
    fd = nfs_get_fd(op->nfs);
    ev = nfs_which_events(op->nfs);
    want = (ev & POLLIN ? LOOP_READ : 0) | (ev & POLLOUT ? LOOP_WRITE : 0);
    if (fd != op->watch_fd) {
        op_unwatch(op);
        if (fd < 0)
            return;
        op->watch = loop_add_fd(fd, want, op_fd_ready, op);
        op->watch_fd = fd;
        op->watch_events = want;
    } else if (want != op->watch_events && op->watch >= 0) {
        loop_update_fd(op->watch, want);
        op->watch_events = want;
    }
}

static void
ignore_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    (void)status;
    (void)nfs;
    (void)data;
    (void)priv;
}

static void
op_drop_context(struct sd_nfs_op *op)
{
    struct nfs_context *nfs = op->nfs;

    op_unwatch(op);
    if (!nfs)
        return;
    /* from here on, answers for nfs are ignored (op_answer) */
    op->nfs = NULL;
    op->queued = 0;
    if (op->fh) {
        /* NFSv3 has no CLOSE: this only frees the handle */
        nfs_close_async(nfs, op->fh, ignore_cb, NULL);
        op->fh = NULL;
    }
    nfs_destroy_context(nfs);
}

/* The connection broke (nfs_service() failed). */
static void
op_broken(struct sd_nfs_op *op)
{
    char *detail = xstrdup(op->nfs && nfs_get_error(op->nfs) ?
                           nfs_get_error(op->nfs) : "");

    if (op->stage == STAGE_CLEANUP) {
        op->stage = STAGE_END;
    } else if (op->kind == OP_UPLOAD && op->stage == STAGE_RUN) {
        op_fail(op, _("The connection to the NFS server %s broke while "
                      "uploading '%s' (%s): check that the server runs, "
                      "then upload again."), op->server, op->name, detail);
    } else {
        op_fail(op, _("The connection to the NFS server %s broke (%s): "
                      "check that it runs and exports %s over NFSv3."),
                op->server, detail, op->export);
    }
    free(detail);
    op_drop_context(op);
}

static void
op_service(struct sd_nfs_op *op, int revents)
{
    if (!op->nfs)
        return;
    if (nfs_service(op->nfs, revents) < 0)
        op_broken(op);
}

static void
op_fd_ready(int fd, int events, void *opaque)
{
    struct sd_nfs_op *op = opaque;
    int revents = (events & LOOP_READ ? POLLIN : 0) |
                  (events & LOOP_WRITE ? POLLOUT : 0) |
                  (events & LOOP_ERROR ? POLLERR : 0) |
                  (events & LOOP_HANGUP ? POLLHUP : 0);

    (void)fd;
    op_service(op, revents);
    op_pump(op);
}

static void upload_progress(struct sd_nfs_op *op, int final);

static void
op_tick(void *opaque)
{
    struct sd_nfs_op *op = opaque;
    double now = loop_now();

    if (op->completed)
        return;
    /* libnfs scans its own timeouts in nfs_service() */
    op_service(op, 0);
    if (op->deadline > 0 && now > op->deadline) {
        op->deadline = 0;
        switch (op->stage) {
        case STAGE_PREPARE:
            op_fail(op, _("The name of the NFS server %s could not be "
                          "resolved within %d s: check the name and DNS."),
                    op->server, op->timeout_s);
            break;
        case STAGE_CLEANUP:
            op->stage = STAGE_END;
            break;
        case STAGE_MOUNT:
        case STAGE_RUN:
            if (op->kind == OP_UPLOAD)
                op_fail(op, _("The NFS server %s did not answer within "
                              "%d s while uploading '%s': check that it "
                              "runs and is reachable, then upload again."),
                        op->server, op->timeout_s, op->name);
            else
                op_fail(op, _("The NFS server %s did not answer within "
                              "%d s: check that it runs, is reachable and "
                              "exports %s over NFSv3."),
                        op->server, op->timeout_s, op->export);
            /* its context may be wedged: drop it */
            op_drop_context(op);
            break;
        case STAGE_END:
            break;
        }
    }
    if (op->kind == OP_UPLOAD && op->writing && op_live(op)) {
        /* a progress callback may cancel: op_pump() below handles it */
        op->in_pump = 1;
        upload_progress(op, 0);
        op->in_pump = 0;
    }
    op_pump(op);
}

static void
op_free(struct sd_nfs_op *op)
{
    if (op->slots) {
        for (int i = 0; i < op->n_slots; i++)
            free(op->slots[i].buf);
        free(op->slots);
    }
    if (op->fd >= 0)
        close(op->fd);
    for (size_t i = 0; i < op->n_entries; i++)
        free((char *)op->entries[i].name);
    free(op->entries);
    free(op->ext);
    free(op->server);
    free(op->host);
    free(op->export);
    free(op->dir);
    free(op->dir_path);
    free(op->msg);
    free(op->cleanup_path);
    free(op->prep_err);
    free(op->probe_path);
    free(op->local);
    free(op->name);
    free(op->final_path);
    free(op->temp_path);
    free(op->label);
    free(op);
}

static void
op_unlink_list(struct sd_nfs_op *op)
{
    for (struct sd_nfs_op **pp = &ops; *pp; pp = &(*pp)->next) {
        if (*pp == op) {
            *pp = op->next;
            return;
        }
    }
}

/* The end: call done() once, then free when no job uses the op. */
static void
op_complete(struct sd_nfs_op *op)
{
    int ok = !op->failed && !op->cancelled;

    op_drop_context(op);
    loop_remove_timer(op->timer);
    op->timer = -1;
    op_unlink_list(op);
    op->completed = 1;
    switch (op->kind) {
    case OP_CHECK:
    case OP_SPACE:
        op->check_done(op->opaque, ok ? &op->info : NULL,
                       ok ? NULL : op->msg);
        break;
    case OP_LIST:
        if (ok)
            op->list_done(op->opaque, 1, NULL, op->entries, op->n_entries);
        else
            op->list_done(op->opaque, 0, op->msg, NULL, 0);
        break;
    case OP_UPLOAD:
    case OP_REMOVE:
    case OP_CREATE:
        op->done(op->opaque, ok, op->msg ? op->msg : "");
        break;
    }
    if (op->jobs == 0)
        op_free(op);
}

/* mount_cb of the clean-up connection */
static void
cleanup_unlink_cb(int status, struct nfs_context *nfs, void *data,
                  void *priv)
{
    struct sd_nfs_op *op = priv;

    (void)data;
    if (!op_answer(op, nfs))
        return;
    if (status == 0 || status == -ENOENT)
        FREE(op->cleanup_path);
    op->stage = STAGE_END;
}

static void
cleanup_mount_cb(int status, struct nfs_context *nfs, void *data,
                 void *priv)
{
    struct sd_nfs_op *op = priv;

    (void)data;
    if (!op_answer(op, nfs))
        return;
    if (status < 0) {
        op->stage = STAGE_END;
        return;
    }
    op_sent(op);
    if (nfs_unlink_async(nfs, op->cleanup_path, cleanup_unlink_cb, op) < 0) {
        op_unsent(op);
        op->stage = STAGE_END;
    }
}

/* Make a context for this op, with the options every connection gets. */
static int
op_new_context(struct sd_nfs_op *op, int timeout_s)
{
    struct nfs_url *url;
    char *s;

    op->nfs = nfs_init_context();
    if (!op->nfs)
        return -1;
    /* libnfs 4.0 sets ports only from URL arguments: parse a URL that
     * carries just them (the host and path there are not used). */
    if (op->nfs_port && op->mount_port)
        s = xasprintf("nfs://h/x?version=3&autoreconnect=0&nfsport=%d"
                      "&mountport=%d", op->nfs_port, op->mount_port);
    else if (op->nfs_port)
        s = xasprintf("nfs://h/x?version=3&autoreconnect=0&nfsport=%d",
                      op->nfs_port);
    else
        s = xstrdup("nfs://h/x?version=3&autoreconnect=0");
    url = nfs_parse_url_dir(op->nfs, s);
    free(s);
    if (!url)
        return -1;
    nfs_destroy_url(url);
    nfs_set_autoreconnect(op->nfs, 0);
    /* a backstop: the op's own deadline (TIMEOUT s without any answer)
     * fires first and gives the clearer message */
    nfs_set_timeout(op->nfs, (timeout_s + 1) * 1000);
    nfs_set_uid(op->nfs, SD_NFS_UID);
    nfs_set_gid(op->nfs, SD_NFS_GID);
    return 0;
}

/* After a failure or a cancel: drop the connection (requests in flight
 * are abandoned), then remove the temporary file over a new one. */
static void
op_stop(struct sd_nfs_op *op)
{
    int t;

    op->stopping = 1;
    op_drop_context(op);
    if (!op->cleanup_path || op->stage == STAGE_PREPARE) {
        op->stage = STAGE_END;
        return;
    }
    op->stage = STAGE_CLEANUP;
    t = op->timeout_s < CLEANUP_MAX ? op->timeout_s : CLEANUP_MAX;
    if (op_new_context(op, t) < 0) {
        op_drop_context(op);
        op->stage = STAGE_END;
        return;
    }
    op->deadline = loop_now() + t;
    log_debug("removing %s after: %s", op->cleanup_path, op->msg);
    op_sent(op);
    if (nfs_mount_async(op->nfs, op->host, op->export, cleanup_mount_cb,
                        op) < 0) {
        op_unsent(op);
        op_drop_context(op);
        op->stage = STAGE_END;
        return;
    }
    op->deadline = loop_now() + t;
}

static void upload_feed(struct sd_nfs_op *op);

/* Everything that must not happen inside nfs_service(). */
static void
op_pump(struct sd_nfs_op *op)
{
    if (op->completed || op->in_pump)
        return;
    op->in_pump = 1;
    if ((op->failed || op->cancelled) && !op->stopping)
        op_stop(op);
    if (op->kind == OP_UPLOAD && op->writing && op_live(op)) {
        upload_feed(op);
        if ((op->failed || op->cancelled) && !op->stopping)
            op_stop(op);
    }
    if (op->stage == STAGE_END) {
        if (op->cleanup_path && op->stopping) {
            char *path = join_export(op->export, NULL, op->cleanup_path + 1);
            char *m = xasprintf(_("%s The temporary file %s could not be "
                                  "removed: remove it on the server."),
                                op->msg, path);
            op_set_msg(op, m);
            free(path);
        }
        op->in_pump = 0;
        op_complete(op);
        return;
    }
    op_watch(op);
    op->in_pump = 0;
}

/* ------------------------------------------------------------------ */
/* preparing and mounting                                              */

/* On a worker: turn the host name into an address, so that libnfs's own
 * getaddrinfo() on the main thread never waits for DNS. */
static void
prepare_resolve(struct sd_nfs_op *op)
{
    struct addrinfo hints, *res = NULL;
    char buf[INET6_ADDRSTRLEN];
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;
    if (getaddrinfo(op->host, NULL, &hints, &res) == 0) {
        freeaddrinfo(res);
        return;
    }
    hints.ai_flags = AI_ADDRCONFIG;
    rc = getaddrinfo(op->host, NULL, &hints, &res);
    if (rc != 0 || !res) {
        op->prep_err = xasprintf(_("The name of the NFS server %s could "
                                   "not be resolved (%s): check the name "
                                   "and DNS."), op->server,
                                 gai_strerror(rc));
        return;
    }
    if (getnameinfo(res->ai_addr, res->ai_addrlen, buf, sizeof(buf), NULL,
                    0, NI_NUMERICHOST) == 0) {
        free(op->host);
        op->host = xstrdup(buf);
    }
    freeaddrinfo(res);
}

/* On a worker: open the local file and map its data and holes. */
static void
prepare_local(struct sd_nfs_op *op)
{
    struct stat st;
    off_t pos = 0, data, hole;
    size_t cap = 0;

    op->fd = open(op->local, O_RDONLY | O_CLOEXEC);
    if (op->fd < 0 || fstat(op->fd, &st) < 0) {
        op->prep_err = xasprintf(_("Cannot open '%s': %s."), op->local,
                                 strerror(errno));
        return;
    }
    if (!S_ISREG(st.st_mode)) {
        op->prep_err = xasprintf(_("'%s' is not a regular file: upload a "
                                   "file."), op->local);
        return;
    }
    op->size = (uint64_t)st.st_size;
    while (pos < st.st_size) {
        data = lseek(op->fd, pos, SEEK_DATA);
        if (data < 0 && errno == ENXIO)
            break;              /* a hole up to the end */
        if (data < 0) {
            /* no SEEK_DATA here: the rest is one extent */
            data = pos;
            hole = st.st_size;
        } else {
            hole = lseek(op->fd, data, SEEK_HOLE);
            if (hole < 0 || hole > st.st_size)
                hole = st.st_size;
        }
        if (op->n_ext == cap) {
            cap = cap ? cap * 2 : 16;
            op->ext = xrealloc(op->ext, cap * sizeof(*op->ext));
        }
        op->ext[op->n_ext].off = (uint64_t)data;
        op->ext[op->n_ext].len = (uint64_t)(hole - data);
        op->data_bytes += (uint64_t)(hole - data);
        op->n_ext++;
        pos = hole;
    }
}

static void
prepare_run(void *arg)
{
    struct sd_nfs_op *op = arg;

    prepare_resolve(op);
    if (!op->prep_err && op->kind == OP_UPLOAD)
        prepare_local(op);
}

static void
prepare_done(void *arg)
{
    struct sd_nfs_op *op = arg;

    op->jobs--;
    if (op->completed) {
        if (op->jobs == 0)
            op_free(op);
        return;
    }
    op->deadline = 0;
    if (op->prep_err) {
        if (op_live(op)) {
            op_set_msg(op, op->prep_err);
            op->prep_err = NULL;
            op->failed = 1;
        }
    } else if (op_live(op)) {
        op_start_mount(op);
    }
    op_pump(op);
}

static void check_mounted(struct sd_nfs_op *op);
static void list_mounted(struct sd_nfs_op *op);
static void upload_mounted(struct sd_nfs_op *op);
static void remove_mounted(struct sd_nfs_op *op);
static void create_mounted(struct sd_nfs_op *op);
static void space_mounted(struct sd_nfs_op *op);

static void
mount_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct sd_nfs_op *op = priv;

    if (!op_answer(op, nfs))
        return;
    if (status < 0) {
        op_fail(op, _("Cannot mount %s from the NFS server %s (%s): check "
                      "that the server runs, exports it over NFSv3 to this "
                      "host, and that the ports are right."),
                op->export, op->server, cb_error(nfs, status, data));
        return;
    }
    op->stage = STAGE_RUN;
    op->info.write_max = nfs_get_writemax(nfs);
    log_debug("mounted %s, writemax %" PRIu64, op_label(op),
              op->info.write_max);
    switch (op->kind) {
    case OP_CHECK:
        check_mounted(op);
        break;
    case OP_LIST:
        list_mounted(op);
        break;
    case OP_UPLOAD:
        upload_mounted(op);
        break;
    case OP_REMOVE:
        remove_mounted(op);
        break;
    case OP_CREATE:
        create_mounted(op);
        break;
    case OP_SPACE:
        space_mounted(op);
        break;
    }
}

static void
op_start_mount(struct sd_nfs_op *op)
{
    op->stage = STAGE_MOUNT;
    if (op_new_context(op, op->timeout_s) < 0) {
        op_fail(op, _("Cannot set up an NFS client for %s: %s."),
                op->server, op->nfs ? nfs_get_error(op->nfs) : "libnfs");
        return;
    }
    op_sent(op);
    if (nfs_mount_async(op->nfs, op->host, op->export, mount_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot mount %s from the NFS server %s (%s): check "
                      "the server's address."), op->export, op->server,
                nfs_get_error(op->nfs));
    }
}

static struct sd_nfs_op *
op_new(enum op_kind kind, const char *server, const char *export,
       const char *dir, int timeout_s)
{
    struct sd_nfs_op *op;
    char *host = NULL;
    int nfs_port, mount_port;

    if (parse_server(server, &host, &nfs_port, &mount_port) < 0 ||
        sd_nfs_valid_export(export) < 0 || valid_dir(dir) < 0) {
        free(host);
        return NULL;
    }
    op = xcalloc(1, sizeof(*op));
    op->kind = kind;
    op->stage = STAGE_PREPARE;
    op->server = xstrdup(server);
    op->host = host;
    op->nfs_port = nfs_port;
    op->mount_port = mount_port;
    op->export = export_norm(export);
    op->dir = xstrdup(dir ? dir : "");
    op->dir_path = mount_path(op->dir, NULL);
    op->timeout_s = timeout_s > 0 ? timeout_s : SD_NFS_TIMEOUT_DEFAULT;
    op->watch = -1;
    op->watch_fd = -1;
    op->timer = -1;
    op->fd = -1;
    op->started = loop_now();
    op->label = strchr(host, ':') ? xasprintf("[%s]:%s", host, op->export)
                                  : xasprintf("%s:%s", host, op->export);
    op->info.server = op->server;
    op->info.export = op->export;
    return op;
}

/* Start OP: its timer, and the prepare job. */
static struct sd_nfs_op *
op_launch(struct sd_nfs_op *op)
{
    op->timer = loop_add_timer(TICK_MS, op_tick, op);
    if (op->timer < 0) {
        err_set(_("Cannot start a timer for the NFS server %s."),
                op->server);
        op_free(op);
        return NULL;
    }
    op->next = ops;
    ops = op;
    op->jobs++;
    op->deadline = loop_now() + op->timeout_s;
    jobs_submit(prepare_run, prepare_done, op);
    return op;
}

/* ------------------------------------------------------------------ */
/* check                                                               */

static void
check_subdir_attr_cb(int status, struct nfs_context *nfs, void *data,
                     void *priv)
{
    struct sd_nfs_op *op = priv;
    const char *name = op->subdir == 0 ? SD_NFS_DIR_ISO : SD_NFS_DIR_DISKS;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status < 0) {
        op_fail(op, _("Cannot set the mode of the folder %s/%s on %s "
                      "(%s): run 'chmod 0750 %s/%s' on the server."),
                op->export, name, op->server, cb_error(nfs, status, data),
                op->export, name);
        return;
    }
    op->subdir++;
    check_next_subdir(op);
}

static void
check_subdir_chowned_cb(int status, struct nfs_context *nfs, void *data,
                        void *priv)
{
    struct sd_nfs_op *op = priv;
    const char *name = op->subdir == 0 ? SD_NFS_DIR_ISO : SD_NFS_DIR_DISKS;
    char *path;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status < 0) {
        op_fail(op, _("Cannot give the folder %s/%s on %s to vdsm:kvm "
                      "(%s): run 'chown 36:36 %s/%s' on the server."),
                op->export, name, op->server, cb_error(nfs, status, data),
                op->export, name);
        return;
    }
    /* MKDIR's mode may have met a umask on the server */
    path = mount_path(name, NULL);
    op_sent(op);
    if (nfs_chmod_async(nfs, path, 0750, check_subdir_attr_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot set up the folder %s/%s on %s: %s."),
                op->export, name, op->server, nfs_get_error(nfs));
    }
    free(path);
}

static void
check_mkdir_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct sd_nfs_op *op = priv;
    const char *name = op->subdir == 0 ? SD_NFS_DIR_ISO : SD_NFS_DIR_DISKS;
    char *path;
    int rc;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status < 0) {
        op_fail(op, _("Cannot create the folder %s/%s on %s (%s): create "
                      "it on the server, owned by 36:36 with mode 0750."),
                op->export, name, op->server, cb_error(nfs, status, data));
        return;
    }
    if (op->subdir == 0)
        op->info.created_iso_dir = 1;
    else
        op->info.created_disks_dir = 1;
    /* the new folder is ours (we speak as 36:36); chown anyway in case the
     * server maps ids */
    path = mount_path(name, NULL);
    op_sent(op);
    rc = nfs_chown_async(nfs, path, SD_NFS_UID, SD_NFS_GID,
                         check_subdir_chowned_cb, op);
    free(path);
    if (rc < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot set up the folder %s/%s on %s: %s."),
                op->export, name, op->server, nfs_get_error(nfs));
    }
}

static void
check_subdir_stat_cb(int status, struct nfs_context *nfs, void *data,
                     void *priv)
{
    struct sd_nfs_op *op = priv;
    const char *name = op->subdir == 0 ? SD_NFS_DIR_ISO : SD_NFS_DIR_DISKS;
    struct nfs_stat_64 *st = data;
    char *path;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status == -ENOENT) {
        path = mount_path(name, NULL);
        op_sent(op);
        if (nfs_mkdir2_async(nfs, path, 0750, check_mkdir_cb, op) < 0) {
            op_unsent(op);
            op_fail(op, _("Cannot create the folder %s/%s on %s: %s."),
                    op->export, name, op->server, nfs_get_error(nfs));
        }
        free(path);
        return;
    }
    if (status < 0) {
        op_fail(op, _("Cannot look at %s/%s on %s (%s): check the "
                      "export's permissions."), op->export, name,
                op->server, cb_error(nfs, status, data));
        return;
    }
    if (!S_ISDIR(st->nfs_mode)) {
        op_fail(op, _("%s/%s on %s is not a folder: move it away on the "
                      "server so that the folder can be created."),
                op->export, name, op->server);
        return;
    }
    if (st->nfs_uid != SD_NFS_UID || st->nfs_gid != SD_NFS_GID) {
        op_fail(op, _("The folder %s/%s on %s is owned by %" PRIu64 ":%"
                      PRIu64 "; oVirt storage must be owned by vdsm:kvm: "
                      "run 'chown 36:36 %s/%s' on the server."),
                op->export, name, op->server, st->nfs_uid, st->nfs_gid,
                op->export, name);
        return;
    }
    op->subdir++;
    check_next_subdir(op);
}

static void
check_next_subdir(struct sd_nfs_op *op)
{
    const char *name;
    char *path;

    if (op->subdir >= 2) {
        log_debug("%s checked", op_label(op));
        op->stage = STAGE_END;
        return;
    }
    name = op->subdir == 0 ? SD_NFS_DIR_ISO : SD_NFS_DIR_DISKS;
    path = mount_path(name, NULL);
    op_sent(op);
    if (nfs_stat64_async(op->nfs, path, check_subdir_stat_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot look at %s/%s on %s: %s."), op->export, name,
                op->server, nfs_get_error(op->nfs));
    }
    free(path);
}

static void
check_probe_unlink_cb(int status, struct nfs_context *nfs, void *data,
                      void *priv)
{
    struct sd_nfs_op *op = priv;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status < 0) {
        op_fail(op, _("The export %s could write but not remove the file "
                      "%s (%s): allow vdsm:kvm (36:36) to delete files "
                      "there."), op_label(op), op->probe_path,
                cb_error(nfs, status, data));
        return;
    }
    FREE(op->cleanup_path);
    check_next_subdir(op);
}

static void
check_probe_closed_cb(int status, struct nfs_context *nfs, void *data,
                      void *priv)
{
    struct sd_nfs_op *op = priv;

    (void)status;
    (void)data;
    if (!op_answer(op, nfs) || !op_live(op))
        return;
    op_sent(op);
    if (nfs_unlink_async(nfs, op->probe_path, check_probe_unlink_cb,
                         op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot remove %s from %s: %s."), op->probe_path,
                op_label(op), nfs_get_error(nfs));
    }
}

static void
check_probe_written_cb(int status, struct nfs_context *nfs, void *data,
                       void *priv)
{
    struct sd_nfs_op *op = priv;
    struct nfsfh *fh = op->fh;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status < 0) {
        op_fail(op, _("The export %s is not writable (%s): export it "
                      "read-write, with room to write."), op_label(op),
                cb_error(nfs, status, data));
        return;
    }
    op->fh = NULL;
    op_sent(op);
    if (nfs_close_async(nfs, fh, check_probe_closed_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot close %s on %s: %s."), op->probe_path,
                op_label(op), nfs_get_error(nfs));
    }
}

static void
check_probe_created_cb(int status, struct nfs_context *nfs, void *data,
                       void *priv)
{
    struct sd_nfs_op *op = priv;
    static const char probe[] = "virtdeck write probe\n";

    if (!op_answer(op, nfs))
        return;
    if (status == 0)
        op->fh = data;
    else
        FREE(op->cleanup_path);         /* nothing was made */
    if (!op_live(op))
        return;
    if (status == -EROFS) {
        op_fail(op, _("The export %s is not writable: export it "
                      "read-write."), op_label(op));
        return;
    }
    if (status < 0) {
        op_fail(op, _("The export %s is not writable by vdsm:kvm (%s): "
                      "export it read-write, without squashing 36:36 to "
                      "another user, and give its owner write permission "
                      "('chmod 0755 %s' on the server)."), op_label(op),
                cb_error(nfs, status, data), op->export);
        return;
    }
    op_sent(op);
    if (nfs_pwrite_async(nfs, op->fh, 0, sizeof(probe) - 1, probe,
                         check_probe_written_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot write to %s: %s."), op_label(op),
                nfs_get_error(nfs));
    }
}

/* The answer to a STATVFS of the export: its size and the space vdsm may
 * use into op->info.  1, or 0 when the op is over or failed (said). */
static int
statvfs_answer(struct sd_nfs_op *op, struct nfs_context *nfs, int status,
               void *data)
{
    struct nfs_statvfs_64 *sv = data;
    uint64_t unit;

    if (!op_answer(op, nfs) || !op_live(op))
        return 0;
    if (status < 0) {
        op_fail(op, _("Cannot read the size of %s (%s): check the "
                      "server."), op_label(op), cb_error(nfs, status, data));
        return 0;
    }
    unit = sv->f_frsize ? sv->f_frsize : sv->f_bsize;
    op->info.total_bytes = sv->f_blocks * unit;
    op->info.free_bytes = sv->f_bavail * unit;
    return 1;
}

static void
check_statvfs_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct sd_nfs_op *op = priv;

    if (!statvfs_answer(op, nfs, status, data))
        return;
    op->probe_path = xasprintf("/.virtdeck-probe.%ld.%u", (long)getpid(),
                               ++probe_seq);
    op->cleanup_path = xstrdup(op->probe_path);
    op_sent(op);
    if (nfs_create_async(nfs, op->probe_path, O_WRONLY | O_TRUNC, 0600,
                         check_probe_created_cb, op) < 0) {
        op_unsent(op);
        FREE(op->cleanup_path);
        op_fail(op, _("Cannot create a file on %s: %s."), op_label(op),
                nfs_get_error(nfs));
    }
}

static void
check_root_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct sd_nfs_op *op = priv;
    struct nfs_stat_64 *st = data;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status < 0) {
        op_fail(op, _("Cannot look at the root of %s (%s): check the "
                      "export's permissions."), op_label(op),
                cb_error(nfs, status, data));
        return;
    }
    op->info.uid = (unsigned)st->nfs_uid;
    op->info.gid = (unsigned)st->nfs_gid;
    op->info.mode = (unsigned)st->nfs_mode & 07777;
    if (st->nfs_uid != SD_NFS_UID || st->nfs_gid != SD_NFS_GID) {
        op_fail(op, _("The export %s is owned by %" PRIu64 ":%" PRIu64
                      "; oVirt storage must be owned by vdsm:kvm: run "
                      "'chown 36:36 %s' on the server."), op_label(op),
                st->nfs_uid, st->nfs_gid, op->export);
        return;
    }
    op_sent(op);
    if (nfs_statvfs64_async(nfs, "/", check_statvfs_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot read the size of %s: %s."), op_label(op),
                nfs_get_error(nfs));
    }
}

static void
check_mounted(struct sd_nfs_op *op)
{
    op_sent(op);
    if (nfs_stat64_async(op->nfs, "/", check_root_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot look at the root of %s: %s."), op_label(op),
                nfs_get_error(op->nfs));
    }
}

struct sd_nfs_op *
sd_nfs_check(const char *server, const char *export, int timeout_s,
             sd_nfs_check_fn done, void *opaque)
{
    struct sd_nfs_op *op = op_new(OP_CHECK, server, export, NULL, timeout_s);

    if (!op)
        return NULL;
    op->check_done = done;
    op->opaque = opaque;
    return op_launch(op);
}

/* ------------------------------------------------------------------ */
/* list                                                                */

static int
entry_cmp(const void *a, const void *b)
{
    const struct sd_nfs_entry *x = a, *y = b;
    return strcmp(x->name, y->name);
}

static void
list_opendir_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct sd_nfs_op *op = priv;
    struct nfsdir *d = data;
    struct nfsdirent *e;
    size_t cap = 0;

    if (!op_answer(op, nfs)) {
        if (status == 0 && d && nfs)
            nfs_closedir(nfs, d);
        return;
    }
    if (status < 0) {
        if (status == -ENOENT)
            op_fail(op, _("The folder %s does not exist on %s: check the "
                          "storage domain again to create it."),
                    op->dir_path, op_label(op));
        else
            op_fail(op, _("Cannot list %s on %s (%s): check the export's "
                          "permissions."), op->dir_path, op_label(op),
                    cb_error(nfs, status, data));
        return;
    }
    while ((e = nfs_readdir(nfs, d)) != NULL) {
        struct sd_nfs_entry *n;
        if (e->name[0] == '.')
            continue;           /* ".", "..", uploads in progress */
        if (op->n_entries == cap) {
            cap = cap ? cap * 2 : 32;
            op->entries = xrealloc(op->entries, cap * sizeof(*op->entries));
        }
        n = &op->entries[op->n_entries++];
        n->name = xstrdup(e->name);
        n->size = e->size;
        n->used = e->used;
        n->mode = e->mode;
        n->uid = e->uid;
        n->gid = e->gid;
        n->mtime = (int64_t)e->mtime.tv_sec;
    }
    nfs_closedir(nfs, d);
    if (op->n_entries > 1)
        qsort(op->entries, op->n_entries, sizeof(*op->entries), entry_cmp);
    op->stage = STAGE_END;
}

static void
list_mounted(struct sd_nfs_op *op)
{
    op_sent(op);
    if (nfs_opendir_async(op->nfs, op->dir_path, list_opendir_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot list %s on %s: %s."), op->dir_path,
                op_label(op), nfs_get_error(op->nfs));
    }
}

struct sd_nfs_op *
sd_nfs_list(const char *server, const char *export, const char *dir,
            int timeout_s, sd_nfs_list_fn done, void *opaque)
{
    struct sd_nfs_op *op = op_new(OP_LIST, server, export, dir, timeout_s);

    if (!op)
        return NULL;
    op->list_done = done;
    op->opaque = opaque;
    return op_launch(op);
}

/* ------------------------------------------------------------------ */
/* upload                                                              */

static int
all_zero(const char *buf, size_t len)
{
    static const char zeros[4096];
    size_t i;

    for (i = 0; i + sizeof(zeros) <= len; i += sizeof(zeros)) {
        if (memcmp(buf + i, zeros, sizeof(zeros)) != 0)
            return 0;
    }
    return memcmp(buf + i, zeros, len - i) == 0;
}

/* A job's worth of blocks to read: all the slots free at that moment, so
 * that a thread hand-off carries several blocks. */
struct read_batch {
    struct sd_nfs_op *op;
    int n;
    struct slot *slots[];
};

static void
read_slot(struct slot *s)
{
    size_t got = 0;

    s->err = 0;
    while (got < s->len) {
        ssize_t n = pread(s->op->fd, s->buf + got, s->len - got,
                          (off_t)(s->off + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            s->err = n < 0 ? errno : EIO;   /* EIO: the file shrank */
            return;
        }
        got += (size_t)n;
    }
    s->zero = all_zero(s->buf, s->len);
}

/* On a worker: read the batch's blocks. */
static void
read_run(void *arg)
{
    struct read_batch *b = arg;

    for (int i = 0; i < b->n; i++)
        read_slot(b->slots[i]);
}

static void
read_done(void *arg)
{
    struct read_batch *b = arg;
    struct sd_nfs_op *op = b->op;

    op->jobs--;
    op->reads--;
    if (op->completed) {
        free(b);
        if (op->jobs == 0)
            op_free(op);
        return;
    }
    for (int i = 0; i < b->n; i++) {
        struct slot *s = b->slots[i];
        if (s->err) {
            s->state = SLOT_FREE;
            op_fail(op, _("Cannot read '%s' at byte %" PRIu64 ": %s."),
                    op->local, s->off, strerror(s->err));
        } else {
            s->state = SLOT_READY;
        }
    }
    free(b);
    op_pump(op);
}

static void
write_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct slot *s = priv;
    struct sd_nfs_op *op = s->op;

    s->state = SLOT_FREE;
    op->writes--;
    if (!op_answer(op, nfs))
        return;
    if (status < 0) {
        if (status == -ENOSPC || status == -EDQUOT)
            op_fail(op, _("The export %s is full: '%s' did not fit; free "
                          "some space or choose another storage domain."),
                    op_label(op), op->name);
        else
            op_fail(op, _("Writing '%s' to %s failed at byte %" PRIu64
                          " (%s): check the server, then upload again."),
                    op->name, op_label(op), s->off,
                    cb_error(nfs, status, data));
        return;
    }
    if ((size_t)status != s->len) {
        op_fail(op, _("The NFS server %s wrote %d of %zu bytes of '%s' at "
                      "byte %" PRIu64 ": check its disk, then upload "
                      "again."), op->server, status, s->len, op->name,
                s->off);
        return;
    }
    op->done_bytes += s->len;
    op->written += s->len;
}

/* The next block to read, or 0 when everything is assigned. */
static int
next_block(struct sd_nfs_op *op, uint64_t *off, size_t *len)
{
    while (op->ext_i < op->n_ext) {
        struct extent *e = &op->ext[op->ext_i];
        uint64_t end = e->off + e->len, n;
        if (op->ext_pos < e->off)
            op->ext_pos = e->off;
        if (op->ext_pos >= end) {
            op->ext_i++;
            continue;
        }
        /* blocks aligned to the block size, so holes stay aligned */
        n = op->opts.block - op->ext_pos % op->opts.block;
        if (n > end - op->ext_pos)
            n = end - op->ext_pos;
        *off = op->ext_pos;
        *len = (size_t)n;
        op->ext_pos += n;
        return 1;
    }
    return 0;
}

/* Send the blocks that are read, lowest offset first, keeping at most
 * opts.inflight WRITEs in flight.  Returns how many were sent, or -1. */
static int
upload_send(struct sd_nfs_op *op)
{
    int sent = 0;

    for (int i = 0; i < op->n_slots; i++) {
        struct slot *s = &op->slots[i];
        if (s->state == SLOT_READY && s->zero) {
            /* a hole on the server: nothing to send */
            op->done_bytes += s->len;
            s->state = SLOT_FREE;
        }
    }
    while (op->writes < op->opts.inflight) {
        struct slot *best = NULL;
        for (int i = 0; i < op->n_slots; i++) {
            struct slot *s = &op->slots[i];
            if (s->state == SLOT_READY && (!best || s->off < best->off))
                best = s;
        }
        if (!best)
            break;
        op_sent(op);
        best->state = SLOT_WRITING;
        op->writes++;
        if (nfs_pwrite_async(op->nfs, op->fh, best->off, best->len,
                             best->buf, write_cb, best) < 0) {
            op_unsent(op);
            best->state = SLOT_FREE;
            op->writes--;
            op_fail(op, _("Cannot send '%s' to %s: %s."), op->name,
                    op_label(op), nfs_get_error(op->nfs));
            return -1;
        }
        sent++;
    }
    return sent;
}

/* Start a read job for the free slots, at most READ_BATCHES at a time. */
static void
upload_read(struct sd_nfs_op *op)
{
    struct read_batch *b;

    if (op->reads >= READ_BATCHES || op->read_all)
        return;
    b = xmalloc(sizeof(*b) + (size_t)op->n_slots * sizeof(b->slots[0]));
    b->op = op;
    b->n = 0;
    for (int i = 0; i < op->n_slots && b->n < op->opts.inflight; i++) {
        struct slot *s = &op->slots[i];
        if (s->state != SLOT_FREE)
            continue;
        if (!next_block(op, &s->off, &s->len)) {
            op->read_all = 1;
            break;
        }
        s->state = SLOT_READING;
        b->slots[b->n++] = s;
    }
    if (b->n == 0) {
        free(b);
        return;
    }
    op->reads++;
    op->jobs++;
    jobs_submit(read_run, read_done, b);
}

static void
commit_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct sd_nfs_op *op = priv;

    op->committing = 0;
    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status < 0)
        op_fail(op, _("The NFS server %s could not flush '%s' to its disk "
                      "(%s): check the server, then upload again."),
                op->server, op->name, cb_error(nfs, status, data));
}

/* Ask the server to flush what it has every COMMIT_EVERY bytes, as the
 * kernel's NFS client does: its disk then writes while more data comes,
 * and the final fsync has little left to do. */
static void
upload_commit(struct sd_nfs_op *op)
{
    if (op->committing || op->written - op->committed < COMMIT_EVERY)
        return;
    op->committed = op->written;
    op_sent(op);
    op->committing = 1;
    if (nfs_fsync_async(op->nfs, op->fh, commit_cb, op) < 0) {
        op_unsent(op);
        op->committing = 0;
        op_fail(op, _("Cannot flush '%s' on %s: %s."), op->name,
                op_label(op), nfs_get_error(op->nfs));
    }
}

static void
upload_feed(struct sd_nfs_op *op)
{
    int sent;

    upload_commit(op);
    if (!op_live(op))
        return;
    sent = upload_send(op);

    if (sent < 0)
        return;
    if (sent > 0) {
        /* Send now rather than on the next POLLOUT: the socket is
         * nearly always writable, and toggling the watch for every
         * block costs more than the rest of the loop. */
        op_service(op, POLLOUT);
        if (!op_live(op))
            return;
    }
    upload_read(op);
    if (op->read_all && op->reads == 0 && op->writes == 0 &&
        !op->committing) {
        for (int i = 0; i < op->n_slots; i++) {
            if (op->slots[i].state != SLOT_FREE)
                return;
        }
        op->writing = 0;
        upload_progress(op, 1);
        upload_finish_data(op);
    }
}

static void
upload_progress(struct sd_nfs_op *op, int final)
{
    double now = loop_now(), rate = 0, eta = -1;
    struct rate_sample *old;

    if (!final && now - op->last_progress < PROGRESS_EVERY)
        return;
    op->last_progress = now;
    /* keep samples from the last RATE_WINDOW seconds */
    if (op->n_samples == (int)(sizeof(op->samples) / sizeof(op->samples[0])))
        memmove(op->samples, op->samples + 1,
                --op->n_samples * sizeof(op->samples[0]));
    op->samples[op->n_samples].t = now;
    op->samples[op->n_samples].bytes = op->done_bytes;
    op->n_samples++;
    while (op->n_samples > 2 && now - op->samples[1].t >= RATE_WINDOW) {
        memmove(op->samples, op->samples + 1,
                --op->n_samples * sizeof(op->samples[0]));
    }
    old = &op->samples[0];
    if (op->n_samples == 1 || now - old->t < 0.1) {
        if (now - op->data_started > 0.05)
            rate = op->done_bytes / (now - op->data_started);
    } else {
        rate = (op->done_bytes - old->bytes) / (now - old->t);
    }
    if (final && now - op->data_started > 0)
        rate = op->done_bytes / (now - op->data_started);
    if (rate > 0)
        eta = (double)(op->size - op->done_bytes) / rate;
    if (op->progress)
        op->progress(op->opaque, op->done_bytes, op->size,
                     rate / (1024.0 * 1024.0), eta);
}

static void
upload_renamed_cb(int status, struct nfs_context *nfs, void *data,
                  void *priv)
{
    struct sd_nfs_op *op = priv;
    char size[32], rate[32];
    double secs;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status < 0) {
        op_fail(op, _("Cannot rename %s to '%s' on %s (%s): check the "
                      "folder's permissions, then upload again."),
                op->temp_path, op->name, op_label(op),
                cb_error(nfs, status, data));
        return;
    }
    FREE(op->cleanup_path);
    secs = loop_now() - op->data_started;
    text_bytes(size, sizeof(size), (double)op->size);
    text_bytes(rate, sizeof(rate), secs > 0 ? op->size / secs : 0);
    op_set_msg(op, xasprintf(_("'%s' (%s) was uploaded to %s%s in %.1f s "
                               "(%s/s)."), op->name, size, op_label(op),
                             op->dir_path, secs, rate));
    op->stage = STAGE_END;
}

/* One step of the finish, after the data: truncate to the size, fsync,
 * chmod, chown, close, rename.  Each answer runs the next. */
static void upload_step(struct sd_nfs_op *op);

static void
upload_step_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct sd_nfs_op *op = priv;
    static const char *const what[] = {
        N_("set the size of"), N_("flush"), N_("set the mode of"),
        N_("set the owner of"), N_("close"),
    };

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status < 0) {
        op_fail(op, _("Cannot %s %s on %s (%s): check the server, then "
                      "upload again."), _(what[op->subdir]), op->temp_path,
                op_label(op), cb_error(nfs, status, data));
        return;
    }
    op->subdir++;
    upload_step(op);
}

static void
upload_step(struct sd_nfs_op *op)
{
    struct nfsfh *fh = op->fh;
    int rc;

    op_sent(op);
    switch (op->subdir) {
    case 0:
        /* a final hole leaves the file short until this */
        rc = nfs_ftruncate_async(op->nfs, fh, op->size, upload_step_cb, op);
        break;
    case 1:
        rc = nfs_fsync_async(op->nfs, fh, upload_step_cb, op);
        break;
    case 2:
        rc = nfs_fchmod_async(op->nfs, fh, 0640, upload_step_cb, op);
        break;
    case 3:
        rc = nfs_fchown_async(op->nfs, fh, SD_NFS_UID, SD_NFS_GID,
                              upload_step_cb, op);
        break;
    case 4:
        op->fh = NULL;          /* close frees it */
        rc = nfs_close_async(op->nfs, fh, upload_step_cb, op);
        break;
    default:
        rc = nfs_rename_async(op->nfs, op->temp_path, op->final_path,
                              upload_renamed_cb, op);
        break;
    }
    if (rc < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot finish '%s' on %s: %s."), op->name,
                op_label(op), nfs_get_error(op->nfs));
    }
}

static void
upload_finish_data(struct sd_nfs_op *op)
{
    log_debug("%s: %" PRIu64 " bytes written, %" PRIu64 " skipped",
              op->name, op->written, op->size - op->written);
    op->subdir = 0;
    upload_step(op);
}

static void
upload_created_cb(int status, struct nfs_context *nfs, void *data,
                  void *priv)
{
    struct sd_nfs_op *op = priv;

    if (!op_answer(op, nfs))
        return;
    if (status == 0)
        op->fh = data;
    if (!op_live(op))
        return;
    if (status < 0) {
        FREE(op->cleanup_path);
        if (status == -EROFS)
            op_fail(op, _("The export %s is not writable: export it "
                          "read-write."), op_label(op));
        else
            op_fail(op, _("Cannot create %s on %s (%s): check that "
                          "vdsm:kvm (36:36) may write in %s."),
                    op->temp_path, op_label(op), cb_error(nfs, status, data),
                    op->dir_path);
        return;
    }
    op->slots = xcalloc((size_t)op->n_slots, sizeof(*op->slots));
    for (int i = 0; i < op->n_slots; i++) {
        op->slots[i].op = op;
        op->slots[i].buf = xmalloc(op->opts.block);
    }
    op->data_started = loop_now();
    op->writing = 1;
    /* upload_feed() runs from op_pump() once nfs_service() returns */
}

static void
upload_exists_cb(int status, struct nfs_context *nfs, void *data,
                 void *priv)
{
    struct sd_nfs_op *op = priv;
    struct nfs_stat_64 *st = data;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status == 0) {
        if (S_ISDIR(st->nfs_mode)) {
            op_fail(op, _("'%s' is a folder in %s%s: choose another "
                          "name."), op->name, op_label(op), op->dir_path);
            return;
        }
        if (!op->opts.force) {
            op_fail(op, _("'%s' already exists in %s%s: choose force to "
                          "replace it, or another name."), op->name,
                    op_label(op), op->dir_path);
            return;
        }
    } else if (status != -ENOENT) {
        op_fail(op, _("Cannot look for '%s' in %s%s (%s): check the "
                      "folder's permissions."), op->name, op_label(op),
                op->dir_path, cb_error(nfs, status, data));
        return;
    }
    /* a stale temporary file from a crash is replaced (O_TRUNC) */
    op->cleanup_path = xstrdup(op->temp_path);
    op_sent(op);
    if (nfs_create_async(nfs, op->temp_path, O_WRONLY | O_TRUNC, 0600,
                         upload_created_cb, op) < 0) {
        op_unsent(op);
        FREE(op->cleanup_path);
        op_fail(op, _("Cannot create %s on %s: %s."), op->temp_path,
                op_label(op), nfs_get_error(nfs));
    }
}

static void
upload_statvfs_cb(int status, struct nfs_context *nfs, void *data,
                  void *priv)
{
    struct sd_nfs_op *op = priv;
    struct nfs_statvfs_64 *sv = data;
    uint64_t avail;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status == -ENOENT || status == -ENOTDIR) {
        op_fail(op, _("The folder %s does not exist on %s: check the "
                      "storage domain again to create it."), op->dir_path,
                op_label(op));
        return;
    }
    if (status < 0) {
        op_fail(op, _("Cannot read the free space of %s (%s): check the "
                      "server."), op_label(op), cb_error(nfs, status, data));
        return;
    }
    avail = sv->f_bavail * (sv->f_frsize ? sv->f_frsize : sv->f_bsize);
    if (op->data_bytes > avail) {
        char need[32], have[32];
        text_bytes(need, sizeof(need), (double)op->data_bytes);
        text_bytes(have, sizeof(have), (double)avail);
        op_fail(op, _("The export %s has %s free but '%s' needs %s: free "
                      "some space or choose another storage domain."),
                op_label(op), have, op->name, need);
        return;
    }
    op_sent(op);
    if (nfs_stat64_async(nfs, op->final_path, upload_exists_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot look for '%s' in %s: %s."), op->name,
                op_label(op), nfs_get_error(nfs));
    }
}

static void
upload_mounted(struct sd_nfs_op *op)
{
    op_sent(op);
    if (nfs_statvfs64_async(op->nfs, op->dir_path, upload_statvfs_cb,
                            op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot read the free space of %s: %s."),
                op_label(op), nfs_get_error(op->nfs));
    }
}

/* libnfs allocates a buffer the size of each WRITE and frees it when the
 * answer comes.  With several WRITEs in flight glibc's defaults serve them
 * from fresh mmap()s, or keep handing the top of the heap back to the
 * kernel and taking it again: ten times the page faults of a one-at-a-time
 * copy, which in a VM cost more than the copy itself and made uploads
 * slower than nfs-cp.  Keeping up to 64 MiB of freed heap (the process
 * then settles at about inflight x block) stops that.  Once per process;
 * it fixes both thresholds, which is what a long-lived console wants. */
static void
upload_tune_malloc(void)
{
    static int done;

    if (done)
        return;
    done = 1;
#if defined(M_TRIM_THRESHOLD) && defined(M_MMAP_THRESHOLD)
    mallopt(M_MMAP_THRESHOLD, 16 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

struct sd_nfs_op *
sd_nfs_upload(const char *server, const char *export, const char *dir,
              const char *local_file, const char *remote_name,
              const struct sd_nfs_upload_opts *opts,
              sd_nfs_progress_fn progress, sd_nfs_done_fn done, void *opaque)
{
    struct sd_nfs_op *op;
    char *temp;

    if (valid_file_name(remote_name) < 0)
        return NULL;
    if (strlen(remote_name) > 250) {
        err_set(_("The file name is longer than 250 bytes: shorten it."));
        return NULL;
    }
    if (!local_file || !*local_file) {
        err_set(_("No local file was given: choose the file to upload."));
        return NULL;
    }
    op = op_new(OP_UPLOAD, server, export, dir,
                opts ? opts->timeout_s : 0);
    if (!op)
        return NULL;
    if (opts)
        op->opts = *opts;
    op->opts.timeout_s = op->timeout_s;
    if (op->opts.inflight <= 0)
        op->opts.inflight = SD_NFS_INFLIGHT_DEFAULT;
    if (op->opts.inflight > 64)
        op->opts.inflight = 64;
    if (op->opts.block == 0)
        op->opts.block = SD_NFS_BLOCK_DEFAULT;
    if (op->opts.block < 4096)
        op->opts.block = 4096;
    if (op->opts.block > 8u << 20)
        op->opts.block = 8u << 20;
    /* the WRITEs in flight plus as many blocks read ahead */
    op->n_slots = 2 * op->opts.inflight;
    upload_tune_malloc();
    op->progress = progress;
    op->done = done;
    op->opaque = opaque;
    op->local = xstrdup(local_file);
    op->name = xstrdup(remote_name);
    op->final_path = mount_path(op->dir, remote_name);
    temp = xasprintf(".%s.part", remote_name);
    op->temp_path = mount_path(op->dir, temp);
    free(temp);
    return op_launch(op);
}

/* ------------------------------------------------------------------ */
/* remove                                                              */

static void
remove_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct sd_nfs_op *op = priv;

    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status == -ENOENT) {
        op_fail(op, _("'%s' does not exist in %s%s: nothing was removed."),
                op->name, op_label(op), op->dir_path);
        return;
    }
    if (status < 0) {
        op_fail(op, _("Cannot remove '%s' from %s%s (%s): check that "
                      "vdsm:kvm (36:36) may write in the folder."),
                op->name, op_label(op), op->dir_path,
                cb_error(nfs, status, data));
        return;
    }
    op_set_msg(op, xasprintf(_("'%s' was removed from %s%s."), op->name,
                             op_label(op), op->dir_path));
    op->stage = STAGE_END;
}

static void
remove_mounted(struct sd_nfs_op *op)
{
    op_sent(op);
    if (nfs_unlink_async(op->nfs, op->final_path, remove_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot remove '%s' from %s: %s."), op->name,
                op_label(op), nfs_get_error(op->nfs));
    }
}

struct sd_nfs_op *
sd_nfs_remove(const char *server, const char *export, const char *dir,
              const char *name, int timeout_s, sd_nfs_done_fn done,
              void *opaque)
{
    struct sd_nfs_op *op;

    if (valid_file_name(name) < 0)
        return NULL;
    op = op_new(OP_REMOVE, server, export, dir, timeout_s);
    if (!op)
        return NULL;
    op->done = done;
    op->opaque = opaque;
    op->name = xstrdup(name);
    op->final_path = mount_path(op->dir, name);
    return op_launch(op);
}

/* ------------------------------------------------------------------ */
/* create a disk file                                                  */

static void create_step(struct sd_nfs_op *op);

static void
create_step_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct sd_nfs_op *op = priv;
    static const char *const what[] = {
        N_("create"), N_("set the size of"), N_("set the owner of"),
        N_("set the mode of"), N_("close"),
    };

    if (!op_answer(op, nfs))
        return;
    if (op->subdir == 0 && status == 0)
        op->fh = data;
    if (!op_live(op))
        return;
    if (status < 0) {
        if (op->subdir == 0) {
            /* nothing of ours to remove */
            FREE(op->cleanup_path);
            if (status == -EEXIST) {
                op_fail(op, _("'%s' already exists in %s%s: virtdeck never "
                              "overwrites a disk; remove it or choose "
                              "another name."), op->name, op_label(op),
                        op->dir_path);
                return;
            }
            if (status == -EROFS) {
                op_fail(op, _("The export %s is not writable: export it "
                              "read-write."), op_label(op));
                return;
            }
        }
        op_fail(op, _("Cannot %s the disk %s on %s (%s): check that "
                      "vdsm:kvm (36:36) may write in %s."),
                _(what[op->subdir]), op->final_path, op_label(op),
                cb_error(nfs, status, data), op->dir_path);
        return;
    }
    op->subdir++;
    if (op->subdir == 5) {
        char size[32];
        FREE(op->cleanup_path);     /* the disk is ours to keep now */
        text_bytes(size, sizeof(size), (double)op->size);
        op_set_msg(op, xasprintf(_("The disk '%s' (%s, sparse) was created "
                                   "in %s%s."), op->name, size,
                                 op_label(op), op->dir_path));
        op->stage = STAGE_END;
        return;
    }
    create_step(op);
}

static void
create_step(struct sd_nfs_op *op)
{
    struct nfsfh *fh = op->fh;
    int rc;

    op_sent(op);
    switch (op->subdir) {
    case 0:
        /* O_EXCL: a disk of that name is never replaced */
        op->cleanup_path = xstrdup(op->final_path);
        rc = nfs_create_async(op->nfs, op->final_path,
                              O_WRONLY | O_EXCL, 0600, create_step_cb, op);
        break;
    case 1:
        rc = nfs_ftruncate_async(op->nfs, fh, op->size, create_step_cb, op);
        break;
    case 2:
        rc = nfs_fchown_async(op->nfs, fh, SD_NFS_UID, SD_NFS_GID,
                              create_step_cb, op);
        break;
    case 3:
        rc = nfs_fchmod_async(op->nfs, fh, 0660, create_step_cb, op);
        break;
    default:
        op->fh = NULL;          /* close frees it */
        rc = nfs_close_async(op->nfs, fh, create_step_cb, op);
        break;
    }
    if (rc < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot create the disk '%s' on %s: %s."), op->name,
                op_label(op), nfs_get_error(op->nfs));
    }
}

static void
create_statvfs_cb(int status, struct nfs_context *nfs, void *data,
                  void *priv)
{
    struct sd_nfs_op *op = priv;

    (void)data;
    if (!op_answer(op, nfs) || !op_live(op))
        return;
    if (status == -ENOENT || status == -ENOTDIR) {
        op_fail(op, _("The folder %s does not exist on %s: check the "
                      "storage domain again to create it."), op->dir_path,
                op_label(op));
        return;
    }
    if (status < 0) {
        op_fail(op, _("Cannot reach the folder %s on %s (%s): check the "
                      "server."), op->dir_path, op_label(op),
                cb_error(nfs, status, data));
        return;
    }
    op->subdir = 0;
    create_step(op);
}

static void
create_mounted(struct sd_nfs_op *op)
{
    op_sent(op);
    if (nfs_statvfs64_async(op->nfs, op->dir_path, create_statvfs_cb,
                            op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot reach the folder %s on %s: %s."),
                op->dir_path, op_label(op), nfs_get_error(op->nfs));
    }
}

static void
space_cb(int status, struct nfs_context *nfs, void *data, void *priv)
{
    struct sd_nfs_op *op = priv;

    if (statvfs_answer(op, nfs, status, data))
        op->stage = STAGE_END;
}

static void
space_mounted(struct sd_nfs_op *op)
{
    op_sent(op);
    if (nfs_statvfs64_async(op->nfs, "/", space_cb, op) < 0) {
        op_unsent(op);
        op_fail(op, _("Cannot read the size of %s: %s."), op_label(op),
                nfs_get_error(op->nfs));
    }
}

struct sd_nfs_op *
sd_nfs_space(const char *server, const char *export, int timeout_s,
             sd_nfs_check_fn done, void *opaque)
{
    struct sd_nfs_op *op = op_new(OP_SPACE, server, export, NULL,
                                  timeout_s);

    if (!op)
        return NULL;
    op->check_done = done;
    op->opaque = opaque;
    return op_launch(op);
}

struct sd_nfs_op *
sd_nfs_create(const char *server, const char *export, const char *dir,
              const char *name, uint64_t size, int timeout_s,
              sd_nfs_done_fn done, void *opaque)
{
    struct sd_nfs_op *op;

    if (valid_file_name(name) < 0)
        return NULL;
    if (size == 0) {
        err_set(_("A disk needs a size above zero."));
        return NULL;
    }
    op = op_new(OP_CREATE, server, export, dir, timeout_s);
    if (!op)
        return NULL;
    op->done = done;
    op->opaque = opaque;
    op->name = xstrdup(name);
    op->size = size;
    op->final_path = mount_path(op->dir, name);
    return op_launch(op);
}

/* ------------------------------------------------------------------ */

void
sd_nfs_cancel(struct sd_nfs_op *op)
{
    if (!op || op->completed || op->cancelled || op->failed ||
        op->stage >= STAGE_CLEANUP)
        return;
    op->cancelled = 1;
    switch (op->kind) {
    case OP_UPLOAD:
        op_set_msg(op, xasprintf(_("The upload of '%s' to %s was "
                                   "cancelled."), op->name, op_label(op)));
        break;
    case OP_CHECK:
    case OP_SPACE:
        op_set_msg(op, xasprintf(_("The check of %s was cancelled."),
                                 op_label(op)));
        break;
    case OP_LIST:
        op_set_msg(op, xasprintf(_("The listing of %s was cancelled."),
                                 op_label(op)));
        break;
    case OP_REMOVE:
        op_set_msg(op, xasprintf(_("Removing '%s' from %s was cancelled."),
                                 op->name, op_label(op)));
        break;
    case OP_CREATE:
        op_set_msg(op, xasprintf(_("Creating the disk '%s' on %s was "
                                   "cancelled."), op->name, op_label(op)));
        break;
    }
    log_info("%s", op->msg);
    /* from a progress callback op_pump() is already running: it sees the
     * flag when the callback returns */
    op_pump(op);
}

void
sd_nfs_upload_cancel(struct sd_nfs_op *op)
{
    sd_nfs_cancel(op);
}

void
sd_nfs_cancel_all(void)
{
    struct sd_nfs_op *op = ops, *next;

    while (op) {
        next = op->next;
        sd_nfs_cancel(op);
        op = next;
    }
}

unsigned
sd_nfs_pending(void)
{
    unsigned n = 0;

    for (struct sd_nfs_op *op = ops; op; op = op->next)
        n++;
    return n;
}
