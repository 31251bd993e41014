/* cli.h: command-line parsing and the scripting commands.
 *
 *   virtdeck [options]                      the console
 *   virtdeck [options] --dump [--json]      the inventory tree with stats
 *   virtdeck [options] dc|cluster|host add|remove ...
 *   virtdeck [options] vm OPERATION NAME
 *   virtdeck [options] vm create|edit|delete NAME [...]
 *   virtdeck [options] events [--since WHEN] [--json]
 *
 * Exit codes: 0 done, 1 the operation failed, 2 usage or configuration
 * error (nothing was changed). */
#ifndef VD_CLI_H
#define VD_CLI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

struct engine;
struct config;

struct cli_opts {
    bool demo, dump, json, verbose, help, version, read_only;
    const char *config_file;
    const char *db_path;
    const char *dc, *cluster, *description, *since;
    /* vm create / edit / delete */
    const char *host, *vcpus, *memory, *disk_size, *disk_format, *pool;
    const char *disk_volume, *storage_domain, *network, *bridge, *boot, *iso, *kernel;
    const char *initrd, *cmdline, *graphics, *listen, *password_file;
    bool start, ha, no_ha, delete_disks, force;
    /* vm migrate */
    const char *to, *bandwidth, *max_downtime, *timeout, *timeout_action;
    bool auto_converge, postcopy, copy_storage;
    bool no_auto_converge, no_postcopy;
    /* storage */
    const char *role, *nfs, *iscsi, *target, *lun, *chap_user;
    const char *chap_secret_file, *domain;
    bool no_check;          /* host add: skip the preflight */
    int nwords;
    char **words;           /* the command words, borrowed from argv */
};

/* The interactive console, provided by the front end.  Returns an exit
 * code. */
typedef int (*cli_console_fn)(struct engine *e, const struct config *cfg,
                              const struct cli_opts *o);

/* One command of the command line: "KIND VERB" ("vm start"), or KIND
 * alone when verb is NULL ("events").  The table is the only way in:
 * cli_main runs no command it does not list, and with --read-only it
 * refuses, before anything is opened, every command that changes
 * something. */
struct cli_command {
    const char *kind;
    const char *verb;
    bool changes;           /* refused with --read-only */
};

/* The table; *n gets its length. */
const struct cli_command *cli_commands(size_t *n);
/* The command for words (kind, verb: may be NULL), or NULL. */
const struct cli_command *cli_command_find(const char *kind,
                                           const char *verb);

/* Parse argv into o.  Returns CLI_OK or CLI_USAGE (message on stderr). */
int cli_parse(int argc, char **argv, struct cli_opts *o);
void cli_usage(FILE *out);
/* Everything after setlocale(): configuration, engine, the command or the
 * console.  Returns the exit code. */
int cli_main(int argc, char **argv, cli_console_fn console);
/* storage add|discover|luns, iso upload|list (cli_storage.c). */
int cli_storage(struct engine *e, const struct cli_opts *o);
/* host check NAME [--json] (cli_preflight.c). */
int cli_host_check(struct engine *e, const struct config *cfg,
                   const struct cli_opts *o);
/* The preflight of a host just added, printed; failures are warnings. */
void cli_host_add_check(struct engine *e, const struct config *cfg,
                        const char *name);

#endif
