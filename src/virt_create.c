/* virt_create.c: creating, editing and deleting VMs on a host (the
 * backend side; see virt.h).
 *
 * Creation runs in one job: the host's capabilities choose the domain
 * type, a new volume is created in the pool (or an existing one used), the
 * domain is defined and, if asked, started, with a run-once kernel boot
 * when one is given.  When a step fails, what the earlier steps created is
 * removed before the failure is reported: nothing is left half-made. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include "domxml.h"
#include "jobs.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "virt_priv.h"
#include "vmspec.h"

struct create_job {
    struct vconn *vc;
    virConnectPtr conn;
    struct vm_spec spec;
    char *host_name;
    virt_done_fn done;
    void *opaque;
    char *error;
    char *type;             /* domain type used */
    bool started;
};

/* Look up POOL/VOLUME (or a volume in pool); sets j->error on failure. */
static virStorageVolPtr
find_volume(virConnectPtr conn, const char *pool_name, const char *vol_name,
            char **error)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(conn, pool_name);
    virStorageVolPtr vol = NULL;

    if (!pool) {
        *error = xasprintf(_("there is no storage pool '%s' on the host"),
                           pool_name);
        return NULL;
    }
    if (virStoragePoolIsActive(pool) != 1) {
        *error = xasprintf(_("the storage pool '%s' is not active"), pool_name);
        goto cleanup;
    }
    virStoragePoolRefresh(pool, 0);
    vol = virStorageVolLookupByName(pool, vol_name);
    if (!vol)
        *error = xasprintf(_("there is no volume '%s' in storage pool '%s'"),
                           vol_name, pool_name);
cleanup:
    virStoragePoolFree(pool);
    return vol;
}

