/* preflight.c: host preflight checks (see preflight.h).
 *
 * Three kinds of job: the libvirt query (virt_preflight.c), and name
 * resolution plus TCP probes, first for the URI's host, then for the name
 * libvirt gave.  The main thread only joins their results and judges;
 * the verdict functions are pure.  Probes only ever go to addresses the
 * resolver (or the URI) gave; nothing here invents an answer: what cannot
 * be known is reported as unknown, with a warning. */
#include <config.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include "gfxinfo.h"
#include "jobs.h"
#include "loop.h"
#include "preflight.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/text.h"

#define MIGRATION_RANGE "49152-49215"
#define CONSOLE_RANGE "5900-6923"
#define WEB_CONSOLE_PORT 9090

/* The ports probed: the first, second and last of libvirt's migration
 * range, the first console ports, then Cockpit's. */
static const int migration_ports[] = { 49152, 49153, 49215 };
static const int console_ports[] = { 5900, 5901, 5902 };
#define N_MIG (sizeof(migration_ports) / sizeof(*migration_ports))
#define N_CON (sizeof(console_ports) / sizeof(*console_ports))
#define N_PROBES (N_MIG + N_CON + 1)

/* ---- names ---- */

static const char *const check_names[PF_CHECK__COUNT] = {
    [PF_FQDN] = "fqdn",
    [PF_RESOLVE] = "resolution",
    [PF_LIBVIRT] = "libvirt",
    [PF_KVM] = "kvm",
    [PF_MIGRATION_PORTS] = "migration-ports",
    [PF_CONSOLE_PORTS] = "console-ports",
    [PF_CLOCK] = "clock",
    [PF_WEB_CONSOLE] = "web-console",
};

static const char *const check_titles[PF_CHECK__COUNT] = {
    [PF_FQDN] = N_("Host name"),
    [PF_RESOLVE] = N_("Name resolution"),
    [PF_LIBVIRT] = N_("libvirt"),
    [PF_KVM] = N_("KVM"),
    [PF_MIGRATION_PORTS] = N_("Migration ports"),
    [PF_CONSOLE_PORTS] = N_("Console ports"),
    [PF_CLOCK] = N_("Clock"),
    [PF_WEB_CONSOLE] = N_("Web console"),
};

const char *
pf_check_name(enum pf_check c)
{
    return (unsigned)c < PF_CHECK__COUNT ? check_names[c] : "";
}

const char *
pf_check_title(enum pf_check c)
{
    return (unsigned)c < PF_CHECK__COUNT ? _(check_titles[c]) : "";
}

const char *
pf_state_name(enum pf_state s)
{
    return s == PF_PASS ? "pass" : s == PF_WARN ? "warn" : "fail";
}

const char *
pf_state_label(enum pf_state s)
{
    return s == PF_PASS ? _("pass") : s == PF_WARN ? _("warn") : _("fail");
}

/* ---- reports ---- */

void
pf_report_add(struct pf_report *r, enum pf_check c, enum pf_state s,
              const char *summary, const char *fix)
{
    struct pf_result *it;

    r->items = xrealloc(r->items, (r->n + 1) * sizeof(*r->items));
    it = &r->items[r->n++];
    it->check = c;
    it->state = s;
    it->summary = xstrdup(summary);
    it->fix = fix ? xstrdup(fix) : NULL;
}

void
pf_report_free(struct pf_report **rp)
{
    struct pf_report *r = rp ? *rp : NULL;

    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].summary);
        free(r->items[i].fix);
    }
    free(r->items);
    free(r->uri);
    free(r->web_console);
    free(r);
    *rp = NULL;
}

enum pf_state
pf_report_worst(const struct pf_report *r)
{
    enum pf_state w = PF_PASS;

    for (size_t i = 0; r && i < r->n; i++) {
        if (r->items[i].state > w)
            w = r->items[i].state;
    }
    return w;
}

void
pf_report_text(const struct pf_report *r, struct strbuf *out)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct pf_result *it = &r->items[i];
        /* host names and libvirt's messages come from the host */
        char *sum = text_safe(it->summary);
        sb_addf(out, "[%s] %s: %s\n", pf_state_label(it->state),
                pf_check_title(it->check), sum);
        if (it->fix) {
            char *fix = text_safe(it->fix);
            sb_addf(out, "       %s %s\n", _("fix:"), fix);
            free(fix);
        }
        free(sum);
    }
}

