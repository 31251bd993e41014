/* model.h: the inventory and what runs, as plain C.
 *
 * Data centers > clusters > hosts > VMs, plus storage domains and the audit
 * log.  Inventory objects (dc, cluster, host, storage domain) come from the
 * store; VMs come from libvirt through the backend.  The model never includes
 * libvirt, curses or SQLite.  Only the main thread touches it.  Every change
 * sets bits in model->events so screens know what to repaint; the UI keeps
 * ids (numeric ids, VM UUIDs) across loop passes, never pointers. */
#ifndef VD_MODEL_H
#define VD_MODEL_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "util/hmap.h"
#include "util/vec.h"
#include "migrate.h"

/* What changed since the UI last looked (model->events). */
enum {
    MODEL_EV_INVENTORY = 1u << 0,   /* dcs, clusters, hosts, domains added/removed */
    MODEL_EV_HOST_STATE = 1u << 1,  /* a host's state or reason */
    MODEL_EV_VM_LIST = 1u << 2,     /* VMs appeared, vanished or moved */
    MODEL_EV_VM_STATE = 1u << 3,    /* a VM's state */
    MODEL_EV_STATS = 1u << 4,       /* numbers refreshed */
    MODEL_EV_AUDIT = 1u << 5,       /* new audit events */
    MODEL_EV_TASKS = 1u << 6,       /* tasks started, progressed or ended */
};

enum host_state {
    HOST_CONNECTING,
    HOST_UP,
    HOST_NONRESPONSIVE,
    HOST_MAINTENANCE,
    HOST_PREPARING_MAINTENANCE,     /* its VMs are being migrated away */
};
#define HOST_STATE_LAST HOST_PREPARING_MAINTENANCE

enum vm_state {
    VM_UNKNOWN,
    VM_RUNNING,
    VM_BLOCKED,
    VM_PAUSED,
    VM_SHUTTING_DOWN,
    VM_SHUTOFF,
    VM_CRASHED,
    VM_PMSUSPENDED,
};

enum sd_role { SD_DATA, SD_ISO, SD_EXPORT };
enum sd_backend { SD_NFS, SD_ISCSI };

/* Which of a VM's or host's numbers are known.  The test driver, for one,
 * reports state only: everything else stays unknown and is shown as such,
 * never invented. */
enum {
    STAT_CPU = 1u << 0,
    STAT_MEM = 1u << 1,
    STAT_DISK = 1u << 2,
    STAT_NET = 1u << 3,
    STAT_VCPU = 1u << 4,
    STAT_RATES = 1u << 5,   /* cpu_pct and byte rates: needs two samples */
};

enum dc_status {
    DC_UNINITIALIZED,       /* no active data domain */
    DC_UP,                  /* an active data domain and an SPM */
    DC_NONRESPONSIVE,       /* an active data domain, but no host can be SPM */
};

struct dc {
    int64_t id;
    char *name;
    char *description;
    enum dc_status status;      /* computed by the engine */
    int64_t spm_host;           /* storage pool manager, 0: none */
};

struct cluster {
    int64_t id;
    int64_t dc_id;
    char *name;
    char *description;
    struct migrate_opts mig;    /* live-migration defaults */
};

struct vm {
    /* grouped by size, so no padding: 248 bytes, a 256-byte chunk */
    char uuid[37];
    bool persistent;
    bool ha;                    /* from the domain's virtdeck metadata */
    bool have_config;           /* XML fetched and parsed */
    bool local_disks;           /* disks a live migration would have to copy */
    bool gfx_password;          /* a console password is set */
    enum vm_state state;
    int state_reason;
    unsigned vcpus;             /* configuration (from the domain XML) */
    int gfx_port;               /* -1 when not assigned */
    unsigned known;             /* live numbers, valid per these bits */
    unsigned vcpus_cur;
    unsigned seen_tick;         /* last refresh that reported it */
    char *name;
    int64_t host_id;
    char *ha_xml;               /* HA VMs: the inactive definition, to
                                 * restart it elsewhere when its host fails */
    uint64_t mem_max_kib;
    /* os_type, graphics and gfx_listen come from model_intern(): one
     * copy of "hvm" for every VM, never freed */
    const char *os_type;
    const char *graphics;       /* "spice", "vnc" or NULL */
    const char *gfx_listen;     /* graphics listen address, may be NULL */
    char *devices;              /* one-line device summaries, each ending
                                 * in '\0', then an empty one; or NULL:
                                 * walk with vm_device_next() */
    uint64_t mem_cur_kib;       /* balloon.current */
    uint64_t mem_rss_kib;       /* balloon.rss, when the host gives it */
    double cpu_pct;             /* of one vCPU x vcpus: 100% per vCPU busy */
    double rd_bps, wr_bps;      /* disk bytes per second */
    double rx_bps, tx_bps;      /* network bytes per second */
    /* raw counters of the previous sample, for rates */
    uint64_t prev_cpu_ns, prev_rd, prev_wr, prev_rx, prev_tx;
    double prev_t;              /* monotonic seconds of the previous sample */
    time_t started;             /* when seen entering RUNNING, 0 unknown */
};

