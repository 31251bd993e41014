/* test-config.c: the configuration reader (src/config.c).
 *
 * Checks the defaults, every setting, the order files override each other
 * in, and that each kind of mistake is refused with a "FILE:LINE: ..."
 * message naming the right line.  Fixtures live in tests/data/config/ (found
 * through $top_srcdir); files that vary per case are written to the test's
 * temporary directory.  The shipped data/virtdeck.conf is loaded both as it
 * is and with its examples uncommented. */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "src/conf.h"
#include "src/util/err.h"
#include "src/util/mem.h"
#include "tests/tap.h"

static const char *
srcdir(void)
{
    const char *d = getenv("top_srcdir");
    return d && *d ? d : ".";
}

/* A path inside the test's temporary directory.  Owned by the caller. */
static char *
tmp_path(const char *name)
{
    return xasprintf("%s/%s", tap_tmpdir(), name);
}

static void
mkdir_p(const char *dir)
{
    char *copy = xstrdup(dir);

    for (char *p = copy + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(copy, 0700);
            *p = '/';
        }
    }
    mkdir(copy, 0700);
    free(copy);
}

/* Write TEXT to PATH, creating the directories on the way. */
static void
write_file(const char *path, const char *text)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    FILE *fp;

    if (slash && slash != dir) {
        *slash = '\0';
        mkdir_p(dir);
    }
    fp = fopen(path, "w");
    if (!fp || fputs(text, fp) == EOF || fclose(fp) != 0) {
        perror(path);
        exit(99);
    }
    free(dir);
}

/* Write TEXT to a temporary file NAME and read it over C.  *PATH gets the
 * file's name (owned by the caller). */
static int
read_text(struct config *c, const char *name, const char *text, char **path)
{
    *path = tmp_path(name);
    write_file(*path, text);
    return config_read_path(c, *path, true);
}

/* Read TEXT into a fresh configuration, expect an error, and return the
 * message with the file name replaced by "F" (owned by the caller). */
static char *
error_of(const char *text)
{
    struct config *c = config_new();
    char *path = NULL;
    const char *msg;
    char *out;
    size_t n;
    int rc;

    err_clear();
    rc = read_text(c, "error.conf", text, &path);
    msg = err_msg();
    n = strlen(path);
    if (rc == 0)
        out = xstrdup("(no error)");
    else if (strncmp(msg, path, n) == 0)
        out = xasprintf("F%s", msg + n);
    else
        out = xstrdup(msg);
    config_free(&c);
    free(path);
    return out;
}

static void
is_error(const char *text, const char *want, const char *what)
{
    char *got = error_of(text);
    is_str(got, want, "%s", what);
    free(got);
}

/* The message for TEXT starts with WANT. */
static void
error_starts(const char *text, const char *want, const char *what)
{
    char *got = error_of(text);
    ok(strncmp(got, want, strlen(want)) == 0, "%s", what);
    if (strncmp(got, want, strlen(want)) != 0)
        tap_diag("got '%s', want it to start with '%s'", got, want);
    free(got);
}

static const struct config_binding *
find_binding(const struct config *c, const char *action)
{
    for (size_t i = 0; i < c->bindings.len; i++) {
        const struct config_binding *b = c->bindings.items[i];
        if (streq(b->action, action))
            return b;
    }
    return NULL;
}

static const struct config_color *
find_color(const struct config *c, const char *element)
{
    for (size_t i = 0; i < c->colors.len; i++) {
        const struct config_color *col = c->colors.items[i];
        if (streq(col->element, element))
            return col;
    }
    return NULL;
}

static const char *
key_of(const struct config_binding *b, size_t i)
{
    return b ? vec_get(&b->keys, i) : NULL;
}