void
pf_report_json(const struct pf_report *r, struct strbuf *out)
{
    sb_add(out, "{\"uri\":");
    sb_add_json(out, r->uri ? r->uri : "");
    sb_addf(out, ",\"result\":\"%s\",\"web_console\":",
            pf_state_name(pf_report_worst(r)));
    if (r->web_console)
        sb_add_json(out, r->web_console);
    else
        sb_add(out, "null");
    sb_add(out, ",\"checks\":[");
    for (size_t i = 0; i < r->n; i++) {
        const struct pf_result *it = &r->items[i];
        sb_addf(out, "%s{\"check\":\"%s\",\"state\":\"%s\",\"summary\":",
                i ? "," : "", pf_check_name(it->check),
                pf_state_name(it->state));
        sb_add_json(out, it->summary);
        sb_add(out, ",\"fix\":");
        if (it->fix)
            sb_add_json(out, it->fix);
        else
            sb_add(out, "null");
        sb_add(out, "}");
    }
    sb_add(out, "]}\n");
}

static size_t name_len(const char *s);

/* ---- the hosts file ---- */

/* Canonical text of an IP literal into buf, or -1 when it is none. */
static int
addr_canon(const char *s, char *buf, size_t len)
{
    unsigned char bin[sizeof(struct in6_addr)];

    if (inet_pton(AF_INET, s, bin) == 1)
        return inet_ntop(AF_INET, bin, buf, (socklen_t)len) ? 0 : -1;
    if (inet_pton(AF_INET6, s, bin) == 1)
        return inet_ntop(AF_INET6, bin, buf, (socklen_t)len) ? 0 : -1;
    return -1;
}

void
hosts_parse(const char *text, struct hosts_file *out)
{
    const char *p = text ? text : "";

    memset(out, 0, sizeof(*out));
    while (*p) {
        size_t len = strcspn(p, "\n");
        char *line = xstrndup(p, len), *save = NULL, *tok, *hash;
        char canon[64];
        struct hosts_entry e = { 0 };

        p += len + (p[len] == '\n');
        hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        tok = strtok_r(line, " \t\r", &save);
        if (tok && addr_canon(tok, canon, sizeof(canon)) == 0) {
            e.addr = xstrdup(tok);
            while ((tok = strtok_r(NULL, " \t\r", &save))) {
                e.names = xrealloc(e.names,
                                   (e.n_names + 1) * sizeof(*e.names));
                e.names[e.n_names++] = xstrdup(tok);
            }
            if (e.n_names) {
                out->e = xrealloc(out->e, (out->n + 1) * sizeof(*out->e));
                out->e[out->n++] = e;
            } else {
                free(e.addr);
            }
        }
        free(line);
    }
}

int
hosts_load(const char *path, struct hosts_file *out)
{
    FILE *f = fopen(path, "r");
    struct strbuf b = { 0 };
    char buf[4096];
    size_t n;

    memset(out, 0, sizeof(*out));
    if (!f)
        return errno == ENOENT ? 0 : -1;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        sb_addn(&b, buf, n);
    fclose(f);
    hosts_parse(sb_str(&b), out);
    sb_free(&b);
    return 0;
}

void
hosts_free(struct hosts_file *h)
{
    for (size_t i = 0; i < h->n; i++) {
        for (size_t k = 0; k < h->e[i].n_names; k++)
            free(h->e[i].names[k]);
        free(h->e[i].names);
        free(h->e[i].addr);
    }
    free(h->e);
    memset(h, 0, sizeof(*h));
}

const char *
hosts_first_name(const struct hosts_file *h, const char *addr)
{
    char want[64], have[64];

    if (addr_canon(addr, want, sizeof(want)) < 0)
        return NULL;
    for (size_t i = 0; i < h->n; i++) {
        if (addr_canon(h->e[i].addr, have, sizeof(have)) == 0 &&
            strcmp(want, have) == 0)
            return h->e[i].names[0];
    }
    return NULL;
}

bool
hosts_has_name(const struct hosts_file *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++) {
        for (size_t k = 0; k < h->e[i].n_names; k++) {
            const char *n = h->e[i].names[k];
            /* the resolver matches a hosts line's names exactly */
            if (name_len(n) == name_len(name) &&
                strncasecmp(n, name, name_len(n)) == 0)
                return true;
        }
    }
    return false;
}

/* ---- verdicts ---- */

/* Length without one final dot. */
static size_t
name_len(const char *s)
{
    size_t n = strlen(s);
    return n && s[n - 1] == '.' ? n - 1 : n;
}

bool
pf_names_agree(const char *a, const char *b)
{
    size_t la, lb;

    if (!a || !b)
        return false;
    la = name_len(a);
    lb = name_len(b);
    if (la == lb)
        return strncasecmp(a, b, la) == 0;
    /* a short name and its FQDN */
    if (la < lb && !memchr(a, '.', la))
        return b[la] == '.' && strncasecmp(a, b, la) == 0;
    if (lb < la && !memchr(b, '.', lb))
        return a[lb] == '.' && strncasecmp(a, b, lb) == 0;
    return false;
}

