"""The store's schema: the tables and columns (a public contract: users write SQL against
them; add columns freely, do not rename these), opening a database with the schema in
place, the full-text indexes and their triggers (the figures' one written by
:func:`index_figures`), and the INSERT statements written from it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .citations import ensure_citations_schema
from .entities import ensure_article_names, ensure_entity_spellings
from .copies import ensure_copies_schema
from .views import ensure_definition
from ..database import (
    StoreError,
    check_database_file,
    connect_for_writing,
    describe_database_error,
    retry_when_locked,
    write_transaction,
)

if TYPE_CHECKING:
    import sqlite_utils

DEFAULT_DB = "db/news.db"
# Pages a writing connection keeps in memory, in KiB (SQLite's default is 2,000). Finding
# copies looks up and inserts paragraph keys, random 63-bit numbers, all over their index:
# once the index outgrows the cache nearly every key costs a page read, and every page it
# dirties is written out again before the commit. With 64 MB, fingerprinting 16,000
# generated articles took 55-62 s against 66-71 s (1,000 articles: no change, their whole
# database fits either way); SQLite takes the memory only as pages are read.
WRITER_CACHE_KIB = 65536

ARTICLE_COLUMNS = {
    "id": str,
    "path": str,
    "title": str,
    "source": str,
    "url": str,
    "published": str,
    "published_from": str,
    "author": str,
    "content_hash": str,
    "text": str,
    "ingested_at": str,
    "run_id": int,
}
SENTENCE_COLUMNS = {
    "id": str,
    "article_id": str,
    "position": int,
    "text": str,
    "start_char": int,
    "end_char": int,
}
CLAIM_COLUMNS = {
    "id": str,
    "article_id": str,
    "sentence_id": str,
    "surface": str,
    "start_char": int,
    "end_char": int,
    "value": float,
    "value_low": float,
    "value_high": float,
    "unit": str,
    "qualifier": str,
    "qualifier_cue": str,
    "change": str,
    "subject": str,
    "attributed_to": str,
    "kind": str,
    "context": str,
    "scope": str,
    "attributed_from": str,
}
ENTITY_COLUMNS = {"id": str, "name": str, "label": str}
MENTION_COLUMNS = {
    "id": str,
    "entity_id": str,
    "label": str,
    "article_id": str,
    "sentence_id": str,
    "start_char": int,
    "end_char": int,
    "surface": str,
}
FIGURE_COLUMNS = {
    "id": str,
    "subject": str,
    "unit": str,
    "canonical_value": float,
    "value_min": float,
    "value_max": float,
    "spread_pct": float,
    "n_claims": int,
    "n_articles": int,
    "first_claim_id": str,
    "first_article_id": str,
    "attributed_origin": str,
    "kinds_seen": str,
    "origin_certainty": str,
    # The candidate group (``pipeline.tracing.Block``) the figure was cut from: figures of
    # one block are re-clustered together when a new claim reaches any of them.
    "block_id": str,
}
MUTATION_COLUMNS = {
    "id": str,
    "figure_id": str,
    "claim_id": str,
    "compared_to_claim_id": str,
    "kinds": str,
    "detail": str,
}

# The word counts figures are weighed by: how many claim contexts (space "context") and
# article stories ("story") hold each term, on the row of term '' how many there are, and
# on ("counted", "rowid") the last claim counted. Written by each rebuild, added to by each
# update (``pipeline.tracing.maintain``).
TRACE_TERM_COLUMNS = {"space": str, "term": str, "documents": int}

# The index an update finds the stored claims its new claims can reach by
# (``pipeline.tracing.reach``): one row per claim and key (a CRC-32 of a context term, of
# its article, or of a value stated beside it), with the claim's value as compared; in key
# and value order (no rowid of its own), so a band of values under one key is one range.
# Written by each rebuild, added to by each update; rows of deleted claims stay until the
# next rebuild (they only widen what an update reads).
TRACE_POSTINGS_SQL = """
create table if not exists trace_postings (
    term integer not null, value real not null, claim integer not null,
    primary key (term, value, claim)
) without rowid
"""

# The rows updates add to it, kept apart until they are many: one insert into a large
# index touches a page of its own (10,000 claims added to 1,000,000 touched nearly every
# page of trace_postings: the update's log held 231 MB), while rows added here fill a few. An update
# folds them in (pipeline.store.figures.fold_postings) when they pass a share of the
# claims, so the index is written whole once per several updates; a rebuild empties it.
# Reach reads both, and no row is in both.
TRACE_POSTINGS_ADDED_SQL = TRACE_POSTINGS_SQL.replace("trace_postings", "trace_postings_added")

# Its companion for ranges ("$2 million to $5 million"), which reach values far past their
# low end: one row per range and key (a CRC-32 of the range's value bucket alone, with its
# article, or with a word of its context or sentence and an order of magnitude its span
# covers: pipeline.tracing.reach.range_posting_rows) with the span of values it reaches,
# and a CRC-32 of its article, so an update finds the ranges reaching a new claim by index
# rather than by reading every range. Kept as ``trace_postings`` is. (Its columns outside
# the key carry no NOT NULL: SQLite 3.40's integrity check reports such columns of a
# WITHOUT ROWID table as NULL when they are not.)
TRACE_RANGE_POSTINGS_SQL = """
create table if not exists trace_range_postings (
    term integer not null, low real not null, high real, article integer, claim integer not null,
    primary key (term, low, claim)
) without rowid
"""

# One row per input (a file, or a record of a JSON file): the article it holds now.
INPUT_COLUMNS = {"path": str, "article_id": str, "run_id": int}

RUN_COLUMNS = {
    "id": int,
    "started_at": str,
    "finished_at": str,
    # running, finished, failed (error says why) or interrupted (killed or stopped: found
    # by a later run, whose host saw the process gone)
    "status": str,
    "error": str,
    "host": str,
    "pid": int,
    "model": str,
    "model_version": str,
    "package_version": str,
    "files": int,
    "articles": int,
    "errors": int,
    "articles_new": int,
    "articles_unchanged": int,
    "articles_updated": int,
    "claims": int,
    "entities": int,
    "seconds": float,
}


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def open_db(path: str | Path = DEFAULT_DB, on_lock_wait: Callable[[], None] | None = None) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` for writing, with the schema in place.

    WAL mode lets ``analyze serve`` read while an ingest writes. ``on_lock_wait`` is
    called when a write has to wait for another process's (see :func:`write_transaction`).
    Raises :class:`StoreError` (one line naming the file) for a file that is not a SQLite
    database, cannot be written, or fails to open; such a file is left untouched.
    """
    path = Path(path)
    check_database_file(path, writable=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create folder {path.parent}: {exc.strerror or exc}") from None
    db = None
    try:
        db = connect_for_writing(path, on_lock_wait)
        retry_when_locked(db.enable_wal)
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KIB}")
        ensure_schema(db)
    except sqlite3.Error as exc:
        if db is not None:
            db.close()
        raise StoreError(describe_database_error(path, exc)) from None
    return db


