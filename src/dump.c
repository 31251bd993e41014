/* dump.c: text and JSON dumps of the model (see dump.h).  Names come from
 * hosts we do not control: text output passes them through text_safe(),
 * JSON escapes them. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dump.h"
#include "model.h"
#include "util/i18n.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/text.h"

static int
vm_cmp(const void *a, const void *b)
{
    const struct vm *x = *(const struct vm *const *)a;
    const struct vm *y = *(const struct vm *const *)b;
    return strcmp(x->name, y->name);
}

/* The VMs of h sorted by name, in a vector the caller clears. */
static void
sorted_vms(const struct host *h, struct vec *out)
{
    for (size_t i = 0; i < h->vms.len; i++)
        vec_push(out, h->vms.items[i]);
    vec_sort(out, vm_cmp);
}

static void
add_safe(struct strbuf *b, const char *s)
{
    char *t = text_safe(s);
    sb_add(b, t);
    free(t);
}

static void
add_col(struct strbuf *b, const char *s, int width)
{
    char *t = text_safe(s);
    text_pad(b, t, width, 1);
    free(t);
}

static void
fmt_kib(char *buf, size_t len, uint64_t kib)
{
    text_bytes(buf, len, (double)kib * 1024.0);
}

static bool
sd_in_dc(const struct sd *sd, int64_t dc_id)
{
    for (size_t i = 0; i < sd->dc_ids.len; i++) {
        if (*(int64_t *)sd->dc_ids.items[i] == dc_id)
            return true;
    }
    return false;
}

static void
text_vm(struct strbuf *b, const struct vm *vm)
{
    char mem[32] = "-", cpu[16] = "-", disk[48] = "-", net[48] = "-";
    char vcpus[16] = "-";

    if (vm->known & STAT_VCPU)
        snprintf(vcpus, sizeof(vcpus), "%u", vm->vcpus_cur);
    else if (vm->vcpus)
        snprintf(vcpus, sizeof(vcpus), "%u", vm->vcpus);
    if (vm->known & STAT_MEM) {
        char cur[16], max[16];
        fmt_kib(cur, sizeof(cur), vm->mem_cur_kib);
        fmt_kib(max, sizeof(max), vm->mem_max_kib);
        snprintf(mem, sizeof(mem), "%s/%s", cur, max);
    } else if (vm->mem_max_kib) {
        char max[16];
        fmt_kib(max, sizeof(max), vm->mem_max_kib);
        snprintf(mem, sizeof(mem), "-/%s", max);
    }
    if ((vm->known & STAT_RATES) && (vm->known & STAT_CPU))
        snprintf(cpu, sizeof(cpu), "%.1f%%", vm->cpu_pct);
    if ((vm->known & STAT_RATES) && (vm->known & STAT_DISK)) {
        char r[16], w[16];
        text_bytes(r, sizeof(r), vm->rd_bps);
        text_bytes(w, sizeof(w), vm->wr_bps);
        snprintf(disk, sizeof(disk), "%s/s %s/s", r, w);
    }
    if ((vm->known & STAT_RATES) && (vm->known & STAT_NET)) {
        char r[16], t[16];
        text_bytes(r, sizeof(r), vm->rx_bps);
        text_bytes(t, sizeof(t), vm->tx_bps);
        snprintf(net, sizeof(net), "%s/s %s/s", r, t);
    }
    sb_add(b, "      vm ");
    add_col(b, vm->name, 20);
    sb_addc(b, ' ');
    text_pad(b, vm_state_name(vm->state), 13, 1);
    sb_addf(b, " vcpu %-3s mem %-13s cpu %-6s disk %-15s net %-15s%s%s%s",
            vcpus, mem, cpu, disk, net, vm->ha ? " HA" : "",
            vm->graphics ? " " : "", vm->graphics ? vm->graphics : "");
    while (b->len && b->s[b->len - 1] == ' ')
        b->s[--b->len] = '\0';
    sb_addc(b, '\n');
}

static void
text_host(struct strbuf *b, const struct host *h)
{
    struct vec vms = { 0 };
    char mem[48] = "-", cpu[16] = "-";

    if (h->known & STAT_MEM) {
        char used[16], total[16];
        fmt_kib(used, sizeof(used), h->mem_total_kib > h->mem_free_kib
                ? h->mem_total_kib - h->mem_free_kib : 0);
        fmt_kib(total, sizeof(total), h->mem_total_kib);
        snprintf(mem, sizeof(mem), "%s/%s", used, total);
    } else if (h->mem_total_kib) {
        char total[16];
        fmt_kib(total, sizeof(total), h->mem_total_kib);
        snprintf(mem, sizeof(mem), "-/%s", total);
    }
    if ((h->known & STAT_CPU) && (h->known & STAT_RATES))
        snprintf(cpu, sizeof(cpu), "%.1f%%", h->cpu_pct);
    sb_add(b, "    host ");
    add_col(b, h->name, 16);
    sb_addf(b, " %-13s cpus %-4u cpu %-6s mem %-13s ", host_state_name(h->state),
            h->cpus, cpu, mem);
    add_safe(b, h->uri);
    sb_addc(b, '\n');
    if (h->reason && *h->reason) {
        sb_add(b, "      reason: ");
        add_safe(b, h->reason);
        sb_addc(b, '\n');
    }
    sorted_vms(h, &vms);
    for (size_t i = 0; i < vms.len; i++)
        text_vm(b, vms.items[i]);
    vec_clear(&vms, NULL);
}

