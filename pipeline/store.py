"""The SQLite store, written through sqlite-utils: the one module that writes tables
(the figure rebuild computes its rows in :mod:`pipeline.tracing` and hands them here).

The tables and columns created here are a public contract: users write SQL against
them. Add columns freely; do not rename these.

Identity: an article is its content hash (of the exact input it came from); an input is
its key (a file's path, or ``file.jsonl#N`` for a record), and the ``inputs`` table says
which article each input holds now. Re-ingesting an unchanged input stores nothing. Two
inputs with identical bytes are one article (both are in ``inputs``; ``articles.path`` is
the smallest of them). An input whose content changed is re-pointed to the article of its
new content (analysed if it is not stored yet); an article no input holds any more is removed
with everything derived from it, in the same transaction, so no row keeps text that is no
longer in its file.

Writers take SQLite's write lock up front (``BEGIN IMMEDIATE``, :func:`write_transaction`),
so concurrent ingests wait their turn instead of failing with "database is locked".
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

import sqlite_utils

from .database import (
    StoreError,
    check_database_file,
    connect_for_writing,
    describe_database_error,
    retry_when_locked,
    write_transaction,
)
from .records import Article, ArticleAnalysis, SentenceRecord

DEFAULT_DB = "db/news.db"

# Article ids are a prefix of the content hash: stable across reruns and machines.
ARTICLE_ID_LENGTH = 16

ARTICLE_COLUMNS = {
    "id": str,
    "path": str,
    "title": str,
    "source": str,
    "url": str,
    "published": str,
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
}
MUTATION_COLUMNS = {
    "id": str,
    "figure_id": str,
    "claim_id": str,
    "compared_to_claim_id": str,
    "kinds": str,
    "detail": str,
}


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


def content_hash(raw: bytes) -> str:
    """SHA-256 of an article's exact input, hex."""
    return hashlib.sha256(raw).hexdigest()


def article_id_for(hash_hex: str) -> str:
    return hash_hex[:ARTICLE_ID_LENGTH]


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
        pk = "path" if table == "inputs" else "id"
        db[table].create(columns, pk=pk, foreign_keys=foreign_keys, if_not_exists=True)
        existing = db[table].columns_dict
        for name, kind in columns.items():
            if name not in existing:
                db[table].add_column(name, kind)
    if not had_inputs:
        db.execute("insert or ignore into inputs (path, article_id, run_id) select path, id, run_id from articles")
    # claims and figures point at each other: the claims side is added once both exist.
    if "figure_id" not in db["claims"].columns_dict:
        db["claims"].add_column("figure_id", fk="figures", fk_col="id")
    indexes = {
        "articles": [["content_hash"], ["path"], ["published"]],
        "sentences": [["article_id", "position"]],
        "claims": [["article_id"], ["sentence_id"], ["unit", "value"], ["attributed_to"], ["figure_id"]],
        # (entity_id, surface, label) covers refresh_entity_names' read.
        "entity_mentions": [["entity_id"], ["article_id"], ["sentence_id"], ["entity_id", "surface", "label"]],
        "mutations": [["figure_id"], ["claim_id"]],
        "inputs": [["article_id"]],
    }
    for table, column_sets in indexes.items():
        for columns in column_sets:
            db[table].create_index(columns, if_not_exists=True, unique=columns == ["content_hash"])
    for table, columns in FTS_COLUMNS.items():
        if not db[table].detect_fts():
            db[table].enable_fts(columns, create_triggers=True, tokenize="porter")
        _narrow_fts_update_trigger(db, table, columns)


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


def find_article_by_hash(db: sqlite_utils.Database, hash_hex: str) -> dict | None:
    row = db.execute("select id, path from articles where content_hash = ?", [hash_hex]).fetchone()
    return {"id": row[0], "path": row[1]} if row else None


def input_article(db: sqlite_utils.Database, path: str) -> str | None:
    """The id of the article the input ``path`` holds now, or None when it was never stored."""
    row = db.execute("select article_id from inputs where path = ?", [path]).fetchone()
    return row[0] if row else None


