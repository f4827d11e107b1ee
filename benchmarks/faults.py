"""Fault and fuzz benchmark: tries to break figtrace the way a careful tester would, and
prints what was tried, what held and what broke.

    python benchmarks/faults.py [--articles 200] [--kills 8] [--interrupts 4] [--seed 1]
                                [--only GROUP ...] [--keep DIR]

Everything runs on temporary copies, through the ``analyze`` command as a user runs it:

- **kill -9** at random moments of an ingest of generated articles, then a rerun: the
  database must equal a clean run's (every content table, ``inputs`` included), with no
  duplicate or orphan row, ``PRAGMA integrity_check`` ok, and every run row ended;
- **SIGINT** the same way (the run row must say ``interrupted`` at once);
- **kill -9 during an update**: 20 new articles ingested into 12,000 synthetic claims (so
  figures are updated, not rebuilt), killed at random moments (half in the last third,
  where the update runs), then a rerun: figures, mutations, word counts and the claim
  index must equal an uninterrupted ingest's, every claim traced;
- **three concurrent ingests** of thirds of the corpus into one new database: all finish,
  and the result equals one ingest of the whole;
- **bad input**: each kind the README names and the hardening issue found (binary, broken
  UTF-8, empty, oversized, malformed header or JSON, FIFOs, symlink loops, nesting deeper
  than lxml parses, non-finite numbers, hostile URLs): one line naming the file, no
  traceback, the good file stored, no non-finite value;
- **the database**: a file that is not SQLite, a read-only file, a full disk (a small
  tmpfs when this process may mount one), a file overwritten by a copy of another;
- **HTTP** against ``analyze serve``: hostile payloads in every stored text field checked
  in the raw HTML of every figtrace page, injections in canned-query parameters, writes,
  POSTs, unknown paths, the cost of a 404 against a normal page, and serving while an
  ingest writes.

It ends with a table of tried / held / broke per group; a clean run ends with 0 broke.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest import build_corpus  # noqa: E402  (the generated corpus of benchmarks/ingest.py)

DEMO_CORPUS = ROOT / "corpus"
ANALYZE = [sys.executable, "-c", "from pipeline.cli import main; main()"]
CONTENT_TABLES = ("articles", "sentences", "claims", "entities", "entity_mentions", "entity_spellings", "article_names", "figures",
                  "mutations", "inputs", "article_overlaps")
RUN_COLUMNS = {"ingested_at", "run_id"}


class Tally:
    """What was tried, per group, and what broke (with why)."""

    def __init__(self):
        self.groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.failures: list[str] = []

    def check(self, group: str, name: str, held: bool, detail: str = "") -> bool:
        self.groups[group][0] += 1
        self.groups[group][1] += bool(held)
        if not held:
            self.failures.append(f"{group}: {name}: {detail}".rstrip(": "))
        print(f"  {'held ' if held else 'BROKE'}  {group}: {name}" + (f" ({detail})" if detail and not held else ""), flush=True)
        return held

    def table(self) -> str:
        lines = [f"{'group':<14} {'tried':>5} {'held':>5} {'broke':>5}"]
        for group, (tried, held) in self.groups.items():
            lines.append(f"{group:<14} {tried:>5} {held:>5} {tried - held:>5}")
        tried = sum(t for t, _ in self.groups.values())
        held = sum(h for _, h in self.groups.values())
        lines.append(f"{'all':<14} {tried:>5} {held:>5} {tried - held:>5}")
        return "\n".join(lines)


def analyze(*args, check=False, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*ANALYZE, *map(str, args)], capture_output=True, text=True, check=check, cwd=ROOT, **kwargs)


def ingest_cmd(corpus, db_path, *extra) -> list[str]:
    return [*ANALYZE, "ingest", str(corpus), "--db", str(db_path), "--no-progress", *map(str, extra)]


# --------------------------------------------------------------------------- database checks


def fingerprint(db_path: Path) -> str:
    """A hash of every content row (run bookkeeping left out): equal for equal databases."""
    connection = sqlite3.connect(db_path)
    digest = hashlib.sha256()
    for table in CONTENT_TABLES:
        cursor = connection.execute(f"select * from [{table}]")
        names = [d[0] for d in cursor.description]
        rows = sorted(repr([(n, v) for n, v in zip(names, row) if n not in RUN_COLUMNS]) for row in cursor)
        digest.update(table.encode())
        for row in rows:
            digest.update(row.encode())
    connection.close()
    return digest.hexdigest()[:16]


def problems(db_path: Path) -> list[str]:
    """Why this database is not whole: integrity, orphans, duplicates, half articles,
    claims outside figures, non-finite values, runs that never ended."""
    connection = sqlite3.connect(db_path)
    found = []
    if connection.execute("pragma integrity_check").fetchone()[0] != "ok":
        found.append("integrity_check failed")
    checks = [(f"orphan {table}", f"select count(*) from [{table}] where article_id not in (select id from articles)")
              for table in ("sentences", "claims", "entity_mentions", "article_names", "inputs")]  # fmt: skip
    checks += [
        ("articles no input holds", "select count(*) from articles where id not in (select article_id from inputs)"),
        ("articles without their names", "select count(*) from articles where id not in (select article_id from article_names)"),
        ("duplicate articles", "select count(*) - count(distinct content_hash) from articles"),
        ("articles without sentences", "select count(*) from articles where id not in (select article_id from sentences)"),
        ("claims in no figure", "select count(*) from claims where figure_id is null"),
        ("claims with a non-finite value",
         "select count(*) from claims where abs(value) > 1e300 or abs(value_low) > 1e300 or abs(value_high) > 1e300"),
        ("runs still marked running",
         "select count(*) from runs where finished_at is null and coalesce(status, 'running') = 'running'"),
    ]  # fmt: skip
    for what, sql in checks:
        n = connection.execute(sql).fetchone()[0]
        if n:
            found.append(f"{n} {what}")
    connection.close()
    return found


def count(db_path: Path, sql: str, params=()) -> int:
    connection = sqlite3.connect(db_path)
    try:
        return connection.execute(sql, params).fetchone()[0]
    finally:
        connection.close()


# --------------------------------------------------------------------------- interruption


def interruptions(tally: Tally, work: Path, corpus: Path, reference: Path, clean_seconds: float, kills: int, interrupts: int, rng: random.Random) -> None:
    trials = [("kill -9", signal.SIGKILL)] * kills + [("SIGINT", signal.SIGINT)] * interrupts
    for number, (group, sig) in enumerate(trials):
        db_path = work / f"interrupted_{number}.db"
        delay = rng.uniform(0.5, clean_seconds)
        process = subprocess.Popen(ingest_cmd(corpus, db_path, "--batch-size", 8), cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
        time.sleep(delay)
        finished_first = process.poll() is not None
        if not finished_first:
            process.send_signal(sig)
        _, stderr = process.communicate(timeout=120)
        moment = f"at {delay:.1f}s" + (" (it had finished)" if finished_first else "")
        if db_path.exists():
            # (killed before the schema was written, the file may hold no tables yet)
            has_articles = count(db_path, "select count(*) from sqlite_master where name = 'articles'")
            stored = count(db_path, "select count(*) from articles") if has_articles else 0
            if sig == signal.SIGINT and not finished_first:
                # Interrupted before its run row was written, there is none to mark; a signal
                # that lands after the run ended (while the process exits) finds it finished,
                # which is true only when everything was stored.
                statuses = [r[0] for r in sqlite3.connect(db_path).execute("select status from runs")]
                ended_first = statuses == ["finished"] and fingerprint(db_path) == fingerprint(reference)
                tally.check(group, f"run marked interrupted {moment}", statuses in ([], ["interrupted"]) or ended_first,
                            f"runs: {statuses}")  # fmt: skip
                tally.check(group, f"no traceback {moment}", "Traceback" not in stderr, stderr.strip()[-200:])
        else:
            stored = 0
        rerun = subprocess.run(ingest_cmd(corpus, db_path), cwd=ROOT, capture_output=True, text=True)
        broken = problems(db_path)
        same = fingerprint(db_path) == fingerprint(reference)
        tally.check(group, f"{moment}, {stored} articles stored, rerun equals a clean run",
                    rerun.returncode == 0 and not broken and same,
                    f"exit {rerun.returncode}; {broken}; same={same}; {rerun.stderr.strip()[-200:]}")  # fmt: skip


def figure_fingerprint(db_path: Path) -> str:
    """A hash of what figure maintenance writes: figures, mutations, each claim's figure,
    the word counts and the claim indexes."""
    connection = sqlite3.connect(db_path)
    digest = hashlib.sha256()
    for sql in ("select * from figures order by id", "select * from mutations order by id",
                "select id, figure_id from claims order by id", "select * from trace_terms order by space, term",
                "select * from trace_postings order by term, value, claim",
                "select * from trace_postings_added order by term, value, claim",
                "select * from trace_range_postings order by term, low, claim"):  # fmt: skip
        for row in connection.execute(sql):
            digest.update(repr(row).encode())
    connection.close()
    return digest.hexdigest()[:16]


def update_interruptions(tally: Tally, work: Path, kills: int, rng: random.Random) -> None:
    """kill -9 while new articles are ingested into a database large enough to be updated,
    not rebuilt (synthetic claims built as benchmarks/figures_scale.py builds them), then a
    rerun: figures, mutations, word counts and index must equal an uninterrupted ingest's."""
    from figures_scale import build

    from pipeline.database import write_transaction
    from pipeline.store import open_db
    from pipeline.tracing import UPDATE_FROM_CLAIMS, needs_rebuild, update_figures

    source = work / "update_source.db"  # (whose claims the synthetic ones are drawn like)
    analyze("ingest", DEMO_CORPUS, "--db", source, "--no-progress", check=True)
    base = work / "update_base.db"
    build(base, UPDATE_FROM_CLAIMS + 2_000, source, seed=1)
    db = open_db(base)
    with write_transaction(db):
        update_figures(db)
    db.close()
    added = work / "update_corpus"
    build_corpus(added, 20, seed=5)
    reference = work / "update_reference.db"
    shutil.copy(base, reference)
    started = time.perf_counter()
    clean = subprocess.run(ingest_cmd(added, reference, "--batch-size", 4), cwd=ROOT, capture_output=True, text=True)
    clean_seconds = time.perf_counter() - started
    print(f"clean ingest of 20 generated articles into {UPDATE_FROM_CLAIMS + 2_000:,} synthetic claims:"
          f" {clean_seconds:.1f}s, exit {clean.returncode}")  # fmt: skip
    # The reference must be sound, and made by an update: the stored figures are not due a
    # rebuild (enough claims, articles and index), and 20 articles change far under a quarter.
    db = open_db(base)
    updates = not needs_rebuild(db)
    db.close()
    if not tally.check("kill -9 update", "the uninterrupted ingest updates figures, exits 0, every claim traced",
                       updates and clean.returncode == 0 and not count(reference, "select count(*) from claims where figure_id is null"),
                       f"update: {updates}; exit {clean.returncode}; {clean.stderr.strip()[-200:]}"):  # fmt: skip
        return
    for number in range(kills):
        db_path = work / f"update_{number}.db"
        shutil.copy(base, db_path)
        # (half the moments in the last third: the update runs at the end of the ingest)
        delay = rng.uniform(0.3, clean_seconds) if number % 2 else rng.uniform(clean_seconds * 2 / 3, clean_seconds)
        process = subprocess.Popen(ingest_cmd(added, db_path, "--batch-size", 4), cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(delay)
        finished_first = process.poll() is not None
        if not finished_first:
            process.kill()
        process.wait(timeout=120)
        moment = f"at {delay:.1f}s of {clean_seconds:.1f}s" + (" (it had finished)" if finished_first else "")
        stored = count(db_path, "select count(*) from articles where path not like 'synthetic/%'")
        if stored == 20 and count(db_path, "select count(*) from claims where figure_id is null"):
            moment += ", during the figure update"  # (every article stored, its claims not yet traced)
        rerun = subprocess.run(ingest_cmd(added, db_path), cwd=ROOT, capture_output=True, text=True)
        whole = count(db_path, "select count(*) from pragma_integrity_check where integrity_check = 'ok'") == 1
        same = figure_fingerprint(db_path) == figure_fingerprint(reference)
        untraced = count(db_path, "select count(*) from claims where figure_id is null")
        tally.check("kill -9 update", f"{moment}, {stored} of 20 articles stored, rerun's figures equal a clean run's",
                    rerun.returncode == 0 and whole and same and not untraced,
                    f"exit {rerun.returncode}; integrity {whole}; same={same}; {untraced} untraced")  # fmt: skip


def concurrent_ingests(tally: Tally, work: Path, corpus: Path, reference: Path) -> None:
    files = sorted(corpus.iterdir())
    db_path = work / "concurrent.db"
    # Each ingest names its third of the files, so paths (and lineage order) match the reference.
    processes = [
        subprocess.Popen([*ANALYZE, "ingest", *map(str, files[part::3]), "--db", str(db_path), "--no-progress"],
                         cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for part in range(3)
    ]  # fmt: skip
    outputs = [(p.wait(timeout=900), p.stderr.read()) for p in processes]
    for number, (code, stderr) in enumerate(outputs):
        tally.check("concurrent", f"ingest {number + 1} of 3 finished", code == 0 and "Traceback" not in stderr, stderr.strip()[-300:])
    waited = sum("waiting for another ingest" in stderr for _, stderr in outputs)
    print(f"  ({waited} of 3 said they were waiting for another's write)")
    statuses = [r[0] for r in sqlite3.connect(db_path).execute("select status from runs")]
    tally.check("concurrent", "every run row finished", statuses == ["finished"] * 3, str(statuses))
    broken = problems(db_path)
    tally.check("concurrent", "the database equals one ingest of all the files",
                fingerprint(db_path) == fingerprint(reference) and not broken, str(broken))  # fmt: skip


# --------------------------------------------------------------------------- bad input


def write_bad_inputs(folder: Path) -> dict[str, str]:
    """One file per kind of bad input; returns what each must give: ``error`` (one line
    naming it) or ``stored`` (kept, with its text)."""
    folder.mkdir()
    kinds = {}

    def put(name, data, expect):
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        kinds[name] = expect

    put("binary.txt", bytes(range(256)) * 16, "error")
    put("truncated.txt", "Acme paid €5 million for the café".encode()[:-1], "error")
    put("mixed.txt", "Acme hired 40 engineers. ".encode() + "Caf\xe9 sold 3 cakes.".encode("latin-1"), "error")
    put("utf16.txt", "\ufeffAcme hired 40 engineers.".encode("utf-16"), "error")
    put("empty.md", b"", "error")
    put("blank.txt", "  \n\n \t\n", "error")
    with open(folder / "huge.txt", "w") as out:  # over the default 20 MB limit, on one line
        out.write("Acme " * (5 * 1024 * 1024))
    kinds["huge.txt"] = "error"
    put("header.txt", "title: Bad\nauthor Someone\n\nAcme hired 40 engineers.\n", "error")
    put("unclosed.md", "---\ntitle: Never closed\n\nAcme hired 40 engineers.\n", "error")
    put("broken.json", '{"text": "Acme hired 40 engineers.", ', "error")
    put("records.jsonl", json.dumps({"text": "Beta sold 7 cars in March.", "url": "javascript:alert(1)"}) + "\n{nope\n", "error")
    depth = 10000
    put("nested.html", "<html><body>" + "<div>" * depth + "<p>Gamma hired 9 welders.</p>" + "</div>" * depth + "</body></html>", "stored")
    put("digits400.txt", "Delta said the bill came to $" + "9" * 400 + " in all.\n", "stored")
    put("digits5mb.txt", "Epsilon counted " + "7" * (5 * 1024 * 1024) + " grains.\n", "stored")
    put("power.txt", "Zeta thinks it is worth 10^100 dollars, or 10⁹ euros, or 1e9 yen.\n", "stored")
    put("jsurl.txt", "title: Hostile link\nurl: javascript:alert(document.cookie)\n\nEta hired 12 cooks.\n", "stored")
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.txt")
        kinds["pipe.txt"] = "error"
    (folder / "loop").symlink_to(folder)
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    kinds["dangling.txt"] = "error"
    return kinds


def bad_input(tally: Tally, work: Path) -> None:
    bad = work / "bad"
    kinds = write_bad_inputs(bad)
    good = work / "good"
    good.mkdir()
    (good / "fine.txt").write_text("title: Fine\n\nTheta hired 40 engineers in Ohio.\n")
    db_path = work / "bad.db"
    started = time.perf_counter()
    result = subprocess.run(ingest_cmd(bad, db_path), cwd=ROOT, capture_output=True, text=True, timeout=900)
    result_good = subprocess.run(ingest_cmd(good, db_path), cwd=ROOT, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started
    lines = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    tally.check("bad input", "no traceback", "Traceback" not in result.stderr, result.stderr[-300:])
    tally.check("bad input", "exit status 1 when inputs failed", result.returncode == 1, f"exit {result.returncode}")
    for name, expect in kinds.items():
        mentioning = [line for line in lines if f"{bad / name}:" in line]
        if expect == "error":
            tally.check("bad input", f"{name}: one line naming it", len(mentioning) == 1 and len(mentioning[0]) < 300, str(mentioning))
        else:
            stored = count(db_path, "select count(*) from inputs where path = ?", [str(bad / name)])
            tally.check("bad input", f"{name}: stored", stored == 1 and not mentioning, str(mentioning))
    tally.check("bad input", "the good file is stored after them", result_good.returncode == 0
                and count(db_path, "select count(*) from articles where title = 'Fine'") == 1, result_good.stderr[-200:])  # fmt: skip
    tally.check("bad input", "no claim is non-finite or over 30 digits", not problems(db_path)
                and count(db_path, "select count(*) from claims where length(surface) > 60") == 0, str(problems(db_path)))  # fmt: skip
    tally.check("bad input", "no half-read power of ten (unit '^')", count(db_path, "select count(*) from claims where unit like '%^%' or surface like '%^' ") == 0)
    url = count(db_path, "select count(*) from articles where url = 'javascript:alert(document.cookie)'")
    tally.check("bad input", "a hostile URL is stored as given", url == 1)
    tally.check("bad input", f"all of it in {seconds:.0f}s (under 5 minutes)", seconds < 300)


# --------------------------------------------------------------------------- the database


def can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    probe = Path(tempfile.mkdtemp(prefix="figtrace-mount-"))
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe)], capture_output=True).returncode == 0
    if ok:
        subprocess.run(["umount", str(probe)], capture_output=True)
    probe.rmdir()
    return ok