static const char *
source(bool from_hosts)
{
    return from_hosts ? _("hosts file") : _("DNS");
}

void
pf_judge_resolution(const struct pf_lookup *l, const char *expect_addr,
                    struct pf_report *r)
{
    struct strbuf addrs = { 0 };
    char *s = NULL, *fix = NULL;
    bool found = !expect_addr;

    if (l->error || !l->n) {
        s = xasprintf(_("'%s' does not resolve (%s)."), l->name,
                      l->error ? l->error : _("no address"));
        fix = xasprintf(_("Add '%s' to DNS, or a line 'ADDRESS %s' to "
                          "/etc/hosts on the engine machine."), l->name,
                        l->name);
        pf_report_add(r, PF_RESOLVE, PF_FAIL, s, fix);
        goto cleanup;
    }
    for (size_t i = 0; i < l->n; i++) {
        sb_addf(&addrs, "%s%s", i ? ", " : "", l->addrs[i]);
        if (expect_addr && strcmp(l->addrs[i], expect_addr) == 0)
            found = true;
    }
    for (size_t i = 0; i < l->n; i++) {
        if (!l->rev[i]) {
            s = xasprintf(_("'%s' resolves to %s (%s), but %s has no "
                            "reverse name."), l->name, sb_str(&addrs),
                          source(l->name_from_hosts), l->addrs[i]);
            fix = xasprintf(_("Add a PTR record for %s to DNS, or put '%s' "
                              "first on the line of %s in /etc/hosts."),
                            l->addrs[i], l->name, l->addrs[i]);
            pf_report_add(r, PF_RESOLVE, PF_FAIL, s, fix);
            goto cleanup;
        }
        if (!pf_names_agree(l->name, l->rev[i])) {
            s = xasprintf(_("'%s' resolves to %s (%s), but %s resolves back "
                            "to '%s' (%s)."), l->name, l->addrs[i],
                          source(l->name_from_hosts), l->addrs[i], l->rev[i],
                          source(l->rev_from_hosts[i]));
            fix = xasprintf(_("Make '%s' the first name of %s in /etc/hosts, "
                              "or correct the PTR record of %s in DNS."),
                            l->name, l->addrs[i], l->addrs[i]);
            pf_report_add(r, PF_RESOLVE, PF_FAIL, s, fix);
            goto cleanup;
        }
    }
    if (!found) {
        s = xasprintf(_("%s resolves back to '%s' (%s), but '%s' resolves "
                        "to %s (%s)."), expect_addr, l->name,
                      source(l->rev_from_hosts[0]), l->name, sb_str(&addrs),
                      source(l->name_from_hosts));
        fix = xasprintf(_("Make '%s' resolve to %s in DNS or /etc/hosts, or "
                          "use its name in the host's URI."), l->name,
                        expect_addr);
        pf_report_add(r, PF_RESOLVE, PF_FAIL, s, fix);
        goto cleanup;
    }
    s = xasprintf(_("'%s' resolves to %s (%s) and back (%s)."), l->name,
                  sb_str(&addrs), source(l->name_from_hosts),
                  source(l->rev_from_hosts[0]));
    pf_report_add(r, PF_RESOLVE, PF_PASS, s, NULL);

cleanup:
    sb_free(&addrs);
    free(s);
    free(fix);
}

void
pf_judge_fqdn(const char *hostname, struct pf_report *r)
{
    char *s;
    const char *fix = _("Give the host its fully qualified name, e.g. "
                        "'hostnamectl set-hostname kvm1.example.com'.");

    if (!hostname || !*hostname) {
        pf_report_add(r, PF_FQDN, PF_WARN,
                      _("Unknown: libvirt did not tell the host's name."),
                      _("Fix the libvirt connection first."));
        return;
    }
    if (strcasecmp(hostname, "localhost") == 0 ||
        strncasecmp(hostname, "localhost.", 10) == 0) {
        s = xasprintf(_("The host calls itself '%s': other hosts cannot "
                        "reach it by that name."), hostname);
        pf_report_add(r, PF_FQDN, PF_WARN, s, fix);
    } else if (!strchr(hostname, '.')) {
        s = xasprintf(_("'%s' is a short name, not a fully qualified one."),
                      hostname);
        pf_report_add(r, PF_FQDN, PF_WARN, s, fix);
    } else {
        s = xasprintf(_("'%s'."), hostname);
        pf_report_add(r, PF_FQDN, PF_PASS, s, NULL);
    }
    free(s);
}

