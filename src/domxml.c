/* domxml.c: domain XML with libxml2 (see domxml.h). */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include "domxml.h"
#include "vmspec.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/mem.h"

static xmlNode *
child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && streq((const char *)c->name, name))
            return c;
    }
    return NULL;
}

static char *
node_text(xmlNode *n)
{
    xmlChar *t;
    char *s;
    if (!n)
        return NULL;
    t = xmlNodeGetContent(n);
    s = xstrdup((const char *)t);
    xmlFree(t);
    return s;
}

static char *
node_attr(xmlNode *n, const char *name)
{
    xmlChar *t;
    char *s;
    if (!n)
        return NULL;
    t = xmlGetProp(n, (const xmlChar *)name);
    s = xstrdup((const char *)t);
    xmlFree(t);
    return s;
}

/* libvirt memory units to KiB. */
static uint64_t
to_kib(unsigned long long v, const char *unit)
{
    if (!unit || !*unit || streq(unit, "KiB") || streq(unit, "k") ||
        streq(unit, "K"))
        return v;
    if (streq(unit, "b") || streq(unit, "bytes"))
        return v / 1024;
    if (streq(unit, "KB"))
        return v * 1000 / 1024;
    if (streq(unit, "MiB") || streq(unit, "M") || streq(unit, "m"))
        return v * 1024;
    if (streq(unit, "MB"))
        return v * 1000000 / 1024;
    if (streq(unit, "GiB") || streq(unit, "G") || streq(unit, "g"))
        return v * 1024 * 1024;
    if (streq(unit, "GB"))
        return v * 1000000000ULL / 1024;
    if (streq(unit, "TiB") || streq(unit, "T") || streq(unit, "t"))
        return v * 1024ULL * 1024 * 1024;
    return v;
}

static bool
truthy(const char *s)
{
    return s && (strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 ||
                 strcmp(s, "1") == 0 || strcasecmp(s, "on") == 0);
}

static void
dev_push(char ***list, size_t *n, char *line)
{
    *list = xrealloc(*list, (*n + 2) * sizeof(**list));
    (*list)[(*n)++] = line;
    (*list)[*n] = NULL;
}

/* One line per disk and NIC, for the detail pane. */
static char **
parse_devices(xmlNode *devs)
{
    char **list = xcalloc(1, sizeof(*list));
    size_t n = 0;

    for (xmlNode *d = devs ? devs->children : NULL; d; d = d->next) {
        if (d->type != XML_ELEMENT_NODE)
            continue;
        if (streq((const char *)d->name, "disk")) {
            xmlNode *src = child(d, "source");
            char *device = node_attr(d, "device");
            char *target = node_attr(child(d, "target"), "dev");
            char *file = node_attr(src, "file");
            char *name = file ? NULL : node_attr(src, "name");
            char *proto = name ? node_attr(src, "protocol") : NULL;
            char *where = file ? xstrdup(file)
                          : name ? xasprintf("%s:%s", proto ? proto : "net", name)
                          : xstrdup("-");
            dev_push(&list, &n, xasprintf("%s %s %s", device ? device : "disk",
                                          target ? target : "?", where));
            free(device);
            free(target);
            free(file);
            free(name);
            free(proto);
            free(where);
        } else if (streq((const char *)d->name, "interface")) {
            xmlNode *src = child(d, "source");
            char *type = node_attr(d, "type");
            char *mac = node_attr(child(d, "mac"), "address");
            char *net = node_attr(src, "network"), *br = node_attr(src, "bridge");
            dev_push(&list, &n, xasprintf("nic %s %s %s", mac ? mac : "?",
                                          type ? type : "?",
                                          net ? net : br ? br : "-"));
            free(type);
            free(mac);
            free(net);
            free(br);
        }
    }
    return list;
}

static int disk_paths_where(const char *xml, int len, char ***paths,
                            bool (*keep)(xmlNode *disk, const char *type));
static bool local_disk(xmlNode *disk, const char *type);

