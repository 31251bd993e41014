/* scr_list.c: the list pane (see scr_list.h).
 *
 * Rows are rebuilt (collected, filtered, sorted, stored as ids) only when
 * the scope, the filter, the sort or the objects listed change; a stats
 * tick repaints the visible rows and nothing else, unless the list is
 * sorted by a number that just changed.  Columns are dropped by priority
 * when the pane is narrow, and measured in terminal cells so Hangul names
 * line up. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/scr_list.h"
#include "ui/scr_tree.h"
#include "ui/widget_list.h"
#include "src/model.h"
#include "src/util/hmap.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"

enum list_kind { LK_NONE, LK_VMS, LK_HOSTS, LK_SDS };

enum col_id {
    C_NAME, C_STATE, C_HOST, C_VCPU, C_CPU, C_MEM, C_DISK, C_NET, C_UPTIME,
    C_CLUSTER, C_VMS, C_REASON, C_ROLE, C_BACKEND, C_ADDRESS, C_PATH,
    C_DC, C_ATTACH,
};

struct col {
    enum col_id id;
    const char *label;      /* N_() */
    int width;              /* natural width in cells */
    bool right;             /* right-aligned (numbers) */
    int prio;               /* lower stays longer when narrow */
    bool flex;              /* takes the room left over */
    bool desc;              /* sorts high to low first */
};

static const struct col vm_cols[] = {
    { C_NAME, N_("Name"), 12, false, 0, false, false },
    { C_STATE, N_("State"), 8, false, 1, false, false },
    { C_HOST, N_("Host"), 12, false, 4, false, false },
    { C_VCPU, N_("vCPU"), 4, true, 5, false, true },
    { C_CPU, N_("CPU%"), 6, true, 2, false, true },
    { C_MEM, N_("Memory"), 10, true, 3, false, true },
    { C_DISK, N_("Disk r/w"), 13, true, 7, false, true },
    { C_NET, N_("Net rx/tx"), 13, true, 8, false, true },
    { C_UPTIME, N_("Uptime"), 9, true, 6, false, true },
};

static const struct col host_cols[] = {
    { C_NAME, N_("Name"), 12, false, 0, false, false },
    { C_STATE, N_("State"), 8, false, 1, false, false },
    { C_CPU, N_("CPU%"), 6, true, 2, false, true },
    { C_MEM, N_("Memory"), 11, true, 3, false, true },
    { C_VMS, N_("VMs"), 7, true, 4, false, true },
    { C_CLUSTER, N_("Cluster"), 12, false, 6, false, false },
    { C_REASON, N_("Reason"), 10, false, 5, true, false },
};

/* One row per attachment: a domain in two data centers has two rows, one
 * attached nowhere has one. */
static const struct col sd_cols[] = {
    { C_NAME, N_("Name"), 12, false, 0, false, false },
    { C_DC, N_("Data center"), 10, false, 1, false, false },
    { C_ATTACH, N_("Status"), 8, false, 1, false, false },
    { C_ROLE, N_("Role"), 6, false, 2, false, false },
    { C_BACKEND, N_("Type"), 5, false, 3, false, false },
    { C_ADDRESS, N_("Address"), 15, false, 4, false, false },
    { C_PATH, N_("Path"), 10, false, 5, true, false },
};

#define MAX_COLS 12
#define NAME_MAX_WIDTH 40

static struct {
    struct ui *ui;
    struct wlist list;
    enum list_kind kind;
    struct node scope;
    bool dc_vms;            /* data centers and clusters list their VMs */
    struct node *rows;
    size_t len, cap;
    struct node sel;
    char *filter;
    struct hmap marks;      /* uuid -> (void *)1 */
    unsigned nmarks;
    size_t nsds;            /* storage domains listed (rows count
                             * attachments) */
    int sort_col;           /* index into the kind's columns */
    bool sort_rev;
    int width[MAX_COLS];    /* per column, -1: hidden */
    int prefix;
    int cols;               /* pane width the layout is for */
} L;

