#!/bin/sh
# po-complete.sh: po/ko.po translates every message of the sources listed
# in po/POTFILES.in, with no fuzzy entry, and every source file with
# translatable strings is listed there.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
n=0
fail=0
ok() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
for c in xgettext msgmerge msgattrib; do
    command -v "$c" >/dev/null 2>&1 || { echo "1..0 # SKIP $c is missing"; exit 0; }
done
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$top_srcdir" || exit 1
grep -v '^#' po/POTFILES.in | grep . >"$T/files"
xgettext --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --from-code=UTF-8 \
    -o "$T/all.pot" -f "$T/files" 2>"$T/xg.err"
ok $? "xgettext reads every file of POTFILES.in"
msgmerge -q --no-fuzzy-matching po/ko.po "$T/all.pot" -o "$T/ko.po" 2>"$T/mm.err"
ok $? "msgmerge merges ko.po"
msgattrib --untranslated --no-obsolete "$T/ko.po" 2>/dev/null |
    grep '^msgid ' | grep -v '^msgid ""$' >"$T/untranslated"
ok "$([ ! -s "$T/untranslated" ]; echo $?)" "ko.po translates every message"
sed 's/^/#   /' "$T/untranslated" | head -20
msgattrib --only-fuzzy --no-obsolete "$T/ko.po" 2>/dev/null |
    grep '^msgid ' | grep -v '^msgid ""$' >"$T/fuzzy"
ok "$([ ! -s "$T/fuzzy" ]; echo $?)" "ko.po has no fuzzy entry"
# every C file of src/ and ui/ that marks strings is listed
: >"$T/missing"
for f in src/*.c src/util/*.c ui/*.c; do
    grep -q '_("\|N_("' "$f" || continue
    grep -qx "$f" "$T/files" || echo "$f" >>"$T/missing"
done
ok "$([ ! -s "$T/missing" ]; echo $?)" "POTFILES.in lists every source file with translatable strings"
sed 's/^/#   /' "$T/missing"
echo "1..$n"
exit $fail
