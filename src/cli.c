/* cli.c: options and scripting commands (see cli.h).  Every command runs
 * the same engine as the console, on the same event loop, and waits for
 * its jobs with a deadline: a host that hangs makes a command fail with a
 * message, never hang. */
#include <config.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include "cli.h"
#include "conf.h"
#include "dump.h"
#include "engine.h"
#include "jobs.h"
#include "loop.h"
#include "store.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/text.h"

enum {
    OPT_DUMP = 256, OPT_JSON, OPT_DEMO, OPT_DB, OPT_VERSION, OPT_DC,
    OPT_CLUSTER, OPT_DESCRIPTION, OPT_SINCE, OPT_READ_ONLY,
};

static const struct option long_opts[] = {
    { "config", required_argument, NULL, 'c' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, OPT_VERSION },
    { "dump", no_argument, NULL, OPT_DUMP },
    { "json", no_argument, NULL, OPT_JSON },
    { "demo", no_argument, NULL, OPT_DEMO },
    { "db", required_argument, NULL, OPT_DB },
    { "dc", required_argument, NULL, OPT_DC },
    { "cluster", required_argument, NULL, OPT_CLUSTER },
    { "description", required_argument, NULL, OPT_DESCRIPTION },
    { "since", required_argument, NULL, OPT_SINCE },
    { "read-only", no_argument, NULL, OPT_READ_ONLY },
    { NULL, 0, NULL, 0 },
};

void
cli_usage(FILE *out)
{
    fprintf(out, _("Usage: virtdeck [OPTION]... [COMMAND]\n"
                   "A keyboard-driven console for KVM data centers over libvirt.\n"
                   "\n"
                   "Without a command, virtdeck opens the console.  With an empty\n"
                   "inventory it opens the demo data center.\n"
                   "\n"
                   "Commands:\n"
                   "  dc add NAME [--description TEXT]      add a data center\n"
                   "  dc remove NAME                        remove an empty data center\n"
                   "  cluster add NAME --dc DC              add a cluster\n"
                   "  cluster remove NAME                   remove an empty cluster\n"
                   "  host add NAME URI --cluster CLUSTER   add a libvirt host\n"
                   "  host remove NAME                      remove a host without VMs\n"
                   "  vm start|shutdown|destroy|reboot|suspend|resume NAME\n"
                   "                                        act on a VM (name or UUID)\n"
                   "  events [--since WHEN] [--json]        list the audit log\n"
                   "\n"
                   "Options:\n"
                   "      --dump          print the inventory tree with states and stats\n"
                   "      --json          with --dump or events: JSON output\n"
                   "      --demo          use the demo data center (nothing is saved)\n"
                   "  -c, --config FILE   read FILE after the system and user files\n"
                   "      --db PATH       use the inventory database at PATH\n"
                   "  -v, --verbose       write a debug log (log_file, or\n"
                   "                      ~/.cache/virtdeck/virtdeck.log)\n"
                   "  -h, --help          show this help and exit\n"
                   "      --version       show the version and exit\n"
                   "\n"
                   "Exit status: 0 done, 1 the operation failed, 2 usage or\n"
                   "configuration error.\n"));
}

