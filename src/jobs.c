/* jobs.c: the worker pool (see jobs.h).  Queue and done-list under one
 * mutex; one byte on a non-blocking pipe wakes the main loop. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

struct job {
    job_run_fn run;
    job_done_fn done;
    void *arg;
    struct job *next;
};

static pthread_mutex_t jobs_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cond = PTHREAD_COND_INITIALIZER;
static struct job *queue_head, *queue_tail;
static struct job *done_head, *done_tail;
static unsigned n_threads, n_idle, n_pending;
static int stopping;
static int wake_pipe[2] = { -1, -1 };
static int jobs_watch = -1;

static void
jobs_wake(void)
{
    unsigned char b = 1;
    if (write(wake_pipe[1], &b, 1) < 0) {
        /* EAGAIN: a wake-up is already pending */
    }
}

static void *
jobs_worker(void *unused)
{
    pthread_mutex_lock(&jobs_lock);
    for (;;) {
        struct job *j;
        while (!queue_head && !stopping) {
            struct timespec ts;
            int rc;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += JOBS_IDLE_SECONDS;
            n_idle++;
            rc = pthread_cond_timedwait(&jobs_cond, &jobs_lock, &ts);
            n_idle--;
            if (rc == ETIMEDOUT && !queue_head)
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
    return NULL;
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
    return 0;
}

void
jobs_submit(job_run_fn run, job_done_fn done, void *arg)
{
    struct job *j = xcalloc(1, sizeof(*j));
    j->run = run;
    j->done = done;
    j->arg = arg;

    pthread_mutex_lock(&jobs_lock);
    if (queue_tail)
        queue_tail->next = j;
    else
        queue_head = j;
    queue_tail = j;
    n_pending++;
    if (n_idle == 0 && n_threads < JOBS_MAX_THREADS) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, jobs_worker, NULL) == 0)
            n_threads++;
        else
            log_warn("cannot start a worker thread; %u running", n_threads);
        pthread_attr_destroy(&attr);
    } else {
        pthread_cond_signal(&jobs_cond);
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
    pthread_cond_broadcast(&jobs_cond);
    /* Give idle workers a moment to leave; busy ones may be stuck on a
     * host that hangs, and exit must not wait for them. */
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 1;
    while (n_threads > n_pending && n_threads > 0) {
        if (pthread_cond_timedwait(&jobs_cond, &jobs_lock, &ts) == ETIMEDOUT)
            break;
    }
    while (done_head) {
        struct job *j = done_head;
        done_head = j->next;
        free(j);
    }
    done_tail = NULL;
    pthread_mutex_unlock(&jobs_lock);
    if (jobs_watch >= 0)
        loop_remove_fd(jobs_watch);
    jobs_watch = -1;
}
