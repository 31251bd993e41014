/* jobs.c: the worker pool (see jobs.h).  Queue and done-list under one
 * mutex; one byte on a non-blocking pipe wakes the main loop.
 *
 * At most jobs_core workers start when jobs are submitted (one per CPU,
 * 2 to 8): a refresh of 100 hosts queues 100 jobs and wakes a couple of
 * threads, not 100.  A watcher thread sleeps while nothing waits; once a
 * job has waited JOBS_STALL_MS in the queue with every worker busy (some
 * host hangs, or calls that wait on the network), it starts one more
 * worker, and again every JOBS_STALL_MS while that lasts, up to
 * JOBS_MAX_THREADS.  So a host that hangs holds its worker, never the
 * queue. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "jobs.h"
#include "loop.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"

#define JOBS_MAX_THREADS 256
#define JOBS_IDLE_SECONDS 10
#define JOBS_CORE_MIN 2
#define JOBS_CORE_MAX 8
#define JOBS_STALL_MS 100

struct job {
    job_run_fn run;
    job_done_fn done;
    void *arg;
    struct job *next;
    struct timespec queued;     /* CLOCK_MONOTONIC */
};

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cond = PTHREAD_COND_INITIALIZER; /* exits */
static struct job *queue_head, *queue_tail;
static struct job *done_head, *done_tail;
static unsigned n_threads, n_idle, n_pending;
/* Idle workers, the last one to finish on top: a job wakes the top one,
 * so workers the load no longer needs stay at the bottom and time out. */
struct idler {
    pthread_cond_t cond;
    struct idler *next;
    bool woken;
};
static struct idler *idle_top;
static unsigned jobs_core;      /* workers started without waiting */
static int stopping;
/* the watcher: grows the pool when queued jobs wait too long */
static pthread_cond_t watch_cond;
static bool watch_running, watch_armed;
static int wake_pipe[2] = { -1, -1 };
static int jobs_watch = -1;
static bool wake_pending;       /* a byte is on the pipe for done_head */

/* Under jobs_lock, after adding to the done list: one byte per batch.
 * The main thread clears wake_pending when it takes the list, so
 * results that arrive while it has not got round to them yet ride on
 * the wake-up already sent. */
static void
jobs_wake(void)
{
    unsigned char b = 1;

    if (wake_pending)
        return;
    wake_pending = true;
    if (write(wake_pipe[1], &b, 1) < 0) {
        /* EAGAIN: a wake-up is already pending */
    }
}

static void *
jobs_worker(void *unused)
{
    struct idler me = { .woken = false };
    pthread_condattr_t ca;

    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&me.cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_lock(&jobs_lock);
    for (;;) {
        struct job *j;
        while (!queue_head && !stopping) {
            struct timespec ts;
            int rc;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_sec += JOBS_IDLE_SECONDS;
            me.woken = false;
            me.next = idle_top;
            idle_top = &me;
            n_idle++;
            do {
                rc = pthread_cond_timedwait(&me.cond, &jobs_lock, &ts);
            } while (!me.woken && !stopping && rc != ETIMEDOUT);
            if (!me.woken) {
                struct idler **p = &idle_top;
                while (*p != &me)
                    p = &(*p)->next;
                *p = me.next;
                n_idle--;
            }
            if (rc == ETIMEDOUT && !me.woken && !queue_head)
                goto out;
        }
        if (!queue_head)
            goto out;
        j = queue_head;
        queue_head = j->next;
        if (!queue_head)
            queue_tail = NULL;
        pthread_mutex_unlock(&jobs_lock);

        j->run(j->arg);

        pthread_mutex_lock(&jobs_lock);
        j->next = NULL;
        if (done_tail)
            done_tail->next = j;
        else
            done_head = j;
        done_tail = j;
        jobs_wake();
    }
out:
    n_threads--;
    pthread_cond_broadcast(&jobs_cond);
    pthread_mutex_unlock(&jobs_lock);
    pthread_cond_destroy(&me.cond);
    return NULL;
}

/* Under jobs_lock: wake the idle worker on top; false if none. */
static bool
idler_wake(void)
{
    struct idler *w = idle_top;

    if (!w)
        return false;
    idle_top = w->next;
    n_idle--;
    w->woken = true;
    pthread_cond_signal(&w->cond);
    return true;
}

/* Under jobs_lock. */
static void
worker_start(void)
{
    pthread_t t;
    pthread_attr_t attr;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, jobs_worker, NULL) == 0)
        n_threads++;
    else
        log_warn("cannot start a worker thread; %u running", n_threads);
    pthread_attr_destroy(&attr);
}

