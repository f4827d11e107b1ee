"""Figures: the tracing stage's rows (computed in :mod:`pipeline.tracing`) written in place
of old figures and mutations, with each claim pointed at its figure: all of them after a
full rebuild, or those of the blocks an update touched."""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlite_utils

from ..database import write_transaction
from .schema import FIGURE_COLUMNS, MUTATION_COLUMNS, TRACE_TERM_COLUMNS, insert_sql

# A claim's key stored twice (an update re-posting a dissolved figure's claims) is one row.
INSERT_POSTING = "insert or ignore into trace_postings (term, value, claim) values (?, ?, ?)"


def replace_figures(
    db: sqlite_utils.Database,
    figure_rows: list[tuple],
    mutation_rows: list[tuple],
    assignments: list[tuple[str, str]],
    terms: Iterable[tuple[str, str, int]] = (),
    postings: Iterable[tuple[int, float, int]] = (),
) -> None:
    """Replace every figure and mutation with these rows (in :data:`FIGURE_COLUMNS` and
    :data:`MUTATION_COLUMNS` order), point each claim at its figure (``assignments``:
    (figure id, claim id); a claim in none gets null) and store the word counts they were
    weighed by (``terms``: rows of ``trace_terms``) and the claims' index (``postings``:
    rows of ``trace_postings``, which may be an iterator), in one transaction."""
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
        db.execute("delete from trace_terms")
        db.conn.executemany(insert_sql("trace_terms", TRACE_TERM_COLUMNS), terms)
        db.execute("delete from trace_postings")
        db.conn.executemany(INSERT_POSTING, postings)


def update_figures(
    db: sqlite_utils.Database,
    dropped: list[str],
    figure_rows: list[tuple],
    mutation_rows: list[tuple],
    assignments: list[tuple[str, str]],
    block_moves: list[tuple[str, str]] = (),
    block_merges: list[tuple[str, str]] = (),
    counted: list[tuple[str, str, int]] = (),
    postings: Iterable[tuple[int, float, int]] = (),
) -> None:
    """Replace the figures ``dropped`` (ids; their mutations go too, their claims keep no
    figure unless assigned) with these rows, point the claims of ``assignments`` (figure
    id, claim id) at their figures and move the figures of ``block_moves`` (block id,
    figure id) to another block, in one transaction. Every other figure stays as it is."""
    with write_transaction(db):
        db.execute("PRAGMA defer_foreign_keys = ON")
        ids = json.dumps(dropped)
        db.execute("delete from mutations where figure_id in (select value from json_each(?))", [ids])
        db.execute("update claims set figure_id = null where figure_id in (select value from json_each(?))", [ids])
        db.execute("delete from figures where id in (select value from json_each(?))", [ids])
        db.conn.executemany(insert_sql("figures", FIGURE_COLUMNS), figure_rows)
        db.conn.executemany(insert_sql("mutations", MUTATION_COLUMNS), mutation_rows)
        db.conn.executemany("update claims set figure_id = ? where id = ?", assignments)
        db.conn.executemany("update figures set block_id = ? where id = ?", block_moves)
        db.conn.executemany("update figures set block_id = ? where block_id = ?", block_merges)
        db.conn.executemany(
            "insert into trace_terms (space, term, documents) values (?, ?, ?)"
            " on conflict (space, term) do update set documents = documents + excluded.documents",
            counted,
        )
        db.conn.executemany(INSERT_POSTING, postings)
