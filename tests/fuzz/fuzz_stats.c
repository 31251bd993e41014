/* fuzz_stats.c: the parsers of libvirt's node and domain statistics
 * (virt_stats.c) on arbitrary records, as a host we do not control may
 * send them.  One line per entry:
 *
 *   c FIELD VALUE          virNodeCPUStats (unsigned long long)
 *   m FIELD VALUE          virNodeMemoryStats
 *   d FIELD TYPE VALUE     a domain record's virTypedParameter; TYPE is
 *                          int, uint, llong, ullong, double, boolean or
 *                          string
 *
 * Fields longer than libvirt's 80 bytes are cut as libvirt would. */
#include <config.h>
#include "fuzz.h"
#include "model.h"
#include "util/mem.h"
#include "virt_stats.h"

#define MAX_ENTRIES 64

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_locale();
    return 0;
}

static void
set_field(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src ? src : "");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    virNodeCPUStats cpu[MAX_ENTRIES];
    virNodeMemoryStats mem[MAX_ENTRIES];
    virTypedParameter par[MAX_ENTRIES];
    char strs[MAX_ENTRIES][32];
    int nc = 0, nm = 0, np = 0;
    struct fuzz_fields lines;
    struct node_sample ns;
    struct dom_sample ds;

    memset(cpu, 0, sizeof(cpu));
    memset(mem, 0, sizeof(mem));
    memset(par, 0, sizeof(par));
    fuzz_split(&lines, data, size, '\n');
    for (int i = 0; i < lines.n; i++) {
        char *save = NULL, *kind, *field, *a, *b;
        char *line = lines.f[i];

        kind = strtok_r(line, " ", &save);
        field = strtok_r(NULL, " ", &save);
        a = strtok_r(NULL, " ", &save);
        b = strtok_r(NULL, "", &save);
        if (!kind || !field)
            continue;
        if (streq(kind, "c") && nc < MAX_ENTRIES) {
            set_field(cpu[nc].field, sizeof(cpu[nc].field), field);
            cpu[nc++].value = a ? strtoull(a, NULL, 0) : 0;
        } else if (streq(kind, "m") && nm < MAX_ENTRIES) {
            set_field(mem[nm].field, sizeof(mem[nm].field), field);
            mem[nm++].value = a ? strtoull(a, NULL, 0) : 0;
        } else if (streq(kind, "d") && np < MAX_ENTRIES && a) {
            virTypedParameter *p = &par[np];
            const char *v = b ? b : "";
            set_field(p->field, sizeof(p->field), field);
            if (streq(a, "int")) {
                p->type = VIR_TYPED_PARAM_INT;
                p->value.i = (int)strtol(v, NULL, 0);
            } else if (streq(a, "uint")) {
                p->type = VIR_TYPED_PARAM_UINT;
                p->value.ui = (unsigned)strtoul(v, NULL, 0);
            } else if (streq(a, "llong")) {
                p->type = VIR_TYPED_PARAM_LLONG;
                p->value.l = strtoll(v, NULL, 0);
            } else if (streq(a, "ullong")) {
                p->type = VIR_TYPED_PARAM_ULLONG;
                p->value.ul = strtoull(v, NULL, 0);
            } else if (streq(a, "double")) {
                p->type = VIR_TYPED_PARAM_DOUBLE;
                p->value.d = strtod(v, NULL);
            } else if (streq(a, "boolean")) {
                p->type = VIR_TYPED_PARAM_BOOLEAN;
                p->value.b = (char)(*v == '1');
            } else {
                p->type = VIR_TYPED_PARAM_STRING;
                snprintf(strs[np], sizeof(strs[np]), "%s", v);
                p->value.s = strs[np];
            }
            np++;
        }
    }

    memset(&ns, 0, sizeof(ns));
    stats_node_cpu(cpu, nc, &ns);
    stats_node_mem(mem, nm, &ns);
    if (ns.have_cpu)
        FUZZ_CHECK(ns.cpu_busy <= ns.cpu_total && ns.cpu_total > 0,
                   "CPU busy %llu of total %llu",
                   (unsigned long long)ns.cpu_busy,
                   (unsigned long long)ns.cpu_total);
    if (ns.have_mem)
        FUZZ_CHECK(ns.mem_free_kib <= ns.mem_total_kib && ns.mem_total_kib,
                   "memory free %llu of total %llu",
                   (unsigned long long)ns.mem_free_kib,
                   (unsigned long long)ns.mem_total_kib);

    memset(&ds, 0, sizeof(ds));
    stats_dom_params(par, np, &ds);
    FUZZ_CHECK((ds.has & ~(unsigned)(STAT_CPU | STAT_MEM | STAT_DISK |
                                     STAT_NET | STAT_VCPU)) == 0,
               "unknown flags %#x", ds.has);
    if (!(ds.has & STAT_DISK))
        FUZZ_CHECK(ds.rd == 0 && ds.wr == 0, "disk bytes without STAT_DISK");
    if (!(ds.has & STAT_NET))
        FUZZ_CHECK(ds.rx == 0 && ds.tx == 0, "net bytes without STAT_NET");
    fuzz_free(&lines);
    return 0;
}