int
cli_parse(int argc, char **argv, struct cli_opts *o)
{
    int c;

    memset(o, 0, sizeof(*o));
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:vh", long_opts, NULL)) != -1) {
        switch (c) {
        case 'c': o->config_file = optarg; break;
        case 'v': o->verbose = true; break;
        case 'h': o->help = true; break;
        case OPT_VERSION: o->version = true; break;
        case OPT_DUMP: o->dump = true; break;
        case OPT_JSON: o->json = true; break;
        case OPT_DEMO: o->demo = true; break;
        case OPT_DB: o->db_path = optarg; break;
        case OPT_DC: o->dc = optarg; break;
        case OPT_CLUSTER: o->cluster = optarg; break;
        case OPT_DESCRIPTION: o->description = optarg; break;
        case OPT_SINCE: o->since = optarg; break;
        case OPT_READ_ONLY: o->read_only = true; break;
        case ':':
            fprintf(stderr, _("virtdeck: option '%s' needs a value; see "
                              "'virtdeck --help'.\n"), argv[optind - 1]);
            return CLI_USAGE;
        default:
            fprintf(stderr, _("virtdeck: unknown option '%s'; see "
                              "'virtdeck --help'.\n"), argv[optind - 1]);
            return CLI_USAGE;
        }
    }
    o->nwords = argc - optind;
    o->words = argv + optind;
    if (o->db_path && !*o->db_path) {
        fprintf(stderr, _("virtdeck: --db needs a file path.\n"));
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* ---- waiting on the loop with a deadline ---- */

struct wait_ctx {
    struct engine *e;
    bool op_done;
    int op_ok;
    char *op_msg;
    bool timed_out;
    bool want_op;
    unsigned target;
};

static void
wait_deadline(void *opaque)
{
    struct wait_ctx *w = opaque;
    w->timed_out = true;
}

static int
wait_settled(void *opaque)
{
    struct wait_ctx *w = opaque;
    return w->timed_out || engine_settled(w->e);
}

static int
wait_never(void *opaque)
{
    return ((struct wait_ctx *)opaque)->timed_out;
}

static int
wait_refreshed(void *opaque)
{
    struct wait_ctx *w = opaque;
    return w->timed_out || engine_refreshes(w->e) >= w->target;
}

static int
wait_op(void *opaque)
{
    struct wait_ctx *w = opaque;
    return w->timed_out || w->op_done;
}

static void
op_finished(void *opaque, int ok, const char *message)
{
    struct wait_ctx *w = opaque;
    w->op_done = true;
    w->op_ok = ok;
    w->op_msg = xstrdup(message);
}

/* Run the loop until done() or seconds pass. */
static void
run_until(struct wait_ctx *w, int (*done)(void *), double seconds)
{
    int t = loop_add_timer((int)(seconds * 1000), wait_deadline, w);
    w->timed_out = false;
    loop_run(done, w);
    loop_remove_timer(t);
}

/* ---- commands ---- */

static int
need_words(const struct cli_opts *o, int n, const char *usage)
{
    if (o->nwords != n) {
        fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"), usage);
        return -1;
    }
    return 0;
}

/* Print the outcome: the error, or the audit entry the change wrote. */
static int
report_engine(struct engine *e, int rc)
{
    struct model *m = engine_model(e);
    if (rc < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        return CLI_FAILED;
    }
    if (m->audit.len) {
        struct audit *a = m->audit.items[m->audit.len - 1];
        char *t = text_safe(a->message);
        printf("%s\n", t);
        free(t);
    }
    return CLI_OK;
}

static int
cmd_inventory(struct engine *e, const struct cli_opts *o)
{
    const char *kind = o->words[0], *verb = o->nwords > 1 ? o->words[1] : "";
    int rc;

    if (streq(kind, "dc") && streq(verb, "add")) {
        if (need_words(o, 3, "dc add NAME [--description TEXT]") < 0)
            return CLI_USAGE;
        rc = engine_dc_add(e, o->words[2], o->description);
    } else if (streq(kind, "dc") && streq(verb, "remove")) {
        if (need_words(o, 3, "dc remove NAME") < 0)
            return CLI_USAGE;
        rc = engine_dc_remove(e, o->words[2]);
    } else if (streq(kind, "cluster") && streq(verb, "add")) {
        if (need_words(o, 3, "cluster add NAME --dc DC") < 0 || !o->dc) {
            if (!o->dc)
                fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"),
                        "cluster add NAME --dc DC");
            return CLI_USAGE;
        }
        rc = engine_cluster_add(e, o->words[2], o->dc, o->description);
    } else if (streq(kind, "cluster") && streq(verb, "remove")) {
        if (need_words(o, 3, "cluster remove NAME") < 0)
            return CLI_USAGE;
        rc = engine_cluster_remove(e, o->words[2]);
    } else if (streq(kind, "host") && streq(verb, "add")) {
        if (need_words(o, 4, "host add NAME URI --cluster CLUSTER") < 0 ||
            !o->cluster) {
            if (!o->cluster)
                fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"),
                        "host add NAME URI --cluster CLUSTER");
            return CLI_USAGE;
        }
        rc = engine_host_add(e, o->words[2], o->words[3], o->cluster);
    } else if (streq(kind, "host") && streq(verb, "remove")) {
        struct wait_ctx w = { .e = e };
        if (need_words(o, 3, "host remove NAME") < 0)
            return CLI_USAGE;
        /* Ask the host what it runs before removing it. */
        engine_start(e);
        run_until(&w, wait_settled, 30);
        rc = engine_host_remove(e, o->words[2]);
    } else {
        fprintf(stderr, _("virtdeck: unknown command '%s %s'; see "
                          "'virtdeck --help'.\n"), kind, verb);
        return CLI_USAGE;
    }
    return report_engine(e, rc);
}

