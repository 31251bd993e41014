/* nfs-tool.c: drive the NFS storage backend (src/sd_nfs.h) from the shell,
 * through the real event loop and job pool, for tests/lab/nfs.sh and
 * bench/upload.sh.  It prints results as KEY=VALUE lines on stdout and
 * messages on stderr; it is a test tool, not part of virtdeck's interface.
 *
 *   nfs-tool [-t S] check SERVER EXPORT
 *   nfs-tool [-t S] [-f] [-n INFLIGHT] [-b BYTES] [-p] [-C BYTES]
 *            upload SERVER EXPORT DIR LOCAL_FILE NAME
 *   nfs-tool [-t S] list SERVER EXPORT [DIR]
 *   nfs-tool [-t S] rm SERVER EXPORT DIR NAME
 *   nfs-tool source SERVER EXPORT DIR FILE
 *   nfs-tool url SERVER EXPORT [DIR [FILE]]
 *
 * -t timeout in seconds, -f force, -n WRITEs in flight, -b bytes per WRITE,
 * -p progress lines on stderr, -C cancel once BYTES are done.  SIGINT and
 * SIGTERM cancel too.  Exit status: 0 done, 1 failed, 2 bad arguments,
 * 3 cancelled. */
#include <config.h>
#include <inttypes.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "jobs.h"
#include "loop.h"
#include "sd_nfs.h"
#include "util/err.h"

struct tool {
    struct sd_nfs_op *op;
    int finished;
    int status;
    int cancel_asked;
    int show_progress;
    uint64_t cancel_at;         /* 0: never */
    double t0;
};

static struct tool tool;

static int
tool_finished(void *opaque)
{
    return ((struct tool *)opaque)->finished;
}

static void
on_signal(int signo, void *opaque)
{
    struct tool *t = opaque;

    (void)signo;
    if (t->op && !t->finished) {
        t->cancel_asked = 1;
        sd_nfs_cancel(t->op);
    }
}

static void
on_check(void *opaque, const struct sd_nfs_info *info, const char *message)
{
    struct tool *t = opaque;

    t->finished = 1;
    if (!info) {
        fprintf(stderr, "%s\n", message);
        t->status = t->cancel_asked ? 3 : 1;
        return;
    }
    printf("server=%s\nexport=%s\n", info->server, info->export);
    printf("total_bytes=%" PRIu64 "\nfree_bytes=%" PRIu64 "\n",
           info->total_bytes, info->free_bytes);
    printf("owner=%u:%u\nmode=%04o\nwrite_max=%" PRIu64 "\n", info->uid,
           info->gid, info->mode, info->write_max);
    printf("created=%s%s%s\n", info->created_iso_dir ? SD_NFS_DIR_ISO : "",
           info->created_iso_dir && info->created_disks_dir ? "," : "",
           info->created_disks_dir ? SD_NFS_DIR_DISKS : "");
    t->status = 0;
}

static void
on_list(void *opaque, int ok, const char *message,
        const struct sd_nfs_entry *e, size_t n)
{
    struct tool *t = opaque;

    t->finished = 1;
    if (!ok) {
        fprintf(stderr, "%s\n", message);
        t->status = t->cancel_asked ? 3 : 1;
        return;
    }
    for (size_t i = 0; i < n; i++)
        printf("%s size=%" PRIu64 " used=%" PRIu64 " mode=%06o owner=%u:%u\n",
               e[i].name, e[i].size, e[i].used, e[i].mode, e[i].uid,
               e[i].gid);
    t->status = 0;
}

static void
on_progress(void *opaque, uint64_t done, uint64_t total, double mib_s,
            double eta)
{
    struct tool *t = opaque;

    if (t->show_progress)
        fprintf(stderr, "progress %" PRIu64 " %" PRIu64 " %.1f %.1f\n",
                done, total, mib_s, eta);
    if (t->cancel_at && done >= t->cancel_at && !t->cancel_asked) {
        t->cancel_asked = 1;
        sd_nfs_upload_cancel(t->op);
    }
}

static void
on_upload(void *opaque, int ok, const char *message)
{
    struct tool *t = opaque;
    double secs = loop_now() - t->t0;

    t->finished = 1;
    if (!ok) {
        fprintf(stderr, "%s\n", message);
        t->status = t->cancel_asked ? 3 : 1;
        return;
    }
    printf("%s\nseconds=%.3f\n", message, secs);
    t->status = 0;
}