static void
ts_add_ms(struct timespec *ts, long ms)
{
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

static bool
ts_before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec ||
           (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Sleeps without a timeout while nothing waits in the queue (submit arms
 * it when every worker is busy); then wakes when the oldest queued job
 * has waited JOBS_STALL_MS and starts a worker if it still waits. */
static void *
jobs_watcher(void *unused)
{
    pthread_mutex_lock(&jobs_lock);
    while (!stopping) {
        struct timespec now, due;

        if (!queue_head || !watch_armed) {
            watch_armed = false;
            pthread_cond_wait(&watch_cond, &jobs_lock);
            continue;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        due = queue_head->queued;
        ts_add_ms(&due, JOBS_STALL_MS);
        if (!ts_before(&now, &due)) {
            if (!idler_wake() && n_threads < JOBS_MAX_THREADS)
                worker_start();
            due = now;
            ts_add_ms(&due, JOBS_STALL_MS);
        }
        pthread_cond_timedwait(&watch_cond, &jobs_lock, &due);
    }
    watch_running = false;
    pthread_cond_broadcast(&jobs_cond);
    pthread_mutex_unlock(&jobs_lock);
    return NULL;
}

/* Under jobs_lock: a job was queued and no worker is idle. */
static void
watch_arm(void)
{
    if (watch_armed)
        return;
    watch_armed = true;
    if (!watch_running) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_condattr_t ca;

        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&watch_cond, &ca);
        pthread_condattr_destroy(&ca);
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, jobs_watcher, NULL) == 0) {
            watch_running = true;
        } else {
            /* no watcher: fall back to a worker per waiting job */
            watch_armed = false;
            pthread_cond_destroy(&watch_cond);
            if (n_threads < JOBS_MAX_THREADS)
                worker_start();
        }
        pthread_attr_destroy(&attr);
        return;
    }
    pthread_cond_signal(&watch_cond);
}

static void
jobs_readable(int fd, int events, void *opaque)
{
    unsigned char buf[256];
    struct job *list;

    while (read(fd, buf, sizeof(buf)) > 0)
        ;
    pthread_mutex_lock(&jobs_lock);
    list = done_head;
    done_head = done_tail = NULL;
    wake_pending = false;
    pthread_mutex_unlock(&jobs_lock);
    while (list) {
        struct job *j = list;
        list = j->next;
        /* Decrement first: done() may check jobs_pending() or submit more. */
        pthread_mutex_lock(&jobs_lock);
        n_pending--;
        pthread_mutex_unlock(&jobs_lock);
        if (j->done)
            j->done(j->arg);
        free(j);
    }
}

int
jobs_init(void)
{
    if (wake_pipe[0] >= 0)
        return 0;
    if (pipe2(wake_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
        err_set(_("cannot create the job pipe: %s"), strerror(errno));
        return -1;
    }
    jobs_watch = loop_add_fd(wake_pipe[0], LOOP_READ, jobs_readable, NULL);
    if (jobs_watch < 0) {
        err_set(_("cannot watch the job pipe"));
        return -1;
    }
    stopping = 0;
    if (!jobs_core) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs_core = n < JOBS_CORE_MIN ? JOBS_CORE_MIN
                    : n > JOBS_CORE_MAX ? JOBS_CORE_MAX : (unsigned)n;
    }
    return 0;
}

void
jobs_submit(job_run_fn run, job_done_fn done, void *arg)
{
    struct job *j = xcalloc(1, sizeof(*j));
    j->run = run;
    j->done = done;
    j->arg = arg;
    clock_gettime(CLOCK_MONOTONIC, &j->queued);

    pthread_mutex_lock(&jobs_lock);
    if (queue_tail)
        queue_tail->next = j;
    else
        queue_head = j;
    queue_tail = j;
    n_pending++;
    /* workers already busy take it when they are done, unless they
     * are stuck: the watcher sees to that */
    if (n_threads - n_idle < (jobs_core ? jobs_core : JOBS_CORE_MIN)) {
        if (!idler_wake())
            worker_start();
    } else {
        watch_arm();
    }
    pthread_mutex_unlock(&jobs_lock);
}

void
jobs_post_main(job_done_fn fn, void *arg)
{
    struct job *j = xcalloc(1, sizeof(*j));
    j->done = fn;
    j->arg = arg;
    pthread_mutex_lock(&jobs_lock);
    n_pending++;
    if (done_tail)
        done_tail->next = j;
    else
        done_head = j;
    done_tail = j;
    jobs_wake();
    pthread_mutex_unlock(&jobs_lock);
}

unsigned
jobs_pending(void)
{
    unsigned n;
    pthread_mutex_lock(&jobs_lock);
    n = n_pending;
    pthread_mutex_unlock(&jobs_lock);
    return n;
}

unsigned
jobs_threads(void)
{
    unsigned n;
    pthread_mutex_lock(&jobs_lock);
    n = n_threads;
    pthread_mutex_unlock(&jobs_lock);
    return n;
}

void
jobs_shutdown(void)
{
    struct timespec ts;

    pthread_mutex_lock(&jobs_lock);
    stopping = 1;
    for (struct idler *w = idle_top; w; w = w->next)
        pthread_cond_signal(&w->cond);
    /* Give idle workers a moment to leave; busy ones may be stuck on a
     * host that hangs, and exit must not wait for them. */
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 1;
    if (watch_running)
        pthread_cond_signal(&watch_cond);
    while ((n_threads > n_pending && n_threads > 0) || watch_running) {
        if (pthread_cond_timedwait(&jobs_cond, &jobs_lock, &ts) == ETIMEDOUT)
            break;
    }
    while (done_head) {
        struct job *j = done_head;
        done_head = j->next;
        free(j);
    }
    done_tail = NULL;
    wake_pending = false;
    pthread_mutex_unlock(&jobs_lock);
    if (jobs_watch >= 0)
        loop_remove_fd(jobs_watch);
    jobs_watch = -1;
}
