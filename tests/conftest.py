"""Shared fixtures: the spaCy pipeline is loaded once per test session; the demo database
and Datasette over it once per test module that serves it."""

import json
from pathlib import Path

import pytest
import sqlite_utils
from datasette.app import Datasette

from pipeline.serve import DATASETTE_SETTINGS, register_plugin

from .helpers import METADATA, XSS, XSS_IMG

ROOT = Path(__file__).resolve().parent.parent
DEMO_CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def demo_corpus() -> Path:
    return DEMO_CORPUS


@pytest.fixture(scope="session")
def demo_db(nlp, tmp_path_factory):
    """The demo corpus ingested once into a fresh database; returns (db path, summary)."""
    from pipeline.runner import ingest_paths

    db_path = tmp_path_factory.mktemp("demo") / "news.db"
    summary = ingest_paths([DEMO_CORPUS], db_path, nlp=nlp)
    return db_path, summary


# Columns that record when or in which run a row was written, not what it says.
RUN_COLUMNS = {"ingested_at", "run_id"}
CONTENT_TABLES = ("articles", "sentences", "claims", "entities", "entity_mentions", "entity_spellings", "article_names", "figures",
                  "mutations")


def database_fingerprint(db_path) -> dict:
    """Every content row of a database, as comparable data (two ingests of the same
    inputs, however run, must give equal fingerprints)."""
    import sqlite_utils

    db = sqlite_utils.Database(db_path)
    return {
        table: sorted(
            repr(sorted((k, v) for k, v in row.items() if k not in RUN_COLUMNS)) for row in db[table].rows
        )
        for table in CONTENT_TABLES
    }


@pytest.fixture(scope="session")
def fingerprint():
    return database_fingerprint


# Served by Datasette: the tests of serve, the plugin, its pages and its guards.


@pytest.fixture(scope="module")
def datasette(demo_db):
    register_plugin()  # a no-op when the entry point already loaded it
    # metadata.yml keys the database by its file stem, "news"
    return Datasette(immutables=[str(demo_db[0])], metadata=METADATA, settings=DATASETTE_SETTINGS)


@pytest.fixture(scope="module")
def db(demo_db):
    return sqlite_utils.Database(demo_db[0])


@pytest.fixture(scope="module")
def hostile(nlp, tmp_path_factory):
    """A database ingested from articles whose every stored text field carries markup and
    whose URLs are javascript: (from a text header and a JSON record; trafilatura drops an
    HTML canonical link that is not http), then the NLP-made fields overwritten with markup.
    Returns (Datasette, sqlite_utils.Database)."""
    from pipeline.runner import ingest_paths

    corpus = tmp_path_factory.mktemp("hostile")
    (corpus / "a.txt").write_text(
        f"title: {XSS} title\nurl: javascript:alert(1)\nsource: {XSS} source\nauthor: {XSS_IMG}\ndate: 2025-01-02\n\n"
        f"Acme {XSS} spent $6 million on new chips, the company said.\n"
    )
    (corpus / "b.html").write_text(
        f'<html><head><title>{XSS}</title><link rel="canonical" href="javascript:alert(2)"></head><body><article>'
        "<h1>Chips</h1><p>Acme spent $6.2 million on new chips last year, according to filings reviewed by "
        "reporters who cover the semiconductor industry.</p><p>It also hired 40 engineers.</p></article></body></html>"
    )
    records = [
        {"title": f"JSON {XSS}", "url": "JaVaScRiPt:alert(3)", "source": XSS_IMG, "text": "Acme spent about $6 million on chips."},
        {"title": "Fine", "url": "https://example.com/fine?a=1&b=2", "text": "Acme spent $6 million on chips, it said."},
        {"title": "Data", "url": " data:text/html,<script>alert(4)</script>", "text": "Acme spent $6 million on GPUs."},
    ]
    (corpus / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    db_path = tmp_path_factory.mktemp("hostile-db") / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    db = sqlite_utils.Database(db_path)
    with db.conn:  # the fields the NLP fills: markup in each
        db.execute("update claims set subject = ?, attributed_to = ?, qualifier_cue = ?", [XSS, XSS_IMG, XSS])
        db.execute("update claims set surface = ? where rowid = (select min(rowid) from claims)", [XSS])
        db.execute("update mutations set detail = ?", [XSS])
        db.execute("update figures set subject = ?, attributed_origin = ?", [XSS, XSS_IMG])
        db.execute("update sentences set text = text || ?", [XSS])
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # served immutable: no rows left in the log
    ds = Datasette(immutables=[str(db_path)], metadata=METADATA)
    return ds, db
