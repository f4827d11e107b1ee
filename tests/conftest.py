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
