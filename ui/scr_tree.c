/* scr_tree.c: the inventory tree pane (see scr_tree.h).
 *
 * The visible rows are rebuilt from the model when the inventory, a
 * host's state or the VMs change, then the selection is found again by
 * id.  Data centers and clusters start open, hosts closed: the list pane
 * shows a host's VMs, and a host of 10,000 VMs opened in the tree is the
 * operator's choice.  A storage domain shows under each data center it
 * is attached to (an ISO domain may be under several), and at the end
 * when it is attached nowhere, so it can be attached again. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/scr_tree.h"
#include "ui/widget_list.h"
#include "src/model.h"
#include "src/util/hmap.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"

struct trow {
    struct node n;
    int depth;
    bool children;
    bool open;
};

static struct {
    struct ui *ui;
    struct wlist list;
    struct trow *rows;
    size_t len, cap;
    struct hmap open;       /* node key -> OPEN or CLOSED */
    struct node sel;        /* the selection, by id */
    struct node told;       /* what the list was last told */
} T;

#define OPEN ((void *)1)
#define CLOSED ((void *)2)

static void
node_key(const struct node *n, char *buf, size_t len)
{
    if (n->kind == NODE_VM)
        snprintf(buf, len, "v%s", n->uuid);
    else
        snprintf(buf, len, "%d:%lld", (int)n->kind, (long long)n->id);
}

static bool
node_is_open(const struct node *n)
{
    char key[64];
    void *v;

    node_key(n, key, sizeof(key));
    v = hmap_get(&T.open, key);
    if (v)
        return v == OPEN;
    return n->kind == NODE_DC || n->kind == NODE_CLUSTER;
}

static void
node_set_open(const struct node *n, bool open)
{
    char key[64];

    node_key(n, key, sizeof(key));
    hmap_put(&T.open, key, open ? OPEN : CLOSED);
}

static void
push(const struct node *n, int depth, bool children)
{
    struct trow *r;

    if (T.len == T.cap) {
        T.cap = T.cap ? T.cap * 2 : 64;
        T.rows = xrealloc(T.rows, T.cap * sizeof(*T.rows));
    }
    r = &T.rows[T.len++];
    r->n = *n;
    r->depth = depth;
    r->children = children;
    r->open = children && node_is_open(n);
}

static int
cluster_cmp(const void *a, const void *b)
{
    const struct cluster *x = *(const struct cluster *const *)a;
    const struct cluster *y = *(const struct cluster *const *)b;
    return strcmp(x->name, y->name);
}

static int
host_cmp(const void *a, const void *b)
{
    const struct host *x = *(const struct host *const *)a;
    const struct host *y = *(const struct host *const *)b;
    return strcmp(x->name, y->name);
}

static int
vm_cmp(const void *a, const void *b)
{
    const struct vm *x = *(const struct vm *const *)a;
    const struct vm *y = *(const struct vm *const *)b;
    return strcmp(x->name, y->name);
}

static bool
sd_in_dc(const struct sd *sd, int64_t dc_id)
{
    return model_sd_att(sd, dc_id) != NULL;
}

static void
add_host(const struct host *h, int depth)
{
    struct node n = { .kind = NODE_HOST, .id = h->id };
    struct vec vms = { 0 };

    push(&n, depth, h->vms.len > 0);
    if (!T.rows[T.len - 1].open)
        return;
    for (size_t i = 0; i < h->vms.len; i++)
        vec_push(&vms, h->vms.items[i]);
    vec_sort(&vms, vm_cmp);
    for (size_t i = 0; i < vms.len; i++) {
        const struct vm *vm = vms.items[i];
        struct node v = { .kind = NODE_VM, .id = h->id };
        snprintf(v.uuid, sizeof(v.uuid), "%s", vm->uuid);
        push(&v, depth + 1, false);
    }
    vec_clear(&vms, NULL);
}