int
domxml_parse(const char *xml, int len, struct vm_conf *c)
{
    xmlDoc *doc;
    xmlNode *root, *n;
    char *s, *unit;
    int ret = -1;

    memset(c, 0, sizeof(*c));
    doc = xmlReadMemory(xml, len < 0 ? (int)strlen(xml) : len, "domain.xml",
                        NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                        XML_PARSE_NOWARNING);
    if (!doc) {
        err_set(_("the domain XML does not parse"));
        return -1;
    }
    root = xmlDocGetRootElement(doc);
    if (!root || !streq((const char *)root->name, "domain")) {
        err_set(_("the XML is not a domain definition"));
        goto cleanup;
    }
    c->name = node_text(child(root, "name"));
    s = node_text(child(root, "uuid"));
    if (s)
        snprintf(c->uuid, sizeof(c->uuid), "%s", s);
    free(s);

    n = child(root, "vcpu");
    if (n) {
        s = node_attr(n, "current");
        if (!s)
            s = node_text(n);
        c->vcpus = s ? (unsigned)strtoul(s, NULL, 10) : 0;
        free(s);
    }
    n = child(root, "memory");
    if (n) {
        s = node_text(n);
        unit = node_attr(n, "unit");
        if (s)
            c->mem_max_kib = to_kib(strtoull(s, NULL, 10), unit);
        free(s);
        free(unit);
    }
    n = child(child(root, "os"), "type");
    c->os_type = node_text(n);

    n = child(child(root, "devices"), "graphics");
    c->graphics = node_attr(n, "type");
    c->gfx_port = -1;
    if (n) {
        char *port = node_attr(n, "port"), *pw = node_attr(n, "passwd");
        c->gfx_listen = node_attr(n, "listen");
        if (!c->gfx_listen)
            c->gfx_listen = node_attr(child(n, "listen"), "address");
        if (port && atoi(port) > 0)
            c->gfx_port = atoi(port);
        c->gfx_password = pw != NULL;
        free(port);
        free(pw);
    }
    c->devices = parse_devices(child(root, "devices"));
    {
        char **local = NULL;
        /* xml may not end in a NUL: read the same len bytes again */
        if (disk_paths_where(xml, len, &local, local_disk) == 0) {
            c->local_disks = local[0] != NULL;
            for (size_t i = 0; local[i]; i++)
                free(local[i]);
            free(local);
        }
    }

    n = child(root, "metadata");
    for (xmlNode *m = n ? n->children : NULL; m; m = m->next) {
        if (m->type == XML_ELEMENT_NODE && m->ns &&
            streq((const char *)m->ns->href, VD_XMLNS) &&
            streq((const char *)m->name, "vm")) {
            s = node_text(child(m, "ha"));
            c->ha = truthy(s);
            free(s);
        }
    }
    ret = 0;

cleanup:
    xmlFreeDoc(doc);
    if (ret < 0)
        vm_conf_clear(c);
    return ret;
}

void
vm_conf_clear(struct vm_conf *c)
{
    FREE(c->name);
    FREE(c->os_type);
    FREE(c->graphics);
    FREE(c->gfx_listen);
    FREE(c->ha_xml);
    for (size_t i = 0; c->devices && c->devices[i]; i++)
        free(c->devices[i]);
    FREE(c->devices);
}

char *
domxml_metadata(bool ha)
{
    /* virDomainSetMetadata puts the element in the namespace it is given:
     * the element itself must come without one. */
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"vm");
    xmlBuffer *buf = xmlBufferCreate();
    char *out;

    xmlDocSetRootElement(doc, root);
    xmlNewChild(root, NULL, (const xmlChar *)"ha",
                (const xmlChar *)(ha ? "yes" : "no"));
    xmlNodeDump(buf, doc, root, 0, 0);
    out = xstrdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return out;
}

/* ---- building ---- */

static xmlNode *
add_text(xmlNode *parent, const char *name, const char *text)
{
    /* xmlNewTextChild escapes: a VM called a'<b>& stays one name */
    return xmlNewTextChild(parent, NULL, (const xmlChar *)name,
                           (const xmlChar *)text);
}

