/* sd_iscsi.c: iSCSI discovery and LUN descriptions over libiscsi's
 * asynchronous API on the main loop (see sd_iscsi.h for why not jobs).
 *
 * Each operation is a small state machine: connect, login, then either
 * SendTargets or REPORT LUNS and a few SCSI commands per LUN, one at a
 * time, then logout.  libiscsi's callbacks only record results and queue
 * the next command.  The loop handlers (the socket watch and the timer)
 * finish an operation after iscsi_service() has returned, never from
 * inside a callback: a context must not be destroyed under its own feet.
 * It must not block, log a secret, or touch the model. */
#include <config.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include "loop.h"
#include "sd_iscsi.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/text.h"
#include "util/strbuf.h"

/* libiscsi checks its timeouts only in iscsi_service(): call it at least
 * this often, and check our own deadline at the same time. */
#define TICK_MS 250
#define DEFAULT_TIMEOUT 10.0
#define MAX_TIMEOUT 3600.0
/* Allocation lengths: enough for most answers; a longer answer is asked
 * for again with the length the target says it needs, up to the cap. */
#define ALLOC_SHORT 255
#define ALLOC_REPORT_LUNS 512
#define ALLOC_MAX 65535

enum op_kind { OP_DISCOVER, OP_LUNS };

enum op_step {
    STEP_CONNECT,
    STEP_LOGIN,
    STEP_DISCOVERY,
    STEP_REPORT_LUNS,
    STEP_INQUIRY,
    STEP_VPD_SERIAL,
    STEP_VPD_DEVID,
    STEP_CAPACITY16,
    STEP_CAPACITY10,
    STEP_LOGOUT,
};

struct sd_iscsi_op {
    struct sd_iscsi_op *next;   /* in ops, until completed or cancelled */
    enum op_kind kind;
    enum op_step step;
    struct iscsi_context *ctx;
    char *portal;               /* "IP:port" or "[IPv6]:port" */
    char *target;               /* NULL for discovery */
    char *user;                 /* NULL: no CHAP */
    char *secret;               /* zeroed when freed */
    double timeout;
    double deadline;            /* loop_now() seconds */
    int watch, watch_fd, watch_events;
    int timer;
    bool connected;             /* the TCP connection is up */
    bool answered;              /* the target answered the login */
    bool finished;              /* outcome known; complete at a safe point */
    bool completing;            /* being torn down: callbacks do nothing */
    bool ok;
    char *message;
    struct strbuf notes;        /* LUNs skipped in a successful listing */
    /* the one SCSI command in flight */
    struct scsi_task *task;
    int alloc;
    bool ua_retried;
    /* results */
    struct sd_iscsi_target *targets;
    size_t n_targets;
    unsigned *lun_ids;
    size_t n_lun_ids, lun_pos;
    struct sd_iscsi_lun cur;
    struct sd_iscsi_lun *luns;
    size_t n_luns;
    sd_iscsi_discover_fn discover_done;
    sd_iscsi_luns_fn luns_done;
    void *opaque;
};

static struct sd_iscsi_op *ops;
static char *initiator_name;

static void op_send(struct sd_iscsi_op *op);
static void op_logout(struct sd_iscsi_op *op);
static void lun_begin(struct sd_iscsi_op *op);

/* ---------------------------------------------------------------- names */

static bool
all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return false;
    }
    return s[n] == '\0';
}

/* True when name is an iSCSI name (iqn., eui. or naa. form). */
bool
sd_iscsi_valid_name(const char *name)
{
    size_t len;

    if (!name)
        return false;
    len = strlen(name);
    if (len < 5 || len > 223)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c) && c != '.' && c != '-' && c != ':')
            return false;
    }
    if (strncasecmp(name, "eui.", 4) == 0)
        return len == 20 && all_hex(name + 4, 16);
    if (strncasecmp(name, "naa.", 4) == 0)
        return (len == 20 || len == 36) && all_hex(name + 4, len - 4);
    if (strncasecmp(name, "iqn.", 4) != 0)
        return false;
    /* iqn.YYYY-MM.naming-authority */
    return len > 12 && isdigit((unsigned char)name[4]) &&
           isdigit((unsigned char)name[5]) &&
           isdigit((unsigned char)name[6]) &&
           isdigit((unsigned char)name[7]) && name[8] == '-' &&
           isdigit((unsigned char)name[9]) &&
           isdigit((unsigned char)name[10]) && name[11] == '.';
}

static int
parse_port(const char *s, int *port)
{
    long v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s))
            return -1;
        v = v * 10 + (*s - '0');
        if (v > 65535)
            return -1;
    }
    if (v < 1)
        return -1;
    *port = (int)v;
    return 0;
}

/* Split portal into host and port; see sd_iscsi.h.  The host must be an
 * IP literal: a name would make libiscsi call the resolver on the main
 * thread.  Returns 0 or -1 (err_set). */
