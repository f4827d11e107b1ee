"""Helpers shared by the top-level tests: the texts the fast components and windowed NER are checked on, and Datasette's pages over the demo and hostile databases."""

import ast
import asyncio
import shutil

import yaml
from datasette.utils import tilde_encode

from pipeline.serve import PROJECT_METADATA
from pipeline.tracing import find_figures


# --------------------------------------------------------------------------- nlp: the demo texts


# Text that reaches the attribute ruler's rarer patterns: contractions, "gonna", "y'all",
# auxiliaries by dependency, pronoun case, expletive "there", stray whitespace.
RULER_EDGE_CASES = (
    "Y'all ain't gonna believe it. Let's go, c'mon! I gotta say nothin' works. There is a cat. "
    "I told you it was him. Do it! It does not. But we did, and you saw me.\n\n  Spaces   here."
)


def _demo_texts(demo_corpus):
    return [path.read_text(encoding="utf-8") for path in sorted(demo_corpus.iterdir())] + [RULER_EDGE_CASES]


# --------------------------------------------------------------------------- serve: Datasette's test client


METADATA = yaml.safe_load(PROJECT_METADATA.read_text())

QUERIES = METADATA["databases"]["news"]["queries"]


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def rows(ds, path):
    """The rows of a JSON page as dicts."""
    separator = "&" if "?" in path else "?"
    response = get(ds, f"{path}{separator}_shape=objects")
    assert response.status_code == 200, response.text
    return response.json()["rows"]


def v3_training_cost(db) -> str:
    """The figure `$6M` traces to first: DeepSeek-V3's training cost."""
    return find_figures(db, "$6M")[0]


XSS = "<script>figtrace_xss()</script>"

XSS_IMG = "<img src=x onerror=figtrace_xss()>"


def figtrace_pages(ds, db) -> list[str]:
    """Every page figtrace draws or configures for this database."""
    claims = [r[0] for r in db.execute("select id from claims")]
    figures = [r[0] for r in db.execute("select id from figures")]
    articles = [r[0] for r in db.execute("select id from articles")]
    assert claims and figures and db["mutations"].count
    pages = [f"/-/figtrace/claim/news/{tilde_encode(c)}" for c in claims]
    pages += [f"/news/figures/{tilde_encode(f)}" for f in figures] + [f"/news/claims/{tilde_encode(c)}" for c in claims]
    pages += [f"/news/articles/{tilde_encode(a)}" for a in articles]
    pages += [f"/news/{t}" for t in ("articles", "claims", "figures", "mutations", "sentences", "entities", "runs")]
    pages += ["/", "/news", "/-/figtrace/about", "/news?sql=select+*+from+articles", "/news/articles?_search=Acme"]
    pages += [f"/news/{name}" for name in QUERIES]  # the canned query forms
    pages += ["/news/trace_figure?figure=%246M", "/news/first_appearance", "/news/most_mutated",
              "/news/claims_credited_to?source=script", "/news/outlet_claims?outlet=c.jsonl",
              f"/news/entities_around_figure?figure={tilde_encode(figures[0])}", "/news/claims_in_unit?unit=USD"]  # fmt: skip
    return pages


def copy_of(demo_db, tmp_path):
    db_path = tmp_path / "news.db"
    shutil.copy(demo_db[0], db_path)
    return db_path


# Libraries that take from a tenth of a second (numpy, and sqlite-utils, which loads it) to
# seconds to import: commands that only read the database load none.
HEAVY_MODULES = ("spacy", "sklearn", "trafilatura", "dateparser", "pint", "pyld", "feedparser", "warcio", "datasketch",
                 "numpy", "sqlite_utils")  # fmt: skip


def run_counting_imports(args: list[str]) -> tuple[str, list[str]]:
    """Run ``analyze ARGS`` in a fresh interpreter: its standard output, and which of
    :data:`HEAVY_MODULES` it imported."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom pipeline.cli import cli\n"
        f"try:\n    cli({list(args)!r})\nexcept SystemExit:\n    pass\n"
        f"print('loaded:', [m for m in {HEAVY_MODULES!r} if m in sys.modules], file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "loaded:" in out.stderr, out.stderr
    return out.stdout, ast.literal_eval(out.stderr.strip().rsplit("loaded:", 1)[1].strip())
