/* virt_stats.h: libvirt's numbers about a host and its domains turned
 * into plain samples.  Pure functions over the arrays libvirt returns
 * (virNodeCPUStats, virNodeMemoryStats, a domain stats record's
 * virTypedParameter list): no connection, no model, no allocation, so
 * the backend's workers and the fuzz targets call the same code.
 * Backend-private: includes libvirt. */
#ifndef VD_VIRT_STATS_H
#define VD_VIRT_STATS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libvirt/libvirt.h>

/* What a host says about itself. */
struct node_sample {
    bool have_info, have_cpu, have_mem;
    unsigned cpus, mhz;
    char model[32];
    uint64_t mem_total_kib, mem_free_kib;
    uint64_t cpu_busy, cpu_total;   /* cpu_busy <= cpu_total */
};

/* What one stats record says, in plain C.  Names go to one arena per
 * refresh (offsets, since the arena grows) rather than one malloc each. */
struct dom_sample {
    char uuid[VIR_UUID_STRING_BUFLEN];
    size_t name_off;
    int state, reason;
    unsigned has;           /* STAT_* */
    unsigned vcpus;
    uint64_t cpu_ns, bal_cur, bal_rss;
    uint64_t rd, wr, rx, tx;
};

/* The host CPU times of virNodeGetCPUStats (n entries) into ns: sets
 * have_cpu, cpu_total and cpu_busy when the total is known. */
void stats_node_cpu(const virNodeCPUStats *p, int n, struct node_sample *ns);
/* The memory figures of virNodeGetMemoryStats (n entries) into ns: sets
 * have_mem, mem_total_kib and mem_free_kib (free + buffers + cached, at
 * most the total) when the total is known. */
void stats_node_mem(const virNodeMemoryStats *p, int n,
                    struct node_sample *ns);
/* The typed parameters of one domain stats record (n entries, fields
 * NUL-terminated as libvirt guarantees) into d's state and counters;
 * uuid and name_off are the caller's.  Unknown fields are skipped. */
void stats_dom_params(const virTypedParameter *params, int n,
                      struct dom_sample *d);

#endif