int
sd_iscsi_parse_portal(const char *portal, char **host, int *port)
{
    unsigned char addr[sizeof(struct in6_addr)];
    const char *colon, *end;
    char *h = NULL;
    int p = SD_ISCSI_PORT, family = AF_INET, ret = -1;
    bool bad = false;

    *host = NULL;
    if (!portal || !*portal) {
        bad = true;
    } else if (portal[0] == '[') {
        family = AF_INET6;
        end = strchr(portal, ']');
        if (!end) {
            bad = true;
        } else {
            h = xstrndup(portal + 1, (size_t)(end - portal - 1));
            if (end[1] == ':')
                bad = parse_port(end + 2, &p) < 0;
            else
                bad = end[1] != '\0';
        }
    } else if ((colon = strchr(portal, ':')) && strchr(colon + 1, ':')) {
        family = AF_INET6;              /* a bare IPv6 address */
        h = xstrdup(portal);
    } else if (colon) {
        h = xstrndup(portal, (size_t)(colon - portal));
        bad = parse_port(colon + 1, &p) < 0;
    } else {
        h = xstrdup(portal);
    }
    if (bad || inet_pton(family, h, addr) != 1) {
        /* what was typed may hold terminal escapes: never echo it raw */
        char *shown = text_safe(portal);
        err_set(_("'%s' is not an iSCSI portal: give an IP address and an "
                  "optional port, such as 192.0.2.10:3260 (not a host "
                  "name)"), shown);
        free(shown);
        goto cleanup;
    }
    *host = h;
    h = NULL;
    *port = p;
    ret = 0;

cleanup:
    free(h);
    return ret;
}

/* "IP:port", brackets around IPv6, as libiscsi and messages spell it. */
static char *
portal_string(const char *host, int port)
{
    if (strchr(host, ':'))
        return xasprintf("[%s]:%d", host, port);
    return xasprintf("%s:%d", host, port);
}

/* Log in as iqn (NULL: the default) from the next operation on.
 * Returns 0, or -1 with err_set() when iqn is not an iSCSI name. */
int
sd_iscsi_set_initiator(const char *iqn)
{
    if (iqn && !sd_iscsi_valid_name(iqn)) {
        err_set(_("'%s' is not an iSCSI initiator name: use the form "
                  "iqn.YYYY-MM.reversed.domain:name"), iqn);
        return -1;
    }
    free(initiator_name);
    initiator_name = iqn ? xstrdup(iqn) : NULL;
    return 0;
}

/* The initiator name in use; borrowed until the next change. */
const char *
sd_iscsi_initiator(void)
{
    return initiator_name ? initiator_name : SD_ISCSI_DEFAULT_INITIATOR;
}

/* ---------------------------------------------------------------- results */

/* A copy of s (at most max bytes) without leading and trailing blanks or
 * NULs; control characters become '?'. */
static char *
trimmed(const char *s, size_t max)
{
    size_t len = strnlen(s, max), start = 0;
    char *out;

    while (start < len && isspace((unsigned char)s[start]))
        start++;
    while (len > start && isspace((unsigned char)s[len - 1]))
        len--;
    out = xstrndup(s + start, len - start);
    for (char *p = out; *p; p++) {
        if (iscntrl((unsigned char)*p))
            *p = '?';
    }
    return out;
}

static char *
hex_id(const char *prefix, const char *bytes, int len)
{
    struct strbuf b = { 0 };

    sb_add(&b, prefix);
    for (int i = 0; i < len; i++)
        sb_addf(&b, "%02x", (unsigned char)bytes[i]);
    return sb_steal(&b);
}

/* The LUN's best designator from VPD 0x83, in the forms Linux prints in
 * /sys/block/X/device/wwid: NAA (longest first) over EUI-64 over an iSCSI
 * name over a T10 vendor id. */
static char *
device_id(const struct scsi_inquiry_device_identification *di)
{
    const struct scsi_inquiry_device_designator *d, *best = NULL;
    int best_rank = 0;

    for (d = di->designators; d; d = d->next) {
        int rank = 0;
        if (d->association != SCSI_ASSOCIATION_LOGICAL_UNIT ||
            d->designator_length <= 0 || !d->designator)
            continue;
        switch (d->designator_type) {
        case SCSI_DESIGNATOR_TYPE_NAA:
            rank = 100 + d->designator_length;
            break;
        case SCSI_DESIGNATOR_TYPE_EUI_64:
            rank = 90;
            break;
        case SCSI_DESIGNATOR_TYPE_SCSI_NAME_STRING:
            rank = 80;
            break;
        case SCSI_DESIGNATOR_TYPE_T10_VENDORT_ID:
            rank = 70;
            break;
        default:
            break;
        }
        if (rank > best_rank) {
            best = d;
            best_rank = rank;
        }
    }
    if (!best)
        return xstrdup("");
    switch (best->designator_type) {
    case SCSI_DESIGNATOR_TYPE_NAA:
        return hex_id("naa.", best->designator, best->designator_length);
    case SCSI_DESIGNATOR_TYPE_EUI_64:
        return hex_id("eui.", best->designator, best->designator_length);
    case SCSI_DESIGNATOR_TYPE_SCSI_NAME_STRING:
        return trimmed(best->designator, (size_t)best->designator_length);
    default: {
        char *text = trimmed(best->designator,
                             (size_t)best->designator_length);
        char *out;
        /* one word: blanks (the vendor field is padded) become '_' */
        for (char *p = text; *p; p++) {
            if (*p == ' ')
                *p = '_';
        }
        out = xasprintf("t10.%s", text);
        free(text);
        return out;
    }
    }
}

static void
lun_clear(struct sd_iscsi_lun *l)
{
    free(l->vendor);
    free(l->product);
    free(l->revision);
    free(l->serial);
    free(l->device_id);
    memset(l, 0, sizeof(*l));
}

static void
target_clear(struct sd_iscsi_target *t)
{
    free(t->iqn);
    for (size_t i = 0; i < t->n_portals; i++)
        free(t->portals[i]);
    free(t->portals);
    memset(t, 0, sizeof(*t));
}

static int
cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* ---------------------------------------------------------------- outcome */

