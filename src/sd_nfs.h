/* sd_nfs.h: NFS storage domains through libnfs: check an export, upload a
 * file into it, list a folder, and name a file for QEMU.
 *
 * Every operation runs in the main loop with libnfs's asynchronous API:
 * the operation's socket is watched with loop_add_fd(), nfs_service() runs
 * when it is ready and from a 100 ms timer that also enforces the timeout.
 * That is what lets an upload keep several WRITEs in flight on one
 * connection (the sync API waits for each reply in turn), report progress
 * and be cancelled at once, all without locks and without a thread per
 * upload.  What can still block runs as a job (jobs.h): resolving a host
 * name and reading the local file.  The module never blocks the main
 * thread and never talks to the UI.
 *
 * Servers are spelled HOST, HOST:NFSPORT or HOST:NFSPORT:MOUNTPORT (an IPv6
 * address in brackets); without ports the server's rpcbind is asked.
 * Exports are absolute paths such as /exports/iso.  Only NFSv3 is spoken,
 * as vdsm:kvm (uid 36, gid 36), with auto-reconnect off: a server that
 * goes away fails the operation instead of hanging it.
 *
 * Layout (oVirt-like): ISO files live in EXPORT/images, data-domain disks
 * in EXPORT/disks; both folders belong to 36:36, mode 0750.
 *
 * Calling convention, for all operations:
 *  - Arguments are checked first; on a bad argument the function returns
 *    NULL with err_set() and the callbacks never run.
 *  - Otherwise it returns a handle and the done callback runs exactly once,
 *    later, on the main thread (never from inside the call), after any
 *    clean-up on the server has finished.  The handle is freed when done()
 *    returns: do not use it after that.
 *  - Messages passed to callbacks are translated sentences that name the
 *    object and say what to change; they are borrowed for the call only.
 *  - loop_init() and jobs_init() must have run.
 */
#ifndef VD_SD_NFS_H
#define VD_SD_NFS_H
#include <stddef.h>
#include <stdint.h>

#define SD_NFS_UID 36           /* vdsm */
#define SD_NFS_GID 36           /* kvm */
#define SD_NFS_DIR_ISO "images"
#define SD_NFS_DIR_DISKS "disks"
#define SD_NFS_TIMEOUT_DEFAULT 10       /* seconds without an answer */
#define SD_NFS_INFLIGHT_DEFAULT 8       /* WRITEs in flight */
#define SD_NFS_BLOCK_DEFAULT (256 * 1024)

struct sd_nfs_op;

/* What sd_nfs_check() found.  Strings are borrowed for the callback. */
struct sd_nfs_info {
    const char *server;
    const char *export;
    uint64_t total_bytes;       /* size of the file system */
    uint64_t free_bytes;        /* available to vdsm (f_bavail) */
    unsigned uid, gid, mode;    /* of the export's root */
    uint64_t write_max;         /* largest WRITE the server takes */
    int created_iso_dir;        /* images/ was made by this check */
    int created_disks_dir;      /* disks/ was made by this check */
};

/* info is NULL on failure, and message says why; on success message is
 * NULL. */
typedef void (*sd_nfs_check_fn)(void *opaque, const struct sd_nfs_info *info,
                                const char *message);

/* Check that SERVER exports EXPORT over NFSv3, that it answers within
 * TIMEOUT_S seconds (<= 0: SD_NFS_TIMEOUT_DEFAULT), that its root belongs
 * to 36:36 and that vdsm can write there (a hidden probe file is created,
 * written and removed), and read its size.  Creates images/ and disks/
 * (36:36, 0750) when they are missing; refuses them when they are not
 * folders owned by 36:36.  This is what "add storage domain" runs. */
struct sd_nfs_op *sd_nfs_check(const char *server, const char *export,
                               int timeout_s, sd_nfs_check_fn done,
                               void *opaque);

/* Only the size and free space of the export (a statvfs), e.g. for a
 * periodic refresh: writes nothing.  info has total_bytes and free_bytes. */
struct sd_nfs_op *sd_nfs_space(const char *server, const char *export,
                               int timeout_s, sd_nfs_check_fn done,
                               void *opaque);

struct sd_nfs_upload_opts {
    int force;          /* replace an existing file of that name */
    int timeout_s;      /* <= 0: SD_NFS_TIMEOUT_DEFAULT */
    int inflight;       /* WRITEs in flight; <= 0: SD_NFS_INFLIGHT_DEFAULT */
    size_t block;       /* bytes per WRITE; 0: SD_NFS_BLOCK_DEFAULT */
};

/* done_bytes counts bytes written and zero blocks skipped, so it reaches
 * total_bytes; mib_per_s is the recent rate in MiB/s (0 until known) and
 * eta_s the seconds left (-1 until known).  Called from the main loop
 * about four times a second and once at 100%. */
typedef void (*sd_nfs_progress_fn)(void *opaque, uint64_t done_bytes,
                                   uint64_t total_bytes, double mib_per_s,
                                   double eta_s);
/* ok is 1 on success; message always describes the outcome. */
typedef void (*sd_nfs_done_fn)(void *opaque, int ok, const char *message);

