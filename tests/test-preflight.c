/* test-preflight.c: the pure parts of the host preflight: hosts file
 * parsing, name agreement and the verdicts on resolution, host names,
 * capabilities and port probes. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "src/preflight.h"
#include "src/util/mem.h"
#include "tests/tap.h"

static const char hosts_text[] =
    "# comment line\n"
    "127.0.0.1\tlocalhost\n"
    "::1 localhost ip6-localhost\n"
    "\n"
    "127.0.0.71 node1.pf.test node1   # trailing comment\n"
    "127.0.0.72 other.pf.test a.pf.test\n"
    "not-an-address bogus.pf.test\n"
    "127.0.0.73\n"
    "127.0.0.72 second.pf.test\n"
    "   127.0.0.74   spaced.pf.test\r\n";

static struct pf_report *
report(void)
{
    return xcalloc(1, sizeof(struct pf_report));
}

/* The one result of r: its state, and whether summary holds want. */
static void
expect(struct pf_report *r, enum pf_check c, enum pf_state st,
       const char *want, const char *what)
{
    ok(r->n == 1 && r->items[0].check == c && r->items[0].state == st,
       "%s: %s", what, r->n ? pf_state_name(r->items[0].state) : "none");
    ok(r->n == 1 && strstr(r->items[0].summary, want) != NULL,
       "%s: says '%s' (%s)", what, want, r->n ? r->items[0].summary : "");
    ok(r->n == 1 && (st == PF_PASS) == (r->items[0].fix == NULL),
       "%s: a fix exactly when it does not pass", what);
}

static void
lookup_init(struct pf_lookup *l, const char *name, size_t n)
{
    memset(l, 0, sizeof(*l));
    l->name = name;
    l->n = n;
}

