"""Ingest speed, memory and trace latency on a generated corpus; prints figures.

    python benchmarks/ingest.py [--articles 2000] [--workers 1,2] [--runs 2] [--keep DIR]
    python benchmarks/ingest.py --add-to DIR/news-1.db [--runs 2]   # only the adding line
    python benchmarks/ingest.py --trace-on DIR/news-1.db             # only the trace line

The corpus is made of the demo corpus's sentences recombined into new articles, with the
digits of their figures redrawn (so values vary) and dates spread over a year; the same
seed gives the same corpus. In one run it measures:

(a) bare ``nlp.pipe`` of the same spaCy model over the same texts, every component on,
    at the best of a few batch sizes (model load excluded);
(b) our full ingest (parse files + NLP + claims + store + tracing) into a fresh database,
    model load excluded, for each ``--workers`` value, the best of ``--runs`` runs (as
    many as (a) has batch sizes, so each side gets the same number of tries);

and prints words/s of each with the ratio b/a (and apart the milliseconds an article of
storing and the seconds of tracing figures at the end, SciPy's and scikit-learn's imports
included), the re-ingest time of the unchanged corpus as a share of the first, the time of
adding 20 new articles to the database against adding them to an empty one (model loaded,
and as ``analyze ingest`` commands), peak memory (RSS) of an ingest of 500 and of all
articles, and the median latency of ``trace`` queries on the full database, in process and as a command.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEMO_CORPUS = ROOT / "corpus"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_DIGITS = re.compile(r"\d+")
# New articles added to the database the benchmark built, and to an empty one.
ADDED = 20


def demo_sentences(corpus: Path = DEMO_CORPUS) -> list[str]:
    """The demo corpus's sentences (a plain split: good enough to recombine)."""
    sentences = []
    for path in sorted(corpus.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            sentences.extend(s.strip() for s in _SENTENCE_END.split(line) if len(s.split()) >= 4)
    return sentences


def redraw_digits(sentence: str, rng: random.Random) -> str:
    """Give most digit runs new digits of the same length, so figures vary between articles."""

    def redraw(match: re.Match) -> str:
        digits = match.group()
        if rng.random() < 0.3:
            return digits
        first = str(rng.randint(1, 9)) if digits[0] != "0" else "0"
        return first + "".join(str(rng.randint(0, 9)) for _ in digits[1:])

    return _DIGITS.sub(redraw, sentence)


def build_corpus(folder: Path, articles: int, seed: int = 7) -> list[str]:
    """Write ``articles`` generated articles into ``folder``; returns their texts."""
    rng = random.Random(seed)
    pool = demo_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for number in range(articles):
        paragraphs = []
        for _ in range(rng.randint(3, 7)):
            picked = rng.sample(pool, rng.randint(2, 6))
            paragraphs.append(" ".join(redraw_digits(s, rng) for s in picked))
        text = "\n\n".join(paragraphs)
        header = f"title: Generated report {number}\nsource: Outlet {number % 17}\n"
        if rng.random() < 0.8:
            header += f"date: {date(2025, 1, 1) + timedelta(days=rng.randint(0, 364))}\n"
        (folder / f"article_{number:05d}.txt").write_text(header + "\n" + text + "\n", encoding="utf-8")
        texts.append(text)
    return texts


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def bare_spacy(texts: list[str], model: str) -> tuple[float, int, list[float]]:
    """Best words/s of plain ``nlp.pipe`` with every component, the batch size giving it,
    and the words/s of each batch size tried."""
    import spacy

    nlp = spacy.load(model)
    rates = []
    for batch_size in BARE_BATCH_SIZES:
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=batch_size):
            pass
        rates.append(words(texts) / (time.perf_counter() - started))
    best = max(range(len(rates)), key=rates.__getitem__)
    return rates[best], BARE_BATCH_SIZES[best], rates


BARE_BATCH_SIZES = (32, 128)


_CHILD = """
import json, re, resource, sys, time
from pathlib import Path
from pipeline.nlp import load_pipeline
from pipeline.runner import ingest_paths

def peak_rss_mb():
    # VmHWM is this process's own peak. getrusage's ru_maxrss is not: Linux carries it
    # over exec from the parent, which here has the bare-spaCy run's memory.
    status = Path("/proc/self/status")
    if status.exists():
        return int(re.search(r"VmHWM:\\s*(\\d+)", status.read_text()).group(1)) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

# The peak before figures are traced (what the streaming part, parse, NLP and store,
# takes) and the seconds the figures take: the two parts scale differently.
import pipeline.runner as runner
stream_peak, figure_seconds, rebuild = [None], [0.0], runner.update_figures
def measured_rebuild(db, progress=None):
    stream_peak[0] = peak_rss_mb()
    started = time.perf_counter()
    try:
        return rebuild(db, progress)
    finally:
        figure_seconds[0] += time.perf_counter() - started
runner.update_figures = measured_rebuild

folder, db, workers = sys.argv[1], sys.argv[2], int(sys.argv[3])
nlp = load_pipeline() if workers == 1 else None
started, cpu_started = time.perf_counter(), time.process_time()
summary = ingest_paths([folder], db, nlp=nlp, workers=workers)
seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "articles": summary.articles, "new": summary.new,
                  "figures": summary.figures, "errors": len(summary.errors),
                  "peak_rss_mb": peak_rss_mb(), "stream_peak_rss_mb": stream_peak[0],
                  "figure_seconds": figure_seconds[0], "claims": summary.claims}))
"""


