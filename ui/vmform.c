/* vmform.c: the VM forms (see vmform.h).
 *
 * Three kinds of fields: text that libform edits; choices (cluster, host,
 * disk format, console, yes/no) that Space and the arrows cycle and the
 * first letters select, whose libform field only displays the choice; and
 * the password, whose libform field only displays one '*' per character
 * typed, so the secret never sits in libform's buffers.  The CHAP secret
 * is such a field too; it appears under "Disk on" only while the chosen
 * data domain logs in with CHAP (the form is rebuilt then, as on a
 * resize).  The values live
 * in the form's own array and survive a rebuild (a resize).  When the
 * screen is too low for every field, the form has pages (libform's).
 *
 * Checks reuse the engine's: each field is checked by vm_spec_check() on
 * a specification that is valid but for that field, so the form and the
 * engine say the same sentence; what depends on several fields is left to
 * the engine on Enter. */
#include <config.h>
#include <form.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "ui/actions.h"
#include "ui/colors.h"
#include "ui/draw.h"
#include "ui/formkit.h"
#include "ui/vmform.h"
#include "src/domxml.h"
#include "src/engine.h"
#include "src/model.h"
#include "src/vmspec.h"
#include "src/util/err.h"
#include "src/util/i18n.h"
#include "src/util/mem.h"
#include "src/util/strbuf.h"
#include "src/util/text.h"
#include "src/util/vec.h"

enum vf_id {
    VF_NAME,
    VF_CLUSTER,
    VF_HOST,
    VF_VCPUS,
    VF_MEMORY,
    VF_DISK_ON,
    VF_POOL,
    VF_DISK_GIB,
    VF_DISK_FORMAT,
    VF_VOLUME,
    VF_NETWORK,
    VF_BOOT,
    VF_ISO_IMAGE,
    VF_ISO,
    VF_KERNEL,
    VF_INITRD,
    VF_CMDLINE,
    VF_GFX,
    VF_LISTEN,
    VF_PASSWORD,
    VF_START,
    VF_HA,
    VF_CHAP_SECRET,         /* create, only for a domain with CHAP */
    VF__COUNT
};

enum vf_kind { VK_TEXT, VK_CHOICE, VK_SECRET };

struct vfield {
    enum vf_id id;
    const char *label;      /* N_() */
    enum vf_kind kind;
};

static const struct vfield create_fields[] = {
    { VF_NAME, N_("Name"), VK_TEXT },
    { VF_CLUSTER, N_("Cluster"), VK_CHOICE },
    { VF_HOST, N_("Host"), VK_CHOICE },
    { VF_VCPUS, N_("vCPUs"), VK_TEXT },
    { VF_MEMORY, N_("Memory (MiB)"), VK_TEXT },
    { VF_DISK_ON, N_("Disk on"), VK_CHOICE },
    { VF_POOL, N_("Storage pool"), VK_TEXT },
    { VF_DISK_GIB, N_("Disk size (GiB)"), VK_TEXT },
    { VF_DISK_FORMAT, N_("Disk format"), VK_CHOICE },
    { VF_VOLUME, N_("Existing volume"), VK_TEXT },
    { VF_NETWORK, N_("Network"), VK_TEXT },
    { VF_BOOT, N_("Boot order"), VK_TEXT },
    { VF_ISO_IMAGE, N_("ISO image"), VK_CHOICE },
    { VF_ISO, N_("ISO in a pool"), VK_TEXT },
    { VF_KERNEL, N_("Run-once kernel"), VK_TEXT },
    { VF_INITRD, N_("Run-once initrd"), VK_TEXT },
    { VF_CMDLINE, N_("Kernel command line"), VK_TEXT },
    { VF_GFX, N_("Console"), VK_CHOICE },
    { VF_LISTEN, N_("Listen address"), VK_TEXT },
    { VF_PASSWORD, N_("Password"), VK_SECRET },
    { VF_START, N_("Start after create"), VK_CHOICE },
    { VF_HA, N_("HA"), VK_CHOICE },
};

static const struct vfield edit_fields[] = {
    { VF_VCPUS, N_("vCPUs"), VK_TEXT },
    { VF_MEMORY, N_("Memory (MiB)"), VK_TEXT },
    { VF_BOOT, N_("Boot order"), VK_TEXT },
    { VF_GFX, N_("Console"), VK_CHOICE },
    { VF_LISTEN, N_("Listen address"), VK_TEXT },
    { VF_PASSWORD, N_("Password"), VK_SECRET },
    { VF_HA, N_("HA"), VK_CHOICE },
};

#define MAX_FIELDS VF__COUNT
_Static_assert(MAX_FIELDS <= FORMKIT_MAX_FIELDS, "too many fields");
#define FIELD_MAX 4096          /* bytes a text field takes */
#define MSG_ROWS 3
#define DEFAULT_MEM_MIB 1024
#define DEFAULT_DISK_GIB "10"
/* a kernel path that passes the checks, for checking the initrd alone */
#define SOME_KERNEL "/boot/vmlinuz"

struct vform {
    bool edit;
    struct modal *modal;
    struct vfield fields[MAX_FIELDS];   /* create: the fields shown now */
    char uuid[37];              /* edit: the VM, by id */
    char *vm_name;              /* edit: for messages */
    bool running;               /* edit: it ran when the form opened */
    bool had_password;          /* edit: the VM has a console password */
    const struct vfield *spec;
    int n;
    char *val[MAX_FIELDS];      /* by field index; choices: the raw value */
    char *orig[MAX_FIELDS];     /* edit: the values when the form opened */
    struct strbuf secret;       /* the password, never in libform */
    struct strbuf chap;         /* the CHAP secret, never in libform */
    bool secret_touched;        /* edit: typed into or cleared */
    struct formkit k;
    bool waiting;               /* edit: sent, the host has not answered */
    struct vec isos;            /* char *: the ISO choices last offered */
};