def one_error_line(result: subprocess.CompletedProcess) -> bool:
    """One ``Error:`` / ``error:`` line on stderr and no traceback."""
    errors = [line for line in result.stderr.splitlines() if line.lower().startswith("error: ")]
    return "Traceback" not in result.stderr and len(errors) == 1


def database_faults(tally: Tally, work: Path, demo_reference: Path) -> None:
    small = work / "small"
    small.mkdir()
    (small / "a.txt").write_text("Iota hired 40 engineers in Ohio.\n")
    for label, content in (("random bytes", os.urandom(8192)), ("a text file", b"notes, not a database\n")):
        target = work / f"not_sqlite_{len(content)}.db"
        target.write_bytes(content)
        for command in (["ingest", small, "--db", target, "--no-progress"], ["trace", "$6M", "--db", target],
                        ["figures", "--db", target], ["serve", "--db", target, "--port", "0"]):  # fmt: skip
            result = analyze(*command, timeout=60)
            tally.check("database", f"{command[0]} on {label}: exit 2, one line, file untouched",
                        result.returncode == 2 and one_error_line(result) and target.read_bytes() == content
                        and not Path(f"{target}-wal").exists(),
                        f"exit {result.returncode}: {result.stderr.strip()[-200:]}")  # fmt: skip

    # A file overwritten by a copy of another is re-analysed as that copy.
    corpus = work / "copies"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Kappa hired 40 engineers in Ohio.\n")
    (corpus / "b.txt").write_text("Lambda sold 7 cars in March.\n")
    db_path = work / "copies.db"
    analyze("ingest", corpus, "--db", db_path, "--no-progress")
    shutil.copy(corpus / "a.txt", corpus / "b.txt")
    analyze("ingest", corpus, "--db", db_path, "--no-progress")
    stale = count(db_path, "select count(*) from articles where text like '%Lambda%'")
    tally.check("database", "a file overwritten by a copy keeps no stale text", stale == 0 and not problems(db_path), str(problems(db_path)))
    before = fingerprint(db_path)
    analyze("ingest", corpus, "--db", db_path, "--no-progress")
    tally.check("database", "re-ingest changes nothing", fingerprint(db_path) == before)

    if not can_mount():
        print("  (not tried: a full disk and a read-only mount need root and mount; run as root to try them)")
        return
    mount_point = work / "tmpfs"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount_point)], check=True)
    try:
        db_path = mount_point / "news.db"
        full = analyze("ingest", DEMO_CORPUS, "--db", db_path, "--batch-size", 1, "--no-progress", timeout=300)
        failed = count(db_path, "select count(*) from runs where status = 'failed'")
        tally.check("database", "disk full: exit 2, one line, run marked failed",
                    full.returncode == 2 and one_error_line(full) and "disk full while writing" in full.stderr and failed == 1,
                    f"exit {full.returncode}: {full.stderr.strip()[-300:]}")  # fmt: skip
        subprocess.run(["mount", "-o", "remount,size=64m", str(mount_point)], check=True)
        rerun = analyze("ingest", DEMO_CORPUS, "--db", db_path, "--no-progress", timeout=300)
        tally.check("database", "after a full disk, a rerun completes as a clean run",
                    rerun.returncode == 0 and fingerprint(db_path) == fingerprint(demo_reference) and not problems(db_path),
                    f"{problems(db_path)} {rerun.stderr[-200:]}")  # fmt: skip

        subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
        before = db_path.read_bytes()
        readonly = analyze("ingest", small, "--db", db_path, "--no-progress", timeout=120)
        tally.check("database", "read-only: ingest exits 2 with one line, file untouched",
                    readonly.returncode == 2 and one_error_line(readonly) and db_path.read_bytes() == before,
                    f"exit {readonly.returncode}: {readonly.stderr.strip()[-300:]}")  # fmt: skip
        for command in (["trace", "$6M", "--db", db_path], ["figures", "--db", db_path]):
            result = analyze(*command, timeout=120)
            tally.check("database", f"read-only: {command[0]} still reads it", result.returncode == 0 and "Traceback" not in result.stderr,
                        f"exit {result.returncode}: {result.stderr.strip()[-300:]}")  # fmt: skip
    finally:
        subprocess.run(["umount", str(mount_point)], capture_output=True)


