"""Articles and their inputs: identity (the content hash), what storing an article would
do, storing a batch of analysed articles in one transaction (its rows written with one
``executemany`` per table), linking, re-pointing and dropping inputs, and deleting an
article with everything derived from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from ..database import write_transaction
from ..records import Article, ArticleAnalysis, SentenceRecord
from .citations import link_rows, url_rows
from .entities import delete_orphan_entities, names_in_order, refresh_entity_names
from .schema import (
    ARTICLE_COLUMNS,
    CLAIM_COLUMNS,
    ENTITY_COLUMNS,
    FTS_COLUMNS,
    INPUT_COLUMNS,
    MENTION_COLUMNS,
    SENTENCE_COLUMNS,
    insert_sql,
    utc_now,
)

if TYPE_CHECKING:
    import sqlite_utils

# Article ids are a prefix of the content hash: stable across reruns and machines.
ARTICLE_ID_LENGTH = 16


def content_hash(raw: bytes) -> str:
    """SHA-256 of an article's exact input, hex."""
    return hashlib.sha256(raw).hexdigest()


def article_id_for(hash_hex: str) -> str:
    return hash_hex[:ARTICLE_ID_LENGTH]


def count_claims(db: sqlite_utils.Database, article_id: str) -> int:
    """How many claims the stored article ``article_id`` holds."""
    return db.execute("select count(*) from claims where article_id = ?", [article_id]).fetchone()[0]


def find_article_by_hash(db: sqlite_utils.Database, hash_hex: str) -> dict | None:
    row = db.execute("select id, path from articles where content_hash = ?", [hash_hex]).fetchone()
    return {"id": row[0], "path": row[1]} if row else None


def input_article(db: sqlite_utils.Database, path: str) -> str | None:
    """The id of the article the input ``path`` holds now, or None when it was never stored."""
    row = db.execute("select article_id from inputs where path = ?", [path]).fetchone()
    return row[0] if row else None


class StorePlan(NamedTuple):
    """What storing an article would do (:func:`plan_article`)."""

    status: str  # unchanged, redated, updated, duplicate or new (see article_status)
    hash_hex: str  # its content hash
    analyse: bool  # whether it needs its NLP analysis: its content is not stored yet


def plan_article(db: sqlite_utils.Database, article: Article) -> StorePlan:
    """What storing ``article`` would do and whether it needs analysing, from one hash of
    its input and at most two indexed lookups (an unchanged input: one)."""
    hash_hex = content_hash(article.raw)
    # The input's article and its stored date, in one lookup.
    row = db.execute(
        "select i.article_id, a.published, a.published_from from inputs i "
        "left join articles a on a.id = i.article_id where i.path = ?",
        [article.path],
    ).fetchone()
    held = row[0] if row else None
    if held == article_id_for(hash_hex):
        dated_alike = (row[1], row[2]) == (article.published, article.date_origin)
        return StorePlan("unchanged" if dated_alike else "redated", hash_hex, False)
    stored = find_article_by_hash(db, hash_hex) is not None
    status = "updated" if held is not None else "duplicate" if stored else "new"
    return StorePlan(status, hash_hex, not stored)


def article_status(db: sqlite_utils.Database, article: Article) -> str:
    """What storing ``article`` would do: ``unchanged`` (its input holds this exact content
    already), ``redated`` (the same content, its date read otherwise: another date order,
    or stored before dates were read as printed), ``updated`` (its input held other content), ``duplicate`` (a new input whose
    content another input already holds: one article, linked) or ``new``."""
    return plan_article(db, article).status


def redate_articles(db: sqlite_utils.Database, articles: Iterable[Article]) -> int:
    """Write the dates of stored articles whose content is unchanged but whose date reads
    otherwise now (``redated``); returns how many rows changed. Their claims stand; the
    figures they are in are dissolved (lineage order and origins follow dates), to be
    traced again after."""
    rows = [(a.published, a.date_origin, article_id_for(content_hash(a.raw))) for a in articles]
    if not rows:
        return 0
    with write_transaction(db):
        db.conn.executemany("update articles set published = ?, published_from = ? where id = ?", rows)
        for row in rows:
            _dissolve_figures(db, row[2])
    return len(rows)


def _dissolve_figures(db: sqlite_utils.Database, article_id: str) -> None:
    """Delete the figures an article's claims are in, with their mutations: their claims
    keep no figure until figures are traced again (:func:`pipeline.tracing.update_figures`)."""
    figure_ids = json.dumps(
        [r[0] for r in db.execute(
            "select distinct figure_id from claims where article_id = ? and figure_id is not null",
            [article_id],
        ).fetchall()]
    )  # fmt: skip
    db.execute("delete from mutations where figure_id in (select value from json_each(?))", [figure_ids])
    db.execute("update claims set figure_id = null where figure_id in (select value from json_each(?))", [figure_ids])
    db.execute("delete from figures where id in (select value from json_each(?))", [figure_ids])


def delete_article(db: sqlite_utils.Database, article_id: str) -> None:
    """Remove an article and everything derived from it (call inside a transaction).

    The figures its claims belong to are dissolved too (their other claims keep no
    figure) until figures are traced again.
    """
    _dissolve_figures(db, article_id)
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


_CLAIM_FIELDS = [name for name in CLAIM_COLUMNS if name not in ("id", "article_id", "sentence_id")]
_INSERTS = {
    "articles": insert_sql("articles", list(ARTICLE_COLUMNS)),
    # What the citations view matches (pipeline.store.citations): the article's links and URL.
    "article_links": insert_sql("article_links", ["article_id", "url", "url_key"], "INSERT OR IGNORE"),
    "article_urls": insert_sql("article_urls", ["article_id", "url_key"], "INSERT OR REPLACE"),
    "sentences": insert_sql("sentences", list(SENTENCE_COLUMNS)),
    "claims": insert_sql("claims", ["id", "article_id", "sentence_id", *_CLAIM_FIELDS]),
    "entities": insert_sql("entities", list(ENTITY_COLUMNS), "INSERT OR IGNORE"),
    "entity_mentions": insert_sql("entity_mentions", list(MENTION_COLUMNS)),
    # (a row a deleted article left, by an older version or by hand, is replaced)
    "article_names": insert_sql("article_names", ["article_id", "entity_ids"], "INSERT OR REPLACE"),
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
             article.date_origin, article.author, hash_hex, article.text, utc_now(), run_id)
        )  # fmt: skip
        self.tables["article_links"].extend(link_rows(article_id, article.links))
        self.tables["article_urls"].extend(url_rows(article_id, article.url))
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
        ordered = sorted(analysis.mentions, key=lambda m: m.start_char)
        self.tables["article_names"].append((article_id, names_in_order(m.key for m in ordered)))

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
