#!/usr/bin/env python3
"""`herald search` over 50,000 headlines and 2,000 saved articles, and what the index costs the
refresh.

  python3 bench/search.py [--herald target/release/herald] [--feeds 500 --items 100]
                          [--articles 2000] [--runs 11] [--refresh-runs 3]

Starts ../shared/bench/newsfixture.py on loopback and subscribes a config to its feeds, then:

  refresh       a cold `herald refresh` of every feed into an empty data directory, in turns
                (A B A B ...) with the index kept up to date (A) and with the index's triggers
                dropped from the new database before the refresh (B): the cost of indexing the
                feeds' items as they are written
  saved         `herald read` and `herald comments` of --articles article pages (two at a time),
                which save the article and its comments and index their text
  search        `herald search` of single words, phrases and prefixes, --runs times each: the
                wall time from spawning the process to its exit (printing included), median and
                slowest; and `herald headlines --count` the same way, for the process's own
                start-up beside the search

The fixture's text comes from a vocabulary of 33 words, so its common words match most of the
archive (the hardest case for ranking: every match is scored); `desk 417`-style queries match one
feed's hundred items, as a rarer word would.
"""
import argparse, concurrent.futures, os, shutil, socket, sqlite3, statistics, subprocess, sys
import tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "..", "shared", "bench", "newsfixture.py")

QUERIES = [
    ("word, common", "harvest"),
    ("word, common in articles", "museum"),
    ("word, one feed", "417"),
    ("phrase, common", '"river harvest"'),
    ("phrase, one feed", '"desk 417"'),
    ("prefix, common", "festiv*"),
    ("prefix, 11 feeds", "41*"),
    ("two words AND", "railway AND museum"),
    ("NOT", "bridge NOT river"),
    ("a word of comments only", "reader"),
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def run(cmd, check=True):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1800)
    dt = time.perf_counter() - t
    if check and r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.decode(errors='replace')[-400:]}")
    return dt, r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--herald", default=os.path.join(HERE, "..", "target", "release", "herald"))
    ap.add_argument("--feeds", type=int, default=500)
    ap.add_argument("--items", type=int, default=100)
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--refresh-runs", type=int, default=3)
    a = ap.parse_args()

    port = free_port()
    fixture = subprocess.Popen(
        [sys.executable, FIXTURE, "--port", str(port), "--feeds", str(a.feeds), "--items", str(a.items)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scratch = tempfile.mkdtemp(prefix="herald-search-bench-")
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        config = os.path.join(scratch, "config.toml")
        with open(config, "w") as f:
            for i in range(a.feeds):
                f.write(f'[[feeds]]\nurl = "http://127.0.0.1:{port}/feed/{i}.xml"\n\n')
        herald = lambda data, *args: [a.herald, "--config", config, "--data-dir", data, *args]

        # Refresh, with and without the index's triggers.
        times = {"indexed": [], "not indexed": []}
        data = None
        for n in range(a.refresh_runs):
            for kind in times:
                data = os.path.join(scratch, f"data-{kind.replace(' ', '-')}-{n}")
                run(herald(data, "headlines", "--count"))  # makes the database
                if kind == "not indexed":
                    db = sqlite3.connect(os.path.join(data, "herald.db"))
                    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'").fetchall():
                        db.execute(f"DROP TRIGGER {name}")
                    db.commit()
                    db.close()
                dt, out = run(herald(data, "refresh"))
                times[kind].append(dt)
                print(f"refresh {kind:12} {dt:6.2f} s  {out.decode().strip()}", flush=True)
        for kind, ts in times.items():
            print(f"refresh {kind:12} median {statistics.median(ts):6.2f} s over {len(ts)} runs")
        ratio = statistics.median(times["indexed"]) / statistics.median(times["not indexed"])
        print(f"refresh indexed / not indexed: {ratio:.2f}")

        # Saved articles and comments, in the last indexed data directory.
        data = os.path.join(scratch, f"data-indexed-{a.refresh_runs - 1}")
        pages = [(i, j) for j in range(a.items) for i in range(a.feeds)][: a.articles]
        t = time.perf_counter()

        def save(page):
            url = f"http://127.0.0.1:{port}/article/{page[0]}/{page[1]}.html"
            run(herald(data, "read", url))
            run(herald(data, "comments", url))

        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            list(pool.map(save, pages))
        print(f"saved {len(pages)} articles and their comments in {time.perf_counter() - t:.0f} s")
        db = sqlite3.connect(os.path.join(data, "herald.db"))
        counts = [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("items", "articles", "comments")]
        db.close()
        size = os.path.getsize(os.path.join(data, "herald.db")) / 1e6
        print(f"database: {counts[0]} items, {counts[1]} articles, {counts[2]} comment threads, {size:.0f} MB")

        # Searches.
        print(f"\n{'query':32} {'results':>7} {'median':>8} {'slowest':>8}")
        for label, query in [("(headlines --count)", None)] + QUERIES:
            args = ["headlines", "--count"] if query is None else ["search", "--limit", "20", query]
            samples = []
            out = b""
            for _ in range(a.runs):
                dt, out = run(herald(data, *args))
                samples.append(dt * 1000)
            results = out.decode().count("\n    http") if query else int(out.decode().strip() or 0)
            shown = label if query is None else f"{label}: {query}"
            print(f"{shown:32.32} {results:7} {statistics.median(samples):6.1f}ms {max(samples):6.1f}ms")
    finally:
        fixture.terminate()
        fixture.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
