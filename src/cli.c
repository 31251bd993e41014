/* cli.c: options and scripting commands (see cli.h).  Every command runs
 * the same engine as the console, on the same event loop, and waits for
 * its jobs with a deadline: a host that hangs makes a command fail with a
 * message, never hang. */
#include <config.h>
#include <errno.h>
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
#include "domxml.h"
#include "vmspec.h"
#include "console.h"
#include "migrate.h"
#include <signal.h>
#include <termios.h>
#include <unistd.h>

enum {
    OPT_DUMP = 256, OPT_JSON, OPT_DEMO, OPT_DB, OPT_VERSION, OPT_DC,
    OPT_CLUSTER, OPT_DESCRIPTION, OPT_SINCE, OPT_READ_ONLY,
    OPT_HOST, OPT_VCPUS, OPT_MEMORY, OPT_DISK_SIZE, OPT_DISK_FORMAT, OPT_POOL,
    OPT_DISK_VOLUME, OPT_STORAGE_DOMAIN, OPT_NETWORK, OPT_BRIDGE, OPT_BOOT, OPT_ISO, OPT_KERNEL,
    OPT_INITRD, OPT_CMDLINE, OPT_GRAPHICS, OPT_LISTEN, OPT_PASSWORD_FILE,
    OPT_START, OPT_HA, OPT_NO_HA, OPT_DELETE_DISKS, OPT_FORCE,
    OPT_TO, OPT_BANDWIDTH, OPT_MAX_DOWNTIME, OPT_TIMEOUT, OPT_TIMEOUT_ACTION,
    OPT_AUTO_CONVERGE, OPT_POSTCOPY, OPT_COPY_STORAGE, OPT_NO_AUTO_CONVERGE,
    OPT_NO_POSTCOPY, OPT_ROLE, OPT_NFS, OPT_ISCSI, OPT_TARGET, OPT_LUN,
    OPT_CHAP_USER, OPT_CHAP_SECRET_FILE, OPT_DOMAIN,
    OPT_NO_CHECK,
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
    { "no-check", no_argument, NULL, OPT_NO_CHECK },
    { "host", required_argument, NULL, OPT_HOST },
    { "vcpus", required_argument, NULL, OPT_VCPUS },
    { "memory", required_argument, NULL, OPT_MEMORY },
    { "disk-size", required_argument, NULL, OPT_DISK_SIZE },
    { "disk-format", required_argument, NULL, OPT_DISK_FORMAT },
    { "pool", required_argument, NULL, OPT_POOL },
    { "disk-volume", required_argument, NULL, OPT_DISK_VOLUME },
    { "storage-domain", required_argument, NULL, OPT_STORAGE_DOMAIN },
    { "network", required_argument, NULL, OPT_NETWORK },
    { "bridge", required_argument, NULL, OPT_BRIDGE },
    { "boot", required_argument, NULL, OPT_BOOT },
    { "iso", required_argument, NULL, OPT_ISO },
    { "kernel", required_argument, NULL, OPT_KERNEL },
    { "initrd", required_argument, NULL, OPT_INITRD },
    { "cmdline", required_argument, NULL, OPT_CMDLINE },
    { "graphics", required_argument, NULL, OPT_GRAPHICS },
    { "listen", required_argument, NULL, OPT_LISTEN },
    { "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
    { "start", no_argument, NULL, OPT_START },
    { "ha", no_argument, NULL, OPT_HA },
    { "no-ha", no_argument, NULL, OPT_NO_HA },
    { "delete-disks", no_argument, NULL, OPT_DELETE_DISKS },
    { "force", no_argument, NULL, OPT_FORCE },
    { "to", required_argument, NULL, OPT_TO },
    { "bandwidth", required_argument, NULL, OPT_BANDWIDTH },
    { "max-downtime", required_argument, NULL, OPT_MAX_DOWNTIME },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "timeout-action", required_argument, NULL, OPT_TIMEOUT_ACTION },
    { "auto-converge", no_argument, NULL, OPT_AUTO_CONVERGE },
    { "postcopy", no_argument, NULL, OPT_POSTCOPY },
    { "copy-storage", no_argument, NULL, OPT_COPY_STORAGE },
    { "no-auto-converge", no_argument, NULL, OPT_NO_AUTO_CONVERGE },
    { "no-postcopy", no_argument, NULL, OPT_NO_POSTCOPY },
    { "role", required_argument, NULL, OPT_ROLE },
    { "nfs", required_argument, NULL, OPT_NFS },
    { "iscsi", required_argument, NULL, OPT_ISCSI },
    { "target", required_argument, NULL, OPT_TARGET },
    { "lun", required_argument, NULL, OPT_LUN },
    { "chap-user", required_argument, NULL, OPT_CHAP_USER },
    { "chap-secret-file", required_argument, NULL, OPT_CHAP_SECRET_FILE },
    { "domain", required_argument, NULL, OPT_DOMAIN },
    { NULL, 0, NULL, 0 },
};

static const struct cli_command commands[] = {
    { "dc", "add", true },
    { "dc", "remove", true },
    { "cluster", "add", true },
    { "cluster", "remove", true },
    { "cluster", "set", true },
    { "host", "add", true },
    { "host", "remove", true },
    { "host", "spm-priority", true },
    { "host", "maintenance", true },
    { "host", "activate", true },
    { "host", "confirm-rebooted", true },
    { "host", "check", false },
    { "vm", "start", true },
    { "vm", "shutdown", true },
    { "vm", "destroy", true },
    { "vm", "reboot", true },
    { "vm", "suspend", true },
    { "vm", "resume", true },
    { "vm", "create", true },
    { "vm", "edit", true },
    { "vm", "delete", true },
    { "vm", "console", true },
    { "vm", "migrate", true },
    { "storage", "add", true },
    { "storage", "attach", true },
    { "storage", "detach", true },
    { "storage", "activate", true },
    { "storage", "maintenance", true },
    { "storage", "remove", true },
    { "storage", "discover", false },
    { "storage", "luns", false },
    { "iso", "upload", true },
    { "iso", "list", false },
    { "events", NULL, false },
    { "tasks", NULL, false },
    /* an observer may watch: read-only, it restarts and evacuates nothing */
    { "run", NULL, false },
};

