"""Views the store defines over its tables (``copies``, ``citations``): kept in step with
the code that defines them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def ensure_view(db: sqlite_utils.Database, name: str, sql: str) -> None:
    """Create the view ``name`` from ``sql`` (a ``create view`` statement), replacing a
    stored one whose definition differs: a new version's view (new thresholds, a new
    join) follows, and an unchanged one is left alone."""
    stored = view_sql(db, name)
    if stored is None or stored.strip() != sql.strip():
        db.execute(f"drop view if exists [{name}]")
        db.execute(sql)


def view_sql(db: sqlite_utils.Database, name: str) -> str | None:
    """The stored definition of the view ``name``; None on a database made before it."""
    row = db.execute("select sql from sqlite_master where type = 'view' and name = ?", [name]).fetchone()
    return row[0] if row else None