static const struct col *
kind_cols(enum list_kind k, size_t *n)
{
    switch (k) {
    case LK_VMS:
        *n = sizeof(vm_cols) / sizeof(*vm_cols);
        return vm_cols;
    case LK_HOSTS:
        *n = sizeof(host_cols) / sizeof(*host_cols);
        return host_cols;
    case LK_SDS:
        *n = sizeof(sd_cols) / sizeof(*sd_cols);
        return sd_cols;
    default:
        *n = 0;
        return NULL;
    }
}

/* A storage domain's state in the data center dc_id (0: none). */
static const char *
attach_label(const struct sd *sd, int64_t dc_id)
{
    const struct sd_att *a = dc_id ? model_sd_att(sd, dc_id) : NULL;

    if (!a)
        return _("unattached");
    return a->active ? _("active") : _("maintenance");
}

/* Natural width: at least the translated label and its sort mark. */
static int
col_width(const struct col *c)
{
    int w = text_width(_(c->label)) + 1;
    if (c->id == C_ATTACH || c->id == C_ROLE) {
        const char *words[] = { _("unattached"), _("active"),
                                _("maintenance") };
        const char *roles[] = { sd_role_label(SD_DATA),
                                sd_role_label(SD_ISO),
                                sd_role_label(SD_EXPORT) };
        const char **wl = c->id == C_ROLE ? roles : words;
        for (size_t i = 0; i < 3; i++) {
            if (text_width(wl[i]) > w)
                w = text_width(wl[i]);
        }
    }
    if (c->id == C_STATE) {
        int last = L.kind == LK_VMS ? VM_PMSUSPENDED : HOST_STATE_LAST;
        for (int s = 0; s <= last; s++) {
            int sw = text_width(L.kind == LK_VMS ? vm_state_label(s)
                                : host_state_label(s));
            /* too long for a column: shortened in host_cells */
            if (L.kind == LK_HOSTS && s == HOST_PREPARING_MAINTENANCE)
                continue;
            if (sw > w)
                w = sw;
        }
    }
    return w > c->width ? w : c->width;
}

/* Choose the columns that fit in cols cells, by priority. */
static void
layout(int cols)
{
    size_t n;
    const struct col *c = kind_cols(L.kind, &n);
    int avail, used, name = -1, flex = -1;

    L.cols = cols;
    L.prefix = L.kind == LK_SDS ? 1 : 3;
    avail = cols - L.prefix;
    for (size_t i = 0; i < MAX_COLS; i++)
        L.width[i] = -1;
    if (!n)
        return;
    used = 12;
    for (int prio = 0; prio < 16; prio++) {
        for (size_t i = 0; i < n; i++) {
            int w;
            if (c[i].prio != prio)
                continue;
            if (c[i].id == C_NAME) {
                name = (int)i;
                L.width[i] = 12;
                continue;
            }
            w = col_width(&c[i]);
            if (used + 1 + w <= avail) {
                L.width[i] = w;
                used += 1 + w;
                if (c[i].flex)
                    flex = (int)i;
            }
        }
    }
    if (name >= 0) {
        int extra = avail - used;
        int give = extra > NAME_MAX_WIDTH - 12 ? NAME_MAX_WIDTH - 12 : extra;
        if (give < 0)
            give = 0;
        L.width[name] += give;
        used += give;
        if (L.width[name] > avail)
            L.width[name] = avail > 1 ? avail : 1;
    }
    if (flex >= 0 && avail > used)
        L.width[flex] += avail - used;
}

/* ---- rows ---- */

struct item {
    struct node n;
    const char *name;
    const char *dc;         /* storage domains: the data center's name */
    const char *host;
    int state;
    double num;             /* the sort column's number, -1 unknown */
};

