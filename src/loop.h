/* loop.h: the one event loop, on the main thread.
 *
 * It is libvirt's default poll()-based implementation, registered before
 * any connection, so libvirt's own sockets, keepalive timers and event
 * dispatch share it with stdin, the signal self-pipe and the job pipe.
 * Handlers only change state and mark things dirty; before-sleep hooks
 * (the UI's flush) run once per pass, just before the loop blocks. */
#ifndef VD_LOOP_H
#define VD_LOOP_H

enum { LOOP_READ = 1, LOOP_WRITE = 2, LOOP_ERROR = 4, LOOP_HANGUP = 8 };

typedef void (*loop_fd_fn)(int fd, int events, void *opaque);
typedef void (*loop_timer_fn)(void *opaque);
typedef void (*loop_signal_fn)(int signo, void *opaque);

/* Register the loop with libvirt and create the signal pipe.  Call once,
 * before any libvirt connection.  Returns 0 or -1 (err_set). */
int loop_init(void);

/* Watch fd; returns a watch id (>= 0) or -1. */
int loop_add_fd(int fd, int events, loop_fd_fn fn, void *opaque);
void loop_update_fd(int watch, int events);
void loop_remove_fd(int watch);

/* A repeating timer every ms milliseconds (0: next pass, < 0: disabled).
 * Returns a timer id (>= 0) or -1. */
int loop_add_timer(int ms, loop_timer_fn fn, void *opaque);
void loop_update_timer(int timer, int ms);
void loop_remove_timer(int timer);

/* Deliver signo through the self-pipe to fn on the main thread. */
int loop_add_signal(int signo, loop_signal_fn fn, void *opaque);

/* Stop delivering signo to fn (restores the default action when no
 * handler is left for it). */
void loop_remove_signal(int signo, loop_signal_fn fn);

/* Run fn before every blocking wait (at most 4 hooks). */
void loop_add_before_sleep(void (*fn)(void *opaque), void *opaque);
void loop_remove_before_sleep(void (*fn)(void *opaque), void *opaque);

/* Run one pass (blocks until something happens).  Returns 0 or -1. */
int loop_run_once(void);
/* Run until loop_quit() or until done(opaque) returns true (done may be
 * NULL).  Returns 0. */
int loop_run(int (*done)(void *opaque), void *opaque);
void loop_quit(void);
/* Monotonic seconds. */
double loop_now(void);

#endif