static void
test_defaults(void)
{
    struct config *c = config_new();

    ok(c->refresh_interval == 2.0, "default refresh_interval is 2.0");
    ok(c->connect_timeout == 15.0, "default connect_timeout is 15");
    is_int(c->keepalive_interval, 5, "default keepalive_interval");
    is_int(c->keepalive_count, 3, "default keepalive_count");
    ok(c->reconnect_max == 60.0, "default reconnect_max is 60");
    ok(c->database == NULL, "default database is unset");
    ok(c->log_file == NULL, "default log_file is unset");
    ok(c->color, "colour is on by default");
    is_int((int64_t)(c->bindings.len + c->colors.len + c->files.len), 0,
           "no bindings, colours or files by default");
    config_free(&c);
    ok(c == NULL, "config_free clears the pointer");
    config_free(&c);
    config_free(NULL);
    ok(1, "config_free takes NULL");
}

static void
test_full(void)
{
    struct config *c = config_new();
    char *path = xasprintf("%s/tests/data/config/full.conf", srcdir());
    const struct config_binding *b;
    const struct config_color *col;
    int rc;

    setenv("HOME", "/home/tester", 1);
    rc = config_read_path(c, path, true);
    is_int(rc, 0, "full.conf reads%s%s", rc ? ": " : "", rc ? err_msg() : "");
    ok(c->refresh_interval == 0.5, "refresh_interval = 0.5");
    ok(c->connect_timeout == 30.0, "connect_timeout = 30 (an integer)");
    is_int(c->keepalive_interval, 10, "keepalive_interval = 10");
    is_int(c->keepalive_count, 100, "keepalive_count = 100");
    ok(c->reconnect_max == 3600.0, "reconnect_max = 3600.0");
    is_str(c->database, "/var/lib/virtdeck/inventory.db",
           "an absolute database path is kept");
    is_str(c->log_file, "/home/tester/virtdeck.log",
           "~/ in log_file becomes $HOME/");
    ok(!c->color, "color = false");
    is_int((int64_t)c->files.len, 1, "one file recorded");
    is_str(vec_get(&c->files, 0), path, "the file recorded is full.conf");

    is_int((int64_t)c->bindings.len, 3, "three key bindings");
    b = find_binding(c, "vm-start");
    ok(b != NULL, "vm_start is stored as vm-start");
    is_int(b ? (int64_t)b->keys.len : -1, 2, "vm-start has two keys");
    is_str(key_of(b, 0), "s", "vm-start first key");
    is_str(key_of(b, 1), "F5", "vm-start second key");
    is_str(b ? b->file : NULL, path, "a binding records its file");
    is_int(b ? b->line : -1, 16, "a binding records its line");
    b = find_binding(c, "quit");
    is_int(b ? (int64_t)b->keys.len : -1, 1, "quit = \"q\" is one key");
    is_str(key_of(b, 0), "q", "quit key");
    b = find_binding(c, "vm-stop");
    is_str(key_of(b, 1), "C-x", "a ( list ) of keys works too");

    is_int((int64_t)c->colors.len, 3, "three colours");
    col = find_color(c, "header");
    is_str(col ? col->fg : NULL, "white", "header foreground");
    is_str(col ? col->bg : NULL, "blue", "header background");
    is_int(col ? col->line : -1, 11, "a colour records its line");
    col = find_color(c, "state-up");
    is_str(col ? col->fg : NULL, "green", "state_up = \"green\": foreground");
    ok(col && col->bg == NULL, "state_up: no background");
    col = find_color(c, "selected");
    ok(col && streq(col->fg, "black") && col->bg == NULL,
       "a one-colour list is a foreground");

    free(path);
    config_free(&c);
}

static void
test_numbers(void)
{
    struct config *c = config_new();
    char *path = NULL;
    int rc;

    rc = read_text(c, "numbers.conf",
                   "refresh_interval = 3600;\n"
                   "keepalive_count = 4.0;\n"
                   "keepalive_interval = 600L;\n"
                   "connect_timeout = 1;\n"
                   "reconnect_max = 1.0;\n", &path);
    is_int(rc, 0, "boundary values are accepted");
    ok(c->refresh_interval == 3600.0, "an integer where seconds go");
    is_int(c->keepalive_count, 4, "4.0 is a whole number");
    is_int(c->keepalive_interval, 600, "a 64-bit integer (600L)");
    ok(c->connect_timeout == 1.0 && c->reconnect_max == 1.0,
       "lower bounds are inclusive");
    free(path);
    config_free(&c);
}

