/* cli_preflight.c: `virtdeck host check NAME [--json]` and the preflight
 * that `host add` runs (see preflight.h).  The checks run as jobs on the
 * engine's loop; the command waits for the report with a deadline. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "engine.h"
#include "loop.h"
#include "preflight.h"
#include "util/i18n.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/text.h"

struct check_wait {
    struct pf_report *r;
    bool timed_out;
};

static void
check_done(void *opaque, struct pf_report *r)
{
    ((struct check_wait *)opaque)->r = r;
}

static int
check_over(void *opaque)
{
    struct check_wait *w = opaque;
    return w->r || w->timed_out;
}

static void
check_deadline(void *opaque)
{
    ((struct check_wait *)opaque)->timed_out = true;
}

/* Run the preflight of uri and wait for it; NULL when it overran even its
 * own deadline (it never should: every part has one). */
static struct pf_report *
run_preflight(const struct config *cfg, const char *uri)
{
    struct check_wait w = { 0 };
    struct pf_opts po = { .timeout = cfg->connect_timeout,
                          .probe_timeout = 1.5 };
    struct pf_run *run;
    int t;

    run = pf_start(uri, &po, check_done, &w);
    t = loop_add_timer((int)((po.timeout + po.probe_timeout + 10) * 1000),
                       check_deadline, &w);
    loop_run(check_over, &w);
    loop_remove_timer(t);
    if (!w.r)
        pf_cancel(run);
    return w.r;
}

int
cli_host_check(struct engine *e, const struct config *cfg,
               const struct cli_opts *o)
{
    struct host *h;
    struct pf_report *r;
    struct strbuf b = { 0 };
    int rc;

    if (o->nwords != 3) {
        fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"),
                "host check NAME [--json]");
        return CLI_USAGE;
    }
    h = model_host_by_name(engine_model(e), o->words[2]);
    if (!h) {
        char *n = text_safe(o->words[2]);
        fprintf(stderr, _("virtdeck: there is no host '%s': 'virtdeck --dump' "
                          "lists the hosts.\n"), n);
        free(n);
        return CLI_FAILED;
    }
    r = run_preflight(cfg, h->uri);
    if (!r) {
        fprintf(stderr, _("virtdeck: the checks of host '%s' did not finish "
                          "in time.\n"), h->name);
        return CLI_FAILED;
    }
    if (o->json) {
        pf_report_json(r, &b);
    } else {
        char *n = text_safe(h->name);
        sb_addf(&b, _("Host '%s' (%s):\n"), n, r->uri);
        free(n);
        pf_report_text(r, &b);
    }
    fputs(sb_str(&b), stdout);
    rc = pf_report_worst(r) == PF_FAIL ? CLI_FAILED : CLI_OK;
    sb_free(&b);
    pf_report_free(&r);
    return rc;
}

void
cli_host_add_check(struct engine *e, const struct config *cfg,
                   const char *name)
{
    struct host *h = model_host_by_name(engine_model(e), name);
    struct pf_report *r;
    struct strbuf b = { 0 };
    unsigned fails = 0;
    char *n;

    if (!h)
        return;
    n = text_safe(h->name);
    r = run_preflight(cfg, h->uri);
    if (!r) {
        fprintf(stderr, _("virtdeck: warning: the checks of host '%s' did "
                          "not finish in time.\n"), n);
        free(n);
        return;
    }
    sb_addf(&b, _("Host check of '%s':\n"), n);
    pf_report_text(r, &b);
    fputs(sb_str(&b), stdout);
    for (size_t i = 0; i < r->n; i++)
        fails += r->items[i].state == PF_FAIL;
    if (fails)
        fprintf(stderr, ngettext("virtdeck: warning: host '%s' was added, but "
                                 "%u check failed: see its fix above.\n",
                                 "virtdeck: warning: host '%s' was added, but "
                                 "%u checks failed: see their fixes above.\n",
                                 fails), n, fails);
    free(n);
    sb_free(&b);
    pf_report_free(&r);
}
