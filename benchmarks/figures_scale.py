"""Figure maintenance at scale on synthetic claims built directly in the store; prints figures.

    python benchmarks/figures_scale.py [--claims 1000000] [--add 10000] [--source db/news.db]

No NLP runs: claim rows are drawn to look like those of ``--source`` (a figtrace database;
the README's first command leaves one of the demo corpus in db/news.db): each synthetic
article tells one of many stories (a few named entities and context words of its own,
drawn with a Zipf law from the source's words and from made-up ones, as news vocabularies
grow), and its claims take the kinds, units and qualifiers of the source's claims with
values of their magnitude give or take two orders, half of them restating one of its
story's figures (as stated, or moved a few per cent), half new values. In a child process each (so peak memory is its own) it times

1. figures traced over all ``--claims`` claims (a new database: the full rebuild), and
2. the update after ``--add`` more claims (new articles) are stored,

and prints time, peak memory (RSS) and the update's cost as a share of the full build.
Each child imports the libraries tracing loads when first needed (scikit-learn and SciPy,
which ``analyze trace`` never loads) before its clock starts, and prints how long that took
apart: a fixed cost of the process (0.7–1.0 s on the machine the README measures on), paid
once by a command whatever it adds, not work that grows with the claims.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLAIMS_PER_ARTICLE = 8
CLAIMS_PER_STORY = 120
NAMES_PER_STORY = 6
WORDS_PER_STORY = 12
FIGURES_PER_STORY = 6


def source_sample(path: Path) -> tuple[list[tuple], list[str]]:
    """The source's claims as (kind, unit, qualifier, value, value_high) and its context words."""
    import sqlite3

    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    claims = db.execute("select kind, unit, qualifier, value, value_high from claims where value is not null").fetchall()
    words = sorted({w for (context,) in db.execute("select context from claims where context is not null") for w in context.split()})
    return claims, words


def zipf(rng: random.Random, size: int) -> int:
    """An index in range(size), small ones far more often (Zipf, s = 1)."""
    return min(int(math.exp(rng.random() * math.log(size + 1))) - 1, size - 1)


def redrawn(claim: tuple, rng: random.Random) -> tuple:
    """A source claim with a new value of its magnitude give or take two orders (years and
    ranks keep theirs): values as varied as a large corpus's, not the source's few."""
    kind, unit, qualifier, value, high = claim
    if kind in ("year", "ordinal"):
        return claim
    factor = 10 ** rng.uniform(-2, 2)
    return kind, unit, qualifier, value * factor, None if high is None else high * factor


def surface_of(value: float, unit: str | None, qualifier: str) -> str:
    digits = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    cue = {"approximate": "about ", "at_most": "up to ", "at_least": "more than "}.get(qualifier, "")
    return f"{cue}{digits} {unit or ''}".strip()