static void
test_home(void)
{
    struct config *c = config_new();
    char *path = NULL;
    int rc;

    setenv("HOME", "/home/u/", 1);
    rc = read_text(c, "home.conf", "database = \"~/db/v.db\";\n", &path);
    is_int(rc, 0, "~/ with a HOME ending in /");
    is_str(c->database, "/home/u/db/v.db", "no doubled slash after HOME");
    FREE(path);

    setenv("HOME", "/home/u", 1);
    rc = read_text(c, "home.conf", "database = \"~user/v.db\";\n", &path);
    is_str(c->database, "~user/v.db", "only ~/ is expanded");
    FREE(path);

    unsetenv("HOME");
    is_error("\nlog_file = \"~/v.log\";\n",
             "F:2: 'log_file' starts with \"~/\" but HOME is not set; "
             "expected a full file name",
             "~/ without HOME is an error");
    setenv("HOME", "/home/u", 1);
    config_free(&c);
}

static void
test_errors(void)
{
    struct config *c = config_new();
    char *path = NULL;
    char *got;
    int rc;

    error_starts("color = true;\n\nrefresh_interval = = 2;\n",
                 "F:3: syntax error; ", "a syntax error names file:line");
    error_starts("keys = {\n  quit = \"q\";\n  quit = \"x\";\n};\n",
                 "F:3: duplicate setting name; ",
                 "a repeated setting names its line");
    is_error("# comment\nrefresh_interval = \"2\";\n",
             "F:2: 'refresh_interval' must be a number of seconds, e.g. 2.0",
             "a string where seconds go");
    is_error("keepalive_count = 3;\n\n\nrefresh_interval = 0.1;\n",
             "F:4: 'refresh_interval' is 0.1; expected 0.5 to 3600 seconds",
             "refresh_interval below its range");
    is_error("reconnect_max = 3601;\n",
             "F:1: 'reconnect_max' is 3601; expected 1 to 3600 seconds",
             "reconnect_max above its range");
    is_error("\nconnect_timeout = 0;\n",
             "F:2: 'connect_timeout' is 0; expected 1 to 600 seconds",
             "connect_timeout of 0");
    is_error("keepalive_count = 101;\n",
             "F:1: 'keepalive_count' is 101; expected 1 to 100",
             "keepalive_count above its range");
    is_error("keepalive_count = 99999999999L;\n",
             "F:1: 'keepalive_count' is 99999999999; expected 1 to 100",
             "a 64-bit count is range-checked before narrowing");
    is_error("keepalive_count = 2.5;\n",
             "F:1: 'keepalive_count' is 2.5; expected a whole number "
             "from 1 to 100", "a fractional count");
    is_error("keepalive_interval = true;\n",
             "F:1: 'keepalive_interval' must be a whole number of seconds, "
             "e.g. 5", "a boolean where whole seconds go");
    is_error("keepalive_count = [ 3 ];\n",
             "F:1: 'keepalive_count' must be a whole number, e.g. 3",
             "a list where a count goes");
    is_error("color = 1;\n", "F:1: 'color' must be true or false",
             "color must be a boolean");
    is_error("\n\ndatabase = 5;\n",
             "F:3: 'database' must be a file name in double quotes, e.g. "
             "\"~/.local/share/virtdeck/virtdeck.db\"",
             "database must be a string");
    is_error("log_file = \"\";\n",
             "F:1: 'log_file' is empty; expected a file name such as "
             "\"~/.cache/virtdeck/virtdeck.log\"", "an empty file name");
    error_starts("color = true;\n\nrefresh_intervall = 2.0;\n",
                 "F:3: unknown setting 'refresh_intervall'; known settings "
                 "are: refresh_interval, connect_timeout, keepalive_interval,"
                 " keepalive_count, reconnect_max, ha_grace, storage_interval, database, log_file, color,"
                 " colors, keys", "a misspelt setting is refused");
    is_error("colors = {\n  header = \"white\";\n};\nkeys = {};\n"
             "quit = \"q\";\n",
             "F:5: unknown setting 'quit'; known settings are: "
             "refresh_interval, connect_timeout, keepalive_interval, "
             "keepalive_count, reconnect_max, ha_grace, storage_interval, database, log_file, color, "
             "colors, keys", "a binding outside keys = { } is refused");

    /* A file with an error changes nothing, even what came before it. */
    err_clear();
    rc = read_text(c, "partial.conf",
                   "refresh_interval = 9.0;\nkeys = { quit = \"x\"; };\n"
                   "colors = { header = \"red\"; };\n"
                   "database = \"/a.db\";\nkeepalive_count = 0;\n", &path);
    is_int(rc, -1, "a file with a bad last line fails");
    ok(c->refresh_interval == 2.0 && c->database == NULL &&
       c->bindings.len == 0 && c->colors.len == 0,
       "none of the failed file's settings were applied");
    is_int((int64_t)c->files.len, 0, "the failed file is not recorded");
    FREE(path);

    /* A missing file, a directory, a FIFO-free device. */
    path = tmp_path("no-such.conf");
    err_clear();
    rc = config_read_path(c, path, false);
    ok(rc == 0 && c->files.len == 0 && !*err_msg(),
       "a missing optional file is skipped quietly");
    rc = config_read_path(c, path, true);
    is_int(rc, -1, "a missing -c file is an error");
    got = xasprintf("cannot read configuration file '%s': "
                    "No such file or directory", path);
    is_str(err_msg(), got, "the message names the missing file");
    FREE(got);
    FREE(path);

    path = tmp_path("confdir");
    mkdir_p(path);
    rc = config_read_path(c, path, true);
    is_int(rc, -1, "a directory is refused");
    got = xasprintf("cannot read configuration file '%s': Is a directory",
                    path);
    is_str(err_msg(), got, "the message says it is a directory");
    FREE(got);
    rc = config_read_path(c, path, false);
    is_int(rc, -1, "a directory is refused even where a file is optional");
    FREE(path);

    rc = config_read_path(c, "/dev/null/virtdeck.conf", false);
    is_int(rc, 0, "a path through a non-directory counts as missing");
    rc = config_read_path(c, "/dev/zero", true);
    is_int(rc, -1, "a device is refused (it would be read forever)");

    if (geteuid() != 0) {
        rc = read_text(c, "secret.conf", "color = true;\n", &path);
        chmod(path, 0);
        rc = config_read_path(c, path, false);
        got = xasprintf("cannot read configuration file '%s': "
                        "Permission denied", path);
        ok(rc == -1 && streq(err_msg(), got),
           "an unreadable file is an error, optional or not");
        FREE(got);
        FREE(path);
    } else {
        ok(1, "# SKIP an unreadable file: running as root");
    }
    config_free(&c);
}