static int
item_cmp(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    size_t n;
    const struct col *c = kind_cols(L.kind, &n);
    enum col_id id = (size_t)L.sort_col < n ? c[L.sort_col].id : C_NAME;
    bool desc = (size_t)L.sort_col < n && c[L.sort_col].desc;
    int r = 0;

    switch (id) {
    case C_NAME:
        break;
    case C_STATE:
        r = x->state - y->state;
        break;
    case C_HOST:
    case C_CLUSTER:
    case C_ROLE:
    case C_BACKEND:
    case C_ADDRESS:
    case C_PATH:
    case C_REASON:
    case C_DC:
    case C_ATTACH:
        r = strcmp(x->host ? x->host : "", y->host ? y->host : "");
        break;
    default:
        /* unknown numbers last, whichever the direction */
        if ((x->num < 0) != (y->num < 0))
            return x->num < 0 ? 1 : -1;
        r = x->num < y->num ? -1 : x->num > y->num ? 1 : 0;
        if (desc)
            r = -r;
        break;
    }
    if (!r)
        r = strcmp(x->name, y->name);
    if (!r)
        r = strcmp(x->dc ? x->dc : "", y->dc ? y->dc : "");
    if (!r)
        r = strcmp(x->n.uuid, y->n.uuid);
    return L.sort_rev ? -r : r;
}

static bool
name_matches(const char *name)
{
    return !L.filter || !*L.filter || strcasestr(name, L.filter);
}

static double
vm_num(const struct vm *vm, enum col_id id)
{
    bool rates = vm->known & STAT_RATES;
    switch (id) {
    case C_VCPU:
        if (vm->known & STAT_VCPU)
            return vm->vcpus_cur;
        return vm->vcpus ? (double)vm->vcpus : -1;
    case C_CPU:
        return rates && (vm->known & STAT_CPU) ? vm->cpu_pct : -1;
    case C_MEM:
        return vm->known & STAT_MEM ? (double)vm->mem_cur_kib
               : vm->mem_max_kib ? (double)vm->mem_max_kib : -1;
    case C_DISK:
        return rates && (vm->known & STAT_DISK) ? vm->rd_bps + vm->wr_bps : -1;
    case C_NET:
        return rates && (vm->known & STAT_NET) ? vm->rx_bps + vm->tx_bps : -1;
    case C_UPTIME:
        return vm->started ? (double)vm->started : -1;
    default:
        return 0;
    }
}

static unsigned
host_running(const struct host *h)
{
    unsigned n = 0;
    for (size_t i = 0; i < h->vms.len; i++) {
        const struct vm *vm = h->vms.items[i];
        if (vm->state == VM_RUNNING || vm->state == VM_BLOCKED)
            n++;
    }
    return n;
}

static double
host_num(const struct host *h, enum col_id id)
{
    switch (id) {
    case C_CPU:
        return (h->known & STAT_CPU) && (h->known & STAT_RATES)
               ? h->cpu_pct : -1;
    case C_MEM:
        return h->known & STAT_MEM
               ? (double)(h->mem_total_kib - h->mem_free_kib) : -1;
    case C_VMS:
        return (double)h->vms.len;
    default:
        return 0;
    }
}

/* Does host h belong to the scope? */
static bool
host_in_scope(const struct model *m, const struct host *h)
{
    const struct cluster *c;

    switch (L.scope.kind) {
    case NODE_HOST:
    case NODE_VM:
        return h->id == L.scope.id;
    case NODE_CLUSTER:
        return h->cluster_id == L.scope.id;
    case NODE_DC:
        c = model_cluster_by_id(m, h->cluster_id);
        return c && c->dc_id == L.scope.id;
    default:
        return false;
    }
}

