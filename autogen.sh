#!/bin/sh
# autogen.sh [--deps]: prepare a fresh checkout for ./configure.
# With --deps, first install the Debian 12 packages virtdeck builds and
# tests with (as root, only those that are missing).
set -e
srcdir=$(dirname "$0")
cd "$srcdir"
if [ "$1" = "--deps" ]; then
    sh data/install-deps.sh
fi
autoreconf -fi