static void
test_keys(void)
{
    struct config *c = config_new();
    const struct config_binding *b;
    char *path = NULL;
    char *got;
    int rc;

    rc = read_text(c, "keys.conf",
                   "keys = {\n"
                   "    vm_start = \"s\";\n"
                   "    vm-start = [ \"x\", \"F5\" ];\n"
                   "    help = [ \"?\" ];\n"
                   "};\n", &path);
    is_int(rc, 0, "keys as a string and as lists");
    is_int((int64_t)c->bindings.len, 2,
           "vm_start and vm-start are one action");
    b = find_binding(c, "vm-start");
    ok(b && b->keys.len == 2 && streq(key_of(b, 0), "x"),
       "within a file the later binding wins");
    is_int(b ? b->line : -1, 3, "and records its own line");
    FREE(path);

    is_error("keys = {\n  quit = 3;\n};\n",
             "F:2: 'keys.quit' must be a key name or a list of key names, "
             "e.g. \"q\" or [ \"s\", \"F5\" ]", "a number as a key");
    is_error("keys = {\n  quit = { key = \"q\"; };\n};\n",
             "F:2: 'keys.quit' must be a key name or a list of key names, "
             "e.g. \"q\" or [ \"s\", \"F5\" ]", "a group as a key");
    is_error("keys = {\n\n  quit = [];\n};\n",
             "F:3: 'keys.quit' is an empty list; expected a key name or a "
             "list of key names, e.g. [ \"s\", \"F5\" ]", "no keys at all");
    is_error("keys = {\n  quit = ( \"q\",\n  7 );\n};\n",
             "F:3: 'keys.quit' must list key names in double quotes, e.g. "
             "[ \"s\", \"F5\" ]", "a number inside a list of keys");
    is_error("keys = {\n  quit = \"\";\n};\n",
             "F:2: 'keys.quit' is empty; expected a key name such as "
             "\"q\", \"F5\" or \"C-x\"", "an empty key name");
    is_error("keys = \"q\";\n",
             "F:1: 'keys' must be a group of key bindings, e.g. keys = { "
             "quit = \"q\"; };", "keys must be a group");

    /* libconfig turns "\x1b" into the byte itself: a key name that would
     * clear the screen when shown. */
    got = error_of("keys = {\n  quit = [ \"q\",\n \"\\x1b[2J\" ];\n};\n");
    is_str(got, "F:3: 'keys.quit' is \"\\x1b[2J\", which contains a control "
           "character; expected a key name such as \"q\", \"F5\" or \"C-x\"",
           "a control character in a key name is refused");
    ok(strchr(got, 0x1b) == NULL, "and the message does not echo it raw");
    FREE(got);
    is_error("keys = {\n  quit = \"q\\n\";\n};\n",
             "F:2: 'keys.quit' is \"q\\x0a\", which contains a control "
             "character; expected a key name such as \"q\", \"F5\" or "
             "\"C-x\"", "a newline in a key name is refused");
    is_error("keys = {\n  quit = \"q\x7f\";\n};\n",
             "F:2: 'keys.quit' is \"q\\x7f\", which contains a control "
             "character; expected a key name such as \"q\", \"F5\" or "
             "\"C-x\"", "DEL in a key name is refused");
    is_error("database = \"/tmp/a\\tb.db\";\n",
             "F:1: 'database' is \"/tmp/a\\x09b.db\", which contains a "
             "control character; expected a file name such as "
             "\"~/.local/share/virtdeck/virtdeck.db\"",
             "a control character in a file name is refused");
    config_free(&c);
}

