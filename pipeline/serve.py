"""Serving the database with Datasette, read-only.

figtrace's Datasette plugin (:mod:`pipeline.datasette_plugin`: figure functions, figure
pages, claims in their articles) is loaded through the package's ``datasette`` entry point;
:func:`run_datasette` also registers it when the package metadata is missing (a plain
checkout on ``sys.path``).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from .database import ReadingDatabase, describe_database_error, is_writable

PROJECT_METADATA = Path(__file__).resolve().parent.parent / "metadata.yml"
# metadata.yml describes the database under the stem of the default db/news.db.
METADATA_DATABASE = "news"
# Facet suggestions run a grouping query per column on every table page: on a large
# corpus they cost most of the page (the facets metadata.yml asks for stay).
DATASETTE_SETTINGS = {"suggest_facets": False}


def find_metadata(explicit: str | Path | None = None) -> Path | None:
    """The metadata file to serve with: the one named, else ./metadata.yml, else the project's."""
    if explicit:
        return Path(explicit)
    for candidate in (Path("metadata.yml"), PROJECT_METADATA):
        if candidate.is_file():
            return candidate
    return None


def datasette_args(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8001,
    metadata: str | Path | None = None,
    live: bool = False,
) -> list[str]:
    """Arguments for ``datasette serve``, plus the metadata file when one is found.

    The database is immutable (``-i``), so no write path exists; ``live`` opens it
    read-only instead (``mode=ro``; the plugin adds ``PRAGMA query_only``), which follows
    the rows an ingest commits meanwhile (the store runs in WAL mode, so readers and the
    writer do not block each other).
    """
    args = ["serve"] + ([str(db_path)] if live else ["-i", str(db_path)]) + ["--host", host, "--port", str(port)]
    for name, value in DATASETTE_SETTINGS.items():
        args += ["--setting", name, {True: "on", False: "off"}.get(value, str(value))]
    metadata_path = find_metadata(metadata)
    if metadata_path:
        args += ["--metadata", str(metadata_for_database(metadata_path, db_path))]
    return args


def metadata_for_database(metadata_path: str | Path, db_path: str | Path) -> Path:
    """The metadata file to serve ``db_path`` with.

    Datasette names a database after its file's stem and applies the metadata (tables,
    facets, canned queries) keyed by that name; metadata.yml keys its entry ``news``.
    For a database with another stem (``db/january.db``) the entry is copied under that
    stem into a temporary file, so every database gets the same descriptions and queries.
    A table whose full-text index the database lacks (``figures_fts``, in a database made
    before it: :func:`missing_search_tables`) is served without search rather than with a
    search box that fails.
    """
    metadata_path = Path(metadata_path)
    stem = Path(db_path).stem
    unsearchable = missing_search_tables(db_path)
    if stem == METADATA_DATABASE and not unsearchable:
        return metadata_path
    from datasette.utils import parse_metadata

    metadata = parse_metadata(metadata_path.read_text(encoding="utf-8")) or {}
    databases = metadata.get("databases") or {}
    if METADATA_DATABASE not in databases or (stem != METADATA_DATABASE and stem in databases):
        return metadata_path
    entry = databases[stem] = databases.pop(METADATA_DATABASE)
    for table in unsearchable:
        for key in ("fts_table", "fts_pk", "searchmode"):
            (entry.get("tables") or {}).get(table, {}).pop(key, None)
    return _temporary_json(metadata, prefix=f"figtrace-{stem}-")


def missing_search_tables(db_path: str | Path) -> list[str]:
    """Tables metadata.yml searches through a full-text index the database at ``db_path``
    does not hold (made before the index; its next ingest or rebuild adds it)."""
    from .store.schema import FIGURE_SEARCH_TABLE

    try:
        # (immutable: no -shm left beside a file served as it is; a log not folded is read too)
        with closing(_read_only_connection(Path(db_path))) as conn:
            found = conn.execute("select 1 from sqlite_master where name = ?", [FIGURE_SEARCH_TABLE]).fetchone()
    except sqlite3.Error:
        return []  # (what cannot be read is refused elsewhere, in one line)
    return [] if found else ["figures"]


def search_notice(db_path: str | Path) -> str | None:
    """One line for a database served without a search its metadata offers."""
    if missing_search_tables(db_path):
        return f"{db_path} has no figure search index (made before it): run `analyze rebuild --db {db_path}` to add it"
    return None


def _temporary_json(data: dict, prefix: str) -> Path:
    """``data`` written to a temporary JSON file that is removed when the process exits."""
    import atexit
    import os
    import tempfile

    handle, name = tempfile.mkstemp(prefix=prefix, suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False)
    atexit.register(lambda: Path(name).unlink(missing_ok=True))
    return Path(name)


def register_plugin() -> None:
    """Register figtrace's Datasette plugin unless the entry point already did."""
    from datasette.plugins import pm

    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="figtrace")


def checkpoint(db_path: str | Path) -> None:
    """Fold a left-over write-ahead log into the database file.

    Datasette opens the database immutable, and an immutable reader never looks at the
    WAL: rows committed by an ingest that was killed before it closed would be invisible.
    """
    import sqlite3

    connection = sqlite3.connect(str(db_path))
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


