"""Run the extractor over NewsQuant (CQE paper benchmark) and score it with the shared scorer.

    python benchmarks/newsquant.py [PATH-to-NewsQuant.json] [--protocol paper|strict]
                                   [--details FILE] [--keep PRED.jsonl] [--model NAME]

The benchmark is read from ``../shared/benchmarks/newsquant/`` (relative to the repo root)
and never copied into the project. Every sentence is extracted in all-quantities mode and
written in the ``newsquant`` format to a temporary file; the shared ``score.py`` scores it
and its table is printed, followed by the extraction speed (one process, model load
excluded, one warm-up batch untimed, texts parsed in batches with ``nlp.pipe``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT.parent / "shared" / "benchmarks" / "newsquant"
DEFAULT_GOLD = BENCH_DIR / "NewsQuant.json"


def predict_lines(nlp, texts: list[str]) -> tuple[list[str], float]:
    """NewsQuant prediction lines for the texts, and the seconds the extraction took."""
    from pipeline.extract import extract, format_record

    list(extract(nlp, texts[:32], all_quantities=True))  # warm-up: first-call setup is not extraction
    started = time.perf_counter()
    lines = [format_record(doc, claims, "newsquant") for doc, claims in extract(nlp, texts, all_quantities=True)]
    return lines, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD, help="NewsQuant.json")
    parser.add_argument("--protocol", choices=("paper", "strict"), default="paper")
    parser.add_argument("--details", help="per-sentence counts (score.py --details) to this file")
    parser.add_argument("--keep", type=Path, help="also write the predictions to this file")
    parser.add_argument("--model", default=None, help="spaCy model name or path")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from pipeline.nlp import load_pipeline

    texts = [record["text"] for record in json.loads(args.gold.read_text(encoding="utf-8"))]
    nlp = load_pipeline(args.model)
    lines, elapsed = predict_lines(nlp, texts)
    with tempfile.TemporaryDirectory() as tmp:
        pred_path = args.keep or Path(tmp) / "predictions.jsonl"
        pred_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        command = [sys.executable, str(args.gold.parent / "score.py"), str(args.gold), str(pred_path),
                   "--protocol", args.protocol, "--name", "figtrace"]  # fmt: skip
        if args.details:
            command += ["--details", args.details]
        result = subprocess.run(command, check=False)
    print(f"{len(texts)} sentences in {elapsed:.2f}s ({len(texts) / elapsed:.0f} sentences/s)")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
