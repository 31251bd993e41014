/* engine_priv.h: what the engine's modules (engine*.c) share.  Not for the
 * front end or the CLI: they use engine.h. */
#ifndef VD_ENGINE_PRIV_H
#define VD_ENGINE_PRIV_H
#include "engine.h"
#include "util/vec.h"

struct store;

struct engine {
    const struct config *cfg;
    struct store *store;
    struct model *m;
    struct virt *virt;
    bool demo;
    bool readonly;              /* an observer: refuses every change */
    bool started;
    int refresh_timer;
    char *user;
    struct vec evacs;           /* struct evac *: hosts going to maintenance */
    struct vec restarts;        /* struct ha_restart *: HA VMs to restart */
    int ha_timer;               /* re-checks failed hosts */
    int sd_timer;               /* refreshes storage domains, or -1 */
    struct vec sd_polls;        /* struct sd_poll *: refreshes under way */
    struct vec uploads;         /* struct upload *: ISO uploads running */
};

/* Audit a refusal with the message err_set() holds; returns -1. */
int engine_refuse(struct engine *e, const char *object, const char *action);
/* Free memory of a host in KiB (reported, else total less running VMs). */
uint64_t host_free_kib(const struct host *h);
unsigned host_running(const struct host *h);
bool host_fits(const struct host *h, const struct vm *vm);
/* The VM by UUID or name; refuses (audited) when absent or ambiguous. */
struct vm *engine_find_vm(struct engine *e, const char *name,
                          const char *action);

/* engine_storage.c: elect SPMs and set data center states again. */
void engine_spm_update(struct engine *e);

/* engine_disks.c: create the VM on h, its disk or ISO on the data
 * center's storage domains when spec names them (DOMAIN/FILE ISOs,
 * disk_domain), else as it is; a disk file it makes is recorded on the
 * task task_id (0: none) as what may be left behind.  0 (done() will run)
 * or -1 (err_set). */
struct vm_spec;
int engine_vm_create_placed(struct engine *e, int64_t dc_id, struct host *h,
                            const struct vm_spec *spec, int64_t task_id,
                            virt_done_fn done, void *opaque);

/* engine_disks.c: delete the VM; with delete_disks, also its disk file on
 * an NFS data domain (for the SPM; refused without one).  0 or -1. */
int engine_vm_delete_placed(struct engine *e, const struct vm *vm,
                            struct host *h, bool delete_disks,
                            virt_done_fn done, void *opaque);

/* engine_disks.c: the storage domains' space and ISO lists. */
void engine_sd_monitor_stop(struct engine *e);
/* engine_tasks.c: at start-up, tasks of dead processes become
 * interrupted and recent ones are shown; on the tick, progress is saved. */
void engine_tasks_open(struct engine *e, bool writable);
void engine_tasks_sync(struct engine *e);
/* engine_storage.c: ISO uploads.  Cancel the one task_id follows; cancel
 * them all and wait for their ends (engine_free). */
void engine_upload_cancel(struct engine *e, int64_t task_id);
void engine_uploads_stop(struct engine *e);

/* engine_ha.c: maintenance and HA, wired to the backend's host hook. */
void engine_ha_start(struct engine *e);
void engine_ha_stop(struct engine *e);
void engine_ha_host_changed(void *opaque, int64_t host_id,
                            enum host_state old, enum host_state now);

#endif
