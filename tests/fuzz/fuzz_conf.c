/* fuzz_conf.c: the configuration loader (conf.c) on arbitrary file
 * contents.  The input is written to a file in a private directory and
 * read over a configuration that already holds settings, as the user file
 * is read over the system file.  A file that is refused must leave the
 * configuration as it was and say FILE:LINE; one that is accepted must
 * hold only values in the documented ranges, and be accepted again with
 * the same result. */
#include <config.h>
#include <fcntl.h>
#include <unistd.h>
#include "conf.h"
#include "fuzz.h"
#include "util/err.h"
#include "util/vec.h"

static char dir[] = "/tmp/virtdeck-fuzz-conf.XXXXXX";
static char path[64], base[64];

static void
write_file(const char *file, const uint8_t *data, size_t size)
{
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        abort();
    close(fd);
}

static void
remove_dir(void)
{
    unlink(path);
    unlink(base);
    rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char base_text[] =
        "refresh_interval = 5.0;\nkeepalive_count = 7;\n"
        "database = \"/var/tmp/x.db\";\ncolor = false;\n"
        "keys = { quit = [ \"q\", \"F10\" ]; vm_start = \"s\"; };\n"
        "colors = { header = [ \"white\", \"blue\" ]; };\n";

    fuzz_locale();
    if (!mkdtemp(dir))
        abort();
    atexit(remove_dir);
    snprintf(path, sizeof(path), "%s/virtdeck.conf", dir);
    snprintf(base, sizeof(base), "%s/base.conf", dir);
    write_file(base, (const uint8_t *)base_text, sizeof(base_text) - 1);
    return 0;
}

static void
check_ranges(const struct config *c)
{
    FUZZ_CHECK(c->refresh_interval >= 0.5 && c->refresh_interval <= 3600,
               "refresh_interval %g", c->refresh_interval);
    FUZZ_CHECK(c->connect_timeout >= 1 && c->connect_timeout <= 600,
               "connect_timeout %g", c->connect_timeout);
    FUZZ_CHECK(c->keepalive_interval >= 1 && c->keepalive_interval <= 600,
               "keepalive_interval %d", c->keepalive_interval);
    FUZZ_CHECK(c->keepalive_count >= 1 && c->keepalive_count <= 100,
               "keepalive_count %d", c->keepalive_count);
    FUZZ_CHECK(c->reconnect_max >= 1 && c->reconnect_max <= 3600,
               "reconnect_max %g", c->reconnect_max);
    FUZZ_CHECK(c->ha_grace >= 1 && c->ha_grace <= 3600, "ha_grace %g",
               c->ha_grace);
    for (size_t i = 0; i < c->bindings.len; i++) {
        const struct config_binding *b = c->bindings.items[i];
        FUZZ_CHECK(b->action && *b->action && b->keys.len > 0,
                   "binding %zu", i);
        for (size_t k = 0; k < b->keys.len; k++) {
            const char *key = b->keys.items[k];
            FUZZ_CHECK(*key, "empty key for %s", b->action);
            for (const unsigned char *p = (const unsigned char *)key; *p; p++)
                FUZZ_CHECK(*p >= 0x20 && *p != 0x7f, "control in a key");
        }
    }
    for (size_t i = 0; i < c->colors.len; i++) {
        const struct config_color *col = c->colors.items[i];
        FUZZ_CHECK(col->element && col->fg && *col->fg, "colour %zu", i);
    }
}

/* Compare the plain settings and the counts of a and b. */
static void
check_same(const struct config *a, const struct config *b)
{
    FUZZ_CHECK(a->refresh_interval == b->refresh_interval &&
               a->connect_timeout == b->connect_timeout &&
               a->keepalive_interval == b->keepalive_interval &&
               a->keepalive_count == b->keepalive_count &&
               a->reconnect_max == b->reconnect_max &&
               a->ha_grace == b->ha_grace && a->color == b->color &&
               a->bindings.len == b->bindings.len &&
               a->colors.len == b->colors.len &&
               a->files.len == b->files.len &&
               !a->database == !b->database && !a->log_file == !b->log_file,
               "a refused file changed the configuration");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config *c = config_new(), *before = config_new();

    setenv("HOME", "/home/fuzz", 1);
    /* start from a configuration that differs from the defaults */
    if (config_read_path(c, base, true) < 0 ||
        config_read_path(before, base, true) < 0)
        abort();
    write_file(path, data, size);
    if (config_read_path(c, path, true) == 0) {
        check_ranges(c);
        FUZZ_CHECK(c->files.len == 2, "files %zu", c->files.len);
        /* the same file again over itself: accepted again, same values */
        config_free(&before);
        before = config_new();
        FUZZ_CHECK(config_read_path(before, base, true) == 0 &&
                   config_read_path(before, path, true) == 0 &&
                   config_read_path(c, path, true) == 0,
                   "accepted once, refused the next time: %s", err_msg());
        check_ranges(c);
        vec_clear(&c->files, free);
        vec_clear(&before->files, free);
        check_same(c, before);
    } else {
        const char *m = err_msg();
        FUZZ_CHECK(m && strncmp(m, path, strlen(path)) == 0,
                   "message '%s' does not name the file", m ? m : "");
        check_same(c, before);
    }
    config_free(&c);
    config_free(&before);
    return 0;
}
