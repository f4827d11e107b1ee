"""The database connection: the log folded beside a long write (checkpoints_alongside)."""

import os
import threading
import time

from pipeline.database import DEFAULT_AUTOCHECKPOINT, checkpoints_alongside, write_transaction
from pipeline.store import open_db


def _write_batches(db, batches: int) -> None:
    with write_transaction(db):
        db.execute("create table if not exists pages (n integer primary key, body blob)")
    for n in range(batches):
        with write_transaction(db):
            db.execute("insert into pages (body) values (?)", [os.urandom(256 * 1024)])


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_the_log_is_folded_into_the_database_beside_the_writer_not_in_its_commits(tmp_path):
    path = tmp_path / "news.db"
    db = open_db(path)
    before = path.stat().st_size
    with checkpoints_alongside(db, every=0.02):
        # The writer's commits no longer fold the log ...
        assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        _write_batches(db, 12)  # 3 MB: three times what a commit would have folded
        # ... the thread does: the pages reach the database file while the writer holds it open.
        assert _wait_for(lambda: path.stat().st_size > before + 2_500_000)
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == DEFAULT_AUTOCHECKPOINT
    assert not any(thread.name == "figtrace-checkpoints" for thread in threading.enumerate())
    assert db.execute("select count(*) from pages").fetchone()[0] == 12
    db.close()


def test_without_the_thread_the_log_would_hold_the_pages(tmp_path):
    """The same writes with the writer's checkpoints off and no thread leave the database
    file as it was: what the test above sees is the thread's doing."""
    path = tmp_path / "news.db"
    db = open_db(path)
    before = path.stat().st_size
    db.execute("PRAGMA wal_autocheckpoint = 0")
    _write_batches(db, 12)
    time.sleep(0.2)
    assert path.stat().st_size < before + 100_000
    assert (tmp_path / "news.db-wal").stat().st_size > 3_000_000
    db.close()


def test_a_database_in_memory_is_written_as_before(tmp_path):
    import sqlite_utils

    db = sqlite_utils.Database(memory=True)
    with checkpoints_alongside(db, every=0.01):
        db.execute("create table t (n integer)")
        db.execute("insert into t values (1)")
        assert not any(thread.name == "figtrace-checkpoints" for thread in threading.enumerate())
    assert db.execute("select count(*) from t").fetchone()[0] == 1