const struct cli_command *
cli_commands(size_t *n)
{
    *n = sizeof(commands) / sizeof(*commands);
    return commands;
}

const struct cli_command *
cli_command_find(const char *kind, const char *verb)
{
    for (size_t i = 0; kind && i < sizeof(commands) / sizeof(*commands); i++) {
        const struct cli_command *c = &commands[i];
        if (streq(c->kind, kind) && (!c->verb || (verb && streq(c->verb, verb))))
            return c;
    }
    return NULL;
}

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
                   "  cluster set NAME [--bandwidth MIBS] [--max-downtime MS]\n"
                   "     [--[no-]auto-converge] [--[no-]postcopy]\n"
                   "     [--timeout S] [--timeout-action abort|postcopy|suspend]\n"
                   "                                        migration defaults of a cluster\n"
                   "  host add NAME URI --cluster CLUSTER   add a libvirt host, then check it\n"
                   "                                        (--no-check: skip the checks)\n"
                   "  host check NAME [--json]              FQDN, name resolution, libvirt, KVM,\n"
                   "                                        firewall ports, clock, web console\n"
                   "  host remove NAME                      remove a host without VMs\n"
                   "  host spm-priority NAME N              0..10 (highest is SPM first), -1 never\n"
                   "  host maintenance NAME                 move its VMs away, then maintenance\n"
                   "  host activate NAME                    bring a host back from maintenance\n"
                   "  host confirm-rebooted NAME            the host was rebooted: restart its\n"
                   "                                        HA VMs elsewhere\n"
                   "  vm start|shutdown|destroy|reboot|suspend|resume NAME\n"
                   "                                        act on a VM (name or UUID)\n"
                   "  vm create NAME --cluster C --memory MIB [--vcpus N] [--host H]\n"
                   "     [--pool P (--disk-size GIB [--disk-format qcow2|raw] |\n"
                   "      --disk-volume VOL) | --storage-domain D [--disk-size GIB]\n"
                   "      [--chap-secret-file F]]\n"
                   "     [--network NET | --bridge BR]\n"
                   "     [--boot disk,cdrom,network] [--iso DOMAIN/FILE|POOL/VOL]\n"
                   "     [--kernel PATH [--initrd PATH] [--cmdline TEXT]]\n"
                   "     [--graphics vnc|spice|none] [--listen ADDR]\n"
                   "     [--password-file FILE] [--start] [--ha]\n"
                   "                                        create a VM\n"
                   "  vm edit NAME [--vcpus N] [--memory MIB] [--boot LIST]\n"
                   "     [--graphics G --listen A --password-file F] [--ha|--no-ha]\n"
                   "                                        change a VM (off, but --ha)\n"
                   "  vm delete NAME [--delete-disks]       delete a VM that is off\n"
                   "  vm console NAME [--force]             serial console (Ctrl-] leaves)\n"
                   "  vm migrate NAME [--to HOST] [--bandwidth MIBS] [--max-downtime MS]\n"
                   "     [--auto-converge] [--postcopy] [--copy-storage]\n"
                   "     [--timeout S [--timeout-action abort|postcopy|suspend]]\n"
                   "                                        live-migrate (Ctrl-C cancels)\n"
                   "  storage attach|detach|activate|maintenance NAME --dc DC\n"
                   "                                        a storage domain in a data center\n"
                   "  storage remove NAME                   forget an unattached domain\n"
                   "  storage add NAME --role data|iso|export --nfs SERVER:/PATH\n"
                   "  storage add NAME --iscsi PORTAL --target IQN --lun N[,N]\n"
                   "     [--chap-user U --chap-secret-file F]  check, then record\n"
                   "  storage discover PORTAL | storage luns PORTAL --target IQN\n"
                   "  iso upload --domain NAME FILE... [--force]\n"
                   "  iso list NAME                         ISO images of an ISO domain\n"
                   "  events [--since WHEN] [--json]        list the audit log\n"
                   "  tasks [--json]                        tasks, interrupted ones with what\n"
                   "                                        they may have left behind\n"
                   "  run                                   the engine without a screen: keep\n"
                   "                                        hosts watched, HA on; print events\n"
                   "\n"
                   "Options:\n"
                   "      --dump          print the inventory tree with states and stats\n"
                   "      --json          with --dump or events: JSON output\n"
                   "      --demo          use the demo data center (nothing is saved)\n"
                   "  -c, --config FILE   read FILE after the system and user files\n"
                   "      --db PATH       use the inventory database at PATH\n"
                   "      --read-only     observe only: hosts and the database are opened\n"
                   "                      read-only and every change is refused\n"
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
        case OPT_HOST: o->host = optarg; break;
        case OPT_VCPUS: o->vcpus = optarg; break;
        case OPT_MEMORY: o->memory = optarg; break;
        case OPT_DISK_SIZE: o->disk_size = optarg; break;
        case OPT_DISK_FORMAT: o->disk_format = optarg; break;
        case OPT_POOL: o->pool = optarg; break;
        case OPT_DISK_VOLUME: o->disk_volume = optarg; break;
        case OPT_STORAGE_DOMAIN: o->storage_domain = optarg; break;
        case OPT_NETWORK: o->network = optarg; break;
        case OPT_BRIDGE: o->bridge = optarg; break;
        case OPT_BOOT: o->boot = optarg; break;
        case OPT_ISO: o->iso = optarg; break;
        case OPT_KERNEL: o->kernel = optarg; break;
        case OPT_INITRD: o->initrd = optarg; break;
        case OPT_CMDLINE: o->cmdline = optarg; break;
        case OPT_GRAPHICS: o->graphics = optarg; break;
        case OPT_LISTEN: o->listen = optarg; break;
        case OPT_PASSWORD_FILE: o->password_file = optarg; break;
        case OPT_START: o->start = true; break;
        case OPT_HA: o->ha = true; break;
        case OPT_NO_HA: o->no_ha = true; break;
        case OPT_DELETE_DISKS: o->delete_disks = true; break;
        case OPT_FORCE: o->force = true; break;
        case OPT_TO: o->to = optarg; break;
        case OPT_BANDWIDTH: o->bandwidth = optarg; break;
        case OPT_MAX_DOWNTIME: o->max_downtime = optarg; break;
        case OPT_TIMEOUT: o->timeout = optarg; break;
        case OPT_TIMEOUT_ACTION: o->timeout_action = optarg; break;
        case OPT_AUTO_CONVERGE: o->auto_converge = true; break;
        case OPT_POSTCOPY: o->postcopy = true; break;
        case OPT_COPY_STORAGE: o->copy_storage = true; break;
        case OPT_NO_AUTO_CONVERGE: o->no_auto_converge = true; break;
        case OPT_NO_POSTCOPY: o->no_postcopy = true; break;
        case OPT_ROLE: o->role = optarg; break;
        case OPT_NFS: o->nfs = optarg; break;
        case OPT_ISCSI: o->iscsi = optarg; break;
        case OPT_TARGET: o->target = optarg; break;
        case OPT_LUN: o->lun = optarg; break;
        case OPT_CHAP_USER: o->chap_user = optarg; break;
        case OPT_CHAP_SECRET_FILE: o->chap_secret_file = optarg; break;
        case OPT_DOMAIN: o->domain = optarg; break;
        case OPT_NO_CHECK: o->no_check = true; break;
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
wait_ha_idle(void *opaque)
{
    struct wait_ctx *w = opaque;
    return w->timed_out || model_tasks_running(engine_model(w->e)) == 0;
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

static int wait_op(void *opaque);
static void op_finished(void *opaque, int ok, const char *message);
static int parse_num(const char *opt, const char *text,
                     unsigned long long min, unsigned long long max,
                     unsigned long long *out);

/* storage add / discover / luns: cli_storage.c */
static int
cmd_storage_more(struct engine *e, const struct cli_opts *o)
{
    return cli_storage(e, o);
}
static int parse_migrate_opts(const struct cli_opts *o,
                              struct migrate_opts *mo);

/* host maintenance / activate / confirm-rebooted: they act on live hosts,
 * so connect first; maintenance waits for its evacuation. */
static int
cmd_host_state(struct engine *e, const struct cli_opts *o)
{
    struct wait_ctx w = { .e = e };
    const char *verb = o->words[1], *name = o->words[2];
    int rc;

    engine_start(e);
    run_until(&w, wait_settled, 30);
    if (streq(verb, "maintenance")) {
        rc = engine_host_maintenance(e, name, op_finished, &w);
        if (rc == 0) {
            w.timed_out = false;
            loop_run(wait_op, &w);
            fprintf(w.op_ok ? stdout : stderr, "%s\n", w.op_msg);
            rc = w.op_ok ? CLI_OK : CLI_FAILED;
            free(w.op_msg);
            return rc;
        }
    } else if (streq(verb, "activate")) {
        rc = engine_host_activate(e, name);
    } else {
        rc = engine_host_confirm_rebooted(e, name);
        if (rc == 0) {
            /* let the HA restarts run before the command ends */
            run_until(&w, wait_ha_idle, 120);
        }
    }
    return report_engine(e, rc);
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
    } else if (streq(kind, "cluster") && streq(verb, "set")) {
        struct model *m = engine_model(e);
        struct cluster *c;
        struct migrate_opts mo;
        if (need_words(o, 3, "cluster set NAME [--bandwidth MIBS] [...]") < 0)
            return CLI_USAGE;
        c = model_cluster_by_name(m, o->words[2]);
        memset(&mo, 0, sizeof(mo));
        if (c)
            mo = c->mig;
        if (parse_migrate_opts(o, &mo) < 0)
            return CLI_USAGE;
        rc = engine_cluster_set_migration(e, o->words[2], &mo);
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
    } else if (streq(kind, "host") && streq(verb, "spm-priority")) {
        unsigned long long v;
        if (need_words(o, 4, "host spm-priority NAME N") < 0)
            return CLI_USAGE;
        if (streq(o->words[3], "-1"))
            v = (unsigned long long)-1;
        else if (parse_num("N", o->words[3], 0, 10, &v) < 0)
            return CLI_USAGE;
        rc = engine_host_set_spm_priority(e, o->words[2],
                                          v == (unsigned long long)-1 ? -1 : (int)v);
    } else if (streq(kind, "storage")) {
        if (streq(verb, "remove")) {
            if (need_words(o, 3, "storage remove NAME") < 0)
                return CLI_USAGE;
            rc = engine_sd_remove(e, o->words[2]);
        } else if (streq(verb, "attach") || streq(verb, "detach") ||
                   streq(verb, "activate") || streq(verb, "maintenance")) {
            if (o->nwords != 3 || !o->dc) {
                fprintf(stderr, _("virtdeck: usage: virtdeck storage %s NAME "
                                  "--dc DC\n"), verb);
                return CLI_USAGE;
            }
            if (streq(verb, "attach"))
                rc = engine_sd_attach(e, o->words[2], o->dc);
            else if (streq(verb, "detach"))
                rc = engine_sd_detach(e, o->words[2], o->dc);
            else if (streq(verb, "activate"))
                rc = engine_sd_activate(e, o->words[2], o->dc);
            else
                rc = engine_sd_maintenance(e, o->words[2], o->dc);
        } else {
            return cmd_storage_more(e, o);
        }
    } else if (streq(kind, "host") && (streq(verb, "maintenance") ||
                                       streq(verb, "activate") ||
                                       streq(verb, "confirm-rebooted"))) {
        if (o->nwords != 3) {
            fprintf(stderr, _("virtdeck: usage: virtdeck host %s NAME\n"), verb);
            return CLI_USAGE;
        }
        return cmd_host_state(e, o);
    } else {
        fprintf(stderr, _("virtdeck: unknown command '%s %s'; see "
                          "'virtdeck --help'.\n"), kind, verb);
        return CLI_USAGE;
    }
    return report_engine(e, rc);
}

