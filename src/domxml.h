/* domxml.h: libvirt domain XML, read and written with libxml2 (never by
 * pasting strings).  Parsing runs on worker threads: it touches no model. */
#ifndef VD_DOMXML_H
#define VD_DOMXML_H
#include <stdbool.h>
#include <stdint.h>

/* virtdeck's attributes live in the domain's <metadata> under this
 * namespace, so they survive a lost database. */
#define VD_XMLNS "http://virtdeck.org/xmlns/vm/1.0"
#define VD_XMLNS_PREFIX "virtdeck"

struct vm_conf {
    char *name;
    char uuid[37];
    unsigned vcpus;
    uint64_t mem_max_kib;
    char *os_type;          /* "hvm", ... */
    char *graphics;         /* "spice", "vnc" or NULL */
    char *gfx_listen;       /* listen address, may be NULL */
    int gfx_port;           /* -1: not assigned (VM off, autoport) */
    bool gfx_password;      /* a password is set (never its value) */
    char **devices;         /* NULL-terminated one-line summaries:
                             * "disk vda /var/lib/x.qcow2", "cdrom hdc -",
                             * "nic 52:54:00:.. network default" */
    bool ha;
    bool local_disks;       /* see domxml_local_disks */
    char *ha_xml;           /* filled by the backend for HA VMs */
};

/* Parse XML (length len, or strlen when len < 0) into c.  Returns 0, or -1
 * with err_set() when it is not a domain definition. */
int domxml_parse(const char *xml, int len, struct vm_conf *c);
void vm_conf_clear(struct vm_conf *c);

struct vm_spec;

/* Where a new domain goes: what the host offers and what the backend
 * prepared (all strings borrowed). */
struct domxml_target {
    const char *type;       /* "kvm", "qemu", "test" */
    const char *arch;       /* "x86_64" */
    const char *machine;    /* may be NULL */
    const char *emulator;   /* may be NULL */
    const char *uuid;       /* keep this UUID (redefinition), may be NULL */
    const char *disk_path;  /* may be NULL: no disk */
    const char *disk_format;
    const char *iso_path;   /* may be NULL: an empty CD-ROM drive */
    const char *serial_log; /* may be NULL */
    bool with_kernel;       /* include the spec's run-once kernel boot */
};

/* The domain XML for spec on target.  Owned by the caller; never NULL. */
char *domxml_build(const struct vm_spec *spec, const struct domxml_target *t);

/* From a host's capabilities XML: the best guest for x86_64 hvm (kvm over
 * qemu over anything else).  Strings owned by the caller; 0 or -1. */
int domxml_caps_guest(const char *caps, char **type, char **arch,
                      char **machine, char **emulator);

/* What an edit changes; unset fields stay as they are. */
struct vm_edit {
    bool set_vcpus, set_mem, set_boot, set_gfx, set_ha;
    unsigned vcpus;
    uint64_t mem_mib;
    int boot[3];            /* enum vm_boot */
    unsigned n_boot;
    int gfx;                /* enum vm_gfx */
    const char *listen;
    const char *password;   /* NULL: keep; "": remove */
    bool ha;
};

/* Apply e to a domain's inactive XML.  Owned result, or NULL (err_set). */
char *domxml_edit(const char *xml, const struct vm_edit *e);

/* Source files of the domain's disks (not CD-ROMs).  *paths is a NULL-
 * terminated array owned by the caller.  0 or -1. */
int domxml_disk_paths(const char *xml, char ***paths);

/* Disks (device='disk') backed by a local file or block device that are
 * neither read-only nor shareable: what a live migration must copy.
 * *paths is a NULL-terminated array owned by the caller.  0 or -1. */
int domxml_local_disks(const char *xml, char ***paths);

/* A storage volume of gib GiB in format fmt.  Owned by the caller. */
char *domxml_volume(const char *name, uint64_t gib, const char *fmt);

/* The <vm> metadata element for virDomainSetMetadata with VD_XMLNS (it
 * carries no namespace itself).  Owned by the caller. */
char *domxml_metadata(bool ha);
/* The XML of a persistent, private libvirt secret of usage type iscsi
 * named usage (no value, no UUID); owned. */
char *domxml_secret(const char *usage, const char *description);

#endif