# --------------------------------------------------------------------------- HTTP


HOSTILE = "<script>alert('{field}')</script>"
HOSTILE_URLS = ["javascript:alert(1)", " JaVaScRiPt:alert(2)", "data:text/html,<script>alert(3)</script>", "vbscript:msgbox(4)"]


def hostile_corpus(folder: Path) -> None:
    folder.mkdir()
    for number, url in enumerate(HOSTILE_URLS):
        (folder / f"hostile{number}.txt").write_text(
            f"title: {HOSTILE.format(field='title')} Acme {number}\nurl: {url.strip()}\n"
            f"source: <img src=x onerror=alert('source')>\nauthor: \"><script>alert('author')</script>\n\n"
            f"Acme <script>alert('text')</script> raised $5 million from <b>investors</b> in round {number}, "
            f"said <script>alert('credit')</script> Corp. It hired 40 <script>alert('unit')</script> engineers.\n"
        )
    (folder / "record.jsonl").write_text(json.dumps({
        "text": "Beta sold 7 cars in March, said <script>alert('json')</script>.",
        "url": "javascript:alert('json')", "title": "<svg onload=alert('svg')>",
    }) + "\n")  # fmt: skip
    (folder / "page.html").write_text(
        "<html><head><title>Page</title><link rel='canonical' href='javascript:alert(5)'></head><body><article>"
        "<p>Gamma raised $9 million from backers in its first round of funding this year, the company said.</p>"
        "<p>It plans to hire 30 engineers by the end of the year, according to its chief executive.</p>"
        "</article></body></html>"
    )