/* The edit form waiting for its job's result, and its modal: the
 * result comes back through edit_done, which finds the form here (NULL
 * once it is closed). */
static struct vform *waiting_form;
static struct modal *waiting_modal;

/* ---- values ---- */

static int
vf_index(const struct vform *f, enum vf_id id)
{
    for (int i = 0; i < f->n; i++) {
        if (f->spec[i].id == id)
            return i;
    }
    return -1;
}

/* The value of field id ("" when the form has no such field). */
static const char *
vf_get(const struct vform *f, enum vf_id id)
{
    int i = vf_index(f, id);

    return i >= 0 && f->val[i] ? f->val[i] : "";
}

static void
vf_set(struct vform *f, int i, const char *v)
{
    free(f->val[i]);
    f->val[i] = xstrdup(v ? v : "");
}

/* The network field: "", "none", "network NAME", "bridge NAME" or a bare
 * NAME (a network).  0 or -1. */
static int
parse_network(const char *v, enum vm_net *net, char **source)
{
    char *copy = xstrdup(v), *save = NULL;
    char *a = strtok_r(copy, " ", &save);
    char *b = a ? strtok_r(NULL, " ", &save) : NULL;
    int rc = 0;

    *net = VM_NET_NONE;
    *source = NULL;
    if (!a || (streq(a, "none") && !b)) {
        /* no network */
    } else if (strtok_r(NULL, " ", &save)) {
        rc = -1;
    } else if (!b) {
        *net = VM_NET_NETWORK;
        *source = xstrdup(a);
    } else if (streq(a, "network") || streq(a, "bridge")) {
        *net = streq(a, "network") ? VM_NET_NETWORK : VM_NET_BRIDGE;
        *source = xstrdup(b);
    } else {
        rc = -1;
    }
    free(copy);
    return rc;
}

/* Characters (not bytes) of UTF-8 text. */
static size_t
utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* The data domain chosen for the disk when it logs in with CHAP, else
 * NULL. */
static struct sd *
chap_domain(struct ui *ui, const struct vform *f)
{
    const char *name = vf_get(f, VF_DISK_ON);
    struct sd *sd = *name ? model_sd_by_name(ui_model(ui), name) : NULL;

    return sd && sd->backend == SD_ISCSI && sd->chap_user &&
           *sd->chap_user ? sd : NULL;
}

/* ---- choices ---- */

/* The raw values field i offers, borrowed until the model changes. */
static void
vf_choices(struct ui *ui, void *owner, int i, struct vec *out)
{
    const struct vform *f = owner;
    struct model *m = ui_model(ui);

    switch (f->spec[i].id) {
    case VF_CLUSTER:
        for (size_t k = 0; k < m->clusters.len; k++)
            vec_push(out, ((struct cluster *)m->clusters.items[k])->name);
        break;
    case VF_HOST: {
        struct cluster *c = model_cluster_by_name(m, vf_get(f, VF_CLUSTER));
        vec_push(out, "");
        for (size_t k = 0; c && k < m->hosts.len; k++) {
            struct host *h = m->hosts.items[k];
            if (h->cluster_id == c->id)
                vec_push(out, h->name);
        }
        break;
    }
    case VF_DISK_FORMAT:
        vec_push(out, "qcow2");
        vec_push(out, "raw");
        break;
    case VF_DISK_ON: {
        /* the host's pool, or a data domain active in the data center */
        struct cluster *c = model_cluster_by_name(m, vf_get(f, VF_CLUSTER));
        vec_push(out, "");
        for (size_t k = 0; c && k < m->sds.len; k++) {
            struct sd *sd = m->sds.items[k];
            struct sd_att *a = model_sd_att(sd, c->dc_id);
            if (sd->role == SD_DATA && a && a->active)
                vec_push(out, sd->name);
        }
        break;
    }
    case VF_ISO_IMAGE: {
        struct cluster *c = model_cluster_by_name(m, vf_get(f, VF_CLUSTER));
        struct vform *fw = owner;
        vec_clear(&fw->isos, free);
        if (c)
            engine_iso_images(ui_engine(ui), c->dc_id, &fw->isos);
        vec_push(out, "");
        for (size_t k = 0; k < fw->isos.len; k++)
            vec_push(out, fw->isos.items[k]);
        break;
    }
    case VF_GFX:
        vec_push(out, "vnc");
        vec_push(out, "spice");
        vec_push(out, "none");
        break;
    case VF_START:
    case VF_HA:
        vec_push(out, "no");
        vec_push(out, "yes");
        break;
    default:
        break;
    }
}

/* "automatic: busan-kvm02, 28G free", or why no host fits.  Owned. */
static char *
pick_text(struct ui *ui, const struct vform *f)
{
    unsigned long long mem = DEFAULT_MEM_MIB, cpus = 1;
    struct host *h;
    char buf[32];

    if (formkit_parse_num(vf_get(f, VF_MEMORY), 16ULL * 1024 * 1024,
                          &mem) < 0 || !mem)
        mem = DEFAULT_MEM_MIB;
    if (formkit_parse_num(vf_get(f, VF_VCPUS), 512, &cpus) < 0 || !cpus)
        cpus = 1;
    h = engine_pick_host(ui_engine(ui), vf_get(f, VF_CLUSTER), mem,
                         (unsigned)cpus);
    if (!h)
        return xstrdup(_("automatic: no Up host has room"));
    text_bytes(buf, sizeof(buf), (double)engine_host_free_kib(h) * 1024);
    return xasprintf(_("automatic: %s, %s of memory free"), h->name, buf);
}