static void
set_prop(xmlNode *n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

static char *
doc_string(xmlDoc *doc)
{
    xmlChar *mem = NULL;
    int len = 0;
    char *out;

    xmlDocDumpFormatMemoryEnc(doc, &mem, &len, "UTF-8", 1);
    out = xstrndup((const char *)mem, (size_t)len);
    xmlFree(mem);
    return out;
}

static const char *
boot_dev_name(int b)
{
    switch (b) {
    case VM_BOOT_CDROM: return "cdrom";
    case VM_BOOT_NETWORK: return "network";
    default: return "hd";
    }
}

static void
add_graphics(xmlNode *devices, int gfx, const char *listen,
             const char *password)
{
    xmlNode *g, *l;
    if (gfx == VM_GFX_NONE)
        return;
    g = xmlNewChild(devices, NULL, (const xmlChar *)"graphics", NULL);
    set_prop(g, "type", gfx == VM_GFX_SPICE ? "spice" : "vnc");
    set_prop(g, "autoport", "yes");
    if (listen) {
        set_prop(g, "listen", listen);
        l = xmlNewChild(g, NULL, (const xmlChar *)"listen", NULL);
        set_prop(l, "type", "address");
        set_prop(l, "address", listen);
    }
    if (password && *password)
        set_prop(g, "passwd", password);
}

static void
add_metadata(xmlNode *root, bool ha)
{
    xmlNode *md = xmlNewChild(root, NULL, (const xmlChar *)"metadata", NULL);
    xmlNode *vm = xmlNewChild(md, NULL, (const xmlChar *)"vm", NULL);
    xmlNs *ns = xmlNewNs(vm, (const xmlChar *)VD_XMLNS,
                         (const xmlChar *)VD_XMLNS_PREFIX);
    xmlSetNs(vm, ns);
    xmlNewTextChild(vm, ns, (const xmlChar *)"ha",
                    (const xmlChar *)(ha ? "yes" : "no"));
}

/* <source protocol=.. name=..><host/>[<identity/>]</source> under disk. */
static void
add_net_source(xmlNode *disk, const struct vm_netsrc *ns)
{
    xmlNode *src = xmlNewChild(disk, NULL, (const xmlChar *)"source", NULL);
    xmlNode *n;

    set_prop(src, "protocol", ns->protocol);
    set_prop(src, "name", ns->name ? ns->name : "");
    n = xmlNewChild(src, NULL, (const xmlChar *)"host", NULL);
    set_prop(n, "name", ns->host ? ns->host : "");
    if (ns->port)
        set_prop(n, "port", ns->port);
    if (ns->identity) {
        /* QEMU's NFS client then speaks as vdsm:kvm, whatever its uid */
        n = xmlNewChild(src, NULL, (const xmlChar *)"identity", NULL);
        set_prop(n, "user", "+36");
        set_prop(n, "group", "+36");
    }
    if (ns->auth_user) {
        /* CHAP: the value stays in the host's libvirt secret store; the
         * domain only names the secret */
        n = xmlNewChild(src, NULL, (const xmlChar *)"auth", NULL);
        set_prop(n, "username", ns->auth_user);
        n = xmlNewChild(n, NULL, (const xmlChar *)"secret", NULL);
        set_prop(n, "type", "iscsi");
        set_prop(n, "usage", ns->secret_usage ? ns->secret_usage : "");
    }
}

char *
domxml_build(const struct vm_spec *s, const struct domxml_target *t)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"domain");
    xmlNode *n, *os, *dev, *d;
    char buf[64];
    char *out;

    xmlDocSetRootElement(doc, root);
    set_prop(root, "type", t->type ? t->type : "kvm");
    add_text(root, "name", s->name);
    if (t->uuid)
        add_text(root, "uuid", t->uuid);
    add_metadata(root, s->ha);
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->mem_mib);
    n = add_text(root, "memory", buf);
    set_prop(n, "unit", "MiB");
    n = add_text(root, "currentMemory", buf);
    set_prop(n, "unit", "MiB");
    snprintf(buf, sizeof(buf), "%u", s->vcpus);
    add_text(root, "vcpu", buf);

    os = xmlNewChild(root, NULL, (const xmlChar *)"os", NULL);
    n = add_text(os, "type", "hvm");
    if (t->arch)
        set_prop(n, "arch", t->arch);
    if (t->machine)
        set_prop(n, "machine", t->machine);
    if (t->with_kernel && s->kernel) {
        add_text(os, "kernel", s->kernel);
        if (s->initrd)
            add_text(os, "initrd", s->initrd);
        if (s->cmdline)
            add_text(os, "cmdline", s->cmdline);
    } else {
        for (unsigned i = 0; i < s->n_boot; i++) {
            n = xmlNewChild(os, NULL, (const xmlChar *)"boot", NULL);
            set_prop(n, "dev", boot_dev_name(s->boot[i]));
        }
    }
    n = xmlNewChild(root, NULL, (const xmlChar *)"features", NULL);
    xmlNewChild(n, NULL, (const xmlChar *)"acpi", NULL);
    n = xmlNewChild(root, NULL, (const xmlChar *)"clock", NULL);
    set_prop(n, "offset", "utc");
    add_text(root, "on_poweroff", "destroy");
    add_text(root, "on_reboot", "restart");
    add_text(root, "on_crash", "destroy");

    dev = xmlNewChild(root, NULL, (const xmlChar *)"devices", NULL);
    if (t->emulator)
        add_text(dev, "emulator", t->emulator);
    if (s->disk_net.protocol) {
        d = xmlNewChild(dev, NULL, (const xmlChar *)"disk", NULL);
        set_prop(d, "type", "network");
        set_prop(d, "device", "disk");
        n = xmlNewChild(d, NULL, (const xmlChar *)"driver", NULL);
        set_prop(n, "name", "qemu");
        set_prop(n, "type", "raw");
        /* shared storage: no host page cache, so a migration needs no
         * flush and the destination reads what the source wrote */
        set_prop(n, "cache", "none");
        add_net_source(d, &s->disk_net);
        n = xmlNewChild(d, NULL, (const xmlChar *)"target", NULL);
        set_prop(n, "dev", "vda");
        set_prop(n, "bus", "virtio");
    } else if (t->disk_path) {
        d = xmlNewChild(dev, NULL, (const xmlChar *)"disk", NULL);
        set_prop(d, "type", "file");
        set_prop(d, "device", "disk");
        n = xmlNewChild(d, NULL, (const xmlChar *)"driver", NULL);
        set_prop(n, "name", "qemu");
        set_prop(n, "type", t->disk_format ? t->disk_format : "raw");
        n = xmlNewChild(d, NULL, (const xmlChar *)"source", NULL);
        set_prop(n, "file", t->disk_path);
        n = xmlNewChild(d, NULL, (const xmlChar *)"target", NULL);
        set_prop(n, "dev", "vda");
        set_prop(n, "bus", "virtio");
    }
    d = xmlNewChild(dev, NULL, (const xmlChar *)"disk", NULL);
    set_prop(d, "type", s->iso_net.protocol ? "network" : "file");
    set_prop(d, "device", "cdrom");
    n = xmlNewChild(d, NULL, (const xmlChar *)"driver", NULL);
    set_prop(n, "name", "qemu");
    set_prop(n, "type", "raw");
    if (s->iso_net.protocol) {
        add_net_source(d, &s->iso_net);
    } else if (t->iso_path) {
        n = xmlNewChild(d, NULL, (const xmlChar *)"source", NULL);
        set_prop(n, "file", t->iso_path);
    }
    n = xmlNewChild(d, NULL, (const xmlChar *)"target", NULL);
    set_prop(n, "dev", "hdc");
    set_prop(n, "bus", "ide");
    xmlNewChild(d, NULL, (const xmlChar *)"readonly", NULL);

    if (s->net != VM_NET_NONE && s->net_source) {
        d = xmlNewChild(dev, NULL, (const xmlChar *)"interface", NULL);
        set_prop(d, "type", s->net == VM_NET_BRIDGE ? "bridge" : "network");
        n = xmlNewChild(d, NULL, (const xmlChar *)"source", NULL);
        set_prop(n, s->net == VM_NET_BRIDGE ? "bridge" : "network", s->net_source);
        n = xmlNewChild(d, NULL, (const xmlChar *)"model", NULL);
        set_prop(n, "type", "virtio");
    }
    d = xmlNewChild(dev, NULL, (const xmlChar *)"serial", NULL);
    set_prop(d, "type", "pty");
    if (t->serial_log) {
        n = xmlNewChild(d, NULL, (const xmlChar *)"log", NULL);
        set_prop(n, "file", t->serial_log);
        set_prop(n, "append", "on");
    }
    n = xmlNewChild(d, NULL, (const xmlChar *)"target", NULL);
    set_prop(n, "port", "0");
    d = xmlNewChild(dev, NULL, (const xmlChar *)"console", NULL);
    set_prop(d, "type", "pty");
    n = xmlNewChild(d, NULL, (const xmlChar *)"target", NULL);
    set_prop(n, "type", "serial");
    set_prop(n, "port", "0");
    add_graphics(dev, s->gfx, s->listen, s->password);
    n = xmlNewChild(dev, NULL, (const xmlChar *)"memballoon", NULL);
    set_prop(n, "model", "virtio");

    out = doc_string(doc);
    xmlFreeDoc(doc);
    return out;
}