static void
test_colors(void)
{
    is_error("colors = {\n  header = [ \"white\", \"blue\", \"red\" ];\n};\n",
             "F:2: 'colors.header' has 3 colours; expected a foreground and "
             "at most a background, e.g. [ \"white\", \"blue\" ]",
             "three colours are too many");
    is_error("colors = {\n  header = [];\n};\n",
             "F:2: 'colors.header' has 0 colours; expected a foreground and "
             "at most a background, e.g. [ \"white\", \"blue\" ]",
             "an empty colour list");
    is_error("colors = {\n  header = true;\n};\n",
             "F:2: 'colors.header' must be a colour name or a list of "
             "foreground and background, e.g. [ \"white\", \"blue\" ]",
             "a boolean as a colour");
    is_error("colors = {\n  header = ( \"white\", 4 );\n};\n",
             "F:2: 'colors.header' must list colour names in double quotes, "
             "e.g. [ \"white\", \"blue\" ]", "a number inside a colour list");
    is_error("colors = {\n  header = [ \"white\", \"\" ];\n};\n",
             "F:2: 'colors.header' is empty; expected a colour name such as "
             "\"white\" or \"blue\"", "an empty colour name");
    is_error("\ncolors = [ \"white\" ];\n",
             "F:2: 'colors' must be a group of colours, e.g. colors = { "
             "header = [ \"white\", \"blue\" ]; };", "colors must be a group");
}