/* What field i shows for the value v.  Owned. */
static char *
vf_display(struct ui *ui, void *owner, int i, const char *v)
{
    struct vform *f = owner;

    switch (f->spec[i].id) {
    case VF_HOST:
        return *v ? xstrdup(v) : pick_text(ui, f);
    case VF_START:
    case VF_HA:
        return xstrdup(streq(v, "yes") ? _("yes") : _("no"));
    case VF_DISK_ON:
        return xstrdup(*v ? v : _("the host's storage pool"));
    case VF_ISO_IMAGE:
        return xstrdup(*v ? v : _("none"));
    case VF_GFX:
        return xstrdup(streq(v, "none") ? _("none") : v);
    case VF_CHAP_SECRET: {
        struct strbuf b = { 0 };
        size_t n = utf8_chars(sb_str(&f->chap));
        for (size_t k = 0; k < n; k++)
            sb_addc(&b, '*');
        return sb_steal(&b);
    }
    case VF_PASSWORD: {
        struct strbuf b = { 0 };
        size_t n = utf8_chars(sb_str(&f->secret));
        if (f->edit && f->had_password && !f->secret_touched)
            return xstrdup(_("(set; unchanged)"));
        if (f->edit && f->secret_touched && !n)
            return xstrdup(_("(removed)"));
        for (size_t k = 0; k < n; k++)
            sb_addc(&b, '*');
        return sb_steal(&b);
    }
    default:
        return xstrdup(v);
    }
}

/* Show the value of a choice or password field in its libform field. */
static void
vf_show(struct ui *ui, struct vform *f, int i)
{
    char *d;

    if (i < 0 || !f->k.form || f->spec[i].kind == VK_TEXT)
        return;
    d = vf_display(ui, f, i, f->val[i] ? f->val[i] : "");
    set_field_buffer(f->k.fields[i], 0, d);
    free(d);
}

static void
vf_show_all(struct ui *ui, void *owner)
{
    struct vform *f = owner;

    for (int i = 0; i < f->n; i++)
        vf_show(ui, f, i);
}

/* Set choice field i to v; the host follows its cluster. */
static void
vf_choose(struct ui *ui, void *owner, int i, const char *v)
{
    struct vform *f = owner;

    vf_set(f, i, v);
    if (f->spec[i].id == VF_CLUSTER) {
        int hi = vf_index(f, VF_HOST);
        struct host *h = model_host_by_name(ui_model(ui), vf_get(f, VF_HOST));
        struct cluster *c = model_cluster_by_name(ui_model(ui), v);
        if (hi >= 0 && (!h || !c || h->cluster_id != c->id))
            vf_set(f, hi, "");
    }
    vf_show_all(ui, f);
}

/* ---- checks ---- */

/* A specification that passes vm_spec_check(), to set one field in. */
static void
base_spec(struct vm_spec *s)
{
    vm_spec_init(s);
    s->name = xstrdup("vm");
    s->cluster = xstrdup("c");
    s->n_boot = 0;
    s->gfx = VM_GFX_NONE;
}

/* A field's refusal in the form's message line; -1. */
#define fail(f, msg) formkit_fail(&(f)->k, "%s", (msg))
#define failf(f, ...) formkit_fail(&(f)->k, __VA_ARGS__)

/* The host the VM being edited runs on, or NULL. */
static struct host *
edit_host(struct ui *ui, const struct vform *f)
{
    struct vm *vm = model_vm_by_uuid(ui_model(ui), f->uuid);

    return vm ? model_host_by_id(ui_model(ui), vm->host_id) : NULL;
}

/* The host chosen in the create form, or NULL for automatic. */
static struct host *
chosen_host(struct ui *ui, const struct vform *f)
{
    const char *name = vf_get(f, VF_HOST);

    return *name ? model_host_by_name(ui_model(ui), name) : NULL;
}

