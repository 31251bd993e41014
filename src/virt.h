/* virt.h: the libvirt backend.
 *
 * One connection per host, opened in a job with virConnectOpenAuth (never a
 * tty prompt), with keepalive, a close callback and reconnect with back-off.
 * Lifecycle events per connection.  Per host per tick one bulk
 * virConnectGetAllDomainStats call plus node info, CPU and memory, turned
 * into plain numbers in the model.  Nothing here blocks the main thread: a
 * slow or dead host holds only its own jobs.  Only this file includes
 * libvirt. */
#ifndef VD_VIRT_H
#define VD_VIRT_H
#include <stdbool.h>
#include <stdint.h>
#include "model.h"

enum vm_op {
    VM_OP_START,
    VM_OP_SHUTDOWN,
    VM_OP_DESTROY,
    VM_OP_REBOOT,
    VM_OP_SUSPEND,
    VM_OP_RESUME,
    VM_OP_UNDEFINE,
    VM_OP__COUNT
};

/* "start", "shutdown", ... (stable, for the CLI and the audit log). */
const char *vm_op_name(enum vm_op op);
int vm_op_parse(const char *s, enum vm_op *op);

struct virt_opts {
    double connect_timeout;     /* seconds */
    int keepalive_interval;     /* seconds */
    int keepalive_count;
    double reconnect_min;       /* first retry delay, seconds */
    double reconnect_max;       /* back-off ceiling, seconds */
    double ha_grace;            /* seconds a lost Up host may take to come
                                 * back before it is NonResponsive (0: none) */
    bool readonly;              /* open every connection read-only
                                 * (VIR_CONNECT_RO): libvirt itself then
                                 * refuses anything that changes a host */
};

/* Told of everything worth an audit entry: host state changes, operation
 * results.  ok: 1 success, 0 failure, -1 information. */
typedef void (*virt_notify_fn)(void *opaque, const char *object,
                               const char *action, int ok,
                               const char *message);
/* Result of one operation: ok and a sentence (borrowed for the call). */
typedef void (*virt_done_fn)(void *opaque, int ok, const char *message);

struct virt;

/* Told of every host state change the backend makes (main thread). */
typedef void (*virt_host_hook_fn)(void *opaque, int64_t host_id,
                                  enum host_state old, enum host_state now);

/* Install libvirt's error sink (nothing may print to the tty) and
 * initialise libvirt.  Call once, after loop_init(). */
int virt_global_init(void);

struct virt *virt_new(struct model *m, const struct virt_opts *o,
                      virt_notify_fn notify, void *opaque);
/* Close every connection (in jobs) and free.  Safe with jobs in flight. */
void virt_free(struct virt **v);

void virt_set_host_hook(struct virt *v, virt_host_hook_fn fn, void *opaque);

/* Start connecting the host (Connecting, then Up or NonResponsive). */
void virt_host_connect(struct virt *v, int64_t host_id);
/* Forget the host's connection (it was removed or its URI changed). */
void virt_host_disconnect(struct virt *v, int64_t host_id);
/* Close the connection behind virtdeck's back, as if the host went away:
 * for tests of reconnect. */
void virt_host_drop(struct virt *v, int64_t host_id);

/* Queue a stats refresh for every Up host that is not already refreshing.
 * A host whose previous refresh has not returned is skipped. */
void virt_refresh(struct virt *v);
void virt_refresh_host(struct virt *v, int64_t host_id);
/* Refreshes completed since virt_new (tests, --dump). */
unsigned virt_refresh_count(const struct virt *v, int64_t host_id);

/* Run op on the VM (by UUID) in a job.  done may be NULL.  Returns 0 when
 * queued, -1 (err_set) when the VM or its host is unknown or not Up. */
int virt_vm_op(struct virt *v, const char *uuid, enum vm_op op,
               virt_done_fn done, void *opaque);

struct vm_spec;
struct vm_edit;

/* Create a VM on the host per spec (checked by the caller) in a job; on
 * failure everything the job made is removed.  The spec is copied.
 * Returns 0 when queued, -1 (err_set) when the host is not connected. */
int virt_vm_create(struct virt *v, int64_t host_id, const char *host_name,
                   const struct vm_spec *spec, virt_done_fn done,
                   void *opaque);
/* Change a VM's CPU, memory, boot order or console (only when it is off)
 * or its HA flag (any time). */
int virt_vm_edit(struct virt *v, int64_t host_id, const char *uuid,
                 const char *vm_name, const struct vm_edit *e,
                 virt_done_fn done, void *opaque);
/* Undefine a VM that is off, and with delete_disks its disk volumes. */
int virt_vm_delete(struct virt *v, int64_t host_id, const char *uuid,
                   const char *vm_name, bool delete_disks, virt_done_fn done,
                   void *opaque);

struct migrate_opts;

/* Define xml on the host and start it (an HA restart).  The result goes
 * to done only: the caller reports it. */
int virt_vm_define_start(struct virt *v, int64_t host_id,
                         const char *host_name, const char *vm_name,
                         const char *xml, virt_done_fn done, void *opaque);
/* Run op on the copy of the VM (by UUID) that host_id has: when two hosts
 * know the same UUID (a stale definition after an HA restart). */
int virt_vm_op_on(struct virt *v, int64_t host_id, const char *uuid,
                  enum vm_op op, virt_done_fn done, void *opaque);

/* Live-migrate the VM to the host dst_host_id (peer to peer, the
 * destination's URI as registered), reporting progress into the task
 * task_id at least once a second; cancelling the task aborts the job and
 * the VM stays on the source.  0 when started, -1 (err_set). */
int virt_vm_migrate(struct virt *v, const char *uuid, int64_t dst_host_id,
                    const struct migrate_opts *o, int64_t task_id,
                    virt_done_fn done, void *opaque);

/* ---- libvirt secrets (virt_secret.c) ---- */

/* The result of virt_secret_set(): ok, message (a translated phrase
 * saying what failed, naming the host; NULL when ok) and whether the job
 * defined the secret (false: it was there and only got the new value). */
typedef void (*virt_secret_fn)(void *opaque, int ok, const char *message,
                               bool created);

/* In a job on the host: look up the libvirt secret of usage type iscsi
 * named usage; define it (persistent, private, with description) when
 * absent; set its value to value.  value is copied for the job, never
 * logged, and zeroed when the job ends.  Returns 0 when queued (done will
 * run on the main thread), -1 (err_set) when the host is not connected. */
int virt_secret_set(struct virt *v, int64_t host_id, const char *host_name,
                    const char *usage, const char *description,
                    const char *value, virt_secret_fn done, void *opaque);
/* In a job on the host: undefine the iscsi secret named usage (absent is
 * fine).  0 when queued, -1 (err_set). */
int virt_secret_remove(struct virt *v, int64_t host_id, const char *host_name,
                       const char *usage, virt_done_fn done, void *opaque);

/* Connects, refreshes and operations in flight. */
unsigned virt_busy(const struct virt *v);
/* True when no host is Connecting and no connect job runs. */
bool virt_settled(const struct virt *v);

#endif
