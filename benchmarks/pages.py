"""Datasette page times on a figtrace database; prints the median of 10 requests per page.

    python benchmarks/pages.py [--db db/news.db] [--requests 10]

Starts ``analyze serve`` on a free port of 127.0.0.1 and requests the pages a reader opens
first: the database page, the default page of each table, a facet, the page of the
largest figure and of one claim, and the canned queries with a figure typed in.
"""

from __future__ import annotations

import argparse
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pages(db_path: Path) -> list[str]:
    """The paths to time, from what the database holds."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    name = db_path.stem
    largest, surface = db.execute(
        "select f.id, c.surface from figures f join claims c on c.id = f.first_claim_id order by f.n_claims desc limit 1"
    ).fetchone()
    claim = db.execute("select id from claims order by rowid limit 1").fetchone()[0]
    quote = urllib.parse.quote
    return [
        f"/{name}",
        f"/{name}/claims",
        f"/{name}/figures",
        f"/{name}/articles",
        f"/{name}/mutations",
        f"/{name}/claims?_facet=unit",
        f"/{name}/figures/{quote(largest)}",
        f"/-/figtrace/claim/{name}/{quote(claim)}",
        f"/{name}/trace_figure?figure={quote(surface)}",
        f"/{name}/first_appearance",
        f"/{name}/most_mutated",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "db" / "news.db")
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"error: {args.db}: no such database; run `analyze ingest corpus/` first (or pass --db)")
    port = free_port()
    analyze = Path(sys.executable).parent / "analyze"
    server = subprocess.Popen([str(analyze), "serve", "--db", str(args.db), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        claims = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True).execute("select count(*) from claims").fetchone()[0]
        print(f"{args.db}: {claims:,} claims; median of {args.requests} requests per page")
        for path in pages(args.db):
            timings, size, status = [], 0, None
            for _ in range(args.requests):
                started = time.perf_counter()
                try:
                    with urllib.request.urlopen(base + path, timeout=60) as response:
                        size, status = len(response.read()), response.status
                except urllib.error.HTTPError as error:
                    size, status = len(error.read()), error.code
                timings.append((time.perf_counter() - started) * 1000)
            print(f"{statistics.median(timings):8.0f} ms  {size / 1024:7.0f} kB  {status}  {path[:110]}")
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