/* A whole number for option OPT within [min, max]. */
static int
parse_num(const char *opt, const char *text, unsigned long long min,
          unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(text, &end, 10);
    if (!*text || *end || errno || text[0] == '-' || v < min || v > max) {
        char *shown = text_safe(text);
        fprintf(stderr, _("virtdeck: %s '%s' is not a whole number from %llu "
                          "to %llu.\n"), opt, shown, min, max);
        free(shown);
        return -1;
    }
    *out = v;
    return 0;
}

/* The console password: from --password-file (its first line) or
 * $VIRTDECK_CONSOLE_PASSWORD, never from the command line, where every
 * user could read it in ps. */
static int
read_password(const struct cli_opts *o, char **out)
{
    const char *env = getenv("VIRTDECK_CONSOLE_PASSWORD");
    char buf[256];
    FILE *f;

    *out = NULL;
    if (!o->password_file) {
        if (env && *env)
            *out = xstrdup(env);
        return 0;
    }
    f = fopen(o->password_file, "r");
    if (!f) {
        fprintf(stderr, _("virtdeck: cannot read the password file '%s': %s\n"),
                o->password_file, strerror(errno));
        return -1;
    }
    if (!fgets(buf, sizeof(buf), f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    *out = xstrdup(buf);
    memset(buf, 0, sizeof(buf));
    return 0;
}

/* The CHAP secret of the VM's iSCSI data domain: the first line of
 * --chap-secret-file, never from the command line or the environment.
 * The read buffer is wiped; *out is wiped by vm_spec_clear(). */
static int
read_chap_secret(const char *file, char **out)
{
    char buf[512];
    FILE *f = fopen(file, "r");

    if (!f) {
        fprintf(stderr, _("virtdeck: cannot read the CHAP secret file '%s': "
                          "%s\n"), file, strerror(errno));
        return -1;
    }
    if (!fgets(buf, sizeof(buf), f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\r\n")] = '\0';
    if (!buf[0]) {
        fprintf(stderr, _("virtdeck: the CHAP secret file '%s' is empty.\n"),
                file);
        return -1;
    }
    *out = xstrdup(buf);
    explicit_bzero(buf, sizeof(buf));
    return 0;
}

/* Fill spec from the options; CLI_OK or CLI_USAGE. */
static int
spec_from_opts(const struct cli_opts *o, struct vm_spec *s)
{
    unsigned long long v;

    if (!o->cluster || !o->memory) {
        fprintf(stderr, _("virtdeck: vm create needs --cluster and --memory; "
                          "see 'virtdeck --help'.\n"));
        return CLI_USAGE;
    }
    free(s->name);
    s->name = xstrdup(o->words[2]);
    s->cluster = xstrdup(o->cluster);
    s->host = xstrdup(o->host);
    if (parse_num("--memory", o->memory, 16, 16ULL * 1024 * 1024, &v) < 0)
        return CLI_USAGE;
    s->mem_mib = v;
    if (o->vcpus) {
        if (parse_num("--vcpus", o->vcpus, 1, 512, &v) < 0)
            return CLI_USAGE;
        s->vcpus = (unsigned)v;
    }
    s->pool = xstrdup(o->pool);
    if (o->disk_size) {
        if (parse_num("--disk-size", o->disk_size, 1, VM_DISK_MAX_GIB, &v) < 0)
            return CLI_USAGE;
        s->disk_gib = v;
    }
    if (o->disk_format) {
        free(s->disk_format);
        s->disk_format = xstrdup(o->disk_format);
    }
    s->disk_volume = xstrdup(o->disk_volume);
    s->disk_domain = xstrdup(o->storage_domain);
    if (o->chap_secret_file) {
        if (!o->storage_domain) {
            fprintf(stderr, _("virtdeck: --chap-secret-file goes with "
                              "--storage-domain (an iSCSI data domain that "
                              "logs in with CHAP).\n"));
            return CLI_USAGE;
        }
        if (read_chap_secret(o->chap_secret_file, &s->chap_secret) < 0)
            return CLI_USAGE;
    }
    if (o->network && o->bridge) {
        fprintf(stderr, _("virtdeck: give --network or --bridge, not both.\n"));
        return CLI_USAGE;
    }
    if (o->network) {
        s->net = VM_NET_NETWORK;
        s->net_source = xstrdup(o->network);
    } else if (o->bridge) {
        s->net = VM_NET_BRIDGE;
        s->net_source = xstrdup(o->bridge);
    }
    s->iso = xstrdup(o->iso);
    if (o->boot) {
        if (vm_spec_parse_boot(s, o->boot) < 0) {
            fprintf(stderr, "virtdeck: %s\n", err_msg());
            return CLI_USAGE;
        }
    } else if (!s->disk_gib && !s->disk_volume && !s->disk_domain) {
        /* no disk: boot what there is */
        s->n_boot = 0;
        if (s->iso)
            s->boot[s->n_boot++] = VM_BOOT_CDROM;
        if (s->net != VM_NET_NONE)
            s->boot[s->n_boot++] = VM_BOOT_NETWORK;
    }
    s->kernel = xstrdup(o->kernel);
    s->initrd = xstrdup(o->initrd);
    s->cmdline = xstrdup(o->cmdline);
    if (o->graphics && vm_gfx_parse(o->graphics, &s->gfx) < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        return CLI_USAGE;
    }
    if (o->listen) {
        free(s->listen);
        s->listen = xstrdup(o->listen);
    }
    if (read_password(o, &s->password) < 0)
        return CLI_USAGE;
    s->start = o->start;
    s->ha = o->ha;
    return CLI_OK;
}

static int
edit_from_opts(const struct cli_opts *o, struct vm_edit *ed, char **password)
{
    unsigned long long v;

    memset(ed, 0, sizeof(*ed));
    *password = NULL;
    if (o->vcpus) {
        if (parse_num("--vcpus", o->vcpus, 1, 512, &v) < 0)
            return CLI_USAGE;
        ed->set_vcpus = true;
        ed->vcpus = (unsigned)v;
    }
    if (o->memory) {
        if (parse_num("--memory", o->memory, 16, 16ULL * 1024 * 1024, &v) < 0)
            return CLI_USAGE;
        ed->set_mem = true;
        ed->mem_mib = v;
    }
    if (o->boot) {
        struct vm_spec tmp;
        memset(&tmp, 0, sizeof(tmp));
        if (vm_spec_parse_boot(&tmp, o->boot) < 0) {
            fprintf(stderr, "virtdeck: %s\n", err_msg());
            return CLI_USAGE;
        }
        ed->set_boot = true;
        ed->n_boot = tmp.n_boot;
        for (unsigned i = 0; i < tmp.n_boot; i++)
            ed->boot[i] = tmp.boot[i];
    }
    if (o->graphics) {
        enum vm_gfx g;
        if (vm_gfx_parse(o->graphics, &g) < 0) {
            fprintf(stderr, "virtdeck: %s\n", err_msg());
            return CLI_USAGE;
        }
        ed->set_gfx = true;
        ed->gfx = g;
        ed->listen = o->listen ? o->listen : "127.0.0.1";
        if (read_password(o, password) < 0)
            return CLI_USAGE;
        ed->password = *password;
    }
    if (o->ha || o->no_ha) {
        ed->set_ha = true;
        ed->ha = o->ha;
    }
    if (!ed->set_vcpus && !ed->set_mem && !ed->set_boot && !ed->set_gfx &&
        !ed->set_ha) {
        fprintf(stderr, _("virtdeck: vm edit: nothing to change; give --vcpus, "
                          "--memory, --boot, --graphics, --ha or --no-ha.\n"));
        return CLI_USAGE;
    }
    return CLI_OK;
}

static int cmd_console(struct engine *e, const struct config *cfg,
                       const struct cli_opts *o);
static int cmd_migrate(struct engine *e, const struct config *cfg,
                       const struct cli_opts *o);

static int
cmd_vm(struct engine *e, const struct config *cfg, const struct cli_opts *o)
{
    struct wait_ctx w = { .e = e };
    const char *verb = o->nwords > 1 ? o->words[1] : "";
    struct vm_spec spec;
    struct vm_edit ed;
    char *password = NULL;
    enum vm_op op = VM_OP_START;
    int rc, kind;

    /* 0: lifecycle, 1: create, 2: edit, 3: delete */
    if (streq(verb, "console")) {
        if (o->nwords != 3) {
            fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"),
                    "vm console NAME [--force]");
            return CLI_USAGE;
        }
        return cmd_console(e, cfg, o);
    }
    if (streq(verb, "migrate")) {
        if (o->nwords != 3) {
            fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"),
                    "vm migrate NAME [--to HOST] [...]");
            return CLI_USAGE;
        }
        return cmd_migrate(e, cfg, o);
    }
    kind = streq(verb, "create") ? 1 : streq(verb, "edit") ? 2
           : streq(verb, "delete") ? 3 : 0;
    if (o->nwords != 3 || (kind == 0 && (vm_op_parse(verb, &op) < 0 ||
                                         op == VM_OP_UNDEFINE))) {
        fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"),
                "vm start|shutdown|destroy|reboot|suspend|resume|create|edit|"
                "delete NAME");
        return CLI_USAGE;
    }
    vm_spec_init(&spec);
    if (kind == 1 && (rc = spec_from_opts(o, &spec)) != CLI_OK)
        goto out;
    if (kind == 2 && (rc = edit_from_opts(o, &ed, &password)) != CLI_OK)
        goto out;
    engine_start(e);
    run_until(&w, wait_settled, cfg->connect_timeout + 5);
    switch (kind) {
    case 1: rc = engine_vm_create(e, &spec, op_finished, &w); break;
    case 2: rc = engine_vm_edit(e, o->words[2], &ed, op_finished, &w); break;
    case 3: rc = engine_vm_delete(e, o->words[2], o->delete_disks, op_finished,
                                  &w); break;
    default: rc = engine_vm_op(e, o->words[2], op, op_finished, &w); break;
    }
    if (rc < 0) {
        char *t = text_safe(err_msg());
        fprintf(stderr, "virtdeck: %s\n", t);
        free(t);
        rc = CLI_FAILED;
        goto out;
    }
    run_until(&w, wait_op, cfg->connect_timeout + 300);
    if (!w.op_done) {
        fprintf(stderr, _("virtdeck: the host did not answer in time; the "
                          "operation may still complete.\n"));
        rc = CLI_FAILED;
        goto out;
    }
    {
        char *t = text_safe(w.op_msg);
        fprintf(w.op_ok ? stdout : stderr, "%s\n", t);
        free(t);
    }
    rc = w.op_ok ? CLI_OK : CLI_FAILED;
out:
    free(w.op_msg);
    free(password);
    vm_spec_clear(&spec);
    return rc;
}

/* ---- vm console ---- */

struct con_ctx {
    struct console *con;
    bool done;
    int rc;
    bool raw;
    struct termios saved;
    int stdin_watch;
};

static void
con_data(void *opaque, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(STDOUT_FILENO, buf, len);
        if (n <= 0)
            break;
        buf += n;
        len -= (size_t)n;
    }
}

