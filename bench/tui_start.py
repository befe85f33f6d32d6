#!/usr/bin/env python3
"""The app's start-up, memory and idle CPU over 50,000 cached headlines, in a pseudo-terminal.

  python3 bench/tui_start.py [--herald target/release/herald] [--feeds 500 --items 100] [--runs 7]
                             [--idle 10] [--newsboat]

200,000 headlines: --feeds 1000 --items 200.

Starts ../shared/bench/newsfixture.py on loopback, subscribes a config to its feeds, runs
`herald refresh` once into a scratch data directory, then starts the app (`herald --config
--data-dir`, no subcommand) --runs times in a pseudo-terminal of --cols x --rows and measures:

  first frame   from spawning the process to the moment the terminal has received the whole
                first screen: the headlines pane's title with its unread count
                (`Headlines (50000 unread)`) and, on the last row, the status line with the
                number of headlines (`50000 headlines`). ratatui writes a frame top to bottom,
                so the status line arriving means every row above it has arrived.
  peak memory   VmHWM of /proc/PID/status once the terminal has been quiet for 0.3 s after
                the first frame (start-up done, the whole list read), and again after scrolling
                (j x 20, PgDn x 5, Home, End, Home), the largest of the two; End must show the
                oldest headline's title (the whole list is there, not a first page, and the
                titles of its end have been read)
  resident      VmRSS once back at the top after that scrolling
  view switch   from sending `U` (unread only) to the status line saying so, `U` again back to
                all headlines, the same for `*` (starred only): four times, each a key to the
                frame showing its answer
  idle CPU      utime+stime of /proc/PID/stat over --idle seconds with nothing playing and no
                key pressed (first run only), as % of one core
then quits with `q` and checks that the process exits. Prints every run and the medians.

With --newsboat (and newsboat installed) the same site is loaded into newsboat's cache and the
time until newsboat's UI shows its feed list (`Your feeds`) is measured the same way, in turns
with herald, for a ratio measured in one run.
"""
import argparse, fcntl, json, os, re, shutil, signal, socket, statistics, struct, subprocess
import sys, tempfile, termios, threading, time, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "..", "shared", "bench", "newsfixture.py")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Style changes and cursor moves, for finding text in what the terminal received.
SGR = re.compile(rb"\x1b\[[0-9;:?]*m")
CSI = re.compile(rb"\x1b(\[[0-9;:?]*[A-Za-z@`]|[()][0-9A-Za-z]|[=>78])")
KEYS = {"down": b"j", "page_down": b"f", "end": b"G", "home": b"g", "quit": b"q",
        "unread_only": b"U", "starred_only": b"*"}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Screen:
    """The terminal's cells as what was written draws them: cursor moves, erases and text
    (style changes skipped), fed as the bytes arrive."""
    SEQ = re.compile(rb"\x1b\[([0-9;:?]*)([A-Za-z@`])|\x1b[()][0-9A-Za-z]|\x1b[=>78]")

    def __init__(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.cells = [[" "] * cols for _ in range(rows)]
        self.row = self.col = 0
        self.pending = b""

    def put(self, ch):
        if ch == "\r":
            self.col = 0
        elif ch == "\n":
            self.row = min(self.row + 1, self.rows - 1)
        elif ch >= " " and self.row < self.rows:
            wide = unicodedata.east_asian_width(ch) in "WF"
            if self.col < self.cols:
                self.cells[self.row][self.col] = ch
            self.col += 2 if wide else 1

    def csi(self, params, final):
        nums = [int(n) if n.isdigit() else 0 for n in params.decode().lstrip("?").split(";")]
        if final == b"H":
            self.row = max((nums[0] if nums else 1) - 1, 0)
            self.col = max((nums[1] if len(nums) > 1 else 1) - 1, 0)
        elif final == b"J" and nums and nums[0] == 2:
            self.cells = [[" "] * self.cols for _ in range(self.rows)]
        elif final == b"K" and self.row < self.rows:
            for c in range(self.col, self.cols):
                self.cells[self.row][c] = " "

    def feed(self, data):
        data = self.pending + data
        self.pending = b""
        at = 0
        while at < len(data):
            esc = data.find(b"\x1b", at)
            if esc < 0:
                # Text to the end, less a character cut short: it comes with the next bytes.
                text = data[at:]
                for cut in range(4):
                    try:
                        decoded = text[:len(text) - cut].decode("utf-8")
                        break
                    except UnicodeDecodeError:
                        continue
                else:
                    decoded, cut = text.decode("utf-8", errors="replace"), 0
                for ch in decoded:
                    self.put(ch)
                self.pending = text[len(text) - cut:] if cut else b""
                return
            for ch in data[at:esc].decode("utf-8", errors="replace"):
                self.put(ch)
            m = self.SEQ.match(data, esc)
            if m is None:
                if len(data) - esc < 32:  # a sequence cut short: it ends in the next bytes
                    self.pending = data[esc:]
                    return
                at = esc + 1
                continue
            if m.group(2):
                self.csi(m.group(1), m.group(2))
            at = m.end()

    def line(self, row):
        return "".join(self.cells[row])


def visible_text(raw):
    """What was written, style changes dropped and cursor moves turned into one separator."""
    return CSI.sub(b"\x00", SGR.sub(b"", raw)).decode("utf-8", errors="replace")


class PtyProcess:
    """A command in a pseudo-terminal of its own, everything it writes collected as it arrives."""

    def __init__(self, cmd, cols, rows, env):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

        def controlling_terminal():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     preexec_fn=controlling_terminal, close_fds=True)
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self.screen, self.fed = Screen(cols, rows), 0
        self.closed = False
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                chunk = b""
            with self.changed:
                if not chunk:
                    self.closed = True
                    self.changed.notify_all()
                    return
                self.output += chunk
                self.changed.notify_all()

    def wait_for(self, patterns, timeout):
        """Seconds from spawn until every pattern is in the output, or None on timeout."""
        deadline = time.perf_counter() + timeout
        with self.changed:
            while True:
                text = visible_text(bytes(self.output))
                if all(p in text for p in patterns):
                    return time.perf_counter() - self.started
                left = deadline - time.perf_counter()
                if left <= 0 or self.closed:
                    return None
                self.changed.wait(min(left, 0.05))

    def key_to_screen(self, keys, row, says, timeout=10):
        """Seconds from sending `keys` until screen row `row` shows `says`."""
        with self.changed:
            self.screen.feed(bytes(self.output[self.fed:]))
            self.fed = len(self.output)
        t0 = time.perf_counter()
        self.send(keys)
        deadline = t0 + timeout
        with self.changed:
            while True:
                self.screen.feed(bytes(self.output[self.fed:]))
                self.fed = len(self.output)
                if says in self.screen.line(row):
                    return time.perf_counter() - t0
                left = deadline - time.perf_counter()
                if left <= 0 or self.closed:
                    return None
                self.changed.wait(min(left, 0.005))

    def wait_quiet(self, quiet=0.3, timeout=10):
        """Waits until nothing has been written for `quiet` seconds."""
        deadline = time.perf_counter() + timeout
        with self.changed:
            seen = len(self.output)
        while time.perf_counter() < deadline:
            time.sleep(quiet)
            with self.changed:
                if len(self.output) == seen:
                    return
                seen = len(self.output)

    def send(self, keys):
        os.write(self.master, keys)

    def status(self, field):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])  # kB
        return 0

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # utime and stime, fields 14 and 15 of stat(5), counting from the state as field 3.
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def quit(self, keys, timeout=10):
        self.send(keys)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
            print(f"! did not quit within {timeout} s", file=sys.stderr)
        self.reader.join(2)
        os.close(self.master)
        return code


