/* loop.c: the main event loop over libvirt's default implementation (see
 * loop.h).  Signals are turned into bytes on a non-blocking self-pipe by an
 * async-signal-safe handler and dispatched on the main thread. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include "loop.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"

#define LOOP_MAX_SIGNALS 8
#define LOOP_MAX_HOOKS 4

static int sig_pipe[2] = { -1, -1 };
static volatile int loop_quit_flag;
static int loop_ready;

static struct {
    int signo;
    loop_signal_fn fn;
    void *opaque;
} sig_handlers[LOOP_MAX_SIGNALS];
static int n_sig_handlers;

static struct {
    void (*fn)(void *opaque);
    void *opaque;
} hooks[LOOP_MAX_HOOKS];
static int n_hooks;

static int
to_virt_events(int ev)
{
    return (ev & LOOP_READ ? VIR_EVENT_HANDLE_READABLE : 0) |
           (ev & LOOP_WRITE ? VIR_EVENT_HANDLE_WRITABLE : 0);
}

static int
from_virt_events(int ev)
{
    return (ev & VIR_EVENT_HANDLE_READABLE ? LOOP_READ : 0) |
           (ev & VIR_EVENT_HANDLE_WRITABLE ? LOOP_WRITE : 0) |
           (ev & VIR_EVENT_HANDLE_ERROR ? LOOP_ERROR : 0) |
           (ev & VIR_EVENT_HANDLE_HANGUP ? LOOP_HANGUP : 0);
}

static void
sig_catch(int signo)
{
    int saved = errno;
    unsigned char b = (unsigned char)signo;
    /* Non-blocking: if the pipe is full a wake-up is already pending. */
    if (write(sig_pipe[1], &b, 1) < 0) {
        /* nothing to do */
    }
    errno = saved;
}

static void
sig_readable(int watch, int fd, int events, void *opaque)
{
    unsigned char buf[64];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            for (int j = 0; j < n_sig_handlers; j++) {
                if (sig_handlers[j].signo == buf[i])
                    sig_handlers[j].fn(buf[i], sig_handlers[j].opaque);
            }
        }
    }
}

static int
set_nonblock_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int
loop_init(void)
{
    if (loop_ready)
        return 0;
    if (virEventRegisterDefaultImpl() < 0) {
        err_set(_("cannot start the libvirt event loop: %s"),
                virGetLastErrorMessage());
        return -1;
    }
    if (pipe(sig_pipe) < 0 || set_nonblock_cloexec(sig_pipe[0]) < 0 ||
        set_nonblock_cloexec(sig_pipe[1]) < 0) {
        err_set(_("cannot create the signal pipe: %s"), strerror(errno));
        return -1;
    }
    if (virEventAddHandle(sig_pipe[0], VIR_EVENT_HANDLE_READABLE,
                          sig_readable, NULL, NULL) < 0) {
        err_set(_("cannot watch the signal pipe"));
        return -1;
    }
    loop_ready = 1;
    return 0;
}

struct fd_ctx {
    loop_fd_fn fn;
    void *opaque;
};

static void
fd_dispatch(int watch, int fd, int events, void *opaque)
{
    struct fd_ctx *c = opaque;
    c->fn(fd, from_virt_events(events), c->opaque);
}

static void
ctx_free(void *p)
{
    free(p);
}

int
loop_add_fd(int fd, int events, loop_fd_fn fn, void *opaque)
{
    struct fd_ctx *c = malloc(sizeof(*c));
    int w;
    if (!c)
        return -1;
    c->fn = fn;
    c->opaque = opaque;
    w = virEventAddHandle(fd, to_virt_events(events), fd_dispatch, c, ctx_free);
    if (w < 0)
        free(c);
    return w;
}

void
loop_update_fd(int watch, int events)
{
    virEventUpdateHandle(watch, to_virt_events(events));
}

void
loop_remove_fd(int watch)
{
    if (watch >= 0)
        virEventRemoveHandle(watch);
}

struct timer_ctx {
    loop_timer_fn fn;
    void *opaque;
};

static void
timer_dispatch(int timer, void *opaque)
{
    struct timer_ctx *c = opaque;
    c->fn(c->opaque);
}

int
loop_add_timer(int ms, loop_timer_fn fn, void *opaque)
{
    struct timer_ctx *c = malloc(sizeof(*c));
    int t;
    if (!c)
        return -1;
    c->fn = fn;
    c->opaque = opaque;
    t = virEventAddTimeout(ms, timer_dispatch, c, ctx_free);
    if (t < 0)
        free(c);
    return t;
}

void
loop_update_timer(int timer, int ms)
{
    if (timer >= 0)
        virEventUpdateTimeout(timer, ms);
}

void
loop_remove_timer(int timer)
{
    if (timer >= 0)
        virEventRemoveTimeout(timer);
}

int
loop_add_signal(int signo, loop_signal_fn fn, void *opaque)
{
    struct sigaction sa;

    if (n_sig_handlers >= LOOP_MAX_SIGNALS)
        return -1;
    sig_handlers[n_sig_handlers].signo = signo;
    sig_handlers[n_sig_handlers].fn = fn;
    sig_handlers[n_sig_handlers].opaque = opaque;
    n_sig_handlers++;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = sig_catch;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(signo, &sa, NULL);
}

void
loop_remove_signal(int signo, loop_signal_fn fn)
{
    bool left = false;
    for (int i = 0; i < n_sig_handlers; i++) {
        if (sig_handlers[i].signo == signo && sig_handlers[i].fn == fn) {
            memmove(&sig_handlers[i], &sig_handlers[i + 1],
                    (size_t)(n_sig_handlers - i - 1) * sizeof(sig_handlers[0]));
            n_sig_handlers--;
            i--;
        } else if (sig_handlers[i].signo == signo) {
            left = true;
        }
    }
    if (!left)
        signal(signo, SIG_DFL);
}

void
loop_remove_before_sleep(void (*fn)(void *opaque), void *opaque)
{
    for (int i = 0; i < n_hooks; i++) {
        if (hooks[i].fn == fn && hooks[i].opaque == opaque) {
            memmove(&hooks[i], &hooks[i + 1],
                    (size_t)(n_hooks - i - 1) * sizeof(hooks[0]));
            n_hooks--;
            return;
        }
    }
}

void
loop_add_before_sleep(void (*fn)(void *opaque), void *opaque)
{
    if (n_hooks < LOOP_MAX_HOOKS) {
        hooks[n_hooks].fn = fn;
        hooks[n_hooks].opaque = opaque;
        n_hooks++;
    }
}

int
loop_run_once(void)
{
    for (int i = 0; i < n_hooks; i++)
        hooks[i].fn(hooks[i].opaque);
    if (virEventRunDefaultImpl() < 0) {
        log_warn("event loop: %s", virGetLastErrorMessage());
        return -1;
    }
    return 0;
}

int
loop_run(int (*done)(void *opaque), void *opaque)
{
    loop_quit_flag = 0;
    while (!loop_quit_flag && !(done && done(opaque))) {
        if (loop_run_once() < 0)
            break;
    }
    return 0;
}

void
loop_quit(void)
{
    loop_quit_flag = 1;
    /* wake the poll so the flag is seen */
    if (sig_pipe[1] >= 0) {
        unsigned char b = 0;
        if (write(sig_pipe[1], &b, 1) < 0) {
            /* pending wake-up */
        }
    }
}

double
loop_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
