/* engine.h: virtdeck's engine, what the front end and the CLI drive.
 *
 * It ties the store (inventory, audit log), the model, the libvirt backend
 * and the configuration together: every inventory change goes to the store
 * first, then the model, then the audit log; every VM operation runs as a
 * job and its result becomes an audit entry.  Main thread only. */
#ifndef VD_ENGINE_H
#define VD_ENGINE_H
#include <stdbool.h>
#include "conf.h"
#include "model.h"
#include "sd_nfs.h"
#include "virt.h"

struct migrate_opts;

struct engine;

enum {
    ENGINE_DEMO = 1u << 0,      /* use the demo data center */
    ENGINE_WRITE = 1u << 1,     /* inventory changes: create the database,
                                 * never fall back to the demo */
    ENGINE_READONLY = 1u << 2,  /* an observer: the database and every
                                 * libvirt connection are opened read-only,
                                 * every change is refused up front and no
                                 * HA restart or evacuation runs */
};

/* Open the inventory: the demo with ENGINE_DEMO, or when the database does
 * not exist yet or is empty and ENGINE_WRITE is not given.  cfg is
 * borrowed and must outlive the engine; db_path may be NULL (then the
 * configuration's, then the default).  Returns NULL with err_set(). */
struct engine *engine_open(const struct config *cfg, const char *db_path,
                           unsigned flags);
void engine_free(struct engine **e);

/* Connect every host and start the refresh timer (loop_init and jobs_init
 * first). */
int engine_start(struct engine *e);

struct model *engine_model(struct engine *e);
struct virt *engine_virt(struct engine *e);
bool engine_is_demo(const struct engine *e);
/* True for an observer (ENGINE_READONLY). */
bool engine_is_readonly(const struct engine *e);
/* 0 when the engine may change things; for an observer, -1 with err_set()
 * ("read-only: ...") and the refusal in the events.  Every entry point
 * below that changes something calls it first; callers that change things
 * outside the engine (a console, an NFS upload) call it themselves.
 * action is the audit action name ("vm-start", "iso-upload"). */
int engine_check_write(struct engine *e, const char *object,
                       const char *action);
/* Path of the database in use ("" for the demo's memory).  Borrowed. */
const char *engine_db_path(const struct engine *e);
/* Jobs of this engine in flight (connects, refreshes, operations). */
unsigned engine_busy(const struct engine *e);
/* True when some Up host reports counters (CPU time) from which rates
 * are computed, i.e. a second sample is worth taking. */
bool engine_has_counters(const struct engine *e);
/* Completed refreshes summed over hosts, and the hosts Up now. */
unsigned engine_refreshes(const struct engine *e);
unsigned engine_up_hosts(const struct engine *e);
/* True once every host has answered or failed and been refreshed once. */
bool engine_settled(const struct engine *e);

/* Inventory; each returns 0, or -1 with err_set(), and is audited. */
int engine_dc_add(struct engine *e, const char *name, const char *description);
int engine_dc_edit(struct engine *e, const char *name, const char *new_name,
                   const char *description);
int engine_dc_remove(struct engine *e, const char *name);
int engine_cluster_add(struct engine *e, const char *name, const char *dc,
                       const char *description);
int engine_cluster_edit(struct engine *e, const char *name,
                        const char *new_name, const char *dc,
                        const char *description);
int engine_cluster_remove(struct engine *e, const char *name);
/* A cluster's live-migration defaults (used when a migration or an
 * evacuation gives none). */
int engine_cluster_set_migration(struct engine *e, const char *name,
                                 const struct migrate_opts *o);
int engine_host_add(struct engine *e, const char *name, const char *uri,
                    const char *cluster);
int engine_host_edit(struct engine *e, const char *name, const char *new_name,
                     const char *uri, const char *cluster);
/* Refused while the host runs VMs. */
int engine_host_remove(struct engine *e, const char *name);

/* Run op on the VM named (or with that UUID).  done gets the result.
 * Returns 0 when queued, -1 (err_set) otherwise. */
int engine_vm_op(struct engine *e, const char *vm, enum vm_op op,
                 virt_done_fn done, void *opaque);

struct vm_spec;
struct vm_edit;

/* Create a VM: checks everything before anything is made (name safe and
 * unique in the data center, cluster, host Up with enough vCPUs and
 * memory, sizes), picks the least-loaded Up host of the cluster with
 * room when spec->host is NULL, then runs the backend job.  0 when
 * queued, -1 (err_set, audited) otherwise. */
int engine_vm_create(struct engine *e, const struct vm_spec *spec,
                     virt_done_fn done, void *opaque);
/* Free memory of a host in KiB: what it reports, else its total less the
 * maximum memory of the VMs running there. */
uint64_t engine_host_free_kib(const struct host *h);
/* The host engine_vm_create would choose, or NULL (err_set). */
struct host *engine_pick_host(struct engine *e, const char *cluster,
                              uint64_t mem_mib, unsigned vcpus);
int engine_vm_edit(struct engine *e, const char *vm, const struct vm_edit *ed,
                   virt_done_fn done, void *opaque);
int engine_vm_delete(struct engine *e, const char *vm, bool delete_disks,
                     virt_done_fn done, void *opaque);

struct migrate_opts;