static void
rebuild(void)
{
    struct model *m = ui_model(L.ui);
    struct item *items = NULL;
    size_t n = 0, cap = 0, ncols;
    const struct col *cols = kind_cols(L.kind, &ncols);
    enum col_id sid = (size_t)L.sort_col < ncols ? cols[L.sort_col].id
                      : C_NAME;
    bool found = false;
    size_t old = L.list.sel;

#define ITEM_PUSH() do { \
        if (n == cap) { \
            cap = cap ? cap * 2 : 256; \
            items = xrealloc(items, cap * sizeof(*items)); \
        } \
        memset(&items[n], 0, sizeof(items[n])); \
    } while (0)

    if (L.kind == LK_VMS) {
        for (size_t i = 0; i < m->hosts.len; i++) {
            const struct host *h = m->hosts.items[i];
            if (!host_in_scope(m, h))
                continue;
            for (size_t k = 0; k < h->vms.len; k++) {
                const struct vm *vm = h->vms.items[k];
                if (!name_matches(vm->name))
                    continue;
                ITEM_PUSH();
                items[n].n.kind = NODE_VM;
                items[n].n.id = h->id;
                snprintf(items[n].n.uuid, sizeof(items[n].n.uuid), "%s",
                         vm->uuid);
                items[n].name = vm->name;
                items[n].host = h->name;
                items[n].state = vm->state;
                items[n].num = vm_num(vm, sid);
                n++;
            }
        }
    } else if (L.kind == LK_HOSTS) {
        for (size_t i = 0; i < m->hosts.len; i++) {
            const struct host *h = m->hosts.items[i];
            const struct cluster *c;
            if (!host_in_scope(m, h) || !name_matches(h->name))
                continue;
            c = model_cluster_by_id(m, h->cluster_id);
            ITEM_PUSH();
            items[n].n.kind = NODE_HOST;
            items[n].n.id = h->id;
            items[n].name = h->name;
            items[n].host = sid == C_REASON ? (h->reason ? h->reason : "")
                            : c ? c->name : "";
            items[n].state = h->state;
            items[n].num = host_num(h, sid);
            n++;
        }
    } else if (L.kind == LK_SDS) {
        L.nsds = 0;
        for (size_t i = 0; i < m->sds.len; i++) {
            const struct sd *sd = m->sds.items[i];
            size_t natt = sd->dc_ids.len;
            if (!name_matches(sd->name))
                continue;
            L.nsds++;
            for (size_t k = 0; k < (natt ? natt : 1); k++) {
                int64_t dc_id = natt ? *(int64_t *)sd->dc_ids.items[k] : 0;
                const struct dc *dc = dc_id ? model_dc_by_id(m, dc_id) : NULL;
                ITEM_PUSH();
                items[n].n.kind = NODE_SD;
                items[n].n.id = sd->id;
                items[n].n.dc_id = dc_id;
                items[n].name = sd->name;
                items[n].dc = dc ? dc->name : "";
                items[n].host = sid == C_ROLE ? sd_role_label(sd->role)
                                : sid == C_BACKEND
                                ? sd_backend_name(sd->backend)
                                : sid == C_PATH ? sd->path
                                : sid == C_DC ? items[n].dc
                                : sid == C_ATTACH ? attach_label(sd, dc_id)
                                : sd->address;
                n++;
            }
        }
    }
#undef ITEM_PUSH
    if (n > 1)
        qsort(items, n, sizeof(*items), item_cmp);
    if (n > L.cap) {
        L.cap = n;
        L.rows = xrealloc(L.rows, L.cap * sizeof(*L.rows));
    }
    for (size_t i = 0; i < n; i++) {
        L.rows[i] = items[i].n;
        if (!found && node_eq(&items[i].n, &L.sel)) {
            L.list.sel = i;
            found = true;
        }
    }
    free(items);
    L.len = n;
    if (!found)
        L.list.sel = old;
    wlist_set_count(&L.list, L.len);
    if (L.len)
        L.sel = L.rows[L.list.sel];
    else
        memset(&L.sel, 0, sizeof(L.sel));
    ui_dirty(L.ui, PANE_LIST);
}

/* ---- painting ---- */

