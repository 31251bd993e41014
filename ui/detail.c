/* detail.c: the detail pane (see detail.h).
 *
 * Paints from the model only.  Lines are numbered as if the pane were
 * unbounded and only those inside the scrolled window are drawn.  What the
 * engine does not report is shown as "-". */
#include <config.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/detail.h"
#include "ui/draw.h"
#include "src/engine.h"
#include "src/gfxinfo.h"
#include "src/model.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"

static struct {
    int offset;             /* first line shown */
    int lines;              /* lines the last paint had */
    int rows;               /* lines that fit */
    struct node shown;      /* the object of the last paint */
} D;

struct dl {
    WINDOW *w;
    int line;               /* next virtual line */
    int cols;
    int label_w;
};

/* The window row of the next line, or -1 when it is scrolled away. */
static int
dl_next(struct dl *d)
{
    int y = d->line++ - D.offset + 1;
    return y >= 1 && y <= D.rows ? y : -1;
}

static void
dl_line(struct dl *d, const char *label, const char *value, attr_t attr)
{
    int y = dl_next(d);
    if (y < 0)
        return;
    draw_text(d->w, y, 0, "", 1, true, A_NORMAL);
    draw_text(d->w, y, 1, label, d->label_w, true, A_BOLD);
    draw_text(d->w, y, 1 + d->label_w, value, d->cols - 1 - d->label_w, true,
              attr);
}

