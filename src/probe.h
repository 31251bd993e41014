/* probe.h: does anything listen on ADDR:PORT?  A TCP connect in a job,
 * with a timeout: an open port, a refusal (the host's kernel answered:
 * nothing listens there) and silence (no answer at all) are three
 * different facts, and only the first two are evidence. */
#ifndef VD_PROBE_H
#define VD_PROBE_H

enum probe_result {
    PROBE_OPEN,
    PROBE_REFUSED,
    PROBE_SILENT,       /* timed out or unreachable: proves nothing */
};

typedef void (*probe_done_fn)(void *opaque, enum probe_result r);

/* Probe in a job; done runs on the main thread.  addr is an IP literal
 * (never a name: no resolver is asked). */
void probe_tcp(const char *addr, int port, double timeout, probe_done_fn done,
               void *opaque);
/* The same, blocking: for workers and tests. */
enum probe_result probe_tcp_sync(const char *addr, int port, double timeout);
const char *probe_result_name(enum probe_result r);

#endif
