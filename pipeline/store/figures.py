"""Figures: the rebuild's rows (computed in :mod:`pipeline.tracing`) written in place of
the old figures and mutations, with each claim pointed at its figure."""

from __future__ import annotations

import sqlite_utils

from ..database import write_transaction
from .schema import FIGURE_COLUMNS, MUTATION_COLUMNS, insert_sql


def replace_figures(
    db: sqlite_utils.Database,
    figure_rows: list[tuple],
    mutation_rows: list[tuple],
    assignments: list[tuple[str, str]],
) -> None:
    """Replace every figure and mutation with these rows (in :data:`FIGURE_COLUMNS` and
    :data:`MUTATION_COLUMNS` order) and point each claim at its figure (``assignments``:
    (figure id, claim id); a claim in none gets null), in one transaction."""
    with write_transaction(db):
        # Figures are replaced whole while claims still point at them: checked at commit.
        db.execute("PRAGMA defer_foreign_keys = ON")
        stored = dict(db.execute("select id, figure_id from claims").fetchall())
        db.execute("delete from mutations")
        db.execute("delete from figures")
        db.conn.executemany(insert_sql("figures", FIGURE_COLUMNS), figure_rows)
        db.conn.executemany(insert_sql("mutations", MUTATION_COLUMNS), mutation_rows)
        # Only the claims whose figure changed are written.
        assigned = {claim_id: figure_id for figure_id, claim_id in assignments}
        db.conn.executemany(
            "update claims set figure_id = ? where id = ?",
            [(assigned.get(claim_id), claim_id) for claim_id, figure_id in stored.items()
             if assigned.get(claim_id) != figure_id],
        )  # fmt: skip
