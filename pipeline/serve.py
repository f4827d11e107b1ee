"""Serving the database with Datasette, read-only.

figtrace's Datasette plugin (:mod:`pipeline.datasette_plugin`: figure functions, figure
pages, claims in their articles) is loaded through the package's ``datasette`` entry point;
:func:`run_datasette` also registers it when the package metadata is missing (a plain
checkout on ``sys.path``).
"""

from __future__ import annotations

import json
from pathlib import Path

PROJECT_METADATA = Path(__file__).resolve().parent.parent / "metadata.yml"
# metadata.yml describes the database under the stem of the default db/news.db.
METADATA_DATABASE = "news"


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
    """
    metadata_path = Path(metadata_path)
    stem = Path(db_path).stem
    if stem == METADATA_DATABASE:
        return metadata_path
    from datasette.utils import parse_metadata

    metadata = parse_metadata(metadata_path.read_text(encoding="utf-8")) or {}
    databases = metadata.get("databases") or {}
    if METADATA_DATABASE not in databases or stem in databases:
        return metadata_path
    databases[stem] = databases.pop(METADATA_DATABASE)
    return _temporary_json(metadata, prefix=f"figtrace-{stem}-")


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


def run_datasette(args: list[str]) -> None:
    """Run Datasette's own command line in this process (blocks until stopped)."""
    from datasette.cli import cli as datasette_cli

    register_plugin()
    datasette_cli.main(args=args, prog_name="datasette")
