"""Score tracing against the gold figure families of the demo corpus.

    python benchmarks/trace_gold.py [--gold ../shared/gold/seed_figures.json] [--corpus corpus/]

Ingests the corpus into a temporary database, builds figures, then prints:
- B-cubed precision, recall and F1 of the figures over the gold claims (a gold claim the
  extractor missed counts as a figure of its own);
- every gold confuser pair the figures merge (a confuser must stay apart from its family);
- for every gold family, whether ``analyze trace`` on its canonical value returns the
  figure holding the family, and whether that figure's first claim is the family's first
  claim under the lineage order (dated articles first, then by path, then position).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.runner import ingest_paths  # noqa: E402
from pipeline.tracing import find_figures  # noqa: E402

DEFAULT_GOLD = ROOT.parent / "shared" / "gold" / "seed_figures.json"
DEFAULT_CORPUS = ROOT / "corpus"


def map_gold_to_claims(db: sqlite_utils.Database, gold: dict, corpus: Path) -> dict[str, dict]:
    """Gold claim id -> the stored claim overlapping it (with its figure), when there is one."""
    stored = {}
    for article in db.query("select id, path, text from articles"):
        name = Path(article["path"]).name
        raw = (corpus / name).read_text(encoding="utf-8")
        # The stored text may drop a header or an inline date: find where it starts.
        shift = raw.find(article["text"][:200])
        stored[name] = (article["id"], shift)
    claims_by_article: dict[str, list[dict]] = {}
    for row in db.query("select id, article_id, start_char, end_char, figure_id, surface from claims"):
        claims_by_article.setdefault(row["article_id"], []).append(row)
    mapping = {}
    for claim in gold["claims"]:
        article_id, shift = stored.get(claim["article"], (None, 0))
        start, end = claim["char_start"] - shift, claim["char_end"] - shift
        overlapping = [
            c for c in claims_by_article.get(article_id, [])
            if c["start_char"] < end and start < c["end_char"]
        ]
        if overlapping:
            mapping[claim["id"]] = max(
                overlapping, key=lambda c: min(end, c["end_char"]) - max(start, c["start_char"])
            )
    return mapping


def b_cubed(gold_family: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of a predicted clustering against gold families."""
    items = list(gold_family)
    precision = recall = 0.0
    for item in items:
        same_pred = {o for o in items if predicted[o] == predicted[item]}
        same_gold = {o for o in items if gold_family[o] == gold_family[item]}
        both = len(same_pred & same_gold)
        precision += both / len(same_pred)
        recall += both / len(same_gold)
    precision, recall = precision / len(items), recall / len(items)
    return precision, recall, 2 * precision * recall / (precision + recall)


def query_for(family: dict) -> str:
    """The family's canonical value typed as a person would ("$5,576,000", "$0.14–$0.55",
    "$0.14 per million input tokens", "17%", "671,000,000,000 parameters")."""
    unit = family["unit"].split(" (")[0]
    values = family["canonical_value"]
    values = values if isinstance(values, list) else [values]
    money = unit.startswith("USD")
    def written(v: float) -> str:
        if unit == "year":
            return str(int(v))
        return f"{int(v):,}" if float(v).is_integer() else f"{v:g}"

    numbers = [("$" if money else "") + written(v) for v in values]
    figure = "–".join(numbers)
    if money:
        per = unit[len("USD"):].replace(" 1M ", " million ").replace("-", " ")
        return figure + per
    if unit == "percent":
        return figure + "%"
    if unit == "multiplier":
        return figure + "x"
    if unit == "year":
        return figure
    if unit == "rank" or "ordinal" in family["unit"]:
        return figure + "th"
    return f"{figure} {unit.replace('-', ' ')}"


def evaluate(db: sqlite_utils.Database, gold: dict, corpus: Path) -> dict:
    mapping = map_gold_to_claims(db, gold, corpus)
    claims = {c["id"]: c for c in gold["claims"]}
    gold_family = {cid: c["family"] for cid, c in claims.items()}
    predicted = {cid: (mapping[cid]["figure_id"] if cid in mapping else f"missed:{cid}") for cid in claims}
    precision, recall, f1 = b_cubed(gold_family, predicted)

    merged_confusers = []
    for family in gold["families"]:
        figures = {predicted[m] for m in family["members"]}
        for confuser in family.get("confusers", []):
            if predicted.get(confuser) in figures:
                merged_confusers.append((family["id"], confuser, claims[confuser]["surface"]))

    def lineage_key(cid: str) -> tuple:
        c = claims[cid]
        date = gold["articles"][c["article"]]["date"]
        return (date is None, date or "", c["article"], c["char_start"])

    trace_results = []
    for family in gold["families"]:
        query = query_for(family)
        members = [m for m in family["members"] if m in mapping]
        if not members:
            continue  # nothing of the family was extracted: extraction's miss, not tracing's
        expected_first = min(members, key=lineage_key)
        try:
            found = find_figures(db, query)
        except ValueError:
            found = []
        target = predicted.get(expected_first)
        ok_found = target in found
        first_ok = False
        if ok_found:
            [row] = db.query("select first_claim_id from figures where id = ?", [target])
            first_ok = row["first_claim_id"] == mapping[expected_first]["id"]
        trace_results.append((family["id"], query, ok_found, first_ok))
    return {
        "b_cubed": (precision, recall, f1),
        "merged_confusers": merged_confusers,
        "trace": trace_results,
        "unmatched_gold": sorted(set(claims) - set(mapping)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"no gold annotation at {args.gold}: pass --gold", file=sys.stderr)
        return 2
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "news.db"
        ingest_paths([args.corpus], db_path)
        db = sqlite_utils.Database(db_path)
        result = evaluate(db, gold, args.corpus)
        if args.verbose:
            report_figures(db, gold, args.corpus)
    precision, recall, f1 = result["b_cubed"]
    print(f"B-cubed over {len(gold['claims'])} gold claims: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}")
    print(f"gold claims the extractor missed: {len(result['unmatched_gold'])}")
    confusers = sum(len(f.get("confusers", [])) for f in gold["families"])
    print(f"confusers kept apart: {confusers - len(result['merged_confusers'])}/{confusers}")
    for family, confuser, surface in result["merged_confusers"]:
        print(f"  merged: {confuser} {surface!r} into {family}")
    found = sum(1 for _, _, ok, _ in result["trace"] if ok)
    first = sum(1 for _, _, _, ok in result["trace"] if ok)
    print(f"trace finds the family: {found}/{len(result['trace'])}; with the right first claim: {first}/{len(result['trace'])}")
    for family, query, ok, first_ok in result["trace"]:
        if not (ok and first_ok):
            print(f"  {family}: trace {query!r} -> {'found, wrong first claim' if ok else 'not found'}")
    return 0


def report_figures(db: sqlite_utils.Database, gold: dict, corpus: Path) -> None:
    """Print each multi-claim figure with the gold family of every claim."""
    mapping = map_gold_to_claims(db, gold, corpus)
    family_of = {m["id"]: gold_id for gold_id, m in mapping.items()}
    fam = {c["id"]: c["family"] for c in gold["claims"]}
    for figure in db.query("select id, subject, n_claims from figures where n_claims > 1 order by n_claims desc"):
        print(f"figure {figure['id']} ({figure['n_claims']}): {figure['subject']}")
        for claim in db.query("select id, surface from claims where figure_id = ?", [figure["id"]]):
            gid = family_of.get(claim["id"])
            print(f"    {claim['surface']!r:40} {gid or '-':6} {fam.get(gid, '-')}")


if __name__ == "__main__":
    sys.exit(main())
