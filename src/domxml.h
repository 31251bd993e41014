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
    bool ha;
};

/* Parse XML (length len, or strlen when len < 0) into c.  Returns 0, or -1
 * with err_set() when it is not a domain definition. */
int domxml_parse(const char *xml, int len, struct vm_conf *c);
void vm_conf_clear(struct vm_conf *c);

/* The <virtdeck:vm> metadata element for virDomainSetMetadata.  Owned by
 * the caller. */
char *domxml_metadata(bool ha);

#endif
