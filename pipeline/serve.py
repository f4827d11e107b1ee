"""Serving the database with Datasette, read-only."""

from __future__ import annotations

from pathlib import Path

PROJECT_METADATA = Path(__file__).resolve().parent.parent / "metadata.yml"


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
) -> list[str]:
    """Arguments for ``datasette serve``: the database immutable (``-i``), so no write
    path exists, plus the metadata file when one is found."""
    args = ["serve", "-i", str(db_path), "--host", host, "--port", str(port)]
    metadata_path = find_metadata(metadata)
    if metadata_path:
        args += ["--metadata", str(metadata_path)]
    return args


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

    datasette_cli.main(args=args, prog_name="datasette")
