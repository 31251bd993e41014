/* main.c: virtdeck's entry point.  Sets up the locale and gettext, then
 * hands over to the CLI, which opens the console when no command is
 * given.  VIRTDECK_LOCALEDIR overrides where the message catalogues are
 * looked up (tests run before anything is installed). */
#include <config.h>
#include <langinfo.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "src/cli.h"
#include "src/util/i18n.h"
#include "ui/ui.h"

int
main(int argc, char **argv)
{
    /* One malloc arena per worker that runs at once (a CPU, 2..8, as in
     * jobs.c) and the main thread's, not eight per core: workers come
     * and go, and each arena keeps freed memory of its own (16 arenas
     * held 119 MB for 86 MB in use with 10,000 VMs).  Before any thread
     * starts. */
#ifdef M_ARENA_MAX
    {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        mallopt(M_ARENA_MAX, (int)(cpus < 2 ? 2 : cpus > 8 ? 8 : cpus) + 1);
    }
#endif
    setlocale(LC_ALL, "");
    /* Names from hosts are UTF-8 whatever the operator's locale says:
     * measure and check them as UTF-8. */
    if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        setlocale(LC_CTYPE, "C.UTF-8");
#ifdef ENABLE_NLS
    {
        /* tests run from the build tree with a catalogue of their own */
        const char *dir = getenv("VIRTDECK_LOCALEDIR");
        bindtextdomain(PACKAGE, dir && *dir ? dir : LOCALEDIR);
    }
    bind_textdomain_codeset(PACKAGE, "UTF-8");
    textdomain(PACKAGE);
#endif
    return cli_main(argc, argv, ui_run);
}
