/* demo.c: load the demo data center (see demo.h). */
#include <config.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libconfig.h>
#include "demo.h"
#include "store.h"
#include "util/err.h"
#include "util/i18n.h"
#include "util/mem.h"

static bool
is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
demo_data_dir(void)
{
    const char *env = getenv("VIRTDECK_DATADIR");
    char exe[PATH_MAX];
    ssize_t n;

    if (env && *env)
        return xstrdup(env);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        char *slash, *cand;
        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            cand = xasprintf("%s/data/demo", exe);
            if (is_dir(cand)) {
                free(cand);
                return xasprintf("%s/data", exe);
            }
            free(cand);
        }
    }
    return xstrdup(PKGDATADIR);
}

static const char *
get_str(config_setting_t *s, const char *name)
{
    const char *v = NULL;
    if (!config_setting_lookup_string(s, name, &v))
        return NULL;
    return v;
}

static int
demo_fail(const char *file, config_setting_t *s, const char *what)
{
    err_set(_("%s:%d: %s"), file, s ? config_setting_source_line(s) : 0, what);
    return -1;
}

static int
load_domain(struct store *st, const char *file, config_setting_t *d,
            const char *dc_name, enum sd_role role_default)
{
    const char *name = get_str(d, "name"), *role = get_str(d, "role");
    const char *backend = get_str(d, "backend");
    enum sd_role r = role_default;
    enum sd_backend b;

    if (!name || !backend || !get_str(d, "address") || !get_str(d, "path"))
        return demo_fail(file, d, _("a storage domain needs name, backend, "
                                    "address and path"));
    if ((role && sd_role_parse(role, &r) < 0) || sd_backend_parse(backend, &b) < 0)
        return demo_fail(file, d, _("unknown storage role or backend"));
    if (store_sd_add(st, name, r, b, get_str(d, "address"), get_str(d, "path"),
                     NULL) < 0)
        return -1;
    if (dc_name && store_sd_attach(st, name, dc_name) < 0)
        return -1;
    return 0;
}

int
demo_load(struct store *st, const char *datadir)
{
    config_t cfg;
    config_setting_t *dcs, *isos;
    char *file = xasprintf("%s/demo/demo.conf", datadir);
    char *demodir = xasprintf("%s/demo", datadir);
    char absdir[PATH_MAX];
    int ret = -1;

    config_init(&cfg);
    if (!realpath(demodir, absdir)) {
        err_set(_("The demo data folder '%s' is missing: reinstall virtdeck "
                  "or set VIRTDECK_DATADIR."), demodir);
        goto cleanup;
    }
    if (!config_read_file(&cfg, file)) {
        err_set(_("%s:%d: %s"), config_error_file(&cfg) ? config_error_file(&cfg)
                : file, config_error_line(&cfg), config_error_text(&cfg));
        goto cleanup;
    }
    dcs = config_lookup(&cfg, "datacenters");
    if (!dcs || !config_setting_is_list(dcs)) {
        demo_fail(file, dcs, _("expected a list 'datacenters'"));
        goto cleanup;
    }
    for (int i = 0; i < config_setting_length(dcs); i++) {
        config_setting_t *dc = config_setting_get_elem(dcs, (unsigned)i);
        config_setting_t *cls = config_setting_get_member(dc, "clusters");
        config_setting_t *sds = config_setting_get_member(dc, "storage");
        const char *dc_name = get_str(dc, "name");

        if (!dc_name || !cls) {
            demo_fail(file, dc, _("a data center needs a name and clusters"));
            goto cleanup;
        }
        if (store_dc_add(st, dc_name, get_str(dc, "description"), NULL) < 0)
            goto cleanup;
        for (int k = 0; k < config_setting_length(cls); k++) {
            config_setting_t *cl = config_setting_get_elem(cls, (unsigned)k);
            config_setting_t *hosts = config_setting_get_member(cl, "hosts");
            const char *cl_name = get_str(cl, "name");
            if (!cl_name || !hosts) {
                demo_fail(file, cl, _("a cluster needs a name and hosts"));
                goto cleanup;
            }
            if (store_cluster_add(st, cl_name, dc_name,
                                  get_str(cl, "description"), NULL) < 0)
                goto cleanup;
            for (int h = 0; h < config_setting_length(hosts); h++) {
                config_setting_t *ho = config_setting_get_elem(hosts, (unsigned)h);
                const char *hname = get_str(ho, "name"), *node = get_str(ho, "node");
                char *uri;
                int rc;
                if (!hname || !node || strchr(node, '/')) {
                    demo_fail(file, ho, _("a host needs a name and a node file "
                                          "name"));
                    goto cleanup;
                }
                uri = xasprintf("test://%s/%s", absdir, node);
                rc = store_host_add(st, hname, uri, cl_name, NULL);
                free(uri);
                if (rc < 0)
                    goto cleanup;
            }
        }
        for (int k = 0; sds && k < config_setting_length(sds); k++) {
            if (load_domain(st, file, config_setting_get_elem(sds, (unsigned)k),
                            dc_name, SD_DATA) < 0)
                goto cleanup;
        }
    }
    isos = config_lookup(&cfg, "iso_domains");
    for (int i = 0; isos && i < config_setting_length(isos); i++) {
        config_setting_t *d = config_setting_get_elem(isos, (unsigned)i);
        config_setting_t *att = config_setting_get_member(d, "datacenters");
        if (load_domain(st, file, d, NULL, SD_ISO) < 0)
            goto cleanup;
        for (int k = 0; att && k < config_setting_length(att); k++) {
            const char *dcn = config_setting_get_string_elem(att, k);
            if (dcn && store_sd_attach(st, get_str(d, "name"), dcn) < 0)
                goto cleanup;
        }
    }
    ret = 0;

cleanup:
    config_destroy(&cfg);
    free(file);
    free(demodir);
    return ret;
}