struct host {
    int64_t id;
    int64_t cluster_id;
    char *name;
    char *uri;
    enum host_state state;
    char *reason;               /* why NonResponsive / Maintenance; may be NULL */
    bool maintenance;           /* operator's choice, persisted */
    int spm_priority;           /* 0..10, -1: never SPM; persisted */
    /* node info */
    unsigned known;             /* STAT_CPU, STAT_MEM */
    unsigned cpus;
    unsigned mhz;
    char *cpu_model;
    uint64_t mem_total_kib;
    uint64_t mem_free_kib;      /* valid with STAT_MEM */
    double cpu_pct;             /* valid with STAT_CPU | STAT_RATES */
    uint64_t prev_cpu_busy, prev_cpu_total;
    /* cpu history for sparklines, percent, newest at hist[(hist_pos-1)%N] */
#define HOST_HIST 120
    float hist[HOST_HIST];
    unsigned hist_len, hist_pos;
    /* VMs on this host: by UUID, and in a vector for ordered iteration */
    struct hmap vm_by_uuid;
    struct vec vms;             /* struct vm *, owned */
    unsigned tick;              /* refresh counter */
    time_t since;               /* when the state last changed */
    time_t lost;                /* when an Up connection was lost, 0 */
    bool fenced;                /* evidence that nothing runs there any more */
};

/* A storage domain's attachment to a data center.  dc_id comes first:
 * code that only needs the id reads *(int64_t *)item. */
struct sd_att {
    int64_t dc_id;
    bool active;                /* Active, else Maintenance */
};

struct sd {
    int64_t id;
    char *name;
    enum sd_role role;
    enum sd_backend backend;
    char *address;              /* NFS server or iSCSI portal */
    char *path;                 /* NFS export or iSCSI target IQN */
    char *luns;                 /* iSCSI: the LUNs it uses, "0,1"; or NULL */
    char *chap_user;            /* iSCSI CHAP user (the secret is never here) */
    struct vec dc_ids;          /* struct sd_att *, owned */
    bool have_space;
    uint64_t total_bytes, free_bytes;
    char *problem;              /* last check's failure, or NULL */
    struct vec isos;            /* char *: ISO domains' images/ files, from
                                 * the last refresh */
};

struct audit {
    int64_t id;
    time_t time;
    char *user;
    char *object;
    char *action;
    char *result;               /* "ok", "failed", "info" */
    char *message;
};

enum task_kind {
    TASK_MIGRATE,
    TASK_EVACUATE,
    TASK_HA_RESTART,
    TASK_VM_CREATE,
    TASK_ISO_UPLOAD,
};
#define TASK_KIND_LAST TASK_ISO_UPLOAD
enum task_state {
    TASK_RUNNING,
    TASK_DONE,
    TASK_FAILED,
    TASK_CANCELLED,
    TASK_INTERRUPTED,       /* virtdeck stopped while it ran */
};

/* A long operation the operator watches: a migration with its progress,
 * a host evacuation, an HA restart, an ISO upload. */