static void
con_event(void *opaque, enum console_event ev, const char *message)
{
    struct con_ctx *c = opaque;
    char *t = text_safe(message ? message : "");

    switch (ev) {
    case CONSOLE_OPENED:
        /* the terminal is raw: end lines with \r\n ourselves */
        fprintf(stderr, "%s\r\n", _("Connected to the serial console; "
                                     "Ctrl-] leaves."));
        break;
    case CONSOLE_BUSY:
        fprintf(stderr, _("virtdeck: another session holds this console; run "
                          "again with --force to take it over.\n"));
        c->rc = CLI_FAILED;
        c->done = true;
        break;
    case CONSOLE_FAILED:
        fprintf(stderr, _("virtdeck: cannot open the console: %s\n"), t);
        c->rc = CLI_FAILED;
        c->done = true;
        break;
    case CONSOLE_CLOSED:
        fprintf(stderr, "\r\nvirtdeck: %s\r\n", t);
        c->done = true;
        break;
    }
    free(t);
}

static void
con_stdin(int fd, int events, void *opaque)
{
    struct con_ctx *c = opaque;
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n <= 0) {
        /* end of input: keep showing output until the console closes or
         * a signal ends us */
        loop_remove_fd(c->stdin_watch);
        c->stdin_watch = -1;
        return;
    }
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == 0x1d) {           /* Ctrl-] */
            console_send(c->con, buf, (size_t)i);
            c->done = true;
            return;
        }
    }
    console_send(c->con, buf, (size_t)n);
}

