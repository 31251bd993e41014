/* test-loop.c: the event loop, signals through the self-pipe, and jobs:
 * done() runs on the main thread, and a job that blocks does not hold up
 * the others. */
#include <config.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "src/jobs.h"
#include "src/loop.h"
#include "src/util/err.h"
#include "tests/tap.h"

#define BLOCKED 9

static pthread_t main_thread;
static int timer_hits, sig_hits, done_on_main = 1, ran_off_main = 1;
static int jobs_done, fast_done_while_blocked;
static int hook_runs;
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open;

static void
on_timer(void *opaque)
{
    timer_hits++;
}

static void
on_signal(int signo, void *opaque)
{
    sig_hits++;
}

static void
hook(void *opaque)
{
    hook_runs++;
}

static void
job_run(void *arg)
{
    if (pthread_equal(pthread_self(), main_thread))
        ran_off_main = 0;
}

static void
job_done(void *arg)
{
    if (!pthread_equal(pthread_self(), main_thread))
        done_on_main = 0;
    jobs_done++;
}

static void
blocked_run(void *arg)
{
    pthread_mutex_lock(&gate_lock);
    while (!gate_open)
        pthread_cond_wait(&gate_cond, &gate_lock);
    pthread_mutex_unlock(&gate_lock);
}

static void
fast_done(void *arg)
{
    fast_done_while_blocked++;
    jobs_done++;
}

static void
noop_done(void *arg)
{
    jobs_done++;
}

static int
until_n(void *opaque)
{
    return jobs_done >= *(int *)opaque;
}

static int stop_after;
static int
until_timer(void *opaque)
{
    return timer_hits >= stop_after;
}

static int
until_sig(void *opaque)
{
    return sig_hits > 0;
}

int
main(void)
{
    int t, want;

    main_thread = pthread_self();
    ok(loop_init() == 0, "loop initialised: %s", err_msg());
    ok(jobs_init() == 0, "jobs initialised");
    loop_add_before_sleep(hook, NULL);

    t = loop_add_timer(10, on_timer, NULL);
    ok(t >= 0, "timer added");
    stop_after = 3;
    loop_run(until_timer, NULL);
    is_int(timer_hits, 3, "repeating timer fired three times");
    ok(hook_runs >= 3, "before-sleep hook ran every pass (%d)", hook_runs);
    loop_remove_timer(t);

    ok(loop_add_signal(SIGUSR1, on_signal, NULL) == 0, "signal handler added");
    raise(SIGUSR1);
    loop_run(until_sig, NULL);
    is_int(sig_hits, 1, "signal delivered on the main thread");

    for (int i = 0; i < 50; i++)
        jobs_submit(job_run, job_done, NULL);
    want = 50;
    loop_run(until_n, &want);
    is_int(jobs_done, 50, "50 jobs completed");
    ok(ran_off_main, "run() executed on worker threads");
    ok(done_on_main, "done() executed on the main thread");

    ok(jobs_threads() <= 8, "50 jobs at once start at most 8 workers (%u)",
       jobs_threads());

    /* Jobs block (hosts that hang), more of them than the pool starts at
     * once (at most 8): the next ones still complete. */
    jobs_done = 0;
    for (int i = 0; i < BLOCKED; i++)
        jobs_submit(blocked_run, noop_done, NULL);
    for (int i = 0; i < 5; i++)
        jobs_submit(job_run, fast_done, NULL);
    want = 5;
    loop_run(until_n, &want);
    is_int(fast_done_while_blocked, 5, "jobs finish while others block");
    is_int(jobs_pending(), BLOCKED, "the blocked jobs are still pending");
    ok(jobs_threads() > BLOCKED, "the pool grew past the blocked workers (%u)",
       jobs_threads());
    pthread_mutex_lock(&gate_lock);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cond);
    pthread_mutex_unlock(&gate_lock);
    want = 5 + BLOCKED;
    loop_run(until_n, &want);
    is_int(jobs_pending(), 0, "the blocked job completes once released");
    jobs_shutdown();
    return tap_done();
}