static void
create_run(void *arg)
{
    struct create_job *j = arg;
    struct vm_spec *s = &j->spec;
    char *caps = NULL, *arch = NULL, *machine = NULL, *emulator = NULL;
    char *disk_path = NULL, *iso_path = NULL, *xml = NULL, *vol_xml = NULL;
    char *vol_name = NULL, *serial_log = NULL;
    virStoragePoolPtr pool = NULL;
    virStorageVolPtr vol = NULL, iso = NULL;
    virDomainPtr dom = NULL;
    bool vol_created = false;
    struct domxml_target t = { 0 };
    char uuid[VIR_UUID_STRING_BUFLEN];

    caps = virConnectGetCapabilities(j->conn);
    if (!caps) {
        j->error = virt_last_error();
        goto fail;
    }
    if (domxml_caps_guest(caps, &j->type, &arch, &machine, &emulator) < 0) {
        j->error = xstrdup(err_msg());
        goto fail;
    }
    dom = virDomainLookupByName(j->conn, s->name);
    if (dom) {
        j->error = xasprintf(_("the host already has a VM named '%s'"), s->name);
        virDomainFree(dom);
        dom = NULL;
        goto fail;
    }
    if (s->disk_net.protocol) {
        /* on a storage domain: the engine made the disk, QEMU opens it */
    } else if (s->disk_gib) {
        pool = virStoragePoolLookupByName(j->conn, s->pool);
        if (!pool || virStoragePoolIsActive(pool) != 1) {
            j->error = xasprintf(_("there is no active storage pool '%s' on "
                                   "the host"), s->pool);
            goto fail;
        }
        vol_name = xasprintf("%s-disk0.%s", s->name,
                             strcmp(s->disk_format, "raw") == 0 ? "img" : "qcow2");
        vol_xml = domxml_volume(vol_name, s->disk_gib, s->disk_format);
        vol = virStorageVolCreateXML(pool, vol_xml, 0);
        if (!vol) {
            char *e = virt_last_error();
            j->error = xasprintf(_("cannot create the disk in pool '%s': %s"),
                                 s->pool, e);
            free(e);
            goto fail;
        }
        vol_created = true;
    } else if (s->disk_volume) {
        vol = find_volume(j->conn, s->pool, s->disk_volume, &j->error);
        if (!vol)
            goto fail;
    }
    if (vol) {
        disk_path = virStorageVolGetPath(vol);
        if (!disk_path) {
            j->error = virt_last_error();
            goto fail;
        }
    }
    if (s->iso && !s->iso_net.protocol) {
        char *pool_name = xstrndup(s->iso, (size_t)(strchr(s->iso, '/') - s->iso));
        iso = find_volume(j->conn, pool_name, strchr(s->iso, '/') + 1, &j->error);
        free(pool_name);
        if (!iso || !(iso_path = virStorageVolGetPath(iso))) {
            if (!j->error)
                j->error = virt_last_error();
            goto fail;
        }
    }

    t.type = j->type;
    t.arch = arch;
    t.machine = machine;
    t.emulator = emulator;
    t.disk_path = disk_path;
    t.disk_format = s->disk_gib ? s->disk_format : "raw";
    if (vol && !s->disk_gib) {
        /* an existing volume: ask libvirt its format */
        char *vx = virStorageVolGetXMLDesc(vol, 0);
        if (vx && strstr(vx, "<format type='qcow2'/>"))
            t.disk_format = "qcow2";
        free(vx);
    }
    t.iso_path = iso_path;
    if (streq(j->type, "kvm") || streq(j->type, "qemu")) {
        serial_log = xasprintf("/var/log/libvirt/qemu/%s-serial.log", s->name);
        t.serial_log = serial_log;
    }
    t.with_kernel = false;
    xml = domxml_build(s, &t);
    dom = virDomainDefineXML(j->conn, xml);
    if (!dom) {
        char *e = virt_last_error();
        j->error = xasprintf(_("the host refused the definition: %s"), e);
        free(e);
        goto fail;
    }
    if (s->start) {
        int rc;
        if (s->kernel) {
            /* Run once: the persistent definition boots the kernel for
             * this start only, then goes back to the normal boot order
             * (the running VM keeps the kernel it started with). */
            char *kxml;
            virDomainPtr kdom;
            virDomainGetUUIDString(dom, uuid);
            t.uuid = uuid;
            t.with_kernel = true;
            kxml = domxml_build(s, &t);
            kdom = virDomainDefineXML(j->conn, kxml);
            free(kxml);
            if (!kdom) {
                j->error = virt_last_error();
                goto fail;
            }
            virDomainFree(kdom);
        }
        rc = virDomainCreate(dom);
        if (s->kernel) {
            virDomainPtr back;
            t.with_kernel = false;
            free(xml);
            xml = domxml_build(s, &t);
            back = virDomainDefineXML(j->conn, xml);
            if (back)
                virDomainFree(back);
            else
                log_warn("run once: the normal boot order was not restored: %s",
                         virGetLastErrorMessage());
        }
        if (rc < 0) {
            char *e = virt_last_error();
            j->error = xasprintf(_("the VM was defined but did not start: %s"), e);
            free(e);
            goto fail;
        }
        j->started = true;
    }
    goto cleanup;

fail:
    /* Remove what was made, newest first. */
    if (dom) {
        if (virDomainIsActive(dom) == 1)
            virDomainDestroy(dom);
        if (virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM) < 0)
            virDomainUndefine(dom);
    }
    if (vol && vol_created && virStorageVolDelete(vol, 0) < 0)
        log_warn("could not remove the new volume %s: %s", vol_name,
                 virGetLastErrorMessage());
cleanup:
    if (dom)
        virDomainFree(dom);
    if (vol)
        virStorageVolFree(vol);
    if (iso)
        virStorageVolFree(iso);
    if (pool)
        virStoragePoolFree(pool);
    free(caps);
    free(arch);
    free(machine);
    free(emulator);
    free(disk_path);
    free(iso_path);
    free(xml);
    free(vol_xml);
    free(vol_name);
    free(serial_log);
}

static void
create_done(void *arg)
{
    struct create_job *j = arg;
    struct virt *v = vconn_virt(j->vc);
    char *msg;

    if (j->error)
        msg = xasprintf(_("Could not create VM '%s' on host '%s': %s. Nothing "
                          "was left behind."), j->spec.name, j->host_name,
                        j->error);
    else
        msg = xasprintf(j->started ? _("VM '%s' created on host '%s' and "
                                       "started.")
                                   : _("VM '%s' created on host '%s'."),
                        j->spec.name, j->host_name);
    virt_tell(v, j->spec.name, "vm-create", j->error ? 0 : 1, msg);
    if (j->done)
        j->done(j->opaque, j->error ? 0 : 1, msg);
    free(msg);
    virConnectClose(j->conn);
    virt_release(j->vc);
    vm_spec_clear(&j->spec);
    free(j->host_name);
    free(j->error);
    free(j->type);
    free(j);
}

