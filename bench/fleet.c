/* fleet.c: benchmark of a whole fleet: many hosts with many VMs each.
 *
 *   bench/fleet [HOSTS [VMS [REPEATS [IDLE_SECONDS]]]]
 *                                        (defaults 100, 100, 10 and 30)
 *
 * Generates HOSTS test-driver nodes of VMS domains each (bench/gen-node),
 * registers them in a throw-away inventory (one data center, one
 * cluster), and measures in one run, each figure against a peer:
 *
 *  1. refresh: one tick of the bare virConnectGetAllDomainStats() calls on
 *     HOSTS connections of its own, one after the other, against one
 *     engine tick (virt_refresh() of every host: the calls on workers,
 *     samples merged into the model), wall and CPU time (the process's,
 *     and the main thread's share), medians of REPEATS ticks.  Target:
 *     ratio <= 1.2.
 *  2. render: the real console code on a 200x60 ncurses screen that writes
 *     to /dev/null (as bench/render): the VM list of one host and the VM
 *     view of the cluster (every VM of the fleet), painting, moving the
 *     selection and the update after a refresh tick.  Target: under 5 ms
 *     per frame.
 *  3. idle: a real `virtdeck run` on that inventory and a bare peer (this
 *     program with --peer: the same connections with plain libvirt, the
 *     same bulk stats call every refresh_interval, nothing else), side by
 *     side for IDLE_SECONDS: CPU (utime + stime from /proc/PID/stat),
 *     context switches (wake-ups), and resident memory.  Targets: virtdeck
 *     under 1% of a core above its peer; resident memory above the peer's
 *     under 1 KiB per VM.  With the test driver the "hosts" live inside
 *     each process, so libvirt's own cost is large: the peer carries it.
 *
 * Prints figures and ratios only; it asserts nothing about time. */
#include <config.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libvirt/libvirt.h>
#include "ui/ui.h"
#include "ui/actions.h"
#include "src/conf.h"
#include "src/engine.h"
#include "src/jobs.h"
#include "src/loop.h"
#include "src/util/err.h"
#include "src/util/mem.h"
#include "src/virt.h"

#define STATS (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | \
               VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU | \
               VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)
#define INTERVAL 2.0            /* refresh_interval for both processes */
#define FRAMES 100

static double
cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
thread_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

static char *
node_path(const char *dir, int i)
{
    return xasprintf("%s/node%03d.xml", dir, i);
}

/* One bulk stats call on conn, records freed; the number of records, or
 * -1.  *flags drops NOWAIT when the driver refuses it (so does the
 * engine). */
static int
bulk_stats(virConnectPtr conn, unsigned *flags)
{
    virDomainStatsRecordPtr *recs = NULL;
    int got = virConnectGetAllDomainStats(conn, STATS, &recs, *flags);

    if (got < 0 && *flags) {
        *flags = 0;
        got = virConnectGetAllDomainStats(conn, STATS, &recs, *flags);
    }
    if (got >= 0)
        virDomainStatsRecordListFree(recs);
    return got;
}

static virConnectPtr *
open_all(const char *dir, int hosts)
{
    virConnectPtr *c = xcalloc((size_t)hosts, sizeof(*c));

    for (int i = 0; i < hosts; i++) {
        char *node = node_path(dir, i + 1), *uri = xasprintf("test://%s", node);
        c[i] = virConnectOpen(uri);
        if (!c[i])
            fprintf(stderr, "fleet: cannot open %s\n", uri);
        free(uri);
        free(node);
        if (!c[i]) {
            while (i-- > 0)
                virConnectClose(c[i]);
            free(c);
            return NULL;
        }
    }
    return c;
}

static void
close_all(virConnectPtr *c, int hosts)
{
    for (int i = 0; c && i < hosts; i++)
        virConnectClose(c[i]);
    free(c);
}

static volatile sig_atomic_t peer_stop;

static void
peer_signal(int signo)
{
    (void)signo;
    peer_stop = 1;
}

/* The bare peer: HOSTS connections with plain libvirt, one bulk stats
 * call per host every INTERVAL seconds, until SIGTERM.  Says "ready" on
 * stdout once the first tick is done. */
