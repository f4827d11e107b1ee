"""A database file, opened safely: what is refused before SQLite touches it, the one-line
errors users see, and the write lock concurrent ingests take turns on.

No table is written here (that is :mod:`pipeline.store`); only connections, transactions
and their settings.
"""

from __future__ import annotations

import os
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import sqlite_utils

T = TypeVar("T")


class StoreError(Exception):
    """A database that cannot be opened, read or written. ``str(error)`` is one line that
    names the file and says what to do; the CLI prints it instead of a traceback."""


SQLITE_HEADER = b"SQLite format 3\x00"


def check_database_file(path: str | Path, *, must_exist: bool = False, writable: bool = False) -> None:
    """Raise :class:`StoreError` unless ``path`` can be used as a figtrace database.

    Looks without opening it through SQLite (which would create a missing file, or write a
    journal next to a file that is not a database): a missing file (when ``must_exist``),
    a directory, a file that does not start with SQLite's header, and, when ``writable``,
    a file or folder this process cannot write. An empty file is an empty database.
    """
    path = Path(path)
    if not path.exists():
        if must_exist:
            raise StoreError(f"{path}: no such database; run `analyze ingest` first")
        if writable and path.parent.exists() and not os.access(path.parent, os.W_OK):
            raise StoreError(f"{path}: cannot create the database: folder {path.parent} is read-only")
        return
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a database file")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the database: {exc.strerror or exc}") from None
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path}: not a SQLite database (left untouched); give another --db")
    if writable and not is_writable(path):
        where = path if not os.access(path, os.W_OK) else f"its folder {path.parent}"
        raise StoreError(f"{path}: read-only ({where} cannot be written); give a writable --db")


def is_writable(path: str | Path) -> bool:
    """Whether this process may write the database file and create its journal beside it."""
    path = Path(path)
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def describe_database_error(path: str | Path, exc: sqlite3.Error) -> str:
    """One line for a SQLite error met while using the database at ``path``."""
    message = str(exc)
    lowered = message.lower()
    if "disk is full" in lowered:
        return f"disk full while writing {path}"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{path}: read-only; give a writable --db"
    if "not a database" in lowered or "malformed" in lowered:
        return f"{path}: not a usable SQLite database ({message}); give another --db"
    if "unable to open" in lowered:
        return f"{path}: cannot open the database ({message})"
    return f"{path}: database error: {message}"


def connect_for_writing(path: str | Path, on_lock_wait: Callable[[], None] | None = None) -> sqlite_utils.Database:
    """A sqlite-utils connection to ``path`` whose writes wait for another process's lock
    (see :func:`write_transaction`; ``on_lock_wait`` is called when one has to)."""
    import sqlite_utils

    # Every statement waits for the write lock as long as BEGIN IMMEDIATE would.
    db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=LOCK_WAIT_LIMIT_S))
    if on_lock_wait is not None:
        _LOCK_WAIT_NOTICES[db] = on_lock_wait
    return db


class ReadingDatabase:
    """A connection to read from, with the two methods of :class:`sqlite_utils.Database`
    that reading code calls: ``execute`` (a cursor) and ``query`` (rows as dicts).

    The commands that only read (``analyze trace``, ``figures``, ``export-claimreview``) use
    it so that they do not import sqlite-utils, which loads numpy: over half of what a short
    query takes from the command line. (The figure page wraps Datasette's connection in it.)
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        """Run ``sql`` with ``parameters`` (a sequence or a dict); the cursor."""
        return self.conn.execute(sql, parameters or ())

    def query(self, sql: str, params=None) -> Iterator[dict]:
        """The rows of ``sql``, each a dict keyed by column name."""
        cursor = self.execute(sql, params)
        keys = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(keys, row))


# How long a writer waits quietly for another's write lock, then how long in all, noisily.
LOCK_NOTICE_AFTER_S = 2.0
LOCK_WAIT_LIMIT_S = 30 * 60.0
_LOCK_WAIT_NOTICES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _is_locked(exc: sqlite3.Error) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A transaction that holds SQLite's write lock from its first statement.

    A plain ``BEGIN`` reads first and asks for the lock at its first write; if another
    process committed in between, SQLite refuses at once ("database is locked") whatever
    the busy timeout. ``BEGIN IMMEDIATE`` waits for the lock instead: quietly for
    :data:`LOCK_NOTICE_AFTER_S`, then after calling the ``on_lock_wait`` given to
    :func:`open_db` (one line for the user), up to :data:`LOCK_WAIT_LIMIT_S`. Nested
    inside an open transaction it is a no-op (sqlite-utils' ``atomic`` nests as savepoints).
    """
    if db.conn.in_transaction:
        yield db
        return
    _begin_immediate(db)
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