class _Links(HTMLParser):
    """Every href / src / action of a page, and whether a hostile payload ran unescaped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.targets: list[str] = []
        self.event_handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction") and value:
                self.targets.append(value)
            if name.startswith("on") and value and "alert" in value:
                self.event_handlers.append(f"<{tag} {name}={value!r}>")


def page_problems(html: str) -> list[str]:
    found = []
    if "<script>alert(" in html:
        found.append("an unescaped <script>alert(")
    links = _Links()
    links.feed(html)
    for target in links.targets:
        scheme = target.strip().split(":", 1)[0].lower() if ":" in target.split("/", 1)[0] else ""
        if scheme and scheme not in ("http", "https", "mailto"):
            found.append(f"a link to {target[:60]!r}")
    found.extend(links.event_handlers)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url: str, method: str = "GET", data: bytes | None = None, timeout: float = 30, answer_required: bool = True) -> tuple[int, str, float]:
    """(status, body, seconds) of one request; status 0 when the server did not answer."""
    started = time.perf_counter()
    req = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            body = response.read().decode("utf-8", "replace")
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read().decode("utf-8", "replace"), error.code
    except (TimeoutError, ConnectionError, urllib.error.URLError) as error:
        if not answer_required:
            raise
        body, status = f"no answer: {error}", 0  # counted as broke by the caller
    return status, body, time.perf_counter() - started


class Server:
    """``analyze serve`` on a free local port, for the length of a ``with``."""

    def __init__(self, db_path: Path, *extra):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([*ANALYZE, "serve", "--db", str(db_path), "--port", str(self.port), *extra],
                                        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        self.stderr = ""

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                request(self.base + "/-/versions.json", timeout=2, answer_required=False)
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None:
                    break
                time.sleep(0.3)
        raise RuntimeError(f"analyze serve did not start: {self.process.stderr.read()[-500:]}")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            _, self.stderr = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def http(tally: Tally, work: Path) -> None:
    folder = work / "hostile"
    hostile_corpus(folder)
    db_path = work / "news.db"
    analyze("ingest", folder, DEMO_CORPUS, "--db", db_path, "--no-progress")
    before = fingerprint(db_path)
    connection = sqlite3.connect(db_path)
    claim_ids = [r[0] for r in connection.execute("select id from claims where article_id in (select id from articles where path not like '%corpus%')")]
    figure_ids = [r[0] for r in connection.execute("select distinct figure_id from claims where id in (select value from json_each(?))", [json.dumps(claim_ids)])]
    article_ids = [r[0] for r in connection.execute("select id from articles")]
    connection.close()
    with Server(db_path) as server:
        base = server.base
        pages = ["/", "/news", "/-/figtrace/about", "/news/articles", "/news/claims", "/news/figures", "/news/inputs",
                 *(f"/-/figtrace/claim/news/{c}" for c in claim_ids), *(f"/news/figures/{f}" for f in figure_ids),
                 *(f"/news/articles/{a}" for a in article_ids)]  # fmt: skip
        for page in pages:
            status, body, _ = request(base + page)
            found = page_problems(body)
            tally.check("http", f"GET {page[:60]}: 200, payloads inert", status == 200 and not found, f"{status} {found[:3]}")
        injections = ["'; drop table claims; --", "1) or 1=1 --", "$6M' union select sql from sqlite_master --", "\x00", "%" * 500]
        for name in ("trace_figure", "first_appearance", "credited_to", "source_says"):
            for value in injections:
                query = urllib.parse.urlencode({"figure": value, "source": value, "name": value, "words": value})
                status, body, _ = request(f"{base}/news/{name}?{query}")
                tally.check("http", f"canned {name} with {value[:20]!r}: no 5xx, payloads inert", status < 500 and not page_problems(body), str(status))
        writes = [
            ("GET", "/news/-/query?sql=" + urllib.parse.quote("delete from claims"), None),
            ("GET", "/news/-/query?sql=" + urllib.parse.quote("update articles set title = 'x'"), None),
            ("GET", "/news/-/query?sql=" + urllib.parse.quote("pragma query_only = 0"), None),
            ("GET", "/news/-/query?sql=" + urllib.parse.quote("attach database '/tmp/x.db' as x"), None),
            ("POST", "/news/articles/-/insert", b'{"row": {"id": "x"}}'),
            ("POST", "/news/-/create", b'{"table": "x", "columns": [{"name": "a"}]}'),
            ("POST", "/news/trace_figure", b"figure=%246M"),
            ("POST", "/news/claims", b"a=b"),
            ("POST", "/-/figtrace/about", b""),
            ("DELETE", "/news/articles", None),
            ("PUT", "/news/articles/x", b"{}"),
        ]
        for method, path, data in writes:
            status, _, _ = request(base + path, method=method, data=data)
            tally.check("http", f"{method} {path[:50]}: refused (4xx)", 400 <= status < 500, str(status))
        for path in ("/-/figtrace/claim/news", "/-/figtrace/claim/news/a/b", "/foo/bar/baz/qux", "/news/no_such_table",
                     "/-/figtrace/claim/nope/x", "/news/figures/no-such-figure", "/%00", "/news/claims/../../../etc/passwd"):  # fmt: skip
            status, body, _ = request(base + path)
            tally.check("http", f"GET {path[:50]}: 404", status == 404 and not page_problems(body), str(status))
        normal = [request(base + "/news/articles")[2] for _ in range(20)]
        missing = [request(base + "/foo/bar/baz/qux")[2] for _ in range(20)]
        n_ms, m_ms = statistics.median(normal) * 1000, statistics.median(missing) * 1000
        tally.check("http", f"a 404 costs what a page costs ({m_ms:.1f} ms vs {n_ms:.1f} ms)", m_ms <= max(2 * n_ms, n_ms + 20))
        for _ in range(40):  # the stall the issue measured: a burst of 404s, then a normal page
            request(base + "/foo/bar/baz/qux")
        _, _, after = request(base + "/news/articles")
        tally.check("http", f"a page after 40 404s still takes {after * 1000:.0f} ms", after * 1000 <= max(5 * n_ms, n_ms + 100))
    tally.check("http", "nothing was written", fingerprint(db_path) == before)

    # Serving while an ingest writes: a connection that holds the database open with
    # committed rows in its write-ahead log, as a running ingest does.
    writer = sqlite3.connect(db_path)
    writer.execute("pragma journal_mode = wal")
    writer.execute("pragma wal_autocheckpoint = 0")
    writer.execute("insert into runs (started_at, status) values ('2026-01-01', 'running')")
    writer.commit()
    try:
        with Server(db_path) as server:
            statuses = [request(server.base + page)[0] for page in ("/news/articles", "/news/claims", "/news/runs")]
            writer.execute("insert into runs (started_at, status) values ('2026-01-02', 'running')")
            writer.commit()
            status, body, _ = request(server.base + "/news/runs.json?_shape=array&_size=max")
            runs = len(json.loads(body)) if status == 200 else -1
        expected = count(db_path, "select count(*) from runs")
        tally.check("http", "serving while an ingest writes: no 4xx/5xx", statuses == [200, 200, 200], str(statuses))
        tally.check("http", "serving while an ingest writes: sees committed rows", runs == expected, f"{runs} of {expected} runs; {server.stderr[-200:]}")
    finally:
        writer.close()


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200, help="generated articles for the interruption groups")
    parser.add_argument("--kills", type=int, default=8, help="kill -9 moments")
    parser.add_argument("--interrupts", type=int, default=4, help="SIGINT moments")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="*", choices=["interrupt", "update", "concurrent", "bad", "database", "http"])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    groups = set(args.only or ["interrupt", "update", "concurrent", "bad", "database", "http"])
    work = args.keep or Path(tempfile.mkdtemp(prefix="figtrace-faults-"))
    work.mkdir(parents=True, exist_ok=True)
    tally = Tally()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    try:
        if groups & {"interrupt", "concurrent"}:
            corpus = work / "corpus"
            build_corpus(corpus, args.articles, seed=args.seed)
            reference = work / "reference.db"
            clean_started = time.perf_counter()
            subprocess.run(ingest_cmd(corpus, reference), cwd=ROOT, check=True, capture_output=True)
            clean_seconds = time.perf_counter() - clean_started
            print(f"clean ingest of {args.articles} generated articles: {clean_seconds:.1f}s, "
                  f"{count(reference, 'select count(*) from claims')} claims, problems: {problems(reference) or 'none'}")  # fmt: skip
            if "interrupt" in groups:
                interruptions(tally, work, corpus, reference, clean_seconds, args.kills, args.interrupts, rng)
            if "concurrent" in groups:
                concurrent_ingests(tally, work, corpus, reference)
        if "update" in groups:
            update_interruptions(tally, work, args.kills, rng)
        if "bad" in groups:
            bad_input(tally, work)
        if "database" in groups:
            demo_reference = work / "demo_reference.db"
            analyze("ingest", DEMO_CORPUS, "--db", demo_reference, "--no-progress")
            database_faults(tally, work, demo_reference)
        if "http" in groups:
            http(tally, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(tally.table())
    print(f"\n{time.perf_counter() - started:.0f}s in all")
    for failure in tally.failures:
        print(f"broke: {failure}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
