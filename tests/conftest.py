"""Shared fixtures: the spaCy pipeline is loaded once per test session."""

from pathlib import Path

import pytest

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
CONTENT_TABLES = ("articles", "sentences", "claims", "entities", "entity_mentions", "figures", "mutations")


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