# Each table: its columns and its foreign keys, in creation order (referenced tables first).
TABLES = {
    "runs": (RUN_COLUMNS, []),
    "articles": (ARTICLE_COLUMNS, [("run_id", "runs", "id")]),
    "inputs": (INPUT_COLUMNS, [("article_id", "articles", "id"), ("run_id", "runs", "id")]),
    "sentences": (SENTENCE_COLUMNS, [("article_id", "articles", "id")]),
    "claims": (
        CLAIM_COLUMNS,
        [("article_id", "articles", "id"), ("sentence_id", "sentences", "id")],
    ),
    "entities": (ENTITY_COLUMNS, []),
    "figures": (
        FIGURE_COLUMNS,
        [("first_claim_id", "claims", "id"), ("first_article_id", "articles", "id")],
    ),
    "mutations": (
        MUTATION_COLUMNS,
        [
            ("figure_id", "figures", "id"),
            ("claim_id", "claims", "id"),
            ("compared_to_claim_id", "claims", "id"),
        ],
    ),
    "trace_terms": (TRACE_TERM_COLUMNS, []),
    "entity_mentions": (
        MENTION_COLUMNS,
        [
            ("entity_id", "entities", "id"),
            ("article_id", "articles", "id"),
            ("sentence_id", "sentences", "id"),
        ],
    ),
}


