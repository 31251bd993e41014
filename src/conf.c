/* config.c: reads virtdeck's configuration files (see config.h).
 *
 * libconfig parses the text; this module checks every setting against a
 * table of known names, types and ranges and reports the first problem as
 * "FILE:LINE: what is wrong; what was expected".  A file is checked in full
 * before any of it is applied, so a file with an error leaves the
 * configuration as it was.  Key and colour names are kept as text: only
 * the front end knows which ones exist.  Action and element names are
 * stored with '-' for '_', so "vm_start" and "vm-start" are one action.
 * This module never prints and never opens the database. */
#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* This module reads the file itself (so a directory or a device is
 * refused before libconfig sees it) and hands libconfig the text. */
#include <libconfig.h>

#include "conf.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/mem.h"
#include "util/strbuf.h"
#include "util/text.h"

#ifndef SYSCONFDIR
# define SYSCONFDIR "/etc"
#endif

#define CONFIG_BASENAME "virtdeck.conf"

enum opt_kind {
    OPT_SECONDS,        /* double, seconds */
    OPT_WHOLE_SECONDS,  /* int, seconds */
    OPT_COUNT,          /* int, no unit */
    OPT_PATH,           /* file name, "~/" expanded */
    OPT_BOOL,
    OPT_KEYS,           /* group: action = "key" or [ "key", ... ] */
    OPT_COLORS          /* group: element = "fg" or [ "fg", "bg" ] */
};

struct opt {
    const char *name;
    enum opt_kind kind;
    size_t offset;      /* of the field in struct config */
    double lo, hi;      /* accepted range, numbers only */
    const char *example;
};

/* Every known setting, in the order the "known settings" message lists
 * them (the order of data/virtdeck.conf). */
static const struct opt opts[] = {
    { "refresh_interval", OPT_SECONDS,
      offsetof(struct config, refresh_interval), 0.5, 3600, "2.0" },
    { "connect_timeout", OPT_SECONDS,
      offsetof(struct config, connect_timeout), 1, 600, "15.0" },
    { "keepalive_interval", OPT_WHOLE_SECONDS,
      offsetof(struct config, keepalive_interval), 1, 600, "5" },
    { "keepalive_count", OPT_COUNT,
      offsetof(struct config, keepalive_count), 1, 100, "3" },
    { "reconnect_max", OPT_SECONDS,
      offsetof(struct config, reconnect_max), 1, 3600, "60.0" },
    { "ha_grace", OPT_SECONDS,
      offsetof(struct config, ha_grace), 1, 3600, "30.0" },
    { "storage_interval", OPT_SECONDS,
      offsetof(struct config, storage_interval), 1, 3600, "30.0" },
    { "database", OPT_PATH, offsetof(struct config, database), 0, 0,
      "\"~/.local/share/virtdeck/virtdeck.db\"" },
    { "log_file", OPT_PATH, offsetof(struct config, log_file), 0, 0,
      "\"~/.cache/virtdeck/virtdeck.log\"" },
    { "color", OPT_BOOL, offsetof(struct config, color), 0, 0, "true" },
    { "colors", OPT_COLORS, 0, 0, 0,
      "colors = { header = [ \"white\", \"blue\" ]; };" },
    { "keys", OPT_KEYS, 0, 0, 0, "keys = { quit = \"q\"; };" },
};

/* What one config_read_path() call is working on. */
struct reader {
    const char *path;       /* the file being read, as given */
    const char *dir;        /* its directory, where @include looks */
    struct config *stage;   /* this file's settings over the old ones */
};

static void
binding_free(void *p)
{
    struct config_binding *b = p;

    if (!b)
        return;
    free(b->action);
    vec_clear(&b->keys, free);
    free(b->file);
    free(b);
}

static void
color_free(void *p)
{
    struct config_color *col = p;

    if (!col)
        return;
    free(col->element);
    free(col->fg);
    free(col->bg);
    free(col->file);
    free(col);
}