void
pf_judge_caps(const char *caps_xml, struct pf_report *r)
{
    xmlDocPtr doc = NULL;
    xmlXPathContextPtr ctx = NULL;
    xmlXPathObjectPtr obj = NULL;
    struct strbuf types = { 0 }, kvm_arch = { 0 };
    bool qemu = false;
    char *s = NULL;

    if (!caps_xml) {
        pf_report_add(r, PF_KVM, PF_WARN,
                      _("Unknown: libvirt did not give the host's "
                        "capabilities."),
                      _("Fix the libvirt connection first."));
        return;
    }
    doc = xmlReadMemory(caps_xml, (int)strlen(caps_xml), "caps.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR |
                        XML_PARSE_NOWARNING);
    if (doc)
        ctx = xmlXPathNewContext(doc);
    if (ctx)
        obj = xmlXPathEvalExpression(
            BAD_CAST "/capabilities/guest/arch/domain", ctx);
    if (!obj) {
        pf_report_add(r, PF_KVM, PF_WARN,
                      _("Unknown: the host's capabilities could not be "
                        "read."),
                      _("Check the host's libvirt version and log."));
        goto cleanup;
    }
    for (int i = 0; obj->nodesetval && i < obj->nodesetval->nodeNr; i++) {
        xmlNodePtr dom = obj->nodesetval->nodeTab[i];
        xmlChar *type = xmlGetProp(dom, BAD_CAST "type");
        xmlChar *arch = dom->parent ? xmlGetProp(dom->parent, BAD_CAST "name")
                                    : NULL;
        if (type) {
            const char *t = (const char *)type;
            char *word = xasprintf(" %s ", t);
            if (strcmp(t, "kvm") == 0 && arch &&
                !strstr(sb_str(&kvm_arch), (const char *)arch))
                sb_addf(&kvm_arch, "%s%s", kvm_arch.len ? ", " : "",
                        (const char *)arch);
            if (strcmp(t, "qemu") == 0)
                qemu = true;
            if (!strstr(sb_str(&types), word)) {
                if (!types.len)
                    sb_add(&types, " ");
                sb_addf(&types, "%s ", t);
            }
            free(word);
        }
        xmlFree(type);
        xmlFree(arch);
    }
    if (kvm_arch.len) {
        s = xasprintf(_("KVM: guests run with hardware virtualization "
                        "(%s)."), sb_str(&kvm_arch));
        pf_report_add(r, PF_KVM, PF_PASS, s, NULL);
    } else if (qemu) {
        pf_report_add(r, PF_KVM, PF_WARN,
                      _("TCG only: the host has no KVM, guests are emulated "
                        "and run many times slower."),
                      _("Enable VT-x/AMD-V in the firmware and load kvm_intel "
                        "or kvm_amd so that /dev/kvm exists, then restart "
                        "libvirtd."));
    } else {
        char *t = xstrdup(types.len ? sb_str(&types) + 1 : "");
        size_t tl = strlen(t);
        if (tl && t[tl - 1] == ' ')
            t[tl - 1] = '\0';
        s = xasprintf(_("The host offers no QEMU or KVM guests (domain "
                        "types: %s)."), *t ? t : _("none"));
        free(t);
        pf_report_add(r, PF_KVM, PF_WARN, s,
                      _("Install QEMU (qemu-kvm or qemu-system-x86) on the "
                        "host and restart libvirtd."));
    }

cleanup:
    free(s);
    sb_free(&types);
    sb_free(&kvm_arch);
    if (obj)
        xmlXPathFreeObject(obj);
    if (ctx)
        xmlXPathFreeContext(ctx);
    if (doc)
        xmlFreeDoc(doc);
}

void
pf_judge_ports(enum pf_check c, const char *addr, const int *ports,
               const enum pf_port *res, size_t n, struct pf_report *r)
{
    struct strbuf all = { 0 }, silent = { 0 };
    unsigned open = 0, refused = 0;
    const char *range = c == PF_MIGRATION_PORTS ? MIGRATION_RANGE
                                                : CONSOLE_RANGE;
    char *s, *fix = NULL;

    for (size_t i = 0; i < n; i++) {
        sb_addf(&all, "%s%d", i ? ", " : "", ports[i]);
        if (res[i] == PF_PORT_SILENT)
            sb_addf(&silent, "%s%d", silent.len ? ", " : "", ports[i]);
        else if (res[i] == PF_PORT_OPEN)
            open++;
        else
            refused++;
    }
    if (silent.len) {
        s = xasprintf(_("Ports %s of %s did not answer: a firewall drops "
                        "them."), sb_str(&silent), addr);
        fix = xasprintf(_("Open TCP %s in the host's firewall, e.g. "
                          "'firewall-cmd --permanent --add-port=%s/tcp && "
                          "firewall-cmd --reload'."), range, range);
        pf_report_add(r, c, PF_FAIL, s, fix);
    } else {
        s = xasprintf(_("Ports %s of %s are reachable (%u refused: nothing "
                        "listens yet; %u open)."), sb_str(&all), addr,
                      refused, open);
        pf_report_add(r, c, PF_PASS, s, NULL);
    }
    free(s);
    free(fix);
    sb_free(&all);
    sb_free(&silent);
}