int
virt_vm_create(struct virt *v, int64_t host_id, const char *host_name,
               const struct vm_spec *spec, virt_done_fn done, void *opaque)
{
    struct create_job *j = xcalloc(1, sizeof(*j));

    j->vc = virt_hold(v, host_id, &j->conn);
    if (!j->vc) {
        free(j);
        return -1;
    }
    vm_spec_copy(&j->spec, spec);
    j->host_name = xstrdup(host_name);
    j->done = done;
    j->opaque = opaque;
    jobs_submit(create_run, create_done, j);
    return 0;
}

/* ---- edit and delete ---- */

struct change_job {
    struct vconn *vc;
    virConnectPtr conn;
    char uuid[VIR_UUID_STRING_BUFLEN];
    char *vm_name;
    struct vm_edit edit;    /* edit jobs */
    char *listen, *password;
    bool is_delete, delete_disks;
    virt_done_fn done;
    void *opaque;
    char *error;
    char *note;             /* disks that could not be removed */
};

static void
edit_run(void *arg)
{
    struct change_job *j = arg;
    virDomainPtr dom = virDomainLookupByUUIDString(j->conn, j->uuid);
    char *xml = NULL, *nxml = NULL, *meta = NULL;
    virDomainPtr nd = NULL;
    bool only_ha = !j->edit.set_vcpus && !j->edit.set_mem &&
                   !j->edit.set_boot && !j->edit.set_gfx;

    if (!dom) {
        j->error = virt_last_error();
        return;
    }
    if (only_ha) {
        unsigned flags = VIR_DOMAIN_AFFECT_CONFIG;
        if (virDomainIsActive(dom) == 1)
            flags |= VIR_DOMAIN_AFFECT_LIVE;
        meta = domxml_metadata(j->edit.ha);
        if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, meta,
                                 VD_XMLNS_PREFIX, VD_XMLNS, flags) < 0)
            j->error = virt_last_error();
        goto cleanup;
    }
    if (virDomainIsActive(dom) == 1) {
        j->error = xstrdup(_("it is running: power it off first (CPU, memory, "
                             "boot order and console change only when off)"));
        goto cleanup;
    }
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    if (!xml) {
        j->error = virt_last_error();
        goto cleanup;
    }
    nxml = domxml_edit(xml, &j->edit);
    if (!nxml) {
        j->error = xstrdup(err_msg());
        goto cleanup;
    }
    nd = virDomainDefineXML(j->conn, nxml);
    if (!nd)
        j->error = virt_last_error();
cleanup:
    if (nd)
        virDomainFree(nd);
    virDomainFree(dom);
    free(xml);
    free(nxml);
    free(meta);
}

static void
delete_run(void *arg)
{
    struct change_job *j = arg;
    virDomainPtr dom = virDomainLookupByUUIDString(j->conn, j->uuid);
    char *xml = NULL, **paths = NULL;

    if (!dom) {
        j->error = virt_last_error();
        return;
    }
    if (virDomainIsActive(dom) == 1) {
        j->error = xstrdup(_("it is running: power it off first"));
        goto cleanup;
    }
    xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
    if (!xml || domxml_disk_paths(xml, &paths) < 0) {
        j->error = virt_last_error();
        goto cleanup;
    }
    if (virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM |
                                    VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
                                    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA) < 0 &&
        virDomainUndefine(dom) < 0) {
        j->error = virt_last_error();
        goto cleanup;
    }
    for (size_t i = 0; j->delete_disks && paths[i]; i++) {
        virStorageVolPtr vol = virStorageVolLookupByPath(j->conn, paths[i]);
        if (!vol || virStorageVolDelete(vol, 0) < 0) {
            char *e = virt_last_error();
            char *prev = j->note;
            j->note = xasprintf("%s%s%s (%s)", prev ? prev : "", prev ? "; " : "",
                                paths[i], e);
            free(prev);
            free(e);
        }
        if (vol)
            virStorageVolFree(vol);
    }
cleanup:
    for (size_t i = 0; paths && paths[i]; i++)
        free(paths[i]);
    free(paths);
    free(xml);
    virDomainFree(dom);
}

