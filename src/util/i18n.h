/* i18n.h: gettext macros.  Every user-visible string goes through _() or
 * N_() so po/ko.po can translate it. */
#ifndef VD_I18N_H
#define VD_I18N_H
#include <config.h>
#ifdef ENABLE_NLS
# include <libintl.h>
# define _(s) gettext(s)
#else
# define _(s) (s)
# define ngettext(a, b, n) ((n) == 1 ? (a) : (b))
#endif
#define N_(s) (s)
#endif