struct task {
    int64_t id;
    enum task_kind kind;
    enum task_state state;
    char vm_uuid[37];           /* "" for host tasks */
    char *object;               /* VM or host name; an upload's file */
    char *where;                /* uploads: the storage domain, else NULL */
    int64_t src_host, dst_host; /* 0 when none */
    time_t started, ended;
    /* progress: valid when have_progress */
    bool have_progress;
    double percent;
    uint64_t data_total, data_processed, data_remaining;
    uint64_t mem_bps;           /* bytes per second */
    unsigned iteration;
    uint64_t downtime_ms;       /* expected downtime */
    bool cancel_requested;
    char *message;              /* last word: result or error */
    /* persistence (the engine keeps tasks in the store) */
    int64_t db_id;              /* row in the store, 0: not stored */
    char *src_name, *dst_name;  /* host names as stored; may be NULL */
    struct vec left;            /* char *: what may be left behind if the
                                 * process dies, "TYPE\tA\tB" (task_left_*) */
    int owner_pid;              /* the process that ran it */
    bool foreign;               /* run by another, still living process */
    bool just_interrupted;      /* found interrupted by this start */
    char *resolved;             /* interrupted: what became of the leftovers */
    double saved_percent;       /* progress last written to the store */
};

struct model {
    /* Called when a task ends (model_task_end), for the store; may be NULL. */
    void (*task_hook)(void *opaque, struct task *t);
    void *task_hook_opaque;
    struct vec tasks;           /* struct task *, oldest first, bounded */
    struct vec dcs;             /* struct dc *, owned, ordered by name */
    struct vec clusters;        /* struct cluster * */
    struct vec hosts;           /* struct host * */
    struct vec sds;             /* struct sd * */
    struct vec audit;           /* struct audit *, newest last, bounded */
    unsigned events;            /* MODEL_EV_* since last model_take_events() */
};

struct model *model_new(void);
void model_free(struct model **m);

/* Take and clear the change bits. */
unsigned model_take_events(struct model *m);

/* Inventory objects: the model takes copies of the strings. */
struct dc *model_dc_add(struct model *m, int64_t id, const char *name,
                        const char *description);
struct cluster *model_cluster_add(struct model *m, int64_t id, int64_t dc_id,
                                  const char *name, const char *description);
struct host *model_host_add(struct model *m, int64_t id, int64_t cluster_id,
                            const char *name, const char *uri);
struct sd *model_sd_add(struct model *m, int64_t id, const char *name,
                        enum sd_role role, enum sd_backend backend,
                        const char *address, const char *path);
void model_sd_attach(struct sd *sd, int64_t dc_id);
/* The attachment of sd to dc_id, or NULL. */
struct sd_att *model_sd_att(const struct sd *sd, int64_t dc_id);
const char *dc_status_name(enum dc_status st);      /* "Up" ... */
const char *dc_status_label(enum dc_status st);     /* translated */
/* Remove and free; returns 0, or -1 when there is no such id. */
int model_dc_remove(struct model *m, int64_t id);
int model_cluster_remove(struct model *m, int64_t id);
int model_host_remove(struct model *m, int64_t id);

/* Lookups: borrowed pointers, valid until the object is removed. */
struct dc *model_dc_by_id(const struct model *m, int64_t id);
struct dc *model_dc_by_name(const struct model *m, const char *name);
struct cluster *model_cluster_by_id(const struct model *m, int64_t id);
struct cluster *model_cluster_by_name(const struct model *m, const char *name);
struct host *model_host_by_id(const struct model *m, int64_t id);
struct host *model_host_by_name(const struct model *m, const char *name);
struct sd *model_sd_by_name(const struct model *m, const char *name);
struct sd *model_sd_by_id(const struct model *m, int64_t id);
/* A VM anywhere in the fleet, by UUID or by name.  By name, *ambiguous is
 * set when two hosts have a VM of that name (the first is returned). */
struct vm *model_vm_by_uuid(const struct model *m, const char *uuid);
struct vm *model_vm_by_name(const struct model *m, const char *name,
                            bool *ambiguous);

/* Host state: sets reason (copied, may be NULL) and the event bit. */
void model_host_set_state(struct model *m, struct host *h,
                          enum host_state st, const char *reason);

/* VMs of a host.  model_vm_get creates an empty VM when absent and sets
 * *created. */
struct vm *model_vm_get(struct model *m, struct host *h, const char *uuid,
                        const char *name, bool *created);
/* The same, looking first at h->vms.items[pos]: a host's stats list its
 * VMs in the order they were added, so the hash is rarely needed. */