static void
vm_cells(const struct vm *vm, const struct host *h, enum col_id id,
         char *buf, size_t len, const char **text, int *color)
{
    bool rates = vm->known & STAT_RATES;

    *text = buf;
    switch (id) {
    case C_NAME:
        *text = vm->name;
        break;
    case C_STATE:
        *text = vm_state_label(vm->state);
        *color = vm_state_color(vm->state);
        break;
    case C_HOST:
        *text = h ? h->name : "-";
        break;
    case C_VCPU:
        if (vm->known & STAT_VCPU)
            snprintf(buf, len, "%u", vm->vcpus_cur);
        else if (vm->vcpus)
            snprintf(buf, len, "%u", vm->vcpus);
        else
            snprintf(buf, len, "-");
        break;
    case C_CPU:
        fmt_pct(buf, len, rates && (vm->known & STAT_CPU), vm->cpu_pct);
        break;
    case C_MEM: {
        char cur[16] = "-", max[16] = "-";
        if (vm->known & STAT_MEM)
            fmt_kib(cur, sizeof(cur), vm->mem_cur_kib);
        if (vm->mem_max_kib)
            fmt_kib(max, sizeof(max), vm->mem_max_kib);
        snprintf(buf, len, "%s/%s", cur, max);
        break;
    }
    case C_DISK:
        fmt_rates(buf, len, rates && (vm->known & STAT_DISK), vm->rd_bps,
                  vm->wr_bps);
        break;
    case C_NET:
        fmt_rates(buf, len, rates && (vm->known & STAT_NET), vm->rx_bps,
                  vm->tx_bps);
        break;
    case C_UPTIME:
        fmt_uptime(buf, len, vm->started);
        break;
    default:
        snprintf(buf, len, "-");
        break;
    }
}

static void
host_cells(const struct model *m, const struct host *h, enum col_id id,
           char *buf, size_t len, const char **text, int *color)
{
    *text = buf;
    switch (id) {
    case C_NAME:
        *text = h->name;
        break;
    case C_STATE:
        *text = h->state == HOST_PREPARING_MAINTENANCE ? _("Preparing")
                : host_state_label(h->state);
        *color = host_state_color(h->state);
        break;
    case C_CPU:
        fmt_pct(buf, len, (h->known & STAT_CPU) && (h->known & STAT_RATES),
                h->cpu_pct);
        break;
    case C_MEM: {
        char used[16] = "-", total[16] = "-";
        if (h->known & STAT_MEM)
            fmt_kib(used, sizeof(used), h->mem_total_kib > h->mem_free_kib
                    ? h->mem_total_kib - h->mem_free_kib : 0);
        if (h->mem_total_kib)
            fmt_kib(total, sizeof(total), h->mem_total_kib);
        snprintf(buf, len, "%s/%s", used, total);
        break;
    }
    case C_VMS:
        snprintf(buf, len, "%u/%zu", host_running(h), h->vms.len);
        break;
    case C_CLUSTER: {
        const struct cluster *c = model_cluster_by_id(m, h->cluster_id);
        *text = c ? c->name : "-";
        break;
    }
    case C_REASON:
        *text = h->reason && *h->reason ? h->reason : "";
        break;
    default:
        snprintf(buf, len, "-");
        break;
    }
}

static void
sd_cells(const struct model *m, const struct sd *sd, int64_t dc_id,
         enum col_id id, const char **text, int *color)
{
    const struct dc *dc;

    switch (id) {
    case C_NAME: *text = sd->name; break;
    case C_DC:
        dc = dc_id ? model_dc_by_id(m, dc_id) : NULL;
        *text = dc ? dc->name : "-";
        break;
    case C_ATTACH: {
        const struct sd_att *a = dc_id ? model_sd_att(sd, dc_id) : NULL;
        *text = attach_label(sd, dc_id);
        *color = !a ? CE_STATE_OFF : a->active ? CE_STATE_UP : CE_STATE_WARN;
        break;
    }
    case C_ROLE: *text = sd_role_label(sd->role); break;
    case C_BACKEND: *text = sd_backend_name(sd->backend); break;
    case C_ADDRESS: *text = sd->address; break;
    case C_PATH: *text = sd->path; break;
    default: *text = "-"; break;
    }
}

