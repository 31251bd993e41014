#!/bin/sh
# valgrind.sh PROGRAM [ARGS...]: run PROGRAM under valgrind's memcheck for
# `make check-valgrind`: leaks (definite and possible) and memory errors
# count as errors and exit 99.  The report goes to
# $VG_LOG_DIR/NAME.PID.log (default: the temp folder), not to stderr, so
# the tests still see the program's own output; check-valgrind reads the
# reports afterwards (a report without an ERROR SUMMARY line is a program
# that was killed before valgrind could check it).  tests/valgrind.supp
# holds the suppressions: one-time allocations of the libraries (libvirt,
# glib, libxml2, gnutls, ncurses), never virtdeck's own code.
here=$(cd "$(dirname "$0")" && pwd)
: "${VG_LOG_DIR:=${TMPDIR:-/tmp}}"
name=$(basename "$1")
exec valgrind --tool=memcheck --leak-check=full \
    --show-leak-kinds=definite,possible \
    --errors-for-leak-kinds=definite,possible --error-exitcode=99 \
    --num-callers=40 --suppressions="$here/valgrind.supp" \
    --log-file="$VG_LOG_DIR/$name.%p.log" "$@"
