/* virt_priv.h: what the backend's own modules (virt_*.c) share with
 * virt.c.  Includes libvirt: never include it outside the backend. */
#ifndef VD_VIRT_PRIV_H
#define VD_VIRT_PRIV_H
#include <libvirt/libvirt.h>
#include "virt.h"

struct vconn;

/* For a job on the host: a reference on its connection (*conn, to close
 * with virConnectClose) and on the backend's bookkeeping, released with
 * virt_release() on the main thread.  NULL (err_set) when the host is not
 * connected. */
struct vconn *virt_hold(struct virt *v, int64_t host_id, virConnectPtr *conn);
void virt_release(struct vconn *vc);
struct virt *vconn_virt(struct vconn *vc);
int64_t vconn_host_id(struct vconn *vc);
/* The id of the host running the VM with that UUID, or -1 (err_set). */
int64_t virt_vm_host(struct virt *v, const char *uuid);
/* A refresh of host_id in flight now describes the past: drop it. */
void virt_host_stats_stale(struct virt *v, int64_t host_id);
/* The model the backend writes (main thread only). */
struct model *virt_model(struct virt *v);
/* An audit-worthy outcome (see virt_notify_fn). */
void virt_tell(struct virt *v, const char *object, const char *action, int ok,
               const char *message);
/* The calling thread's libvirt error as one line; owned by the caller. */
char *virt_last_error(void);

#endif
