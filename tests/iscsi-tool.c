/* iscsi-tool.c: a small command line over the iSCSI backend (sd_iscsi.h),
 * for the lab tests (tests/lab/iscsi.sh) and for trying a portal by hand.
 *
 *   iscsi-tool discover PORTAL [OPTIONS]
 *   iscsi-tool luns PORTAL TARGET [OPTIONS]
 *   iscsi-tool source PORTAL TARGET LUN [--user U --usage NAME]
 *                                       [--initiator IQN]
 *   iscsi-tool url PORTAL TARGET LUN
 *   iscsi-tool silent ADDR:PORT [--no-accept]
 *
 * OPTIONS: --user U, --secret-file FILE (first line) or --secret-env VAR
 * (the secret never goes on the command line), --timeout S, --initiator
 * IQN, --parallel N (N identical operations at once on the one loop; only
 * a summary is printed), --cancel-after S (cancel the operation after S
 * seconds and check that its callback never runs), --log FILE (the
 * engine's debug log).
 *
 * discover prints "target IQN PORTAL..." per target; luns prints
 * "lun N FIELD VALUE" lines (vendor, product, revision, serial, device-id,
 * size, block-size).  A failure prints the backend's message on stderr and
 * exits 1; bad arguments exit 2.  On stderr, "# elapsed MS ms, longest
 * loop stall MS ms": the stall is the longest wait between two beats of a
 * 10 ms timer, which proves the operation never blocked the loop.
 *
 * silent is a TCP listener that accepts connections and never answers (a
 * hung portal); with --no-accept it never accepts either and keeps its
 * accept queue full, so the kernel drops new connection attempts (a portal
 * that does not answer at all).  It prints "ready" once listening and runs
 * until killed. */
#include <config.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "src/loop.h"
#include "src/sd_iscsi.h"
#include "src/util/err.h"
#include "src/util/log.h"
#include "src/util/mem.h"

#define BEAT_MS 10

static struct {
    const char *user;
    char *secret;
    double timeout;
    const char *initiator;
    const char *usage;
    int parallel;
    double cancel_after;
    bool no_accept;
    const char *log;
} opt = { .parallel = 1, .cancel_after = -1 };

static int outstanding, failures, callbacks;
/* the operation --cancel-after will cancel, until its callback runs */
static struct sd_iscsi_op *to_cancel;
static double last_beat, longest_stall;

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{
    fprintf(stderr,
            "usage: iscsi-tool discover PORTAL [OPTIONS]\n"
            "       iscsi-tool luns PORTAL TARGET [OPTIONS]\n"
            "       iscsi-tool source PORTAL TARGET LUN [--user U "
            "--usage NAME] [--initiator IQN]\n"
            "       iscsi-tool url PORTAL TARGET LUN\n"
            "       iscsi-tool silent ADDR:PORT [--no-accept]\n"
            "OPTIONS: --user U --secret-file F | --secret-env VAR "
            "--timeout S --initiator IQN --parallel N --cancel-after S "
            "--log FILE\n");
    exit(2);
}

static char *
read_secret_file(const char *path)
{
    char buf[512];
    FILE *f = fopen(path, "r");
    char *s = NULL;

    if (!f) {
        fprintf(stderr, "iscsi-tool: cannot read %s\n", path);
        exit(2);
    }
    if (fgets(buf, sizeof(buf), f)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        s = xstrdup(buf);
    }
    explicit_bzero(buf, sizeof(buf));
    fclose(f);
    return s ? s : xstrdup("");
}

static void
beat(void *opaque)
{
    double now = loop_now();
    double gap = now - last_beat;

    if (gap > longest_stall)
        longest_stall = gap;
    last_beat = now;
}

static int
all_done(void *opaque)
{
    return outstanding == 0;
}

static void
on_targets(void *opaque, bool ok, const char *message,
           const struct sd_iscsi_target *targets, size_t n)
{
    callbacks++;
    outstanding--;
    to_cancel = NULL;       /* done: the operation is gone */
    if (!ok) {
        failures++;
        if (opt.parallel == 1)
            fprintf(stderr, "iscsi-tool: %s\n", message);
        return;
    }
    if (opt.parallel > 1)
        return;
    for (size_t i = 0; i < n; i++) {
        printf("target %s", targets[i].iqn);
        for (size_t j = 0; j < targets[i].n_portals; j++)
            printf(" %s", targets[i].portals[j]);
        printf("\n");
    }
}