int
main(void)
{
    struct hosts_file h;
    struct pf_report *r;
    struct pf_lookup l;
    int ports[3] = { 49152, 49153, 49215 };
    enum pf_port res[3];

    /* hosts file */
    hosts_parse(hosts_text, &h);
    is_int((int64_t)h.n, 6, "six usable lines (comments, blanks, bad "
           "addresses and nameless lines skipped)");
    is_str(hosts_first_name(&h, "127.0.0.1"), "localhost", "127.0.0.1");
    is_str(hosts_first_name(&h, "0:0::1"), "localhost",
           "IPv6 addresses compare as addresses");
    is_str(hosts_first_name(&h, "127.0.0.72"), "other.pf.test",
           "reverse: the first name of the first line");
    is_str(hosts_first_name(&h, "127.0.0.74"), "spaced.pf.test",
           "leading blanks and CRLF");
    ok(hosts_first_name(&h, "127.0.0.73") == NULL, "a nameless line is no "
       "answer");
    ok(hosts_first_name(&h, "127.0.0.99") == NULL, "unknown address");
    ok(hosts_first_name(&h, "garbage") == NULL, "not an address");
    ok(hosts_has_name(&h, "a.pf.test"), "an alias is a name");
    ok(hosts_has_name(&h, "NODE1.pf.test."), "case and a final dot ignored");
    ok(!hosts_has_name(&h, "bogus.pf.test"), "a line with a bad address "
       "does not count");
    ok(!hosts_has_name(&h, "node1.pf"), "no prefix matches");
    ok(!hosts_has_name(&h, "comment"), "comments are not names");
    hosts_free(&h);
    hosts_parse("", &h);
    is_int((int64_t)h.n, 0, "empty file");
    hosts_free(&h);
    ok(hosts_load("/nonexistent/hosts", &h) == 0 && h.n == 0,
       "a missing file is an empty table");

    /* names */
    ok(pf_names_agree("node1", "node1.pf.test"), "short name and its FQDN");
    ok(pf_names_agree("Node1.PF.test.", "node1.pf.test"), "case, final dot");
    ok(!pf_names_agree("node1.pf.test", "node10.pf.test"), "different names");
    ok(!pf_names_agree("node1.a.test", "node1.b.test"), "different domains");
    ok(!pf_names_agree("node", "node1.pf.test"), "a prefix is not a label");

    /* host name */
    r = report();
    pf_judge_fqdn("kvm1.example.com", r);
    expect(r, PF_FQDN, PF_PASS, "kvm1.example.com", "FQDN");
    pf_report_free(&r);
    r = report();
    pf_judge_fqdn("kvm1", r);
    expect(r, PF_FQDN, PF_WARN, "short name", "short name");
    pf_report_free(&r);
    r = report();
    pf_judge_fqdn("localhost.localdomain", r);
    expect(r, PF_FQDN, PF_WARN, "localhost", "localhost.localdomain");
    pf_report_free(&r);
    r = report();
    pf_judge_fqdn(NULL, r);
    expect(r, PF_FQDN, PF_WARN, "Unknown", "no name from libvirt");
    pf_report_free(&r);

    /* resolution */
    r = report();
    lookup_init(&l, "node1.pf.test", 1);
    strcpy(l.addrs[0], "127.0.0.71");
    l.rev[0] = "node1.pf.test";
    l.name_from_hosts = l.rev_from_hosts[0] = true;
    pf_judge_resolution(&l, NULL, r);
    expect(r, PF_RESOLVE, PF_PASS, "127.0.0.71 (hosts file)", "agreeing");
    pf_report_free(&r);

    r = report();
    l.rev[0] = "other.pf.test";
    l.name_from_hosts = false;
    pf_judge_resolution(&l, NULL, r);
    expect(r, PF_RESOLVE, PF_FAIL, "resolves back to 'other.pf.test' "
           "(hosts file)", "reverse disagrees");
    ok(r->n && strstr(r->items[0].summary, "(DNS)"), "the forward answer "
       "came from DNS");
    pf_report_free(&r);

    r = report();
    l.rev[0] = NULL;
    pf_judge_resolution(&l, NULL, r);
    expect(r, PF_RESOLVE, PF_FAIL, "no reverse name", "no reverse");
    pf_report_free(&r);

    r = report();
    lookup_init(&l, "nowhere.pf.test", 0);
    l.error = "Name or service not known";
    pf_judge_resolution(&l, NULL, r);
    expect(r, PF_RESOLVE, PF_FAIL, "does not resolve (Name or service not "
           "known)", "unresolvable");
    pf_report_free(&r);

    r = report();
    lookup_init(&l, "node1.pf.test", 2);
    strcpy(l.addrs[0], "127.0.0.71");
    strcpy(l.addrs[1], "127.0.0.75");
    l.rev[0] = l.rev[1] = "node1.pf.test";
    pf_judge_resolution(&l, "127.0.0.80", r);
    expect(r, PF_RESOLVE, PF_FAIL, "127.0.0.80 resolves back to "
           "'node1.pf.test'", "the URI's address is not among the name's");
    pf_report_free(&r);
    r = report();
    pf_judge_resolution(&l, "127.0.0.75", r);
    expect(r, PF_RESOLVE, PF_PASS, "127.0.0.71, 127.0.0.75",
           "the URI's address is among them");
    pf_report_free(&r);

    /* capabilities */
    r = report();
    pf_judge_caps("<capabilities><guest><arch name='x86_64'>"
                  "<domain type='qemu'/><domain type='kvm'/></arch></guest>"
                  "</capabilities>", r);
    expect(r, PF_KVM, PF_PASS, "x86_64", "kvm");
    pf_report_free(&r);
    r = report();
    pf_judge_caps("<capabilities><guest><arch name='x86_64'>"
                  "<domain type='qemu'/></arch></guest><guest><arch "
                  "name='i686'><domain type='qemu'/></arch></guest>"
                  "</capabilities>", r);
    expect(r, PF_KVM, PF_WARN, "TCG only", "qemu only");
    pf_report_free(&r);
    r = report();
    pf_judge_caps("<capabilities><guest><arch name='i686'>"
                  "<domain type='test'/></arch></guest></capabilities>", r);
    expect(r, PF_KVM, PF_WARN, "domain types: test", "the test driver");
    pf_report_free(&r);
    r = report();
    pf_judge_caps("<capabilities><guest", r);
    expect(r, PF_KVM, PF_WARN, "could not be read", "malformed XML");
    pf_report_free(&r);
    r = report();
    pf_judge_caps(NULL, r);
    expect(r, PF_KVM, PF_WARN, "Unknown", "no capabilities");
    pf_report_free(&r);

    /* ports */
    r = report();
    res[0] = PF_PORT_REFUSED;
    res[1] = PF_PORT_OPEN;
    res[2] = PF_PORT_REFUSED;
    pf_judge_ports(PF_MIGRATION_PORTS, "127.0.0.71", ports, res, 3, r);
    expect(r, PF_MIGRATION_PORTS, PF_PASS, "2 refused", "refused and open "
           "are reachable");
    pf_report_free(&r);
    r = report();
    res[2] = PF_PORT_SILENT;
    pf_judge_ports(PF_MIGRATION_PORTS, "127.0.0.71", ports, res, 3, r);
    expect(r, PF_MIGRATION_PORTS, PF_FAIL, "Ports 49215 of 127.0.0.71 did "
           "not answer", "silence is a firewall");
    ok(r->n && strstr(r->items[0].fix, "49152-49215"), "the fix names the "
       "range");
    is_int(pf_report_worst(r), PF_FAIL, "the worst state");
    pf_report_free(&r);

    return tap_done();
}
