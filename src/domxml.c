/* domxml.c: domain XML with libxml2 (see domxml.h). */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include "domxml.h"
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
}

char *
domxml_metadata(bool ha)
{
    xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"vm");
    xmlNs *ns = xmlNewNs(root, (const xmlChar *)VD_XMLNS,
                         (const xmlChar *)VD_XMLNS_PREFIX);
    xmlBuffer *buf = xmlBufferCreate();
    char *out;

    xmlSetNs(root, ns);
    xmlDocSetRootElement(doc, root);
    xmlNewChild(root, ns, (const xmlChar *)"ha",
                (const xmlChar *)(ha ? "yes" : "no"));
    xmlNodeDump(buf, doc, root, 0, 0);
    out = xstrdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return out;
}