def run_herald(a, herald_cmd, env, count, last_title, idle):
    p = PtyProcess(herald_cmd, a.cols, a.rows, env)
    first = p.wait_for([f"Headlines ({count} unread)", f"{count} headlines"], a.timeout)
    if first is None:
        p.quit(b"\x03")
        tail = visible_text(bytes(p.output))[-600:]
        sys.exit(f"! no first frame within {a.timeout} s; the terminal received:\n{tail}")
    p.wait_quiet()
    hwm_first = p.status("VmHWM")  # start-up done: the first frame, then the whole list
    for _ in range(20):
        p.send(KEYS["down"])
    for _ in range(5):
        p.send(KEYS["page_down"])
    p.send(KEYS["home"])
    p.wait_quiet()
    p.send(KEYS["end"])
    p.wait_quiet()
    # End must reach the oldest headline, its title read: the whole list is there, not just
    # a first page. Read off the screen as drawn (ratatui writes only the cells that change).
    with p.changed:
        p.screen.feed(bytes(p.output[p.fed:]))
        p.fed = len(p.output)
        at_end = any(last_title in p.screen.line(r) for r in range(a.rows))
    p.send(KEYS["home"])
    p.wait_quiet()
    hwm = max(hwm_first, p.status("VmHWM"))
    rss = p.status("VmRSS")
    # Each switch answers in the status line, the last row.
    switches = {}
    for name, key, says in [("unread", "unread_only", "unread only: "),
                            ("unread back", "unread_only", f"all {count} headlines"),
                            ("starred", "starred_only", "starred only: "),
                            ("starred back", "starred_only", f"all {count} headlines")]:
        took = p.key_to_screen(KEYS[key], a.rows - 1, says)
        switches[name] = None if took is None else took * 1000
        p.wait_quiet()
    cpu = None
    if idle:
        before, t0 = p.cpu_seconds(), time.perf_counter()
        time.sleep(a.idle)
        cpu = (p.cpu_seconds() - before) / (time.perf_counter() - t0) * 100
    code = p.quit(KEYS["quit"])
    return {"first_ms": first * 1000, "hwm_first_mb": hwm_first / 1024, "hwm_mb": hwm / 1024,
            "rss_mb": rss / 1024, "idle_cpu": cpu, "exit": code, "at_end": at_end,
            "switch_ms": switches, "slowest_switch_ms": max((v for v in switches.values()
                                                            if v is not None), default=None),
            "switches_seen": all(v is not None for v in switches.values())}


