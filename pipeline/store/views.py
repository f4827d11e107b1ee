"""Views the store defines over its tables (``copies``, ``citations``): kept in step with
the code that defines them."""

from __future__ import annotations

import sqlite_utils


def ensure_view(db: sqlite_utils.Database, name: str, sql: str) -> None:
    """Create the view ``name`` from ``sql`` (a ``create view`` statement), replacing a
    stored one whose definition differs: a new version's view (new thresholds, a new
    join) follows, and an unchanged one is left alone."""
    stored = db.execute("select sql from sqlite_master where type = 'view' and name = ?", [name]).fetchone()
    if stored is None or stored[0].strip() != sql.strip():
        db.execute(f"drop view if exists [{name}]")
        db.execute(sql)
