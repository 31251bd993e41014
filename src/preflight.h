/* preflight.h: is a host ready to be a virtdeck (oVirt-style) host?
 *
 * The checks oVirt's install notes ask for, run from the engine machine
 * against one libvirt URI: the host's FQDN, forward and reverse name
 * resolution (and whether the answer came from the hosts file or DNS),
 * libvirt reachable, KVM or TCG only, the migration and console port
 * ranges reachable through the firewall, clock skew, and the host's web
 * console.  Each result is pass / warn / fail with a one-sentence fix.
 *
 * Everything that can block (libvirt, the resolver, TCP probes) runs in
 * jobs; the report comes back on the main thread.  The pure parts (hosts
 * file parsing, the verdicts) are exported for the unit tests.  Nothing
 * here changes the host or the inventory. */
#ifndef VD_PREFLIGHT_H
#define VD_PREFLIGHT_H
#include <stdbool.h>
#include <stddef.h>

struct strbuf;

enum pf_state { PF_PASS, PF_WARN, PF_FAIL };

enum pf_check {
    PF_FQDN,
    PF_RESOLVE,
    PF_LIBVIRT,
    PF_KVM,
    PF_MIGRATION_PORTS,
    PF_CONSOLE_PORTS,
    PF_CLOCK,
    PF_WEB_CONSOLE,
    PF_CHECK__COUNT
};

struct pf_result {
    enum pf_check check;
    enum pf_state state;
    char *summary;          /* one sentence: what was found */
    char *fix;              /* one sentence: what to do; NULL on pass */
};

struct pf_report {
    char *uri;
    struct pf_result *items;
    size_t n;
    char *web_console;      /* "https://HOST:9090" when it answers, or NULL */
};

/* "fqdn", "resolution", ... (stable, for --json). */
const char *pf_check_name(enum pf_check c);
/* Translated short title of a check ("Name resolution"). */
const char *pf_check_title(enum pf_check c);
/* "pass" / "warn" / "fail" (stable) and the translated word. */
const char *pf_state_name(enum pf_state s);
const char *pf_state_label(enum pf_state s);

void pf_report_free(struct pf_report **r);
/* The worst state in the report (PF_PASS when empty). */
enum pf_state pf_report_worst(const struct pf_report *r);
/* Append a result (summary and fix copied; fix may be NULL). */
void pf_report_add(struct pf_report *r, enum pf_check c, enum pf_state s,
                   const char *summary, const char *fix);

/* ---- the hosts file ---- */

struct hosts_entry {
    char *addr;             /* as written */
    char **names;           /* first is the canonical name */
    size_t n_names;
};

struct hosts_file {
    struct hosts_entry *e;
    size_t n;
};

/* Parse hosts(5) text: comments, blank lines, tabs, lines without a name
 * and addresses that are not IP literals are skipped. */
void hosts_parse(const char *text, struct hosts_file *out);
/* Read and parse path; a missing file gives an empty table.  0 or -1. */
int hosts_load(const char *path, struct hosts_file *out);
void hosts_free(struct hosts_file *h);
/* The first name of the first line for addr (compared as addresses, so
 * "::1" matches "0::1"), as the resolver answers a reverse lookup from
 * the file; NULL when the file has none.  Borrowed from h. */
const char *hosts_first_name(const struct hosts_file *h, const char *addr);
/* True when any line names name (case-insensitive). */
bool hosts_has_name(const struct hosts_file *h, const char *name);

/* ---- verdicts (pure) ---- */

#define PF_MAX_ADDRS 8

/* What the resolver said about one name. */
struct pf_lookup {
    const char *name;
    const char *error;                  /* forward lookup failed: why */
    size_t n;
    char addrs[PF_MAX_ADDRS][64];
    const char *rev[PF_MAX_ADDRS];      /* reverse name, NULL: none */
    bool name_from_hosts;               /* the forward answer came from the
                                         * hosts file */
    bool rev_from_hosts[PF_MAX_ADDRS];
};

/* Do the names agree?  Equal ignoring case and a final dot, or a short
 * name and a FQDN that starts with it. */
bool pf_names_agree(const char *a, const char *b);
/* Verdict on a lookup; expect_addr (may be NULL): the URI named this
 * address, and l is the lookup of its reverse name, which must lead
 * back to it. */
void pf_judge_resolution(const struct pf_lookup *l, const char *expect_addr,
                         struct pf_report *r);
void pf_judge_fqdn(const char *hostname, struct pf_report *r);
/* caps_xml: virConnectGetCapabilities' answer. */
void pf_judge_caps(const char *caps_xml, struct pf_report *r);

enum pf_port { PF_PORT_OPEN, PF_PORT_REFUSED, PF_PORT_SILENT };
void pf_judge_ports(enum pf_check c, const char *addr, const int *ports,
                    const enum pf_port *res, size_t n, struct pf_report *r);

/* ---- running it ---- */

struct pf_opts {
    double timeout;         /* libvirt's answer, seconds */
    double probe_timeout;   /* one TCP probe, seconds */
    const char *hosts_path; /* NULL: /etc/hosts */
};

typedef void (*pf_done_fn)(void *opaque, struct pf_report *r);

struct pf_run;
/* Check the host behind uri.  done runs once on the main thread with the
 * report, which it owns.  Returns a handle for pf_cancel(), valid until
 * done is called or pf_cancel(). */
struct pf_run *pf_start(const char *uri, const struct pf_opts *o,
                        pf_done_fn done, void *opaque);
/* done will not be called; jobs still running finish on their own. */
void pf_cancel(struct pf_run *run);

/* Report as text lines ("[pass] Name resolution: ...") or JSON. */
void pf_report_text(const struct pf_report *r, struct strbuf *out);
void pf_report_json(const struct pf_report *r, struct strbuf *out);

/* ---- the libvirt side (virt_preflight.c), blocking: for workers ---- */

struct pf_libvirt {
    char *error;            /* the connection failed: libvirt's message */
    char *hostname;         /* virConnectGetHostname, or NULL */
    char *caps;             /* capabilities XML, or NULL */
};
void virt_preflight_query(const char *uri, struct pf_libvirt *out);
void pf_libvirt_clear(struct pf_libvirt *l);

#endif