static void
on_luns(void *opaque, bool ok, const char *message,
        const struct sd_iscsi_lun *luns, size_t n)
{
    callbacks++;
    outstanding--;
    to_cancel = NULL;       /* done: the operation is gone */
    if (!ok) {
        failures++;
        if (opt.parallel == 1)
            fprintf(stderr, "iscsi-tool: %s\n", message);
        return;
    }
    if (opt.parallel > 1)
        return;
    if (message)
        fprintf(stderr, "note: %s\n", message);
    for (size_t i = 0; i < n; i++) {
        const struct sd_iscsi_lun *l = &luns[i];
        printf("lun %u vendor %s\n", l->lun, l->vendor);
        printf("lun %u product %s\n", l->lun, l->product);
        printf("lun %u revision %s\n", l->lun, l->revision);
        printf("lun %u serial %s\n", l->lun, l->serial);
        printf("lun %u device-id %s\n", l->lun, l->device_id);
        printf("lun %u size %" PRIu64 "\n", l->lun, l->size);
        printf("lun %u block-size %" PRIu32 "\n", l->lun, l->block_size);
    }
}

struct cancel_ctx {
    int timer;
    double at;
};

static void
cancel_now(void *opaque)
{
    struct cancel_ctx *c = opaque;

    loop_remove_timer(c->timer);
    c->timer = -1;
    c->at = loop_now();
    if (to_cancel) {
        sd_iscsi_cancel(to_cancel);
        outstanding = 0;
    }
}

static int
run_op(const char *cmd, const char *portal, const char *target)
{
    struct sd_iscsi_chap chap = { opt.user, opt.secret };
    struct sd_iscsi_op *first = NULL;
    struct cancel_ctx cancel = { -1, 0 };
    double t0;
    int beat_timer, rc;

    if (loop_init() < 0) {
        fprintf(stderr, "iscsi-tool: %s\n", err_msg());
        return 2;
    }
    t0 = last_beat = loop_now();
    beat_timer = loop_add_timer(BEAT_MS, beat, NULL);
    for (int i = 0; i < opt.parallel; i++) {
        struct sd_iscsi_op *op;
        if (streq(cmd, "discover"))
            op = sd_iscsi_discover(portal, &chap, opt.timeout, on_targets,
                                   NULL);
        else
            op = sd_iscsi_luns(portal, target, &chap, opt.timeout, on_luns,
                               NULL);
        if (!op) {
            fprintf(stderr, "iscsi-tool: %s\n", err_msg());
            sd_iscsi_cancel_all();
            return 2;
        }
        if (!first)
            first = op;
        outstanding++;
    }
    if (opt.cancel_after >= 0) {
        if (opt.parallel > 1)
            usage();
        to_cancel = first;
        cancel.timer = loop_add_timer((int)(opt.cancel_after * 1000),
                                      cancel_now, &cancel);
    }
    loop_run(all_done, NULL);
    fprintf(stderr, "# elapsed %.0f ms, longest loop stall %.0f ms\n",
            (loop_now() - t0) * 1000, longest_stall * 1000);
    if (opt.cancel_after >= 0 && callbacks) {
        loop_remove_timer(beat_timer);
        loop_remove_timer(cancel.timer);
        printf("finished before the cancel\n");
        return 0;
    }
    if (opt.cancel_after >= 0) {
        /* cancelled: the callback must never come, and nothing is left
         * (the beat timer ends each of these passes) */
        for (int i = 0; i < 5; i++)
            loop_run_once();
    }
    loop_remove_timer(beat_timer);
    if (opt.cancel_after >= 0) {
        if (callbacks || sd_iscsi_pending()) {
            fprintf(stderr, "iscsi-tool: the cancelled operation called "
                    "back (%d) or is still pending (%u)\n", callbacks,
                    sd_iscsi_pending());
            return 1;
        }
        printf("cancelled after %.0f ms\n", (cancel.at - t0) * 1000);
        return 0;
    }
    if (opt.parallel > 1)
        printf("ok %d of %d\n", opt.parallel - failures, opt.parallel);
    rc = failures ? 1 : 0;
    return rc;
}

