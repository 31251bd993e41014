/* test-gfxinfo.c: graphical console addresses, URIs and ssh lines. */
#include <config.h>
#include <string.h>
#include <stdlib.h>
#include "src/gfxinfo.h"
#include "src/model.h"
#include "src/util/mem.h"
#include "tests/tap.h"

static void
check_host(const char *uri, const char *want)
{
    char *h = gfx_uri_host(uri);
    is_str(h, want, "host of %s", uri);
    free(h);
}

int
main(void)
{
    struct model *m = model_new();
    struct host *remote = model_host_add(m, 1, 1, "kvm1",
                                         "qemu+ssh://root@kvm1.example/system");
    struct host *local = model_host_add(m, 2, 1, "lab1",
                                        "qemu+tcp://127.0.0.11/system");
    struct vm *vm = model_vm_get(m, remote, "u1", "web", NULL);
    struct gfx_info gi;

    check_host("qemu+ssh://root@kvm1.example/system", "kvm1.example");
    check_host("qemu+tcp://127.0.0.11:16509/system", "127.0.0.11");
    check_host("qemu+tls://[fd00::5]/system", "fd00::5");
    check_host("qemu:///system", "");
    check_host("qemu+unix:///system?socket=/run/x", "");
    check_host("garbage", "");

    ok(gfx_info_get(vm, remote, "engine", "ops", &gi) < 0, "no graphics: nothing");

    vm->graphics = model_intern("spice");
    vm->gfx_listen = model_intern("127.0.0.1");
    vm->gfx_port = -1;
    ok(gfx_info_get(vm, remote, "engine", "ops", &gi) == 0 && gi.port < 0 &&
       !gi.ssh, "VM off: no port, no ssh line yet");
    gfx_info_clear(&gi);

    vm->gfx_port = 5901;
    gfx_info_get(vm, remote, "engine", "ops", &gi);
    ok(gi.direct_uri == NULL, "remote loopback console: no direct URI");
    is_str(gi.ssh, "ssh -N -J ops@engine -L 5901:127.0.0.1:5901 root@kvm1.example",
           "hop through the engine to the host");
    is_str(gi.tunnel_uri, "spice://127.0.0.1:5901", "viewer URI after the tunnel");
    gfx_info_clear(&gi);

    vm->gfx_listen = model_intern("0.0.0.0");
    gfx_info_get(vm, remote, "engine", "ops", &gi);
    is_str(gi.direct_uri, "spice://kvm1.example:5901", "listening on all: direct");
    is_str(gi.ssh, "ssh -N -L 5901:kvm1.example:5901 ops@engine",
           "one tunnel through the engine");
    gfx_info_clear(&gi);

    vm->host_id = local->id;
    vm->graphics = model_intern("vnc");
    gfx_info_get(vm, local, "engine", "ops", &gi);
    is_str(gi.direct_uri, "vnc://127.0.0.1:5901", "a host on this machine");
    is_str(gi.ssh, "ssh -N -L 5901:127.0.0.1:5901 ops@engine", "tunnel to it");
    gfx_info_clear(&gi);
    model_free(&m);
    return tap_done();
}
