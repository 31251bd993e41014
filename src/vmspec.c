/* vmspec.c: VM specifications and their checks (see vmspec.h). */
#include <config.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "util/err.h"
#include "util/i18n.h"
#include "util/mem.h"
#include "util/text.h"
#include "valid.h"
#include "vmspec.h"

void
vm_netsrc_clear(struct vm_netsrc *n)
{
    free(n->protocol);
    free(n->host);
    free(n->port);
    free(n->name);
    free(n->auth_user);
    free(n->secret_usage);
    memset(n, 0, sizeof(*n));
}

void
vm_netsrc_copy(struct vm_netsrc *dst, const struct vm_netsrc *src)
{
    dst->protocol = xstrdup(src->protocol);
    dst->host = xstrdup(src->host);
    dst->port = xstrdup(src->port);
    dst->name = xstrdup(src->name);
    dst->identity = src->identity;
    dst->auth_user = xstrdup(src->auth_user);
    dst->secret_usage = xstrdup(src->secret_usage);
}

/* Zero and free a secret string: it must not stay in freed memory. */
static void
free_secret(char *s)
{
    if (s) {
        volatile char *p = s;
        while (*p)
            *p++ = '\0';
        free(s);
    }
}

void
vm_spec_init(struct vm_spec *s)
{
    memset(s, 0, sizeof(*s));
    s->vcpus = 1;
    s->mem_mib = 1024;
    s->disk_format = xstrdup("qcow2");
    s->boot[0] = VM_BOOT_DISK;
    s->n_boot = 1;
    s->gfx = VM_GFX_VNC;
    s->listen = xstrdup("127.0.0.1");
}

void
vm_spec_clear(struct vm_spec *s)
{
    free(s->name);
    free(s->cluster);
    free(s->host);
    free(s->pool);
    free(s->disk_format);
    free(s->disk_volume);
    free(s->disk_domain);
    vm_netsrc_clear(&s->disk_net);
    vm_netsrc_clear(&s->iso_net);
    free(s->net_source);
    free(s->iso);
    free(s->kernel);
    free(s->initrd);
    free(s->cmdline);
    free(s->listen);
    free_secret(s->password);
    free_secret(s->chap_secret);
    memset(s, 0, sizeof(*s));
}

void
vm_spec_copy(struct vm_spec *dst, const struct vm_spec *src)
{
    *dst = *src;
    dst->name = xstrdup(src->name);
    dst->cluster = xstrdup(src->cluster);
    dst->host = xstrdup(src->host);
    dst->pool = xstrdup(src->pool);
    dst->disk_format = xstrdup(src->disk_format);
    dst->disk_volume = xstrdup(src->disk_volume);
    dst->disk_domain = xstrdup(src->disk_domain);
    vm_netsrc_copy(&dst->disk_net, &src->disk_net);
    vm_netsrc_copy(&dst->iso_net, &src->iso_net);
    dst->net_source = xstrdup(src->net_source);
    dst->iso = xstrdup(src->iso);
    dst->kernel = xstrdup(src->kernel);
    dst->initrd = xstrdup(src->initrd);
    dst->cmdline = xstrdup(src->cmdline);
    dst->listen = xstrdup(src->listen);
    dst->password = xstrdup(src->password);
    dst->chap_secret = xstrdup(src->chap_secret);
}

static int
check_abs_path(const char *what, const char *p)
{
    if (!p)
        return 0;
    if (p[0] != '/' || strstr(p, "/../") || strlen(p) > 4096) {
        err_set(_("The %s must be an absolute path on the host, e.g. "
                  "/var/lib/libvirt/boot/vmlinuz."), what);
        return -1;
    }
    for (const unsigned char *c = (const unsigned char *)p; *c; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            err_set(_("The %s contains a control character."), what);
            return -1;
        }
    }
    if (!text_valid(p)) {
        err_set(_("The %s is not valid text (UTF-8): type it again."), what);
        return -1;
    }
    return 0;
}

