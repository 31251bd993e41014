#!/usr/bin/env python3
"""bench/keylat.py: key-to-screen latency of a curses program on a pty.

    keylat.py [--cols C] [--rows R] -- PROGRAM [ARGS...]
    keylat.py floor          a trivial curses program, the floor peer

The driver owns the pty master (TERM and the window size set before the
program starts) and drains every byte the program writes, timestamped as it
arrives, so the figures do not include any screen scraper's cost.  It reads
commands on stdin, one per line, and answers each with one line on stdout
(run it as a bash coprocess):

    quiet MS MAX_MS     wait until the program has been silent for MS ms
                        since its last output or our last write (at most
                        MAX_MS); answers "ok" or "busy"
    send TEXT           write TEXT (Python escapes, e.g. \\r) to the program
    measure FILE N KEY GAP_MS MARKER
                        N times, GAP_MS apart (or as soon as the previous
                        answer allows): wait for 50 ms of silence, write KEY, time
                        the program's answer, write KEY again (untimed) to
                        undo it; FILE gets one line per key: microseconds to
                        the first byte, to the first byte after which the
                        output holds MARKER (a bytes regex: the answer, not a
                        periodic repaint), and to the end of the burst (the
                        last byte before 20 ms of silence); -1 when MARKER
                        did not come within 5 s.  FILE.bg gets the
                        bursts of output no key asked for (the program's
                        own repaints) and the phase's seconds.  Answers
                        "ok".
    quit                end the program (SIGTERM, then SIGKILL)

A key is written with one write(); the clock is CLOCK_MONOTONIC in this
process, read right after that write and right after each read returns."""
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

QUIET_BEFORE_MS = 50
BURST_END_MS = 20
MARKER_TIMEOUT_MS = 5000


def now_us():
    return time.monotonic_ns() // 1000


class Pty:
    def __init__(self, argv, cols, rows):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(os.environ, TERM=os.environ.get("TERM", "screen-256color"),
                   COLUMNS=str(cols), LINES=str(rows))

        def ctty():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave,
                                     stderr=slave, env=env,
                                     start_new_session=True,
                                     preexec_fn=ctty, close_fds=True)
        os.close(slave)
        self.last_out = self.last_byte = now_us()
        self.eof = False
        self.bursts = 0     # output after BURST_END_MS of silence

    def pump(self, timeout_ms, extra=()):
        """Wait up to timeout_ms for output (or a readable fd in extra);
        returns [(time_us, bytes)] read and the readable extra fds."""
        fds = [] if self.eof else [self.master]
        r, _, _ = select.select(fds + list(extra), [], [],
                                max(timeout_ms, 0) / 1000.0)
        got = []
        if self.master in r:
            t = now_us()
            try:
                data = os.read(self.master, 65536)
            except OSError:
                data = b""
            if data:
                if t - self.last_byte >= BURST_END_MS * 1000:
                    self.bursts += 1
                self.last_out = self.last_byte = t
                got.append((t, data))
            else:
                self.eof = True
        return got, [f for f in r if f != self.master]

    def quiet(self, ms, max_ms):
        end = now_us() + max_ms * 1000
        while True:
            t = now_us()
            if self.eof:
                return False
            if t - self.last_out >= ms * 1000:
                return True
            if t >= end:
                return False
            self.pump(min(ms - (t - self.last_out) / 1000,
                          (end - t) / 1000))

    def write(self, data):
        """Write data; silence is then counted from now, so a quiet()
        after it waits for the answer to come and end."""
        os.write(self.master, data)
        t = now_us()
        self.last_out = max(self.last_out, t)
        return t

    def one_key(self, key, marker):
        self.quiet(QUIET_BEFORE_MS, 2000)
        out = b""
        first = seen = last = -1
        t0 = self.write(key)
        deadline = t0 + MARKER_TIMEOUT_MS * 1000
        while not self.eof:
            t = now_us()
            if seen < 0 and t >= deadline:
                break
            if seen >= 0 and t - last >= BURST_END_MS * 1000:
                break
            wait = (BURST_END_MS - (t - last) / 1000 if seen >= 0
                    else (deadline - t) / 1000)
            for ts, data in self.pump(wait)[0]:
                if first < 0:
                    first = ts
                last = ts
                out += data
                if seen < 0 and marker.search(out):
                    seen = ts
        self.last_answer = out
        if seen < 0:
            return (first - t0 if first >= 0 else -1, -1, -1)
        return (first - t0, seen - t0, last - t0)

    def measure(self, path, n, key, gap_ms, marker):
        bursts0, t_start = self.bursts, now_us()
        with open(path, "w") as f:
            for i in range(n):
                # keys start gap_ms apart (or later), answers permitting
                while now_us() < t_start + i * gap_ms * 1000:
                    self.pump((t_start + i * gap_ms * 1000 - now_us()) / 1000)
                first, seen, end = self.one_key(key, marker)
                f.write("%d %d %d\n" % (first, seen, end))
                f.flush()
                if os.environ.get("KEYLAT_RAW"):
                    with open(os.environ["KEYLAT_RAW"], "ab") as r:
                        r.write(b"\n=== %d %d %d\n" % (first, seen, end)
                                + self.last_answer)
                # undo (the same toggle), untimed
                self.quiet(QUIET_BEFORE_MS, 2000)
                self.write(key)
                self.quiet(QUIET_BEFORE_MS, 2000)
        # bursts no key asked for: the program's own repaints (its
        # periodic refreshes), per second
        took = (now_us() - t_start) / 1e6
        with open(path + ".bg", "w") as f:
            f.write("%d %.1f\n" % (self.bursts - bursts0 - 2 * n, took))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            end = time.monotonic() + 3
            while self.proc.poll() is None and time.monotonic() < end:
                self.pump(50)
            if self.proc.poll() is None:
                self.proc.kill()
        self.proc.wait()