static int
peer_main(const char *dir, int hosts)
{
    unsigned flags = VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;
    virConnectPtr *c;
    struct timespec next;
    struct sigaction sa = { .sa_handler = peer_signal };

    sigaction(SIGTERM, &sa, NULL);
    c = open_all(dir, hosts);
    if (!c)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (int tick = 0; !peer_stop; tick++) {
        for (int i = 0; i < hosts; i++)
            bulk_stats(c[i], &flags);
        if (tick == 0) {
            printf("ready\n");
            fflush(stdout);
        }
        next.tv_sec += (time_t)INTERVAL;
        next.tv_nsec += (long)((INTERVAL - (time_t)INTERVAL) * 1e9);
        if (next.tv_nsec >= 1000000000L) {
            next.tv_sec++;
            next.tv_nsec -= 1000000000L;
        }
        while (!peer_stop &&
               clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
                               NULL) == EINTR)
            ;
    }
    close_all(c, hosts);
    return 0;
}

/* ---- 1. refresh ---- */

struct tick_wait {
    struct engine *e;
    unsigned target;
};

static int
settled(void *opaque)
{
    return engine_settled(opaque) && engine_busy(opaque) == 0;
}

static int
tick_done(void *opaque)
{
    struct tick_wait *w = opaque;
    return engine_refreshes(w->e) >= w->target && engine_busy(w->e) == 0;
}

/* One engine tick: every host refreshed and every job finished. */
static void
engine_tick_once(struct engine *e)
{
    struct tick_wait w = { .e = e };

    w.target = engine_refreshes(e) + engine_up_hosts(e);
    virt_refresh(engine_virt(e));
    loop_run(tick_done, &w);
}

struct refresh_figs {
    double bare, bare_cpu, eng, eng_cpu, eng_main, open_s;
};

static int
measure_refresh(const char *dir, int hosts, int vms, int reps,
                struct engine *e, struct refresh_figs *f)
{
    double *bare = xcalloc((size_t)reps, sizeof(*bare));
    double *eng = xcalloc((size_t)reps, sizeof(*eng));
    double *bare_c = xcalloc((size_t)reps, sizeof(*bare_c));
    double *eng_c = xcalloc((size_t)reps, sizeof(*eng_c));
    double *eng_m = xcalloc((size_t)reps, sizeof(*eng_m));
    double t0, c0, m0;
    unsigned flags = VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;
    virConnectPtr *c;
    int rc = -1;

    t0 = loop_now();
    c = open_all(dir, hosts);
    f->open_s = loop_now() - t0;
    if (!c)
        goto cleanup;
    for (int r = 0; r < reps; r++) {
        t0 = loop_now();
        c0 = cpu_now();
        for (int i = 0; i < hosts; i++) {
            int got = bulk_stats(c[i], &flags);
            if (got != vms) {
                fprintf(stderr, "fleet: host %d: %d records, expected %d\n",
                        i + 1, got, vms);
                goto cleanup;
            }
        }
        bare_c[r] = cpu_now() - c0;
        bare[r] = loop_now() - t0;
    }
    close_all(c, hosts);
    c = NULL;

    /* one tick first: timers due since the start (the heap trim after
     * the connects) run there, not in a measured tick */
    engine_tick_once(e);
    for (int r = 0; r < reps; r++) {
        t0 = loop_now();
        c0 = cpu_now();
        m0 = thread_cpu_now();
        engine_tick_once(e);
        eng_m[r] = thread_cpu_now() - m0;
        eng_c[r] = cpu_now() - c0;
        eng[r] = loop_now() - t0;
    }
    f->bare = median(bare, reps);
    f->bare_cpu = median(bare_c, reps);
    f->eng = median(eng, reps);
    f->eng_cpu = median(eng_c, reps);
    f->eng_main = median(eng_m, reps);
    rc = 0;

cleanup:
    close_all(c, hosts);
    free(bare);
    free(eng);
    free(bare_c);
    free(eng_c);
    free(eng_m);
    return rc;
}

/* ---- 2. render ---- */

struct render_figs {
    double open, paint, move, tick;
    size_t rows;
};

static double
timed_flush(struct ui *ui)
{
    double t0 = loop_now();
    ui_flush(ui);
    return loop_now() - t0;
}

/* Painting and moving in the list pane, and the update after a refresh
 * tick; the list has the focus. */