static int
cmd_vm(struct engine *e, const struct config *cfg, const struct cli_opts *o)
{
    struct wait_ctx w = { .e = e };
    enum vm_op op;
    int rc;

    if (o->nwords != 3 || vm_op_parse(o->words[1], &op) < 0 ||
        op == VM_OP_UNDEFINE) {
        fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"),
                "vm start|shutdown|destroy|reboot|suspend|resume NAME");
        return CLI_USAGE;
    }
    engine_start(e);
    run_until(&w, wait_settled, cfg->connect_timeout + 5);
    if (engine_vm_op(e, o->words[2], op, op_finished, &w) < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        return CLI_FAILED;
    }
    run_until(&w, wait_op, cfg->connect_timeout + 120);
    if (!w.op_done) {
        fprintf(stderr, _("virtdeck: the host did not answer in time; the "
                          "operation may still complete.\n"));
        return CLI_FAILED;
    }
    {
        char *t = text_safe(w.op_msg);
        fprintf(w.op_ok ? stdout : stderr, "%s\n", t);
        free(t);
    }
    rc = w.op_ok ? CLI_OK : CLI_FAILED;
    free(w.op_msg);
    return rc;
}

static int
cmd_dump(struct engine *e, const struct config *cfg, const struct cli_opts *o)
{
    struct wait_ctx w = { .e = e };
    struct strbuf b = { 0 };

    engine_start(e);
    run_until(&w, wait_settled, cfg->connect_timeout + 5);
    if (engine_has_counters(e)) {
        /* Rates need two samples: take a second one a second later. */
        struct virt *v = engine_virt(e);
        w.target = engine_refreshes(e) + engine_up_hosts(e);
        run_until(&w, wait_never, 1.0);
        virt_refresh(v);
        run_until(&w, wait_refreshed, 10);
    }
    if (o->json)
        dump_json(engine_model(e), engine_is_demo(e), &b);
    else
        dump_text(engine_model(e), engine_is_demo(e), &b);
    fputs(sb_str(&b), stdout);
    sb_free(&b);
    return CLI_OK;
}

/* WHEN: seconds since the epoch, "YYYY-MM-DD[ HH:MM[:SS]]" (local time),
 * or "-N[smhd]" ago. */
static int
parse_since(const char *s, time_t *out)
{
    char *end;
    struct tm tm;
    long long v;

    if (s[0] == '-') {
        v = strtoll(s + 1, &end, 10);
        if (end == s + 1 || v < 0)
            return -1;
        switch (*end) {
        case '\0': case 's': break;
        case 'm': v *= 60; break;
        case 'h': v *= 3600; break;
        case 'd': v *= 86400; break;
        default: return -1;
        }
        if (*end && end[1])
            return -1;
        *out = time(NULL) - (time_t)v;
        return 0;
    }
    v = strtoll(s, &end, 10);
    if (end != s && !*end) {
        *out = (time_t)v;
        return 0;
    }
    memset(&tm, 0, sizeof(tm));
    end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
    if (!end || *end) {
        memset(&tm, 0, sizeof(tm));
        end = strptime(s, "%Y-%m-%d %H:%M", &tm);
    }
    if (!end || *end) {
        memset(&tm, 0, sizeof(tm));
        end = strptime(s, "%Y-%m-%d", &tm);
    }
    if (!end || *end)
        return -1;
    tm.tm_isdst = -1;
    *out = mktime(&tm);
    return 0;
}

struct events_ctx {
    bool json;
    bool first;
};

static void
print_event(struct audit *a, void *opaque)
{
    struct events_ctx *c = opaque;
    struct strbuf b = { 0 };

    if (c->json) {
        sb_add(&b, c->first ? "[" : ",");
        sb_addf(&b, "{\"id\":%lld,\"time\":%lld,\"user\":", (long long)a->id,
                (long long)a->time);
        sb_add_json(&b, a->user);
        sb_add(&b, ",\"object\":");
        sb_add_json(&b, a->object);
        sb_add(&b, ",\"action\":");
        sb_add_json(&b, a->action);
        sb_add(&b, ",\"result\":");
        sb_add_json(&b, a->result);
        sb_add(&b, ",\"message\":");
        sb_add_json(&b, a->message);
        sb_add(&b, "}\n");
    } else {
        char when[32];
        struct tm tm;
        char *msg = text_safe(a->message), *user = text_safe(a->user);
        localtime_r(&a->time, &tm);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
        sb_addf(&b, "%s  %-6s  %s  %s\n", when, a->result, user, msg);
        free(msg);
        free(user);
    }
    c->first = false;
    fputs(sb_str(&b), stdout);
    sb_free(&b);
    audit_free(a);
}