# Full-text indexes (FTS5, porter stemming), kept in step by sqlite-utils' triggers.
FTS_COLUMNS = {"articles": ["title", "text"], "sentences": ["text"], "claims": ["surface", "subject"]}

# The figures' full-text index: a figure's subject and every way its claims state it
# ("$6 million", "$5,576,000"), one row per figure, rowid = figures.rowid (what Datasette's
# search, metadata.yml's fts_table, joins on). Not sqlite-utils' like those above: the
# surfaces live in claims, and triggers on claims.figure_id would re-read a figure's
# claims once per claim a rebuild assigns (quadratic in a large figure's size). So the
# store writes the rows with the figures (index_figures: all after a rebuild, the figures
# written after an update), and triggers only drop a deleted figure's row (figures are also
# deleted when an article's are dissolved, outside figures.py) and follow an edited subject.
FIGURE_SEARCH_TABLE = "figures_fts"
FIGURE_SEARCH_SQL = "create virtual table if not exists figures_fts using fts5(subject, surfaces, tokenize='porter')"
FIGURE_SEARCH_TRIGGERS = {
    "figures_fts_ad": "create trigger figures_fts_ad after delete on figures begin"
    " delete from figures_fts where rowid = old.rowid; end",
    # (only when the subject changed: an update writes a grown figure's row whole, subject
    # and all, and writes its full-text row itself)
    "figures_fts_au": "create trigger figures_fts_au after update of subject on figures"
    " when new.subject is not old.subject begin"
    " update figures_fts set subject = new.subject where rowid = new.rowid; end",
}
_FIGURE_SEARCH_ROWS = """
insert into figures_fts (rowid, subject, surfaces)
select f.rowid, f.subject,
       (select group_concat(surface, char(10)) from
          (select distinct surface from claims where figure_id = f.id order by surface))
from figures f
"""


def index_figures(db: sqlite_utils.Database, figure_ids: Iterable[str] | None = None) -> None:
    """(Re)write the full-text rows of the figures ``figure_ids`` (every figure when None)
    from their subject and their claims' surfaces; call in the transaction that wrote them.
    A figure's row is read through the index on ``claims.figure_id``: a rebuild of every
    figure reads each claim once."""
    if figure_ids is None:
        db.execute("delete from figures_fts")
        db.execute(_FIGURE_SEARCH_ROWS)
        return
    ids = json.dumps(sorted(set(figure_ids)))
    if ids == "[]":
        return
    chosen = "select rowid from figures where id in (select value from json_each(?))"
    db.execute(f"delete from figures_fts where rowid in ({chosen})", [ids])
    db.execute(f"{_FIGURE_SEARCH_ROWS} where f.rowid in ({chosen})", [ids])