/* ---- resolution and probes (workers) ---- */

struct net_job {
    struct pf_run *run;
    char *name;             /* name to look up, or NULL */
    char *literal;          /* the URI named this address */
    bool want_probe;
    char *hosts_path;
    double probe_timeout;
    /* results */
    struct pf_lookup l;
    char rev_buf[PF_MAX_ADDRS][NI_MAXHOST];
    char *error;
    char *lit_rev;          /* the literal's reverse name */
    bool lit_rev_from_hosts;
    char probe_addr[64];    /* "" when nothing was probed */
    enum pf_port res[N_PROBES];
};

static void
lookup_name(struct net_job *j, const struct hosts_file *hf)
{
    struct addrinfo hints, *ai = NULL;
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    j->l.name = j->name;
    j->l.name_from_hosts = hosts_has_name(hf, j->name);
    rc = getaddrinfo(j->name, NULL, &hints, &ai);
    if (rc != 0) {
        j->error = xstrdup(gai_strerror(rc));
        j->l.error = j->error;
        return;
    }
    for (struct addrinfo *a = ai; a && j->l.n < PF_MAX_ADDRS; a = a->ai_next) {
        char num[64];
        bool dup = false;
        size_t k = j->l.n;

        if (getnameinfo(a->ai_addr, a->ai_addrlen, num, sizeof(num), NULL, 0,
                        NI_NUMERICHOST) != 0)
            continue;
        for (size_t i = 0; i < j->l.n; i++)
            dup = dup || strcmp(j->l.addrs[i], num) == 0;
        if (dup)
            continue;
        snprintf(j->l.addrs[k], sizeof(j->l.addrs[k]), "%s", num);
        if (getnameinfo(a->ai_addr, a->ai_addrlen, j->rev_buf[k],
                        sizeof(j->rev_buf[k]), NULL, 0, NI_NAMEREQD) == 0)
            j->l.rev[k] = j->rev_buf[k];
        j->l.rev_from_hosts[k] = hosts_first_name(hf, num) != NULL;
        j->l.n++;
    }
    freeaddrinfo(ai);
}

/* The reverse name of an IP literal, or NULL. */
static char *
reverse_literal(const char *addr)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char name[NI_MAXHOST];

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        ss.ss_family = AF_INET;
        len = sizeof(struct sockaddr_in);
    } else if (inet_pton(AF_INET6, addr,
                         &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        ss.ss_family = AF_INET6;
        len = sizeof(struct sockaddr_in6);
    } else {
        return NULL;
    }
    if (getnameinfo((struct sockaddr *)&ss, len, name, sizeof(name), NULL, 0,
                    NI_NAMEREQD) != 0)
        return NULL;
    return xstrdup(name);
}

/* Probe every port at once: non-blocking connects, one poll until all
 * have answered or timeout passes.  Refused is an answer (the host's
 * kernel said nothing listens); silence is what a dropping firewall
 * gives. */
static void
probe_many(const char *addr, const int *ports, size_t n, double timeout,
           enum pf_port *res)
{
    struct pollfd pfd[N_PROBES];
    struct sockaddr_storage ss;
    socklen_t len;
    double end;
    struct timespec ts;