static void op_fail(struct sd_iscsi_op *op, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
op_fail(struct sd_iscsi_op *op, const char *fmt, ...)
{
    va_list ap;

    if (op->finished)
        return;
    va_start(ap, fmt);
    op->message = xvasprintf(fmt, ap);
    va_end(ap);
    op->ok = false;
    op->finished = true;
    log_debug("%s: %s", op->portal, op->message);
}

static void
op_succeed(struct sd_iscsi_op *op)
{
    if (op->finished)
        return;
    op->ok = true;
    op->finished = true;
    log_debug("%s: done", op->portal);
}

/* The number in the last "(N)" of libiscsi's error text: the errno of a
 * failed connect ("socket error Connection refused(111)") or the status of
 * a refused login ("Status: Authentication failure(513)").  -1: none. */
static int
error_code(const char *text)
{
    const char *p = strrchr(text, '(');
    char *end;
    long v;

    if (!p || !isdigit((unsigned char)p[1]))
        return -1;
    v = strtol(p + 1, &end, 10);
    if (*end != ')' || v > 0xffff)
        return -1;
    return (int)v;
}

static void
op_timeout(struct sd_iscsi_op *op)
{
    if (op->step == STEP_LOGOUT) {
        op_succeed(op);     /* the answer is in hand */
    } else if (!op->connected) {
        op_fail(op, _("no answer from %s within %g s: check the portal "
                      "address and that the target runs"),
                op->portal, op->timeout);
    } else if (!op->answered) {
        op_fail(op, _("%s accepts connections but gave no iSCSI answer "
                      "within %g s: check that an iSCSI target listens "
                      "there and is not hung"),
                op->portal, op->timeout);
    } else if (op->kind == OP_DISCOVER) {
        op_fail(op, _("the portal %s stopped answering within %g s"),
                op->portal, op->timeout);
    } else {
        op_fail(op, _("target '%s' at %s stopped answering within %g s"),
                op->target, op->portal, op->timeout);
    }
}

static void
op_fail_connect(struct sd_iscsi_op *op)
{
    const char *why = iscsi_get_error(op->ctx);
    int e = error_code(why);

    if (e == ECONNREFUSED) {
        op_fail(op, _("nothing listens on %s (connection refused): check "
                      "the portal address and that the target runs"),
                op->portal);
    } else if (e == ETIMEDOUT) {
        op_timeout(op);
    } else if (e == ENETUNREACH || e == EHOSTUNREACH) {
        op_fail(op, _("%s cannot be reached (%s): check the portal address "
                      "and the network"), op->portal, strerror(e));
    } else if (e > 0) {
        op_fail(op, _("cannot connect to %s: %s"), op->portal, strerror(e));
    } else {
        op_fail(op, _("cannot connect to %s: %s"), op->portal, why);
    }
}

/* The connection broke (libiscsi gave up on it or cancelled our command). */
static void
op_fail_io(struct sd_iscsi_op *op)
{
    if (op->step == STEP_LOGOUT) {
        op_succeed(op);     /* targets may close first */
    } else if (!op->connected) {
        op_fail_connect(op);
    } else if (!op->answered) {
        op_fail(op, _("%s closed the connection without answering the "
                      "login: check that an iSCSI target listens there"),
                op->portal);
    } else if (op->kind == OP_DISCOVER) {
        op_fail(op, _("the portal %s closed the connection during the "
                      "discovery: check that the target still runs"),
                op->portal);
    } else {
        op_fail(op, _("target '%s' at %s closed the connection during the "
                      "session: check that the target still runs"),
                op->target, op->portal);
    }
}

/* A login answered with a status (RFC 7143 11.13.5). */
static void
op_fail_login(struct sd_iscsi_op *op)
{
    const char *why = iscsi_get_error(op->ctx);
    int st = strstr(why, "Status:") ? error_code(why) : -1;
    bool chap = op->user != NULL;
    bool disc = op->kind == OP_DISCOVER;

    op->answered = true;
    if (st == 0x0201 && chap && disc) {
        op_fail(op, _("the portal %s refused the CHAP credentials for "
                      "user '%s': check the secret"), op->portal, op->user);
    } else if (st == 0x0201 && chap) {
        op_fail(op, _("target '%s' at %s refused the CHAP credentials for "
                      "user '%s': check the secret"),
                op->target, op->portal, op->user);
    } else if (st == 0x0201 && disc) {
        op_fail(op, _("the portal %s requires CHAP for discovery: give a "
                      "CHAP user and secret"), op->portal);
    } else if (st == 0x0201) {
        op_fail(op, _("target '%s' at %s requires CHAP: give a CHAP user "
                      "and secret"), op->target, op->portal);
    } else if (st == 0x0202 && disc) {
        op_fail(op, _("the portal %s does not let initiator '%s' discover "
                      "targets: add it to the target's access list"),
                op->portal, sd_iscsi_initiator());
    } else if (st == 0x0202) {
        op_fail(op, _("target '%s' at %s does not let initiator '%s' log "
                      "in: add it to the target's access list"),
                op->target, op->portal, sd_iscsi_initiator());
    } else if (st == 0x0203 && !disc) {
        op_fail(op, _("the portal %s has no target '%s' for initiator "
                      "'%s': check the IQN and the target's access list"),
                op->portal, op->target, sd_iscsi_initiator());
    } else if (st == 0x0204 && !disc) {
        op_fail(op, _("target '%s' at %s has been removed"),
                op->target, op->portal);
    } else if (st >= 0x0300 && st <= 0x03ff && !disc) {
        op_fail(op, _("target '%s' at %s refused the login with a target "
                      "error (status 0x%04x): check that it is online"),
                op->target, op->portal, (unsigned)st);
    } else if (st >= 0 && disc) {
        op_fail(op, _("the portal %s refused the discovery login (status "
                      "0x%04x)"), op->portal, (unsigned)st);
    } else if (st >= 0) {
        op_fail(op, _("target '%s' at %s refused the login (status 0x%04x)"),
                op->target, op->portal, (unsigned)st);
    } else if (disc) {
        op_fail(op, _("the discovery login at %s failed: %s"),
                op->portal, why);
    } else {
        op_fail(op, _("the login to target '%s' at %s failed: %s"),
                op->target, op->portal, why);
    }
}

/* ---------------------------------------------------------------- loop */

static int
to_loop_events(int poll_events)
{
    return (poll_events & POLLIN ? LOOP_READ : 0) |
           (poll_events & POLLOUT ? LOOP_WRITE : 0);
}

static int
to_poll_events(int loop_events)
{
    return (loop_events & LOOP_READ ? POLLIN : 0) |
           (loop_events & LOOP_WRITE ? POLLOUT : 0) |
           (loop_events & LOOP_ERROR ? POLLERR : 0) |
           (loop_events & LOOP_HANGUP ? POLLHUP : 0);
}

static void op_io(int fd, int events, void *opaque);

/* Watch the context's socket for what libiscsi wants now. */
static void
op_watch(struct sd_iscsi_op *op)
{
    int fd, ev;

    if (op->finished)
        return;
    fd = iscsi_get_fd(op->ctx);
    ev = to_loop_events(iscsi_which_events(op->ctx));
    if (fd != op->watch_fd) {
        loop_remove_fd(op->watch);
        op->watch = -1;
        op->watch_fd = fd;
        op->watch_events = ev;
        if (fd >= 0) {
            op->watch = loop_add_fd(fd, ev, op_io, op);
            if (op->watch < 0) {
                op_fail(op, _("cannot watch the connection to %s"),
                        op->portal);
                loop_update_timer(op->timer, 0);
            }
        }
    } else if (ev != op->watch_events && op->watch >= 0) {
        loop_update_fd(op->watch, ev);
        op->watch_events = ev;
    }
}

static void
op_unlink(struct sd_iscsi_op *op)
{
    for (struct sd_iscsi_op **pp = &ops; *pp; pp = &(*pp)->next) {
        if (*pp == op) {
            *pp = op->next;
            break;
        }
    }
    op->next = NULL;
}

/* Stop watching and close the session.  Destroying the context calls the
 * callbacks of commands in flight (CANCELLED); they see completing. */
static void
op_release(struct sd_iscsi_op *op)
{
    op->completing = true;
    loop_remove_fd(op->watch);
    op->watch = -1;
    loop_remove_timer(op->timer);
    op->timer = -1;
    if (op->ctx) {
        iscsi_destroy_context(op->ctx);
        op->ctx = NULL;
    }
    if (op->task) {
        scsi_free_scsi_task(op->task);
        op->task = NULL;
    }
}

static void
op_free(struct sd_iscsi_op *op)
{
    free(op->portal);
    free(op->target);
    free(op->user);
    if (op->secret) {
        explicit_bzero(op->secret, strlen(op->secret));
        free(op->secret);
    }
    free(op->message);
    sb_free(&op->notes);
    for (size_t i = 0; i < op->n_targets; i++)
        target_clear(&op->targets[i]);
    free(op->targets);
    for (size_t i = 0; i < op->n_luns; i++)
        lun_clear(&op->luns[i]);
    free(op->luns);
    lun_clear(&op->cur);
    free(op->lun_ids);
    free(op);
}

/* Tear the operation down and tell the caller. */
static void
op_complete(struct sd_iscsi_op *op)
{
    const char *msg = op->message;

    op_unlink(op);
    op_release(op);
    if (op->ok)
        msg = op->notes.len ? sb_str(&op->notes) : NULL;
    if (op->kind == OP_DISCOVER && op->discover_done) {
        op->discover_done(op->opaque, op->ok, msg,
                          op->ok ? op->targets : NULL,
                          op->ok ? op->n_targets : 0);
    } else if (op->kind == OP_LUNS && op->luns_done) {
        op->luns_done(op->opaque, op->ok, msg, op->ok ? op->luns : NULL,
                      op->ok ? op->n_luns : 0);
    }
    op_free(op);
}

/* Let libiscsi work on revents (0: only its timeout scan).  Returns true
 * when the operation completed (op is freed). */
static bool
op_service(struct sd_iscsi_op *op, int revents)
{
    if (!op->finished && iscsi_service(op->ctx, revents) < 0)
        op_fail_io(op);
    if (op->finished) {
        op_complete(op);
        return true;
    }
    op_watch(op);
    return false;
}

static void
op_io(int fd, int events, void *opaque)
{
    op_service(opaque, to_poll_events(events));
}

static void
op_tick(void *opaque)
{
    struct sd_iscsi_op *op = opaque;
    double left;
    int ms;

    if (!op->finished && loop_now() >= op->deadline)
        op_timeout(op);
    if (op_service(op, 0))
        return;
    left = op->deadline - loop_now();
    ms = left <= 0 ? 0 : (int)(left * 1000.0) + 1;
    loop_update_timer(op->timer, ms < TICK_MS ? ms : TICK_MS);
}

/* ---------------------------------------------------------------- steps */

static void
scsi_cb(struct iscsi_context *ctx, int status, void *data, void *priv);

static void
step_begin(struct sd_iscsi_op *op, enum op_step step, int alloc)
{
    op->step = step;
    op->alloc = alloc;
    op->ua_retried = false;
    op_send(op);
}

static void
op_send(struct sd_iscsi_op *op)
{
    struct iscsi_context *c = op->ctx;
    int lun = op->step == STEP_REPORT_LUNS ? 0 : (int)op->cur.lun;
    struct scsi_task *t = NULL;

    switch (op->step) {
    case STEP_REPORT_LUNS:
        t = iscsi_reportluns_task(c, 0, op->alloc, scsi_cb, op);
        break;
    case STEP_INQUIRY:
        t = iscsi_inquiry_task(c, lun, 0, 0, op->alloc, scsi_cb, op);
        break;
    case STEP_VPD_SERIAL:
        t = iscsi_inquiry_task(c, lun, 1,
                               SCSI_INQUIRY_PAGECODE_UNIT_SERIAL_NUMBER,
                               op->alloc, scsi_cb, op);
        break;
    case STEP_VPD_DEVID:
        t = iscsi_inquiry_task(c, lun, 1,
                               SCSI_INQUIRY_PAGECODE_DEVICE_IDENTIFICATION,
                               op->alloc, scsi_cb, op);
        break;
    case STEP_CAPACITY16:
        t = iscsi_readcapacity16_task(c, lun, scsi_cb, op);
        break;
    case STEP_CAPACITY10:
        t = iscsi_readcapacity10_task(c, lun, 0, 0, scsi_cb, op);
        break;
    default:
        break;
    }
    if (!t) {
        op_fail(op, _("cannot send a SCSI command to target '%s' at %s: %s"),
                op->target, op->portal, iscsi_get_error(c));
        return;
    }
    op->task = t;
}

/* Ask again with the length the target needs; true when it was sent. */
static bool
ask_longer(struct sd_iscsi_op *op, struct scsi_task *task)
{
    int full = scsi_datain_getfullsize(task);

    if (full <= task->datain.size || full <= op->alloc)
        return false;
    op->alloc = full < ALLOC_MAX ? full : ALLOC_MAX;
    if (op->alloc <= task->datain.size)
        return false;
    op_send(op);
    return true;
}

static char *
task_problem(const struct scsi_task *task)
{
    if (task->status == SCSI_STATUS_CHECK_CONDITION)
        return xasprintf("%s, %s", scsi_sense_key_str(task->sense.key),
                         scsi_sense_ascq_str(task->sense.ascq));
    return xasprintf("SCSI status 0x%x", (unsigned)task->status);
}

static void
lun_next(struct sd_iscsi_op *op)
{
    lun_clear(&op->cur);
    op->lun_pos++;
    if (op->lun_pos < op->n_lun_ids)
        lun_begin(op);
    else
        op_logout(op);
}

static void
lun_begin(struct sd_iscsi_op *op)
{
    lun_clear(&op->cur);
    op->cur.lun = op->lun_ids[op->lun_pos];
    step_begin(op, STEP_INQUIRY, ALLOC_SHORT);
}

/* A LUN that does not answer is left out with a note, not the whole
 * listing: the others may still be what the operator looks for. */
static void
lun_skip(struct sd_iscsi_op *op, const char *command,
         const struct scsi_task *task)
{
    char *why = task_problem(task);

    if (op->notes.len)
        sb_add(&op->notes, "; ");
    sb_addf(&op->notes, _("LUN %u of target '%s' was left out: %s failed "
                          "(%s)"), op->cur.lun, op->target, command, why);
    free(why);
    lun_next(op);
}

static void
lun_done(struct sd_iscsi_op *op)
{
    op->luns = xrealloc(op->luns, (op->n_luns + 1) * sizeof(*op->luns));
    op->luns[op->n_luns++] = op->cur;
    memset(&op->cur, 0, sizeof(op->cur));
    if (!op->luns[op->n_luns - 1].serial)
        op->luns[op->n_luns - 1].serial = xstrdup("");
    if (!op->luns[op->n_luns - 1].device_id)
        op->luns[op->n_luns - 1].device_id = xstrdup("");
    lun_next(op);
}

static void
on_report_luns(struct sd_iscsi_op *op, int status, struct scsi_task *task)
{
    struct scsi_reportluns_list *list;
    char *why;
    size_t n = 0;

    if (status != SCSI_STATUS_GOOD) {
        why = task_problem(task);
        op_fail(op, _("target '%s' at %s did not list its LUNs: %s"),
                op->target, op->portal, why);
        free(why);
        return;
    }
    if (ask_longer(op, task))
        return;
    list = scsi_datain_unmarshall(task);
    if (!list) {
        op_fail(op, _("target '%s' at %s sent a LUN list that cannot be "
                      "read"), op->target, op->portal);
        return;
    }
    op->lun_ids = xcalloc(list->num ? list->num : 1, sizeof(unsigned));
    for (uint32_t i = 0; i < list->num; i++)
        op->lun_ids[n++] = list->luns[i];
    qsort(op->lun_ids, n, sizeof(unsigned), cmp_unsigned);
    /* a target may repeat a LUN reached through several addresses */
    op->n_lun_ids = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || op->lun_ids[i] != op->lun_ids[i - 1])
            op->lun_ids[op->n_lun_ids++] = op->lun_ids[i];
    }
    log_debug("%s %s: %zu LUNs", op->portal, op->target, op->n_lun_ids);
    op->lun_pos = 0;
    if (op->n_lun_ids)
        lun_begin(op);
    else
        op_logout(op);
}