/* Check field i alone; 0, or -1 with the sentence as message. */
static int
vf_check(struct ui *ui, void *owner, int i)
{
    struct vform *f = owner;
    struct model *mo = ui_model(ui);
    const char *v = f->val[i] ? f->val[i] : "";
    struct vm_spec s;
    unsigned long long num = 0;
    enum vm_gfx gfx = VM_GFX_NONE;
    int rc = 0;

    base_spec(&s);
    vm_gfx_parse(vf_get(f, VF_GFX), &gfx);
    switch (f->spec[i].id) {
    case VF_NAME:
        free(s.name);
        s.name = xstrdup(v);
        break;
    case VF_CLUSTER:
        if (!model_cluster_by_name(mo, v))
            rc = fail(f, _("There is no cluster yet: add one (a on a data "
                           "center) before creating a VM."));
        break;
    case VF_HOST: {
        struct cluster *c = model_cluster_by_name(mo, vf_get(f, VF_CLUSTER));
        struct host *h = *v ? model_host_by_name(mo, v) : NULL;
        if (!*v || !c)
            break;
        if (!h || h->cluster_id != c->id)
            rc = failf(f, _("Cluster '%s' has no host named '%s'."), c->name,
                       v);
        else if (h->state != HOST_UP)
            rc = failf(f, _("Host '%s' is %s: choose an Up host."), h->name,
                       host_state_label(h->state));
        break;
    }
    case VF_VCPUS: {
        struct host *h = f->edit ? edit_host(ui, f) : chosen_host(ui, f);
        if (f->edit && !*v)
            break;
        if (formkit_parse_num(v, 100000, &num) < 0) {
            rc = fail(f, _("Type the number of vCPUs, e.g. 2."));
            break;
        }
        s.vcpus = (unsigned)num;
        if (vm_spec_check(&s) < 0)
            break;
        if (h && h->cpus && num > h->cpus)
            rc = f->edit ? failf(f, _("Give 1 to %u vCPUs."), h->cpus)
                 : failf(f, _("Host '%s' has %u CPUs: give the VM at most "
                              "that many vCPUs."), h->name, h->cpus);
        break;
    }
    case VF_MEMORY: {
        struct host *h = f->edit ? edit_host(ui, f) : chosen_host(ui, f);
        unsigned long long cpus = 1;
        if (f->edit && !*v)
            break;
        if (formkit_parse_num(v, 1ULL << 40, &num) < 0) {
            rc = fail(f, _("Type the memory in MiB, e.g. 2048 for 2 GiB."));
            break;
        }
        s.mem_mib = num;
        if (vm_spec_check(&s) < 0)
            break;
        if (f->edit) {
            if (h && h->mem_total_kib && num * 1024 > h->mem_total_kib)
                rc = failf(f, _("Give 16 MiB up to the host's %llu MiB of "
                                "memory."),
                           (unsigned long long)(h->mem_total_kib / 1024));
            break;
        }
        if (h && h->mem_total_kib && num * 1024 > h->mem_total_kib) {
            rc = failf(f, _("Host '%s' has %llu MiB of memory: give the VM "
                            "less."), h->name,
                       (unsigned long long)(h->mem_total_kib / 1024));
        } else if (h && num * 1024 > engine_host_free_kib(h)) {
            rc = failf(f, _("Host '%s' has only %llu MiB of memory free: "
                            "give the VM less, or choose another host."),
                       h->name,
                       (unsigned long long)(engine_host_free_kib(h) / 1024));
        } else if (!h && model_cluster_by_name(mo, vf_get(f, VF_CLUSTER))) {
            if (formkit_parse_num(vf_get(f, VF_VCPUS), 512, &cpus) < 0 || !cpus)
                cpus = 1;
            if (!engine_pick_host(ui_engine(ui), vf_get(f, VF_CLUSTER), num,
                                  (unsigned)cpus))
                rc = fail(f, err_msg());
        }
        break;
    }
    case VF_POOL:
        if (*v)
            s.pool = xstrdup(v);
        break;
    case VF_DISK_GIB:
        if (!*v)
            break;
        if (formkit_parse_num(v, 1ULL << 40, &num) < 0) {
            rc = fail(f, _("Type the size of the new disk in GiB, e.g. 20; "
                           "leave it empty for no new disk."));
            break;
        }
        s.disk_gib = num;
        if (num && *vf_get(f, VF_DISK_ON))
            s.disk_domain = xstrdup(vf_get(f, VF_DISK_ON));
        else if (num && *vf_get(f, VF_POOL))
            s.pool = xstrdup(vf_get(f, VF_POOL));
        break;
    case VF_VOLUME:
        if (!*v)
            break;
        s.disk_volume = xstrdup(v);
        if (*vf_get(f, VF_POOL))
            s.pool = xstrdup(vf_get(f, VF_POOL));
        if (formkit_parse_num(vf_get(f, VF_DISK_GIB), 1ULL << 40, &num) == 0)
            s.disk_gib = num;
        break;
    case VF_NETWORK:
        if (parse_network(v, &s.net, &s.net_source) < 0)
            rc = fail(f, _("Type none, network NAME or bridge NAME, e.g. "
                           "network default."));
        break;
    case VF_BOOT:
        if (*v && vm_spec_parse_boot(&s, v) < 0)
            rc = fail(f, err_msg());
        s.n_boot = 0;
        break;
    case VF_ISO:
        if (*v)
            s.iso = xstrdup(v);
        break;
    case VF_KERNEL:
        if (*v)
            s.kernel = xstrdup(v);
        break;
    case VF_INITRD:
        if (*v) {
            s.kernel = xstrdup(SOME_KERNEL);
            s.initrd = xstrdup(v);
        }
        break;
    case VF_CMDLINE:
        if (*v) {
            s.kernel = xstrdup(SOME_KERNEL);
            s.cmdline = xstrdup(v);
        }
        break;
    case VF_LISTEN:
        s.gfx = gfx;
        free(s.listen);
        s.listen = xstrdup(v);
        break;
    case VF_PASSWORD:
        if (f->secret.len) {
            s.gfx = gfx;
            s.password = xstrdup(sb_str(&f->secret));
        }
        break;
    case VF_CHAP_SECRET: {
        struct sd *sd = chap_domain(ui, f);
        if (!sd)
            break;
        if (!f->chap.len) {
            rc = failf(f, _("Storage domain '%s' logs in with CHAP as user "
                            "'%s': type its CHAP secret."), sd->name,
                       sd->chap_user);
            break;
        }
        s.disk_domain = xstrdup(sd->name);
        s.chap_secret = xstrdup(sb_str(&f->chap));
        break;
    }
    default:
        break;
    }
    if (rc == 0 && vm_spec_check(&s) < 0)
        rc = fail(f, err_msg());
    vm_spec_clear(&s);
    return rc;
}

/* ---- layout and painting ---- */

static void
vf_layout(struct ui *ui, struct modal *m)
{
    struct vform *f = m->data;
    /* title, a blank row, the fields, a blank row, the message, the
     * keys and the bottom border */
    int overhead = 2 + 1 + MSG_ROWS + 1 + 1;

    formkit_layout_paged(ui, &f->k, m, 2, overhead, FIELD_MAX);
}