static int
usage(void)
{
    fprintf(stderr,
            "usage: nfs-tool [-t S] check SERVER EXPORT\n"
            "       nfs-tool [-t S] [-f] [-n N] [-b BYTES] [-p] [-C BYTES] "
            "upload SERVER EXPORT DIR FILE NAME\n"
            "       nfs-tool [-t S] list SERVER EXPORT [DIR]\n"
            "       nfs-tool [-t S] rm SERVER EXPORT DIR NAME\n"
            "       nfs-tool source SERVER EXPORT DIR FILE\n"
            "       nfs-tool url SERVER EXPORT [DIR [FILE]]\n");
    return 2;
}

static int
run_op(struct sd_nfs_op *op)
{
    if (!op) {
        fprintf(stderr, "%s\n", err_msg());
        return 2;
    }
    tool.op = op;
    loop_run(tool_finished, &tool);
    return tool.status;
}

int
main(int argc, char **argv)
{
    struct sd_nfs_upload_opts opts;
    const char *cmd;
    int c, timeout = 0, rc;

    setlocale(LC_ALL, "");
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(&opts, 0, sizeof(opts));
    while ((c = getopt(argc, argv, "t:fn:b:pC:")) != -1) {
        switch (c) {
        case 't':
            timeout = atoi(optarg);
            break;
        case 'f':
            opts.force = 1;
            break;
        case 'n':
            opts.inflight = atoi(optarg);
            break;
        case 'b':
            opts.block = strtoul(optarg, NULL, 0);
            break;
        case 'p':
            tool.show_progress = 1;
            break;
        case 'C':
            tool.cancel_at = strtoull(optarg, NULL, 0);
            break;
        default:
            return usage();
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1)
        return usage();
    cmd = argv[0];

    if (strcmp(cmd, "source") == 0 && argc == 5) {
        struct sd_nfs_source src;
        if (sd_nfs_disk_source(argv[1], argv[2], argv[3], argv[4], &src) < 0) {
            fprintf(stderr, "%s\n", err_msg());
            return 2;
        }
        printf("protocol=%s\nhost=%s\nname=%s\nidentity=+%u:+%u\n",
               src.protocol, src.host, src.name, src.uid, src.gid);
        sd_nfs_source_clear(&src);
        return 0;
    }
    if (strcmp(cmd, "url") == 0 && argc >= 3 && argc <= 5) {
        char *url = sd_nfs_url(argv[1], argv[2], argc > 3 ? argv[3] : NULL,
                               argc > 4 ? argv[4] : NULL);
        if (!url) {
            fprintf(stderr, "%s\n", err_msg());
            return 2;
        }
        printf("%s\n", url);
        free(url);
        return 0;
    }

    if (loop_init() < 0 || jobs_init() < 0) {
        fprintf(stderr, "%s\n", err_msg());
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    loop_add_signal(SIGINT, on_signal, &tool);
    loop_add_signal(SIGTERM, on_signal, &tool);
    tool.t0 = loop_now();
    tool.status = 1;

    if (strcmp(cmd, "check") == 0 && argc == 3) {
        rc = run_op(sd_nfs_check(argv[1], argv[2], timeout, on_check, &tool));
    } else if (strcmp(cmd, "list") == 0 && (argc == 3 || argc == 4)) {
        rc = run_op(sd_nfs_list(argv[1], argv[2], argc == 4 ? argv[3] : NULL,
                                timeout, on_list, &tool));
    } else if (strcmp(cmd, "upload") == 0 && argc == 6) {
        opts.timeout_s = timeout;
        rc = run_op(sd_nfs_upload(argv[1], argv[2], argv[3], argv[4],
                                  argv[5], &opts, on_progress, on_upload,
                                  &tool));
    } else if (strcmp(cmd, "rm") == 0 && argc == 5) {
        rc = run_op(sd_nfs_remove(argv[1], argv[2], argv[3], argv[4],
                                  timeout, on_upload, &tool));
    } else {
        rc = usage();
    }
    jobs_shutdown();
    return rc;
}
