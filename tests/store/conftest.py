"""The store tests' fixture: a fresh database (here, not in tests/conftest.py, whose db is the served demo database)."""

import pytest

from pipeline.store import open_db


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "sub" / "news.db")
    yield database
    database.close()