static void
dl_linef(struct dl *d, const char *label, attr_t attr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
dl_linef(struct dl *d, const char *label, attr_t attr, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = xvasprintf(fmt, ap);
    va_end(ap);
    dl_line(d, label, s, attr);
    free(s);
}

static int
label_width(const char *const *labels, size_t n)
{
    int w = 8;
    for (size_t i = 0; i < n; i++) {
        int lw = text_width(_(labels[i]));
        if (lw > w)
            w = lw;
    }
    return w + 2;
}

/* The labels of each kind of object, to size the label column by what
 * is shown (translations differ in length). */
static const char *const host_labels[] = {
    N_("Host"), N_("State"), N_("Reason"), N_("URI"), N_("CPU"),
    N_("Memory"), N_("History"), N_("CPUs"), N_("VMs"), N_("Cluster"),
    N_("SPM"),
};
static const char *const vm_labels[] = {
    N_("VM"), N_("State"), N_("Host"), N_("UUID"), N_("vCPUs"),
    N_("Memory"), N_("CPU"), N_("Disk r/w"), N_("Net rx/tx"),
    N_("Console"), N_("OS type"), N_("HA"), N_("Devices"),
};
static const char *const group_labels[] = {
    N_("Data center"), N_("Description"), N_("Clusters"), N_("Hosts"),
    N_("VMs"), N_("Storage"), N_("Cluster"), N_("Status"), N_("SPM"),
    N_("Migration"),
};
static const char *const sd_labels[] = {
    N_("Storage"), N_("Role"), N_("Type"), N_("Address"), N_("Path"),
    N_("LUNs"), N_("CHAP user"), N_("Data center"), N_("Space"),
    N_("Problem"),
};
static const char *const task_labels[] = {
    N_("Task"), N_("State"), N_("From"), N_("To"), N_("Started"),
    N_("Time"), N_("Progress"), N_("Data"), N_("Speed"), N_("Pass"),
    N_("Downtime"), N_("Result"),
};
#define LABELS(a) (a), sizeof(a) / sizeof(*(a))

static void
recent_events(struct dl *d, struct model *m, const char *object)
{
    int shown = 0;
    int y = dl_next(d);

    if (y > 0)
        draw_text(d->w, y, 1, _("Recent events"), d->cols - 1, true,
                  colors_attr(CE_COLUMNS));
    for (size_t i = m->audit.len; i-- > 0 && shown < 20;) {
        const struct audit *a = m->audit.items[i];
        char when[16];
        struct tm tm;
        int ok;
        if (!streq(a->object, object))
            continue;
        shown++;
        y = dl_next(d);
        if (y < 0)
            continue;
        localtime_r(&a->time, &tm);
        strftime(when, sizeof(when), "%H:%M:%S", &tm);
        ok = streq(a->result, "ok") ? CE_OK
             : streq(a->result, "failed") ? CE_ERROR : CE_INFO;
        draw_text(d->w, y, 0, " ", 1, true, A_NORMAL);
        draw_text(d->w, y, 1, when, 9, true, A_NORMAL);
        draw_text(d->w, y, 10, a->message, d->cols - 10, true,
                  colors_attr(ok));
    }
    if (!shown)
        dl_line(d, "", _("none yet"), A_NORMAL);
}

static void
paint_host(struct dl *d, struct ui *ui, const struct host *h)
{
    struct model *m = ui_model(ui);
    const struct cluster *c = model_cluster_by_id(m, h->cluster_id);
    char buf[64], used[16], total[16], when[16];
    unsigned running = 0;
    struct tm tm;
    int y, bw = d->cols - 1 - d->label_w;
    bool cpu_known = (h->known & STAT_CPU) && (h->known & STAT_RATES);

    for (size_t i = 0; i < h->vms.len; i++) {
        const struct vm *vm = h->vms.items[i];
        if (vm->state == VM_RUNNING || vm->state == VM_BLOCKED)
            running++;
    }
    dl_line(d, _("Host"), h->name, A_BOLD);
    localtime_r(&h->since, &tm);
    strftime(when, sizeof(when), "%H:%M:%S", &tm);
    if (h->since)
        dl_linef(d, _("State"), colors_attr(host_state_color(h->state)),
                 _("%c %s (since %s)"), host_state_symbol(h->state),
                 host_state_label(h->state), when);
    else
        dl_linef(d, _("State"), colors_attr(host_state_color(h->state)),
                 "%c %s", host_state_symbol(h->state),
                 host_state_label(h->state));
    if (h->reason && *h->reason) {
        /* a reason is a sentence: wrap it over up to three lines */
        int ry = dl_next(d), rused;
        if (ry > 0) {
            draw_text(d->w, ry, 1, _("Reason"), d->label_w, true, A_BOLD);
            rused = draw_wrapped(d->w, ry, 1 + d->label_w, D.rows - ry + 1 < 3
                                 ? D.rows - ry + 1 : 3,
                                 d->cols - 1 - d->label_w, h->reason,
                                 colors_attr(h->state == HOST_NONRESPONSIVE
                                             ? CE_ERROR
                                             : host_state_color(h->state)));
            d->line += rused > 1 ? rused - 1 : 0;
        }
    }
    /* the storage role right under the state: it matters when the host
     * goes away */
    {
        const struct dc *dc = c ? model_dc_by_id(m, c->dc_id) : NULL;
        if (dc && dc->spm_host == h->id)
            dl_linef(d, _("SPM"), colors_attr(CE_OK),
                     _("SPM of data center '%s' (priority %d)"), dc->name,
                     h->spm_priority);
        else if (h->spm_priority < 0)
            dl_line(d, _("SPM"), _("never (priority -1)"), A_NORMAL);
        else
            dl_linef(d, _("SPM"), A_NORMAL, _("priority %d"),
                     h->spm_priority);
    }
    dl_line(d, _("URI"), h->uri, A_NORMAL);
    /* CPU bar */
    y = dl_next(d);
    if (y > 0) {
        fmt_pct(buf, sizeof(buf), cpu_known, h->cpu_pct);
        draw_text(d->w, y, 1, _("CPU"), d->label_w, true, A_BOLD);
        draw_bar(d->w, y, 1 + d->label_w, bw > 40 ? 40 : bw, cpu_known,
                 h->cpu_pct, buf);
    }
    /* memory bar */
    y = dl_next(d);
    if (y > 0) {
        bool known = (h->known & STAT_MEM) && h->mem_total_kib;
        double pct = known ? 100.0 * (double)(h->mem_total_kib -
                     h->mem_free_kib) / (double)h->mem_total_kib : 0;
        fmt_kib(used, sizeof(used), known ? h->mem_total_kib -
                h->mem_free_kib : 0);
        fmt_kib(total, sizeof(total), h->mem_total_kib);
        snprintf(buf, sizeof(buf), "%s/%s", known ? used : "-",
                 h->mem_total_kib ? total : "-");
        draw_text(d->w, y, 1, _("Memory"), d->label_w, true, A_BOLD);
        draw_bar(d->w, y, 1 + d->label_w, bw > 40 ? 40 : bw, known, pct,
                 buf);
        if (!known && bw > 44)
            draw_text(d->w, y, 1 + d->label_w + 41, buf, bw - 41, true,
                      A_NORMAL);
    }
    /* CPU history */
    y = dl_next(d);
    if (y > 0) {
        int sw = bw > 40 ? 40 : bw;
        draw_text(d->w, y, 1, _("History"), d->label_w, true, A_BOLD);
        if (h->hist_len) {
            double mins;
            draw_text(d->w, y, 1 + d->label_w, "", 1, true, A_NORMAL);
            draw_sparkline(d->w, y, 1 + d->label_w + 1, sw - 2, h);
            mins = h->hist_len < (unsigned)(sw - 2) ? h->hist_len
                   : (unsigned)(sw - 2);
            snprintf(buf, sizeof(buf), _("CPU, %u samples"), (unsigned)mins);
            if (bw > sw + 2)
                draw_text(d->w, y, 1 + d->label_w + sw, buf, bw - sw, true,
                          A_NORMAL);
        } else {
            draw_text(d->w, y, 1 + d->label_w, _("- (no CPU samples yet)"),
                      bw, true, A_NORMAL);
        }
    }
    if (h->cpus)
        dl_linef(d, _("CPUs"), A_NORMAL, "%u x %u MHz  %s", h->cpus, h->mhz,
                 h->cpu_model ? h->cpu_model : "");
    else
        dl_line(d, _("CPUs"), "-", A_NORMAL);
    dl_linef(d, _("VMs"), A_NORMAL, _("%u running of %zu"), running,
             h->vms.len);
    dl_line(d, _("Cluster"), c ? c->name : "-", A_NORMAL);
}

/* The graphical console: where it listens, a remote-viewer URI and the
 * ssh line that reaches it from a workstation through this engine. */
static void
paint_console(struct dl *d, const struct vm *vm, const struct host *h)
{
    struct gfx_info gi;
    char engine[256] = "engine";
    const char *user = getenv("USER");

    if (gfx_info_get(vm, h, engine, "x", &gi) < 0) {
        dl_line(d, _("Console"), vm->have_config ? _("none") : "-", A_NORMAL);
        return;
    }
    gfx_info_clear(&gi);
    if (gethostname(engine, sizeof(engine) - 1) < 0)
        snprintf(engine, sizeof(engine), "engine");
    engine[sizeof(engine) - 1] = '\0';
    gfx_info_get(vm, h, engine, user && *user ? user : "root", &gi);
    if (gi.port < 0)
        dl_linef(d, _("Console"), A_NORMAL, _("%s, port assigned when the VM "
                                             "starts"), gi.type);
    else
        dl_linef(d, _("Console"), A_NORMAL, "%s %s:%d%s", gi.type,
                 gi.addr ? gi.addr : vm->gfx_listen ? vm->gfx_listen : "-",
                 gi.port, gi.password ? _(" (password set)") : "");
    if (gi.direct_uri)
        dl_line(d, _("Viewer"), gi.direct_uri, A_NORMAL);
    if (gi.ssh) {
        dl_line(d, _("Tunnel"), gi.ssh, A_NORMAL);
        dl_linef(d, "", A_NORMAL, _("then: remote-viewer %s"), gi.tunnel_uri);
    }
    gfx_info_clear(&gi);
}

static void
paint_vm(struct dl *d, struct ui *ui, const struct vm *vm)
{
    struct model *m = ui_model(ui);
    const struct host *h = model_host_by_id(m, vm->host_id);
    char buf[64], cur[16] = "-", max[16] = "-";
    bool rates = vm->known & STAT_RATES;

    dl_line(d, _("VM"), vm->name, A_BOLD);
    dl_linef(d, _("State"), colors_attr(vm_state_color(vm->state)), "%c %s",
             vm_state_symbol(vm->state), vm_state_label(vm->state));
    dl_line(d, _("Host"), h ? h->name : "-", A_NORMAL);
    dl_line(d, _("UUID"), vm->uuid, A_NORMAL);
    if (vm->known & STAT_VCPU)
        dl_linef(d, _("vCPUs"), A_NORMAL, "%u/%u", vm->vcpus_cur, vm->vcpus);
    else if (vm->vcpus)
        dl_linef(d, _("vCPUs"), A_NORMAL, "%u", vm->vcpus);
    else
        dl_line(d, _("vCPUs"), "-", A_NORMAL);
    if (vm->known & STAT_MEM)
        fmt_kib(cur, sizeof(cur), vm->mem_cur_kib);
    if (vm->mem_max_kib)
        fmt_kib(max, sizeof(max), vm->mem_max_kib);
    dl_linef(d, _("Memory"), A_NORMAL, "%s/%s", cur, max);
    fmt_pct(buf, sizeof(buf), rates && (vm->known & STAT_CPU), vm->cpu_pct);
    dl_line(d, _("CPU"), buf, A_NORMAL);
    fmt_rates(buf, sizeof(buf), rates && (vm->known & STAT_DISK), vm->rd_bps,
              vm->wr_bps);
    dl_line(d, _("Disk r/w"), buf, A_NORMAL);
    fmt_rates(buf, sizeof(buf), rates && (vm->known & STAT_NET), vm->rx_bps,
              vm->tx_bps);
    dl_line(d, _("Net rx/tx"), buf, A_NORMAL);
    paint_console(d, vm, h);
    dl_line(d, _("OS type"), vm->os_type ? vm->os_type : "-", A_NORMAL);
    dl_linef(d, _("HA"), A_NORMAL, "%s  (%s)", vm->ha ? _("yes") : _("no"),
             vm->persistent ? _("persistent") : _("transient"));
    if (!vm_device_next(vm, NULL))
        dl_line(d, _("Devices"), "-", A_NORMAL);
    for (const char *dev = vm_device_next(vm, NULL); dev;
         dev = vm_device_next(vm, dev))
        dl_line(d, dev == vm->devices ? _("Devices") : "", dev, A_NORMAL);
    recent_events(d, m, vm->name);
}

static int
dc_status_color(enum dc_status st)
{
    switch (st) {
    case DC_UP: return CE_STATE_UP;
    case DC_NONRESPONSIVE: return CE_STATE_DOWN;
    default: return CE_STATE_WARN;
    }
}

static const char *
att_label(const struct sd_att *a)
{
    return a->active ? _("active") : _("maintenance");
}

/* One line per storage domain of the data center: name, role, state. */
static void
dc_storage(struct dl *d, struct model *m, const struct dc *dc)
{
    bool any = false;

    for (size_t i = 0; i < m->sds.len; i++) {
        const struct sd *sd = m->sds.items[i];
        const struct sd_att *a = model_sd_att(sd, dc->id);
        struct strbuf b = { 0 };
        if (!a)
            continue;
        /* padded in cells: names and words may be Hangul */
        text_pad(&b, sd->name, 16, 1);
        sb_addc(&b, ' ');
        text_pad(&b, sd_role_label(sd->role), 7, 1);
        sb_addc(&b, ' ');
        sb_add(&b, att_label(a));
        dl_line(d, any ? "" : _("Storage"), sb_str(&b),
                a->active ? A_NORMAL : colors_attr(CE_STATE_WARN));
        sb_free(&b);
        any = true;
    }
    if (!any)
        dl_line(d, _("Storage"), "-", A_NORMAL);
}

static void
paint_dc(struct dl *d, struct ui *ui, const struct dc *dc)
{
    struct model *m = ui_model(ui);
    unsigned clusters = 0, hosts = 0, up = 0, vms = 0, running = 0;

    for (size_t i = 0; i < m->clusters.len; i++) {
        const struct cluster *c = m->clusters.items[i];
        if (c->dc_id == dc->id)
            clusters++;
    }
    for (size_t i = 0; i < m->hosts.len; i++) {
        const struct host *h = m->hosts.items[i];
        const struct cluster *c = model_cluster_by_id(m, h->cluster_id);
        if (!c || c->dc_id != dc->id)
            continue;
        hosts++;
        up += h->state == HOST_UP;
        for (size_t k = 0; k < h->vms.len; k++) {
            const struct vm *vm = h->vms.items[k];
            vms++;
            running += vm->state == VM_RUNNING || vm->state == VM_BLOCKED;
        }
    }
    dl_line(d, _("Data center"), dc->name, A_BOLD);
    dl_line(d, _("Status"), dc_status_label(dc->status),
            colors_attr(dc_status_color(dc->status)));
    {
        const struct host *spm = dc->spm_host
                                 ? model_host_by_id(m, dc->spm_host) : NULL;
        dl_line(d, _("SPM"), spm ? spm->name : "-", A_NORMAL);
    }
    dl_line(d, _("Description"), dc->description && *dc->description
            ? dc->description : "-", A_NORMAL);
    dl_linef(d, _("Clusters"), A_NORMAL, "%u", clusters);
    dl_linef(d, _("Hosts"), A_NORMAL, _("%u up of %u"), up, hosts);
    dl_linef(d, _("VMs"), A_NORMAL, _("%u running of %u"), running, vms);
    dc_storage(d, m, dc);
    recent_events(d, m, dc->name);
}

/* The cluster's live-migration defaults, over two lines. */
static void
mig_defaults(struct dl *d, const struct migrate_opts *o)
{
    char bw[32], dt[32], to[32];

    if (o->bandwidth_mibs)
        snprintf(bw, sizeof(bw), "%lu MiB/s", o->bandwidth_mibs);
    else
        snprintf(bw, sizeof(bw), "%s", _("unlimited"));
    if (o->max_downtime_ms)
        snprintf(dt, sizeof(dt), "%llu ms", o->max_downtime_ms);
    else
        snprintf(dt, sizeof(dt), "%s", _("default"));
    if (o->timeout_s)
        snprintf(to, sizeof(to), "%u s, %s", o->timeout_s,
                 mig_timeout_action_name(o->timeout_action));
    else
        snprintf(to, sizeof(to), "%s", _("none"));
    dl_linef(d, _("Migration"), A_NORMAL, _("bandwidth %s, downtime %s, "
                                           "timeout %s"), bw, dt, to);
    dl_linef(d, "", A_NORMAL, _("auto-converge %s, post-copy %s, copy "
                                "storage %s"),
             o->auto_converge ? _("yes") : _("no"),
             o->postcopy ? _("yes") : _("no"),
             o->copy_storage ? _("yes") : _("no"));
}

static void
paint_cluster(struct dl *d, struct ui *ui, const struct cluster *c)
{
    struct model *m = ui_model(ui);
    const struct dc *dc = model_dc_by_id(m, c->dc_id);
    unsigned hosts = 0, up = 0, vms = 0, running = 0;

    for (size_t i = 0; i < m->hosts.len; i++) {
        const struct host *h = m->hosts.items[i];
        if (h->cluster_id != c->id)
            continue;
        hosts++;
        up += h->state == HOST_UP;
        for (size_t k = 0; k < h->vms.len; k++) {
            const struct vm *vm = h->vms.items[k];
            vms++;
            running += vm->state == VM_RUNNING || vm->state == VM_BLOCKED;
        }
    }
    dl_line(d, _("Cluster"), c->name, A_BOLD);
    dl_line(d, _("Data center"), dc ? dc->name : "-", A_NORMAL);
    dl_line(d, _("Description"), c->description && *c->description
            ? c->description : "-", A_NORMAL);
    dl_linef(d, _("Hosts"), A_NORMAL, _("%u up of %u"), up, hosts);
    dl_linef(d, _("VMs"), A_NORMAL, _("%u running of %u"), running, vms);
    mig_defaults(d, &c->mig);
    recent_events(d, m, c->name);
}

static void
paint_sd(struct dl *d, struct ui *ui, const struct sd *sd)
{
    struct model *m = ui_model(ui);

    dl_line(d, _("Storage"), sd->name, A_BOLD);
    if (sd->role == SD_EXPORT)
        dl_linef(d, _("Role"), colors_attr(CE_STATE_WARN), "%s (%s)",
                 sd_role_label(sd->role), _("deprecated: import only"));
    else
        dl_line(d, _("Role"), sd_role_label(sd->role), A_NORMAL);
    dl_line(d, _("Type"), sd->backend == SD_NFS ? "NFS" : "iSCSI", A_NORMAL);
    dl_line(d, _("Address"), sd->address ? sd->address : "-", A_NORMAL);
    dl_line(d, _("Path"), sd->path ? sd->path : "-", A_NORMAL);
    if (sd->luns)
        dl_line(d, _("LUNs"), sd->luns, A_NORMAL);
    if (sd->chap_user)
        dl_line(d, _("CHAP user"), sd->chap_user, A_NORMAL);
    for (size_t k = 0; k < sd->dc_ids.len; k++) {
        const struct sd_att *a = sd->dc_ids.items[k];
        const struct dc *dc = model_dc_by_id(m, a->dc_id);
        if (!dc)
            continue;
        dl_linef(d, k ? "" : _("Data center"),
                 a->active ? colors_attr(CE_STATE_UP)
                           : colors_attr(CE_STATE_WARN),
                 "%s: %s", dc->name, att_label(a));
    }
    if (!sd->dc_ids.len)
        dl_line(d, _("Data center"), _("attached nowhere"), A_NORMAL);
    if (sd->have_space && sd->total_bytes) {
        char fr[16], tot[16];
        text_bytes(fr, sizeof(fr), (double)sd->free_bytes);
        text_bytes(tot, sizeof(tot), (double)sd->total_bytes);
        dl_linef(d, _("Space"), A_NORMAL, _("%s free of %s"), fr, tot);
    } else {
        dl_line(d, _("Space"), _("- (not checked yet)"), A_NORMAL);
    }
    if (sd->problem)
        dl_line(d, _("Problem"), sd->problem, colors_attr(CE_ERROR));
    recent_events(d, m, sd->name);
}

/* A task: everything the tasks pane has no room for. */
static void
paint_task(struct dl *d, struct ui *ui, const struct task *t)
{
    struct model *m = ui_model(ui);
    const struct host *src = t->src_host ? model_host_by_id(m, t->src_host)
                                         : NULL;
    const struct host *dst = t->dst_host ? model_host_by_id(m, t->dst_host)
                                         : NULL;
    bool p = t->have_progress;
    char a[16], b[16], c[16], when[16];
    struct tm tm;
    time_t end = t->state == TASK_RUNNING ? time(NULL) : t->ended;
    int y, bw = d->cols - 1 - d->label_w;

    dl_linef(d, _("Task"), A_BOLD, "%s %s", _(task_kind_name(t->kind)),
             t->object ? t->object : "");
    dl_line(d, _("State"), t->state == TASK_RUNNING && t->cancel_requested
            ? _("cancelling") : _(task_state_name(t->state)),
            colors_attr(t->state == TASK_FAILED ? CE_ERROR
                        : t->state == TASK_DONE ? CE_OK
                        : t->state == TASK_RUNNING ? CE_STATE_UP
                        : CE_STATE_WARN));
    dl_line(d, _("From"), src ? src->name : t->src_name ? t->src_name : "-",
            A_NORMAL);
    dl_line(d, _("To"), dst ? dst->name : t->dst_name ? t->dst_name
            : t->kind == TASK_EVACUATE ? _("other hosts")
            : t->where ? t->where : "-", A_NORMAL);
    localtime_r(&t->started, &tm);
    strftime(when, sizeof(when), "%H:%M:%S", &tm);
    dl_line(d, _("Started"), t->started ? when : "-", A_NORMAL);
    if (t->started && end >= t->started)
        dl_linef(d, _("Time"), A_NORMAL, _("%ld s"), (long)(end - t->started));
    else
        dl_line(d, _("Time"), "-", A_NORMAL);
    y = dl_next(d);
    if (y > 0) {
        bool known = p && t->percent >= 0;
        char pct[16];
        snprintf(pct, sizeof(pct), "%.1f%%", known ? t->percent : 0.0);
        draw_text(d->w, y, 1, _("Progress"), d->label_w, true, A_BOLD);
        draw_bar(d->w, y, 1 + d->label_w, bw > 40 ? 40 : bw, known,
                 t->percent, pct);
        if (bw > 40)
            draw_fill(d->w, y, 1 + d->label_w + 40, bw - 40, A_NORMAL);
    }
    if (p && t->data_total) {
        text_bytes(a, sizeof(a), (double)t->data_processed);
        text_bytes(b, sizeof(b), (double)t->data_total);
        text_bytes(c, sizeof(c), (double)t->data_remaining);
        dl_linef(d, _("Data"), A_NORMAL, _("%s of %s copied, %s to go"), a, b,
                 c);
    } else {
        dl_line(d, _("Data"), "-", A_NORMAL);
    }
    if (p && t->mem_bps) {
        text_bytes(a, sizeof(a), (double)t->mem_bps);
        dl_linef(d, _("Speed"), A_NORMAL, "%s/s", a);
    } else {
        dl_line(d, _("Speed"), "-", A_NORMAL);
    }
    if (p && t->iteration)
        dl_linef(d, _("Pass"), A_NORMAL, "%u", t->iteration);
    else
        dl_line(d, _("Pass"), "-", A_NORMAL);
    if (p && t->downtime_ms)
        dl_linef(d, _("Downtime"), A_NORMAL, _("%llu ms expected"),
                 (unsigned long long)t->downtime_ms);
    else
        dl_line(d, _("Downtime"), "-", A_NORMAL);
    if (t->message && *t->message) {
        /* the last word is a sentence: wrap it */
        int ry = dl_next(d), rused;
        if (ry > 0) {
            draw_text(d->w, ry, 1, _("Result"), d->label_w, true, A_BOLD);
            rused = draw_wrapped(d->w, ry, 1 + d->label_w,
                                 D.rows - ry + 1 < 5 ? D.rows - ry + 1 : 5,
                                 d->cols - 1 - d->label_w, t->message,
                                 t->state == TASK_FAILED
                                 ? colors_attr(CE_ERROR) : A_NORMAL);
            d->line += rused > 1 ? rused - 1 : 0;
        }
    }
    /* an interrupted task: what it may have left behind, each a sentence
     * saying what to check */
    for (size_t i = 0; t->state == TASK_INTERRUPTED && i < t->left.len; i++) {
        int ry = dl_next(d), rused;
        char *text;
        if (ry <= 0)
            break;
        text = task_left_describe(t->left.items[i]);
        draw_text(d->w, ry, 1, i ? "" : _("Left"), d->label_w, true, A_BOLD);
        rused = draw_wrapped(d->w, ry, 1 + d->label_w,
                             D.rows - ry + 1 < 4 ? D.rows - ry + 1 : 4,
                             d->cols - 1 - d->label_w, text,
                             colors_attr(CE_STATE_WARN));
        d->line += rused > 1 ? rused - 1 : 0;
        free(text);
    }
    if (t->state == TASK_INTERRUPTED && t->resolved) {
        int ry = dl_next(d);
        if (ry > 0)
            draw_wrapped(d->w, ry, 1 + d->label_w, 2,
                         d->cols - 1 - d->label_w, t->resolved, A_NORMAL);
    }
}

static void
detail_paint(struct ui *ui, WINDOW *w)
{
    const struct node *n = ui_current(ui);
    struct dl d = { .w = w, .cols = getmaxx(w) };
    void *obj = NULL;

    if (!node_eq(n, &D.shown)) {
        D.shown = *n;
        D.offset = 0;
    }
    werase(w);
    draw_title(w, _("Details"), ui_focus(ui) == PANE_DETAIL);
    switch (n->kind) {
    case NODE_HOST: d.label_w = label_width(LABELS(host_labels)); break;
    case NODE_VM: d.label_w = label_width(LABELS(vm_labels)); break;
    case NODE_SD: d.label_w = label_width(LABELS(sd_labels)); break;
    case NODE_TASK: d.label_w = label_width(LABELS(task_labels)); break;
    default: d.label_w = label_width(LABELS(group_labels)); break;
    }
    if (d.label_w > d.cols / 3)
        d.label_w = d.cols / 3;
    switch (n->kind) {
    case NODE_HOST:
        if ((obj = node_host(ui, n)))
            paint_host(&d, ui, obj);
        break;
    case NODE_VM:
        if ((obj = node_vm(ui, n)))
            paint_vm(&d, ui, obj);
        break;
    case NODE_DC:
        if ((obj = node_dc(ui, n)))
            paint_dc(&d, ui, obj);
        break;
    case NODE_CLUSTER:
        if ((obj = node_cluster(ui, n)))
            paint_cluster(&d, ui, obj);
        break;
    case NODE_SD:
        if ((obj = node_sd(ui, n)))
            paint_sd(&d, ui, obj);
        break;
    case NODE_TASK:
        if ((obj = node_task(ui, n)))
            paint_task(&d, ui, obj);
        break;
    default:
        break;
    }
    if (!obj)
        dl_line(&d, "", _("Nothing selected."), A_NORMAL);
    D.lines = d.line;
}

static void
detail_resize(struct ui *ui, int rows, int cols)
{
    D.rows = rows - 1;
}

static void
detail_update(struct ui *ui, unsigned ev)
{
    if (ev)
        ui_dirty(ui, PANE_DETAIL);
}

static enum ui_result
detail_cmd(struct ui *ui, enum action a)
{
    int max = D.lines > D.rows ? D.lines - D.rows : 0, old = D.offset;

    switch (a) {
    case ACT_UP: D.offset--; break;
    case ACT_DOWN: D.offset++; break;
    case ACT_PAGE_UP: D.offset -= D.rows; break;
    case ACT_PAGE_DOWN: D.offset += D.rows; break;
    case ACT_HOME: D.offset = 0; break;
    case ACT_END: D.offset = max; break;
    default: return UI_IGNORED;
    }
    if (D.offset > max)
        D.offset = max;
    if (D.offset < 0)
        D.offset = 0;
    if (D.offset != old)
        ui_dirty(ui, PANE_DETAIL);
    return UI_HANDLED;
}

static void
detail_close(struct ui *ui)
{
    memset(&D, 0, sizeof(D));
}

const struct screen_ops detail_ops = {
    .close = detail_close,
    .resize = detail_resize,
    .update = detail_update,
    .paint = detail_paint,
    .cmd = detail_cmd,
};