int
domxml_caps_guest(const char *caps, char **type, char **arch, char **machine,
                  char **emulator)
{
    xmlDoc *doc = xmlReadMemory(caps, (int)strlen(caps), "caps.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
    xmlNode *root;
    int best = -1, ret = -1;

    *type = *arch = *machine = *emulator = NULL;
    if (!doc) {
        err_set(_("the host's capabilities do not parse"));
        return -1;
    }
    root = xmlDocGetRootElement(doc);
    for (xmlNode *g = root ? root->children : NULL; g; g = g->next) {
        xmlNode *a;
        char *ostype;
        if (g->type != XML_ELEMENT_NODE || !streq((const char *)g->name, "guest"))
            continue;
        ostype = node_text(child(g, "os_type"));
        a = child(g, "arch");
        if (streq(ostype, "hvm") && a) {
            char *aname = node_attr(a, "name");
            for (xmlNode *dm = a->children; dm; dm = dm->next) {
                char *dt;
                int score;
                if (dm->type != XML_ELEMENT_NODE ||
                    !streq((const char *)dm->name, "domain"))
                    continue;
                dt = node_attr(dm, "type");
                score = streq(dt, "kvm") ? 3 : streq(dt, "qemu") ? 2 : 1;
                if (streq(aname, "x86_64"))
                    score += 10;
                if (score > best) {
                    best = score;
                    free(*type);
                    free(*arch);
                    free(*machine);
                    free(*emulator);
                    *type = xstrdup(dt);
                    *arch = xstrdup(aname);
                    *machine = node_text(child(a, "machine"));
                    *emulator = node_text(child(dm, "emulator"));
                    if (!*emulator)
                        *emulator = node_text(child(a, "emulator"));
                }
                free(dt);
            }
            free(aname);
        }
        free(ostype);
    }
    if (best < 0)
        err_set(_("the host offers no hvm guest"));
    else
        ret = 0;
    xmlFreeDoc(doc);
    return ret;
}

static void
remove_children(xmlNode *parent, const char *name)
{
    xmlNode *c = parent ? parent->children : NULL;
    while (c) {
        xmlNode *next = c->next;
        if (c->type == XML_ELEMENT_NODE && streq((const char *)c->name, name)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
        c = next;
    }
}

static void
set_child_text(xmlNode *parent, const char *name, const char *text,
               const char *unit)
{
    xmlNode *n = child(parent, name);
    if (!n)
        n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
    xmlNodeSetContent(n, NULL);
    xmlNodeAddContent(n, (const xmlChar *)text);
    if (unit)
        set_prop(n, "unit", unit);
    xmlUnsetProp(n, (const xmlChar *)"current");
}

char *
domxml_edit(const char *xml, const struct vm_edit *e)
{
    xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "domain.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
    xmlNode *root, *dev, *os;
    char buf[64];
    char *out;

    if (!doc || !(root = xmlDocGetRootElement(doc)) ||
        !streq((const char *)root->name, "domain")) {
        err_set(_("the XML is not a domain definition"));
        xmlFreeDoc(doc);
        return NULL;
    }
    if (e->set_vcpus) {
        snprintf(buf, sizeof(buf), "%u", e->vcpus);
        set_child_text(root, "vcpu", buf, NULL);
    }
    if (e->set_mem) {
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)e->mem_mib);
        set_child_text(root, "memory", buf, "MiB");
        set_child_text(root, "currentMemory", buf, "MiB");
    }
    os = child(root, "os");
    if (e->set_boot && os) {
        xmlNode *prev = child(os, "type");
        remove_children(os, "boot");
        remove_children(os, "kernel");
        remove_children(os, "initrd");
        remove_children(os, "cmdline");
        /* <boot> elements follow <type>, in the order given */
        for (unsigned i = 0; i < e->n_boot; i++) {
            xmlNode *bt = xmlNewNode(NULL, (const xmlChar *)"boot");
            set_prop(bt, "dev", boot_dev_name(e->boot[i]));
            prev = prev ? xmlAddNextSibling(prev, bt) : xmlAddChild(os, bt);
        }
    }
    dev = child(root, "devices");
    if (e->set_gfx && dev) {
        char *old_pw = NULL;
        xmlNode *g = child(dev, "graphics");
        if (g)
            old_pw = node_attr(g, "passwd");
        remove_children(dev, "graphics");
        add_graphics(dev, e->gfx, e->listen,
                     e->password ? e->password : old_pw);
        free(old_pw);
    }
    if (e->set_ha) {
        xmlNode *md = child(root, "metadata");
        if (md) {
            for (xmlNode *m = md->children; m;) {
                xmlNode *next = m->next;
                if (m->type == XML_ELEMENT_NODE && m->ns &&
                    streq((const char *)m->ns->href, VD_XMLNS)) {
                    xmlUnlinkNode(m);
                    xmlFreeNode(m);
                }
                m = next;
            }
            xmlNode *vm = xmlNewChild(md, NULL, (const xmlChar *)"vm", NULL);
            xmlNs *ns = xmlNewNs(vm, (const xmlChar *)VD_XMLNS,
                                 (const xmlChar *)VD_XMLNS_PREFIX);
            xmlSetNs(vm, ns);
            xmlNewTextChild(vm, ns, (const xmlChar *)"ha",
                            (const xmlChar *)(e->ha ? "yes" : "no"));
        } else {
            add_metadata(root, e->ha);
        }
    }
    out = doc_string(doc);
    xmlFreeDoc(doc);
    return out;
}