def run_newsboat(a, cmd, env):
    p = PtyProcess(cmd, a.cols, a.rows, env)
    first = p.wait_for(["Your feeds"], a.timeout)
    hwm = p.status("VmHWM") / 1024 if first is not None else None
    p.wait_quiet()
    p.quit(b"q")
    return {"first_ms": None if first is None else first * 1000, "hwm_mb": hwm}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--herald", default=os.path.join(HERE, "..", "target", "release", "herald"))
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=100)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--idle", type=float, default=10, help="seconds of idle CPU measured")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--newsboat", action="store_true", help="also time newsboat's UI, in turns")
    a = ap.parse_args()
    herald = os.path.abspath(a.herald)
    port = free_port()
    site = subprocess.Popen([sys.executable, FIXTURE, "--port", str(port), "--feeds", str(a.feeds),
                             "--items", str(a.items), "--latency-ms", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    work = tempfile.mkdtemp(prefix="tui-start-")
    try:
        site.stdout.readline()
        urls = [f"http://127.0.0.1:{port}/feed/{i}.xml" for i in range(a.feeds)]
        config = os.path.join(work, "herald.toml")
        with open(config, "w") as f:
            f.write("".join(f'[[feeds]]\nurl = "{u}"\n\n' for u in urls))
        alsa = os.path.join(work, "asound.conf")
        with open(alsa, "w") as f:
            f.write("\n")
        env = dict(os.environ, HOME=work, XDG_CONFIG_HOME=work, XDG_DATA_HOME=work,
                   XDG_CACHE_HOME=work, TERM="xterm-256color", ALSA_CONFIG_PATH=alsa)
        cmd = [herald, "--config", config, "--data-dir", os.path.join(work, "data")]
        t = time.perf_counter()
        subprocess.run(cmd + ["refresh"], env=env, stdout=subprocess.DEVNULL, check=True)
        print(f"herald refresh: {time.perf_counter() - t:.2f} s", file=sys.stderr)
        count = int(subprocess.run(cmd + ["headlines", "--count"], env=env, stdout=subprocess.PIPE,
                                   check=True).stdout.decode().strip())
        # The oldest headline, which End must reach.
        listed = subprocess.run(cmd + ["headlines", "--json"], env=env, stdout=subprocess.PIPE,
                                check=True).stdout
        last_title = json.loads(listed)[-1]["title"]
        nb_cmd = None
        if a.newsboat and shutil.which("newsboat"):
            with open(os.path.join(work, "urls"), "w") as f:
                f.write("\n".join(urls) + "\n")
            with open(os.path.join(work, "nb.conf"), "w") as f:
                f.write("reload-threads 8\n")
            nb_cmd = ["newsboat", "-u", f"{work}/urls", "-c", f"{work}/nb-cache.db", "-C", f"{work}/nb.conf"]
            t = time.perf_counter()
            subprocess.run(nb_cmd + ["-x", "reload"], env=env, stdout=subprocess.DEVNULL, check=True)
            print(f"newsboat reload: {time.perf_counter() - t:.2f} s", file=sys.stderr)
        elif a.newsboat:
            print("! newsboat is not installed: herald only", file=sys.stderr)

        print(f"{count} cached headlines ({a.feeds} feeds x {a.items} items), {a.cols}x{a.rows} terminal")
        runs, nb_runs = [], []
        for i in range(a.runs):
            r = run_herald(a, cmd, env, count, last_title, idle=(i == 0))
            runs.append(r)
            idle = f"  idle CPU {r['idle_cpu']:.2f}% over {a.idle:g} s" if r["idle_cpu"] is not None else ""
            switches = "  ".join(f"{k} {'none' if v is None else f'{v:.1f}'}"
                                 for k, v in r["switch_ms"].items())
            print(f"run {i + 1}: first frame {r['first_ms']:7.1f} ms  peak RSS {r['hwm_mb']:5.1f} MB"
                  f" (after start-up {r['hwm_first_mb']:5.1f} MB, resident back at the top"
                  f" {r['rss_mb']:5.1f} MB)  End reached the last: {r['at_end']}"
                  f"  exit {r['exit']}{idle}\n        view switches (ms): {switches}", flush=True)
            if nb_cmd:
                n = run_newsboat(a, nb_cmd, env)
                nb_runs.append(n)
                shown = "none" if n["first_ms"] is None else f"{n['first_ms']:7.1f} ms"
                print(f"        newsboat feed list {shown}  RSS {n['hwm_mb'] or 0:5.1f} MB", flush=True)
        med = lambda k, rs: statistics.median(r[k] for r in rs if r[k] is not None)
        print(f"median of {a.runs}: first frame {med('first_ms', runs):.1f} ms, "
              f"peak RSS {med('hwm_mb', runs):.1f} MB, resident {med('rss_mb', runs):.1f} MB, "
              f"slowest view switch {med('slowest_switch_ms', runs):.1f} ms, idle CPU "
              f"{runs[0]['idle_cpu']:.2f}% (first run); End reached the last headline, every "
              f"switch was seen and q exited 0 in every run: "
              f"{all(r['exit'] == 0 and r['at_end'] and r['switches_seen'] for r in runs)}")
        if nb_runs and any(n["first_ms"] for n in nb_runs):
            nb = med("first_ms", nb_runs)
            print(f"newsboat 8 threads, feed list shown: median {nb:.1f} ms, peak RSS "
                  f"{med('hwm_mb', nb_runs):.1f} MB; ratio herald/newsboat {med('first_ms', runs) / nb:.4f}")
        # How long the store's thread took to read the whole list, as the app logged it.
        try:
            with open(os.path.join(work, "data", "herald.log")) as f:
                reads = [l.strip() for l in f if "the list read" in l]
            print("the store read the whole list (from the app's log): "
                  + "; ".join(r.split("store: ", 1)[-1] for r in reads[:a.runs]))
        except OSError:
            pass
    finally:
        site.send_signal(signal.SIGTERM)
        site.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
