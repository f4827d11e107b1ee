"""Figures: the tracing stage's rows (computed in :mod:`pipeline.tracing`) written in place
of old figures and mutations, with each claim pointed at its figure: all of them after a
full rebuild, or those of the blocks an update touched."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..database import write_transaction
from .schema import FIGURE_COLUMNS, MUTATION_COLUMNS, TRACE_TERM_COLUMNS, index_figures, insert_sql

if TYPE_CHECKING:
    import sqlite_utils

# A claim's key stored twice (an update re-posting a dissolved figure's claims) is one row.
INSERT_POSTING = "insert or ignore into trace_postings (term, value, claim) values (?, ?, ?)"
# An update adds rows apart (schema.TRACE_POSTINGS_ADDED_SQL): those of claims never indexed
# as they are, those of claims indexed before (posted again) only where the index lacks them.
ADD_POSTING = "insert or ignore into trace_postings_added (term, value, claim) values (?, ?, ?)"
ADD_REPOSTING = (
    "insert or ignore into trace_postings_added (term, value, claim) select ?1, ?2, ?3"
    " where not exists (select 1 from trace_postings where term = ?1 and value = ?2 and claim = ?3)"
)
INSERT_RANGE_POSTING = "insert or ignore into trace_range_postings (term, low, high, article, claim) values (?, ?, ?, ?, ?)"

# Rows staged in temporary tables and written where they differ from the stored ones.
# The columns of claims tracing writes, as assignments give them (then the claim's id).
_ASSIGNED_COLUMNS = "figure_id, stated_beside, context_terms"
_STAGED = {
    "figure_of": "claim_id text primary key, " + ", ".join(f"{name} text" for name in _ASSIGNED_COLUMNS.split(", ")),
    "mutation_of": ", ".join(f"{name} text" + (" primary key" if name == "id" else "") for name in MUTATION_COLUMNS),
}
_INSERT_ASSIGNMENT = f"insert into temp.figure_of ({_ASSIGNED_COLUMNS}, claim_id) values (?, ?, ?, ?)"
_ASSIGNED = f"(select {_ASSIGNED_COLUMNS} from temp.figure_of f where f.claim_id = claims.id)"
_ASSIGN = f"update claims set ({_ASSIGNED_COLUMNS}) = {_ASSIGNED}"


def _stage(db: sqlite_utils.Database, table: str) -> None:
    """An empty temporary table of :data:`_STAGED` (this connection's own)."""
    db.execute(f"create temp table if not exists {table} ({_STAGED[table]}) without rowid")
    db.execute(f"delete from temp.{table}")


def replace_figures(
    db: sqlite_utils.Database,
    batches: Iterable[tuple[list[tuple], list[tuple], list[tuple[str, str]]]],
    terms: Iterable[tuple[str, str, int]] = (),
    postings: Iterable[tuple[int, float, int]] = (),
    range_postings: Iterable[tuple[int, float, float, int, int]] = (),
) -> None:
    """Replace every figure and mutation with the rows of ``batches``, in one transaction.
    Each batch is (figure rows, mutation rows, assignments): rows in :data:`FIGURE_COLUMNS`
    and :data:`MUTATION_COLUMNS` order, and (figure id, stated_beside, context_terms, claim
    id) rows; a claim in no figure gets null in all three. Also stores the word counts the
    figures were weighed by (``terms``: rows of ``trace_terms``) and the claims' index
    (``postings`` and ``range_postings``: rows of ``trace_postings`` and
    ``trace_range_postings``), and indexes the figures for full-text search. ``batches``
    and ``postings`` may be iterators, written as they come: a million claims' rows are
    never held at once."""
    with write_transaction(db):
        # Figures are replaced whole while claims still point at them: checked at commit.
        db.execute("PRAGMA defer_foreign_keys = ON")
        db.execute("delete from mutations")
        db.execute("delete from figures_fts")  # (first: the figures' delete trigger then finds nothing to do)
        db.execute("delete from figures")
        _stage(db, "figure_of")
        for figure_rows, mutation_rows, assignments in batches:
            db.conn.executemany(insert_sql("figures", FIGURE_COLUMNS), figure_rows)
            db.conn.executemany(insert_sql("mutations", MUTATION_COLUMNS), mutation_rows)
            db.conn.executemany(_INSERT_ASSIGNMENT, assignments)
        # Only the claims whose figure (or stored keys or words) changed are written.
        db.execute(f"{_ASSIGN} where ({_ASSIGNED_COLUMNS}) is not {_ASSIGNED}")
        db.execute("delete from temp.figure_of")
        db.execute("delete from trace_terms")
        db.conn.executemany(insert_sql("trace_terms", TRACE_TERM_COLUMNS), terms)
        db.execute("delete from trace_postings")
        db.execute("delete from trace_postings_added")
        db.conn.executemany(INSERT_POSTING, postings)
        db.execute("delete from trace_range_postings")
        db.conn.executemany(INSERT_RANGE_POSTING, range_postings)
        index_figures(db)


def update_figures(
    db: sqlite_utils.Database,
    dropped: list[str],
    figure_rows: list[tuple],
    mutation_rows: list[tuple],
    assignments: list[tuple[str, str, str, str]],
    block_moves: list[tuple[str, str]] = (),
    block_merges: list[tuple[str, str]] = (),
    counted: list[tuple[str, str, int]] = (),
    postings: Iterable[tuple[int, float, int]] = (),
    updated_rows: list[tuple] = (),
    range_postings: Iterable[tuple[int, float, float, int, int]] = (),
    reposted: Iterable[tuple[int, float, int]] = (),
    fold_over: int | None = None,
) -> None:
    """Replace the figures ``dropped`` (ids; their mutations go too, their claims keep no
    figure unless assigned) with these rows, write ``updated_rows`` over the stored rows of
    their ids (figures claims joined: their mutations and claims stay), point the claims
    of ``assignments`` (figure id, stated_beside, context_terms, claim id) at their figures
    and move the figures of ``block_moves`` (block id, figure id) to another block, in one
    transaction. Every other figure stays as it is. The claims' index rows are added apart
    (``postings``: of claims never indexed; ``reposted``: of claims that may be), and
    folded into the index when more than ``fold_over`` are apart (:func:`fold_postings`).

    A figure written again mostly keeps its id, its claims and their mutations: only the
    claim and mutation rows that change are written (a claim row and its index entries
    are pages all over a large database, and each page written is copied again when the
    log is folded in)."""
    with write_transaction(db):
        db.execute("PRAGMA defer_foreign_keys = ON")
        ids = json.dumps(dropped)
        _stage(db, "figure_of")
        db.conn.executemany(_INSERT_ASSIGNMENT, assignments)
        _stage(db, "mutation_of")
        db.conn.executemany(
            f"insert into temp.mutation_of ({', '.join(MUTATION_COLUMNS)}) values ({', '.join('?' * len(MUTATION_COLUMNS))})",
            mutation_rows,
        )  # fmt: skip
        db.execute(
            "delete from mutations where (figure_id in (select value from json_each(?)) or id in (select id from temp.mutation_of))"
            " and not exists (select 1 from temp.mutation_of n where n.id = mutations.id"
            " and (n.figure_id, n.claim_id, n.compared_to_claim_id, n.kinds, n.detail)"
            " is (mutations.figure_id, mutations.claim_id, mutations.compared_to_claim_id, mutations.kinds, mutations.detail))",
            [ids],
        )  # fmt: skip
        db.execute(
            "update claims set figure_id = null where figure_id in (select value from json_each(?))"
            " and id not in (select claim_id from temp.figure_of)",
            [ids],
        )  # fmt: skip
        db.execute("delete from figures where id in (select value from json_each(?))", [ids])
        db.conn.executemany(insert_sql("figures", FIGURE_COLUMNS), figure_rows)
        key, *columns = FIGURE_COLUMNS
        db.conn.executemany(
            f"update figures set {', '.join(f'[{c}] = ?' for c in columns)} where [{key}] = ?",
            [(*row[1:], row[0]) for row in updated_rows],
        )
        db.execute(
            f"insert into mutations ({', '.join(MUTATION_COLUMNS)}) select {', '.join(MUTATION_COLUMNS)} from temp.mutation_of n"
            " where not exists (select 1 from mutations o where o.id = n.id)"
        )  # fmt: skip
        db.execute(f"{_ASSIGN} where id in (select claim_id from temp.figure_of) and ({_ASSIGNED_COLUMNS}) is not {_ASSIGNED}")
        db.execute("delete from temp.figure_of")
        db.execute("delete from temp.mutation_of")
        db.conn.executemany("update figures set block_id = ? where id = ?", block_moves)
        db.conn.executemany("update figures set block_id = ? where block_id = ?", block_merges)
        db.conn.executemany(
            "insert into trace_terms (space, term, documents) values (?, ?, ?)"
            " on conflict (space, term) do update set documents = documents + excluded.documents",
            counted,
        )
        db.conn.executemany(ADD_POSTING, postings)
        db.conn.executemany(ADD_REPOSTING, reposted)
        if fold_over is not None and db.execute("select count(*) from trace_postings_added").fetchone()[0] > fold_over:
            fold_postings(db)
        db.conn.executemany(INSERT_RANGE_POSTING, range_postings)
        # The figures written and those claims joined: the rows of dropped ones went with them.
        index_figures(db, [row[0] for row in figure_rows] + [row[0] for row in updated_rows] + [a[0] for a in assignments])


def fold_postings(db: sqlite_utils.Database) -> None:
    """Move the rows updates added to the claims' index (``trace_postings_added``) into it
    (``trace_postings``), in key order: each page of the index written once for all of them."""
    with write_transaction(db):
        db.execute("insert or ignore into trace_postings (term, value, claim) select term, value, claim from trace_postings_added")
        db.execute("delete from trace_postings_added")