/* A configuration holding the defaults.  Owned by the caller: release it
 * with config_free(). */
struct config *
config_new(void)
{
    struct config *c = xcalloc(1, sizeof(*c));

    c->refresh_interval = 2.0;
    c->connect_timeout = 15.0;
    c->keepalive_interval = 5;
    c->keepalive_count = 3;
    c->reconnect_max = 60.0;
    c->ha_grace = 30.0;
    c->storage_interval = 30.0;
    c->color = true;
    return c;
}

/* Free *c with everything it holds and set *c to NULL.  c and *c may be
 * NULL. */
void
config_free(struct config **c)
{
    if (!c || !*c)
        return;
    free((*c)->database);
    free((*c)->log_file);
    vec_clear(&(*c)->bindings, binding_free);
    vec_clear(&(*c)->colors, color_free);
    vec_clear(&(*c)->files, free);
    FREE(*c);
}

/* The name of a file libconfig read: F is NULL for the file being read
 * (libconfig names no file for a stream), or a file it pulled in with
 * @include, named as written, relative to the include directory.  Owned
 * by the caller. */
static char *
source_path(const struct reader *r, const char *f)
{
    if (!f)
        return xstrdup(r->path);
    if (f[0] == '/' || streq(r->dir, "."))
        return xstrdup(f);
    return xasprintf("%s/%s", r->dir, f);
}

/* The file setting S comes from.  Owned by the caller. */
static char *
setting_file(const struct reader *r, const config_setting_t *s)
{
    return source_path(r, config_setting_source_file((config_setting_t *)s));
}

static int
setting_line(const config_setting_t *s)
{
    /* Elements of a list may carry no line of their own; their parent
     * does. */
    while (s && config_setting_source_line(s) == 0)
        s = config_setting_parent(s);
    return s ? (int)config_setting_source_line(s) : 0;
}

/* Report a problem with setting S as "FILE:LINE: " and the message. */
static void
bad(const struct reader *r, const config_setting_t *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
bad(const struct reader *r, const config_setting_t *s, const char *fmt, ...)
{
    va_list ap;
    char *file = setting_file(r, s);
    char *msg;

    va_start(ap, fmt);
    msg = xvasprintf(fmt, ap);
    va_end(ap);
    err_set("%s:%d: %s", file, setting_line(s), msg);
    free(msg);
    free(file);
}

static bool
has_control(const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch == 0x7f)
            return true;
    }
    return false;
}

/* Check a string value: not empty, no control characters.  WHAT names the
 * setting as written ("keys.quit"), EXPECTED says what belongs there. */
static int
check_text(const struct reader *r, const config_setting_t *s,
           const char *what, const char *value, const char *expected)
{
    char *shown = NULL;
    int ret = -1;

    if (!*value) {
        bad(r, s, _("'%s' is empty; expected %s"), what, expected);
        goto cleanup;
    }
    if (has_control(value)) {
        /* Never echo the raw bytes: they may be terminal escapes. */
        shown = text_safe(value);
        bad(r, s, _("'%s' is \"%s\", which contains a control character; "
                    "expected %s"), what, shown, expected);
        goto cleanup;
    }
    ret = 0;

cleanup:
    free(shown);
    return ret;
}

/* An action or element name as the front end looks it up. */
static char *
name_normalize(const char *name)
{
    char *n = xstrdup(name);

    for (char *p = n; *p; p++) {
        if (*p == '_')
            *p = '-';
    }
    return n;
}

