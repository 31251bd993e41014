/* console.h: a VM's serial console as a byte stream in the main loop.
 *
 * virDomainOpenConsole runs in a job (it talks to the host); the stream is
 * non-blocking and watched by the event loop, so a console never blocks
 * the screen.  When another session holds the console, the open fails
 * with CONSOLE_BUSY and the caller may offer to take it over (force). */
#ifndef VD_CONSOLE_H
#define VD_CONSOLE_H
#include <stdbool.h>
#include <stddef.h>

struct virt;
struct console;

enum console_event {
    CONSOLE_OPENED,
    CONSOLE_BUSY,       /* another session holds it: retry with force */
    CONSOLE_FAILED,     /* could not open: message says why */
    CONSOLE_CLOSED,     /* the VM stopped, the host went away, or taken over */
};

typedef void (*console_data_fn)(void *opaque, const char *buf, size_t len);
typedef void (*console_event_fn)(void *opaque, enum console_event ev,
                                 const char *message);

/* Open the serial console of the VM with that UUID.  Events and data
 * arrive on the main thread.  Returns the console (owned; close it with
 * console_close) or NULL (err_set) when the VM or its host is unknown. */
struct console *console_open(struct virt *v, const char *uuid, bool force,
                             console_data_fn data, console_event_fn event,
                             void *opaque);
/* Queue bytes typed by the operator; they are written when the stream
 * can take them.  0 or -1 when the console is not open. */
int console_send(struct console *c, const char *buf, size_t len);
bool console_is_open(const struct console *c);
/* Close and free (safe while the open job still runs). */
void console_close(struct console **c);

#endif