static int
cmd_events(const struct config *cfg, const struct cli_opts *o)
{
    struct events_ctx c = { .json = o->json, .first = true };
    time_t since = 0;
    struct store *s;
    char *path;
    int rc = CLI_OK;

    if (o->nwords != 1) {
        fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"),
                "events [--since WHEN] [--json]");
        return CLI_USAGE;
    }
    if (o->since && parse_since(o->since, &since) < 0) {
        fprintf(stderr, _("virtdeck: --since '%s' is not a time: use "
                          "YYYY-MM-DD[ HH:MM[:SS]], seconds since 1970, or "
                          "-N[s|m|h|d] for a while ago.\n"), o->since);
        return CLI_USAGE;
    }
    path = xstrdup(o->db_path ? o->db_path : cfg->database);
    if (!path)
        path = store_default_path();
    if (!store_file_exists(path)) {
        if (o->json)
            puts("[]");
        free(path);
        return CLI_OK;
    }
    s = store_open(path, STORE_READONLY);
    if (!s || store_audit_list(s, since, 0, print_event, &c) < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        rc = CLI_FAILED;
    } else if (o->json) {
        puts(c.first ? "[]" : "]");
    }
    store_free(&s);
    free(path);
    return rc;
}

static void
open_log(const struct config *cfg, bool verbose)
{
    char *path = NULL;
    if (cfg->log_file) {
        path = xstrdup(cfg->log_file);
    } else if (verbose) {
        const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        char *dir = cache && *cache ? xasprintf("%s/virtdeck", cache)
                    : xasprintf("%s/.cache/virtdeck", home ? home : "/tmp");
        char *cmd_dir = dir;
        /* mkdir -p, two levels are enough for ~/.cache/virtdeck */
        char *parent = xstrdup(dir);
        char *slash = strrchr(parent, '/');
        if (slash) {
            *slash = '\0';
            mkdir(parent, 0700);
        }
        mkdir(cmd_dir, 0700);
        free(parent);
        path = xasprintf("%s/virtdeck.log", dir);
        free(dir);
    }
    if (path && log_open(path, verbose ? LOG_DEBUG : LOG_INFO) < 0)
        fprintf(stderr, "virtdeck: %s\n", err_msg());
    free(path);
}

int
cli_main(int argc, char **argv, cli_console_fn console)
{
    struct cli_opts o;
    struct config *cfg = NULL;
    struct engine *e = NULL;
    unsigned flags = 0;
    int rc;
    bool inventory;

    rc = cli_parse(argc, argv, &o);
    if (rc != CLI_OK)
        return rc;
    if (o.help) {
        cli_usage(stdout);
        return CLI_OK;
    }
    if (o.version) {
        printf("virtdeck %s\n", PACKAGE_VERSION);
        return CLI_OK;
    }
    if (o.nwords && !streq(o.words[0], "dc") && !streq(o.words[0], "cluster") &&
        !streq(o.words[0], "host") && !streq(o.words[0], "vm") &&
        !streq(o.words[0], "events")) {
        fprintf(stderr, _("virtdeck: unknown command '%s'; see 'virtdeck "
                          "--help'.\n"), o.words[0]);
        return CLI_USAGE;
    }
    if (o.dump && o.nwords) {
        fprintf(stderr, _("virtdeck: --dump takes no command.\n"));
        return CLI_USAGE;
    }
    cfg = config_new();
    if (config_load(cfg, o.config_file) < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        config_free(&cfg);
        return CLI_USAGE;
    }
    open_log(cfg, o.verbose);
    if (o.nwords && streq(o.words[0], "events")) {
        rc = cmd_events(cfg, &o);
        goto cleanup;
    }
    inventory = o.nwords && (streq(o.words[0], "dc") ||
                             streq(o.words[0], "cluster") ||
                             streq(o.words[0], "host"));
    if (inventory && o.demo) {
        fprintf(stderr, _("virtdeck: the demo is not saved: drop --demo to "
                          "change your inventory.\n"));
        rc = CLI_USAGE;
        goto cleanup;
    }
    if (o.demo)
        flags |= ENGINE_DEMO;
    if (inventory)
        flags |= ENGINE_WRITE;
    if (o.read_only)
        flags |= ENGINE_READONLY;

    if (loop_init() < 0 || virt_global_init() < 0 || jobs_init() < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        rc = CLI_FAILED;
        goto cleanup;
    }
    e = engine_open(cfg, o.db_path, flags);
    if (!e) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        rc = CLI_FAILED;
        goto cleanup;
    }
    if (inventory)
        rc = cmd_inventory(e, &o);
    else if (o.nwords && streq(o.words[0], "vm"))
        rc = cmd_vm(e, cfg, &o);
    else if (o.dump)
        rc = cmd_dump(e, cfg, &o);
    else
        rc = console(e, cfg, &o);

cleanup:
    engine_free(&e);
    jobs_shutdown();
    config_free(&cfg);
    log_close();
    return rc;
}