/* Live-migrate a running VM to dst (a host name of its cluster), or to
 * the least-loaded Up host of its cluster with room when dst is NULL.
 * o NULL: the cluster's defaults.  A
 * task follows it (*task_id).  0 when started, -1 (err_set, audited). */
int engine_vm_migrate(struct engine *e, const char *vm, const char *dst,
                      const struct migrate_opts *o, virt_done_fn done,
                      void *opaque, int64_t *task_id);
/* The host engine_vm_migrate would choose for vm, or NULL (err_set). */
struct host *engine_pick_migration_target(struct engine *e,
                                          const struct vm *vm);
/* Tasks are kept in the store (engine_tasks.c).  engine_task_begin saves
 * a task just made with model_task_new() and filled in (hosts, what it
 * may leave behind), before its work starts; engine_task_update saves it
 * again after such a change; its end is saved by itself. */
int engine_task_begin(struct engine *e, struct task *t);
void engine_task_update(struct engine *e, struct task *t);
/* Stored tasks, newest first, at most limit (0: all); fn owns each. */
int engine_tasks_list(struct engine *e, unsigned limit,
                      void (*fn)(struct task *t, void *opaque), void *opaque);
/* *busy: a living virtdeck runs a task that may leave item behind. */
int engine_task_busy(struct engine *e, const char *item, bool *busy);
/* Interrupted tasks' leftover item was dealt with (how: a sentence). */
void engine_task_resolve(struct engine *e, const char *object,
                         const char *item, const char *how);

/* Ask a running task to stop (a migration is aborted).  0 or -1. */
int engine_task_cancel(struct engine *e, int64_t task_id);

/* Maintenance: move the host's VMs away (at most two at a time, biggest
 * first), then Maintenance.  Refused up front when a VM cannot move.
 * done gets the outcome.  0 when started, -1 (err_set, audited). */
int engine_host_maintenance(struct engine *e, const char *host,
                            virt_done_fn done, void *opaque);
int engine_host_activate(struct engine *e, const char *host);
/* The operator's word that a NonResponsive host was rebooted or powered
 * off: its VMs are down, its HA VMs restart elsewhere. */
int engine_host_confirm_rebooted(struct engine *e, const char *host);

/* Storage domains in data centers (oVirt's rules; see engine_storage.c).
 * Each returns 0, or -1 with err_set() (audited). */
int engine_sd_attach(struct engine *e, const char *sd, const char *dc);
int engine_sd_detach(struct engine *e, const char *sd, const char *dc);
int engine_sd_activate(struct engine *e, const char *sd, const char *dc);
int engine_sd_maintenance(struct engine *e, const char *sd, const char *dc);
int engine_sd_remove(struct engine *e, const char *sd);
/* Record a domain the backend has checked (NFS: reachable, writable,
 * 36:36; iSCSI: its LUNs answered).  luns, chap_user: iSCSI, may be NULL. */
int engine_sd_add(struct engine *e, const char *name, enum sd_role role,
                  enum sd_backend backend, const char *address,
                  const char *path, const char *luns, const char *chap_user);
void engine_sd_set_space(struct engine *e, const char *name, uint64_t total,
                         uint64_t avail);
/* The ISO domain called name (an NFS domain with role iso), or NULL with
 * err_set() saying why not. */
struct sd *engine_iso_domain(struct engine *e, const char *name);
/* Upload local_file to the images/ folder of the ISO domain sd as
 * remote_name (NULL: the file's base name), as engine-iso-uploader did
 * (see sd_nfs_upload(): refuses an existing name unless force, 0640,
 * 36:36).  A task (TASK_ISO_UPLOAD, *task_id) follows it with its
 * progress; engine_task_cancel() stops it.  The outcome is audited
 * ("iso-upload" on the domain) and the task ended before done(opaque,
 * ok, message) runs, on the main thread; progress may be NULL.  Returns
 * 0 when started, or -1 with err_set() (audited when the domain exists). */
int engine_iso_upload(struct engine *e, const char *sd,
                      const char *local_file, const char *remote_name,
                      bool force, sd_nfs_progress_fn progress,
                      sd_nfs_done_fn done, void *opaque, int64_t *task_id);
/* ISO uploads still running. */
unsigned engine_uploads(const struct engine *e);
/* 0..10 (highest wins the SPM election), -1 never SPM. */
int engine_host_set_spm_priority(struct engine *e, const char *host, int prio);
/* The SPM of the data center, or NULL (err_set: why there is none). */
struct host *engine_spm_of(struct engine *e, int64_t dc_id, bool *dc_ok);

/* Record an audit entry (store and model).  ok: 1, 0 failed, -1 info. */
/* Watch the attached storage domains from now on (their space, ISO
 * lists, reachability: every 30 s and now), for long-lived front ends. */
void engine_sd_monitor_start(struct engine *e);
/* Refresh the storage domains now (e.g. after an upload). */
void engine_sd_refresh(struct engine *e);
/* "DOMAIN/FILE" for each image of the ISO domains active in the data
 * center, from the last refresh; owned strings appended to out. */
struct vec;
void engine_iso_images(struct engine *e, int64_t dc_id, struct vec *out);

void engine_audit(struct engine *e, const char *object, const char *action,
                  int ok, const char *message);
/* Who acts: the unix user, and the SSH client address when there is one.
 * Borrowed, valid while e lives. */
const char *engine_user(const struct engine *e);

#endif