struct vm *model_vm_get_at(struct model *m, struct host *h, size_t pos,
                           const char *uuid, const char *name);
struct vm *model_host_vm(const struct host *h, const char *uuid);
void model_vm_remove(struct model *m, struct host *h, const char *uuid);
/* Drop every VM of h (host lost: libvirt is the source of truth). */
void model_host_clear_vms(struct model *m, struct host *h);
void model_vm_set_state(struct model *m, struct vm *vm, enum vm_state st,
                        int reason);
/* The device line after prev (NULL: the first), or NULL after the last. */
const char *vm_device_next(const struct vm *vm, const char *prev);
/* Set vm->devices from a NULL-terminated list (may be NULL). */
void model_vm_set_devices(struct vm *vm, char *const *list);
/* A shared copy of s (NULL stays NULL) for the few values many VMs have in
 * common (OS type, graphics type and listen address); kept until exit. */
const char *model_intern(const char *s);

/* Audit entries kept in memory (the store keeps them all). */
#define MODEL_AUDIT_MAX 1000
void model_audit_push(struct model *m, const struct audit *a);
void audit_free(struct audit *a);

/* Tasks.  model_task_new returns a RUNNING task with a fresh id; ended
 * ones beyond MODEL_TASKS_MAX are dropped, oldest first. */
#define MODEL_TASKS_MAX 200
struct task *model_task_new(struct model *m, enum task_kind kind,
                            const char *object);
struct task *model_task_by_id(const struct model *m, int64_t id);
void model_task_end(struct model *m, struct task *t, enum task_state st,
                    const char *message);
unsigned model_tasks_running(const struct model *m);
const char *task_state_name(enum task_state st);
const char *task_kind_name(enum task_kind k);
/* Stable names for the store and JSON: "migrate", "vm-create"... and
 * "running", "interrupted"...; parse returns 0 or -1. */
const char *task_kind_key(enum task_kind k);
int task_kind_parse(const char *s, enum task_kind *out);
int task_state_parse(const char *s, enum task_state *out);
/* What a task may leave behind if virtdeck dies while it runs, one item
 * each: TASK_LEFT_DOMAIN (a: domain name, b: host), TASK_LEFT_VOLUME (a:
 * volume, b: host), TASK_LEFT_MIGRATION (a: VM, b: "SRC\tDST"),
 * TASK_LEFT_FILE (a: path on the export, b: "SERVER:EXPORT"),
 * TASK_LEFT_DISK (a VM disk made on a data domain: the same fields). */
#define TASK_LEFT_DOMAIN "domain"
#define TASK_LEFT_VOLUME "volume"
#define TASK_LEFT_MIGRATION "migration"
#define TASK_LEFT_FILE "file"
#define TASK_LEFT_DISK "disk"
void task_left_add(struct task *t, const char *type, const char *a,
                   const char *b);
/* The items as one text, "\n" between them (owned; "" when none), and back. */
char *task_left_join(const struct task *t);
void task_left_split(struct task *t, const char *text);
/* One item as a translated sentence saying what to check (owned). */
char *task_left_describe(const char *item);
/* A fresh task with a given id (the store loading old tasks); takes no
 * id from the counter.  Not added to any model. */
struct task *task_new_loaded(void);
void task_free(struct task *t);
/* Add a loaded task to the model with a fresh model id; the model owns it. */
void model_task_adopt(struct model *m, struct task *t);

/* Counts for the header. */
struct model_counts {
    unsigned dcs, hosts, hosts_up, vms, vms_running;
};
void model_count(const struct model *m, struct model_counts *c);

/* Names for display (translated) and for the CLI / JSON (stable, English). */
const char *host_state_name(enum host_state st);    /* "Up" ... */
const char *host_state_label(enum host_state st);   /* translated */
const char *vm_state_name(enum vm_state st);        /* "running" ... */
const char *vm_state_label(enum vm_state st);       /* translated */
const char *sd_role_name(enum sd_role r);           /* "data", "iso", "export" */
const char *sd_backend_name(enum sd_backend b);     /* "nfs", "iscsi" */
int sd_role_parse(const char *s, enum sd_role *out);
int sd_backend_parse(const char *s, enum sd_backend *out);

#endif