static void
on_inquiry(struct sd_iscsi_op *op, int status, struct scsi_task *task)
{
    struct scsi_inquiry_standard *inq;

    if (status != SCSI_STATUS_GOOD) {
        lun_skip(op, "INQUIRY", task);
        return;
    }
    inq = scsi_datain_unmarshall(task);
    if (!inq) {
        lun_skip(op, "INQUIRY", task);
        return;
    }
    if (inq->qualifier != SCSI_INQUIRY_PERIPHERAL_QUALIFIER_CONNECTED ||
        inq->device_type !=
            SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_DIRECT_ACCESS) {
        log_debug("%s %s: LUN %u is not a disk (type 0x%x)", op->portal,
                  op->target, op->cur.lun, (unsigned)inq->device_type);
        lun_next(op);
        return;
    }
    op->cur.vendor = trimmed(inq->vendor_identification, 8);
    op->cur.product = trimmed(inq->product_identification, 16);
    op->cur.revision = trimmed(inq->product_revision_level, 4);
    step_begin(op, STEP_VPD_SERIAL, ALLOC_SHORT);
}

/* VPD pages are optional: a LUN without one gets an empty field. */
static void
on_vpd(struct sd_iscsi_op *op, int status, struct scsi_task *task)
{
    if (status == SCSI_STATUS_GOOD) {
        if (ask_longer(op, task))
            return;
        if (op->step == STEP_VPD_SERIAL) {
            struct scsi_inquiry_unit_serial_number *usn =
                scsi_datain_unmarshall(task);
            if (usn && usn->usn)
                op->cur.serial = trimmed(usn->usn, 256);
        } else {
            struct scsi_inquiry_device_identification *di =
                scsi_datain_unmarshall(task);
            if (di)
                op->cur.device_id = device_id(di);
        }
    }
    if (op->step == STEP_VPD_SERIAL)
        step_begin(op, STEP_VPD_DEVID, ALLOC_SHORT);
    else
        step_begin(op, STEP_CAPACITY16, 0);
}