def selective_shares(texts: list[str]) -> tuple[float, float]:
    """Shares of tokens that get the full parse (figure sentences and their reporters) and
    that NER reads (windows around capitalised words): what the one-process speed hangs on."""
    from pipeline.nlp import _report_cue_pattern, load_pipeline, name_windows, parse_segments, receptive_field

    nlp = load_pipeline()
    senter, breaks = nlp.get_pipe("senter"), nlp.get_pipe("paragraph_breaks")
    reach = receptive_field(nlp.get_pipe("ner")) or 4
    tokens = parsed = named = 0
    for text in texts:
        doc = breaks(senter(nlp.make_doc(text)))
        tokens += len(doc)
        parsed += sum(end - start for start, end in parse_segments(doc, _report_cue_pattern(), text))
        named += sum(end - start for start, end in name_windows(doc, reach))
    return parsed / tokens, named / tokens


def run_ingest(folder: Path, db: Path, workers: int = 1) -> dict:
    """Our ingest in a fresh process (so its peak memory is its own)."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), str(db), str(workers)], capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode:
        raise SystemExit(f"ingest of {folder} into {db} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def remove_database(path: Path) -> None:
    """Delete a database of an earlier run (a kept folder's) with its log and shared
    memory files: a log left beside a new file of the same name would be read into it."""
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)


def copy_database(source: Path, target: Path) -> None:
    """A copy of a SQLite database, its write-ahead log included (SQLite's backup)."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def trace_line(db_path: Path, label: str, queries: int = 50, commands: int = 10) -> str:
    """The median milliseconds of ``trace`` in process for ``queries`` figures typed from
    stored claims (dollar amounts, drawn with a fixed seed), and the median and slowest
    wall time of ``analyze trace`` (a new process: imports, query, the table printed to
    nowhere) for the first ``commands`` of them, as a line to print."""
    import sqlite_utils

    from pipeline.tracing import trace

    db = sqlite_utils.Database(db_path)
    rows = list(db.query("select surface from claims where unit = 'USD' order by id"))
    typed = [row["surface"] for row in random.Random(3).sample(rows, min(queries, len(rows)))]
    timings = []
    for surface in typed:
        started = time.perf_counter()
        trace(db, surface)
        timings.append((time.perf_counter() - started) * 1000)
    analyze = Path(sys.executable).with_name("analyze")
    walls = []
    for surface in typed[:commands]:
        started = time.perf_counter()
        subprocess.run([str(analyze), "trace", surface, "--db", str(db_path)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "100"})  # fmt: skip
        walls.append(time.perf_counter() - started)
    return (f"trace: median {statistics.median(timings):.1f} ms in process over {len(typed)} queries on the {label}; "
            f"`analyze trace` median {statistics.median(walls):.2f} s wall, slowest {max(walls):.2f} s, over {len(walls)}")


def adding_line(work: Path, db: Path, runs: int, label: str) -> str:
    """Adding :data:`ADDED` new articles to a copy of ``db`` against adding them to an empty
    database (each the best of ``runs``), as a line to print: in a process whose model is
    loaded (the ingest alone), and as the command a user runs (``analyze ingest``: a new
    process that imports figtrace and loads the model too)."""
    added = work / "corpus-added"
    build_corpus(added, ADDED, seed=99)
    into: dict[str, list[float]] = {}
    command: dict[str, list[float]] = {}
    for kind, source in (("empty", None), ("full", db)):
        for _ in range(runs):
            for times, run in ((into, lambda target: run_ingest(added, target, 1)["seconds"]),
                               (command, lambda target: run_command(added, target))):  # fmt: skip
                target = work / f"news-added-{kind}.db"
                remove_database(target)
                if source is not None:
                    copy_database(source, target)
                times.setdefault(kind, []).append(run(target))
    best = {kind: min(times) for kind, times in into.items()}
    wall = {kind: min(times) for kind, times in command.items()}
    return (f"adding {ADDED} new articles: {best['empty']:.1f}s into an empty database, {best['full']:.1f}s into the "
            f"{label} ({best['full'] / best['empty']:.1f}x; model loaded, best of {runs} each); "
            f"`analyze ingest` {wall['empty']:.1f}s and {wall['full']:.1f}s wall ({wall['full'] / wall['empty']:.2f}x)")


def run_command(folder: Path, db: Path) -> float:
    """Wall seconds of ``analyze ingest FOLDER --db DB`` in a new process."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", str(folder), "--db", str(db), "--no-progress"],
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"analyze ingest of {folder} into {db} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument(
        "--workers", default=",".join(str(n) for n in sorted({1, os.cpu_count() or 1})), help="comma-separated worker counts to measure (default: 1 and all cores)"
    )
    parser.add_argument("--keep", type=Path, help="keep the corpus and databases in this folder")
    parser.add_argument("--skip-bare", action="store_true", help="do not measure bare spaCy")
    parser.add_argument("--runs", type=int, default=2, help="runs of each ingest, the best counted (default 2)")
    parser.add_argument("--add-to", type=Path, metavar="DB",
                        help="only time adding new articles to (a copy of) this database, against an empty one")
    parser.add_argument("--trace-on", type=Path, metavar="DB", help="only time trace on this database, built before")
    args = parser.parse_args(argv)
    if args.trace_on:  # (no model needed)
        print(trace_line(args.trace_on, f"{args.trace_on.name} database"))
        return 0

    from pipeline.nlp import load_pipeline, model_info

    model, version = model_info(load_pipeline())
    work = args.keep or Path(tempfile.mkdtemp(prefix="figtrace-bench-"))
    if args.add_to:  # only the adding line, into a database built before
        print(adding_line(work, args.add_to, args.runs, f"{args.add_to.name} one"))
        return 0
    corpus = work / "corpus"
    texts = build_corpus(corpus, args.articles)
    total_words = words(texts)
    print(f"corpus: {args.articles} articles, {total_words:,} words; model {model} {version}")
    parsed, named = selective_shares(texts)
    print(f"tokens in sentences that get the full parse: {100 * parsed:.0f} %; in NER's name windows: {100 * named:.0f} %")

    bare_rate = None
    if not args.skip_bare:
        bare_rate, batch, rates = bare_spacy(texts, model)
        tried = ", ".join(f"batch {size}: {rate:,.0f}" for size, rate in zip(BARE_BATCH_SIZES, rates))
        print(f"(a) bare nlp.pipe, all components, best batch {batch}: {bare_rate:,.0f} words/s ({tried})")

    first = None
    for workers in (int(w) for w in args.workers.split(",")):
        db = work / f"news-{workers}.db"
        # As many runs as bare spaCy had (one per batch size), the best one counted: on a
        # shared machine a run can lose a fifth of its speed to its neighbours.
        runs = []
        for _ in range(args.runs):
            remove_database(db)
            runs.append(run_ingest(corpus, db, workers))
        result = min(runs, key=lambda r: r["seconds"])
        rate = total_words / result["seconds"]
        ratio = f", b/a = {rate / bare_rate:.2f}" if bare_rate else ""
        every = " / ".join(f"{r['seconds']:.1f}s" for r in runs)
        # (words per CPU-second of the ingesting process too: with one worker, a steadier
        # figure than words/s where neighbours take the machine's cores for minutes at a time)
        cpu = f" ({total_words / result['cpu_seconds']:,.0f} per CPU-second)" if workers == 1 else ""
        # (storing grows with the articles; the figures at the end with the pairs of claims
        # close in value, which grow faster where sentences recur: printed apart)
        storing = (result["seconds"] - result["figure_seconds"]) / max(result["new"], 1) * 1000
        print(
            f"(b) analyze ingest --workers {workers}: {result['seconds']:.1f}s, {rate:,.0f} words/s{cpu}{ratio}; "
            f"{result['new']} articles, {result['figures']} figures, peak RSS {result['peak_rss_mb']:.0f} MB "
            f"(best of {len(runs)} runs: {every}); storing {storing:.1f} ms an article, "
            f"figures of {result['claims']:,} claims {result['figure_seconds']:.1f}s"
        )
        if first is None:
            first = (db, result)
    db, result = first
    again = run_ingest(corpus, db, 1)
    print(f"re-ingest of the unchanged corpus: {again['seconds']:.2f}s = "
          f"{100 * again['seconds'] / result['seconds']:.1f} % of the first ingest")

    print(adding_line(work, db, args.runs, f"{args.articles}-article one"))

    small = work / "corpus-500"
    build_corpus(small, min(500, args.articles))
    remove_database(work / "news-500.db")
    small_result = run_ingest(small, work / "news-500.db", 1)
    print(f"peak RSS: {small_result['peak_rss_mb']:.0f} MB at {min(500, args.articles)} articles, "
          f"{result['peak_rss_mb']:.0f} MB at {args.articles}; before the figure rebuild "
          f"{small_result['stream_peak_rss_mb']:.0f} MB and {result['stream_peak_rss_mb']:.0f} MB")
    print(trace_line(db, f"{args.articles}-article database"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