static void
measure_list(struct ui *ui, struct engine *e, int reps, struct render_figs *f)
{
    double *t = xcalloc(FRAMES, sizeof(*t));

    for (int i = 0; i < FRAMES; i++) {
        ui_dirty(ui, PANE_LIST);
        t[i] = timed_flush(ui);
    }
    f->paint = median(t, FRAMES);
    for (int i = 0; i < FRAMES; i++) {
        double t0 = loop_now();
        ui_key(ui, i % 2 ? 'k' : 'j');
        ui_flush(ui);
        t[i] = loop_now() - t0;
    }
    f->move = median(t, FRAMES);
    for (int i = 0; i < reps; i++) {
        engine_tick_once(e);
        t[i] = timed_flush(ui);
    }
    f->tick = median(t, reps);
    free(t);
}

static int
measure_render(struct engine *e, const struct config *cfg, int reps,
               struct render_figs *host, struct render_figs *all)
{
    FILE *out = NULL;
    SCREEN *scr = NULL;
    struct ui *ui = NULL;
    const struct node *cur;
    double t0;
    int rc = -1;

    /* a 200x60 terminal that goes nowhere: ncurses still computes and
     * writes every update */
    setenv("LINES", "60", 1);
    setenv("COLUMNS", "200", 1);
    out = fopen("/dev/null", "w");
    scr = out ? newterm("xterm-256color", out, stdin) : NULL;
    if (!scr) {
        fprintf(stderr, "fleet: no curses screen (terminfo for "
                "xterm-256color?)\n");
        goto cleanup;
    }
    if (actions_bind(cfg) < 0) {
        fprintf(stderr, "fleet: %s\n", err_msg());
        goto cleanup;
    }
    ui = ui_new(e, cfg);
    ui_flush(ui);

    /* one host: its VMs are collected, sorted and painted */
    t0 = loop_now();
    if (ui_select_host(ui, "h001") < 0) {
        fprintf(stderr, "fleet: no host 'h001' in the tree\n");
        goto cleanup;
    }
    ui_flush(ui);
    host->open = loop_now() - t0;
    host->rows = model_host_by_name(engine_model(e), "h001")->vms.len;
    ui_key(ui, UI_KEY_TAB);
    ui_flush(ui);
    measure_list(ui, e, reps, host);
    ui_key(ui, UI_KEY_FN | KEY_BTAB);
    ui_flush(ui);

    /* the cluster: up the tree, then its VMs instead of its hosts */
    for (int i = 0; i < 3; i++) {
        cur = ui_current(ui);
        if (cur->kind == NODE_CLUSTER)
            break;
        ui_action(ui, ACT_LEFT);
        ui_flush(ui);
    }
    if (ui_current(ui)->kind != NODE_CLUSTER) {
        fprintf(stderr, "fleet: cannot reach the cluster in the tree\n");
        goto cleanup;
    }
    t0 = loop_now();
    ui_action(ui, ACT_VIEW);
    ui_flush(ui);
    all->open = loop_now() - t0;
    all->rows = (size_t)engine_up_hosts(e) * host->rows;
    ui_key(ui, UI_KEY_TAB);
    ui_flush(ui);
    measure_list(ui, e, reps, all);
    rc = 0;

cleanup:
    ui_free(&ui);
    if (scr) {
        endwin();
        delscreen(scr);
    }
    if (out)
        fclose(out);
    actions_unbind();
    return rc;
}

/* ---- 3. idle ---- */

struct proc_figs {
    pid_t pid;
    double cpu;                 /* seconds of utime + stime */
    unsigned long long ctxt;    /* context switches over all threads */
#define MAX_TIDS 512
    int n_tids;                 /* per thread, so a later sample can count */
    int tid[MAX_TIDS];          /* only what happened since this one */
    unsigned long long tid_ctxt[MAX_TIDS];
    long rss_kib;
    int threads;
};