static void
test_include(void)
{
    struct config *c = config_new();
    char *path = xasprintf("%s/tests/data/config/with-include.conf",
                           srcdir());
    char *want;
    const struct config_color *col;
    int rc;

    rc = config_read_path(c, path, true);
    is_int(rc, 0, "@include is found next to the including file%s%s",
           rc ? ": " : "", rc ? err_msg() : "");
    col = find_color(c, "header");
    is_str(col ? col->fg : NULL, "yellow", "the included setting applies");
    ok(c->refresh_interval == 7.5 && c->keepalive_count == 9,
       "settings around the @include apply");
    want = xasprintf("%s/tests/data/config/include/colors.conf", srcdir());
    is_str(col ? col->file : NULL, want,
           "an included colour records the included file");
    is_int(col ? col->line : -1, 3, "and its line there");
    FREE(want);
    FREE(path);

    path = xasprintf("%s/tests/data/config/bad-include.conf", srcdir());
    rc = config_read_path(c, path, true);
    want = xasprintf("%s/tests/data/config/include/bad.conf:3: "
                     "'color' must be true or false", srcdir());
    is_int(rc, -1, "a bad setting in an included file fails");
    is_str(err_msg(), want, "the message names the included file and line");
    FREE(want);
    FREE(path);

    /* libconfig's own errors in an included file name that file too. */
    path = tmp_path("inc/child.conf");
    write_file(path, "# child\ncolor = = true;\n");
    want = xasprintf("%s:2: syntax error; ", path);
    FREE(path);
    path = tmp_path("parent.conf");
    write_file(path, "refresh_interval = 1.0;\n@include \"inc/child.conf\"\n");
    rc = config_read_path(c, path, true);
    ok(rc == -1 && strncmp(err_msg(), want, strlen(want)) == 0,
       "a syntax error in an included file names it and its line");
    if (strncmp(err_msg(), want, strlen(want)) != 0)
        tap_diag("got '%s'", err_msg());
    FREE(want);
    FREE(path);

    /* Found by fuzz_conf: libconfig reads an included directory until its
     * scanner calls exit(), and a device forever.  Both are refused first,
     * naming the line, and the configuration stays as it was. */
    c->refresh_interval = 3.0;
    error_starts("color = true;\n@include \"/dev/zero\"\n",
                 "F:2: @include names '/dev/zero', which is not a regular "
                 "file", "an @include of a device is refused");
    error_starts("@include \"\"\n", "F:1: @include needs a file name",
                 "an empty @include is refused");
    error_starts("@include \".\"\n", "F:1: @include names '.', which is "
                 "not a regular file", "an @include of a directory is refused");
    path = tmp_path("inc/nested.conf");
    write_file(path, "# nested\n\n@include \"/dev/zero\"\n");
    want = xasprintf("%s:3: @include names '/dev/zero'", path);
    FREE(path);
    path = tmp_path("outer.conf");
    write_file(path, "@include \"inc/nested.conf\"\n");
    rc = config_read_path(c, path, true);
    ok(rc == -1 && strncmp(err_msg(), want, strlen(want)) == 0,
       "a device included by an included file is refused, naming it");
    if (strncmp(err_msg(), want, strlen(want)) != 0)
        tap_diag("got '%s'", err_msg());
    ok(c->refresh_interval == 3.0, "and nothing was applied");
    FREE(want);
    FREE(path);

    /* Found by fuzz_conf (a timeout): a file that includes itself a few
     * times made libconfig read 10 levels of a few files each. */
    path = tmp_path("loop.conf");
    write_file(path, "color = true;\n@include \"loop.conf\"\n"
                     "@include \"loop.conf\"\n@include \"loop.conf\"\n");
    want = xasprintf("%s:2: @include 'loop.conf' includes a file that is "
                     "already being read (a loop)", path);
    rc = config_read_path(c, path, true);
    ok(rc == -1 && strncmp(err_msg(), want, strlen(want)) == 0,
       "a file that includes itself is refused, naming the line");
    if (strncmp(err_msg(), want, strlen(want)) != 0)
        tap_diag("got '%s'", err_msg());
    ok(c->refresh_interval == 3.0, "and nothing was applied");
    FREE(want);
    FREE(path);
    {
        /* ten files that each include the next twice */
        for (int i = 0; i < 10; i++) {
            char *name = xasprintf("fan%d.conf", i);
            char *f = tmp_path(name);
            char *body = i < 9 ? xasprintf("@include \"fan%d.conf\"\n"
                                           "@include \"fan%d.conf\"\n",
                                           i + 1, i + 1)
                               : xstrdup("color = true;\n");
            write_file(f, body);
            free(body);
            free(f);
            free(name);
        }
        path = tmp_path("fan0.conf");
        rc = config_read_path(c, path, true);
        ok(rc == -1 && strstr(err_msg(), "more than 32 files are included"),
           "includes that fan out past 32 files are refused");
        if (!strstr(err_msg(), "more than 32 files"))
            tap_diag("got '%s'", err_msg());
        FREE(path);
    }
    config_free(&c);
}