static void
set_capacity(struct sd_iscsi_op *op, uint64_t last_lba, uint32_t block,
             const struct scsi_task *task, const char *command)
{
    if (block == 0 || last_lba >= UINT64_MAX / block) {
        lun_skip(op, command, task);
        return;
    }
    op->cur.block_size = block;
    op->cur.size = (last_lba + 1) * block;
    lun_done(op);
}

static void
on_capacity(struct sd_iscsi_op *op, int status, struct scsi_task *task)
{
    struct scsi_readcapacity16 *rc16 = NULL;
    struct scsi_readcapacity10 *rc10 = NULL;

    if (op->step == STEP_CAPACITY16) {
        if (status == SCSI_STATUS_GOOD)
            rc16 = scsi_datain_unmarshall(task);
        if (rc16)
            set_capacity(op, rc16->returned_lba, rc16->block_length, task,
                         "READ CAPACITY(16)");
        else
            step_begin(op, STEP_CAPACITY10, 0);   /* SBC-2 and older */
        return;
    }
    if (status == SCSI_STATUS_GOOD)
        rc10 = scsi_datain_unmarshall(task);
    /* 0xffffffff: too big for READ CAPACITY(10), and 16 failed */
    if (!rc10 || rc10->lba == 0xffffffffU)
        lun_skip(op, "READ CAPACITY", task);
    else
        set_capacity(op, rc10->lba, rc10->block_size, task,
                     "READ CAPACITY(10)");
}