/* The help line of field i.  Owned. */
static char *
vf_hint(struct ui *ui, struct vform *f, int i)
{
    struct strbuf b = { 0 };

    switch (f->spec[i].id) {
    case VF_NAME:
        return xstrdup(_("The VM's name: letters, digits, '-', '_' or '.', "
                         "unique in the data center."));
    case VF_VCPUS:
        return xstrdup(f->edit ? _("Virtual CPUs, at most the host's CPUs. "
                                   "Only while the VM is off.")
                       : _("Virtual CPUs, at most the host's CPUs."));
    case VF_MEMORY:
        return xstrdup(f->edit ? _("Memory in MiB, e.g. 2048 for 2 GiB. "
                                   "Only while the VM is off.")
                       : _("Memory in MiB, e.g. 2048 for 2 GiB."));
    case VF_DISK_ON:
        return xstrdup(_("A data domain of the data center: its hosts share "
                         "the disk, so the VM migrates without a copy. Or "
                         "the host's storage pool."));
    case VF_POOL:
        return xstrdup(_("The host's storage pool that holds the disk, e.g. "
                         "default (not used with a data domain)."));
    case VF_DISK_GIB:
        return xstrdup(_("Size of a new disk in GiB. Empty: no new disk (or "
                         "give an existing volume)."));
    case VF_VOLUME:
        return xstrdup(_("A volume already in the pool to use as the disk, "
                         "instead of a new one."));
    case VF_NETWORK:
        return xstrdup(_("none, network NAME (e.g. network default) or bridge "
                         "NAME (e.g. bridge br0)."));
    case VF_BOOT:
        return xstrdup(f->edit ? _("Boot devices in order, e.g. cdrom,disk. "
                                   "Empty: keep the VM's order.")
                       : _("Boot devices in order, e.g. disk,cdrom,network. "
                           "Empty: those the VM has, in that order."));
    case VF_ISO_IMAGE:
        return xstrdup(_("An image of the data center's ISO domains for the "
                         "CD-ROM (Space cycles; upload one on an ISO "
                         "domain)."));
    case VF_ISO:
        return xstrdup(_("Or an image in a host's storage pool, as "
                         "POOL/VOLUME, e.g. isos/debian-12.iso."));
    case VF_KERNEL:
        return xstrdup(_("Run once: a kernel on the host for the first start "
                         "only, e.g. /var/lib/libvirt/boot/vmlinuz."));
    case VF_INITRD:
        return xstrdup(_("Run once: the initrd on the host that goes with the "
                         "kernel."));
    case VF_CMDLINE:
        return xstrdup(_("Run once: the kernel command line, e.g. "
                         "inst.ks=http://10.0.0.1/ks.cfg console=ttyS0."));
    case VF_LISTEN:
        return xstrdup(_("Where the graphical console listens: 127.0.0.1 "
                         "(reach it with ssh -L) or 0.0.0.0."));
    case VF_CHAP_SECRET: {
        struct sd *sd = chap_domain(ui, f);
        return sd ? xasprintf(_("The CHAP secret of storage domain '%s' "
                                "(user '%s'), shown as *. It becomes a "
                                "libvirt secret on the cluster's Up hosts; "
                                "virtdeck never logs or stores it."),
                              sd->name, sd->chap_user)
                  : xstrdup("");
    }
    case VF_PASSWORD:
        /* edit: whether the VM has one is not always known (libvirt
         * shows the password only to secure XML requests), so the hint
         * does not depend on it */
        return xstrdup(f->edit
                       ? _("The console password, shown as *. Left alone it "
                           "stays; C-u removes it.")
                       : _("The console password, shown as *: at most 8 "
                           "characters for VNC. virtdeck never logs or "
                           "stores it."));
    default:
        break;
    }
    if (f->spec[i].kind == VK_CHOICE) {
        struct vec ch = { 0 };
        vf_choices(ui, f, i, &ch);
        for (size_t k = 0; k < ch.len; k++) {
            const char *v = ch.items[k];
            char *label = *v || f->spec[i].id != VF_HOST
                          ? vf_display(ui, f, i, v) : xstrdup(_("automatic"));
            if (k)
                sb_add(&b, ", ");
            sb_add(&b, label);
            free(label);
        }
        vec_clear(&ch, NULL);
        {
            char *list = sb_steal(&b);
            char *s = xasprintf(_("Space or arrows choose, or type the first "
                                  "letters: %s."), list);
            free(list);
            if (f->spec[i].id == VF_HOST) {
                char *t = xasprintf("%s %s", s, _("Automatic takes the "
                                                  "least-loaded Up host of the "
                                                  "cluster with room."));
                free(s);
                s = t;
            }
            return s;
        }
    }
    return xstrdup("");
}

static void
vf_paint(struct ui *ui, struct modal *m)
{
    struct vform *f = m->data;
    WINDOW *w = m->win;
    int h = getmaxy(w), cols = getmaxx(w), y;
    int fr = formkit_fields_rows(&f->k);
    int cur = field_index(current_field(f->k.form));
    attr_t base = colors_attr(CE_DIALOG);
    char *title;

    if (f->edit)
        title = xasprintf(_("Change VM '%s'"), f->vm_name);
    else
        title = xstrdup(_("Create a VM"));
    formkit_paint_frame(&f->k, w, title);
    y = 2 + fr + 1;
    if (!formkit_paint_msg(&f->k, w, y, MSG_ROWS) && cur >= 0) {
        char *hint = vf_hint(ui, f, cur);
        draw_wrapped(w, y, 2, MSG_ROWS, cols - 4, hint, base);
        free(hint);
    }
    draw_text(w, h - 2, 2, f->edit
              ? _("Enter saves, Tab moves, Space chooses, Esc cancels.")
              : f->k.pages > 1
              ? _("Enter creates, Tab moves, Space chooses, PgDn next page, "
                  "Esc cancels.")
              : _("Enter creates, Tab moves, Space chooses, Esc cancels."),
              cols - 4, true, base);
    wattrset(w, A_NORMAL);
    free(title);
    pos_form_cursor(f->k.form);
}

/* ---- saving ---- */

static char *
opt_dup(const char *s)
{
    return s && *s ? xstrdup(s) : NULL;
}

