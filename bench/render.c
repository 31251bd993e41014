/* render.c: benchmark of the console's painting.
 *
 *   bench/render [N_DOMAINS] [FRAMES]       (defaults 10000 and 200)
 *
 * Generates two test-driver nodes (bench/gen-node), one of 100 domains and
 * one of N, puts them in a throw-away inventory, and drives the real
 * console code on an ncurses screen of 200x60 that writes to /dev/null.
 * For each host it times, per frame, painting the VM list (paint plus
 * wnoutrefresh plus doupdate) and moving the selection one row (the key
 * through the dispatcher, then the flush), and once selecting the host
 * (collecting, sorting and painting its list).  It prints the medians and
 * the ratio of the big host to the small one: painting must not grow with
 * the number of VMs.  Target: under 5 ms per frame.  Prints figures only;
 * it asserts nothing about time. */
#include <config.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ui/ui.h"
#include "ui/actions.h"
#include "src/conf.h"
#include "src/engine.h"
#include "src/jobs.h"
#include "src/loop.h"
#include "src/util/err.h"
#include "src/util/mem.h"
#include "src/virt.h"

#define SMALL 100

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

static int
settled(void *opaque)
{
    return engine_settled(opaque) && engine_busy(opaque) == 0;
}

struct figures {
    double paint, move, open;
};

static int
measure(struct ui *ui, const char *host, int frames, struct figures *f)
{
    double *t = xcalloc((size_t)frames, sizeof(*t)), t0;

    /* open the host: its VMs are collected, sorted and painted */
    t0 = loop_now();
    if (ui_select_host(ui, host) < 0) {
        fprintf(stderr, "render: no host '%s' in the tree\n", host);
        free(t);
        return -1;
    }
    ui_flush(ui);
    f->open = loop_now() - t0;
    ui_key(ui, UI_KEY_TAB);            /* the focus to the list */
    ui_flush(ui);

    for (int i = 0; i < frames; i++) {
        t0 = loop_now();
        ui_dirty(ui, PANE_LIST);
        ui_flush(ui);
        t[i] = loop_now() - t0;
    }
    f->paint = median(t, frames);
    for (int i = 0; i < frames; i++) {
        t0 = loop_now();
        ui_key(ui, i % 2 ? 'k' : 'j');
        ui_flush(ui);
        t[i] = loop_now() - t0;
    }
    f->move = median(t, frames);
    ui_key(ui, UI_KEY_FN | KEY_BTAB);  /* back to the tree */
    ui_flush(ui);
    free(t);
    return 0;
}

int
main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    int frames = argc > 2 ? atoi(argv[2]) : 200;
    char dir[] = "/tmp/vdrender.XXXXXX";
    char self[PATH_MAX], *slash, *cmd = NULL, *small = NULL, *big = NULL;
    char *uri_small = NULL, *uri_big = NULL, *db = NULL;
    struct config *cfg = NULL;
    struct engine *e = NULL;
    struct ui *ui = NULL;
    SCREEN *scr = NULL;
    FILE *out = NULL;
    struct figures fs, fb;
    ssize_t len;
    int rc = 1;

    if (n < SMALL || frames < 1) {
        fprintf(stderr, "usage: %s [N_DOMAINS >= %d] [FRAMES]\n", argv[0],
                SMALL);
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
    small = xasprintf("%s/small.xml", dir);
    big = xasprintf("%s/big.xml", dir);
    db = xasprintf("%s/inventory.db", dir);
    cmd = xasprintf("'%s/gen-node' %d '%s' --host small && "
                    "'%s/gen-node' %d '%s' --host big",
                    self, SMALL, small, self, n, big);
    if (system(cmd) != 0) {
        fprintf(stderr, "render: %s failed\n", cmd);
        goto cleanup;
    }
    uri_small = xasprintf("test://%s", small);
    uri_big = xasprintf("test://%s", big);

    cfg = config_new();
    if (loop_init() < 0 || virt_global_init() < 0 || jobs_init() < 0 ||
        !(e = engine_open(cfg, db, ENGINE_WRITE)) ||
        engine_dc_add(e, "bench", "") < 0 ||
        engine_cluster_add(e, "cluster", "bench", "") < 0 ||
        engine_host_add(e, "small", uri_small, "cluster") < 0 ||
        engine_host_add(e, "big", uri_big, "cluster") < 0 ||
        engine_start(e) < 0) {
        fprintf(stderr, "render: %s\n", err_msg());
        goto cleanup;
    }
    loop_run(settled, e);

    /* a 200x60 terminal that goes nowhere: ncurses still computes and
     * writes every update */
    setenv("LINES", "60", 1);
    setenv("COLUMNS", "200", 1);
    out = fopen("/dev/null", "w");
    scr = out ? newterm("xterm-256color", out, stdin) : NULL;
    if (!scr) {
        fprintf(stderr, "render: no curses screen (terminfo for "
                "xterm-256color?)\n");
        goto cleanup;
    }
    if (actions_bind(cfg) < 0) {
        fprintf(stderr, "render: %s\n", err_msg());
        goto cleanup;
    }
    ui = ui_new(e, cfg);
    ui_flush(ui);
    if (measure(ui, "small", frames, &fs) < 0 ||
        measure(ui, "big", frames, &fb) < 0)
        goto cleanup;

    printf("bench/render: 200x60 screen, VM list of a host, median of %d "
           "frames\n", frames);
    printf("  %-34s %10d %10d %8s\n", "", SMALL, n, "ratio");
    printf("  %-34s %7.3f ms %7.3f ms %8.2f\n", "paint the list + doupdate",
           fs.paint * 1e3, fb.paint * 1e3, fb.paint / fs.paint);
    printf("  %-34s %7.3f ms %7.3f ms %8.2f\n", "move the selection one row",
           fs.move * 1e3, fb.move * 1e3, fb.move / fs.move);
    printf("  %-34s %7.3f ms %7.3f ms %8.2f\n",
           "open the host (collect+sort+paint)", fs.open * 1e3,
           fb.open * 1e3, fb.open / fs.open);
    printf("  target: paint and move under 5 ms per frame, ratio near 1 "
           "(only visible rows are painted)\n");
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
    engine_free(&e);
    jobs_shutdown();
    config_free(&cfg);
    if (small)
        unlink(small);
    if (big)
        unlink(big);
    if (db) {
        char *wal = xasprintf("%s-wal", db), *shm = xasprintf("%s-shm", db);
        unlink(db);
        unlink(wal);
        unlink(shm);
        free(wal);
        free(shm);
    }
    rmdir(dir);
    free(cmd);
    free(small);
    free(big);
    free(db);
    free(uri_small);
    free(uri_big);
    return rc;
}
