/* console.c: serial consoles over non-blocking libvirt streams (see
 * console.h).  Main thread only, except the open job. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include "console.h"
#include "jobs.h"
#include "model.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "virt_priv.h"

struct console {
    struct vconn *vc;
    virConnectPtr conn;
    virStreamPtr st;
    char uuid[VIR_UUID_STRING_BUFLEN];
    bool force;
    bool opening;           /* the open job runs */
    bool open;
    bool closing;           /* console_close called while opening */
    bool watching;
    struct strbuf out;      /* typed bytes not yet written */
    console_data_fn data;
    console_event_fn event;
    void *opaque;
    /* open job results */
    char *error;
    bool busy;
};

static void console_stream_cb(virStreamPtr st, int events, void *opaque);

static void
console_free(struct console *c)
{
    if (c->st) {
        if (c->watching)
            virStreamEventRemoveCallback(c->st);
        virStreamAbort(c->st);
        virStreamFree(c->st);
    }
    if (c->conn)
        virConnectClose(c->conn);
    if (c->vc)
        virt_release(c->vc);
    sb_free(&c->out);
    free(c->error);
    free(c);
}

static void
console_update_events(struct console *c)
{
    int ev = VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR |
             VIR_STREAM_EVENT_HANGUP;
    if (c->out.len)
        ev |= VIR_STREAM_EVENT_WRITABLE;
    if (c->watching)
        virStreamEventUpdateCallback(c->st, ev);
}

static void
console_hangup(struct console *c, const char *why)
{
    /* why may be libvirt's last error, which removing the callback frees */
    char *copy = xstrdup(why);

    if (!c->open) {
        free(copy);
        return;
    }
    c->open = false;
    if (c->watching) {
        virStreamEventRemoveCallback(c->st);
        c->watching = false;
    }
    c->event(c->opaque, CONSOLE_CLOSED, copy);
    free(copy);
}

static void
console_stream_cb(virStreamPtr st, int events, void *opaque)
{
    struct console *c = opaque;
    char buf[4096];

    if (events & VIR_STREAM_EVENT_READABLE) {
        for (;;) {
            int n = virStreamRecv(st, buf, sizeof(buf));
            if (n > 0) {
                c->data(c->opaque, buf, (size_t)n);
                continue;
            }
            if (n == -2)
                break;          /* would block */
            console_hangup(c, n == 0 ? _("the console was closed (the VM "
                                         "stopped or another session took it)")
                                     : virGetLastErrorMessage());
            return;
        }
    }
    if ((events & VIR_STREAM_EVENT_WRITABLE) && c->out.len) {
        int n = virStreamSend(st, c->out.s, c->out.len);
        if (n > 0) {
            memmove(c->out.s, c->out.s + n, c->out.len - (size_t)n);
            c->out.len -= (size_t)n;
            c->out.s[c->out.len] = '\0';
        } else if (n != -2) {
            console_hangup(c, virGetLastErrorMessage());
            return;
        }
    }
    if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)) {
        console_hangup(c, _("the console was closed (the VM stopped or "
                            "another session took it)"));
        return;
    }
    console_update_events(c);
}

static void
open_run(void *arg)
{
    struct console *c = arg;
    virDomainPtr dom = virDomainLookupByUUIDString(c->conn, c->uuid);
    virErrorPtr e;

    if (!dom) {
        c->error = virt_last_error();
        return;
    }
    c->st = virStreamNew(c->conn, VIR_STREAM_NONBLOCK);
    if (!c->st) {
        c->error = virt_last_error();
        goto cleanup;
    }
    if (virDomainOpenConsole(dom, NULL, c->st,
                             VIR_DOMAIN_CONSOLE_SAFE |
                             (c->force ? VIR_DOMAIN_CONSOLE_FORCE : 0)) < 0) {
        e = virGetLastError();
        c->busy = e && e->code == VIR_ERR_OPERATION_FAILED &&
                  e->message && strstr(e->message, "Active console session");
        c->error = virt_last_error();
        virStreamFree(c->st);
        c->st = NULL;
    }
cleanup:
    virDomainFree(dom);
}

static void
open_done(void *arg)
{
    struct console *c = arg;

    c->opening = false;
    if (c->closing) {
        console_free(c);
        return;
    }
    if (c->error) {
        c->event(c->opaque, c->busy ? CONSOLE_BUSY : CONSOLE_FAILED, c->error);
        return;
    }
    if (virStreamEventAddCallback(c->st, VIR_STREAM_EVENT_READABLE |
                                  VIR_STREAM_EVENT_ERROR |
                                  VIR_STREAM_EVENT_HANGUP,
                                  console_stream_cb, c, NULL) < 0) {
        c->event(c->opaque, CONSOLE_FAILED, virGetLastErrorMessage());
        return;
    }
    c->watching = true;
    c->open = true;
    console_update_events(c);
    c->event(c->opaque, CONSOLE_OPENED, NULL);
}

struct console *
console_open(struct virt *v, const char *uuid, bool force,
             console_data_fn data, console_event_fn event, void *opaque)
{
    struct console *c = xcalloc(1, sizeof(*c));
    int64_t host_id = virt_vm_host(v, uuid);

    if (host_id < 0) {
        free(c);
        return NULL;
    }
    c->vc = virt_hold(v, host_id, &c->conn);
    if (!c->vc) {
        free(c);
        return NULL;
    }
    snprintf(c->uuid, sizeof(c->uuid), "%s", uuid);
    c->force = force;
    c->data = data;
    c->event = event;
    c->opaque = opaque;
    c->opening = true;
    jobs_submit(open_run, open_done, c);
    return c;
}

int
console_send(struct console *c, const char *buf, size_t len)
{
    if (!c || !c->open)
        return -1;
    sb_addn(&c->out, buf, len);
    console_update_events(c);
    return 0;
}

bool
console_is_open(const struct console *c)
{
    return c && c->open;
}

void
console_close(struct console **cp)
{
    struct console *c = *cp;
    if (!c)
        return;
    *cp = NULL;
    if (c->opening) {
        /* the open job still runs: it frees the console when it is done */
        c->closing = true;
        return;
    }
    if (c->st && c->open)
        virStreamFinish(c->st);
    console_free(c);
}