int
vm_spec_check(const struct vm_spec *s)
{
    if (valid_name(_("VM"), s->name) < 0)
        return -1;
    if (!s->cluster || !*s->cluster) {
        err_set(_("Choose the cluster the VM belongs to."));
        return -1;
    }
    if (s->vcpus < 1 || s->vcpus > 512) {
        err_set(_("A VM has 1 to 512 vCPUs, not %u."), s->vcpus);
        return -1;
    }
    if (s->mem_mib < 16 || s->mem_mib > 16ULL * 1024 * 1024) {
        err_set(_("The memory must be 16 MiB to 16 TiB, not %llu MiB."),
                (unsigned long long)s->mem_mib);
        return -1;
    }
    if (s->disk_gib && s->disk_volume) {
        err_set(_("Give either a new disk size or an existing volume, not both."));
        return -1;
    }
    if (s->disk_gib > VM_DISK_MAX_GIB) {
        err_set(_("A disk of %llu GiB is larger than virtdeck allows (%d GiB)."),
                (unsigned long long)s->disk_gib, VM_DISK_MAX_GIB);
        return -1;
    }
    if (s->disk_domain && (s->disk_volume || (s->pool && *s->pool))) {
        err_set(_("Put the disk on a storage domain or in a storage pool, "
                  "not both."));
        return -1;
    }
    if (s->disk_domain &&
        valid_name(_("storage domain"), s->disk_domain) < 0)
        return -1;
    if ((s->disk_gib || s->disk_volume) && !s->disk_domain &&
        (!s->pool || !*s->pool)) {
        err_set(_("Choose the storage domain or the storage pool that holds "
                  "the disk."));
        return -1;
    }
    if (s->pool && valid_name(_("storage pool"), s->pool) < 0)
        return -1;
    if (s->disk_volume && valid_file_name(s->disk_volume) < 0)
        return -1;
    if (s->disk_gib && !(s->disk_format && (strcmp(s->disk_format, "qcow2") == 0 ||
                                            strcmp(s->disk_format, "raw") == 0))) {
        err_set(_("The disk format must be qcow2 or raw."));
        return -1;
    }
    if (s->net != VM_NET_NONE &&
        valid_name(s->net == VM_NET_BRIDGE ? _("bridge") : _("network"),
                   s->net_source) < 0)
        return -1;
    if (s->iso) {
        const char *slash = strchr(s->iso, '/');
        char *pool;
        int rc;
        if (!slash || slash == s->iso) {
            err_set(_("Give the ISO image as DOMAIN/FILE (an ISO domain's "
                      "image) or POOL/VOLUME, e.g. isos/debian-12.iso."));
            return -1;
        }
        pool = xstrndup(s->iso, (size_t)(slash - s->iso));
        rc = valid_name(_("storage pool"), pool);
        free(pool);
        if (rc < 0 || valid_file_name(slash + 1) < 0)
            return -1;
    }
    for (unsigned i = 0; i < s->n_boot; i++) {
        if (s->boot[i] == VM_BOOT_CDROM && !s->iso) {
            err_set(_("Booting from the CD-ROM needs an ISO image."));
            return -1;
        }
        if (s->boot[i] == VM_BOOT_NETWORK && s->net == VM_NET_NONE) {
            err_set(_("Booting from the network (PXE) needs a network."));
            return -1;
        }
        if (s->boot[i] == VM_BOOT_DISK && !s->disk_gib && !s->disk_volume &&
            !s->disk_domain && !s->kernel) {
            err_set(_("Booting from the disk needs a disk."));
            return -1;
        }
    }
    if ((s->initrd || s->cmdline) && !s->kernel) {
        err_set(_("An initrd or kernel command line needs a kernel."));
        return -1;
    }
    if (check_abs_path(_("kernel"), s->kernel) < 0 ||
        check_abs_path(_("initrd"), s->initrd) < 0)
        return -1;
    if (s->cmdline && strlen(s->cmdline) > 2048) {
        err_set(_("The kernel command line is longer than 2048 bytes."));
        return -1;
    }
    /* Both go into the domain XML, which holds only valid text. */
    if (s->cmdline && !text_valid(s->cmdline)) {
        err_set(_("The kernel command line holds a control character or is "
                  "not valid text (UTF-8): type it again."));
        return -1;
    }
    if (s->chap_secret) {
        /* never quoted: it is a secret */
        size_t n = strlen(s->chap_secret);
        bool ctrl = false;
        for (const char *p = s->chap_secret; *p; p++)
            ctrl |= (unsigned char)*p < 32 || *p == 127;
        if (!s->disk_domain) {
            err_set(_("A CHAP secret goes with a disk on an iSCSI data "
                      "domain that logs in with CHAP: give the domain "
                      "too."));
            return -1;
        }
        if (!n || n > 255 || ctrl) {
            err_set(_("The CHAP secret must be 1 to 255 bytes on one line, "
                      "without control characters."));
            return -1;
        }
    }
    if (s->gfx != VM_GFX_NONE) {
        unsigned char buf[16];
        if (!s->listen || (inet_pton(AF_INET, s->listen, buf) != 1 &&
                           inet_pton(AF_INET6, s->listen, buf) != 1)) {
            char *shown = text_safe(s->listen ? s->listen : "");
            err_set(_("The console listen address '%s' is not an IP address: "
                      "use 127.0.0.1 (reach it with ssh -L) or 0.0.0.0."), shown);
            free(shown);
            return -1;
        }
        if (s->password && !text_valid(s->password)) {
            err_set(_("The console password holds a control character or "
                      "is not valid text (UTF-8): type it again."));
            return -1;
        }
        if (s->password && (strlen(s->password) > 64 ||
                            (s->gfx == VM_GFX_VNC && strlen(s->password) > 8))) {
            err_set(s->gfx == VM_GFX_VNC
                    ? _("A VNC password has at most 8 characters.")
                    : _("A SPICE password has at most 64 characters."));
            return -1;
        }
    }
    return 0;
}