static void
text_sd(struct strbuf *b, const struct sd *sd, const char *indent,
        const struct sd_att *att)
{
    sb_add(b, indent);
    sb_add(b, "storage ");
    add_col(b, sd->name, 16);
    sb_addf(b, " %-6s %-5s %-11s ", sd_role_name(sd->role),
            sd_backend_name(sd->backend),
            !att ? "unattached" : att->active ? "active" : "maintenance");
    add_safe(b, sd->address);
    sb_addc(b, ' ');
    add_safe(b, sd->path);
    if (sd->have_space) {
        char fr[16], tot[16];
        text_bytes(fr, sizeof(fr), (double)sd->free_bytes);
        text_bytes(tot, sizeof(tot), (double)sd->total_bytes);
        sb_addf(b, " free %s of %s", fr, tot);
    }
    if (sd->role == SD_EXPORT)
        sb_add(b, " (deprecated: import only)");
    sb_addc(b, '\n');
}

void
dump_text(const struct model *m, bool demo, struct strbuf *b)
{
    if (demo)
        sb_add(b, "# demo data center (libvirt test driver); nothing is saved\n");
    for (size_t i = 0; i < m->dcs.len; i++) {
        struct dc *dc = m->dcs.items[i];
        struct host *spm = dc->spm_host ? model_host_by_id(m, dc->spm_host) : NULL;
        sb_add(b, "dc ");
        add_safe(b, dc->name);
        sb_addf(b, "  %s", dc_status_name(dc->status));
        if (spm) {
            sb_add(b, "  spm ");
            add_safe(b, spm->name);
        }
        sb_addc(b, '\n');
        for (size_t k = 0; k < m->clusters.len; k++) {
            struct cluster *c = m->clusters.items[k];
            if (c->dc_id != dc->id)
                continue;
            sb_add(b, "  cluster ");
            add_safe(b, c->name);
            sb_addc(b, '\n');
            for (size_t j = 0; j < m->hosts.len; j++) {
                struct host *h = m->hosts.items[j];
                if (h->cluster_id == c->id)
                    text_host(b, h);
            }
        }
        for (size_t k = 0; k < m->sds.len; k++) {
            struct sd *sd = m->sds.items[k];
            if (sd_in_dc(sd, dc->id))
                text_sd(b, sd, "  ", model_sd_att(sd, dc->id));
        }
    }
    for (size_t k = 0; k < m->sds.len; k++) {
        struct sd *sd = m->sds.items[k];
        if (!sd->dc_ids.len)
            text_sd(b, sd, "", NULL);
    }
}

/* ---- JSON ---- */

static void
json_key(struct strbuf *b, const char *k)
{
    sb_add_json(b, k);
    sb_addc(b, ':');
}

static void
json_str(struct strbuf *b, const char *k, const char *v)
{
    json_key(b, k);
    if (v)
        sb_add_json(b, v);
    else
        sb_add(b, "null");
    sb_addc(b, ',');
}

static void
json_u64(struct strbuf *b, const char *k, bool known, uint64_t v)
{
    json_key(b, k);
    if (known)
        sb_addf(b, "%llu,", (unsigned long long)v);
    else
        sb_add(b, "null,");
}

static void
json_dbl(struct strbuf *b, const char *k, bool known, double v)
{
    json_key(b, k);
    if (known)
        sb_addf(b, "%.2f,", v);
    else
        sb_add(b, "null,");
}

/* Replace a trailing comma by the closing character. */
static void
json_close(struct strbuf *b, char c)
{
    if (b->len && b->s[b->len - 1] == ',')
        b->s[b->len - 1] = c;
    else
        sb_addc(b, c);
}