@dataclass(frozen=True)
class ServeMode:
    """How :func:`choose_mode` decided to serve a database: ``live`` (read-only, follows
    writes) or immutable, and the one line to print about a switch to live (or None)."""

    live: bool
    notice: str | None = None


def _wal(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-wal")


def _unfolded_log(db_path: Path) -> bool:
    """Whether a write-ahead log beside the database holds writes not yet in the file."""
    wal = _wal(db_path)
    return wal.exists() and wal.stat().st_size > 0


def open_elsewhere(db_path: str | Path) -> bool:
    """Whether another connection (an ingest, most likely) has the database open.

    SQLite deletes a database's write-ahead log when its last connection closes, and only
    then: so this opens a connection, folds the log into the file (``wal_checkpoint
    (TRUNCATE)``: what a killed ingest left becomes visible to immutable readers) and
    closes it; a ``-wal`` file still there means someone else holds the file open. The
    checkpoint's own answer cannot tell: it succeeds whenever the writer is between
    transactions, which an ingest is most of the time (it is running the NLP). Works
    across processes and within one. Needs write access (the caller checks).
    """
    checkpoint(db_path)
    return _wal(Path(db_path)).exists()


def _unfinished_run(db_path: Path) -> int | None:
    """The id of the latest ingest run with no finish time, if any (for the notice)."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        row = connection.execute("select max(id) from runs where finished_at is null and coalesce(status, 'running') = 'running'").fetchone()
    except sqlite3.Error:  # no runs table: not written by figtrace's ingest
        return None
    finally:
        connection.close()
    return row[0] if row else None


def open_for_reading(db_path: str | Path) -> ReadingDatabase:
    """The database at ``db_path`` to read from (``analyze trace``, ``analyze figures``);
    check it with :func:`~pipeline.database.check_database_file` first.

    A file this process may write is opened as usual. One it cannot write (a read-only
    file or folder, a read-only mount) is opened immutable: SQLite reads a database in WAL
    mode by creating a ``-shm`` file beside it, which a read-only folder refuses (``unable
    to open database file``); nothing can be writing a file nobody may write. With a
    write-ahead log it cannot fold, it is opened ``mode=ro`` to read that log too.
    """
    db_path = Path(db_path)
    if is_writable(db_path):
        return ReadingDatabase(sqlite3.connect(db_path))
    return ReadingDatabase(_read_only_connection(db_path))


def _read_only_connection(db_path: Path) -> sqlite3.Connection:
    """A connection that reads ``db_path`` and leaves nothing beside it: immutable, or
    ``mode=ro`` when a write-ahead log it cannot fold holds rows to read too."""
    flag = "mode=ro" if _unfolded_log(db_path) else "immutable=1"
    return sqlite3.connect(f"{db_path.resolve().as_uri()}?{flag}", uri=True)


def choose_mode(db_path: str | Path, live: bool = False) -> ServeMode:
    """Check the database and decide how to serve it; raises :class:`~pipeline.database.StoreError`
    (one line naming the file) for a file that cannot be served.

    - not SQLite, missing, a folder: refused, the file untouched;
    - ``live`` asked: served live (read-only, ``PRAGMA query_only``);
    - open in another process (an ingest writing to it): served live instead of immutable,
      with a one-line notice, since an immutable reader of a file being written reads
      ``database disk image is malformed`` and stale counts;
    - else: a write-ahead log left by a killed ingest is folded in, and served immutable;
    - read-only for this process: served immutable as it is (nothing to fold), or refused
      when it holds a write-ahead log it cannot fold.
    """
    from .database import StoreError, check_database_file

    db_path = Path(db_path)
    check_database_file(db_path, must_exist=True)
    if live:
        return ServeMode(live=True)
    if not is_writable(db_path):
        if _unfolded_log(db_path):
            raise StoreError(
                f"{db_path}: read-only, with writes not yet folded into it ({_wal(db_path).name}); "
                "make it writable once, or copy it with its -wal file somewhere writable, to serve it"
            )
        return ServeMode(live=False)
    try:
        busy = open_elsewhere(db_path)
    except sqlite3.Error as exc:
        raise StoreError(describe_database_error(db_path, exc)) from None
    if not busy:
        return ServeMode(live=False)
    run = _unfinished_run(db_path)
    who = f"being written by an ingest (run {run} is not finished)" if run else "open in another process (an ingest writing to it?)"
    return ServeMode(live=True, notice=f"{db_path} is {who}: serving it live (read-only) instead of immutable")


def port_in_use(host: str, port: int) -> bool:
    """Whether ``port`` on ``host`` is taken (another server listens there): checked by
    binding it, as the server is about to (port 0 picks a free one: never taken)."""
    import socket

    if port == 0:
        return False
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # (as uvicorn binds: a port still in TIME_WAIT from a server just stopped is free)
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            import errno

            return error.errno == errno.EADDRINUSE
    return False


def run_datasette(args: list[str]) -> None:
    """Run Datasette's own command line in this process (blocks until stopped)."""
    from datasette.cli import cli as datasette_cli

    register_plugin()
    datasette_cli.main(args=args, prog_name="datasette")
