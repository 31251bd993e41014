/* test-nfs-unit.c: the NFS backend without an NFS server: server and
 * export checks, QEMU sources and URLs, hostile upload names refused
 * before anything starts, and, against loopback sockets this test opens,
 * a refused connection, a server that never answers (the timeout) and a
 * cancel, all through the real event loop. */
#include <config.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "src/jobs.h"
#include "src/loop.h"
#include "src/sd_nfs.h"
#include "src/util/err.h"
#include "src/util/mem.h"
#include "tests/tap.h"

struct result {
    int finished;
    int ok;
    char *msg;
    double took;
};

static double t_start;
static char *small_file;        /* a 4 KiB file to upload */

static int
finished(void *opaque)
{
    return ((struct result *)opaque)->finished;
}

static void
on_check(void *opaque, const struct sd_nfs_info *info, const char *message)
{
    struct result *r = opaque;

    r->finished = 1;
    r->ok = info != NULL;
    r->msg = xstrdup(message ? message : "");
    r->took = loop_now() - t_start;
}

static void
on_done(void *opaque, int ok, const char *message)
{
    struct result *r = opaque;

    r->finished = 1;
    r->ok = ok;
    r->msg = xstrdup(message);
    r->took = loop_now() - t_start;
}

static void
on_cancel_timer(void *opaque)
{
    sd_nfs_cancel(opaque);
}

/* A listening socket on 127.0.0.1 that never accepts: connections
 * complete in the kernel's backlog but nothing ever answers. */
static int
silent_listener(int *port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
        return -1;
    *port = ntohs(sa.sin_port);
    return fd;
}

static int
contains(const char *s, const char *sub)
{
    return s && strstr(s, sub) != NULL;
}

static void
test_syntax(void)
{
    struct sd_nfs_source src;
    char *url;

    ok(sd_nfs_valid_server("nfs1.example.org") == 0, "host name accepted");
    ok(sd_nfs_valid_server("127.0.0.1:2049:20048") == 0, "ports accepted");
    ok(sd_nfs_valid_server("[::1]:2049") == 0, "bracketed IPv6 accepted");
    ok(sd_nfs_valid_server("127.0.0.1:99999") < 0, "port out of range");
    ok(sd_nfs_valid_server("a b") < 0 && contains(err_msg(), "HOST:NFSPORT"),
       "a bad server says how to spell one");
    ok(sd_nfs_valid_server("h:1:2:3") < 0, "three ports refused");
    ok(sd_nfs_valid_server("") < 0, "empty server refused");
    ok(sd_nfs_valid_export("/exports/iso") == 0, "export accepted");
    ok(sd_nfs_valid_export("exports/iso") < 0 &&
       contains(err_msg(), "absolute"), "relative export refused");
    ok(sd_nfs_valid_export("/exports/../etc") < 0, "'..' in export refused");
    ok(sd_nfs_valid_export("/a?b") < 0, "'?' in export refused");

    ok(sd_nfs_disk_source("nfs1", "/exports/iso/", SD_NFS_DIR_ISO, "x.iso",
                          &src) == 0, "disk source");
    is_str(src.protocol, "nfs", "protocol nfs");
    is_str(src.host, "nfs1", "host");
    is_str(src.name, "/exports/iso/images/x.iso",
           "name has the leading slash and no double slash");
    is_int(src.uid, 36, "identity uid 36");
    sd_nfs_source_clear(&src);
    ok(sd_nfs_disk_source("nfs1:32049:32050", "/e", NULL, "x.iso", &src) < 0
       && contains(err_msg(), "2049"), "QEMU source refused with ports");
    ok(sd_nfs_disk_source("nfs1", "/e", NULL, "../x", &src) < 0,
       "QEMU source refuses a hostile name");

    url = sd_nfs_url("127.0.0.1:32049:32050", "/e", "images", "a.iso");
    is_str(url, "nfs://127.0.0.1/e/images/a.iso?nfsport=32049&mountport=32050",
           "libnfs URL with ports");
    free(url);
    url = sd_nfs_url("[::1]", "/", NULL, NULL);
    is_str(url, "nfs://[::1]/", "IPv6 URL of the root export");
    free(url);
}