static void
json_vm(struct strbuf *b, const struct vm *vm)
{
    bool rates = vm->known & STAT_RATES;
    sb_addc(b, '{');
    json_str(b, "name", vm->name);
    json_str(b, "uuid", vm->uuid);
    json_str(b, "state", vm_state_name(vm->state));
    json_key(b, "ha");
    sb_add(b, vm->ha ? "true," : "false,");
    json_key(b, "persistent");
    sb_add(b, vm->persistent ? "true," : "false,");
    json_u64(b, "vcpus", vm->vcpus || (vm->known & STAT_VCPU),
             (vm->known & STAT_VCPU) ? vm->vcpus_cur : vm->vcpus);
    json_u64(b, "mem_max_kib", vm->mem_max_kib != 0, vm->mem_max_kib);
    json_u64(b, "mem_cur_kib", vm->known & STAT_MEM, vm->mem_cur_kib);
    json_dbl(b, "cpu_pct", rates && (vm->known & STAT_CPU), vm->cpu_pct);
    json_dbl(b, "disk_rd_bps", rates && (vm->known & STAT_DISK), vm->rd_bps);
    json_dbl(b, "disk_wr_bps", rates && (vm->known & STAT_DISK), vm->wr_bps);
    json_dbl(b, "net_rx_bps", rates && (vm->known & STAT_NET), vm->rx_bps);
    json_dbl(b, "net_tx_bps", rates && (vm->known & STAT_NET), vm->tx_bps);
    json_str(b, "graphics", vm->graphics);
    json_close(b, '}');
    sb_addc(b, ',');
}

static void
json_host(struct strbuf *b, const struct host *h)
{
    struct vec vms = { 0 };

    sb_addc(b, '{');
    json_str(b, "name", h->name);
    json_str(b, "uri", h->uri);
    json_str(b, "state", host_state_name(h->state));
    json_str(b, "reason", h->reason);
    json_u64(b, "cpus", h->cpus != 0, h->cpus);
    json_u64(b, "mem_total_kib", h->mem_total_kib != 0, h->mem_total_kib);
    json_u64(b, "mem_free_kib", h->known & STAT_MEM, h->mem_free_kib);
    json_dbl(b, "cpu_pct", (h->known & STAT_CPU) && (h->known & STAT_RATES),
             h->cpu_pct);
    json_key(b, "vms");
    sb_addc(b, '[');
    sorted_vms(h, &vms);
    for (size_t i = 0; i < vms.len; i++)
        json_vm(b, vms.items[i]);
    vec_clear(&vms, NULL);
    json_close(b, ']');
    json_close(b, '}');
    sb_addc(b, ',');
}

void
dump_json(const struct model *m, bool demo, struct strbuf *b)
{
    sb_addc(b, '{');
    json_key(b, "demo");
    sb_add(b, demo ? "true," : "false,");
    json_key(b, "datacenters");
    sb_addc(b, '[');
    for (size_t i = 0; i < m->dcs.len; i++) {
        struct dc *dc = m->dcs.items[i];
        struct host *spm = dc->spm_host ? model_host_by_id(m, dc->spm_host) : NULL;
        sb_addc(b, '{');
        json_str(b, "name", dc->name);
        json_str(b, "description", dc->description);
        json_str(b, "status", dc_status_name(dc->status));
        json_str(b, "spm", spm ? spm->name : NULL);
        json_key(b, "clusters");
        sb_addc(b, '[');
        for (size_t k = 0; k < m->clusters.len; k++) {
            struct cluster *c = m->clusters.items[k];
            if (c->dc_id != dc->id)
                continue;
            sb_addc(b, '{');
            json_str(b, "name", c->name);
            json_key(b, "hosts");
            sb_addc(b, '[');
            for (size_t j = 0; j < m->hosts.len; j++) {
                struct host *h = m->hosts.items[j];
                if (h->cluster_id == c->id)
                    json_host(b, h);
            }
            json_close(b, ']');
            json_close(b, '}');
            sb_addc(b, ',');
        }
        json_close(b, ']');
        json_close(b, '}');
        sb_addc(b, ',');
    }
    json_close(b, ']');
    sb_addc(b, ',');
    json_key(b, "storage_domains");
    sb_addc(b, '[');
    for (size_t k = 0; k < m->sds.len; k++) {
        struct sd *sd = m->sds.items[k];
        sb_addc(b, '{');
        json_str(b, "name", sd->name);
        json_str(b, "role", sd_role_name(sd->role));
        json_str(b, "backend", sd_backend_name(sd->backend));
        json_str(b, "address", sd->address);
        json_str(b, "path", sd->path);
        json_key(b, "datacenters");
        sb_addc(b, '[');
        for (size_t i = 0; i < sd->dc_ids.len; i++) {
            struct sd_att *a = sd->dc_ids.items[i];
            struct dc *dc = model_dc_by_id(m, a->dc_id);
            if (dc) {
                sb_add(b, "{\"name\":");
                sb_add_json(b, dc->name);
                sb_addf(b, ",\"status\":\"%s\"},", a->active ? "active"
                                                             : "maintenance");
            }
        }
        json_close(b, ']');
        sb_addc(b, ',');
        json_u64(b, "free_bytes", sd->have_space, sd->free_bytes);
        json_u64(b, "total_bytes", sd->have_space, sd->total_bytes);
        json_close(b, '}');
        sb_addc(b, ',');
    }
    json_close(b, ']');
    sb_add(b, "}\n");
}