/* Rebuild the rows from the model and find the selection again. */
static void
rebuild(void)
{
    struct model *m = ui_model(T.ui);
    struct vec clusters = { 0 }, hosts = { 0 };
    size_t old_sel = T.list.sel;
    bool found = false;

    T.len = 0;
    for (size_t i = 0; i < m->clusters.len; i++)
        vec_push(&clusters, m->clusters.items[i]);
    vec_sort(&clusters, cluster_cmp);
    for (size_t i = 0; i < m->hosts.len; i++)
        vec_push(&hosts, m->hosts.items[i]);
    vec_sort(&hosts, host_cmp);

    for (size_t i = 0; i < m->dcs.len; i++) {
        const struct dc *dc = m->dcs.items[i];
        struct node n = { .kind = NODE_DC, .id = dc->id };
        bool any = false;

        for (size_t k = 0; k < clusters.len && !any; k++)
            any = ((struct cluster *)clusters.items[k])->dc_id == dc->id;
        for (size_t k = 0; k < m->sds.len && !any; k++)
            any = sd_in_dc(m->sds.items[k], dc->id);
        push(&n, 0, any);
        if (!T.rows[T.len - 1].open)
            continue;
        for (size_t k = 0; k < clusters.len; k++) {
            const struct cluster *c = clusters.items[k];
            struct node cn = { .kind = NODE_CLUSTER, .id = c->id };
            bool has = false;
            if (c->dc_id != dc->id)
                continue;
            for (size_t j = 0; j < hosts.len && !has; j++)
                has = ((struct host *)hosts.items[j])->cluster_id == c->id;
            push(&cn, 1, has);
            if (!T.rows[T.len - 1].open)
                continue;
            for (size_t j = 0; j < hosts.len; j++) {
                const struct host *h = hosts.items[j];
                if (h->cluster_id == c->id)
                    add_host(h, 2);
            }
        }
        for (size_t k = 0; k < m->sds.len; k++) {
            const struct sd *sd = m->sds.items[k];
            struct node sn = { .kind = NODE_SD, .id = sd->id,
                               .dc_id = dc->id };
            if (sd_in_dc(sd, dc->id))
                push(&sn, 1, false);
        }
    }
    for (size_t k = 0; k < m->sds.len; k++) {
        const struct sd *sd = m->sds.items[k];
        struct node sn = { .kind = NODE_SD, .id = sd->id };
        if (!sd->dc_ids.len)
            push(&sn, 0, false);
    }
    vec_clear(&clusters, NULL);
    vec_clear(&hosts, NULL);

    for (size_t i = 0; i < T.len; i++) {
        if (node_eq(&T.rows[i].n, &T.sel)) {
            T.list.sel = i;
            found = true;
            break;
        }
    }
    if (!found)
        T.list.sel = old_sel;
    wlist_set_count(&T.list, T.len);
    if (T.len)
        T.sel = T.rows[T.list.sel].n;
    else
        memset(&T.sel, 0, sizeof(T.sel));
    ui_dirty(T.ui, PANE_TREE);
}

/* Tell the console when the selection is another object than before. */
static void
tell(void)
{
    if (node_eq(&T.sel, &T.told))
        return;
    T.told = T.sel;
    ui_tree_selected(T.ui, &T.sel);
}

/* A data center's or cluster's symbol sums up its hosts: '!' when one is
 * NonResponsive, '~' when one is connecting, '+' when all are Up.  A data
 * center that is not Up says so first: '!' without an SPM, 'u' when
 * Uninitialized (no active data domain). */
static void
group_symbol(struct ui *ui, const struct node *n, char *sym, int *color)
{
    struct model *m = ui_model(ui);
    unsigned hosts = 0, down = 0, connecting = 0;

    for (size_t i = 0; i < m->hosts.len; i++) {
        const struct host *h = m->hosts.items[i];
        const struct cluster *c = model_cluster_by_id(m, h->cluster_id);
        if (n->kind == NODE_CLUSTER ? h->cluster_id != n->id
            : (!c || c->dc_id != n->id))
            continue;
        hosts++;
        down += h->state == HOST_NONRESPONSIVE;
        connecting += h->state == HOST_CONNECTING;
    }
    if (n->kind == NODE_DC) {
        const struct dc *dc = model_dc_by_id(m, n->id);
        if (dc && dc->status == DC_NONRESPONSIVE) {
            *sym = '!';
            *color = CE_STATE_DOWN;
            return;
        }
        if (dc && dc->status == DC_UNINITIALIZED) {
            *sym = 'u';
            *color = CE_STATE_WARN;
            return;
        }
    }
    if (!hosts) {
        *sym = ' ';
        *color = CE_NORMAL;
    } else if (down) {
        *sym = host_state_symbol(HOST_NONRESPONSIVE);
        *color = CE_STATE_DOWN;
    } else if (connecting) {
        *sym = host_state_symbol(HOST_CONNECTING);
        *color = CE_STATE_WARN;
    } else {
        *sym = host_state_symbol(HOST_UP);
        *color = CE_STATE_UP;
    }
}