/* The specification the create form asks for.  0, or -1 with a message. */
static int
build_spec(struct vform *f, struct vm_spec *s)
{
    unsigned long long num;

    vm_spec_init(s);
    free(s->name);
    s->name = xstrdup(vf_get(f, VF_NAME));
    s->cluster = xstrdup(vf_get(f, VF_CLUSTER));
    s->host = opt_dup(vf_get(f, VF_HOST));
    if (formkit_parse_num(vf_get(f, VF_VCPUS), 512, &num) == 0)
        s->vcpus = (unsigned)num;
    if (formkit_parse_num(vf_get(f, VF_MEMORY), 16ULL * 1024 * 1024, &num) == 0)
        s->mem_mib = num;
    s->disk_domain = opt_dup(vf_get(f, VF_DISK_ON));
    if (formkit_parse_num(vf_get(f, VF_DISK_GIB), VM_DISK_MAX_GIB, &num) == 0)
        s->disk_gib = num;
    free(s->disk_format);
    if (s->disk_domain) {
        /* a raw file or a LUN on the domain: the pool fields do not apply */
        s->disk_format = xstrdup("raw");
    } else {
        s->pool = opt_dup(vf_get(f, VF_POOL));
        s->disk_format = xstrdup(vf_get(f, VF_DISK_FORMAT));
        s->disk_volume = opt_dup(vf_get(f, VF_VOLUME));
    }
    parse_network(vf_get(f, VF_NETWORK), &s->net, &s->net_source);
    if (*vf_get(f, VF_ISO_IMAGE) && *vf_get(f, VF_ISO))
        return fail(f, _("Choose an ISO domain's image or type an image in "
                         "a pool, not both."));
    s->iso = opt_dup(*vf_get(f, VF_ISO_IMAGE) ? vf_get(f, VF_ISO_IMAGE)
                                              : vf_get(f, VF_ISO));
    s->kernel = opt_dup(vf_get(f, VF_KERNEL));
    s->initrd = opt_dup(vf_get(f, VF_INITRD));
    s->cmdline = opt_dup(vf_get(f, VF_CMDLINE));
    if (*vf_get(f, VF_BOOT)) {
        if (vm_spec_parse_boot(s, vf_get(f, VF_BOOT)) < 0)
            return fail(f, err_msg());
    } else {
        /* what the VM has: its disk, its CD-ROM, its network */
        s->n_boot = 0;
        if (s->disk_gib || s->disk_volume || s->disk_domain)
            s->boot[s->n_boot++] = VM_BOOT_DISK;
        if (s->iso)
            s->boot[s->n_boot++] = VM_BOOT_CDROM;
        if (s->net != VM_NET_NONE)
            s->boot[s->n_boot++] = VM_BOOT_NETWORK;
    }
    vm_gfx_parse(vf_get(f, VF_GFX), &s->gfx);
    free(s->listen);
    s->listen = xstrdup(vf_get(f, VF_LISTEN));
    s->password = f->secret.len ? xstrdup(sb_str(&f->secret)) : NULL;
    if (vf_index(f, VF_CHAP_SECRET) >= 0 && f->chap.len)
        s->chap_secret = xstrdup(sb_str(&f->chap));
    s->start = streq(vf_get(f, VF_START), "yes");
    s->ha = streq(vf_get(f, VF_HA), "yes");
    return 0;
}

static enum ui_result
submit_create(struct ui *ui, struct vform *f)
{
    struct vm_spec s;
    int rc;

    if (build_spec(f, &s) < 0) {
        vm_spec_clear(&s);
        return UI_HANDLED;
    }
    rc = engine_vm_create(ui_engine(ui), &s, ui_job_done, NULL);
    if (rc < 0) {
        formkit_set_msg(&f->k, true, err_msg());
    } else {
        ui_job_queued(ui);
        ui_message(ui, UI_MSG_INFO, _("Creating VM '%s': sent, waiting for "
                                      "the host."), s.name);
    }
    vm_spec_clear(&s);
    return rc < 0 ? UI_HANDLED : UI_CLOSE;
}

/* The result of an edit: the status line has it; the form closes on
 * success and shows the refusal otherwise. */
static void
edit_done(void *opaque, int ok, const char *message)
{
    struct vform *f = waiting_form;

    ui_job_done(opaque, ok, message);
    if (!f)
        return;
    waiting_form = NULL;
    f->waiting = false;
    if (ok) {
        waiting_modal->done = true;
        return;
    }
    formkit_set_msg(&f->k, true, message);
    waiting_modal->dirty = true;
}

/* Did field id change since the form opened? */
static bool
changed(const struct vform *f, enum vf_id id)
{
    int i = vf_index(f, id);

    return i >= 0 && !streq(f->val[i] ? f->val[i] : "",
                            f->orig[i] ? f->orig[i] : "");
}

static enum ui_result
submit_edit(struct ui *ui, struct vform *f)
{
    struct vm_edit ed;
    unsigned long long num;

    memset(&ed, 0, sizeof(ed));
    if (changed(f, VF_VCPUS) &&
        formkit_parse_num(vf_get(f, VF_VCPUS), 512, &num) == 0) {
        ed.set_vcpus = true;
        ed.vcpus = (unsigned)num;
    }
    if (changed(f, VF_MEMORY) &&
        formkit_parse_num(vf_get(f, VF_MEMORY), 16ULL * 1024 * 1024,
                          &num) == 0) {
        ed.set_mem = true;
        ed.mem_mib = num;
    }
    if (*vf_get(f, VF_BOOT)) {
        struct vm_spec tmp;
        memset(&tmp, 0, sizeof(tmp));
        if (vm_spec_parse_boot(&tmp, vf_get(f, VF_BOOT)) < 0) {
            fail(f, err_msg());
            return UI_HANDLED;
        }
        ed.set_boot = true;
        ed.n_boot = tmp.n_boot;
        for (unsigned k = 0; k < tmp.n_boot; k++)
            ed.boot[k] = (int)tmp.boot[k];
    }
    if (changed(f, VF_GFX) || changed(f, VF_LISTEN) || f->secret_touched) {
        enum vm_gfx g = VM_GFX_NONE;
        vm_gfx_parse(vf_get(f, VF_GFX), &g);
        ed.set_gfx = true;
        ed.gfx = (int)g;
        ed.listen = vf_get(f, VF_LISTEN);
        /* NULL keeps the password, "" removes it */
        ed.password = f->secret_touched ? sb_str(&f->secret) : NULL;
    }
    if (changed(f, VF_HA)) {
        ed.set_ha = true;
        ed.ha = streq(vf_get(f, VF_HA), "yes");
    }
    if (!ed.set_vcpus && !ed.set_mem && !ed.set_boot && !ed.set_gfx &&
        !ed.set_ha) {
        ui_message(ui, UI_MSG_INFO, _("VM '%s': nothing changed."),
                   f->vm_name);
        return UI_CLOSE;
    }
    if (engine_vm_edit(ui_engine(ui), f->uuid, &ed, edit_done, NULL) < 0) {
        formkit_set_msg(&f->k, true, err_msg());
        return UI_HANDLED;
    }
    ui_job_queued(ui);
    /* the form stays until the host answers, so a refusal (the VM runs)
     * is read in full, next to what was typed */
    {
        char *msg = xasprintf(_("Changing VM '%s': sent, waiting for the "
                                "host."), f->vm_name);
        formkit_set_msg(&f->k, false, msg);
        free(msg);
    }
    f->waiting = true;
    waiting_form = f;
    return UI_HANDLED;
}

