"""Views the store defines over its tables (``copies``, ``citations``): kept in step with
the code that defines them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def ensure_view(db: sqlite_utils.Database, name: str, sql: str) -> None:
    """Create the view ``name`` from ``sql`` (a ``create view`` statement), replacing a
    stored one whose definition differs: a new version's view (new thresholds, a new
    join) follows, and an unchanged one is left alone."""
    ensure_definition(db, "view", name, sql)


def ensure_definition(db: sqlite_utils.Database, kind: str, name: str, sql: str) -> None:
    """Create the view or trigger (``kind``) ``name`` from ``sql``, its ``create``
    statement, unless the stored one is the same: a schema changed at every open would
    make every reader prepare its statements again."""
    row = db.execute("select sql from sqlite_master where type = ? and name = ?", [kind, name]).fetchone()
    if row is None or _as_stored(row[0]) != _as_stored(sql):
        db.execute(f"drop {kind} if exists [{name}]")
        db.execute(sql)


def _as_stored(sql: str) -> str:
    """A ``create`` statement as SQLite keeps it (its opening words in capitals, without
    ``if not exists``), for comparing."""
    return re.sub(r"^\s*create\s+(view|trigger)\s+(if\s+not\s+exists\s+)?", lambda m: f"CREATE {m[1].upper()} ", sql,
                  flags=re.IGNORECASE).strip()  # fmt: skip


def view_sql(db: sqlite_utils.Database, name: str) -> str | None:
    """The stored definition of the view ``name``; None on a database made before it."""
    row = db.execute("select sql from sqlite_master where type = 'view' and name = ?", [name]).fetchone()
    return row[0] if row else None
