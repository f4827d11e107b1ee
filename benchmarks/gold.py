"""Score the numeric-claim extractor against the gold annotation of the seed corpus.

    python benchmarks/gold.py [--gold ../shared/gold/seed_figures.json] [--corpus corpus/] [--verbose]

The pipeline runs on each corpus file's raw text, so predicted offsets are comparable to
the gold's code-point offsets directly. A prediction matches a gold claim of the same
article when their spans overlap. Gold claims marked ``"scored": false`` (event years)
count neither way, and so do predictions that overlap only those.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT.parent / "shared" / "gold" / "seed_figures.json"
DEFAULT_CORPUS = ROOT / "corpus"

_STOP = frozenset("the a an of by and in on for to with claim quoted unnamed".split())


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def values_equal(gold, claim) -> bool:
    """Gold value (a number or [low, high]) equals the claim's value or range (1e-6 relative)."""

    def close(x, y):
        return x is not None and y is not None and abs(x - y) <= 1e-6 * max(abs(x), abs(y), 1e-12)

    if isinstance(gold, list):
        return close(gold[0], claim.value_low) and close(gold[1], claim.value_high)
    return close(gold, claim.value)


def _content_words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if w not in _STOP}


def attribution_matches(gold: str, predicted: str | None) -> bool:
    """Loose match: the prediction exists and shares a content word with the gold."""
    return predicted is not None and bool(_content_words(gold) & _content_words(predicted))


def _unit_key(unit: str | None) -> str:
    return re.sub(r"[\s-]+", " ", (unit or "").lower()).strip()


def predict(nlp, corpus: Path) -> tuple[dict[str, tuple[str, list]], int]:
    """Article file name -> (raw text, claims) for every ``*.txt`` in the corpus, and the
    number of sentences parsed. Texts go through ``nlp.pipe`` in one batch, as ingest does."""
    paths = sorted(corpus.glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in paths]
    out, sentences = {}, 0
    for path, text, doc in zip(paths, texts, nlp.pipe(texts, batch_size=64)):
        out[path.name] = (text, doc._.numeric_claims)
        sentences += sum(1 for _ in doc.sents)
    return out, sentences


def score(gold: dict, predictions: dict[str, tuple[str, list]]) -> dict:
    """Compare predictions with gold claims; returns the rates and the misses / false positives."""
    matched, misses, false_positives = [], [], []
    for article, (text, claims) in predictions.items():
        golds = [g for g in gold["claims"] if g["article"] == article]
        for g in golds:
            if g.get("scored", True) is False:
                continue
            hit = next(
                (c for c in claims if _overlaps(c.start_char, c.end_char, g["char_start"], g["char_end"])),
                None,
            )
            if hit is None:
                misses.append((article, g))
            else:
                matched.append((g, hit))
        for c in claims:
            overlapping = [g for g in golds if _overlaps(c.start_char, c.end_char, g["char_start"], g["char_end"])]
            if not overlapping:
                false_positives.append((article, c, _sentence_of(text, c.start_char)))
    n_gold = len(matched) + len(misses)
    n_pred_scored = sum(
        1
        for article, (_, claims) in predictions.items()
        for c in claims
        if any(
            g.get("scored", True) is not False
            and g["article"] == article
            and _overlaps(c.start_char, c.end_char, g["char_start"], g["char_end"])
            for g in gold["claims"]
        )
    )
    n_pred = n_pred_scored + len(false_positives)
    attributed = [(g, c) for g, c in matched if g.get("attributed_to")]

    def rate(hits, total):
        return hits / total if total else 0.0

    return {
        "gold": n_gold,
        "predicted": n_pred,
        "recall": rate(len(matched), n_gold),
        "precision": rate(n_pred_scored, n_pred),
        "value_accuracy": rate(sum(values_equal(g["value"], c) for g, c in matched), len(matched)),
        "qualifier_accuracy": rate(sum(g["qualifier"] == c.qualifier for g, c in matched), len(matched)),
        "unit_agreement": rate(sum(_unit_key(g["unit"]) == _unit_key(c.unit) for g, c in matched), len(matched)),
        "attribution_accuracy": rate(
            sum(attribution_matches(g["attributed_to"], c.attributed_to) for g, c in attributed), len(attributed)
        ),
        "matched": matched,
        "misses": misses,
        "false_positives": false_positives,
    }


def _sentence_of(text: str, offset: int) -> str:
    start = max(text.rfind(". ", 0, offset) + 2, text.rfind("\n", 0, offset) + 1, 0)
    end_candidates = [i for i in (text.find(". ", offset), text.find("\n", offset)) if i >= 0]
    end = min(end_candidates) + 1 if end_candidates else len(text)
    return text[start:end].strip()


def _report(result: dict, verbose: bool) -> None:
    print(f"gold claims {result['gold']}, predicted (scored) {result['predicted']}")
    for key in ("recall", "precision", "value_accuracy", "qualifier_accuracy", "unit_agreement",
                "attribution_accuracy"):  # fmt: skip
        print(f"{key:22s} {result[key]:6.1%}")
    if not verbose:
        return
    print("\nMISSES")
    for article, g in result["misses"]:
        print(f"  {article[:3]} {g['id']} {g['surface']!r}: {g['sentence'][:160]}")
    print("\nFALSE POSITIVES")
    for article, c, sentence in result["false_positives"]:
        print(f"  {article[:3]} {c.surface!r} ({c.kind}): {sentence[:160]}")
    print("\nWRONG VALUE / QUALIFIER / ATTRIBUTION")
    for g, c in result["matched"]:
        problems = []
        if not values_equal(g["value"], c):
            problems.append(f"value {c.value} [{c.value_low}, {c.value_high}] != {g['value']}")
        if g["qualifier"] != c.qualifier:
            problems.append(f"qualifier {c.qualifier} ({c.qualifier_cue}) != {g['qualifier']}")
        if g.get("attributed_to") and not attribution_matches(g["attributed_to"], c.attributed_to):
            problems.append(f"attributed_to {c.attributed_to!r} != {g['attributed_to']!r}")
        if problems:
            print(f"  {g['id']} {g['surface']!r} -> {c.surface!r}: " + "; ".join(problems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--model", default=None, help="spaCy model name or path")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from pipeline.nlp import load_pipeline

    nlp = load_pipeline(args.model)
    if not args.gold.is_file():
        print(f"no gold annotation at {args.gold}: pass --gold", file=sys.stderr)
        return 2
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    started = time.perf_counter()
    predictions, sentences = predict(nlp, args.corpus)
    elapsed = time.perf_counter() - started
    _report(score(gold, predictions), args.verbose)
    print(f"{sentences} sentences in {elapsed:.2f}s ({sentences / elapsed:.0f} sentences/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