static int
proc_sample(struct proc_figs *p)
{
    char path[64], buf[4096], *s;
    unsigned long ut, st;
    FILE *f;
    DIR *d;
    struct dirent *de;
    long hz = sysconf(_SC_CLK_TCK);

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)p->pid);
    f = fopen(path, "r");
    if (!f || !fgets(buf, sizeof(buf), f)) {
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    /* fields after the command's ')': state is field 3, utime 14 */
    s = strrchr(buf, ')');
    if (!s || sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                     "%lu %lu", &ut, &st) != 2)
        return -1;
    p->cpu = (double)(ut + st) / (double)hz;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
    f = fopen(path, "r");
    p->rss_kib = -1;
    while (f && fgets(buf, sizeof(buf), f))
        sscanf(buf, "VmRSS: %ld", &p->rss_kib);
    if (f)
        fclose(f);

    p->ctxt = 0;
    p->threads = 0;
    p->n_tids = 0;
    snprintf(path, sizeof(path), "/proc/%d/task", (int)p->pid);
    d = opendir(path);
    while (d && (de = readdir(d))) {
        char tpath[300];
        unsigned long long n;
        if (de->d_name[0] == '.')
            continue;
        unsigned long long t_ctxt = 0;
        p->threads++;
        snprintf(tpath, sizeof(tpath), "/proc/%d/task/%s/status",
                 (int)p->pid, de->d_name);
        f = fopen(tpath, "r");
        while (f && fgets(buf, sizeof(buf), f)) {
            if (sscanf(buf, "voluntary_ctxt_switches: %llu", &n) == 1 ||
                sscanf(buf, "nonvoluntary_ctxt_switches: %llu", &n) == 1)
                t_ctxt += n;
        }
        p->ctxt += t_ctxt;
        if (p->n_tids < MAX_TIDS) {
            p->tid[p->n_tids] = atoi(de->d_name);
            p->tid_ctxt[p->n_tids++] = t_ctxt;
        }
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return 0;
}

