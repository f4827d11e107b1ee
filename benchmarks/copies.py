"""Copies found among generated articles: precision, recall, time and memory.

    python benchmarks/copies.py --articles 1000
    python benchmarks/copies.py --articles 10000

Originals are generated as ``benchmarks/ingest.py`` generates articles, paragraphs of three
to six sentences of the demo corpus drawn at random, digits redrawn: every article is on
the same topic and shares sentences with many others, the hard case. A quarter of them are then
run again by another outlet, later: an exact reprint, a reprint under a new headline and
byline, or a rewrite keeping half the paragraphs (every other one) with a paragraph of its
own. Articles go straight into the store (no NLP), then :func:`pipeline.copies.find_copies`
fingerprints them all. A pair found is right when both articles come from one original (a
rewrite of a reprint is a copy too); recall counts each derived article's pair with its
original. ``--corpus DIR`` (repeatable) also ingests a real corpus with a copy of its
earliest dated article added under another outlet a day later, and checks that every
figure keeps its origin out of the copy and that the copy's statements are marked.
Peak memory is the high-water mark of the process that fingerprints (a process
of its own): flat as articles grow when the work is article by article.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest import demo_sentences, redraw_digits  # noqa: E402

from pipeline.copies import COPY_SHARE, PARTIAL_PARAGRAPHS, PARTIAL_SHARE, find_copies  # noqa: E402
from pipeline.store import open_db  # noqa: E402

KINDS = ("reprint", "new headline", "rewrite")


def generate(articles: int, seed: int = 11) -> tuple[list[dict], dict[str, str]]:
    """Article rows and, for each derived article, the original it comes from."""
    rng = random.Random(seed)
    pool = demo_sentences()
    rows, origin_of = [], {}
    originals = articles - articles // 4
    for number in range(originals):
        paragraphs = [" ".join(redraw_digits(s, rng) for s in rng.sample(pool, rng.randint(3, 6))) for _ in range(rng.randint(3, 7))]
        day = date(2025, 1, 1) + timedelta(days=rng.randint(0, 300))
        rows.append(_row(f"original_{number:05d}", "\n\n".join(paragraphs), day, f"Outlet {number % 17}", paragraphs))
    for number in range(articles - originals):
        original = rows[rng.randrange(originals)]
        kind = KINDS[number % len(KINDS)]
        paragraphs = original["paragraphs"]
        if kind == "new headline":
            paragraphs = [f"By Reporter {number}", *paragraphs]
        elif kind == "rewrite":
            own = " ".join(redraw_digits(s, rng) for s in rng.sample(pool, 3))
            paragraphs = paragraphs[::2] + [own]
        day = date.fromisoformat(original["published"]) + timedelta(days=rng.randint(1, 30))
        row = _row(f"{kind.replace(' ', '_')}_{number:05d}", "\n\n".join(paragraphs), day, f"Reprinter {number % 5}", paragraphs)
        rows.append(row)
        origin_of[row["id"]] = origin_of.get(original["id"], original["id"])
    return rows, origin_of


def _row(name: str, text: str, day: date, source: str, paragraphs: list[str]) -> dict:
    return {"id": hashlib.sha256(name.encode()).hexdigest()[:16], "path": name, "title": name, "source": source,
            "published": day.isoformat(), "text": text, "content_hash": hashlib.sha256(text.encode() + name.encode()).hexdigest(),
            "paragraphs": paragraphs}  # fmt: skip


def fingerprint_database(path: str) -> None:
    """Fingerprint the articles of the database at ``path`` (in a process of its own, so
    its peak memory is that of the fingerprinting alone) and print the time and peak."""
    db = open_db(path)
    samples = []

    def sample(done: int, total: int) -> None:
        # (resident memory as the articles go by: flat when the work is article by article)
        if done and done % SAMPLE_EVERY == 0:
            samples.append(resident_memory_mb())

    started = time.perf_counter()
    done = find_copies(db, sample)
    seconds = time.perf_counter() - started
    samples = samples or [resident_memory_mb()]
    print(f"{done} {seconds} {peak_memory_mb()} {min(samples)} {max(samples)} {len(samples)}")


# Articles between two samples of resident memory while fingerprinting.
SAMPLE_EVERY = 200


def resident_memory_mb() -> float:
    """This process's resident memory now, MB (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_memory_mb() -> float:
    """This process's peak resident memory, MB: the kernel's high-water mark of its own
    memory (VmHWM; getrusage's ru_maxrss keeps the parent's when a child is forked)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus_check(folder: Path) -> None:
    """Ingest ``folder`` with a copy of its earliest dated article run again by another
    outlet a day later (new headline and byline); print whether every figure the copy
    states keeps its origin in the original and whether the copy's statements are marked."""
    import shutil
    from datetime import date as day

    from pipeline.ingest import parse_file
    from pipeline.nlp import load_pipeline
    from pipeline.runner import ingest_paths
    from pipeline.tracing import figure_lineage

    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "corpus"
        shutil.copytree(folder, corpus)
        dated = sorted((a.published, a.path) for f in sorted(corpus.iterdir()) for a in parse_file(f).articles if a.published)
        published, original_path = dated[0]
        original = Path(original_path)
        header, body = original.read_text(encoding="utf-8").split("\n\n", 1)
        later = (day.fromisoformat(published) + timedelta(days=1)).isoformat()
        (corpus / "zz_copy.txt").write_text(f"title: Copied: the same story\nsource: Copy Outlet\ndate: {later}\n\nBy A. Reprinter\n\n{body}", encoding="utf-8")
        db_path = Path(work) / "news.db"
        ingest_paths([corpus], db_path, nlp=load_pipeline())
        db = open_db(db_path)
        ids = dict(db.execute("select path, id from articles").fetchall())
        copy_id, original_id = ids[str(corpus / "zz_copy.txt")], ids[str(original)]
        marked = db.execute("select kind from copies where article_id = ? and copy_of = ?", [copy_id, original_id]).fetchone()
        figures = [r[0] for r in db.execute("select distinct figure_id from claims where article_id = ? and figure_id is not null", [copy_id])]
        kept = statements = flagged = 0
        for figure_id in figures:
            lineage = figure_lineage(db, figure_id)
            kept += lineage["origin"]["article_id"] != copy_id
            for claim in lineage["claims"]:
                if claim["article_id"] == copy_id and any(c["article_id"] == original_id for c in lineage["claims"]):
                    statements += 1
                    flagged += bool(claim["copy_of"]) and claim["copy_of"]["article_id"] == original_id
        print(f"{folder}: copy of {original.name} (a day later, new headline and byline) found as {marked[0] if marked else 'nothing'}; "
              f"origin kept out of the copy in {kept} of {len(figures)} figures it states; "
              f"{flagged} of {statements} statements it shares with the original marked as copied")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--fingerprint", metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, action="append", help="also check a corpus folder with a copy added (NLP: slower)")
    args = parser.parse_args()
    if args.fingerprint:
        return fingerprint_database(args.fingerprint)
    for folder in args.corpus or ():
        corpus_check(folder)
    rows, origin_of = generate(args.articles)
    names = {row["id"]: row["path"] for row in rows}
    root = {row["id"]: origin_of.get(row["id"], row["id"]) for row in rows}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copies.db"
        db = open_db(path)
        db["articles"].insert_all(({k: v for k, v in row.items() if k != "paragraphs"} for row in rows), batch_size=500)
        db.close()
        del rows
        out = subprocess.run([sys.executable, __file__, "--fingerprint", str(path)], capture_output=True, text=True, check=True)
        done, seconds, peak, low, high, sampled = out.stdout.split()
        db = open_db(path)
        found = db.execute("select article_id, copy_of, kind from copies").fetchall()
        paragraphs = db.execute("select count(*) from paragraph_signatures").fetchone()[0]
        db.close()
    right = sum(root[a] == root[b] for a, b, _ in found)
    gold = set(origin_of.items())
    recalled = sum((a, b) in gold for a, b, _ in found)
    missed = sorted(names[a] for a in origin_of if (a, origin_of[a]) not in {(x, y) for x, y, _ in found})
    print(f"{len(names):,} articles ({len(origin_of):,} derived: reprints, new headlines, rewrites keeping half), "
          f"{paragraphs:,} paragraphs; thresholds: copy {COPY_SHARE}, partial {PARTIAL_SHARE} in {PARTIAL_PARAGRAPHS}+ paragraphs")  # fmt: skip
    print(f"pairs found {len(found):,}: precision {right / max(1, len(found)):.4f}, "
          f"recall {recalled / max(1, len(gold)):.4f} ({recalled:,} of {len(gold):,})")  # fmt: skip
    by_kind: dict[str, int] = {}
    for _, _, kind in found:
        by_kind[kind] = by_kind.get(kind, 0) + 1
    print(f"kinds: {by_kind}; missed: {missed[:5]}{' …' if len(missed) > 5 else ''}")
    print(f"fingerprinting {int(done):,} articles: {float(seconds):.1f} s ({float(seconds) / int(done) * 1000:.2f} ms an article),"
          f" peak memory of that process {float(peak):,.0f} MB; resident memory sampled {int(sampled)} times"
          f" (every {SAMPLE_EVERY} articles): {float(low):,.0f}–{float(high):,.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
