"""Order independence and cost of figure updates; prints figures.

    python benchmarks/figures_order.py SOURCE_DB [--first 0.5] [--step 20] [--single 20]

SOURCE_DB is any figtrace database (``benchmarks/ingest.py --keep DIR`` leaves one, or
ingest a corpus of your own). Its articles are copied, in the order they were stored, into
a new database without NLP: the first ``--first`` share in one go (a full rebuild), then
the rest ``--step`` articles at a time, the last ``--single`` of them one article at a
time, each followed by the update an ingest runs (:func:`pipeline.tracing.update_figures`).
It prints the time of each kind of update against the full rebuild of the same claims,
and the B-cubed precision, recall and F1 of the figures so reached against the one-run
result (figures rebuilt from all claims at once): 1.0 is the same figures.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.database import write_transaction  # noqa: E402
from pipeline.store import open_db  # noqa: E402
from pipeline.tracing import needs_rebuild, rebuild_figures, update_figures  # noqa: E402

# Tables copied per article (after the runs and entities every article may point at).
PER_ARTICLE = ("articles", "inputs", "sentences", "claims", "entity_mentions", "article_names")


def copy_articles(db, article_ids: list[str]) -> None:
    """Copy these articles' rows from the attached ``source`` database, claims without figures."""
    marks = ",".join("?" for _ in article_ids)
    with write_transaction(db):
        for table in PER_ARTICLE:
            columns = [c for c in db[table].columns_dict if c != "figure_id"]
            names = ", ".join(f"[{c}]" for c in columns)
            key = "id" if table == "articles" else "article_id"
            db.execute(f"insert or ignore into [{table}] ({names}) select {names} from source.[{table}] where {key} in ({marks})", article_ids)


def figures_of(db) -> dict[str, str]:
    """Each claim's figure."""
    return dict(db.execute("select id, figure_id from claims").fetchall())


def b_cubed(found: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of the clustering ``found`` against ``truth`` (both
    claim -> cluster)."""
    def members(assignment):
        groups: dict[str, set] = {}
        for claim, cluster in assignment.items():
            groups.setdefault(cluster, set()).add(claim)
        return {claim: groups[cluster] for claim, cluster in assignment.items()}

    mine, theirs = members(found), members(truth)
    precision = statistics.fmean(len(mine[c] & theirs[c]) / len(mine[c]) for c in truth)
    recall = statistics.fmean(len(mine[c] & theirs[c]) / len(theirs[c]) for c in truth)
    return precision, recall, 2 * precision * recall / (precision + recall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--first", type=float, default=0.5, help="share of the articles stored first, in one go")
    parser.add_argument("--step", type=int, default=20, help="articles added per update after that")
    parser.add_argument("--single", type=int, default=20, help="of those, the last ones added one at a time")
    parser.add_argument("--update-small", action="store_true",
                        help="update below UPDATE_FROM_CLAIMS claims too, where ingests rebuild")
    args = parser.parse_args()
    if args.update_small:
        import pipeline.tracing.maintain as maintain

        maintain.UPDATE_FROM_CLAIMS = 0
    work = Path(tempfile.mkdtemp(prefix="figtrace-order-"))
    try:
        db = open_db(work / "grown.db")
        db.execute("attach database ? as source", [str(args.source)])
        with write_transaction(db):
            db.execute("insert or ignore into runs select * from source.runs")
            db.execute("insert or ignore into entities select * from source.entities")
        articles = [r[0] for r in db.execute("select id from source.articles order by rowid")]
        first = int(len(articles) * args.first)
        single_from = len(articles) - args.single
        copy_articles(db, articles[:first])
        with write_transaction(db):
            update_figures(db)
        times = {"step": [], "single": [], "rebuilt": 0}
        position = first
        while position < len(articles):
            size = 1 if position >= single_from else min(args.step, single_from - position)
            copy_articles(db, articles[position : position + size])
            rebuilding = needs_rebuild(db)
            started = time.perf_counter()
            with write_transaction(db):
                update_figures(db)
            elapsed = time.perf_counter() - started
            if rebuilding:
                times["rebuilt"] += 1
            else:
                times["single" if size == 1 else "step"].append(elapsed)
            position += size
        grown = figures_of(db)
        db.close()
        shutil.copy(work / "grown.db", work / "batch.db")
        batch = open_db(work / "batch.db")
        started = time.perf_counter()
        with write_transaction(batch):
            rebuild_figures(batch)
        rebuild_s = time.perf_counter() - started
        precision, recall, f1 = b_cubed(grown, figures_of(batch))
        claims = len(grown)
        print(f"articles: {len(articles)} ({claims:,} claims); first {first} in one go, then {args.step} at a time, the last {args.single} one at a time")
        print(f"full rebuild of all claims: {rebuild_s:.2f} s")
        for kind, label in (("step", f"update after {args.step} articles"), ("single", "update after 1 article")):
            if times[kind]:
                print(f"{label}: median {statistics.median(times[kind]):.2f} s, max {max(times[kind]):.2f} s ({len(times[kind])} updates)")
        print(f"updates that rebuilt in full instead: {times['rebuilt']}")
        print(f"B-cubed against the one-run figures: precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f}")
        print(f"figures: {len(set(grown.values())):,} grown, {len(set(figures_of(batch).values())):,} in one run")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
