"""The SQLite store, written through sqlite-utils.

The tables and columns created here are a public contract: users write SQL against
them. Add columns freely; do not rename these.

Identity: an article is its content hash (of the exact input it came from), so
re-ingesting an unchanged input stores nothing. An input whose hash changed but whose
path is already stored is an edit: the old version and everything derived from it is
removed in the same transaction that stores the new one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

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


RUN_COLUMNS = {
    "id": int,
    "started_at": str,
    "finished_at": str,
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


def open_db(path: str | Path = DEFAULT_DB) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` with the schema in place.

    WAL mode lets ``analyze serve`` read while an ingest writes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    ensure_schema(db)
    return db


# Each table: its columns and its foreign keys, in creation order (referenced tables first).
TABLES = {
    "runs": (RUN_COLUMNS, []),
    "articles": (ARTICLE_COLUMNS, [("run_id", "runs", "id")]),
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


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the tables, foreign keys, indexes and full-text indexes that are missing.

    A database made by an earlier version gains the columns added since.
    """
    for table, (columns, foreign_keys) in TABLES.items():
        db[table].create(columns, pk="id", foreign_keys=foreign_keys, if_not_exists=True)
        existing = db[table].columns_dict
        for name, kind in columns.items():
            if name not in existing:
                db[table].add_column(name, kind)
    # claims and figures point at each other: the claims side is added once both exist.
    if "figure_id" not in db["claims"].columns_dict:
        db["claims"].add_column("figure_id", fk="figures", fk_col="id")
    indexes = {
        "articles": [["content_hash"], ["path"], ["published"]],
        "sentences": [["article_id", "position"]],
        "claims": [["article_id"], ["sentence_id"], ["unit", "value"], ["attributed_to"], ["figure_id"]],
        "entity_mentions": [["entity_id"], ["article_id"], ["sentence_id"]],
        "mutations": [["figure_id"], ["claim_id"]],
    }
    for table, column_sets in indexes.items():
        for columns in column_sets:
            db[table].create_index(columns, if_not_exists=True, unique=columns == ["content_hash"])
    fts = {"articles": ["title", "text"], "sentences": ["text"], "claims": ["surface", "subject"]}
    for table, columns in fts.items():
        if not db[table].detect_fts():
            db[table].enable_fts(columns, create_triggers=True, tokenize="porter")


def find_article_by_hash(db: sqlite_utils.Database, hash_hex: str) -> dict | None:
    rows = list(db.query("select id, path from articles where content_hash = ?", [hash_hex]))
    return rows[0] if rows else None


def find_articles_by_path(db: sqlite_utils.Database, path: str) -> list[str]:
    return [row["id"] for row in db.query("select id from articles where path = ?", [path])]


def article_status(db: sqlite_utils.Database, article: Article) -> str:
    """``unchanged`` (this exact input is stored), ``updated`` (an earlier version of
    this path is stored) or ``new``."""
    if find_article_by_hash(db, content_hash(article.raw)):
        return "unchanged"
    if find_articles_by_path(db, article.path):
        return "updated"
    return "new"


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
    for table in ("entity_mentions", "claims", "sentences"):
        db.execute(f"delete from [{table}] where article_id = ?", [article_id])
    db.execute("delete from articles where id = ?", [article_id])


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
    ``refresh_entities=False`` leaves :func:`refresh_entity_names` to the caller, who can
    run it once for a whole batch (it reads every mention of the entities touched).
    """
    hash_hex = content_hash(article.raw)
    article_id = article_id_for(hash_hex)
    with db.atomic():
        if find_article_by_hash(db, hash_hex):
            return "unchanged"
        previous = find_articles_by_path(db, article.path)
        for old_id in previous:
            delete_article(db, old_id)
        db["articles"].insert(
            {
                "id": article_id,
                "path": article.path,
                "title": article.title,
                "source": article.source,
                "url": article.url,
                "published": article.published,
                "author": article.author,
                "content_hash": hash_hex,
                "text": article.text,
                "ingested_at": utc_now(),
                "run_id": run_id,
            }
        )

        def sentence_id(position: int | None) -> str | None:
            return None if position is None else f"{article_id}-s{position}"

        db["sentences"].insert_all(
            {
                "id": sentence_id(s.position),
                "article_id": article_id,
                "position": s.position,
                "text": s.text,
                "start_char": s.start_char,
                "end_char": s.end_char,
            }
            for s in analysis.sentences
        )
        db["claims"].insert_all(
            {
                **asdict(claim),
                "id": f"{article_id}-c{claim.start_char}",
                "article_id": article_id,
                "sentence_id": sentence_id(_sentence_index(analysis.sentences, claim.start_char)),
            }
            for claim in analysis.claims
        )
        db["entities"].insert_all(
            ({"id": m.key, "name": m.name, "label": m.label} for m in analysis.mentions),
            ignore=True,
        )
        db["entity_mentions"].insert_all(
            {
                "id": f"{article_id}-e{m.start_char}",
                "entity_id": m.key,
                "label": m.label,
                "article_id": article_id,
                "sentence_id": sentence_id(_sentence_index(analysis.sentences, m.start_char)),
                "start_char": m.start_char,
                "end_char": m.end_char,
                "surface": m.surface,
            }
            for m in analysis.mentions
        )
        if refresh_entities:
            refresh_entity_names(db, {m.key for m in analysis.mentions})
        if previous:
            delete_orphan_entities(db)
    return "updated" if previous else "new"


def refresh_entity_names(db: sqlite_utils.Database, keys: set[str]) -> None:
    """Give each entity its most frequent spelling and label over all its mentions.

    The small model labels one name differently from sentence to sentence (DeepSeek as
    ORG, PRODUCT, GPE): the majority is the best guess, and it is stable under re-ingest.
    """
    for column, source in (("name", "surface"), ("label", "label")):
        db.execute(
            f"""
            update entities set {column} = (
                select {source} from entity_mentions where entity_id = entities.id
                group by {source} order by count(*) desc, {source} limit 1)
            where id in (select value from json_each(?))
            """,
            [json.dumps(sorted(keys))],
        )


def start_run(db: sqlite_utils.Database, package_version: str) -> int:
    """Record the start of an ingest run; returns its id."""
    with db.atomic():
        table = db["runs"].insert({"started_at": utc_now(), "package_version": package_version})
    return table.last_pk


def set_run_model(db: sqlite_utils.Database, run_id: int, model: str, model_version: str) -> None:
    """Record the spaCy model a run loaded (a run that analysed nothing loads none)."""
    with db.atomic():
        db["runs"].update(run_id, {"model": model, "model_version": model_version})


def finish_run(db: sqlite_utils.Database, run_id: int, **counts) -> None:
    """Record a run's end and its counts (files, articles, errors, claims, ...)."""
    with db.atomic():
        db["runs"].update(run_id, {"finished_at": utc_now(), **counts})