static int
read_number(const struct reader *r, const config_setting_t *s,
            const struct opt *o)
{
    const char *name = o->name;
    char shown[64];
    double v;
    int ret = -1;

    switch (config_setting_type(s)) {
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64: {
        long long n = config_setting_get_int64(s);
        v = (double)n;
        snprintf(shown, sizeof(shown), "%lld", n);
        break;
    }
    case CONFIG_TYPE_FLOAT:
        v = config_setting_get_float(s);
        snprintf(shown, sizeof(shown), "%g", v);
        break;
    default:
        if (o->kind == OPT_SECONDS)
            bad(r, s, _("'%s' must be a number of seconds, e.g. %s"),
                name, o->example);
        else if (o->kind == OPT_WHOLE_SECONDS)
            bad(r, s, _("'%s' must be a whole number of seconds, e.g. %s"),
                name, o->example);
        else
            bad(r, s, _("'%s' must be a whole number, e.g. %s"),
                name, o->example);
        goto cleanup;
    }

    /* Written so that NaN fails too. */
    if (!(v >= o->lo && v <= o->hi)) {
        if (o->kind == OPT_COUNT)
            bad(r, s, _("'%s' is %s; expected %g to %g"),
                name, shown, o->lo, o->hi);
        else
            bad(r, s, _("'%s' is %s; expected %g to %g seconds"),
                name, shown, o->lo, o->hi);
        goto cleanup;
    }

    if (o->kind == OPT_SECONDS) {
        *(double *)((char *)r->stage + o->offset) = v;
    } else {
        if (v != (double)(int)v) {
            if (o->kind == OPT_COUNT)
                bad(r, s, _("'%s' is %s; expected a whole number "
                            "from %g to %g"), name, shown, o->lo, o->hi);
            else
                bad(r, s, _("'%s' is %s; expected a whole number of "
                            "seconds from %g to %g"),
                    name, shown, o->lo, o->hi);
            goto cleanup;
        }
        *(int *)((char *)r->stage + o->offset) = (int)v;
    }
    ret = 0;

cleanup:
    return ret;
}

static int
read_path(const struct reader *r, const config_setting_t *s,
          const struct opt *o)
{
    char **field = (char **)((char *)r->stage + o->offset);
    char *expected = NULL;
    const char *value, *home;
    int ret = -1;

    if (config_setting_type(s) != CONFIG_TYPE_STRING) {
        bad(r, s, _("'%s' must be a file name in double quotes, e.g. %s"),
            o->name, o->example);
        goto cleanup;
    }
    value = config_setting_get_string(s);
    expected = xasprintf(_("a file name such as %s"), o->example);
    if (check_text(r, s, o->name, value, expected) < 0)
        goto cleanup;

    if (strncmp(value, "~/", 2) == 0) {
        home = getenv("HOME");
        if (!home || !*home) {
            bad(r, s, _("'%s' starts with \"~/\" but HOME is not set; "
                        "expected a full file name"), o->name);
            goto cleanup;
        }
        free(*field);
        *field = xasprintf("%s%s%s", home,
                           home[strlen(home) - 1] == '/' ? "" : "/",
                           value + 2);
    } else {
        free(*field);
        *field = xstrdup(value);
    }
    ret = 0;

cleanup:
    free(expected);
    return ret;
}

static int
read_bool(const struct reader *r, const config_setting_t *s,
          const struct opt *o)
{
    if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
        bad(r, s, _("'%s' must be true or false"), o->name);
        return -1;
    }
    *(bool *)((char *)r->stage + o->offset) = config_setting_get_bool(s);
    return 0;
}

/* Put B in V (struct config_binding *), replacing a binding for the same
 * action.  Takes B. */
static void
bindings_put(struct vec *v, struct config_binding *b)
{
    for (size_t i = 0; i < v->len; i++) {
        struct config_binding *old = v->items[i];
        if (streq(old->action, b->action)) {
            binding_free(old);
            v->items[i] = b;
            return;
        }
    }
    vec_push(v, b);
}

/* As bindings_put(), for colours. */
static void
colors_put(struct vec *v, struct config_color *col)
{
    for (size_t i = 0; i < v->len; i++) {
        struct config_color *old = v->items[i];
        if (streq(old->element, col->element)) {
            color_free(old);
            v->items[i] = col;
            return;
        }
    }
    vec_push(v, col);
}