/* The source paths of the domain's disks (device='disk') that keep() accepts,
 * as a NULL-terminated array owned by the caller; XML is LEN bytes (or
 * NUL-terminated when LEN < 0).  0 or -1 (err_set). */
static int
disk_paths_where(const char *xml, int len, char ***paths,
                 bool (*keep)(xmlNode *disk, const char *type))
{
    xmlDoc *doc = xmlReadMemory(xml, len < 0 ? (int)strlen(xml) : len,
                                "domain.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR |
                                XML_PARSE_NOWARNING);
    xmlNode *root, *dev;
    size_t n = 0;
    char **out;

    if (!doc || !(root = xmlDocGetRootElement(doc))) {
        err_set(_("the XML is not a domain definition"));
        xmlFreeDoc(doc);
        return -1;
    }
    dev = child(root, "devices");
    out = xcalloc(1, sizeof(*out));
    for (xmlNode *d = dev ? dev->children : NULL; d; d = d->next) {
        char *device, *type, *path;
        if (d->type != XML_ELEMENT_NODE || !streq((const char *)d->name, "disk"))
            continue;
        device = node_attr(d, "device");
        type = node_attr(d, "type");
        path = node_attr(child(d, "source"), streq(type, "block") ? "dev" : "file");
        if (path && (!device || streq(device, "disk")) && keep(d, type)) {
            out = xrealloc(out, (n + 2) * sizeof(*out));
            out[n++] = path;
            out[n] = NULL;
        } else {
            free(path);
        }
        free(device);
        free(type);
    }
    *paths = out;
    xmlFreeDoc(doc);
    return 0;
}