static void
tree_row(void *opaque, size_t i, WINDOW *w, int y, int x, int width,
         attr_t sel_attr)
{
    const struct trow *r = &T.rows[i];
    struct ui *ui = opaque;
    const char *name = "?";
    const char *mark = NULL;        /* after the name: " SPM" */
    char sym = ' ';
    int color = CE_NORMAL, indent = r->depth * 2, col = x;
    attr_t base = sel_attr ? sel_attr : A_NORMAL;

    switch (r->n.kind) {
    case NODE_DC: {
        struct dc *dc = node_dc(ui, &r->n);
        name = dc ? dc->name : "?";
        break;
    }
    case NODE_CLUSTER: {
        struct cluster *c = node_cluster(ui, &r->n);
        name = c ? c->name : "?";
        break;
    }
    case NODE_HOST: {
        struct host *h = node_host(ui, &r->n);
        if (h) {
            const struct cluster *c = model_cluster_by_id(ui_model(ui),
                                                          h->cluster_id);
            const struct dc *dc = c ? model_dc_by_id(ui_model(ui), c->dc_id)
                                    : NULL;
            name = h->name;
            sym = host_state_symbol(h->state);
            color = host_state_color(h->state);
            if (dc && dc->spm_host == h->id)
                mark = _(" SPM");
        }
        break;
    }
    case NODE_VM: {
        struct vm *vm = node_vm(ui, &r->n);
        if (vm) {
            name = vm->name;
            sym = vm_state_symbol(vm->state);
            color = vm_state_color(vm->state);
        }
        break;
    }
    case NODE_SD: {
        struct sd *sd = node_sd(ui, &r->n);
        const struct sd_att *a = sd && r->n.dc_id
                                 ? model_sd_att(sd, r->n.dc_id) : NULL;
        name = sd ? sd->name : "?";
        /* active '#'; in maintenance 'm'; attached nowhere '-' */
        sym = a ? (a->active ? '#' : 'm') : '-';
        color = a ? (a->active ? CE_NORMAL : CE_STATE_WARN) : CE_STATE_OFF;
        if (sd && sd->problem) {
            sym = '!';          /* unreachable: readable without colour */
            color = CE_STATE_DOWN;
        }
        break;
    }
    default:
        break;
    }
    if (indent > width - 4)
        indent = width - 4 > 0 ? width - 4 : 0;
    draw_fill(w, y, col, indent, base);
    col += indent;
    /* U+25B8 and U+25BE are narrow in every locale, unlike most arrows */
    draw_text(w, y, col, r->children ? (r->open ? "\u25be" : "\u25b8") : " ",
              1, true, base);
    col++;
    if (r->n.kind == NODE_DC || r->n.kind == NODE_CLUSTER)
        group_symbol(ui, &r->n, &sym, &color);
    {
        char s[3] = { ' ', sym, 0 };
        draw_text(w, y, col, s, 2, true,
                  sel_attr ? sel_attr : colors_attr(color));
        col += 2;
    }
    draw_text(w, y, col, " ", 1, true, base);
    col++;
    if (mark) {
        /* the name as far as it goes, the mark right after it */
        int mw = text_width(mark), room = x + width - col - mw;
        int nw = text_width(name);
        if (room > 0) {
            if (nw > room)
                nw = room;
            col = draw_text(w, y, col, name, nw, true, base);
            col = draw_text(w, y, col, mark, mw, true,
                            sel_attr ? sel_attr : colors_attr(CE_OK) | A_BOLD);
        }
        if (col < x + width)
            draw_fill(w, y, col, x + width - col, base);
        return;
    }
    draw_text(w, y, col, name, x + width - col, true,
              sel_attr ? sel_attr :
              r->n.kind == NODE_DC ? A_BOLD : A_NORMAL);
}

static void
tree_open(struct ui *ui)
{
    T.ui = ui;
    wlist_init(&T.list, tree_row, ui);
    rebuild();
    /* the list hears of the selection once every pane is open */
}

static void
tree_close(struct ui *ui)
{
    free(T.rows);
    T.rows = NULL;
    T.len = T.cap = 0;
    hmap_clear(&T.open);
    memset(&T.sel, 0, sizeof(T.sel));
    memset(&T.told, 0, sizeof(T.told));
}

static void
tree_resize(struct ui *ui, int rows, int cols)
{
    wlist_set_rows(&T.list, rows - 1);
}

static void
tree_update(struct ui *ui, unsigned ev)
{
    if (ev & (MODEL_EV_INVENTORY | MODEL_EV_HOST_STATE | MODEL_EV_VM_LIST |
              MODEL_EV_VM_STATE)) {
        rebuild();
        tell();
    }
}