static bool
is_sequence(const config_setting_t *s)
{
    int t = config_setting_type(s);
    return t == CONFIG_TYPE_ARRAY || t == CONFIG_TYPE_LIST;
}

/* One entry of keys = { ... }: "key" or [ "key", "key", ... ]. */
static int
read_binding(const struct reader *r, const config_setting_t *m)
{
    const char *action = config_setting_name(m);
    const char *expected = _("a key name such as \"q\", \"F5\" or \"C-x\"");
    struct config_binding *b = NULL;
    char *what = xasprintf("keys.%s", action);
    int ret = -1;

    b = xcalloc(1, sizeof(*b));
    b->action = name_normalize(action);
    b->file = setting_file(r, m);
    b->line = setting_line(m);

    if (config_setting_type(m) == CONFIG_TYPE_STRING) {
        const char *key = config_setting_get_string(m);
        if (check_text(r, m, what, key, expected) < 0)
            goto cleanup;
        vec_push(&b->keys, xstrdup(key));
    } else if (is_sequence(m)) {
        int n = config_setting_length(m);
        if (n == 0) {
            bad(r, m, _("'%s' is an empty list; expected a key name or "
                        "a list of key names, e.g. [ \"s\", \"F5\" ]"),
                what);
            goto cleanup;
        }
        for (int i = 0; i < n; i++) {
            const config_setting_t *e = config_setting_get_elem(m, i);
            const char *key;
            if (config_setting_type(e) != CONFIG_TYPE_STRING) {
                bad(r, e, _("'%s' must list key names in double quotes, "
                            "e.g. [ \"s\", \"F5\" ]"), what);
                goto cleanup;
            }
            key = config_setting_get_string(e);
            if (check_text(r, e, what, key, expected) < 0)
                goto cleanup;
            vec_push(&b->keys, xstrdup(key));
        }
    } else {
        bad(r, m, _("'%s' must be a key name or a list of key names, "
                    "e.g. \"q\" or [ \"s\", \"F5\" ]"), what);
        goto cleanup;
    }

    bindings_put(&r->stage->bindings, b);
    b = NULL;
    ret = 0;

cleanup:
    binding_free(b);
    free(what);
    return ret;
}

/* One entry of colors = { ... }: "fg" or [ "fg" ] or [ "fg", "bg" ]. */
static int
read_color(const struct reader *r, const config_setting_t *m)
{
    const char *element = config_setting_name(m);
    const char *expected = _("a colour name such as \"white\" or \"blue\"");
    struct config_color *col = NULL;
    char *what = xasprintf("colors.%s", element);
    int ret = -1;

    col = xcalloc(1, sizeof(*col));
    col->element = name_normalize(element);
    col->file = setting_file(r, m);
    col->line = setting_line(m);

    if (config_setting_type(m) == CONFIG_TYPE_STRING) {
        const char *fg = config_setting_get_string(m);
        if (check_text(r, m, what, fg, expected) < 0)
            goto cleanup;
        col->fg = xstrdup(fg);
    } else if (is_sequence(m)) {
        int n = config_setting_length(m);
        if (n < 1 || n > 2) {
            bad(r, m, _("'%s' has %d colours; expected a foreground and "
                        "at most a background, e.g. [ \"white\", "
                        "\"blue\" ]"), what, n);
            goto cleanup;
        }
        for (int i = 0; i < n; i++) {
            const config_setting_t *e = config_setting_get_elem(m, i);
            const char *name;
            if (config_setting_type(e) != CONFIG_TYPE_STRING) {
                bad(r, e, _("'%s' must list colour names in double "
                            "quotes, e.g. [ \"white\", \"blue\" ]"), what);
                goto cleanup;
            }
            name = config_setting_get_string(e);
            if (check_text(r, e, what, name, expected) < 0)
                goto cleanup;
            if (i == 0)
                col->fg = xstrdup(name);
            else
                col->bg = xstrdup(name);
        }
    } else {
        bad(r, m, _("'%s' must be a colour name or a list of foreground "
                    "and background, e.g. [ \"white\", \"blue\" ]"), what);
        goto cleanup;
    }

    colors_put(&r->stage->colors, col);
    col = NULL;
    ret = 0;

cleanup:
    color_free(col);
    free(what);
    return ret;
}