static void
test_load(void)
{
    struct config *c = config_new();
    char *sys = tmp_path("sys");
    char *xdg = tmp_path("xdg");
    char *home = tmp_path("home");
    char *sys_file = tmp_path("sys/virtdeck.conf");
    char *user_file = tmp_path("xdg/virtdeck/virtdeck.conf");
    char *home_file = tmp_path("home/.config/virtdeck/virtdeck.conf");
    char *extra = tmp_path("extra.conf");
    char *missing = tmp_path("missing.conf");
    const struct config_binding *b;
    const struct config_color *col;
    char *want;
    int rc;

    write_file(sys_file,
               "refresh_interval = 3.0;\n"
               "keepalive_count = 7;\n"
               "database = \"/sys.db\";\n"
               "keys = {\n  quit = \"q\";\n  help = \"?\";\n};\n"
               "colors = {\n  header = [ \"white\", \"blue\" ];\n};\n");
    write_file(user_file,
               "refresh_interval = 4.0;\n"
               "color = false;\n"
               "keys = {\n  quit = [ \"x\", \"C-q\" ];\n};\n");
    write_file(home_file, "connect_timeout = 99;\n");
    write_file(extra,
               "refresh_interval = 5.0;\n"
               "colors = {\n  header = \"red\";\n};\n");

    setenv("VIRTDECK_SYSCONFDIR", sys, 1);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    setenv("HOME", home, 1);
    rc = config_load(c, extra);
    is_int(rc, 0, "system, user and -c files load%s%s", rc ? ": " : "",
           rc ? err_msg() : "");
    is_int((int64_t)c->files.len, 3, "three files were read");
    is_str(vec_get(&c->files, 0), sys_file, "first the system file");
    is_str(vec_get(&c->files, 1), user_file, "then the XDG user file");
    is_str(vec_get(&c->files, 2), extra, "then the -c file");
    ok(c->refresh_interval == 5.0, "the -c file has the last word");
    is_int(c->keepalive_count, 7, "a setting only the system file has");
    is_str(c->database, "/sys.db", "a system path survives the user file");
    ok(!c->color, "the user file overrides color");
    ok(c->connect_timeout == 15.0, "~/.config is not read when "
       "XDG_CONFIG_HOME is set");
    is_int((int64_t)c->bindings.len, 2, "quit and help, once each");
    b = find_binding(c, "quit");
    ok(b && b->keys.len == 2 && streq(key_of(b, 0), "x") &&
       streq(key_of(b, 1), "C-q"),
       "the user's quit binding replaces the system's");
    is_str(b ? b->file : NULL, user_file, "and says where it came from");
    b = find_binding(c, "help");
    is_str(key_of(b, 0), "?", "a binding only the system file has stays");
    col = find_color(c, "header");
    ok(col && streq(col->fg, "red") && col->bg == NULL &&
       c->colors.len == 1, "the -c colour replaces the whole system one");
    config_free(&c);

    /* Without XDG_CONFIG_HOME (or with a relative one): ~/.config. */
    c = config_new();
    setenv("XDG_CONFIG_HOME", "relative/dir", 1);
    rc = config_load(c, NULL);
    ok(rc == 0 && c->files.len == 2 && streq(vec_get(&c->files, 1),
       home_file), "a relative XDG_CONFIG_HOME is ignored");
    config_free(&c);
    c = config_new();
    unsetenv("XDG_CONFIG_HOME");
    rc = config_load(c, NULL);
    ok(rc == 0 && c->connect_timeout == 99.0,
       "$HOME/.config/virtdeck/virtdeck.conf without XDG_CONFIG_HOME");
    config_free(&c);

    /* A missing -c file fails; missing system and user files do not. */
    c = config_new();
    setenv("VIRTDECK_SYSCONFDIR", missing, 1);
    setenv("XDG_CONFIG_HOME", missing, 1);
    rc = config_load(c, NULL);
    ok(rc == 0 && c->files.len == 0, "no files at all is fine");
    rc = config_load(c, missing);
    want = xasprintf("cannot read configuration file '%s': "
                     "No such file or directory", missing);
    ok(rc == -1 && streq(err_msg(), want), "a missing -c file is an error");
    FREE(want);
    config_free(&c);

    /* The first bad file stops the load. */
    c = config_new();
    write_file(sys_file, "refresh_interval = 0;\n");
    setenv("VIRTDECK_SYSCONFDIR", sys, 1);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    rc = config_load(c, extra);
    want = xasprintf("%s:1: 'refresh_interval' is 0; "
                     "expected 0.5 to 3600 seconds", sys_file);
    is_int(rc, -1, "a bad system file fails the load");
    is_str(err_msg(), want, "naming the system file");
    ok(c->files.len == 0 && c->color, "and nothing after it was read");
    FREE(want);
    config_free(&c);

    unsetenv("VIRTDECK_SYSCONFDIR");
    unsetenv("XDG_CONFIG_HOME");
    free(sys);
    free(xdg);
    free(home);
    free(sys_file);
    free(user_file);
    free(home_file);
    free(extra);
    free(missing);
}