/* Check every field, then ask the engine. */
static enum ui_result
vf_submit(struct ui *ui, struct vform *f)
{
    if (formkit_check_all(ui, &f->k) < 0)
        return UI_HANDLED;
    return f->edit ? submit_edit(ui, f) : submit_create(ui, f);
}

/* ---- keys ---- */

/* A key on the password field: the secret is edited here, not in
 * libform. */
static void
secret_key(struct ui *ui, struct vform *f, int i, int key)
{
    bool chap = f->spec[i].id == VF_CHAP_SECRET;
    struct strbuf *b = chap ? &f->chap : &f->secret;

    if (key == (UI_KEY_FN | KEY_BACKSPACE)) {
        size_t n = b->len;
        if (!chap && !f->secret_touched && f->had_password) {
            /* the placeholder goes first */
        } else if (n) {
            n--;
            while (n > 0 && (b->s[n] & 0xc0) == 0x80)
                n--;
            memset(b->s + n, 0, b->len - n);
            b->len = n;
        }
    } else if (key == 21) {                     /* C-u */
        if (b->s)
            memset(b->s, 0, b->cap);
        b->len = 0;
    } else if (!(key & UI_KEY_FN) && key >= 32 && key != 127) {
        char mb[MB_LEN_MAX + 1];
        mbstate_t st;
        size_t n;
        memset(&st, 0, sizeof(st));
        n = wcrtomb(mb, (wchar_t)key, &st);
        if (n == (size_t)-1 || b->len + n > 256)
            return;
        /* grow in place: a reallocation would leave a copy behind */
        if (b->len + n + 1 > b->cap) {
            char *bigger = xcalloc(1, 512);
            if (b->s) {
                memcpy(bigger, b->s, b->len);
                memset(b->s, 0, b->cap);
                free(b->s);
            }
            b->s = bigger;
            b->cap = 512;
        }
        memcpy(b->s + b->len, mb, n);
        b->len += n;
        b->s[b->len] = '\0';
        memset(mb, 0, sizeof(mb));
    } else {
        return;
    }
    if (!chap)
        f->secret_touched = true;
    vf_show(ui, f, i);
    form_driver_w(f->k.form, KEY_CODE_YES, REQ_END_LINE);
}

static void vf_layout(struct ui *ui, struct modal *m);

/* Show the CHAP secret field under "Disk on" while the chosen domain
 * logs in with CHAP, and only then: rebuild the form when that changes
 * (what was typed stays, as on a resize). */
static void
vf_sync_fields(struct ui *ui, struct vform *f)
{
    bool need = !f->edit && chap_domain(ui, f) != NULL;
    int c = vf_index(f, VF_CHAP_SECRET), d = vf_index(f, VF_DISK_ON);

    if (f->edit || d < 0 || need == (c >= 0) || !f->modal)
        return;
    formkit_unpost(&f->k, f->modal);
    if (need) {
        c = d + 1;
        for (int i = f->n; i > c; i--) {
            f->fields[i] = f->fields[i - 1];
            f->val[i] = f->val[i - 1];
        }
        f->fields[c] = (struct vfield){ VF_CHAP_SECRET, N_("CHAP secret"),
                                        VK_SECRET };
        f->val[c] = NULL;
        f->n++;
        if (f->k.cur >= c)
            f->k.cur++;
    } else {
        free(f->val[c]);
        for (int i = c; i < f->n - 1; i++) {
            f->fields[i] = f->fields[i + 1];
            f->val[i] = f->val[i + 1];
        }
        f->val[f->n - 1] = NULL;
        f->n--;
        if (f->k.cur > c)
            f->k.cur--;
        if (f->chap.s)
            memset(f->chap.s, 0, f->chap.cap);
        f->chap.len = 0;
    }
    f->k.n = f->n;
    for (int i = 0; i < f->n; i++) {
        f->k.labels[i] = f->spec[i].label;
        f->k.choice[i] = f->spec[i].kind != VK_TEXT;
    }
    vf_layout(ui, f->modal);
}

static enum ui_result
vf_key(struct ui *ui, struct modal *m, int key)
{
    struct vform *f = m->data;
    int i = field_index(current_field(f->k.form));

    m->dirty = true;
    if (key == UI_KEY_ESC)
        return UI_CLOSE;
    if (f->waiting)
        return UI_HANDLED;
    if (key == UI_KEY_ENTER)
        return vf_submit(ui, f);
    if (formkit_nav_key(ui, &f->k, key))
        return UI_HANDLED;
    switch (f->spec[i].kind) {
    case VK_CHOICE:
        formkit_choice_key(ui, &f->k, i, key);
        vf_sync_fields(ui, f);
        break;
    case VK_SECRET:
        secret_key(ui, f, i, key);
        break;
    case VK_TEXT:
        formkit_field_key(f->k.form, key);
        break;
    }
    return UI_HANDLED;
}

