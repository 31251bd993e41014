/* gfxinfo.h: how an operator reaches a VM's graphical console (SPICE or
 * VNC): the address and port on the host, a ready remote-viewer URI, and
 * the ssh -L line to run on a workstation to get there through the
 * engine.  Pure string work on the model: no I/O. */
#ifndef VD_GFXINFO_H
#define VD_GFXINFO_H
#include <stdbool.h>

struct vm;
struct host;

struct gfx_info {
    char *type;         /* "spice" or "vnc" */
    char *addr;         /* where the console listens, as seen from the engine */
    int port;           /* -1: not assigned yet (VM off) */
    char *direct_uri;   /* remote-viewer URI from the engine itself */
    char *tunnel_uri;   /* remote-viewer URI once the ssh line runs */
    char *ssh;          /* the workstation's ssh line */
    bool password;
};

/* The host part of a libvirt URI ("" for local and socket URIs).  Owned. */
char *gfx_uri_host(const char *uri);
/* Fill info for vm on h; engine is the engine's host name and user the
 * account operators ssh in as.  0, or -1 when the VM has no graphics. */
int gfx_info_get(const struct vm *vm, const struct host *h, const char *engine,
                 const char *user, struct gfx_info *info);
void gfx_info_clear(struct gfx_info *info);

#endif