class StorePlan(NamedTuple):
    """What storing an article would do (:func:`plan_article`)."""

    status: str  # unchanged, updated, duplicate or new (see article_status)
    hash_hex: str  # its content hash
    analyse: bool  # whether it needs its NLP analysis: its content is not stored yet


def plan_article(db: sqlite_utils.Database, article: Article) -> StorePlan:
    """What storing ``article`` would do and whether it needs analysing, from one hash of
    its input and at most two indexed lookups."""
    hash_hex = content_hash(article.raw)
    held = input_article(db, article.path)
    if held == article_id_for(hash_hex):
        return StorePlan("unchanged", hash_hex, False)
    stored = find_article_by_hash(db, hash_hex) is not None
    status = "updated" if held is not None else "duplicate" if stored else "new"
    return StorePlan(status, hash_hex, not stored)


def article_status(db: sqlite_utils.Database, article: Article) -> str:
    """What storing ``article`` would do: ``unchanged`` (its input holds this exact content
    already), ``updated`` (its input held other content), ``duplicate`` (a new input whose
    content another input already holds: one article, linked) or ``new``."""
    return plan_article(db, article).status


def delete_article(db: sqlite_utils.Database, article_id: str) -> None:
    """Remove an article and everything derived from it (call inside a transaction).

    The figures its claims belong to are dissolved too (their other claims keep no
    figure) until the next :func:`pipeline.tracing.rebuild_figures`.
    """
    figure_ids = json.dumps(
        [r[0] for r in db.execute(
            "select distinct figure_id from claims where article_id = ? and figure_id is not null",
            [article_id],
        ).fetchall()]
    )  # fmt: skip
    db.execute("delete from mutations where figure_id in (select value from json_each(?))", [figure_ids])
    db.execute("update claims set figure_id = null where figure_id in (select value from json_each(?))", [figure_ids])
    db.execute("delete from figures where id in (select value from json_each(?))", [figure_ids])
    for table in ("entity_mentions", "claims", "sentences", "inputs"):
        db.execute(f"delete from [{table}] where article_id = ?", [article_id])
    db.execute("delete from articles where id = ?", [article_id])


def _settle_articles(db: sqlite_utils.Database, article_ids: Iterable[str]) -> bool:
    """After inputs were linked or re-pointed: delete the articles no input holds any more,
    and give each other one the first (smallest) of its inputs' paths, whatever order they
    were stored in. Returns whether any article was deleted."""
    deleted = False
    for article_id in sorted(set(article_ids)):
        first = db.execute("select min(path) from inputs where article_id = ?", [article_id]).fetchone()[0]
        if first is None:
            delete_article(db, article_id)
            deleted = True
        else:
            db.execute("update articles set path = ? where id = ? and path != ?", [first, article_id, first])
    return deleted


def records_gone(db: sqlite_utils.Database, file_key: str, present: Iterable[str]) -> list[str]:
    """The stored records of the JSON / JSON Lines file ``file_key`` (inputs ``file_key#N``)
    that are not among ``present``: the file no longer holds them."""
    present = set(present)
    # "#" sorts just before "$": the range holds exactly the keys starting "file_key#".
    rows = db.execute("select path from inputs where path >= ? and path < ?", [f"{file_key}#", f"{file_key}$"])
    return [path for (path,) in rows if path not in present]


def _drop_inputs(db: sqlite_utils.Database, paths: list[str]) -> list[str]:
    """Delete these inputs; returns the articles they held (to settle)."""
    if not paths:
        return []
    chosen = json.dumps(paths)
    held = [row[0] for row in db.execute("select article_id from inputs where path in (select value from json_each(?))", [chosen])]
    db.execute("delete from inputs where path in (select value from json_each(?))", [chosen])
    return held


def delete_orphan_entities(db: sqlite_utils.Database) -> int:
    """Drop entities no mention points to any more (after an edited article lost them)."""
    cursor = db.execute(
        "delete from entities where id not in (select distinct entity_id from entity_mentions)"
    )
    return cursor.rowcount


