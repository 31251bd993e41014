/* vmspec.h: what an operator asks for when creating or editing a VM, as
 * plain C, with its checks.  The create form, the CLI and the tests fill
 * one; domxml builds the libvirt XML from it; the backend runs it. */
#ifndef VD_VMSPEC_H
#define VD_VMSPEC_H
#include <stdbool.h>
#include <stdint.h>

enum vm_net { VM_NET_NONE, VM_NET_NETWORK, VM_NET_BRIDGE };
enum vm_gfx { VM_GFX_NONE, VM_GFX_VNC, VM_GFX_SPICE };
enum vm_boot { VM_BOOT_DISK, VM_BOOT_CDROM, VM_BOOT_NETWORK };

#define VM_SPEC_MAX_BOOT 3
#define VM_DISK_MAX_GIB (64 * 1024)     /* 64 TiB */

/* A disk as QEMU opens it over the network (nfs:// or iscsi://): filled
 * by the engine from a storage domain, never typed by the operator. */
struct vm_netsrc {
    char *protocol;         /* "nfs" or "iscsi"; NULL: not used */
    char *host;
    char *port;             /* NULL: the protocol's default */
    char *name;             /* "/EXPORT/disks/FILE" or "IQN/LUN" */
    bool identity;          /* NFS: speak as vdsm:kvm (36:36) */
    char *auth_user;        /* iSCSI with CHAP: the CHAP user, else NULL */
    char *secret_usage;     /* with auth_user: the usage name of the
                             * hosts' libvirt secret (type iscsi) that
                             * holds the CHAP secret */
};

struct vm_spec {
    char *name;
    char *cluster;
    char *host;             /* NULL: the least-loaded Up host with room */
    unsigned vcpus;
    uint64_t mem_mib;
    /* disk: a new volume (disk_gib > 0) or an existing one (disk_volume) */
    char *pool;             /* storage pool of the host */
    uint64_t disk_gib;
    char *disk_format;      /* "qcow2" or "raw" */
    char *disk_volume;      /* existing volume name in pool */
    char *disk_domain;      /* the new disk goes on this data domain
                             * instead of a pool (NFS: a sparse raw file
                             * of disk_gib; iSCSI: a free LUN of at least
                             * disk_gib) */
    enum vm_net net;
    char *net_source;       /* network or bridge name */
    enum vm_boot boot[VM_SPEC_MAX_BOOT];
    unsigned n_boot;
    char *iso;              /* "DOMAIN/FILE" (an ISO domain's image) or
                             * "POOL/VOLUME" for the cdrom, may be NULL */
    /* run once: direct kernel boot for this start only */
    char *kernel, *initrd, *cmdline;
    enum vm_gfx gfx;
    char *listen;           /* graphics listen address */
    char *password;         /* console password: never logged or stored */
    char *chap_secret;      /* the CHAP secret of disk_domain when it logs
                             * in with CHAP: never logged or stored, wiped
                             * when cleared */
    bool start;
    bool ha;
    /* set by the engine when the disk or the ISO is on a storage domain */
    struct vm_netsrc disk_net, iso_net;
};

void vm_netsrc_clear(struct vm_netsrc *n);
void vm_netsrc_copy(struct vm_netsrc *dst, const struct vm_netsrc *src);

void vm_spec_init(struct vm_spec *s);
void vm_spec_clear(struct vm_spec *s);
/* A deep copy of src into dst (dst is overwritten). */
void vm_spec_copy(struct vm_spec *dst, const struct vm_spec *src);
/* Checks that need no host: name, counts, sizes, formats, names of pools
 * and volumes, paths, listen address.  0 or -1 with err_set(). */
int vm_spec_check(const struct vm_spec *s);
/* "cdrom,network,disk" -> boot order. 0 or -1 (err_set). */
int vm_spec_parse_boot(struct vm_spec *s, const char *list);
const char *vm_gfx_name(enum vm_gfx g);
int vm_gfx_parse(const char *s, enum vm_gfx *g);

#endif