static int
read_group(const struct reader *r, const config_setting_t *s,
           const struct opt *o)
{
    int n;

    if (!config_setting_is_group((config_setting_t *)s)) {
        if (o->kind == OPT_KEYS)
            bad(r, s, _("'%s' must be a group of key bindings, e.g. %s"),
                o->name, o->example);
        else
            bad(r, s, _("'%s' must be a group of colours, e.g. %s"),
                o->name, o->example);
        return -1;
    }
    n = config_setting_length(s);
    for (int i = 0; i < n; i++) {
        const config_setting_t *m = config_setting_get_elem(s, i);
        int rc = o->kind == OPT_KEYS ? read_binding(r, m) : read_color(r, m);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static const struct opt *
opt_find(const char *name)
{
    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        if (streq(opts[i].name, name))
            return &opts[i];
    }
    return NULL;
}

static void
bad_unknown(const struct reader *r, const config_setting_t *s)
{
    struct strbuf known = { 0 };

    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
        if (i)
            sb_add(&known, ", ");
        sb_add(&known, opts[i].name);
    }
    /* Setting names are plain identifiers (libconfig's grammar): safe to
     * quote as they are. */
    bad(r, s, _("unknown setting '%s'; known settings are: %s"),
        config_setting_name(s), sb_str(&known));
    sb_free(&known);
}