    for (size_t i = 0; i < n; i++) {
        res[i] = PF_PORT_SILENT;
        pfd[i].fd = -1;
        pfd[i].events = POLLOUT;
        pfd[i].revents = 0;
    }
    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        ss.ss_family = AF_INET;
        len = sizeof(struct sockaddr_in);
    } else if (inet_pton(AF_INET6, addr,
                         &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        ss.ss_family = AF_INET6;
        len = sizeof(struct sockaddr_in6);
    } else {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
                        SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (ss.ss_family == AF_INET)
            ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)ports[i]);
        else
            ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)ports[i]);
        if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
            res[i] = PF_PORT_OPEN;
            close(fd);
        } else if (errno == ECONNREFUSED) {
            res[i] = PF_PORT_REFUSED;
            close(fd);
        } else if (errno == EINPROGRESS) {
            pfd[i].fd = fd;
        } else {
            close(fd);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &ts);
    end = ts.tv_sec + ts.tv_nsec / 1e9 + timeout;
    for (;;) {
        size_t waiting = 0;
        double now;
        int rc;

        for (size_t i = 0; i < n; i++)
            waiting += pfd[i].fd >= 0;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        now = ts.tv_sec + ts.tv_nsec / 1e9;
        if (!waiting || now >= end)
            break;
        rc = poll(pfd, (nfds_t)n, (int)((end - now) * 1000) + 1);
        if (rc < 0 && errno != EINTR)
            break;
        for (size_t i = 0; rc > 0 && i < n; i++) {
            int err = 0;
            socklen_t elen = sizeof(err);
            if (pfd[i].fd < 0 || !pfd[i].revents)
                continue;
            getsockopt(pfd[i].fd, SOL_SOCKET, SO_ERROR, &err, &elen);
            res[i] = err == 0 ? PF_PORT_OPEN : err == ECONNREFUSED
                     ? PF_PORT_REFUSED : PF_PORT_SILENT;
            close(pfd[i].fd);
            pfd[i].fd = -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (pfd[i].fd >= 0)
            close(pfd[i].fd);
    }
}

static void
net_run(void *arg)
{
    struct net_job *j = arg;
    struct hosts_file hf;
    int ports[N_PROBES];
    size_t k = 0;

    hosts_load(j->hosts_path, &hf);
    if (j->literal) {
        j->lit_rev = reverse_literal(j->literal);
        j->lit_rev_from_hosts = hosts_first_name(&hf, j->literal) != NULL;
        if (j->lit_rev) {
            j->name = xstrdup(j->lit_rev);
            lookup_name(j, &hf);
        }
        snprintf(j->probe_addr, sizeof(j->probe_addr), "%s", j->literal);
    } else if (j->name) {
        lookup_name(j, &hf);
        if (j->l.n)
            snprintf(j->probe_addr, sizeof(j->probe_addr), "%s",
                     j->l.addrs[0]);
    }
    hosts_free(&hf);
    if (!j->want_probe || !j->probe_addr[0]) {
        j->probe_addr[0] = '\0';
        return;
    }
    for (size_t i = 0; i < N_MIG; i++)
        ports[k++] = migration_ports[i];
    for (size_t i = 0; i < N_CON; i++)
        ports[k++] = console_ports[i];
    ports[k++] = WEB_CONSOLE_PORT;
    probe_many(j->probe_addr, ports, k, j->probe_timeout, j->res);
}

static void
net_job_free(struct net_job *j)
{
    if (!j)
        return;
    free(j->name);
    free(j->literal);
    free(j->hosts_path);
    free(j->error);
    free(j->lit_rev);
    free(j);
}

/* ---- the run: joining jobs on the main thread ---- */

struct pf_run {
    int refs;
    bool cancelled, finished;
    char *uri;
    char *uri_host;         /* "" when the URI names none */
    struct pf_opts o;
    char *hosts_path;
    pf_done_fn done;
    void *opaque;
    int deadline;
    bool lv_done, lv_timed_out;
    struct pf_libvirt lv;
    int pending;            /* net jobs out */
    struct net_job *uri_net, *fqdn_net;
    bool fqdn_started;
};

struct lv_job {
    struct pf_run *run;
    char *uri;
    struct pf_libvirt lv;
};

static void
run_unref(struct pf_run *run)
{
    if (--run->refs > 0)
        return;
    if (run->deadline >= 0)
        loop_remove_timer(run->deadline);
    pf_libvirt_clear(&run->lv);
    net_job_free(run->uri_net);
    net_job_free(run->fqdn_net);
    free(run->uri);
    free(run->uri_host);
    free(run->hosts_path);
    free(run);
}

static bool
is_loopback(const char *addr)
{
    unsigned char b[sizeof(struct in6_addr)];

    if (inet_pton(AF_INET, addr, b) == 1)
        return b[0] == 127;
    if (inet_pton(AF_INET6, addr, b) == 1)
        return IN6_IS_ADDR_LOOPBACK((struct in6_addr *)b);
    return false;
}

static void
judge_net(const struct net_job *j, struct pf_report *r)
{
    if (j->literal && !j->lit_rev) {
        char *s = xasprintf(_("%s has no name: neither /etc/hosts nor DNS "
                              "has a reverse entry for it."), j->literal);
        char *fix = xasprintf(_("Add a line '%s FQDN' to /etc/hosts on the "
                                "engine machine, or a PTR record for %s to "
                                "DNS."), j->literal, j->literal);
        pf_report_add(r, PF_RESOLVE, PF_FAIL, s, fix);
        free(s);
        free(fix);
        return;
    }
    if (j->name) {
        struct pf_lookup l = j->l;
        if (j->literal)
            l.rev_from_hosts[0] = j->lit_rev_from_hosts;
        pf_judge_resolution(&l, j->literal, r);
    }
}

