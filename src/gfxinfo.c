/* gfxinfo.c: graphical console addresses (see gfxinfo.h). */
#include <config.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gfxinfo.h"
#include "model.h"
#include "util/mem.h"

char *
gfx_uri_host(const char *uri)
{
    const char *p = uri ? strstr(uri, "://") : NULL;
    const char *end, *at;

    if (!p)
        return xstrdup("");
    p += 3;
    end = p + strcspn(p, "/?");
    at = memchr(p, '@', (size_t)(end - p));
    if (at)
        p = at + 1;
    if (*p == '[') {                    /* [IPv6]:port */
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (close)
            return xstrndup(p + 1, (size_t)(close - p - 1));
    }
    return xstrndup(p, strcspn(p, ":/?"));
}

static bool
is_loopback(const char *a)
{
    return !a || !*a || strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
           strcmp(a, "localhost") == 0;
}

static bool
is_any(const char *a)
{
    return a && (strcmp(a, "0.0.0.0") == 0 || strcmp(a, "::") == 0);
}

int
gfx_info_get(const struct vm *vm, const struct host *h, const char *engine,
             const char *user, struct gfx_info *info)
{
    char *host = gfx_uri_host(h ? h->uri : NULL);
    const char *listen = vm->gfx_listen && *vm->gfx_listen ? vm->gfx_listen
                                                           : "127.0.0.1";
    bool local_host = is_loopback(host);
    char port[16];

    memset(info, 0, sizeof(*info));
    if (!vm->graphics) {
        free(host);
        return -1;
    }
    info->type = xstrdup(vm->graphics);
    info->port = vm->gfx_port;
    info->password = vm->gfx_password;
    /* as seen from the engine */
    if (local_host)
        info->addr = xstrdup(is_any(listen) ? "127.0.0.1" : listen);
    else if (is_any(listen) || !is_loopback(listen))
        info->addr = xstrdup(is_any(listen) ? host : listen);
    else
        info->addr = NULL;      /* loopback of a remote host: only via ssh */
    if (info->port < 0) {
        free(host);
        return 0;
    }
    snprintf(port, sizeof(port), "%d", info->port);
    if (info->addr)
        info->direct_uri = xasprintf("%s://%s:%s", info->type, info->addr, port);
    info->tunnel_uri = xasprintf("%s://127.0.0.1:%s", info->type, port);
    if (info->addr)
        info->ssh = xasprintf("ssh -N -L %s:%s:%s %s@%s", port, info->addr, port,
                              user, engine);
    else
        /* the console listens on the host's loopback: hop through the
         * engine to the host itself */
        info->ssh = xasprintf("ssh -N -J %s@%s -L %s:%s:%s root@%s", user,
                              engine, port, listen, port, host);
    free(host);
    return 0;
}

void
gfx_info_clear(struct gfx_info *info)
{
    free(info->type);
    free(info->addr);
    free(info->direct_uri);
    free(info->tunnel_uri);
    free(info->ssh);
    memset(info, 0, sizeof(*info));
}