/* The shipped file with its commented examples turned into settings:
 * lines "#name = ..." and the "#    ..." lines of the blocks lose their
 * '#'; prose ("# ...") stays a comment.  Owned by the caller. */
static char *
uncomment(const char *path)
{
    char line[1024];
    char *out = xstrdup("");
    FILE *fp = fopen(path, "r");

    if (!fp)
        return out;
    while (fgets(line, sizeof(line), fp)) {
        const char *keep = line;
        char *joined;
        if (line[0] == '#' && line[1] != ' ' && line[1] != '\n' &&
            line[1] != '\0')
            keep = line + 1;
        else if (strncmp(line, "#    ", 5) == 0)
            keep = line + 1;
        joined = xasprintf("%s%s", out, keep);
        free(out);
        out = joined;
    }
    fclose(fp);
    return out;
}

static void
test_shipped(void)
{
    const char *env = getenv("VIRTDECK_DATADIR");
    char *data = env && *env ? xstrdup(env)
                             : xasprintf("%s/data", srcdir());
    char *path = xasprintf("%s/virtdeck.conf", data);
    struct config *c = config_new();
    char *text, *copy = NULL;
    int rc;

    rc = config_read_path(c, path, true);
    is_int(rc, 0, "data/virtdeck.conf loads%s%s", rc ? ": " : "",
           rc ? err_msg() : "");
    ok(c->refresh_interval == 2.0 && c->keepalive_count == 3 &&
       c->database == NULL && c->bindings.len == 0,
       "and, all commented out, changes nothing");
    config_free(&c);

    c = config_new();
    setenv("HOME", "/home/u", 1);
    text = uncomment(path);
    rc = read_text(c, "shipped-uncommented.conf", text, &copy);
    is_int(rc, 0, "its examples, uncommented, load too%s%s",
           rc ? ": " : "", rc ? err_msg() : "");
    ok(c->refresh_interval == 2.0 && c->connect_timeout == 15.0 &&
       c->keepalive_interval == 5 && c->keepalive_count == 3 &&
       c->reconnect_max == 60.0 && c->color,
       "the values it shows are the defaults");
    is_str(c->database, "/home/u/.local/share/virtdeck/virtdeck.db",
           "its database example");
    is_str(c->log_file, "/home/u/.cache/virtdeck/virtdeck.log",
           "its log_file example");
    ok(c->bindings.len > 0 && c->colors.len > 0,
       "its keys and colors examples are real settings");
    free(text);
    free(copy);
    free(path);
    free(data);
    config_free(&c);
}

int
main(void)
{
    test_defaults();
    test_full();
    test_numbers();
    test_home();
    test_errors();
    test_keys();
    test_colors();
    test_include();
    test_load();
    test_shipped();
    return tap_done();
}