static bool
any_disk(xmlNode *disk, const char *type)
{
    return true;
}

/* Local: a file or block device that is neither read-only nor shareable. */
static bool
local_disk(xmlNode *disk, const char *type)
{
    return (streq(type, "file") || streq(type, "block")) &&
           !child(disk, "readonly") && !child(disk, "shareable");
}

int
domxml_disk_paths(const char *xml, char ***paths)
{
    return disk_paths_where(xml, -1, paths, any_disk);
}

char *
domxml_volume(const char *name, uint64_t gib, const char *fmt)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"volume");
    xmlNode *n, *t;
    char buf[32];
    char *out;

    xmlDocSetRootElement(doc, root);
    add_text(root, "name", name);
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)gib);
    n = add_text(root, "capacity", buf);
    set_prop(n, "unit", "GiB");
    t = xmlNewChild(root, NULL, (const xmlChar *)"target", NULL);
    n = xmlNewChild(t, NULL, (const xmlChar *)"format", NULL);
    set_prop(n, "type", fmt);
    out = doc_string(doc);
    xmlFreeDoc(doc);
    return out;
}

int
domxml_local_disks(const char *xml, char ***paths)
{
    return disk_paths_where(xml, -1, paths, local_disk);
}

/* A persistent, private libvirt secret of usage type iscsi named usage
 * (libvirt's virSecretDefineXML), without a UUID (libvirt makes one) and
 * without its value (set apart with virSecretSetValue):
 *   <secret ephemeral='no' private='yes'>
 *     <description>DESCRIPTION</description>
 *     <usage type='iscsi'><target>USAGE</target></usage>
 *   </secret>
 * Owned by the caller. */
char *
domxml_secret(const char *usage, const char *description)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"secret");
    xmlNode *n;
    char *out;

    xmlDocSetRootElement(doc, root);
    set_prop(root, "ephemeral", "no");
    set_prop(root, "private", "yes");
    if (description)
        add_text(root, "description", description);
    n = xmlNewChild(root, NULL, (const xmlChar *)"usage", NULL);
    set_prop(n, "type", "iscsi");
    add_text(n, "target", usage);
    out = doc_string(doc);
    xmlFreeDoc(doc);
    return out;
}