/* Hosts connect, VMs start: the automatic host may change. */
static void
vf_update(struct ui *ui, struct modal *m, unsigned events)
{
    struct vform *f = m->data;

    if (f->edit || !(events & (MODEL_EV_INVENTORY | MODEL_EV_HOST_STATE |
                               MODEL_EV_VM_LIST | MODEL_EV_VM_STATE |
                               MODEL_EV_STATS)))
        return;
    vf_show(ui, f, vf_index(f, VF_HOST));
    pos_form_cursor(f->k.form);
    m->dirty = true;
}

static void
vf_free(struct modal *m)
{
    struct vform *f = m->data;

    if (waiting_form == f)
        waiting_form = NULL;
    if (waiting_modal == m)
        waiting_modal = NULL;
    formkit_clear(&f->k);
    for (int i = 0; i < f->n; i++) {
        free(f->val[i]);
        free(f->orig[i]);
    }
    if (f->secret.s)
        memset(f->secret.s, 0, f->secret.cap);
    sb_free(&f->secret);
    if (f->chap.s)
        memset(f->chap.s, 0, f->chap.cap);
    sb_free(&f->chap);
    free(f->vm_name);
    vec_clear(&f->isos, free);
    free(f);
    if (m->win)
        delwin(m->win);
    free(m);
}

static const struct formkit_ops vf_kit_ops = {
    .check = vf_check,
    .show_all = vf_show_all,
    .choices = vf_choices,
    .display = vf_display,
    .choose = vf_choose,
};

static const struct modal_ops vf_ops = {
    .key = vf_key,
    .layout = vf_layout,
    .paint = vf_paint,
    .update = vf_update,
    .free = vf_free,
};

static void
vf_push(struct ui *ui, struct vform *f)
{
    struct modal *m = xcalloc(1, sizeof(*m));

    f->k.ops = &vf_kit_ops;
    f->k.owner = f;
    f->k.n = f->n;
    for (int i = 0; i < f->n; i++) {
        f->k.labels[i] = f->spec[i].label;
        f->k.choice[i] = f->spec[i].kind != VK_TEXT;
    }
    f->k.val = f->val;
    f->k.trim_leading = true;
    m->ops = &vf_ops;
    m->data = f;
    f->modal = m;
    m->cursor = true;
    if (f->edit)
        waiting_modal = m;
    ui_modal_push(ui, m);
}

void
vmform_create(struct ui *ui, const char *cluster)
{
    struct model *mo = ui_model(ui);
    struct vform *f = xcalloc(1, sizeof(*f));
    char num[32];

    f->n = (int)(sizeof(create_fields) / sizeof(*create_fields));
    memcpy(f->fields, create_fields, sizeof(create_fields));
    f->spec = f->fields;
    if (!cluster && mo->clusters.len)
        cluster = ((struct cluster *)mo->clusters.items[0])->name;
    vf_set(f, vf_index(f, VF_CLUSTER), cluster);
    vf_set(f, vf_index(f, VF_HOST), "");
    vf_set(f, vf_index(f, VF_VCPUS), "1");
    snprintf(num, sizeof(num), "%d", DEFAULT_MEM_MIB);
    vf_set(f, vf_index(f, VF_MEMORY), num);
    vf_set(f, vf_index(f, VF_POOL), "default");
    vf_set(f, vf_index(f, VF_DISK_GIB), DEFAULT_DISK_GIB);
    vf_set(f, vf_index(f, VF_DISK_FORMAT), "qcow2");
    vf_set(f, vf_index(f, VF_GFX), "vnc");
    vf_set(f, vf_index(f, VF_LISTEN), "127.0.0.1");
    vf_set(f, vf_index(f, VF_START), "no");
    vf_set(f, vf_index(f, VF_HA), "no");
    vf_push(ui, f);
}

void
vmform_edit(struct ui *ui, const char *uuid)
{
    struct vm *vm = model_vm_by_uuid(ui_model(ui), uuid);
    struct vform *f;
    char num[32];

    if (!vm)
        return;
    f = xcalloc(1, sizeof(*f));
    f->edit = true;
    snprintf(f->uuid, sizeof(f->uuid), "%s", uuid);
    f->vm_name = xstrdup(vm->name);
    f->spec = edit_fields;
    f->n = (int)(sizeof(edit_fields) / sizeof(*edit_fields));
    f->running = vm->state != VM_SHUTOFF && vm->state != VM_CRASHED;
    f->had_password = vm->gfx_password;
    if (vm->have_config) {
        snprintf(num, sizeof(num), "%u", vm->vcpus);
        vf_set(f, vf_index(f, VF_VCPUS), num);
        snprintf(num, sizeof(num), "%llu",
                 (unsigned long long)(vm->mem_max_kib / 1024));
        vf_set(f, vf_index(f, VF_MEMORY), num);
    }
    vf_set(f, vf_index(f, VF_GFX), vm->graphics ? vm->graphics : "none");
    vf_set(f, vf_index(f, VF_LISTEN), vm->gfx_listen ? vm->gfx_listen
           : "127.0.0.1");
    vf_set(f, vf_index(f, VF_HA), vm->ha ? "yes" : "no");
    for (int i = 0; i < f->n; i++)
        f->orig[i] = xstrdup(f->val[i] ? f->val[i] : "");
    if (f->running) {
        char *msg = xasprintf(_("VM '%s' is %s: only HA can change now; "
                                "power it off to change the rest."),
                              vm->name, vm_state_label(vm->state));
        formkit_set_msg(&f->k, false, msg);
        free(msg);
    }
    vf_push(ui, f);
}