def unescape(s):
    return s.encode().decode("unicode_escape").encode("latin-1")


def driver(argv, cols, rows):
    p = Pty(argv, cols, rows)
    buf = b""
    stdin = sys.stdin.fileno()
    try:
        while True:
            _, ready = p.pump(1000, [stdin])
            if stdin not in ready:
                continue
            chunk = os.read(stdin, 4096)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                w = line.decode().split(" ")
                if w[0] == "quiet":
                    ok = p.quiet(int(w[1]), int(w[2]))
                    answer = "ok" if ok else "busy"
                elif w[0] == "send":
                    p.write(unescape(line.decode()[5:]))
                    answer = "ok"
                elif w[0] == "measure":
                    p.measure(w[1], int(w[2]), unescape(w[3]), int(w[4]),
                              re.compile(unescape(" ".join(w[5:]))))
                    answer = "ok"
                elif w[0] == "quit":
                    p.stop()
                    print("ok", flush=True)
                    return 0
                else:
                    answer = "error: unknown command " + w[0]
                print(answer, flush=True)
    finally:
        p.stop()
    return 0


def floor():
    """A trivial curses program: a full screen of text, and t toggles a
    box titled like the console's tasks pane; q quits."""
    import curses

    def main(scr):
        curses.curs_set(0)
        rows, cols = scr.getmaxyx()
        for y in range(rows - 1):
            scr.addnstr(y, 0, ("row %d " % y) * (cols // 6), cols - 1)
        box = curses.newwin(rows // 3, cols, rows - rows // 3 - 1, 0)
        shown = False
        scr.refresh()
        while True:
            c = scr.getch()
            if c == ord("q"):
                return
            if c == ord("t"):
                shown = not shown
                if shown:
                    box.erase()
                    box.box()
                    box.addstr(0, 2, " Tasks (0 running of 0) ")
                    box.refresh()
                else:
                    scr.touchwin()
                    scr.refresh()

    curses.wrapper(main)
    return 0


def main():
    args = sys.argv[1:]
    if args == ["floor"]:
        return floor()
    cols, rows = 200, 60
    while args and args[0] != "--":
        if args[0] == "--cols":
            cols = int(args[1])
        elif args[0] == "--rows":
            rows = int(args[1])
        else:
            sys.exit("usage: keylat.py [--cols C] [--rows R] -- PROGRAM...")
        args = args[2:]
    if not args[1:]:
        sys.exit("usage: keylat.py [--cols C] [--rows R] -- PROGRAM...")
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return driver(args[1:], cols, rows)


if __name__ == "__main__":
    sys.exit(main())
