/* test-model.c: the in-memory inventory and VMs. */
#include <config.h>
#include <string.h>
#include "src/model.h"
#include "tests/tap.h"

int
main(void)
{
    struct model *m = model_new();
    struct host *h1, *h2;
    struct vm *a, *b;
    struct model_counts c;
    bool created, amb;
    unsigned ev;

    model_dc_add(m, 1, "Seoul", NULL);
    model_cluster_add(m, 10, 1, "prod", "production");
    h1 = model_host_add(m, 100, 10, "kvm1", "test:///default");
    h2 = model_host_add(m, 101, 10, "kvm2", "test:///default");
    ev = model_take_events(m);
    ok(ev & MODEL_EV_INVENTORY, "adding sets the inventory bit");
    is_int(model_take_events(m), 0, "taking clears the bits");
    ok(model_dc_by_name(m, "Seoul") && model_dc_by_id(m, 1), "dc lookups");
    ok(model_cluster_by_name(m, "prod")->dc_id == 1, "cluster belongs to dc");
    ok(model_host_by_name(m, "kvm2") == h2, "host by name");
    ok(model_host_by_id(m, 100) == h1, "host by id");
    ok(model_host_by_name(m, "nope") == NULL, "absent host is NULL");
    is_int(h1->state, HOST_CONNECTING, "a new host is Connecting");

    a = model_vm_get(m, h1, "11111111-1111-1111-1111-111111111111", "web", &created);
    ok(created, "first get creates the VM");
    ok(model_vm_get(m, h1, a->uuid, "web", &created) == a && !created,
       "second get finds the same VM");
    ok(model_vm_get_at(m, h1, 0, a->uuid, "web") == a,
       "get at the VM's position finds it");
    ok(model_vm_get_at(m, h1, 7, a->uuid, "web") == a &&
       model_vm_get_at(m, h2, 0, "44444444-4444-4444-4444-444444444444",
                       "tmp") != NULL &&
       model_vm_get_at(m, h2, 0, "55555555-5555-5555-5555-555555555555",
                       "tmp2") != model_host_vm(h2,
                           "44444444-4444-4444-4444-444444444444"),
       "at another position: by UUID, or created");
    model_take_events(m);
    ok(model_vm_get_at(m, h1, 0, a->uuid, "web2") == a &&
       strcmp(a->name, "web2") == 0 && (model_take_events(m) & MODEL_EV_VM_LIST),
       "a new name at the position renames the VM");
    model_vm_get_at(m, h1, 0, a->uuid, "web");
    model_vm_remove(m, h2, "44444444-4444-4444-4444-444444444444");
    model_vm_remove(m, h2, "55555555-5555-5555-5555-555555555555");
    b = model_vm_get(m, h2, "22222222-2222-2222-2222-222222222222", "web", NULL);
    ok(model_vm_by_uuid(m, b->uuid) == b, "VM by UUID across hosts");
    ok(model_vm_by_name(m, "web", &amb) != NULL && amb,
       "same name on two hosts is ambiguous");
    model_vm_set_state(m, a, VM_RUNNING, 1);
    model_vm_set_state(m, b, VM_SHUTOFF, 0);
    ok(model_take_events(m) & MODEL_EV_VM_STATE, "state change sets its bit");
    model_count(m, &c);
    is_int(c.vms, 2, "two VMs counted");
    is_int(c.vms_running, 1, "one running");
    model_host_set_state(m, h1, HOST_UP, NULL);
    model_host_set_state(m, h2, HOST_NONRESPONSIVE, "connection refused");
    model_count(m, &c);
    is_int(c.hosts_up, 1, "one host up");
    is_str(h2->reason, "connection refused", "reason kept");
    is_str(host_state_name(HOST_NONRESPONSIVE), "NonResponsive", "state name");
    is_str(vm_state_name(VM_SHUTOFF), "shut off", "VM state name");

    model_vm_remove(m, h2, b->uuid);
    ok(model_vm_by_name(m, "web", &amb) == a && !amb, "removed VM is gone");
    model_vm_get(m, h1, "33333333-3333-3333-3333-333333333333", "db", NULL);
    model_host_clear_vms(m, h1);
    is_int(h1->vms.len, 0, "clearing a host drops its VMs");
    ok(model_vm_by_uuid(m, "33333333-3333-3333-3333-333333333333") == NULL,
       "and their UUID index");

    {
        enum sd_role r;
        enum sd_backend bk;
        struct sd *sd = model_sd_add(m, 5, "iso", SD_ISO, SD_NFS, "127.0.0.1",
                                     "/exports/iso");
        model_sd_attach(sd, 1);
        model_sd_attach(sd, 1);
        is_int(sd->dc_ids.len, 1, "attaching twice records once");
        ok(sd_role_parse("export", &r) == 0 && r == SD_EXPORT, "role parse");
        ok(sd_role_parse("bogus", &r) < 0, "bad role refused");
        ok(sd_backend_parse("iscsi", &bk) == 0 && bk == SD_ISCSI, "backend parse");
    }

    for (int i = 0; i < MODEL_AUDIT_MAX + 10; i++) {
        struct audit au = { .id = i, .user = "u", .object = "o", .action = "a",
                            .result = "ok", .message = "m" };
        model_audit_push(m, &au);
    }
    is_int(m->audit.len, MODEL_AUDIT_MAX, "audit in memory is bounded");
    is_int(((struct audit *)m->audit.items[0])->id, 10, "oldest entries dropped");

    ok(model_host_remove(m, 101) == 0, "host removed");
    ok(model_host_remove(m, 101) < 0, "removing twice fails");
    ok(model_cluster_remove(m, 10) == 0 && model_dc_remove(m, 1) == 0,
       "cluster and dc removed");
    model_free(&m);
    ok(m == NULL, "model_free clears the pointer");
    return tap_done();
}