static void
con_signal(int signo, void *opaque)
{
    ((struct con_ctx *)opaque)->done = true;
}

static int
con_finished(void *opaque)
{
    return ((struct con_ctx *)opaque)->done;
}

static int
cmd_console(struct engine *e, const struct config *cfg, const struct cli_opts *o)
{
    struct wait_ctx w = { .e = e };
    struct con_ctx c = { .rc = CLI_OK, .stdin_watch = -1 };
    struct model *m = engine_model(e);
    bool ambiguous = false;
    struct vm *vm;
    char *msg;

    /* Keys typed on a console reach the guest: no observer's business. */
    if (engine_check_write(e, o->words[2], "vm-console") < 0) {
        char *t = text_safe(err_msg());
        fprintf(stderr, "virtdeck: %s\n", t);
        free(t);
        return CLI_FAILED;
    }
    engine_start(e);
    run_until(&w, wait_settled, cfg->connect_timeout + 5);
    vm = model_vm_by_uuid(m, o->words[2]);
    if (!vm)
        vm = model_vm_by_name(m, o->words[2], &ambiguous);
    if (!vm || ambiguous) {
        char *t = text_safe(o->words[2]);
        fprintf(stderr, ambiguous ? _("virtdeck: more than one host has a VM "
                                      "named '%s': give its UUID.\n")
                                  : _("virtdeck: there is no VM named '%s' on "
                                      "any connected host.\n"), t);
        free(t);
        return CLI_FAILED;
    }
    c.con = console_open(engine_virt(e), vm->uuid, o->force, con_data,
                         con_event, &c);
    if (!c.con) {
        engine_audit(e, vm->name, "vm-console", 0, err_msg());
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        return CLI_FAILED;
    }
    msg = xasprintf(_("Serial console of VM '%s' opened."), vm->name);
    engine_audit(e, vm->name, "vm-console", -1, msg);
    free(msg);
    loop_add_signal(SIGTERM, con_signal, &c);
    loop_add_signal(SIGINT, con_signal, &c);
    loop_add_signal(SIGHUP, con_signal, &c);
    if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &c.saved) == 0) {
        struct termios raw = c.saved;
        cfmakeraw(&raw);
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0)
            c.raw = true;
    }
    c.stdin_watch = loop_add_fd(STDIN_FILENO, LOOP_READ, con_stdin, &c);
    loop_run(con_finished, &c);
    if (c.stdin_watch >= 0)
        loop_remove_fd(c.stdin_watch);
    if (c.raw)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &c.saved);
    console_close(&c.con);
    loop_remove_signal(SIGTERM, con_signal);
    loop_remove_signal(SIGINT, con_signal);
    loop_remove_signal(SIGHUP, con_signal);
    return c.rc;
}