/* Upload LOCAL_FILE as DIR/REMOTE_NAME on the export (DIR is a folder
 * under the export such as SD_NFS_DIR_ISO; "" or NULL for its root), as
 * engine-iso-uploader did: refuse when the free space is short or when
 * the name exists (unless opts->force), write to ".REMOTE_NAME.part"
 * with several WRITEs in flight, seek over all-zero blocks so the copy
 * stays sparse, set the final size, fsync, chmod 0640, chown 36:36, then
 * rename into place (replacing an old file atomically).  REMOTE_NAME must
 * pass valid_file_name().  On failure or cancel no file appears under the
 * final name and the temporary file is removed (over a new connection if
 * the old one broke; the message says when that failed too).  A stale
 * temporary file left by a crash is replaced by the next upload of that
 * name: the caller keeps to one upload per name at a time.  opts may be
 * NULL; progress may be NULL. */
struct sd_nfs_op *sd_nfs_upload(const char *server, const char *export,
                                const char *dir, const char *local_file,
                                const char *remote_name,
                                const struct sd_nfs_upload_opts *opts,
                                sd_nfs_progress_fn progress,
                                sd_nfs_done_fn done, void *opaque);

/* One file of a listing; borrowed for the callback. */
struct sd_nfs_entry {
    const char *name;
    uint64_t size;      /* bytes (apparent size) */
    uint64_t used;      /* bytes allocated on the server */
    unsigned mode;      /* type and permission bits, as st_mode */
    unsigned uid, gid;
    int64_t mtime;      /* seconds since the epoch */
};

/* entries are sorted by name; hidden names (uploads in progress) are left
 * out.  On failure ok is 0, n is 0 and message says why. */
typedef void (*sd_nfs_list_fn)(void *opaque, int ok, const char *message,
                               const struct sd_nfs_entry *entries, size_t n);

/* List DIR ("" or NULL: the export's root). */
struct sd_nfs_op *sd_nfs_list(const char *server, const char *export,
                              const char *dir, int timeout_s,
                              sd_nfs_list_fn done, void *opaque);

/* Remove DIR/NAME ("" or NULL DIR: the export's root) from the export,
 * e.g. an ISO nobody needs.  NAME must pass valid_file_name(); a missing
 * file is an error.  done() gets ok 1 and a sentence, or ok 0 and why. */
struct sd_nfs_op *sd_nfs_remove(const char *server, const char *export,
                                const char *dir, const char *name,
                                int timeout_s, sd_nfs_done_fn done,
                                void *opaque);

/* Stop an operation: done() then runs with ok 0 and a "cancelled"
 * message, once the clean-up on the server is over.  Safe from progress
 * callbacks; a no-op when the operation is already ending. */
void sd_nfs_cancel(struct sd_nfs_op *op);
/* The same, under the name the upload dialog uses. */
void sd_nfs_upload_cancel(struct sd_nfs_op *op);
/* Cancel every operation (at exit; their done() still runs). */
void sd_nfs_cancel_all(void);
/* Operations whose done() has not run yet. */
unsigned sd_nfs_pending(void);

/* Create DIR/NAME on the export as a sparse file of SIZE bytes (a VM's
 * raw disk on a data domain): created exclusively (an existing file is
 * never replaced), sized, owned by 36:36, mode 0660.  On failure nothing
 * stays under NAME.  NAME must pass valid_file_name(). */
struct sd_nfs_op *sd_nfs_create(const char *server, const char *export,
                                const char *dir, const char *name,
                                uint64_t size, int timeout_s,
                                sd_nfs_done_fn done, void *opaque);

/* Checks for what an operator types when adding a domain; 0 or -1 with
 * err_set() and a sentence saying what to type. */
int sd_nfs_valid_server(const char *server);
int sd_nfs_valid_export(const char *export);

/* A file on the export as a QEMU network disk, for domain XML:
 *   <disk type='network'><source protocol='nfs' name='NAME'>
 *     <host name='HOST'/><identity user='+36' group='+36'/></source>
 * NAME has the leading slash QEMU needs (/EXPORT/DIR/FILE).  QEMU's NFS
 * driver has no port setting and reaches the server through rpcbind and
 * port 2049, so a server with explicit ports is refused (-1, err_set).
 * dir may be "" or NULL.  Free the strings with sd_nfs_source_clear(). */
struct sd_nfs_source {
    char *protocol;     /* "nfs" */
    char *host;
    char *name;
    unsigned uid, gid;  /* for <identity>: 36, 36 */
};
int sd_nfs_disk_source(const char *server, const char *export,
                       const char *dir, const char *file,
                       struct sd_nfs_source *out);
void sd_nfs_source_clear(struct sd_nfs_source *src);

/* The same file as a libnfs URL (nfs-cp, nfs-ls, qemu-img), with
 * nfsport= and mountport= when the server has them; file may be NULL for
 * the folder.  Owned by the caller; NULL with err_set() on bad input. */
char *sd_nfs_url(const char *server, const char *export, const char *dir,
                 const char *file);

#endif