def build(db_path: Path, claims: int, source: Path, seed: int, first_article: int = 0) -> int:
    """Store ``claims`` synthetic claims (whole articles) in the database; returns articles stored."""
    from pipeline.database import write_transaction
    from pipeline.store import open_db
    from pipeline.store.entities import names_in_order

    sample, real_words = source_sample(source)
    rng = random.Random(seed)
    stories = max(1, claims // CLAIMS_PER_STORY)
    vocabulary = real_words + [f"w{n}" for n in range(max(1000, claims // 20))]
    names = [f"Org{n}" for n in range(max(500, claims // 50))]
    story_rng = random.Random(7)  # the same stories in every call: added articles tell them too
    story_of = []
    for _ in range(stories):
        story_of.append((
            [names[zipf(story_rng, len(names))] for _ in range(NAMES_PER_STORY)],
            [vocabulary[zipf(story_rng, len(vocabulary))] for _ in range(WORDS_PER_STORY)],
            [redrawn(story_rng.choice(sample), story_rng) for _ in range(FIGURES_PER_STORY)],
        ))
    db = open_db(db_path)
    made = 0
    article = first_article
    while made < claims:
        rows = {"articles": [], "sentences": [], "claims": [], "entity_mentions": [], "entities": {}, "article_names": []}
        for _ in range(min(2000, (claims - made + CLAIMS_PER_ARTICLE - 1) // CLAIMS_PER_ARTICLE)):
            article_id = f"a{article:08d}"
            story_names, story_words, figures = story_of[zipf(rng, stories)]
            day = f"2025-{1 + article % 12:02d}-{1 + article % 28:02d}"
            rows["articles"].append((article_id, f"synthetic/{article_id}.txt", f"story {article}", day, article_id, "", 1))
            named = []  # (mentions come in text order)
            for n in range(CLAIMS_PER_ARTICLE):
                sentence_id = f"{article_id}:s{n}"
                kind, unit, qualifier, value, high = redrawn(rng.choice(sample), rng) if rng.random() < 0.5 else rng.choice(figures)
                if rng.random() < 0.5:
                    value = value * (1 + rng.uniform(-0.05, 0.05))
                if high is not None:
                    high = max(high, value)
                words = rng.sample(story_words, 4) + [vocabulary[zipf(rng, len(vocabulary))] for _ in range(4)]
                surface = surface_of(value, unit, qualifier or "")
                rows["sentences"].append((sentence_id, article_id, n, " ".join(words), n * 100, n * 100 + 80))
                rows["claims"].append((f"{sentence_id}:c", article_id, sentence_id, surface, n * 100 + 10, n * 100 + 10 + len(surface),
                                       value, value if high is not None else None, high, unit, qualifier or "exact", kind, words[0], " ".join(words)))
                for m, name in enumerate(rng.sample(story_names, 2)):
                    rows["entities"][name] = (name, name, "ORG")
                    rows["entity_mentions"].append((f"{sentence_id}:e{m}", name, "ORG", article_id, sentence_id, n * 100 + m, n * 100 + m + 3, name))
                    named.append(name)
            rows["article_names"].append((article_id, names_in_order(named)))
            article += 1
            made += CLAIMS_PER_ARTICLE
        with write_transaction(db):
            db.execute("insert or ignore into runs (id, started_at, status) values (1, '2025-01-01', 'finished')")
            db.conn.executemany("insert or ignore into entities (id, name, label) values (?, ?, ?)", rows["entities"].values())
            db.conn.executemany("insert into articles (id, path, title, published, content_hash, text, run_id) values (?, ?, ?, ?, ?, ?, ?)", rows["articles"])
            db.conn.executemany("insert into sentences (id, article_id, position, text, start_char, end_char) values (?, ?, ?, ?, ?, ?)", rows["sentences"])
            db.conn.executemany(
                "insert into claims (id, article_id, sentence_id, surface, start_char, end_char, value, value_low, value_high,"
                " unit, qualifier, kind, subject, context) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows["claims"])
            db.conn.executemany(
                "insert into entity_mentions (id, entity_id, label, article_id, sentence_id, start_char, end_char, surface)"
                " values (?, ?, ?, ?, ?, ?, ?, ?)", rows["entity_mentions"])
            db.conn.executemany("insert into article_names (article_id, entity_ids) values (?, ?)", rows["article_names"])
    db.close()
    return article - first_article


CHILD = """
import json, re, sys, time
sys.path.insert(0, sys.argv[1])
from pipeline.database import write_transaction
from pipeline.store import open_db
from pipeline.tracing import needs_rebuild, update_figures
imported = time.perf_counter()
import scipy.sparse.csgraph, sklearn.cluster, sklearn.feature_extraction.text, sklearn.preprocessing
imported = time.perf_counter() - imported
db = open_db(sys.argv[2])
full = needs_rebuild(db)
started = time.perf_counter()
with write_transaction(db):
    figures = update_figures(db)
seconds = time.perf_counter() - started
peak = int(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read()).group(1)) / 1024
print(json.dumps({"seconds": seconds, "figures": figures, "peak_mb": peak, "full": full, "imports": imported}))
"""


def trace_in_child(db_path: Path) -> dict:
    output = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(db_path)], capture_output=True, text=True)
    if output.returncode:
        raise SystemExit(f"tracing failed:\n{output.stderr[-2000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--add", type=int, default=10_000)
    parser.add_argument("--source", type=Path, default=ROOT / "db" / "news.db")
    parser.add_argument("--keep", type=Path, help="keep the database in this folder")
    args = parser.parse_args()
    if not args.source.exists():
        raise SystemExit(f"error: {args.source}: no source database; run `analyze ingest corpus/` first (or pass --source)")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args, args.keep)
    else:  # (a million claims' database is 1.5 GB: gone with the run)
        with tempfile.TemporaryDirectory(prefix="figtrace-scale-") as folder:
            run(args, Path(folder))


def run(args: argparse.Namespace, folder: Path) -> None:
    """Build, trace, add and update in ``folder``, printing each step's figures."""
    db_path = folder / "scale.db"
    db_path.unlink(missing_ok=True)
    started = time.perf_counter()
    articles = build(db_path, args.claims, args.source, seed=1)
    print(f"stored {args.claims:,} synthetic claims in {articles:,} articles in {time.perf_counter() - started:.0f} s")
    full = trace_in_child(db_path)
    print(f"figures over all claims: {full['seconds']:.1f} s, peak memory {full['peak_mb']:,.0f} MB, {full['figures']:,} figures"
          f" (libraries imported first: {full['imports']:.1f} s)")
    build(db_path, args.add, args.source, seed=2, first_article=articles)
    update = trace_in_child(db_path)
    how = "a full rebuild" if update["full"] else "an update"
    print(f"after {args.add:,} more claims, {how}: {update['seconds']:.1f} s, peak memory {update['peak_mb']:,.0f} MB"
          f" ({update['seconds'] / full['seconds'] * 100:.1f} % of the full build), {update['figures']:,} figures"
          f" (libraries imported first: {update['imports']:.1f} s)")


if __name__ == "__main__":
    main()