static void
scsi_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
    struct sd_iscsi_op *op = priv;
    struct scsi_task *task = data ? data : op->task;

    if (task == op->task)
        op->task = NULL;
    if (op->completing || !task)
        goto cleanup;
    if (status == SCSI_STATUS_TIMEOUT) {
        op_timeout(op);
        goto cleanup;
    }
    if (status == SCSI_STATUS_CANCELLED) {
        op_fail_io(op);
        goto cleanup;
    }
    if (status == SCSI_STATUS_CHECK_CONDITION &&
        task->sense.key == SCSI_SENSE_UNIT_ATTENTION && !op->ua_retried) {
        /* tgt and others report a reset to each LUN's first command after
         * a login: send it once more */
        log_debug("%s %s: unit attention on LUN %u, retrying", op->portal,
                  op->target, op->cur.lun);
        op->ua_retried = true;
        op_send(op);
        goto cleanup;
    }
    switch (op->step) {
    case STEP_REPORT_LUNS:
        on_report_luns(op, status, task);
        break;
    case STEP_INQUIRY:
        on_inquiry(op, status, task);
        break;
    case STEP_VPD_SERIAL:
    case STEP_VPD_DEVID:
        on_vpd(op, status, task);
        break;
    case STEP_CAPACITY16:
    case STEP_CAPACITY10:
        on_capacity(op, status, task);
        break;
    default:
        break;
    }
cleanup:
    if (task)
        scsi_free_scsi_task(task);
}

static void
logout_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
    struct sd_iscsi_op *op = priv;

    if (!op->completing)
        op_succeed(op);
}

static void
op_logout(struct sd_iscsi_op *op)
{
    op->step = STEP_LOGOUT;
    if (iscsi_logout_async(op->ctx, logout_cb, op) != 0)
        op_succeed(op);
}

static void
discovery_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
    struct sd_iscsi_op *op = priv;
    const struct iscsi_discovery_address *a;
    size_t n = 0;

    if (op->completing)
        return;
    if (status == SCSI_STATUS_TIMEOUT) {
        op_timeout(op);
        return;
    }
    if (status == SCSI_STATUS_CANCELLED) {
        op_fail_io(op);
        return;
    }
    if (status != SCSI_STATUS_GOOD) {
        op_fail(op, _("the portal %s did not answer the discovery "
                      "(SendTargets): %s"), op->portal, iscsi_get_error(ctx));
        return;
    }
    /* the list lives only during this callback */
    for (a = data; a; a = a->next)
        n++;
    op->targets = xcalloc(n ? n : 1, sizeof(*op->targets));
    for (a = data; a; a = a->next) {
        struct sd_iscsi_target *t = &op->targets[op->n_targets++];
        const struct iscsi_target_portal *p;
        size_t np = 0;

        t->iqn = xstrdup(a->target_name ? a->target_name : "");
        for (p = a->portals; p; p = p->next)
            np++;
        t->portals = xcalloc(np ? np : 1, sizeof(char *));
        for (p = a->portals; p; p = p->next) {
            char *s = xstrdup(p->portal ? p->portal : "");
            char *tag = strrchr(s, ',');
            if (tag)
                *tag = '\0';        /* "IP:port,TPGT" */
            t->portals[t->n_portals++] = s;
        }
    }
    log_debug("%s: %zu targets", op->portal, op->n_targets);
    op_logout(op);
}