static void
run_finish(struct pf_run *run)
{
    struct pf_report *r = xcalloc(1, sizeof(*r));
    const struct net_job *probed = NULL;
    const char *web_host;
    char *s;

    run->finished = true;
    r->uri = xstrdup(run->uri);

    /* 1. the host's name */
    pf_judge_fqdn(run->lv.hostname, r);

    /* 2. name resolution */
    if (run->uri_net)
        judge_net(run->uri_net, r);
    if (run->fqdn_net)
        judge_net(run->fqdn_net, r);
    if (!run->uri_net && !run->fqdn_net)
        pf_report_add(r, PF_RESOLVE, PF_WARN,
                      _("Nothing to resolve: the URI names no host and "
                        "libvirt gave no name."),
                      _("Fix the libvirt connection first."));

    /* 3. libvirt */
    if (run->lv_timed_out) {
        s = xasprintf(_("No answer from %s within %.0f seconds."), run->uri,
                      run->o.timeout);
        pf_report_add(r, PF_LIBVIRT, PF_FAIL, s,
                      _("Check that libvirtd runs on the host and that the "
                        "network and firewall let the URI's port through."));
        free(s);
    } else if (run->lv.error) {
        s = xasprintf(_("%s: %s"), run->uri, run->lv.error);
        pf_report_add(r, PF_LIBVIRT, PF_FAIL, s,
                      _("Check that libvirtd runs and listens on the host "
                        "(for TCP: libvirtd --listen or libvirtd-tcp.socket), "
                        "that the firewall lets its port through, and the "
                        "credentials."));
        free(s);
    } else {
        s = xasprintf(_("%s answers."), run->uri);
        pf_report_add(r, PF_LIBVIRT, PF_PASS, s, NULL);
        free(s);
    }

    /* 4. KVM */
    pf_judge_caps(run->lv.error || run->lv_timed_out ? NULL : run->lv.caps,
                  r);

    /* 5. ports */
    if (run->uri_net && run->uri_net->probe_addr[0])
        probed = run->uri_net;
    else if (run->fqdn_net && run->fqdn_net->probe_addr[0])
        probed = run->fqdn_net;
    if (probed) {
        pf_judge_ports(PF_MIGRATION_PORTS, probed->probe_addr,
                       migration_ports, probed->res, N_MIG, r);
        pf_judge_ports(PF_CONSOLE_PORTS, probed->probe_addr, console_ports,
                       probed->res + N_MIG, N_CON, r);
    } else {
        const char *why = _("Unknown: no address to probe (the host's name "
                            "does not resolve).");
        const char *fix = _("Make the host's name resolve (see name "
                            "resolution).");
        pf_report_add(r, PF_MIGRATION_PORTS, PF_WARN, why, fix);
        pf_report_add(r, PF_CONSOLE_PORTS, PF_WARN, why, fix);
    }

    /* 6. clock: libvirt has no call that reads the host's clock; only a
     * host that is this machine is known to share it. */
    if (!*run->uri_host || (probed && is_loopback(probed->probe_addr) &&
                            run->uri_net == probed)) {
        pf_report_add(r, PF_CLOCK, PF_PASS,
                      _("The host is the engine machine: one clock, no "
                        "skew."), NULL);
    } else {
        s = xasprintf(_("Skew unknown: libvirt offers no way to read the "
                        "host's clock over %s."), run->uri);
        pf_report_add(r, PF_CLOCK, PF_WARN, s,
                      _("Run chronyd (or ntpd) on the host and on the engine "
                        "machine, with the same time servers."));
        free(s);
    }

    /* 7. web console */
    web_host = *run->uri_host ? run->uri_host
               : run->lv.hostname ? run->lv.hostname
               : probed ? probed->probe_addr : "";
    if (probed && probed->res[N_MIG + N_CON] == PF_PORT_OPEN) {
        r->web_console = strchr(web_host, ':')
            ? xasprintf("https://[%s]:%d", web_host, WEB_CONSOLE_PORT)
            : xasprintf("https://%s:%d", web_host, WEB_CONSOLE_PORT);
        s = xasprintf(_("%s answers (Cockpit)."), r->web_console);
        pf_report_add(r, PF_WEB_CONSOLE, PF_PASS, s, NULL);
        free(s);
    } else {
        s = probed ? xasprintf(_("Nothing answers on port %d of %s."),
                               WEB_CONSOLE_PORT, probed->probe_addr)
                   : xasprintf(_("Unknown: no address to probe."));
        pf_report_add(r, PF_WEB_CONSOLE, PF_WARN, s,
                      _("Optional: install cockpit on the host and run "
                        "'systemctl enable --now cockpit.socket'."));
        free(s);
    }

    if (run->cancelled) {
        pf_report_free(&r);
        return;
    }
    /* the caller's handle ends here: done owns the report */
    run->cancelled = true;
    run->done(run->opaque, r);
    run_unref(run);
}