def _sentence_index(sentences: list[SentenceRecord], start_char: int) -> int | None:
    """Position of the sentence holding ``start_char`` (sentences are sorted, contiguous-ish)."""
    lo, hi = 0, len(sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        sentence = sentences[mid]
        if start_char < sentence.start_char:
            hi = mid - 1
        elif start_char >= sentence.end_char:
            lo = mid + 1
        else:
            return sentence.position
    return None


def store_article(
    db: sqlite_utils.Database,
    article: Article,
    analysis: ArticleAnalysis,
    run_id: int | None = None,
    refresh_entities: bool = True,
) -> str:
    """Store one analysed article atomically; returns ``new``, ``updated`` or ``unchanged``.

    An earlier version stored under the same path is replaced in the same transaction,
    so a crash leaves either the old version or the new one, never half of either.
    ``refresh_entities=False`` leaves :func:`refresh_entity_names` to the caller.
    """
    return store_articles(db, [(article, analysis)], run_id, refresh_entities)[0]


# Row inserts of the hot path: plain executemany through sqlite-utils' connection (the
# schema is sqlite-utils'; its per-row conversions cost more than the writes here).
def insert_sql(table: str, columns: Iterable[str], verb: str = "INSERT") -> str:
    """An INSERT of one row into ``table``'s ``columns``, with ``?`` placeholders."""
    columns = list(columns)
    names = ", ".join(f"[{c}]" for c in columns)
    return f"{verb} INTO [{table}] ({names}) VALUES ({', '.join('?' for _ in columns)})"


_CLAIM_FIELDS = [name for name in CLAIM_COLUMNS if name not in ("id", "article_id", "sentence_id")]
_INSERTS = {
    "articles": insert_sql("articles", list(ARTICLE_COLUMNS)),
    "sentences": insert_sql("sentences", list(SENTENCE_COLUMNS)),
    "claims": insert_sql("claims", ["id", "article_id", "sentence_id", *_CLAIM_FIELDS]),
    "entities": insert_sql("entities", list(ENTITY_COLUMNS), "INSERT OR IGNORE"),
    "entity_mentions": insert_sql("entity_mentions", list(MENTION_COLUMNS)),
    # An input re-pointed to another article replaces its row.
    "inputs": insert_sql("inputs", list(INPUT_COLUMNS), "INSERT OR REPLACE"),
}


class _Rows:
    """Rows waiting to be inserted, by table, written in the order articles were stored."""

    def __init__(self, fts_tables: frozenset[str] = frozenset()):
        self.tables: dict[str, list[tuple]] = {table: [] for table in _INSERTS}
        # Tables whose full-text index this batch fills itself (its insert trigger is off).
        self.fts_tables = fts_tables

    def add_article(self, article: Article, analysis: ArticleAnalysis, hash_hex: str, run_id: int | None) -> None:
        article_id = article_id_for(hash_hex)
        self.tables["articles"].append(
            (article_id, article.path, article.title, article.source, article.url, article.published,
             article.author, hash_hex, article.text, utc_now(), run_id)
        )  # fmt: skip
        sentences = analysis.sentences

        def sentence_id(start_char: int) -> str | None:
            position = _sentence_index(sentences, start_char)
            return None if position is None else f"{article_id}-s{position}"

        self.tables["sentences"].extend(
            (f"{article_id}-s{s.position}", article_id, s.position, s.text, s.start_char, s.end_char)
            for s in sentences
        )
        self.tables["claims"].extend(
            (f"{article_id}-c{c.start_char}", article_id, sentence_id(c.start_char),
             *(getattr(c, name) for name in _CLAIM_FIELDS))
            for c in analysis.claims
        )  # fmt: skip
        self.tables["entities"].extend((m.key, m.name, m.label) for m in analysis.mentions)
        self.tables["entity_mentions"].extend(
            (f"{article_id}-e{m.start_char}", m.key, m.label, article_id, sentence_id(m.start_char),
             m.start_char, m.end_char, m.surface)
            for m in analysis.mentions
        )  # fmt: skip

    def add_input(self, path: str, article_id: str, run_id: int | None) -> None:
        self.tables["inputs"].append((path, article_id, run_id))

    def flush(self, db: sqlite_utils.Database) -> None:
        for table, rows in self.tables.items():
            if not rows:
                continue
            if table in self.fts_tables:
                # New rows get the rowids after the largest (no deletes happen in between).
                last = db.execute(f"select max(rowid) from [{table}]").fetchone()[0] or 0
            db.conn.executemany(_INSERTS[table], rows)
            rows.clear()
            if table in self.fts_tables:
                columns = ", ".join(f"[{c}]" for c in FTS_COLUMNS[table])
                db.execute(
                    f"insert into [{table}_fts] (rowid, {columns}) select rowid, {columns} from [{table}]"
                    " where rowid > ? order by rowid",
                    [last],
                )


def _suspend_fts_insert_triggers(db: sqlite_utils.Database) -> dict[str, str]:
    """Drop the full-text insert triggers, inside the caller's transaction; returns the
    SQL of each, by table, for the caller to create them again before it commits (a
    rollback restores them with everything else, so outside a batch they are always
    there). Meanwhile :meth:`_Rows.flush` indexes each table's new rows with one
    ``insert ... select``: a third of the cost of a trigger firing per row, same index."""
    found = {}
    for table in FTS_COLUMNS:
        row = db.execute(
            "select sql from sqlite_master where type = 'trigger' and name = ? and tbl_name = ?",
            [f"{table}_ai", table],
        ).fetchone()
        if row:
            db.execute(f"drop trigger [{table}_ai]")
            found[table] = row[0]
    return found


def store_articles(
    db: sqlite_utils.Database,
    items: Iterable[tuple[Article, ArticleAnalysis | None]],
    run_id: int | None = None,
    refresh_entities: bool = True,
    gone: Iterable[str] = (),
) -> list[str]:
    """Store analysed articles in one transaction; returns each one's status, in order:
    ``new``, ``updated``, ``duplicate``, ``unchanged`` (see :func:`article_status`) or
    ``needs_analysis`` (its analysis is None but its content is not stored: nothing was
    written for it; analyse it and store it again).

    The analysis may be None for an article whose content is already stored (only its
    input is linked). The same rows as :func:`store_article` on each in turn (an article
    stored earlier in the batch counts as stored), but all or nothing: an interrupted
    batch leaves none of its articles. Articles that no input holds any more are deleted
    at the end of the batch (so content that moved from one file to another within it is
    kept, not analysed again). Rows go in with one ``executemany`` per table, and the
    full-text indexes are filled per table (see :func:`_suspend_fts_insert_triggers`).
    Entity names are refreshed (:func:`refresh_entity_names`) in the same transaction
    unless ``refresh_entities=False``. The inputs in ``gone`` (records no longer in their
    file, see :func:`records_gone`) are dropped in the same transaction.
    """
    items = list(items)
    gone = sorted(set(gone))
    if not items and not gone:
        return []
    hashes = [content_hash(article.raw) for article, _ in items]
    ids = [article_id_for(hash_hex) for hash_hex in hashes]
    paths = [article.path for article, _ in items]
    statuses: list[str] = []
    touched: set[str] = set()
    settle: list[str] = []  # stored articles whose inputs changed
    with write_transaction(db):
        held = dict(
            db.execute(
                "select path, article_id from inputs where path in (select value from json_each(?))",
                [json.dumps(paths)],
            ).fetchall()
        )
        if not gone and all(held.get(path) == article_id for path, article_id in zip(paths, ids)):
            return ["unchanged"] * len(items)
        settle.extend(_drop_inputs(db, gone))
        stored = {
            row[0]
            for row in db.execute(
                "select id from articles where id in (select value from json_each(?))", [json.dumps(ids)]
            ).fetchall()
        }
        triggers = _suspend_fts_insert_triggers(db)
        rows = _Rows(frozenset(triggers))
        for (article, analysis), hash_hex, article_id in zip(items, hashes, ids):
            previous = held.get(article.path)
            if previous == article_id:
                statuses.append("unchanged")
                continue
            if article_id not in stored:
                if analysis is None:
                    statuses.append("needs_analysis")
                    continue
                rows.add_article(article, analysis, hash_hex, run_id)
                stored.add(article_id)
                touched.update(m.key for m in analysis.mentions)
                status = "updated" if previous else "new"
            else:
                # Another input holds it too: its path may have to become this one.
                settle.append(article_id)
                status = "updated" if previous else "duplicate"
            rows.add_input(article.path, article_id, run_id)
            held[article.path] = article_id
            if previous:
                settle.append(previous)
            statuses.append(status)
        rows.flush(db)
        if _settle_articles(db, settle):
            delete_orphan_entities(db)
        for sql in triggers.values():
            db.execute(sql)
        if refresh_entities and touched:
            refresh_entity_names(db, touched)
    return statuses


def refresh_entity_names(db: sqlite_utils.Database, keys: set[str]) -> None:
    """Give each entity its most frequent spelling and label over all its mentions (ties:
    the first in code-point order; an entity without mentions gets none).

    The small model labels one name differently from sentence to sentence (DeepSeek as
    ORG, PRODUCT, GPE): the majority is the best guess, and it is stable under re-ingest.
    One read of the covering index on (entity_id, surface, label): popular entities have
    thousands of mentions and are touched by every batch.
    """
    names: dict[str, Counter] = {key: Counter() for key in keys}
    labels: dict[str, Counter] = {key: Counter() for key in keys}
    for key, surface, label, count in db.execute(
        "select entity_id, surface, label, count(*) from entity_mentions"
        " where entity_id in (select value from json_each(?)) group by entity_id, surface, label",
        [json.dumps(sorted(keys))],
    ).fetchall():
        names[key][surface] += count
        labels[key][label] += count
    db.conn.executemany(
        "update entities set name = ?, label = ? where id = ?",
        [(_most_frequent(names[key]), _most_frequent(labels[key]), key) for key in sorted(keys)],
    )


def _most_frequent(counts: Counter) -> str | None:
    """The most frequent value, ties to the smallest (SQLite's order: NULL, then by code
    point, which is UTF-8 byte order); None when there is none."""
    if not counts:
        return None
    return min(counts.items(), key=lambda item: (-item[1], item[0] is not None, item[0] or ""))[0]


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


def start_run(db: sqlite_utils.Database, package_version: str) -> int:
    """Record the start of an ingest run; returns its id.

    Runs on this host still marked running whose process is gone (killed, or the machine
    stopped) are marked ``interrupted`` first, so every run row ends finished, failed or
    interrupted.
    """
    host = socket.gethostname()
    with write_transaction(db):
        stale = [
            run_id
            for run_id, run_host, pid in db.execute(
                "select id, host, pid from runs where finished_at is null and coalesce(status, 'running') = 'running'"
            ).fetchall()
            if pid is None or (run_host == host and not _process_alive(pid))
        ]
        db.conn.executemany("update runs set status = 'interrupted' where id = ?", [(run_id,) for run_id in stale])
        table = db["runs"].insert(
            {"started_at": utc_now(), "package_version": package_version, "status": "running",
             "host": host, "pid": os.getpid()}
        )  # fmt: skip
    return table.last_pk


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True


def set_run_model(db: sqlite_utils.Database, run_id: int, model: str, model_version: str) -> None:
    """Record the spaCy model a run loaded (a run that analysed nothing loads none)."""
    with write_transaction(db):
        db["runs"].update(run_id, {"model": model, "model_version": model_version})


def finish_run(db: sqlite_utils.Database, run_id: int, status: str = "finished", error: str | None = None, **counts) -> None:
    """Record a run's end, how it ended (``finished``, ``failed`` with ``error``, or
    ``interrupted``) and its counts (files, articles, errors, claims, ...)."""
    with write_transaction(db):
        db["runs"].update(run_id, {"finished_at": utc_now(), "status": status, "error": error, **counts})