static void
login_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
    struct sd_iscsi_op *op = priv;

    if (op->completing)
        return;
    if (status == SCSI_STATUS_TIMEOUT) {
        op_timeout(op);
        return;
    }
    if (status == SCSI_STATUS_CANCELLED) {
        op_fail_io(op);
        return;
    }
    if (status != SCSI_STATUS_GOOD) {
        op_fail_login(op);
        return;
    }
    op->answered = true;
    log_debug("%s: logged in%s%s", op->portal, op->target ? " to " : "",
              op->target ? op->target : "");
    if (op->kind == OP_DISCOVER) {
        op->step = STEP_DISCOVERY;
        if (iscsi_discovery_async(ctx, discovery_cb, op) != 0)
            op_fail(op, _("cannot ask %s for its targets: %s"), op->portal,
                    iscsi_get_error(ctx));
    } else {
        step_begin(op, STEP_REPORT_LUNS, ALLOC_REPORT_LUNS);
    }
}

static void
connect_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
    struct sd_iscsi_op *op = priv;

    if (op->completing)
        return;
    if (status != SCSI_STATUS_GOOD) {
        op_fail_connect(op);
        return;
    }
    op->connected = true;
    op->step = STEP_LOGIN;
    if (iscsi_login_async(ctx, login_cb, op) != 0)
        op_fail(op, _("cannot start the login at %s: %s"), op->portal,
                iscsi_get_error(ctx));
}

/* ---------------------------------------------------------------- start */

static struct sd_iscsi_op *
op_start(enum op_kind kind, const char *portal, const char *target,
         const struct sd_iscsi_chap *chap, double timeout)
{
    struct sd_iscsi_op *op = NULL;
    char *host = NULL;
    int port;
    bool with_chap = chap && chap->user && *chap->user;

    if (sd_iscsi_parse_portal(portal, &host, &port) < 0)
        goto cleanup;
    if (kind == OP_LUNS && !sd_iscsi_valid_name(target)) {
        err_set(_("'%s' is not an iSCSI target name: use the form "
                  "iqn.YYYY-MM.reversed.domain:name"), target ? target : "");
        goto cleanup;
    }
    if (with_chap && (!chap->secret || !*chap->secret)) {
        err_set(_("the CHAP user '%s' has no secret"), chap->user);
        goto cleanup;
    }
    op = xcalloc(1, sizeof(*op));
    op->kind = kind;
    op->step = STEP_CONNECT;
    op->portal = portal_string(host, port);
    op->target = xstrdup(target);
    op->timeout = timeout > 0 ? timeout : DEFAULT_TIMEOUT;
    if (op->timeout > MAX_TIMEOUT)
        op->timeout = MAX_TIMEOUT;
    op->deadline = loop_now() + op->timeout;
    op->watch = op->watch_fd = op->timer = -1;
    op->ctx = iscsi_create_context(sd_iscsi_initiator());
    if (!op->ctx) {
        err_set(_("cannot create an iSCSI session for %s"), op->portal);
        op_free(op);
        op = NULL;
        goto cleanup;
    }
    iscsi_set_session_type(op->ctx, kind == OP_DISCOVER
                                        ? ISCSI_SESSION_DISCOVERY
                                        : ISCSI_SESSION_NORMAL);
    if (target)
        iscsi_set_targetname(op->ctx, target);
    /* a session that drops is over: never retry it behind our back */
    iscsi_set_noautoreconnect(op->ctx, 1);
    /* a backstop: our own deadline (op_tick) comes first */
    iscsi_set_timeout(op->ctx, (int)op->timeout + 2);
    if (with_chap) {
        op->user = xstrdup(chap->user);
        op->secret = xstrdup(chap->secret);
        iscsi_set_initiator_username_pwd(op->ctx, op->user, op->secret);
    }
    op->timer = loop_add_timer(TICK_MS, op_tick, op);
    if (op->timer < 0) {
        err_set(_("cannot start a timer for %s"), op->portal);
        op_release(op);
        op_free(op);
        op = NULL;
        goto cleanup;
    }
    op->next = ops;
    ops = op;
    log_debug("%s: %s%s, timeout %g s%s", op->portal,
              kind == OP_DISCOVER ? "discovery" : "LUNs of ",
              target ? target : "", op->timeout, with_chap ? ", CHAP" : "");
    if (iscsi_connect_async(op->ctx, op->portal, connect_cb, op) != 0) {
        /* on loopback a refusal comes at once; done still runs later */
        op_fail_connect(op);
        loop_update_timer(op->timer, 0);
    } else {
        op_watch(op);
    }

cleanup:
    free(host);
    return op;
}

/* Start a SendTargets discovery at portal with optional CHAP, bounded by
 * timeout seconds.  done(opaque, ...) runs once on the main thread with
 * results borrowed for the call.  Returns the operation (ours until done
 * returns or it is cancelled), or NULL with err_set() for a bad argument,
 * and done is then never called. */
struct sd_iscsi_op *
sd_iscsi_discover(const char *portal, const struct sd_iscsi_chap *chap,
                  double timeout, sd_iscsi_discover_fn done, void *opaque)
{
    struct sd_iscsi_op *op = op_start(OP_DISCOVER, portal, NULL, chap,
                                      timeout);
    if (op) {
        op->discover_done = done;
        op->opaque = opaque;
    }
    return op;
}

