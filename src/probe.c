/* probe.c: TCP port probes (see probe.h). */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "jobs.h"
#include "probe.h"
#include "util/mem.h"

enum probe_result
probe_tcp_sync(const char *addr, int port, double timeout)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd, rc, err = 0;
    socklen_t elen = sizeof(err);
    struct pollfd p;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        ((struct sockaddr_in *)&ss)->sin_family = AF_INET;
        ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
        len = sizeof(struct sockaddr_in);
    } else if (inet_pton(AF_INET6, addr,
                         &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        ((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
        ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
        len = sizeof(struct sockaddr_in6);
    } else {
        return PROBE_SILENT;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return PROBE_SILENT;
    rc = connect(fd, (struct sockaddr *)&ss, len);
    if (rc == 0) {
        close(fd);
        return PROBE_OPEN;
    }
    if (errno == ECONNREFUSED) {
        close(fd);
        return PROBE_REFUSED;
    }
    if (errno != EINPROGRESS) {
        close(fd);
        return PROBE_SILENT;
    }
    p.fd = fd;
    p.events = POLLOUT;
    rc = poll(&p, 1, (int)(timeout * 1000));
    if (rc <= 0) {
        close(fd);
        return PROBE_SILENT;
    }
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen);
    close(fd);
    if (err == 0)
        return PROBE_OPEN;
    return err == ECONNREFUSED ? PROBE_REFUSED : PROBE_SILENT;
}

struct probe_job {
    char *addr;
    int port;
    double timeout;
    enum probe_result r;
    probe_done_fn done;
    void *opaque;
};

static void
probe_run(void *arg)
{
    struct probe_job *j = arg;
    j->r = probe_tcp_sync(j->addr, j->port, j->timeout);
}

static void
probe_done(void *arg)
{
    struct probe_job *j = arg;
    j->done(j->opaque, j->r);
    free(j->addr);
    free(j);
}

void
probe_tcp(const char *addr, int port, double timeout, probe_done_fn done,
          void *opaque)
{
    struct probe_job *j = xcalloc(1, sizeof(*j));
    j->addr = xstrdup(addr);
    j->port = port;
    j->timeout = timeout;
    j->done = done;
    j->opaque = opaque;
    jobs_submit(probe_run, probe_done, j);
}

const char *
probe_result_name(enum probe_result r)
{
    switch (r) {
    case PROBE_OPEN: return "open";
    case PROBE_REFUSED: return "refused";
    default: return "silent";
    }
}
