/* valid.c: input checks (see valid.h).  Names are limited to letters of
 * any script, digits, '-', '_' and '.', so they are safe in file names,
 * shells, XML and SQL alike; they may not start with '.' or '-'. */
#include <config.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>
#include "util/err.h"
#include "util/i18n.h"
#include "util/mem.h"
#include "util/text.h"
#include "valid.h"

int
valid_name(const char *kind, const char *name)
{
    mbstate_t st;
    size_t left, chars = 0;
    const char *p = name;
    char *shown;

    if (!name || !*name) {
        err_set(_("The %s name is empty: type a name."), kind);
        return -1;
    }
    memset(&st, 0, sizeof(st));
    left = strlen(name);
    while (left) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, p, left, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            err_set(_("The %s name is not valid text (UTF-8): type it again."),
                    kind);
            return -1;
        }
        if (!(iswalnum((wint_t)wc) || wc == L'-' || wc == L'_' || wc == L'.' ||
              (wc >= 0xac00 && wc <= 0xd7a3))) {
            shown = text_safe(name);
            /* C1 controls (U+0080..U+009F) too: a terminal may act on
             * them, so they are never echoed */
            if (wc < 0x20 || (wc >= 0x7f && wc < 0xa0))
                err_set(_("The %s name '%s' contains a control character: "
                          "use letters, digits, '-', '_' or '.'."), kind, shown);
            else
                err_set(_("The %s name '%s' contains '%.*s': use letters, "
                          "digits, '-', '_' or '.'."), kind, shown, (int)n, p);
            free(shown);
            return -1;
        }
        p += n;
        left -= n;
        chars++;
    }
    if (name[0] == '.' || name[0] == '-') {
        shown = text_safe(name);
        err_set(_("The %s name '%s' starts with '%c': start it with a letter "
                  "or digit."), kind, shown, name[0]);
        free(shown);
        return -1;
    }
    if (chars > VALID_NAME_MAX) {
        err_set(_("The %s name is %zu characters long: use at most %d."),
                kind, chars, VALID_NAME_MAX);
        return -1;
    }
    return 0;
}

int
valid_uri(const char *uri)
{
    const char *colon;

    if (!uri || !*uri) {
        err_set(_("The libvirt URI is empty: type one such as "
                  "qemu+ssh://root@host.example/system."));
        return -1;
    }
    if (strlen(uri) > VALID_URI_MAX) {
        err_set(_("The libvirt URI is longer than %d bytes: check it."),
                VALID_URI_MAX);
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)uri; *p; p++) {
        if (*p <= 0x20 || *p == 0x7f) {
            err_set(_("The libvirt URI contains a space or control character: "
                      "remove it."));
            return -1;
        }
    }
    colon = strchr(uri, ':');
    if (!colon || colon == uri || strncmp(colon, "://", 3) != 0) {
        char *shown = text_safe(uri);
        err_set(_("'%s' is not a libvirt URI: use the form "
                  "driver[+transport]://[user@][host]/path, e.g. "
                  "qemu+tcp://127.0.0.1/system."), shown);
        free(shown);
        return -1;
    }
    for (const char *p = uri; p < colon; p++) {
        if (!(iswalnum((wint_t)(unsigned char)*p) || *p == '+' || *p == '-' ||
              *p == '.')) {
            char *shown = text_safe(uri);
            err_set(_("'%s' is not a libvirt URI: the scheme before '://' may "
                      "hold only letters, digits and '+'."), shown);
            free(shown);
            return -1;
        }
    }
    return 0;
}

int
valid_file_name(const char *name)
{
    char *shown;

    if (!name || !*name) {
        err_set(_("The file name is empty."));
        return -1;
    }
    if (strlen(name) > 255) {
        err_set(_("The file name is longer than 255 bytes: shorten it."));
        return -1;
    }
    shown = text_safe(name);
    if (strchr(name, '/')) {
        err_set(_("The file name '%s' contains '/': give a plain file name."),
                shown);
        goto fail;
    }
    if (name[0] == '.') {
        err_set(_("The file name '%s' starts with '.': hidden names and '..' "
                  "are not allowed."), shown);
        goto fail;
    }
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            err_set(_("The file name '%s' contains a control character: "
                      "rename the file."), shown);
            goto fail;
        }
    }
    /* It goes into domain XML, which holds only valid text. */
    if (!text_valid(name)) {
        err_set(_("The file name '%s' is not valid text (UTF-8) or holds a "
                  "control character: rename the file."), shown);
        goto fail;
    }
    free(shown);
    return 0;
fail:
    free(shown);
    return -1;
}