static int
read_root(const struct reader *r, const config_setting_t *root)
{
    int n = config_setting_length(root);

    for (int i = 0; i < n; i++) {
        const config_setting_t *s = config_setting_get_elem(root, i);
        const struct opt *o = opt_find(config_setting_name(s));
        int rc = -1;

        if (!o) {
            bad_unknown(r, s);
            return -1;
        }
        switch (o->kind) {
        case OPT_SECONDS:
        case OPT_WHOLE_SECONDS:
        case OPT_COUNT:
            rc = read_number(r, s, o);
            break;
        case OPT_PATH:
            rc = read_path(r, s, o);
            break;
        case OPT_BOOL:
            rc = read_bool(r, s, o);
            break;
        case OPT_KEYS:
        case OPT_COLORS:
            rc = read_group(r, s, o);
            break;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* A copy of C's plain settings, with no bindings, colours or files: the
 * place a file is read into before it is applied. */
static struct config *
stage_new(const struct config *c)
{
    struct config *st = xcalloc(1, sizeof(*st));

    st->refresh_interval = c->refresh_interval;
    st->connect_timeout = c->connect_timeout;
    st->keepalive_interval = c->keepalive_interval;
    st->keepalive_count = c->keepalive_count;
    st->reconnect_max = c->reconnect_max;
    st->ha_grace = c->ha_grace;
    st->storage_interval = c->storage_interval;
    st->database = xstrdup(c->database);
    st->log_file = xstrdup(c->log_file);
    st->color = c->color;
    return st;
}

/* Move what ST holds into C; ST keeps only empty vectors. */
static void
stage_apply(struct config *c, struct config *st)
{
    c->refresh_interval = st->refresh_interval;
    c->connect_timeout = st->connect_timeout;
    c->keepalive_interval = st->keepalive_interval;
    c->keepalive_count = st->keepalive_count;
    c->reconnect_max = st->reconnect_max;
    c->ha_grace = st->ha_grace;
    c->storage_interval = st->storage_interval;
    free(c->database);
    c->database = st->database;
    st->database = NULL;
    free(c->log_file);
    c->log_file = st->log_file;
    st->log_file = NULL;
    c->color = st->color;

    for (size_t i = 0; i < st->bindings.len; i++)
        bindings_put(&c->bindings, st->bindings.items[i]);
    vec_clear(&st->bindings, NULL);
    for (size_t i = 0; i < st->colors.len; i++)
        colors_put(&c->colors, st->colors.items[i]);
    vec_clear(&st->colors, NULL);
}

/* The directory part of PATH ("." when there is none).  Owned by the
 * caller. */
static char *
dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

/* Report what libconfig could not parse, with a hint for the mistakes
 * its messages name. */
static void
bad_parse(const struct reader *r, const config_t *lc)
{
    const char *text = config_error_text(lc);
    const char *hint;
    char *file = source_path(r, config_error_file(lc));

    if (!text)
        text = "syntax error";
    if (streq(text, "mismatched element type in array"))
        hint = _("a [ ] list holds values of one type, e.g. "
                 "[ \"s\", \"F5\" ]");
    else if (streq(text, "duplicate setting name"))
        hint = _("a setting may appear only once in a file or group");
    else if (streq(text, "cannot open include file"))
        hint = _("@include names a file relative to this file's "
                 "directory");
    else
        hint = _("check this line and the one before it: settings look "
                 "like name = value;");
    err_set("%s:%d: %s; %s", file, config_error_line(lc), text, hint);
    free(file);
}

#define CONFIG_MAX_BYTES (1024 * 1024)
#define INCLUDE_MAX_DEPTH 10    /* libconfig's own limit */
#define INCLUDE_MAX_FILES 32    /* files pulled in, all levels together */

/* The files being checked, outermost first, and how many so far. */
struct inc_chain {
    char *paths[INCLUDE_MAX_DEPTH + 1];     /* realpath()s */
    int depth;
    int files;
};

/* All of FP (at most CONFIG_MAX_BYTES) into *out, NUL-terminated.  Text
 * only: a NUL byte is refused.  0, or -1 with err_set() naming NAME. */
static int
slurp(FILE *fp, const char *name, char **out)
{
    struct strbuf b = { 0 };
    char chunk[4096];
    size_t n;

    *out = NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (memchr(chunk, '\0', n)) {
            err_set(_("%s: the file holds a NUL byte; a configuration "
                      "file is text"), name);
            goto fail;
        }
        if (b.len + n > CONFIG_MAX_BYTES) {
            err_set(_("%s: the file is larger than %d bytes; a "
                      "configuration file is a few lines of text"),
                    name, CONFIG_MAX_BYTES);
            goto fail;
        }
        sb_addn(&b, chunk, n);
    }
    if (ferror(fp)) {
        err_set(_("cannot read configuration file '%s': read error"), name);
        goto fail;
    }
    *out = sb_steal(&b);
    return 0;

fail:
    sb_free(&b);
    return -1;
}

/* Whether PATH is one of the files being read in ch. */
static bool
include_loops(const struct inc_chain *ch, const char *path)
{
    char *real = realpath(path, NULL);
    bool loop = false;

    for (int i = 0; real && i < ch->depth; i++)
        loop |= ch->paths[i] && streq(ch->paths[i], real);
    free(real);
    return loop;
}

/* Check the files TEXT (read from NAME) pulls in with @include, and
 * theirs, before libconfig opens them: libconfig 1.5 reads an included
 * file with fopen() to its end, so a directory makes its scanner call
 * exit() and a device is read forever.  An included file must be a
 * regular file (or missing: libconfig reports that itself).  Every
 * "@include" is looked at, even in a comment, to stay on the safe side.
 * 0, or -1 with err_set("NAME:LINE: ..."). */
static int
check_includes(const char *text, const char *name, const char *dir,
               struct inc_chain *ch)
{
    const char *p = text;

    while ((p = strstr(p, "@include")) != NULL) {
        const char *q = p + strlen("@include"), *end;
        int line = 1;
        char *inc = NULL, *path = NULL, *shown = NULL, *sub = NULL;
        struct stat st;
        FILE *fp;
        int rc = -1;

        for (const char *c = text; c < p; c++)
            line += *c == '\n';
        while (*q == ' ' || *q == '\t')
            q++;
        p = q;
        if (*q != '"')
            continue;           /* not an @include libconfig acts on */
        end = strchr(q + 1, '"');
        if (!end || memchr(q + 1, '\n', (size_t)(end - q - 1)) ||
            memchr(q + 1, '\\', (size_t)(end - q - 1)) || end == q + 1) {
            err_set(_("%s:%d: @include needs a file name in double quotes, "
                      "without backslashes, e.g. @include \"keys.conf\""),
                    name, line);
            return -1;
        }
        inc = xstrndup(q + 1, (size_t)(end - q - 1));
        path = inc[0] == '/' || !dir ? xstrdup(inc)
                                     : xasprintf("%s/%s", dir, inc);
        shown = text_safe(inc);
        if (stat(path, &st) < 0) {
            rc = 0;             /* libconfig says it cannot open it */
        } else if (!S_ISREG(st.st_mode)) {
            err_set(_("%s:%d: @include names '%s', which is not a regular "
                      "file; include configuration files only"),
                    name, line, shown);
        } else if (ch->depth >= INCLUDE_MAX_DEPTH) {
            rc = 0;             /* libconfig stops there itself */
        } else if (++ch->files > INCLUDE_MAX_FILES) {
            /* libconfig would read them all, each time they are named:
             * a few includes per file, ten levels deep, never end */
            err_set(_("%s:%d: more than %d files are included in all: "
                      "include fewer files"), name, line,
                    INCLUDE_MAX_FILES);
        } else if (include_loops(ch, path)) {
            err_set(_("%s:%d: @include '%s' includes a file that is "
                      "already being read (a loop): remove that @include"),
                    name, line, shown);
        } else if (!(fp = fopen(path, "re"))) {
            rc = 0;
        } else {
            char *sub_name = xstrdup(path);
            rc = slurp(fp, sub_name, &sub);
            fclose(fp);
            if (rc == 0) {
                ch->paths[ch->depth++] = realpath(path, NULL);
                rc = check_includes(sub, sub_name, dir, ch);
                free(ch->paths[--ch->depth]);
                ch->paths[ch->depth] = NULL;
            }
            free(sub_name);
        }
        free(sub);
        free(inc);
        free(path);
        free(shown);
        if (rc < 0)
            return -1;
        p = end + 1;
    }
    return 0;
}

/* Read FILE over C, setting by setting; a key binding or colour replaces
 * one for the same action or element.  must_exist: a missing file is an
 * error; otherwise it is skipped, and not recorded in c->files.  FILE may
 * @include others, found relative to its directory.
 *
 * Returns 0, or -1 with err_set("FILE:LINE: ...") and C unchanged. */
int
config_read_path(struct config *c, const char *file, bool must_exist)
{
    struct reader r = { .path = file };
    struct config *stage = NULL;
    config_t lc;
    bool lc_ready = false;
    char *dir = NULL, *text = NULL;
    FILE *fp = NULL;
    struct stat st;
    int fd = -1;
    int ret = -1;

    fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (!must_exist && (errno == ENOENT || errno == ENOTDIR)) {
            ret = 0;
            goto cleanup;
        }
        err_set(_("cannot read configuration file '%s': %s"),
                file, strerror(errno));
        goto cleanup;
    }
    if (fstat(fd, &st) < 0) {
        err_set(_("cannot read configuration file '%s': %s"),
                file, strerror(errno));
        goto cleanup;
    }
    /* A FIFO is allowed for -c <(...); devices could be read forever. */
    if (S_ISDIR(st.st_mode)) {
        err_set(_("cannot read configuration file '%s': %s"),
                file, strerror(EISDIR));
        goto cleanup;
    }
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
        err_set(_("cannot read configuration file '%s': "
                  "it is not a regular file"), file);
        goto cleanup;
    }
    fp = fdopen(fd, "r");
    if (!fp) {
        err_set(_("cannot read configuration file '%s': %s"),
                file, strerror(errno));
        goto cleanup;
    }
    fd = -1;

    dir = dir_of(file);
    r.dir = dir;
    /* Read once (a FIFO cannot be read twice), check what it includes,
     * then let libconfig parse the text. */
    if (slurp(fp, file, &text) < 0)
        goto cleanup;
    {
        struct inc_chain ch = { { NULL }, 0, 0 };
        int rc;
        ch.paths[ch.depth++] = realpath(file, NULL);
        rc = check_includes(text, file, dir, &ch);
        free(ch.paths[0]);
        if (rc < 0)
            goto cleanup;
    }
    config_init(&lc);
    lc_ready = true;
    config_set_include_dir(&lc, dir);
    if (config_read_string(&lc, text) != CONFIG_TRUE) {
        bad_parse(&r, &lc);
        goto cleanup;
    }

    stage = stage_new(c);
    r.stage = stage;
    if (read_root(&r, config_root_setting(&lc)) < 0)
        goto cleanup;

    stage_apply(c, stage);
    vec_push(&c->files, xstrdup(file));
    ret = 0;

cleanup:
    if (lc_ready)
        config_destroy(&lc);
    if (fp)
        fclose(fp);
    if (fd >= 0)
        close(fd);
    config_free(&stage);
    free(dir);
    free(text);
    return ret;
}

