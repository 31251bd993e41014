/* jobs.h: worker threads for every call that can block.
 *
 * run() executes on a worker thread and must not touch the model or the
 * screen; done() then runs on the main thread, woken through a pipe the
 * event loop watches (virsh's vshWatchJob, inverted).  Up to one worker
 * per CPU (2 to 8) starts at once, so a burst of jobs (a refresh of every
 * host) wakes a few threads, not one per job; when a queued job has waited
 * 100 ms with every worker busy, the pool grows by one, again every 100 ms
 * while that lasts: a host that hangs holds one thread, never the queue.
 * Idle workers exit after a while. */
#ifndef VD_JOBS_H
#define VD_JOBS_H

typedef void (*job_run_fn)(void *arg);
typedef void (*job_done_fn)(void *arg);

/* Create the completion pipe and watch it (loop_init() first).
 * Returns 0 or -1 (err_set). */
int jobs_init(void);
/* Queue a job.  done may be NULL. */
void jobs_submit(job_run_fn run, job_done_fn done, void *arg);
/* Run fn(arg) on the main thread at the next loop pass; callable from any
 * thread (libvirt may call back on a worker). */
void jobs_post_main(job_done_fn fn, void *arg);
/* Jobs queued or running whose done() has not run yet. */
unsigned jobs_pending(void);
/* Worker threads alive (for tests and benchmarks). */
unsigned jobs_threads(void);
/* Stop idle workers; busy ones are left to finish (a hung host must not
 * hang exit).  Completions still pending are dropped. */
void jobs_shutdown(void);

#endif
