/* sd_iscsi.h: the iSCSI storage backend: what a portal offers (SendTargets
 * discovery) and what a target's LUNs are (vendor, product, serial, device
 * id, size), asked with libiscsi from the console machine, plus the disk
 * source QEMU uses to open a LUN itself.
 *
 * How it runs: libiscsi's asynchronous API on the main event loop (loop.h),
 * one iSCSI context per operation, its socket watched with loop_add_fd()
 * and a timer that calls iscsi_service(ctx, 0) at least every 250 ms
 * (libiscsi checks its timeouts only there) and enforces our own deadline.
 * Not the synchronous API in jobs, because:
 *   - the deadline covers the whole operation, TCP connect included;
 *     libiscsi's own timeout counts only PDUs, in whole seconds, and a
 *     synchronous connect to a portal that drops SYNs waits for the kernel
 *     (two minutes);
 *   - a probe of a hung portal holds no worker thread, and sd_iscsi_cancel()
 *     stops it at once (a worker blocked in iscsi_*_sync cannot be stopped);
 *   - auto-reconnect is switched off (an operation against a target that
 *     stays down would never complete otherwise), and after a dropped
 *     session the context is simply destroyed: the sync API's
 *     iscsi_destroy_context() was seen to crash after a reconnect gave up.
 * Nothing here blocks: a portal must be an IP address (libiscsi would ask
 * the resolver for a name), and iscsi_service() only reads and writes a
 * non-blocking socket.  Main thread only; no model, no curses.
 *
 * Secrets: the CHAP secret is copied for the operation's lifetime, handed
 * to libiscsi (whose context is zeroed when destroyed), zeroed when freed,
 * and never logged or put in a message.  Messages are whole translated
 * sentences naming the portal and the target.
 *
 * For the engine and the CLI (`virtdeck storage add NAME --iscsi --portal P
 * --target IQN --lun N[,M] [--chap-user U]`): check a storage domain with
 * sd_iscsi_luns() (its LUNs must be there; their sizes add up to the
 * domain's total), offer targets with sd_iscsi_discover(), and give VMs
 * disks with sd_iscsi_add_disk_source(): QEMU opens iscsi:// itself, and
 * the CHAP secret reaches it through a libvirt secret of usage type iscsi
 * defined on each host (never in domain XML). */
#ifndef VD_SD_ISCSI_H
#define VD_SD_ISCSI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libxml/tree.h>

#define SD_ISCSI_PORT 3260
/* The initiator name the console logs in with, unless changed. */
#define SD_ISCSI_DEFAULT_INITIATOR "iqn.2024-01.org.virtdeck:console"

/* One-way CHAP: the target checks the initiator.  Borrowed by the calls
 * below only during the call. */
struct sd_iscsi_chap {
    const char *user;       /* NULL or "": no CHAP */
    const char *secret;
};

struct sd_iscsi_target {
    char *iqn;
    char **portals;         /* "IP:port" (the portal group tag dropped) */
    size_t n_portals;
};

/* A block device LUN (peripheral device type 0).  Other LUNs, such as
 * tgt's controller at LUN 0, are left out. */
struct sd_iscsi_lun {
    unsigned lun;
    char *vendor;           /* standard INQUIRY, blanks trimmed */
    char *product;
    char *revision;
    char *serial;           /* VPD 0x80, "" when the LUN has none */
    char *device_id;        /* VPD 0x83, the LUN's best designator:
                             * "naa.<hex>", "eui.<hex>", "t10.<text>"
                             * (blanks as '_') or an iSCSI name; "" */
    uint64_t size;          /* bytes */
    uint32_t block_size;    /* bytes */
};

/* Results are borrowed: valid only while the callback runs (copy what you
 * keep).  ok false: message is one translated sentence saying what failed
 * and what to check, and the array is empty.  ok true: message is NULL, or
 * a note on LUNs that were skipped because they did not answer. */
typedef void (*sd_iscsi_discover_fn)(void *opaque, bool ok,
                                     const char *message,
                                     const struct sd_iscsi_target *targets,
                                     size_t n);
typedef void (*sd_iscsi_luns_fn)(void *opaque, bool ok, const char *message,
                                 const struct sd_iscsi_lun *luns, size_t n);