/* "DIR/virtdeck/virtdeck.conf" without doubled slashes.  Owned by the
 * caller. */
static char *
system_path(const char *dir)
{
    size_t n = strlen(dir);

    while (n > 1 && dir[n - 1] == '/')
        n--;
    return xasprintf("%.*s/virtdeck/" CONFIG_BASENAME, (int)n, dir);
}

/* The user's file, or NULL when neither XDG_CONFIG_HOME nor HOME says
 * where it is.  Owned by the caller. */
static char *
user_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");

    /* The XDG spec says to ignore a relative XDG_CONFIG_HOME. */
    if (xdg && xdg[0] == '/')
        return xasprintf("%s/virtdeck/" CONFIG_BASENAME, xdg);
    if (home && *home)
        return xasprintf("%s/.config/virtdeck/" CONFIG_BASENAME, home);
    return NULL;
}

/* Read the system file, the user file, then EXTRA (may be NULL; it must
 * exist) over C, stopping at the first file with an error.
 *
 * The system file is $VIRTDECK_SYSCONFDIR/virtdeck.conf when that is set
 * (tests); otherwise /etc/virtdeck/virtdeck.conf and then, when virtdeck
 * was configured with another sysconfdir, SYSCONFDIR/virtdeck/virtdeck.conf,
 * so a local install still honours the distribution's file.  The user file
 * is $XDG_CONFIG_HOME/virtdeck/virtdeck.conf, or
 * $HOME/.config/virtdeck/virtdeck.conf.
 *
 * Returns 0, or -1 with err_set(). */
int
config_load(struct config *c, const char *extra)
{
    const char *env = getenv("VIRTDECK_SYSCONFDIR");
    char *path = NULL;
    int ret = -1;

    if (env && *env) {
        path = xasprintf("%s/" CONFIG_BASENAME, env);
        if (config_read_path(c, path, false) < 0)
            goto cleanup;
    } else {
        static const char etc_path[] = "/etc/virtdeck/" CONFIG_BASENAME;
        path = system_path(SYSCONFDIR);
        if (!streq(path, etc_path) &&
            config_read_path(c, etc_path, false) < 0)
            goto cleanup;
        if (config_read_path(c, path, false) < 0)
            goto cleanup;
    }
    FREE(path);

    path = user_path();
    if (path && config_read_path(c, path, false) < 0)
        goto cleanup;

    if (extra && config_read_path(c, extra, true) < 0)
        goto cleanup;
    ret = 0;

cleanup:
    free(path);
    return ret;
}