/* Start argv with stdout on a pipe; *out reads it. */
static pid_t
spawn(char *const argv[], FILE **out)
{
    int fd[2];
    pid_t pid;

    if (pipe(fd) < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        close(fd[0]);
        close(fd[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    *out = fdopen(fd[0], "r");
    return pid;
}

/* Read lines until `count` of them contain `word` (or EOF). */
/* Context switches between two samples: threads that exited meanwhile
 * drop out of the sum (counts from the first sample would make it
 * negative), so it is a lower bound when workers come and go. */
static double
ctxt_between(const struct proc_figs *a, const struct proc_figs *b)
{
    unsigned long long n = 0;

    for (int i = 0; i < b->n_tids; i++) {
        unsigned long long before = 0;
        for (int k = 0; k < a->n_tids; k++) {
            if (a->tid[k] == b->tid[i]) {
                before = a->tid_ctxt[k];
                break;
            }
        }
        n += b->tid_ctxt[i] >= before ? b->tid_ctxt[i] - before : 0;
    }
    return (double)n;
}

static int
wait_lines(FILE *f, const char *word, int count)
{
    char line[1024];
    int n = 0;

    while (n < count && fgets(line, sizeof(line), f)) {
        if (strstr(line, word))
            n++;
    }
    return n >= count ? 0 : -1;
}

static void
stop(pid_t pid, FILE *f)
{
    int st;

    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    if (f) {
        char line[1024];
        while (fgets(line, sizeof(line), f))
            ;           /* drain, so it never blocks on a full pipe */
        fclose(f);
    }
    waitpid(pid, &st, 0);
}

static int
measure_idle(const char *self_dir, const char *self, const char *dir,
             int hosts, int seconds, struct proc_figs vd[2],
             struct proc_figs peer[2])
{
    char *vdbin = xasprintf("%s/../virtdeck", self_dir);
    char *db = xasprintf("%s/inventory.db", dir);
    char *conf = xasprintf("%s/fleet.conf", dir);
    char hosts_s[16];
    char *vd_argv[] = { vdbin, "--db", db, "-c", conf, "run", NULL };
    char *peer_argv[] = { (char *)self, "--peer", (char *)dir, hosts_s, NULL };
    FILE *vd_out = NULL, *peer_out = NULL, *f;
    struct timespec ts = { .tv_sec = seconds };
    int rc = -1;

    snprintf(hosts_s, sizeof(hosts_s), "%d", hosts);
    f = fopen(conf, "w");
    if (!f) {
        perror(conf);
        goto cleanup;
    }
    fprintf(f, "refresh_interval = %.1f;\n", INTERVAL);
    fclose(f);
    /* virtdeck reads only this inventory and configuration */
    setenv("XDG_CONFIG_HOME", dir, 1);
    setenv("XDG_DATA_HOME", dir, 1);
    setenv("XDG_CACHE_HOME", dir, 1);
    setenv("VIRTDECK_SYSCONFDIR", dir, 1);
    setenv("LC_ALL", "C", 1);

    vd[0].pid = spawn(vd_argv, &vd_out);
    peer[0].pid = spawn(peer_argv, &peer_out);
    if (vd[0].pid < 0 || peer[0].pid < 0) {
        perror("fork");
        goto cleanup;
    }
    if (wait_lines(vd_out, "is connected", hosts) < 0 ||
        wait_lines(peer_out, "ready", 1) < 0) {
        fprintf(stderr, "fleet: virtdeck run or its peer did not come up\n");
        goto cleanup;
    }
    /* let the first ticks and virtdeck's reading of every VM's
     * configuration pass */
    {
        struct timespec warm = { .tv_sec = (time_t)(2 * INTERVAL + 1) };
        nanosleep(&warm, NULL);
    }
    vd[1].pid = vd[0].pid;
    peer[1].pid = peer[0].pid;
    if (proc_sample(&vd[0]) < 0 || proc_sample(&peer[0]) < 0)
        goto cleanup;
    nanosleep(&ts, NULL);
    if (proc_sample(&vd[1]) < 0 || proc_sample(&peer[1]) < 0)
        goto cleanup;
    rc = 0;

cleanup:
    /* virtdeck's stdout first: it may block writing to a full pipe */
    stop(vd[0].pid, vd_out);
    stop(peer[0].pid, peer_out);
    free(vdbin);
    free(db);
    free(conf);
    return rc;
}

/* ---- main ---- */

static void
remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    while (d && (de = readdir(d))) {
        char *p;
        if (de->d_name[0] == '.')
            continue;
        p = xasprintf("%s/%s", dir, de->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static int
arg(int argc, char **argv, int i, int def)
{
    return argc > i ? atoi(argv[i]) : def;
}

int
main(int argc, char **argv)
{
    int hosts, vms, reps, idle;
    char dir[] = "/tmp/vdfleet.XXXXXX";
    char self[PATH_MAX], self_dir[PATH_MAX], *slash, *db = NULL;
    struct config *cfg = NULL;
    struct engine *e = NULL;
    struct refresh_figs rf;
    struct render_figs rh = { 0 }, ra = { 0 };
    struct proc_figs vd[2] = { { 0 } }, peer[2] = { { 0 } };
    ssize_t len;
    double t0, gen_s, start_s;
    int rc = 1;

    if (argc == 4 && strcmp(argv[1], "--peer") == 0)
        return peer_main(argv[2], atoi(argv[3]));
    hosts = arg(argc, argv, 1, 100);
    vms = arg(argc, argv, 2, 100);
    reps = arg(argc, argv, 3, 10);
    idle = arg(argc, argv, 4, 30);
    if (hosts < 1 || hosts > 999 || vms < 1 || reps < 1 || idle < 1) {
        fprintf(stderr, "usage: %s [HOSTS (1..999) [VMS [REPEATS "
                "[IDLE_SECONDS]]]]\n", argv[0]);
        return 2;
    }
    len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len <= 0)
        return 1;
    self[len] = '\0';
    strcpy(self_dir, self);
    slash = strrchr(self_dir, '/');
    *slash = '\0';
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }

    t0 = loop_now();
    for (int i = 1; i <= hosts; i++) {
        char *node = node_path(dir, i);
        char *cmd = xasprintf("'%s/gen-node' %d '%s' --host h%03d",
                              self_dir, vms, node, i);
        int st = system(cmd);
        free(node);
        if (st != 0) {
            fprintf(stderr, "fleet: %s failed\n", cmd);
            free(cmd);
            goto cleanup;
        }
        free(cmd);
    }
    gen_s = loop_now() - t0;

    db = xasprintf("%s/inventory.db", dir);
    cfg = config_new();
    if (loop_init() < 0 || virt_global_init() < 0 || jobs_init() < 0 ||
        !(e = engine_open(cfg, db, ENGINE_WRITE)) ||
        engine_dc_add(e, "fleet", "") < 0 ||
        engine_cluster_add(e, "fleet-1", "fleet", "") < 0)
        goto engine_error;
    for (int i = 1; i <= hosts; i++) {
        char *node = node_path(dir, i), *uri = xasprintf("test://%s", node);
        char name[16];
        int r;
        snprintf(name, sizeof(name), "h%03d", i);
        r = engine_host_add(e, name, uri, "fleet-1");
        free(node);
        free(uri);
        if (r < 0)
            goto engine_error;
    }
    t0 = loop_now();
    if (engine_start(e) < 0)
        goto engine_error;
    loop_run(settled, e);
    start_s = loop_now() - t0;
    if ((int)engine_up_hosts(e) != hosts) {
        fprintf(stderr, "fleet: %u of %d hosts up\n", engine_up_hosts(e),
                hosts);
        goto cleanup;
    }

    if (measure_refresh(dir, hosts, vms, reps, e, &rf) < 0 ||
        measure_render(e, cfg, reps, &rh, &ra) < 0)
        goto cleanup;
    engine_free(&e);

    printf("bench/fleet: %d hosts x %d VMs = %d VMs (test driver), nodes "
           "written in %.1f s,\n  engine connected and settled in %.1f s\n",
           hosts, vms, hosts * vms, gen_s, start_s);
    printf("refresh, one tick of every host (median of %d):\n", reps);
    printf("  bare virConnectGetAllDomainStats x %d: %8.2f ms wall "
           "%8.2f ms CPU\n", hosts, rf.bare * 1e3, rf.bare_cpu * 1e3);
    printf("  engine tick (stats + model):         %8.2f ms wall "
           "%8.2f ms CPU\n", rf.eng * 1e3, rf.eng_cpu * 1e3);
    printf("    of which the main thread (merge into the model): "
           "%8.2f ms CPU\n", rf.eng_main * 1e3);
    printf("  ratio engine/bare: wall %.2f, CPU %.2f (target <= 1.20; the "
           "engine runs\n  hosts on worker threads in parallel, the bare "
           "calls run one after another)\n",
           rf.eng / rf.bare, rf.eng_cpu / rf.bare_cpu);
    printf("render, 200x60 screen (median of %d frames, %d ticks):\n",
           FRAMES, reps);
    printf("  %-32s %11zu %11zu %8s\n", "VMs in the list", rh.rows, ra.rows,
           "ratio");
    printf("  %-32s %8.3f ms %8.3f ms %8.2f\n", "open (collect+sort+paint)",
           rh.open * 1e3, ra.open * 1e3, ra.open / rh.open);
    printf("  %-32s %8.3f ms %8.3f ms %8.2f\n", "paint the list + doupdate",
           rh.paint * 1e3, ra.paint * 1e3, ra.paint / rh.paint);
    printf("  %-32s %8.3f ms %8.3f ms %8.2f\n", "move the selection one row",
           rh.move * 1e3, ra.move * 1e3, ra.move / rh.move);
    printf("  %-32s %8.3f ms %8.3f ms %8.2f\n", "update + paint after a tick",
           rh.tick * 1e3, ra.tick * 1e3, ra.tick / rh.tick);
    printf("  target: under 5 ms per frame\n");
    fflush(stdout);

    if (measure_idle(self_dir, self, dir, hosts, idle, vd, peer) < 0)
        goto cleanup;
    {
        double vcpu = (vd[1].cpu - vd[0].cpu) / idle * 100;
        double pcpu = (peer[1].cpu - peer[0].cpu) / idle * 100;
        double vsw = ctxt_between(&vd[0], &vd[1]) / idle;
        double psw = ctxt_between(&peer[0], &peer[1]) / idle;
        double per_vm = (double)(vd[1].rss_kib - peer[1].rss_kib) * 1024 /
                        (hosts * vms);

        printf("idle over %d s, refresh_interval %.1f s (virtdeck run vs "
               "a bare process\n  with the same connections and bulk "
               "stats timer):\n", idle, INTERVAL);
        printf("  %-28s %12s %12s %12s\n", "", "virtdeck", "bare peer",
               "difference");
        printf("  %-28s %10.2f %% %10.2f %% %10.2f %%\n",
               "CPU, % of one core", vcpu, pcpu, vcpu - pcpu);
        printf("  %-28s %12.1f %12.1f %12.1f\n", "context switches / s",
               vsw, psw, vsw - psw);
        printf("  %-28s %12d %12d\n", "threads", vd[1].threads,
               peer[1].threads);
        printf("  %-28s %9ld KiB %9ld KiB %9ld KiB\n", "resident memory",
               vd[1].rss_kib, peer[1].rss_kib,
               vd[1].rss_kib - peer[1].rss_kib);
        printf("  CPU above the peer: %.2f %% of a core (target < 1 %%)\n",
               vcpu - pcpu);
        printf("  memory above the peer per VM: %.0f bytes (target < 1024)\n",
               per_vm);
    }
    rc = 0;
    goto cleanup;

engine_error:
    fprintf(stderr, "fleet: %s\n", err_msg());
cleanup:
    engine_free(&e);
    jobs_shutdown();
    config_free(&cfg);
    remove_dir(dir);
    free(db);
    return rc;
}
