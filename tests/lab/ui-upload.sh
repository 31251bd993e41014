#!/bin/bash
# ui-upload.sh: the console's ISO upload (u on an ISO domain) against a
# real nfs-ganesha on 127.0.0.1 (nfs-server.sh), driven in tmux: the file
# picker (folders and *.iso, a hostile file name shown escaped, a folder
# that vanished, the filter), the name checked with valid_file_name, the
# upload with its progress bar and the final message, checked on the
# export's folder (0640, 36:36, same bytes); an existing name refused
# without Force and replaced with it; a cancel in the middle (the server
# held with SIGSTOP) that leaves no file under the final name, from the
# window and from the tasks pane after b sent the upload there; quitting
# while an upload runs asks, then cancels it.
# shellcheck disable=SC2154
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
# shellcheck source=common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

need_root "ganesha's VFS backend needs root"
unshare -n true 2>/dev/null ||
    skip_all "this machine refuses network namespaces (for rpcbind)"
command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
NFS=$here/nfs-server.sh
need_deps "the NFS test's packages" bash "$NFS" deps

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
pick_port() {
    local p i
    for i in $(seq 1 50); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if port_free "$p" && port_free $((p + 1)); then
            echo "$p"
            return 0
        fi
    done
    return 1
}

chmod 0755 "$T"     # the export lives under it
STATE=$T/nfs
EXP=$T/exports/iso
IMAGES=$EXP/images
mkdir -p "$EXP"
chown 36:36 "$EXP"
chmod 0755 "$T/exports" "$EXP"
SOCK=$T/tmux.sock
THROTTLE=
cleanup() {
    [ -z "$THROTTLE" ] || kill "$THROTTLE" 2>/dev/null
    tmux -S "$SOCK" kill-server >/dev/null 2>&1
    bash "$NFS" stop "$STATE" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(pick_port) || { echo "Bail out! no free port"; exit 1; }
if ! SERVER=$(bash "$NFS" start "$STATE" "$PORT" "$EXP" 2>"$T/nfs.err"); then
    sed 's/^/# /' "$T/nfs.err"
    echo "Bail out! ganesha did not start"
    exit 1
fi
gpid() {
    bash "$NFS" pid "$STATE"
}
# Over loopback 200 MiB go in a second or two: hold the server stopped
# most of the time so that the upload crawls and can be watched.
throttle_start() {
    local pid
    pid=$(gpid)
    (while :; do
        kill -STOP "$pid"
        sleep 0.5
        kill -CONT "$pid"
    done) &
    THROTTLE=$!
}
# ... and end with the server stopped; its pid in $spid
throttle_stop() {
    spid=$(gpid)
    kill "$THROTTLE" 2>/dev/null
    wait "$THROTTLE" 2>/dev/null
    THROTTLE=
    kill -STOP "$spid"
}

DB=$T/up.db
VDS() { "$VD" --db "$DB" "$@"; }
VDS dc add lab >/dev/null
run VDS storage add isos --role iso --nfs "$SERVER:$EXP"
is "$rc" 0 "the NFS ISO domain is added"
run VDS storage attach isos --dc lab
is "$rc" 0 "... and attached to data center lab"

# what the picker shows, under $HOME
PICK=$HOME/isos
mkdir -p "$PICK/gone" "$PICK/sub"
head -c 3M /dev/urandom >"$PICK/small.iso"
head -c 200M /dev/urandom >"$PICK/big.iso"
printf 'not an image\n' >"$PICK/notes.txt"
: >"$PICK/$(printf 'evil\033[31m.iso')"

cat >"$T/run.sh" <<EOS
#!/bin/sh
exec env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$HOME" \
    XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME" \
    XDG_CACHE_HOME="$XDG_CACHE_HOME" VIRTDECK_SYSCONFDIR="$VIRTDECK_SYSCONFDIR" \
    "$VD" --db "$DB"
EOS
chmod +x "$T/run.sh"
tmux -S "$SOCK" -f /dev/null new-session -d -x 120 -y 44 \
    "$T/run.sh; echo virtdeck-exited-\$?; sleep 600"
screen() { tmux -S "$SOCK" capture-pane -p -J; }
keys() { tmux -S "$SOCK" send-keys "$@"; }
type_text() { tmux -S "$SOCK" send-keys -l -- "$1"; }
seen() { screen | grep -qF -- "$1"; }
wait_text() {  # wait_text SECONDS TEXT
    local n=$(($1 * 10))
    while [ "$n" -gt 0 ]; do
        seen "$2" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    screen | sed 's/^/#   /'
    return 1
}
wait_re() {  # wait_re SECONDS REGEX
    local n=$(($1 * 10))
    while [ "$n" -gt 0 ]; do
        screen | grep -qE -- "$2" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    screen | sed 's/^/#   /'
    return 1
}
# the percentage of the upload window's bar, or nothing
percent() {
    screen | sed -n 's/.*\[|*[ |]*\([0-9][0-9]*\)%.*\].*/\1/p' | head -1
}
under_way() {
    local p
    p=$(percent)
    [ -n "$p" ] && [ "$p" -gt 0 ] && [ "$p" -lt 100 ]
}
no_final() {  # no_final NAME: neither NAME nor its temporary file
    [ ! -e "$IMAGES/$1" ] && [ ! -e "$IMAGES/.$1.part" ]
}

wait_text 15 "Inventory"
ok $? "the console starts"
# the tree: lab, then its storage domain
keys j
wait_re 5 "Storage +isos"
ok $? "the ISO domain is selected in the tree"

# ---------------------------------------------------------------- picker
keys u
wait_text 5 "Upload to ISO domain 'isos': choose a file"
ok $? "u opens the upload window on the file picker"
seen "$HOME  (folders and *.iso)"
ok $? "... in \$HOME, showing folders and ISO images"
type_text isos
keys Enter
wait_text 5 "$PICK  (folders and *.iso)"
ok $? "typing filters and Enter opens the folder"
wait_re 5 "small\.iso +3\.0M"
ok $? "files are listed with their size"
seen 'evil\x1b[31m.iso'
ok $? "a file name with an escape sequence is shown escaped"
seen "notes.txt"
ok "$([ $? -ne 0 ]; echo $?)" "other files are hidden"
keys Tab
wait_text 5 "$PICK  (all files)"
ok $? "Tab shows all files"
wait_text 5 "notes.txt"
ok $? "... notes.txt too"
keys Tab
rmdir "$PICK/gone"
type_text gone
keys Enter
wait_text 5 "Cannot open the folder '$PICK/gone': No such file or"
ok $? "a folder that cannot be opened gives a message"
seen "$PICK  (folders and *.iso)"
ok $? "... and the picker stays where it was"
keys Escape BSpace
wait_text 5 "$HOME  (folders and *.iso)"
ok $? "Backspace goes up"
keys Enter
wait_text 5 "$PICK  (folders and *.iso)"
ok $? "Enter goes back in (the folder we came from is selected)"
type_text small
keys Enter
wait_re 5 "Name on the domain +small\.iso"
ok $? "choosing a file opens the form with its name"

# ---------------------------------------------------------------- names
keys C-u
type_text "../evil.iso"
keys Enter
wait_text 5 "The file name '../evil.iso' contains '/': give a plain file name."
ok $? "a name with '/' is refused in the form"
keys C-u
type_text ".hidden.iso"
keys Enter
wait_text 5 "The file name '.hidden.iso' starts with '.'"
ok $? "a leading dot is refused"
ok "$([ -z "$(ls -A "$IMAGES")" ]; echo $?)" "... and nothing reached the server"

# ---------------------------------------------------------------- upload
keys C-u
type_text "small.iso"
keys Enter
wait_text 30 "Uploaded to ISO domain 'isos'"
ok $? "the upload ends in the window"
wait_re 5 "\[\|+ *100%\]"
ok $? "... with the bar full"
wait_text 5 "was uploaded to"
ok $? "... and the result"
wait_text 5 "vdsm:kvm (36:36), mode 0640."
ok $? "... naming the owner and the mode"
wait_re 5 "ok +[^ ]+ +isos +'small\.iso' \(3\.0M\) was uploaded"
ok $? "the events pane has the audit entry"
is "$(stat -c '%a %u:%g' "$IMAGES/small.iso" 2>/dev/null)" "640 36:36" \
    "on the server: mode 0640, owner 36:36"
cmp -s "$PICK/small.iso" "$IMAGES/small.iso"
ok $? "... with the same bytes"
keys Enter
gone_window() { ! seen "Uploaded to ISO domain"; }
wait_for 5 gone_window
ok $? "Enter closes the window"

# an existing name: refused, then replaced
keys u
wait_text 5 "$PICK  (folders and *.iso)"
ok $? "the picker opens again in the folder used last"
type_text small
keys Enter
wait_re 5 "Name on the domain +small\.iso"
keys Enter
wait_text 30 "'small.iso' already exists"
ok $? "an existing name is refused without Force"
wait_re 5 "Name on the domain +small\.iso"
ok $? "... and the form stays, to choose again"
cmp -s "$PICK/small.iso" "$IMAGES/small.iso"
ok $? "... the file on the server is untouched"
keys Escape
wait_text 5 "choose a file"
ok $? "Esc goes back to the files"
keys /
type_text big
keys Enter
wait_re 5 "Name on the domain +big\.iso"
keys C-u
type_text "small.iso"
keys Tab Space
wait_re 5 "Force +yes: replace a file of that name"
ok $? "Space sets Force"

# ---------------------------------------------------------------- cancel
# (big.iso as small.iso, with Force: the old small.iso must survive)
throttle_start
keys Enter
wait_for 60 under_way
ok $? "the upload is under way ($(percent)%)"
wait_re 10 "MiB/s, [0-9:]+ left"
ok $? "... showing the rate and the time left"
throttle_stop
keys Escape
wait_text 5 "Cancel the upload of 'small.iso' to storage domain 'isos'?"
ok $? "Esc asks before cancelling"
keys n
wait_gone_dialog() { ! seen "Cancel the upload of"; }
wait_for 5 wait_gone_dialog
ok $? "n keeps it going"
keys x
wait_text 5 "Cancel the upload of 'small.iso'"
ok $? "x asks too"
keys y
wait_text 5 "Cancelling: removing the temporary file"
ok $? "y cancels"
kill -CONT "$spid"
wait_text 30 "Error: The upload of 'small.iso' to 127.0.0.1:$EXP was cancelled."
ok $? "the status line says it was cancelled"
wait_re 5 "Name on the domain +small\.iso"
ok $? "... and the form comes back"
no_part() { [ ! -e "$IMAGES/.small.iso.part" ]; }
wait_for 5 no_part
ok $? "no temporary file is left"
cmp -s "$PICK/small.iso" "$IMAGES/small.iso"
ok $? "... and the old small.iso is unchanged"
wait_re 5 "failed +[^ ]+ +isos +The upload of 'small\.iso' to"
ok $? "the events pane has the cancel"

# in the background: b, then x from the tasks pane
keys C-u
type_text "big.iso"
throttle_start
keys Enter
wait_for 60 under_way
ok $? "another upload is under way"
keys b
wait_text 5 "The upload of 'big.iso' goes on in the tasks pane"
ok $? "b leaves it in the tasks pane"
wait_re 5 "big\.iso +ISO upload +running"
ok $? "... which shows it running"
throttle_stop
keys x
wait_text 5 "Cancel the upload of 'big.iso' to storage domain 'isos'?"
ok $? "x in the main screen asks to cancel it"
keys y
kill -CONT "$spid"
wait_re 30 "big\.iso +ISO upload +cancelled"
ok $? "the task ends cancelled"
wait_for 5 no_final big.iso
ok $? "... leaving no big.iso on the server"
is "$(ls -A "$IMAGES" | tr '\n' ' ')" "small.iso " "only small.iso is there"

# quitting while an upload runs: asked, then cancelled and cleaned up
keys u
wait_text 5 "$PICK  (folders and *.iso)"
ok $? "u opens the picker in the folder used last"
type_text big
keys Enter
wait_re 5 "Name on the domain +big\.iso"
ok $? "big.iso is taken"
keys C-u
type_text "quit.iso"
throttle_start
keys Enter
wait_for 60 under_way
ok $? "a third upload is under way"
keys b q
wait_text 5 "1 task is still running"
ok $? "q asks first while the upload runs"
keys y
throttle_stop
kill -CONT "$spid"
wait_text 30 "virtdeck-exited-0"
ok $? "y quits with exit code 0"
ok "$(no_final quit.iso; echo $?)" "... the upload cancelled, nothing left on the server"
run VDS events
like "$out" "failed .*The upload of 'quit\.iso' .*was cancelled" "... and audited"
done_testing