/* Start describing the block LUNs of target at portal (login, REPORT
 * LUNS, INQUIRY, VPD 0x80 and 0x83, READ CAPACITY, logout).  Same
 * contract as sd_iscsi_discover(). */
struct sd_iscsi_op *
sd_iscsi_luns(const char *portal, const char *target,
              const struct sd_iscsi_chap *chap, double timeout,
              sd_iscsi_luns_fn done, void *opaque)
{
    struct sd_iscsi_op *op = op_start(OP_LUNS, portal, target, chap,
                                      timeout);
    if (op) {
        op->luns_done = done;
        op->opaque = opaque;
    }
    return op;
}

/* Close op's session and free it; its done is never called.  Ignores
 * NULL and an operation whose done is running. */
void
sd_iscsi_cancel(struct sd_iscsi_op *op)
{
    if (!op || op->completing)
        return;
    log_debug("%s: cancelled", op->portal);
    op_unlink(op);
    op_release(op);
    op_free(op);
}

/* Cancel every operation, for exit. */
void
sd_iscsi_cancel_all(void)
{
    while (ops)
        sd_iscsi_cancel(ops);
}

/* Operations started whose done has not run. */
unsigned
sd_iscsi_pending(void)
{
    unsigned n = 0;

    for (const struct sd_iscsi_op *op = ops; op; op = op->next)
        n++;
    return n;
}

/* ---------------------------------------------------------------- disks */

static void
set_prop(xmlNode *n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

/* Add <source protocol='iscsi'> for d under disk (see sd_iscsi.h for
 * the element).  Returns the node, owned by disk, or NULL (err_set).  The
 * CHAP secret is only named, by its libvirt secret's usage. */
xmlNode *
sd_iscsi_add_disk_source(xmlNode *disk, const struct sd_iscsi_disk *d)
{
    xmlNode *src = NULL, *n;
    char *host = NULL, *name = NULL, *port = NULL;
    int p;

    if (sd_iscsi_parse_portal(d->portal, &host, &p) < 0)
        goto cleanup;
    if (!sd_iscsi_valid_name(d->target)) {
        err_set(_("'%s' is not an iSCSI target name: use the form "
                  "iqn.YYYY-MM.reversed.domain:name"),
                d->target ? d->target : "");
        goto cleanup;
    }
    if (d->chap_user && *d->chap_user &&
        (!d->secret_usage || !*d->secret_usage)) {
        err_set(_("the disk on target '%s' needs the libvirt secret that "
                  "holds the CHAP secret of user '%s'"),
                d->target, d->chap_user);
        goto cleanup;
    }
    if (d->initiator && !sd_iscsi_valid_name(d->initiator)) {
        err_set(_("'%s' is not an iSCSI initiator name: use the form "
                  "iqn.YYYY-MM.reversed.domain:name"), d->initiator);
        goto cleanup;
    }
    name = xasprintf("%s/%u", d->target, d->lun);
    port = xasprintf("%d", p);
    src = xmlNewChild(disk, NULL, (const xmlChar *)"source", NULL);
    set_prop(src, "protocol", "iscsi");
    set_prop(src, "name", name);
    n = xmlNewChild(src, NULL, (const xmlChar *)"host", NULL);
    set_prop(n, "name", host);
    set_prop(n, "port", port);
    if (d->chap_user && *d->chap_user) {
        /* the secret's value stays in libvirt's secret store */
        n = xmlNewChild(src, NULL, (const xmlChar *)"auth", NULL);
        set_prop(n, "username", d->chap_user);
        n = xmlNewChild(n, NULL, (const xmlChar *)"secret", NULL);
        set_prop(n, "type", "iscsi");
        set_prop(n, "usage", d->secret_usage);
    }
    if (d->initiator) {
        n = xmlNewChild(src, NULL, (const xmlChar *)"initiator", NULL);
        n = xmlNewChild(n, NULL, (const xmlChar *)"iqn", NULL);
        set_prop(n, "name", d->initiator);
    }

cleanup:
    free(host);
    free(name);
    free(port);
    return src;
}

/* The <source> element for d as a string, owned by the caller; NULL with
 * err_set() when d is not valid. */
char *
sd_iscsi_disk_source_xml(const struct sd_iscsi_disk *d)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *disk = xmlNewNode(NULL, (const xmlChar *)"disk");
    xmlNode *src;
    xmlBuffer *buf = NULL;
    char *out = NULL;

    xmlDocSetRootElement(doc, disk);
    src = sd_iscsi_add_disk_source(disk, d);
    if (!src)
        goto cleanup;
    buf = xmlBufferCreate();
    xmlNodeDump(buf, doc, src, 0, 1);
    out = xstrdup((const char *)xmlBufferContent(buf));

cleanup:
    if (buf)
        xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return out;
}

/* "iscsi://IP:PORT/IQN/LUN", owned by the caller; NULL (err_set). */
char *
sd_iscsi_url(const char *portal, const char *target, unsigned lun)
{
    char *host = NULL, *p = NULL, *url = NULL;
    int port;

    if (sd_iscsi_parse_portal(portal, &host, &port) < 0)
        goto cleanup;
    if (!sd_iscsi_valid_name(target)) {
        err_set(_("'%s' is not an iSCSI target name: use the form "
                  "iqn.YYYY-MM.reversed.domain:name"), target ? target : "");
        goto cleanup;
    }
    p = portal_string(host, port);
    url = xasprintf("iscsi://%s/%s/%u", p, target, lun);

cleanup:
    free(p);
    free(host);
    return url;
}