def _begin_immediate(db: sqlite_utils.Database) -> None:
    db.execute(f"PRAGMA busy_timeout = {int(LOCK_NOTICE_AFTER_S * 1000)}")
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        return
    except sqlite3.OperationalError as exc:
        if not _is_locked(exc):
            raise
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(LOCK_WAIT_LIMIT_S * 1000)}")
    notice = _LOCK_WAIT_NOTICES.get(db)
    if notice is not None:
        notice()
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if _is_locked(exc):
            raise StoreError(
                f"another process has held the write lock for over {LOCK_WAIT_LIMIT_S / 60:.0f} minutes; "
                "is an ingest stuck?"
            ) from None
        raise


def retry_when_locked(step: Callable[[], T]) -> T:
    """Run ``step``, again after a short wait while SQLite answers "database is locked".

    SQLite skips the busy timeout when waiting could deadlock: two connections that both
    read a new database in rollback mode and both switch it to WAL. One of them is refused
    at once; once the other has switched, the same step goes through.
    """
    deadline = time.monotonic() + LOCK_WAIT_LIMIT_S
    pause = 0.01
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


# How often the log is folded into the database while a long write runs (seconds), and
# SQLite's own setting, which the writer goes back to after it.
CHECKPOINT_EVERY_S = 0.5
DEFAULT_AUTOCHECKPOINT = 1000


@contextmanager
def checkpoints_alongside(db: sqlite_utils.Database, every: float = CHECKPOINT_EVERY_S) -> Iterator[None]:
    """While an ingest writes, fold the write-ahead log into the database from a second
    connection in a thread, every ``every`` seconds, instead of in the writer's commits.

    By default the commit that takes the log past 1,000 pages copies them into the
    database file and syncs both; in a large database each batch of articles touches pages
    all over its indexes, so that was a growing share of every batch (generated 16,000
    articles: 45 ms of a 130 ms store, 10 ms at 1,000). A passive checkpoint in a thread
    waits for nobody, runs while the writer analyses the next batch, and leaves every
    guarantee as it was: what a commit wrote is in the log, whoever folds it. A database
    not in WAL mode (or in memory) is left as it is."""
    file = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
    if not file or db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        yield
        return
    import threading

    stop = threading.Event()
    folder = threading.Thread(target=_checkpoint_until, args=(file, stop, every), name="figtrace-checkpoints", daemon=True)
    db.execute("PRAGMA wal_autocheckpoint = 0")
    folder.start()
    try:
        yield
    finally:
        stop.set()
        folder.join()
        db.execute(f"PRAGMA wal_autocheckpoint = {DEFAULT_AUTOCHECKPOINT}")


def _checkpoint_until(file: str, stop, every: float) -> None:
    """Passive checkpoints of the database at ``file`` every ``every`` seconds until ``stop``."""
    try:
        conn = sqlite3.connect(file, timeout=every)
    except sqlite3.Error:
        return  # (the writer's own commits go on, and the log is folded when it closes)
    try:
        while not stop.wait(every):
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:
                pass  # busy with another checkpoint, or the disk: the next try will tell
    finally:
        conn.close()