static void
list_row(void *opaque, size_t i, WINDOW *w, int y, int x, int width,
         attr_t sel_attr)
{
    struct ui *ui = opaque;
    struct model *m = ui_model(ui);
    const struct node *n = &L.rows[i];
    size_t ncols;
    const struct col *cols = kind_cols(L.kind, &ncols);
    attr_t base = sel_attr ? sel_attr : A_NORMAL;
    const struct vm *vm = NULL;
    const struct host *h = NULL;
    const struct sd *sd = NULL;
    int col = x;

    if (n->kind == NODE_VM) {
        vm = node_vm(ui, n);
        h = vm ? model_host_by_id(m, vm->host_id) : NULL;
    } else if (n->kind == NODE_HOST) {
        h = node_host(ui, n);
    } else if (n->kind == NODE_SD) {
        sd = node_sd(ui, n);
    }
    if (!vm && !h && !sd) {
        /* gone since the last rebuild; the next update drops it */
        draw_fill(w, y, x, width, base);
        return;
    }
    if (L.prefix == 3) {
        bool marked = vm && hmap_get(&L.marks, vm->uuid);
        char sym[2] = { vm ? vm_state_symbol(vm->state)
                        : host_state_symbol(h->state), 0 };
        int sc = vm ? vm_state_color(vm->state) : host_state_color(h->state);
        draw_text(w, y, col, marked ? "*" : " ", 1, true,
                  sel_attr ? sel_attr | A_BOLD : colors_attr(CE_MARKED));
        draw_text(w, y, col + 1, sym, 1, true,
                  sel_attr ? sel_attr : colors_attr(sc));
        draw_text(w, y, col + 2, " ", 1, true, base);
    } else {
        draw_text(w, y, col, " ", 1, true, base);
    }
    col += L.prefix;
    for (size_t c = 0; c < ncols; c++) {
        char buf[64];
        const char *text = "-";
        int color = CE_NORMAL;
        attr_t a;

        if (L.width[c] < 0)
            continue;
        if (vm)
            vm_cells(vm, h, cols[c].id, buf, sizeof(buf), &text, &color);
        else if (h)
            host_cells(m, h, cols[c].id, buf, sizeof(buf), &text, &color);
        else
            sd_cells(m, sd, n->dc_id, cols[c].id, &text, &color);
        a = sel_attr ? sel_attr : colors_attr(color);
        if (vm && !sel_attr && cols[c].id == C_NAME &&
            hmap_get(&L.marks, vm->uuid))
            a = colors_attr(CE_MARKED);
        if (col + L.width[c] > x + width)
            break;
        draw_text(w, y, col, text, L.width[c], !cols[c].right, a);
        col += L.width[c];
        if (col < x + width) {
            draw_text(w, y, col, " ", 1, true, base);
            col++;
        }
    }
    if (col < x + width)
        draw_fill(w, y, col, x + width - col, base);
}

static const char *
scope_name(struct ui *ui)
{
    switch (L.scope.kind) {
    case NODE_DC: {
        struct dc *d = node_dc(ui, &L.scope);
        return d ? d->name : "?";
    }
    case NODE_CLUSTER: {
        struct cluster *c = node_cluster(ui, &L.scope);
        return c ? c->name : "?";
    }
    case NODE_HOST:
    case NODE_VM: {
        struct host *h = model_host_by_id(ui_model(ui), L.scope.id);
        return h ? h->name : "?";
    }
    default:
        return "";
    }
}