int
vm_spec_parse_boot(struct vm_spec *s, const char *list)
{
    char *copy = xstrdup(list), *save = NULL, *tok;
    int ret = 0;

    s->n_boot = 0;
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        enum vm_boot b;
        if (strcmp(tok, "disk") == 0 || strcmp(tok, "hd") == 0)
            b = VM_BOOT_DISK;
        else if (strcmp(tok, "cdrom") == 0 || strcmp(tok, "iso") == 0)
            b = VM_BOOT_CDROM;
        else if (strcmp(tok, "network") == 0 || strcmp(tok, "pxe") == 0)
            b = VM_BOOT_NETWORK;
        else {
            char *shown = text_safe(tok);
            err_set(_("Unknown boot device '%s': use disk, cdrom or network."),
                    shown);
            free(shown);
            ret = -1;
            break;
        }
        if (s->n_boot >= VM_SPEC_MAX_BOOT) {
            err_set(_("Give at most three boot devices."));
            ret = -1;
            break;
        }
        s->boot[s->n_boot++] = b;
    }
    if (ret == 0 && s->n_boot == 0) {
        err_set(_("Give at least one boot device: disk, cdrom or network."));
        ret = -1;
    }
    free(copy);
    return ret;
}

static const char *const gfx_names[] = { "none", "vnc", "spice" };

const char *
vm_gfx_name(enum vm_gfx g)
{
    return (unsigned)g < 3 ? gfx_names[g] : "?";
}

int
vm_gfx_parse(const char *s, enum vm_gfx *g)
{
    for (unsigned i = 0; i < 3; i++) {
        if (s && strcmp(s, gfx_names[i]) == 0) {
            *g = i;
            return 0;
        }
    }
    err_set(_("The console type must be vnc, spice or none."));
    return -1;
}