/* ---- vm migrate ---- */

struct mig_ctx {
    struct wait_ctx *w;
    struct engine *e;
    int64_t task;
    bool cancel_sent;
    bool interrupted;
};

static void
mig_progress(void *opaque)
{
    struct mig_ctx *c = opaque;
    struct task *t = model_task_by_id(engine_model(c->e), c->task);
    char done[16], total[16], speed[16];

    if (c->interrupted && !c->cancel_sent) {
        c->cancel_sent = true;
        engine_task_cancel(c->e, c->task);
        fprintf(stderr, _("virtdeck: cancelling the migration...\n"));
    }
    if (!t || t->state != TASK_RUNNING || !t->have_progress)
        return;
    text_bytes(done, sizeof(done), (double)t->data_processed);
    text_bytes(total, sizeof(total), (double)t->data_total);
    text_bytes(speed, sizeof(speed), (double)t->mem_bps);
    fprintf(stderr, _("migrating %s: %.0f%%  %s of %s  %s/s  iteration %u  "
                      "expected downtime %llu ms\n"), t->object, t->percent,
            done, total, speed, t->iteration,
            (unsigned long long)t->downtime_ms);
}

static void
mig_signal(int signo, void *opaque)
{
    ((struct mig_ctx *)opaque)->interrupted = true;
}

/* Apply the options given on the command line over *mo (the cluster's
 * defaults).  0 or -1 (message printed). */
static int
parse_migrate_opts(const struct cli_opts *o, struct migrate_opts *mo)
{
    unsigned long long v;

    if (o->bandwidth) {
        if (parse_num("--bandwidth", o->bandwidth, 1, 1024 * 1024, &v) < 0)
            return -1;
        mo->bandwidth_mibs = (unsigned long)v;
    }
    if (o->max_downtime) {
        if (parse_num("--max-downtime", o->max_downtime, 1, 3600 * 1000, &v) < 0)
            return -1;
        mo->max_downtime_ms = v;
    }
    if (o->timeout) {
        if (parse_num("--timeout", o->timeout, 1, 86400, &v) < 0)
            return -1;
        mo->timeout_s = (unsigned)v;
    }
    if (o->timeout_action &&
        mig_timeout_action_parse(o->timeout_action, &mo->timeout_action) < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        return -1;
    }
    if (o->auto_converge || o->no_auto_converge)
        mo->auto_converge = o->auto_converge;
    if (o->postcopy || o->no_postcopy)
        mo->postcopy = o->postcopy;
    mo->copy_storage = o->copy_storage;
    if (migrate_opts_check(mo) < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        return -1;
    }
    return 0;
}

