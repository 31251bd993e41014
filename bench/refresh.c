/* refresh.c: benchmark of one host's stats refresh.
 *
 *   bench/refresh [N_DOMAINS] [REPEATS]     (defaults 10000 and 15)
 *
 * Generates a test-driver node with N domains (bench/gen-node), then in
 * one run times the bare virConnectGetAllDomainStats() call, and one full
 * engine refresh of the same host (the call on a worker, the records turned
 * into samples, handed to the main thread and merged into the model), and
 * prints the medians and their ratio.  Target: ratio <= 1.2.  Prints
 * figures only; it asserts nothing about time. */
#include <config.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libvirt/libvirt.h>
#include "src/jobs.h"
#include "src/loop.h"
#include "src/model.h"
#include "src/util/err.h"
#include "src/util/mem.h"
#include "src/virt.h"

#define STATS (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | \
               VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU | \
               VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_dbl);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct wait {
    struct virt *v;
    struct host *h;
    unsigned target;
};

static int
until_up(void *opaque)
{
    struct wait *w = opaque;
    return w->h->state != HOST_CONNECTING && virt_busy(w->v) == 0;
}

static int
until_refreshed(void *opaque)
{
    struct wait *w = opaque;
    return virt_refresh_count(w->v, w->h->id) >= w->target;
}

int
main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    int reps = argc > 2 ? atoi(argv[2]) : 15;
    char dir[] = "/tmp/vdbench.XXXXXX";
    char self[PATH_MAX], *slash, *cmd, *uri, *node;
    double *bare, *eng, t0, open_s, c0, bare_cpu, eng_cpu;
    virConnectPtr conn;
    struct model *m;
    struct virt *v;
    struct host *h;
    struct wait w;
    struct virt_opts o = { .connect_timeout = 600, .keepalive_interval = 5,
                           .keepalive_count = 3, .reconnect_min = 1,
                           .reconnect_max = 60 };
    unsigned flags = VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;
    ssize_t len;

    if (n < 1 || reps < 1) {
        fprintf(stderr, "usage: %s [N_DOMAINS] [REPEATS]\n", argv[0]);
        return 2;
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len <= 0)
        return 1;
    self[len] = '\0';
    slash = strrchr(self, '/');
    *slash = '\0';
    node = xasprintf("%s/node.xml", dir);
    cmd = xasprintf("'%s/gen-node' %d '%s' --host bench", self, n, node);
    if (system(cmd) != 0) {
        fprintf(stderr, "refresh: %s failed\n", cmd);
        return 1;
    }
    uri = xasprintf("test://%s", node);

    if (loop_init() < 0 || virt_global_init() < 0 || jobs_init() < 0) {
        fprintf(stderr, "refresh: %s\n", err_msg());
        return 1;
    }

    /* bare calls, on their own connection */
    t0 = loop_now();
    conn = virConnectOpen(uri);
    open_s = loop_now() - t0;
    if (!conn) {
        fprintf(stderr, "refresh: cannot open %s\n", uri);
        return 1;
    }
    bare = xcalloc((size_t)reps, sizeof(*bare));
    eng = xcalloc((size_t)reps, sizeof(*eng));
    c0 = cpu_now();
    for (int i = 0; i < reps; i++) {
        virDomainStatsRecordPtr *recs = NULL;
        int got;
        t0 = loop_now();
        got = virConnectGetAllDomainStats(conn, STATS, &recs, flags);
        if (got < 0 && flags) {
            flags = 0;      /* the driver refuses NOWAIT; so does the engine */
            got = virConnectGetAllDomainStats(conn, STATS, &recs, flags);
        }
        if (got != n) {
            fprintf(stderr, "refresh: got %d records, expected %d\n", got, n);
            return 1;
        }
        virDomainStatsRecordListFree(recs);
        bare[i] = loop_now() - t0;
    }
    bare_cpu = (cpu_now() - c0) / reps;
    virConnectClose(conn);

    /* engine refreshes of the same node */
    m = model_new();
    v = virt_new(m, &o, NULL, NULL);
    h = model_host_add(m, 1, 1, "bench", uri);
    virt_host_connect(v, 1);
    w.v = v;
    w.h = h;
    loop_run(until_up, &w);
    if (h->state != HOST_UP || h->vms.len != (size_t)n) {
        fprintf(stderr, "refresh: host not up (%s) or %zu VMs\n",
                h->reason ? h->reason : "", h->vms.len);
        return 1;
    }
    /* let the connect's own jobs finish before counting CPU */
    loop_run(until_up, &w);
    c0 = cpu_now();
    for (int i = 0; i < reps; i++) {
        w.target = virt_refresh_count(v, 1) + 1;
        t0 = loop_now();
        virt_refresh_host(v, 1);
        loop_run(until_refreshed, &w);
        eng[i] = loop_now() - t0;
    }
    loop_run(until_up, &w);     /* the last free on the worker */
    eng_cpu = (cpu_now() - c0) / reps;

    {
        double b = median(bare, reps), e = median(eng, reps);
        printf("bench/refresh: %d domains, %d repeats, node opened in %.2f s\n",
               n, reps, open_s);
        printf("  bare virConnectGetAllDomainStats: %8.3f ms (median)\n", b * 1e3);
        printf("  engine refresh (stats + model):   %8.3f ms (median)\n", e * 1e3);
        printf("  ratio engine/bare: %.2f (target <= 1.20)\n", e / b);
        printf("  CPU per refresh: bare %.3f ms, engine %.3f ms (ratio %.2f;\n"
               "  the engine frees libvirt's records on the worker while the\n"
               "  main thread merges, so wall time can be under the bare call)\n",
               bare_cpu * 1e3, eng_cpu * 1e3, eng_cpu / bare_cpu);
    }
    virt_free(&v);
    model_free(&m);
    jobs_shutdown();
    unlink(node);
    rmdir(dir);
    free(node);
    free(cmd);
    free(uri);
    free(bare);
    free(eng);
    return 0;
}