struct sd_iscsi_op;

/* SendTargets discovery on portal ("IP", "IP:port", "[IPv6]:port"): a
 * discovery session, with CHAP when chap has a user.  timeout (seconds;
 * 0 or less: 10; at most 3600) bounds the whole operation, connect to
 * logout.  done runs later on the main thread, exactly once, unless the
 * operation is cancelled.  Returns the operation (owned by this module
 * until done returns or it is cancelled: never use it after that), or
 * NULL with err_set() when an argument is invalid; done is then never
 * called.  loop_init() first. */
struct sd_iscsi_op *sd_iscsi_discover(const char *portal,
                                      const struct sd_iscsi_chap *chap,
                                      double timeout,
                                      sd_iscsi_discover_fn done,
                                      void *opaque);

/* Log in to target (an IQN) at portal, with CHAP when chap has a user,
 * and describe its block LUNs: REPORT LUNS, then for each LUN the standard
 * INQUIRY, VPD pages 0x80 and 0x83 and READ CAPACITY(16) (READ CAPACITY(10)
 * when 16 is not supported); then log out.  A command answered with UNIT
 * ATTENTION (every LUN's first after a login, on tgt) is sent once more.
 * LUNs come sorted by number.  Same contract as sd_iscsi_discover(). */
struct sd_iscsi_op *sd_iscsi_luns(const char *portal, const char *target,
                                  const struct sd_iscsi_chap *chap,
                                  double timeout, sd_iscsi_luns_fn done,
                                  void *opaque);

/* Stop op now: its connection is closed and done is never called.  NULL,
 * or an operation whose done is running, is ignored. */
void sd_iscsi_cancel(struct sd_iscsi_op *op);
/* Cancel every operation (at exit). */
void sd_iscsi_cancel_all(void);
/* Operations whose done has not run yet. */
unsigned sd_iscsi_pending(void);

/* The initiator IQN for operations started from now on (NULL: the
 * default).  Returns 0, or -1 with err_set() when iqn is not an iSCSI
 * name.  sd_iscsi_initiator() is borrowed until the next change. */
int sd_iscsi_set_initiator(const char *iqn);
const char *sd_iscsi_initiator(void);

/* Split portal into an IP address (no brackets) and a port (3260 when
 * absent).  *host owned by the caller.  0, or -1 with err_set(). */
int sd_iscsi_parse_portal(const char *portal, char **host, int *port);
/* An iSCSI name: iqn.YYYY-MM.reversed.domain[:anything], eui.<16 hex> or
 * naa.<16 or 32 hex>; no blanks, no '/'. */
bool sd_iscsi_valid_name(const char *name);

/* A LUN as a VM disk. */
struct sd_iscsi_disk {
    const char *portal;
    const char *target;
    unsigned lun;
    const char *chap_user;      /* NULL: no CHAP */
    const char *secret_usage;   /* with chap_user: the usage name of the
                                 * libvirt secret (type iscsi) that holds
                                 * the CHAP secret on the host */
    const char *initiator;      /* NULL: QEMU's default initiator name */
};

/* Add the network disk's <source> element under disk (libxml2's tree,
 * the caller's <disk type='network' device='disk'>):
 *   <source protocol='iscsi' name='IQN/LUN'>
 *     <host name='IP' port='PORT'/>
 *     <auth username='USER'><secret type='iscsi' usage='USAGE'/></auth>
 *     <initiator><iqn name='INITIATOR'/></initiator>
 *   </source>
 * (auth and initiator only when given).  Returns the new node (owned by
 * disk), or NULL with err_set() when d is not valid. */
xmlNode *sd_iscsi_add_disk_source(xmlNode *disk,
                                  const struct sd_iscsi_disk *d);
/* The same <source> element as a string; owned, or NULL (err_set). */
char *sd_iscsi_disk_source_xml(const struct sd_iscsi_disk *d);
/* "iscsi://IP:PORT/IQN/LUN", as QEMU and libiscsi spell a LUN (never with
 * credentials); owned, or NULL (err_set). */
char *sd_iscsi_url(const char *portal, const char *target, unsigned lun);

#endif
