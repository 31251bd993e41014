#!/bin/sh
# install-deps.sh: install what virtdeck needs to build and test, on Debian 12.
#
# Installs only the packages that are missing, and generates the ko_KR.UTF-8
# and en_US.UTF-8 locales the UI tests run under.  Run it as root.  It
# touches nothing when everything is present (apt-get update included), and
# as another user it only reports what is missing, with the command to run,
# and exits 1.

set -u

PROG=install-deps.sh
PACKAGES="build-essential autoconf automake autopoint gettext pkg-config
libvirt-dev libvirt-clients libnfs-dev libiscsi-dev libsqlite3-dev sqlite3
libconfig-dev libxml2-dev libxml2-utils libncurses-dev tmux locales valgrind
clang libclang-rt-14-dev llvm"
LOCALES="ko_KR.UTF-8 en_US.UTF-8"

# Packages of $PACKAGES not installed ("hold ok installed" counts as
# installed; "deinstall ok config-files" does not).
missing_packages() {
    for p in $PACKAGES; do
        case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
        *" ok installed") ;;
        *) printf '%s ' "$p" ;;
        esac
    done
}

# Locales of $LOCALES that `locale -a` does not list.  It prints the
# normalised form (ko_KR.utf8), so compare lower case without dashes.
missing_locales() {
    have=$(locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]' | tr -d '-')
    for l in $LOCALES; do
        want=$(printf '%s' "$l" | tr '[:upper:]' '[:lower:]' | tr -d '-')
        if ! printf '%s\n' "$have" | grep -qx "$want"; then
            printf '%s ' "$l"
        fi
    done
}

# Uncomment "LOCALE UTF-8" in /etc/locale.gen, or append it when the file
# has no such line at all.
enable_locale() {
    line="$1 ${1#*.}"
    re=$(printf '%s' "$line" | sed 's/\./\\./g')
    if grep -q "^[#[:space:]]*${re}[[:space:]]*\$" /etc/locale.gen 2>/dev/null
    then
        sed -i "s/^[#[:space:]]*\\($re\\)[[:space:]]*\$/\\1/" /etc/locale.gen
    else
        printf '%s\n' "$line" >>/etc/locale.gen
    fi
}

pkgs=$(missing_packages)
pkgs=${pkgs% }
locs=$(missing_locales)
locs=${locs% }

if [ -z "$pkgs" ] && [ -z "$locs" ]; then
    echo "$PROG: all $(echo "$PACKAGES" | wc -w) packages and the" \
        "locales $LOCALES are present"
    exit 0
fi

install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs"

if [ "$(id -u)" -ne 0 ]; then
    [ -n "$pkgs" ] && echo "$PROG: missing packages: $pkgs" >&2
    [ -n "$locs" ] && echo "$PROG: missing locales: $locs" >&2
    echo "$PROG: run this script as root to install them:" >&2
    echo "  sudo sh $0" >&2
    if [ -n "$pkgs" ]; then
        echo "$PROG: or install the packages with:" >&2
        echo "  sudo sh -c '$install_cmd'" >&2
    fi
    exit 1
fi

if [ -n "$pkgs" ]; then
    echo "$PROG: installing $pkgs"
    apt-get update || exit 1
    # $pkgs is a list of words: split it on purpose.
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y \
        --no-install-recommends $pkgs || exit 1
    left=$(missing_packages)
    if [ -n "$left" ]; then
        echo "$PROG: still missing after apt-get install: $left" >&2
        exit 1
    fi
    # The locales package may have just arrived with a fresh locale.gen.
    locs=$(missing_locales)
    locs=${locs% }
fi

if [ -n "$locs" ]; then
    echo "$PROG: generating locales $locs"
    for l in $locs; do
        enable_locale "$l"
    done
    locale-gen || exit 1
    left=$(missing_locales)
    if [ -n "$left" ]; then
        echo "$PROG: still missing after locale-gen: $left" >&2
        exit 1
    fi
fi

echo "$PROG: done"
