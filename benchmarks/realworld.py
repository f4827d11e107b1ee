"""Real-world tracing: the shared real-world set's measure, run on this checkout; prints figures.

    python benchmarks/realworld.py [--shared ../shared]

Runs ``SHARED/realworld/measure`` with this checkout's ``.venv/bin`` (the set is evaluation
data: it is read from there, never copied into the project). It ingests the set's articles
as written (dates as the pages print them), then a mixed corpus (the set, the demo corpus
and off-topic real news sentences), and prints, for the set's gold and the demo gold,
B-cubed precision/recall/F1 of figures, confusers kept apart, the right first article,
purity against off-topic claims, and claim value, qualifier and attribution accuracy.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="the shared data folder")
    args = parser.parse_args()
    measure = args.shared / "realworld" / "measure"
    if not measure.exists():
        print(f"no real-world set at {measure}: pass --shared", file=sys.stderr)
        return 2
    return subprocess.run([str(measure), str(ROOT / ".venv" / "bin")], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