static void net_done(void *arg);

static struct net_job *
net_submit(struct pf_run *run, const char *name, const char *literal,
           bool probe)
{
    struct net_job *j = xcalloc(1, sizeof(*j));

    j->run = run;
    j->name = name ? xstrdup(name) : NULL;
    j->literal = literal ? xstrdup(literal) : NULL;
    j->want_probe = probe;
    j->hosts_path = xstrdup(run->hosts_path);
    j->probe_timeout = run->o.probe_timeout;
    run->refs++;
    run->pending++;
    jobs_submit(net_run, net_done, j);
    return j;
}

/* libvirt answered (or the deadline passed): resolve the name it gave
 * unless the URI's host is that name. */
static void
start_fqdn(struct pf_run *run)
{
    const char *fq = run->lv.hostname;
    bool probe = !*run->uri_host;

    if (run->fqdn_started)
        return;
    run->fqdn_started = true;
    if (fq && *fq && (!*run->uri_host || !pf_names_agree(fq, run->uri_host)))
        run->fqdn_net = net_submit(run, fq, NULL, probe);
}

static void
maybe_finish(struct pf_run *run)
{
    if (!run->finished && run->lv_done && run->fqdn_started &&
        run->pending == 0)
        run_finish(run);
}

static void
net_done(void *arg)
{
    struct net_job *j = arg;
    struct pf_run *run = j->run;

    run->pending--;
    maybe_finish(run);
    run_unref(run);
}

static void
lv_run(void *arg)
{
    struct lv_job *j = arg;
    virt_preflight_query(j->uri, &j->lv);
}

static void
lv_done(void *arg)
{
    struct lv_job *j = arg;
    struct pf_run *run = j->run;

    if (!run->lv_done) {
        run->lv = j->lv;
        memset(&j->lv, 0, sizeof(j->lv));
        run->lv_done = true;
        start_fqdn(run);
        maybe_finish(run);
    }
    pf_libvirt_clear(&j->lv);
    free(j->uri);
    free(j);
    run_unref(run);
}

static void
deadline_fire(void *opaque)
{
    struct pf_run *run = opaque;

    loop_remove_timer(run->deadline);
    run->deadline = -1;
    if (run->lv_done)
        return;
    run->lv_done = true;
    run->lv_timed_out = true;
    start_fqdn(run);
    maybe_finish(run);
}

struct pf_run *
pf_start(const char *uri, const struct pf_opts *o, pf_done_fn done,
         void *opaque)
{
    struct pf_run *run = xcalloc(1, sizeof(*run));
    struct lv_job *lj = xcalloc(1, sizeof(*lj));
    char canon[64];

    run->refs = 1;
    run->uri = xstrdup(uri);
    run->uri_host = gfx_uri_host(uri);
    if (!run->uri_host)
        run->uri_host = xstrdup("");
    run->o = *o;
    if (run->o.timeout <= 0)
        run->o.timeout = 10;
    if (run->o.probe_timeout <= 0)
        run->o.probe_timeout = 1.5;
    run->hosts_path = xstrdup(o->hosts_path ? o->hosts_path : "/etc/hosts");
    run->o.hosts_path = run->hosts_path;
    run->done = done;
    run->opaque = opaque;

    lj->run = run;
    lj->uri = xstrdup(uri);
    run->refs++;
    jobs_submit(lv_run, lv_done, lj);
    run->deadline = loop_add_timer((int)(run->o.timeout * 1000),
                                   deadline_fire, run);
    if (*run->uri_host) {
        if (addr_canon(run->uri_host, canon, sizeof(canon)) == 0)
            run->uri_net = net_submit(run, NULL, run->uri_host, true);
        else
            run->uri_net = net_submit(run, run->uri_host, NULL, true);
    }
    log_debug("preflight of %s started", uri);
    return run;
}

void
pf_cancel(struct pf_run *run)
{
    if (!run)
        return;
    run->cancelled = true;
    if (run->deadline >= 0) {
        loop_remove_timer(run->deadline);
        run->deadline = -1;
    }
    run_unref(run);
}
