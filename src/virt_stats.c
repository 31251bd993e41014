/* virt_stats.c: libvirt's node and domain numbers into samples (see
 * virt_stats.h).  Runs on worker threads; touches nothing but its
 * arguments. */
#include <config.h>
#include <string.h>
#include "model.h"
#include "util/mem.h"
#include "virt_stats.h"

static bool
suffix(const char *s, const char *suf)
{
    size_t ls = strlen(s), lf = strlen(suf);
    return ls >= lf && memcmp(s + ls - lf, suf, lf) == 0;
}

/* a + b, stopping at UINT64_MAX instead of wrapping around */
static uint64_t
add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void
stats_node_cpu(const virNodeCPUStats *p, int n, struct node_sample *ns)
{
    uint64_t idle = 0, total = 0;

    for (int i = 0; i < n; i++) {
        if (streq(p[i].field, VIR_NODE_CPU_STATS_IDLE) ||
            streq(p[i].field, VIR_NODE_CPU_STATS_IOWAIT))
            idle = add_sat(idle, p[i].value);
        if (!streq(p[i].field, VIR_NODE_CPU_STATS_UTILIZATION))
            total = add_sat(total, p[i].value);
    }
    if (total > 0) {
        ns->have_cpu = true;
        ns->cpu_total = total;
        /* idle is part of total unless the sums saturated */
        ns->cpu_busy = total > idle ? total - idle : 0;
    }
}

void
stats_node_mem(const virNodeMemoryStats *p, int n, struct node_sample *ns)
{
    uint64_t total = 0, avail = 0;

    for (int i = 0; i < n; i++) {
        if (streq(p[i].field, VIR_NODE_MEMORY_STATS_TOTAL))
            total = p[i].value;
        else if (streq(p[i].field, VIR_NODE_MEMORY_STATS_FREE) ||
                 streq(p[i].field, VIR_NODE_MEMORY_STATS_BUFFERS) ||
                 streq(p[i].field, VIR_NODE_MEMORY_STATS_CACHED))
            avail = add_sat(avail, p[i].value);
    }
    if (total > 0) {
        ns->have_mem = true;
        ns->mem_total_kib = total;
        /* A host may count a page twice (cached and free): never report
         * more free than there is, or "used" goes negative. */
        ns->mem_free_kib = avail < total ? avail : total;
    }
}

void
stats_dom_params(const virTypedParameter *params, int n, struct dom_sample *d)
{
    d->state = VIR_DOMAIN_NOSTATE;
    for (int i = 0; i < n; i++) {
        const virTypedParameter *p = &params[i];
        const char *f = p->field;
        unsigned long long val;

        switch (p->type) {
        case VIR_TYPED_PARAM_INT: val = (unsigned long long)p->value.i; break;
        case VIR_TYPED_PARAM_UINT: val = p->value.ui; break;
        case VIR_TYPED_PARAM_LLONG: val = (unsigned long long)p->value.l; break;
        case VIR_TYPED_PARAM_ULLONG: val = p->value.ul; break;
        default: continue;
        }
        switch (f[0]) {
        case 's':
            if (streq(f, "state.state"))
                d->state = (int)val;
            else if (streq(f, "state.reason"))
                d->reason = (int)val;
            break;
        case 'c':
            if (streq(f, "cpu.time")) {
                d->cpu_ns = val;
                d->has |= STAT_CPU;
            }
            break;
        case 'b':
            if (streq(f, "balloon.current")) {
                d->bal_cur = val;
                d->has |= STAT_MEM;
            } else if (streq(f, "balloon.rss")) {
                d->bal_rss = val;
            } else if (strncmp(f, "block.", 6) == 0) {
                if (suffix(f, ".rd.bytes")) {
                    d->rd += val;
                    d->has |= STAT_DISK;
                } else if (suffix(f, ".wr.bytes")) {
                    d->wr += val;
                    d->has |= STAT_DISK;
                }
            }
            break;
        case 'v':
            if (streq(f, "vcpu.current")) {
                d->vcpus = (unsigned)val;
                d->has |= STAT_VCPU;
            }
            break;
        case 'n':
            if (strncmp(f, "net.", 4) == 0) {
                if (suffix(f, ".rx.bytes")) {
                    d->rx += val;
                    d->has |= STAT_NET;
                } else if (suffix(f, ".tx.bytes")) {
                    d->tx += val;
                    d->has |= STAT_NET;
                }
            }
            break;
        }
    }
}