def _ensure_figure_search(db: sqlite_utils.Database) -> None:
    """The figures' full-text index and its triggers; a database made before it gets it
    filled from its stored figures."""
    created = not db[FIGURE_SEARCH_TABLE].exists()
    db.execute(FIGURE_SEARCH_SQL)
    for name, trigger in FIGURE_SEARCH_TRIGGERS.items():
        ensure_definition(db, "trigger", name, trigger)
    if created:
        index_figures(db)


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the tables, foreign keys, indexes and full-text indexes that are missing.

    A database made by an earlier version gains the columns and tables added since (its
    ``inputs`` filled from ``articles.path``). All in one write transaction, so concurrent
    ingests on a new database create it once.
    """
    with write_transaction(db):
        _ensure_schema(db)


def _ensure_schema(db: sqlite_utils.Database) -> None:
    had_inputs = db["inputs"].exists()
    for table, (columns, foreign_keys) in TABLES.items():
        pk = {"inputs": "path", "trace_terms": ("space", "term")}.get(table, "id")
        db[table].create(columns, pk=pk, foreign_keys=foreign_keys, if_not_exists=True)
        existing = db[table].columns_dict
        for name, kind in columns.items():
            if name not in existing:
                db[table].add_column(name, kind)
    db.execute(TRACE_POSTINGS_SQL)
    db.execute(TRACE_POSTINGS_ADDED_SQL)
    db.execute(TRACE_RANGE_POSTINGS_SQL)
    if not had_inputs:
        db.execute("insert or ignore into inputs (path, article_id, run_id) select path, id, run_id from articles")
    # claims and figures point at each other: the claims side is added once both exist.
    if "figure_id" not in db["claims"].columns_dict:
        db["claims"].add_column("figure_id", fk="figures", fk_col="id")
    # Written with figure_id by tracing (pipeline.tracing.values.stated_beside): what an
    # update would otherwise work out again from every other claim of the sentence each
    # time it reads the claim. Null until traced, as figure_id is.
    if "stated_beside" not in db["claims"].columns_dict:
        db["claims"].add_column("stated_beside", str)
    # Written with them (pipeline.tracing.distance.stored_terms): the words an update compares
    # a stored claim by, which it would otherwise tokenize again from its context and the
    # names of its sentence each time it reads the claim. Null until traced.
    if "context_terms" not in db["claims"].columns_dict:
        db["claims"].add_column("context_terms", str)
    # (each column Datasette facets a table by, in metadata.yml, leads an index: its counts
    # read the index, not the table's wide rows; /news/claims on 16,000 articles: 267 -> 193 ms)
    indexes = {
        "articles": [["content_hash"], ["path"], ["published"], ["source"]],
        "sentences": [["article_id", "position"]],
        "claims": [["article_id"], ["sentence_id"], ["unit", "value"], ["value"], ["value_high"], ["attributed_to"], ["figure_id"],
                   ["qualifier"]],  # fmt: skip
        "entity_mentions": [["entity_id"], ["article_id"], ["sentence_id"], ["label"]],
        "entities": [["label"]],
        "mutations": [["figure_id"], ["claim_id"]],
        "figures": [["block_id"], ["unit"]],
        "inputs": [["article_id"]],
        "runs": [["status"]],
    }
    for table, column_sets in indexes.items():
        for columns in column_sets:
            db[table].create_index(columns, if_not_exists=True, unique=columns == ["content_hash"])
    for table, columns in FTS_COLUMNS.items():
        if not db[table].detect_fts():
            db[table].enable_fts(columns, create_triggers=True, tokenize="porter")
        _narrow_fts_update_trigger(db, table, columns)
    _ensure_figure_search(db)
    ensure_copies_schema(db)
    ensure_citations_schema(db)
    ensure_article_names(db)
    ensure_entity_spellings(db)


def _narrow_fts_update_trigger(db: sqlite_utils.Database, table: str, columns: list[str]) -> None:
    """Make sqlite-utils' full-text update trigger fire only when an indexed column (or
    the rowid) changes: otherwise writing ``claims.figure_id`` re-indexes every claim."""
    row = db.execute(
        "select sql from sqlite_master where type = 'trigger' and name = ? and tbl_name = ?", [f"{table}_au", table]
    ).fetchone()
    if not row:
        return
    of = ", ".join(["rowid", *(f'"{c}"' for c in columns)])
    narrowed, found = re.subn(r"\bAFTER\s+UPDATE\s+ON\b", f"AFTER UPDATE OF {of} ON", row[0], count=1, flags=re.I)
    if found:
        with db.atomic():
            db.execute(f"drop trigger [{table}_au]")
            db.execute(narrowed)


# Row inserts of the hot path: plain executemany through sqlite-utils' connection (the
# schema is sqlite-utils'; its per-row conversions cost more than the writes here).
def insert_sql(table: str, columns: Iterable[str], verb: str = "INSERT") -> str:
    """An INSERT of one row into ``table``'s ``columns``, with ``?`` placeholders."""
    columns = list(columns)
    names = ", ".join(f"[{c}]" for c in columns)
    return f"{verb} INTO [{table}] ({names}) VALUES ({', '.join('?' for _ in columns)})"