static void
test_hostile_names(void)
{
    static const char *const names[] = {
        "../x", ".hidden", "a/b", "tab\tname", "nl\nname", "", NULL
    };

    for (int i = 0; names[i]; i++) {
        struct sd_nfs_op *op = sd_nfs_upload("127.0.0.1", "/e", "images",
                                             "/dev/null", names[i], NULL,
                                             NULL, on_done, NULL);
        ok(op == NULL && err_msg()[0] != '\0',
           "upload name #%d refused: %s", i, err_msg());
    }
    ok(sd_nfs_upload("127.0.0.1", "/e", "../images", "/dev/null", "x.iso",
                     NULL, NULL, on_done, NULL) == NULL,
       "upload folder '../images' refused");
    is_int(sd_nfs_pending(), 0, "nothing started");
}

static void
test_refused(void)
{
    struct result r = { 0 };
    int port, fd = silent_listener(&port);
    char *server;

    /* close it: the port is now free, so connecting is refused */
    close(fd);
    server = xasprintf("127.0.0.1:%d:%d", port, port);
    t_start = loop_now();
    ok(sd_nfs_check(server, "/e", 5, on_check, &r) != NULL, "check started");
    is_int(sd_nfs_pending(), 1, "one operation pending");
    loop_run(finished, &r);
    ok(!r.ok && contains(r.msg, "Cannot mount /e from the NFS server") &&
       contains(r.msg, server), "refused connection: %s", r.msg);
    ok(r.took < 2.0, "reported in %.2f s", r.took);
    is_int(sd_nfs_pending(), 0, "nothing pending");
    free(r.msg);
    free(server);
}

static void
test_silent(void)
{
    struct result r = { 0 }, u = { 0 };
    int port, fd = silent_listener(&port);
    char *server = xasprintf("127.0.0.1:%d:%d", port, port);
    struct sd_nfs_upload_opts opts = { .timeout_s = 1 };

    t_start = loop_now();
    ok(sd_nfs_check(server, "/e", 1, on_check, &r) != NULL, "check started");
    loop_run(finished, &r);
    ok(!r.ok && contains(r.msg, "did not answer within 1 s"),
       "silent server: %s", r.msg);
    ok(r.took >= 0.9 && r.took < 3.0, "timed out after %.2f s", r.took);

    t_start = loop_now();
    ok(sd_nfs_upload(server, "/e", "images", small_file, "x.iso", &opts,
                     NULL, on_done, &u) != NULL, "upload started");
    loop_run(finished, &u);
    ok(!u.ok && contains(u.msg, "did not answer within 1 s while uploading "
                                "'x.iso'"), "silent server, upload: %s", u.msg);
    ok(u.took < 3.0, "timed out after %.2f s", u.took);
    free(r.msg);
    free(u.msg);
    free(server);
    close(fd);
}

static void
test_cancel(void)
{
    struct result r = { 0 };
    int port, fd = silent_listener(&port);
    char *server = xasprintf("127.0.0.1:%d:%d", port, port);
    struct sd_nfs_op *op;
    int timer;

    t_start = loop_now();
    op = sd_nfs_upload(server, "/e", NULL, small_file, "y.iso", NULL, NULL,
                       on_done, &r);
    ok(op != NULL, "upload started");
    timer = loop_add_timer(300, on_cancel_timer, op);
    loop_run(finished, &r);
    loop_remove_timer(timer);
    ok(!r.ok && contains(r.msg, "cancelled"), "cancelled: %s", r.msg);
    ok(r.took < 1.5, "cancel took effect after %.2f s", r.took);
    free(r.msg);
    free(server);
    close(fd);
}

int
main(void)
{
    FILE *f;

    small_file = xasprintf("%s/small", tap_tmpdir());
    f = fopen(small_file, "w");
    for (int i = 0; f && i < 4096; i++)
        fputc('x', f);
    if (f)
        fclose(f);
    test_syntax();
    test_hostile_names();
    if (loop_init() < 0 || jobs_init() < 0) {
        tap_diag("%s", err_msg());
        ok(0, "event loop");
        return tap_done();
    }
    test_refused();
    test_silent();
    test_cancel();
    jobs_shutdown();
    free(small_file);
    return tap_done();
}