static int
cmd_source(const char *portal, const char *target, const char *lun)
{
    struct sd_iscsi_disk d = {
        .portal = portal,
        .target = target,
        .lun = (unsigned)strtoul(lun, NULL, 10),
        .chap_user = opt.user,
        .secret_usage = opt.usage,
        .initiator = opt.initiator,
    };
    char *xml = sd_iscsi_disk_source_xml(&d);

    if (!xml) {
        fprintf(stderr, "iscsi-tool: %s\n", err_msg());
        return 2;
    }
    printf("%s\n", xml);
    free(xml);
    return 0;
}

static int
cmd_url(const char *portal, const char *target, const char *lun)
{
    char *url = sd_iscsi_url(portal, target,
                             (unsigned)strtoul(lun, NULL, 10));

    if (!url) {
        fprintf(stderr, "iscsi-tool: %s\n", err_msg());
        return 2;
    }
    printf("%s\n", url);
    free(url);
    return 0;
}

static int
cmd_silent(const char *where)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    char *host = NULL;
    int port, fd, one = 1;

    if (sd_iscsi_parse_portal(where, &host, &port) < 0 ||
        inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "iscsi-tool: %s: give an IPv4 ADDR:PORT\n", where);
        free(host);
        return 2;
    }
    free(host);
    sa.sin_port = htons((uint16_t)port);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
                             sizeof(one)) < 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, opt.no_accept ? 0 : 64) < 0) {
        perror("iscsi-tool: listen");
        return 1;
    }
    if (opt.no_accept) {
        /* fill the accept queue (backlog 0 holds one connection); from
         * then on the kernel drops SYNs and clients hear nothing */
        for (int i = 0; i < 2; i++) {
            int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (c >= 0)
                connect(c, (struct sockaddr *)&sa, sizeof(sa));
        }
        sleep(1);
        printf("ready\n");
        fflush(stdout);
        for (;;)
            pause();
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        /* keep every connection open and never read or write */
        if (accept(fd, NULL, NULL) < 0)
            sleep(1);
    }
    return 0;
}

int
main(int argc, char **argv)
{
    const char *pos[4] = { 0 };
    int npos = 0, rc;

    if (argc < 2)
        usage();
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (streq(a, "--no-accept")) {
            opt.no_accept = true;
            continue;
        }
        if (a[0] == '-' && a[1] == '-' && !v)
            usage();
        if (streq(a, "--user")) {
            opt.user = v;
        } else if (streq(a, "--secret-file")) {
            opt.secret = read_secret_file(v);
        } else if (streq(a, "--secret-env")) {
            opt.secret = xstrdup(getenv(v) ? getenv(v) : "");
        } else if (streq(a, "--timeout")) {
            opt.timeout = atof(v);
        } else if (streq(a, "--initiator")) {
            opt.initiator = v;
        } else if (streq(a, "--usage")) {
            opt.usage = v;
        } else if (streq(a, "--parallel")) {
            opt.parallel = atoi(v) > 0 ? atoi(v) : 1;
        } else if (streq(a, "--cancel-after")) {
            opt.cancel_after = atof(v);
        } else if (streq(a, "--log")) {
            opt.log = v;
        } else if (a[0] == '-' && a[1] == '-') {
            usage();
        } else {
            if (npos == 4)
                usage();
            pos[npos++] = a;
            continue;
        }
        i++;
    }
    if (opt.log && log_open(opt.log, LOG_DEBUG) < 0) {
        fprintf(stderr, "iscsi-tool: %s\n", err_msg());
        return 2;
    }
    if (opt.initiator && !streq(argv[1], "source") &&
        sd_iscsi_set_initiator(opt.initiator) < 0) {
        fprintf(stderr, "iscsi-tool: %s\n", err_msg());
        return 2;
    }
    if (streq(argv[1], "discover") && npos == 1)
        rc = run_op("discover", pos[0], NULL);
    else if (streq(argv[1], "luns") && npos == 2)
        rc = run_op("luns", pos[0], pos[1]);
    else if (streq(argv[1], "source") && npos == 3)
        rc = cmd_source(pos[0], pos[1], pos[2]);
    else if (streq(argv[1], "url") && npos == 3)
        rc = cmd_url(pos[0], pos[1], pos[2]);
    else if (streq(argv[1], "silent") && npos == 1)
        rc = cmd_silent(pos[0]);
    else
        usage();
    if (opt.secret) {
        explicit_bzero(opt.secret, strlen(opt.secret));
        free(opt.secret);
    }
    sd_iscsi_set_initiator(NULL);
    log_close();
    return rc;
}