static void
list_paint(struct ui *ui, WINDOW *w)
{
    int cols = getmaxx(w), col;
    size_t ncols;
    const struct col *cdef = kind_cols(L.kind, &ncols);
    struct strbuf t = { 0 };
    char *safe;
    bool focused = ui_focus(ui) == PANE_LIST;

    if (cols != L.cols)
        layout(cols);
    safe = text_safe(scope_name(ui));
    switch (L.kind) {
    case LK_VMS:
        sb_addf(&t, _("VMs of %s (%zu)"), safe, L.len);
        break;
    case LK_HOSTS:
        sb_addf(&t, _("Hosts of %s (%zu)"), safe, L.len);
        break;
    case LK_SDS:
        sb_addf(&t, _("Storage domains (%zu)"), L.nsds);
        break;
    default:
        sb_add(&t, _("Nothing selected"));
        break;
    }
    free(safe);
    if (L.filter && *L.filter) {
        sb_add(&t, "  ");
        sb_addf(&t, _("filter: %s"), L.filter);
    }
    if (L.nmarks) {
        sb_add(&t, "  ");
        sb_addf(&t, ngettext("%u marked", "%u marked", L.nmarks), L.nmarks);
    }
    draw_title(w, sb_str(&t), focused);
    sb_free(&t);

    /* column labels, the sort column marked ^ (up) or v (down) */
    draw_fill(w, 1, 0, cols, colors_attr(CE_COLUMNS));
    col = L.prefix;
    for (size_t c = 0; c < ncols; c++) {
        struct strbuf lab = { 0 };
        if (L.width[c] < 0)
            continue;
        if (col + L.width[c] > cols)
            break;
        sb_add(&lab, _(cdef[c].label));
        if ((int)c == L.sort_col)
            sb_addc(&lab, (cdef[c].desc != L.sort_rev) ? 'v' : '^');
        draw_text(w, 1, col, sb_str(&lab), L.width[c], !cdef[c].right,
                  colors_attr(CE_COLUMNS));
        sb_free(&lab);
        col += L.width[c] + 1;
    }
    if (!L.len) {
        for (int y = 2; y < getmaxy(w); y++) {
            wmove(w, y, 0);
            wclrtoeol(w);
        }
        if (L.filter && *L.filter)
            draw_text(w, 3, 2, _("Nothing matches the filter (Esc in the "
                                 "filter clears it)."), cols - 3, true,
                      A_NORMAL);
        else if (L.kind != LK_NONE)
            draw_text(w, 3, 2, _("Empty."), cols - 3, true, A_NORMAL);
        return;
    }
    wlist_paint(&L.list, w, 2, 0, cols, focused);
}

/* ---- scope, filter, marks ---- */

static enum list_kind
kind_for(const struct node *scope)
{
    switch (scope->kind) {
    case NODE_DC:
    case NODE_CLUSTER:
        return L.dc_vms ? LK_VMS : LK_HOSTS;
    case NODE_HOST:
    case NODE_VM:
        return LK_VMS;
    case NODE_SD:
        return LK_SDS;
    default:
        return LK_NONE;
    }
}

void
scr_list_set_scope(struct ui *ui, const struct node *scope,
                   const struct node *select)
{
    enum list_kind k = kind_for(scope);
    bool same = L.kind == k && L.scope.kind == scope->kind &&
                (L.scope.id == scope->id ||
                 (scope->kind == NODE_VM && L.scope.kind == NODE_VM));

    if (L.kind != k) {
        L.sort_col = 0;
        L.sort_rev = false;
        L.cols = -1;
    }
    L.kind = k;
    L.scope = *scope;
    if (select)
        L.sel = *select;
    else if (!same)
        memset(&L.sel, 0, sizeof(L.sel));
    if (!same)
        L.list.sel = 0;
    rebuild();
    if (!same && !select) {
        wlist_select(&L.list, 0);
        if (L.len)
            L.sel = L.rows[0];
    }
    ui_dirty(ui, PANE_LIST);
}

const struct node *
scr_list_selected(void)
{
    return L.len ? &L.sel : NULL;
}

const char *
scr_list_filter(void)
{
    return L.filter ? L.filter : "";
}

void
scr_list_set_filter(struct ui *ui, const char *text)
{
    if (streq(text, scr_list_filter()))
        return;
    free(L.filter);
    L.filter = text && *text ? xstrdup(text) : NULL;
    rebuild();
}

void
scr_list_marked(struct ui *ui, struct vec *out)
{
    struct model *m = ui_model(ui);
    const char *key;
    void *val;

    /* list order first, then marked VMs outside the current list */
    for (size_t i = 0; i < L.len; i++) {
        if (L.rows[i].kind == NODE_VM && hmap_get(&L.marks, L.rows[i].uuid))
            vec_push(out, xstrdup(L.rows[i].uuid));
    }
    for (size_t it = 0; hmap_next(&L.marks, &it, &key, &val);) {
        bool dup = false;
        for (size_t k = 0; k < out->len && !dup; k++)
            dup = streq(out->items[k], key);
        if (!dup && model_vm_by_uuid(m, key))
            vec_push(out, xstrdup(key));
    }
}

unsigned
scr_list_mark_count(void)
{
    return L.nmarks;
}

void
scr_list_clear_marks(struct ui *ui)
{
    hmap_clear(&L.marks);
    L.nmarks = 0;
    ui_dirty(ui, PANE_LIST);
    ui_dirty(ui, PANE_STATUS);
}