static int
cmd_migrate(struct engine *e, const struct config *cfg, const struct cli_opts *o)
{
    struct wait_ctx w = { .e = e };
    struct mig_ctx c = { .w = &w, .e = e };
    struct migrate_opts mo;
    struct model *m = engine_model(e);
    struct vm *vm;
    int timer, rc;

    memset(&mo, 0, sizeof(mo));
    if (parse_migrate_opts(o, &mo) < 0)     /* bad options: say so early */
        return CLI_USAGE;
    engine_start(e);
    run_until(&w, wait_settled, cfg->connect_timeout + 5);
    /* the cluster's defaults, then what the command line says */
    vm = model_vm_by_uuid(m, o->words[2]);
    if (!vm)
        vm = model_vm_by_name(m, o->words[2], NULL);
    if (vm) {
        struct host *h = model_host_by_id(m, vm->host_id);
        struct cluster *cl = h ? model_cluster_by_id(m, h->cluster_id) : NULL;
        if (cl)
            mo = cl->mig;
        if (parse_migrate_opts(o, &mo) < 0)
            return CLI_USAGE;
    }
    if (engine_vm_migrate(e, o->words[2], o->to, &mo, op_finished, &w,
                          &c.task) < 0) {
        char *t = text_safe(err_msg());
        fprintf(stderr, "virtdeck: %s\n", t);
        free(t);
        return CLI_FAILED;
    }
    loop_add_signal(SIGINT, mig_signal, &c);
    loop_add_signal(SIGTERM, mig_signal, &c);
    timer = loop_add_timer(1000, mig_progress, &c);
    w.timed_out = false;
    loop_run(wait_op, &w);
    loop_remove_timer(timer);
    loop_remove_signal(SIGINT, mig_signal);
    loop_remove_signal(SIGTERM, mig_signal);
    {
        char *t = text_safe(w.op_msg);
        fprintf(w.op_ok ? stdout : stderr, "%s\n", t);
        free(t);
    }
    rc = w.op_ok ? CLI_OK : CLI_FAILED;
    free(w.op_msg);
    return rc;
}

/* ---- run: the engine without a screen ---- */

struct run_ctx {
    struct engine *e;
    bool stop;
    const struct audit *last;   /* the newest entry printed */
};

static void
run_signal(int signo, void *opaque)
{
    ((struct run_ctx *)opaque)->stop = true;
}

static int
run_stopped(void *opaque)
{
    return ((struct run_ctx *)opaque)->stop;
}

/* Print the audit entries written since the last pass, once per pass. */
static void
run_flush(void *opaque)
{
    struct run_ctx *c = opaque;
    struct model *m = engine_model(c->e);
    size_t start = 0;

    for (size_t i = m->audit.len; c->last && i-- > 0;) {
        if (m->audit.items[i] == c->last) {
            start = i + 1;
            break;
        }
    }
    for (size_t i = start; i < m->audit.len; i++) {
        struct audit *a = m->audit.items[i];
        char when[32];
        struct tm tm;
        char *msg;
        localtime_r(&a->time, &tm);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
        msg = text_safe(a->message);
        printf("%s  %-6s  %s\n", when, a->result, msg);
        free(msg);
        c->last = a;
    }
    fflush(stdout);
}