static void
change_done(void *arg)
{
    struct change_job *j = arg;
    struct virt *v = vconn_virt(j->vc);
    const char *action = j->is_delete ? "vm-delete" : "vm-edit";
    char *msg;

    if (j->error)
        msg = xasprintf(j->is_delete ? _("Could not delete VM '%s': %s.")
                                     : _("Could not change VM '%s': %s."),
                        j->vm_name, j->error);
    else if (j->is_delete && j->note)
        msg = xasprintf(_("VM '%s' deleted; these disks could not be removed: "
                          "%s."), j->vm_name, j->note);
    else if (j->is_delete)
        msg = xasprintf(j->delete_disks ? _("VM '%s' and its disks deleted.")
                                        : _("VM '%s' deleted; its disks were "
                                            "kept."), j->vm_name);
    else
        msg = xasprintf(_("VM '%s' changed."), j->vm_name);
    virt_tell(v, j->vm_name, action, j->error ? 0 : 1, msg);
    if (j->done)
        j->done(j->opaque, j->error ? 0 : 1, msg);
    free(msg);
    virConnectClose(j->conn);
    virt_release(j->vc);
    free(j->vm_name);
    free(j->listen);
    if (j->password) {
        memset(j->password, 0, strlen(j->password));
        free(j->password);
    }
    free(j->error);
    free(j->note);
    free(j);
}

static struct change_job *
change_new(struct virt *v, int64_t host_id, const char *uuid,
           const char *vm_name, virt_done_fn done, void *opaque)
{
    struct change_job *j = xcalloc(1, sizeof(*j));
    j->vc = virt_hold(v, host_id, &j->conn);
    if (!j->vc) {
        free(j);
        return NULL;
    }
    snprintf(j->uuid, sizeof(j->uuid), "%s", uuid);
    j->vm_name = xstrdup(vm_name);
    j->done = done;
    j->opaque = opaque;
    return j;
}

int
virt_vm_edit(struct virt *v, int64_t host_id, const char *uuid,
             const char *vm_name, const struct vm_edit *e, virt_done_fn done,
             void *opaque)
{
    struct change_job *j = change_new(v, host_id, uuid, vm_name, done, opaque);
    if (!j)
        return -1;
    j->edit = *e;
    j->listen = xstrdup(e->listen);
    j->password = xstrdup(e->password);
    j->edit.listen = j->listen;
    j->edit.password = j->password;
    jobs_submit(edit_run, change_done, j);
    return 0;
}

int
virt_vm_delete(struct virt *v, int64_t host_id, const char *uuid,
               const char *vm_name, bool delete_disks, virt_done_fn done,
               void *opaque)
{
    struct change_job *j = change_new(v, host_id, uuid, vm_name, done, opaque);
    if (!j)
        return -1;
    j->is_delete = true;
    j->delete_disks = delete_disks;
    jobs_submit(delete_run, change_done, j);
    return 0;
}

/* ---- define and start a saved definition (HA restart) ---- */

struct restart_job {
    struct vconn *vc;
    virConnectPtr conn;
    char *xml;
    char *vm_name, *host_name;
    virt_done_fn done;
    void *opaque;
    char *error;
};

static void
restart_run(void *arg)
{
    struct restart_job *j = arg;
    virDomainPtr dom = virDomainDefineXML(j->conn, j->xml);

    if (!dom) {
        j->error = virt_last_error();
        return;
    }
    if (virDomainIsActive(dom) != 1 && virDomainCreate(dom) < 0)
        j->error = virt_last_error();
    virDomainFree(dom);
}

static void
restart_done(void *arg)
{
    struct restart_job *j = arg;
    char *msg = j->error
        ? xasprintf(_("Could not start VM '%s' on host '%s': %s"), j->vm_name,
                    j->host_name, j->error)
        : xasprintf(_("VM '%s' started on host '%s'."), j->vm_name,
                    j->host_name);

    if (j->done)
        j->done(j->opaque, j->error ? 0 : 1, msg);
    free(msg);
    virConnectClose(j->conn);
    virt_release(j->vc);
    free(j->xml);
    free(j->vm_name);
    free(j->host_name);
    free(j->error);
    free(j);
}

int
virt_vm_define_start(struct virt *v, int64_t host_id, const char *host_name,
                     const char *vm_name, const char *xml, virt_done_fn done,
                     void *opaque)
{
    struct restart_job *j = xcalloc(1, sizeof(*j));

    j->vc = virt_hold(v, host_id, &j->conn);
    if (!j->vc) {
        free(j);
        return -1;
    }
    j->xml = xstrdup(xml);
    j->vm_name = xstrdup(vm_name);
    j->host_name = xstrdup(host_name);
    j->done = done;
    j->opaque = opaque;
    jobs_submit(restart_run, restart_done, j);
    return 0;
}