/* The last column is the line between the tree and the list. */
static void
tree_paint(struct ui *ui, WINDOW *w)
{
    int cols = getmaxx(w) - 1, rows = getmaxy(w);
    bool focused = ui_focus(ui) == PANE_TREE;

    draw_fill(w, 0, 0, cols, colors_attr(focused ? CE_TITLE_FOCUS
                                                 : CE_TITLE));
    draw_text(w, 0, 1, _("Inventory"), cols - 1, true,
              colors_attr(focused ? CE_TITLE_FOCUS : CE_TITLE));
    wattrset(w, A_NORMAL);
    mvwvline(w, 0, cols, ACS_VLINE, rows);
    if (!T.len) {
        for (int y = 1; y < rows; y++)
            draw_fill(w, y, 0, cols, A_NORMAL);
        draw_wrapped(w, 2, 1, 4, cols - 2,
                     _("No data center yet: press A to add one."), A_NORMAL);
        return;
    }
    wlist_paint(&T.list, w, 1, 0, cols, focused);
}

/* The row of the parent of row i, or i when it has none. */
static size_t
parent_row(size_t i)
{
    for (size_t k = i; k-- > 0;) {
        if (T.rows[k].depth < T.rows[i].depth)
            return k;
    }
    return i;
}

static enum ui_result
tree_cmd(struct ui *ui, enum action a)
{
    bool moved = false;
    struct trow *r = T.len ? &T.rows[T.list.sel] : NULL;

    if (wlist_cmd(&T.list, a, &moved) == UI_HANDLED) {
        if (moved && T.len) {
            T.sel = T.rows[T.list.sel].n;
            ui_dirty(ui, PANE_TREE);
            tell();
        }
        return UI_HANDLED;
    }
    if (!r)
        return UI_IGNORED;
    switch (a) {
    case ACT_RIGHT:
        if (r->children && !r->open) {
            node_set_open(&r->n, true);
            rebuild();
        } else if (r->children && T.list.sel + 1 < T.len) {
            wlist_select(&T.list, T.list.sel + 1);
            T.sel = T.rows[T.list.sel].n;
            ui_dirty(ui, PANE_TREE);
            tell();
        }
        return UI_HANDLED;
    case ACT_LEFT:
        if (r->children && r->open) {
            node_set_open(&r->n, false);
            rebuild();
        } else {
            wlist_select(&T.list, parent_row(T.list.sel));
            T.sel = T.rows[T.list.sel].n;
            ui_dirty(ui, PANE_TREE);
            tell();
        }
        return UI_HANDLED;
    case ACT_OPEN:
        if (r->children) {
            node_set_open(&r->n, !r->open);
            rebuild();
        } else if (r->n.kind == NODE_VM) {
            ui_set_focus(ui, PANE_DETAIL);
        }
        return UI_HANDLED;
    default:
        return UI_IGNORED;
    }
}

const struct node *
scr_tree_selected(void)
{
    return &T.sel;
}

int
scr_tree_select(struct ui *ui, const struct node *n)
{
    struct model *m = ui_model(ui);
    struct node anc;

    /* open the ancestors first, so the node has a row */
    if (n->kind == NODE_VM || n->kind == NODE_HOST) {
        struct host *h = model_host_by_id(m, n->id);
        struct cluster *c = h ? model_cluster_by_id(m, h->cluster_id) : NULL;
        if (n->kind == NODE_VM && h) {
            anc = (struct node){ .kind = NODE_HOST, .id = h->id };
            node_set_open(&anc, true);
        }
        if (c) {
            anc = (struct node){ .kind = NODE_CLUSTER, .id = c->id };
            node_set_open(&anc, true);
            anc = (struct node){ .kind = NODE_DC, .id = c->dc_id };
            node_set_open(&anc, true);
        }
    } else if (n->kind == NODE_CLUSTER) {
        struct cluster *c = model_cluster_by_id(m, n->id);
        if (c) {
            anc = (struct node){ .kind = NODE_DC, .id = c->dc_id };
            node_set_open(&anc, true);
        }
    } else if (n->kind == NODE_SD && n->dc_id) {
        anc = (struct node){ .kind = NODE_DC, .id = n->dc_id };
        node_set_open(&anc, true);
    }
    T.sel = *n;
    rebuild();
    tell();
    return node_eq(&T.sel, n) ? 0 : -1;
}

const struct screen_ops scr_tree_ops = {
    .open = tree_open,
    .close = tree_close,
    .resize = tree_resize,
    .update = tree_update,
    .paint = tree_paint,
    .cmd = tree_cmd,
};