static int
cmd_run(struct engine *e, const struct cli_opts *o)
{
    struct run_ctx c = { .e = e };

    if (o->nwords != 1) {
        fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"), "run");
        return CLI_USAGE;
    }
    loop_add_signal(SIGTERM, run_signal, &c);
    loop_add_signal(SIGINT, run_signal, &c);
    loop_add_before_sleep(run_flush, &c);
    engine_start(e);
    engine_sd_monitor_start(e);
    loop_run(run_stopped, &c);
    run_flush(&c);
    /* c lives on this stack frame: nothing may call back into it later */
    loop_remove_before_sleep(run_flush, &c);
    loop_remove_signal(SIGTERM, run_signal);
    loop_remove_signal(SIGINT, run_signal);
    return CLI_OK;
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
        long long unit;
        time_t now = time(NULL);

        v = strtoll(s + 1, &end, 10);
        if (end == s + 1 || v < 0)
            return -1;
        switch (*end) {
        case '\0': case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return -1;
        }
        if (*end && end[1])
            return -1;
        /* Further back than the epoch: everything (and no overflow). */
        *out = v > (long long)now / unit ? 0 : now - (time_t)(v * unit);
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

/* ---- tasks ---- */

struct tasks_ctx {
    bool json;
    bool first;
    unsigned n;
};

static void
json_or_null(struct strbuf *b, const char *s)
{
    if (s)
        sb_add_json(b, s);
    else
        sb_add(b, "null");
}

/* "TYPE\tWHAT\tWHERE": the type and the rest, for JSON. */
static void
left_json(struct strbuf *b, const char *item)
{
    const char *t1 = strchr(item, '\t');
    const char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    char *type = t1 ? xstrndup(item, (size_t)(t1 - item)) : xstrdup(item);
    char *what = t1 ? (t2 ? xstrndup(t1 + 1, (size_t)(t2 - t1 - 1))
                          : xstrdup(t1 + 1)) : xstrdup("");
    char *check = task_left_describe(item);

    sb_add(b, "{\"type\":");
    sb_add_json(b, type);
    sb_add(b, ",\"what\":");
    sb_add_json(b, what);
    sb_add(b, ",\"where\":");
    sb_add_json(b, t2 ? t2 + 1 : "");
    sb_add(b, ",\"check\":");
    sb_add_json(b, check);
    sb_add(b, "}");
    free(type);
    free(what);
    free(check);
}

static void
print_task(struct task *t, void *opaque)
{
    struct tasks_ctx *c = opaque;
    struct strbuf b = { 0 };
    const char *state = task_state_name(t->state);

    if (c->json) {
        sb_add(&b, c->first ? "[" : ",");
        sb_addf(&b, "{\"id\":%lld,\"kind\":", (long long)t->db_id);
        sb_add_json(&b, task_kind_key(t->kind));
        sb_add(&b, ",\"object\":");
        sb_add_json(&b, t->object);
        sb_add(&b, ",\"vm_uuid\":");
        if (t->vm_uuid[0])
            sb_add_json(&b, t->vm_uuid);
        else
            sb_add(&b, "null");
        sb_add(&b, ",\"src_host\":");
        json_or_null(&b, t->src_name);
        sb_add(&b, ",\"dst_host\":");
        json_or_null(&b, t->dst_name);
        sb_add(&b, ",\"state\":");
        sb_add_json(&b, state);
        sb_addf(&b, ",\"started\":%lld,\"ended\":", (long long)t->started);
        if (t->ended)
            sb_addf(&b, "%lld", (long long)t->ended);
        else
            sb_add(&b, "null");
        if (t->percent >= 0)
            sb_addf(&b, ",\"percent\":%.1f", t->percent);
        else
            sb_add(&b, ",\"percent\":null");
        sb_add(&b, ",\"message\":");
        json_or_null(&b, t->message);
        sb_addf(&b, ",\"pid\":%d,\"other_process\":%s,\"left_behind\":[",
                t->owner_pid, t->foreign ? "true" : "false");
        for (size_t i = 0; i < t->left.len; i++) {
            if (i)
                sb_add(&b, ",");
            left_json(&b, t->left.items[i]);
        }
        sb_add(&b, "],\"resolved\":");
        json_or_null(&b, t->resolved);
        sb_add(&b, "}\n");
    } else {
        char when[32], pct[16] = "-";
        struct tm tm;
        char *obj = text_safe(t->object ? t->object : "");
        char *route = xasprintf("%s -> %s", t->src_name ? t->src_name : "-",
                                t->dst_name ? t->dst_name : "-");
        char *r = text_safe(route);

        localtime_r(&t->started, &tm);
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
        if (t->percent >= 0)
            snprintf(pct, sizeof(pct), "%.0f%%", t->percent);
        sb_addf(&b, "%-5lld %s  %-10s %-20s %-11s %-24s %5s  pid %d%s\n",
                (long long)t->db_id, when, task_kind_key(t->kind), obj, state,
                r, pct, t->owner_pid,
                t->foreign ? _(" (running in another virtdeck)") : "");
        free(obj);
        free(route);
        free(r);
        if (t->message && t->state != TASK_RUNNING) {
            char *msg = text_safe(t->message);
            sb_addf(&b, "      %s\n", msg);
            free(msg);
        }
        for (size_t i = 0; t->state == TASK_INTERRUPTED &&
                           i < t->left.len; i++) {
            char *d = task_left_describe(t->left.items[i]);
            char *sd = text_safe(d);
            sb_addf(&b, _("      left behind: %s\n"), sd);
            free(d);
            free(sd);
        }
        if (t->resolved) {
            char *rs = text_safe(t->resolved);
            sb_addf(&b, _("      resolved: %s\n"), rs);
            free(rs);
        }
    }
    c->first = false;
    c->n++;
    fputs(sb_str(&b), stdout);
    sb_free(&b);
    task_free(t);
}

/* virtdeck tasks [--json]: every stored task, newest first.  Opening the
 * engine marks the tasks of dead processes interrupted (and audits them)
 * unless the database is read-only; they are listed as interrupted
 * either way. */
static int
cmd_tasks(const struct config *cfg, const struct cli_opts *o)
{
    struct tasks_ctx c = { .json = o->json, .first = true };
    struct engine *e;
    char *path;
    int rc = CLI_OK;

    if (o->nwords != 1) {
        fprintf(stderr, _("virtdeck: usage: virtdeck %s\n"), "tasks [--json]");
        return CLI_USAGE;
    }
    path = xstrdup(o->db_path ? o->db_path : cfg->database);
    if (!path)
        path = store_default_path();
    if (!path || !store_file_exists(path)) {
        if (o->json)
            puts("[]");
        free(path);
        return CLI_OK;
    }
    e = engine_open(cfg, path, ENGINE_WRITE |
                    (o->read_only ? ENGINE_READONLY : 0));
    if (!e || engine_tasks_list(e, 0, print_task, &c) < 0) {
        fprintf(stderr, "virtdeck: %s\n", err_msg());
        rc = CLI_FAILED;
    } else if (o->json) {
        puts(c.first ? "[]" : "]");
    } else if (!c.n) {
        printf("%s\n", _("No tasks."));
    }
    engine_free(&e);
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

/* A kind of the table ("vm"), whatever the verb. */
static bool
known_kind(const char *kind)
{
    for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++) {
        if (streq(commands[i].kind, kind))
            return true;
    }
    return false;
}

int
cli_main(int argc, char **argv, cli_console_fn console)
{
    struct cli_opts o;
    struct config *cfg = NULL;
    struct engine *e = NULL;
    unsigned flags = 0;
    int rc;
    bool inventory, host_check;

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
    if (o.nwords) {
        const char *verb = o.nwords > 1 ? o.words[1] : NULL;
        const struct cli_command *c = cli_command_find(o.words[0], verb);
        if (!c && !known_kind(o.words[0])) {
            fprintf(stderr, _("virtdeck: unknown command '%s'; see 'virtdeck "
                              "--help'.\n"), o.words[0]);
            return CLI_USAGE;
        }
        if (!c && !verb) {
            fprintf(stderr, _("virtdeck: '%s' needs a command after it; see "
                              "'virtdeck --help'.\n"), o.words[0]);
            return CLI_USAGE;
        }
        if (!c) {
            fprintf(stderr, _("virtdeck: unknown command '%s %s'; see "
                              "'virtdeck --help'.\n"), o.words[0], verb);
            return CLI_USAGE;
        }
        if (c->changes && o.read_only) {
            /* Refused before the database or a host is opened. */
            fprintf(stderr, _("virtdeck: read-only: '%s %s' would change "
                              "things, and --read-only only observes; run it "
                              "without --read-only.\n"), c->kind, c->verb);
            return CLI_FAILED;
        }
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
    if (o.nwords && streq(o.words[0], "tasks")) {
        rc = cmd_tasks(cfg, &o);
        goto cleanup;
    }
    inventory = o.nwords && (streq(o.words[0], "dc") ||
                             streq(o.words[0], "cluster") ||
                             streq(o.words[0], "host") ||
                             streq(o.words[0], "storage") ||
                             streq(o.words[0], "iso"));
    /* host check changes nothing: it works on the demo too */
    host_check = inventory && o.nwords > 1 && streq(o.words[0], "host") &&
                 streq(o.words[1], "check");
    if (host_check)
        inventory = false;
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
    if (host_check) {
        engine_start(e);
        rc = cli_host_check(e, cfg, &o);
    } else if (inventory && streq(o.words[0], "iso")) {
        rc = cli_storage(e, &o);
    } else if (inventory) {
        rc = cmd_inventory(e, &o);
        /* a host just added: run its preflight; failures only warn */
        if (rc == CLI_OK && streq(o.words[0], "host") &&
            streq(o.words[1], "add") && !o.no_check)
            cli_host_add_check(e, cfg, o.words[2]);
    }
    else if (o.nwords && streq(o.words[0], "vm"))
        rc = cmd_vm(e, cfg, &o);
    else if (o.nwords && streq(o.words[0], "run"))
        rc = cmd_run(e, &o);
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