/* ---- the screen interface ---- */

static void
list_open(struct ui *ui)
{
    L.ui = ui;
    L.cols = -1;
    wlist_init(&L.list, list_row, ui);
}

static void
list_close(struct ui *ui)
{
    free(L.rows);
    free(L.filter);
    hmap_clear(&L.marks);
    memset(&L, 0, sizeof(L));
}

static void
list_resize(struct ui *ui, int rows, int cols)
{
    wlist_set_rows(&L.list, rows - 2);
    L.cols = -1;
}

static void
list_update(struct ui *ui, unsigned ev)
{
    size_t n;
    const struct col *c = kind_cols(L.kind, &n);
    bool by_number = (size_t)L.sort_col < n && c[L.sort_col].desc;

    if (ev & (MODEL_EV_INVENTORY | MODEL_EV_HOST_STATE | MODEL_EV_VM_LIST |
              MODEL_EV_VM_STATE) || ((ev & MODEL_EV_STATS) && by_number))
        rebuild();
    else if (ev & MODEL_EV_STATS)
        ui_dirty(ui, PANE_LIST);
}

static enum ui_result
list_cmd(struct ui *ui, enum action a)
{
    bool moved = false;
    size_t n;

    if (wlist_cmd(&L.list, a, &moved) == UI_HANDLED) {
        if (moved) {
            L.sel = L.rows[L.list.sel];
            ui_dirty(ui, PANE_LIST);
        }
        return UI_HANDLED;
    }
    switch (a) {
    case ACT_MARK:
        if (L.len && L.sel.kind == NODE_VM) {
            if (hmap_get(&L.marks, L.sel.uuid)) {
                hmap_del(&L.marks, L.sel.uuid);
                L.nmarks--;
            } else {
                hmap_put(&L.marks, L.sel.uuid, (void *)1);
                L.nmarks++;
            }
            wlist_cmd(&L.list, ACT_DOWN, &moved);
            if (L.len)
                L.sel = L.rows[L.list.sel];
            ui_dirty(ui, PANE_LIST);
            ui_dirty(ui, PANE_STATUS);
        } else {
            ui_message(ui, UI_MSG_INFO, "%s",
                       _("Only VMs can be marked: select a host to list its "
                         "VMs."));
        }
        return UI_HANDLED;
    case ACT_MARK_CLEAR:
        scr_list_clear_marks(ui);
        return UI_HANDLED;
    case ACT_SORT:
        kind_cols(L.kind, &n);
        if (n) {
            L.sort_col = (L.sort_col + 1) % (int)n;
            L.sort_rev = false;
            rebuild();
        }
        return UI_HANDLED;
    case ACT_SORT_REVERSE:
        L.sort_rev = !L.sort_rev;
        rebuild();
        return UI_HANDLED;
    case ACT_VIEW:
        if (L.scope.kind == NODE_DC || L.scope.kind == NODE_CLUSTER) {
            struct node scope = L.scope;
            L.dc_vms = !L.dc_vms;
            L.kind = LK_NONE;
            scr_list_set_scope(ui, &scope, NULL);
        } else {
            ui_message(ui, UI_MSG_INFO, "%s",
                       _("Select a data center or cluster in the tree to "
                         "switch between its hosts and its VMs."));
        }
        return UI_HANDLED;
    case ACT_OPEN:
    case ACT_RIGHT:
        if (!L.len)
            return UI_HANDLED;
        if (L.sel.kind == NODE_HOST) {
            struct node h = L.sel;
            scr_tree_select(ui, &h);
            ui_set_focus(ui, PANE_LIST);
        } else if (L.sel.kind == NODE_VM && a == ACT_OPEN) {
            ui_set_focus(ui, PANE_DETAIL);
        }
        return UI_HANDLED;
    default:
        return UI_IGNORED;
    }
}

const struct screen_ops scr_list_ops = {
    .open = list_open,
    .close = list_close,
    .resize = list_resize,
    .update = list_update,
    .paint = list_paint,
    .cmd = list_cmd,
};
