"""Entities: their names and labels from their mentions, dropping the ones no mention points
to any more, and each article's names in order (``article_names``)."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


def delete_orphan_entities(db: sqlite_utils.Database) -> int:
    """Drop entities no mention points to any more (after an edited article lost them)."""
    cursor = db.execute(
        "delete from entities where id not in (select distinct entity_id from entity_mentions)"
    )
    return cursor.rowcount


def refresh_entity_names(db: sqlite_utils.Database, keys: set[str]) -> None:
    """Give each entity its most frequent spelling and label over all its mentions (ties:
    the first in code-point order; an entity without mentions gets none).

    The small model labels one name differently from sentence to sentence (DeepSeek as
    ORG, PRODUCT, GPE): the majority is the best guess, and it is stable under re-ingest.
    Read from ``entity_spellings``, a few rows an entity whatever its mentions: popular
    entities have thousands and are touched by every batch.
    """
    names: dict[str, Counter] = {key: Counter() for key in keys}
    labels: dict[str, Counter] = {key: Counter() for key in keys}
    for key, surface, label, count in db.execute(
        "select entity_id, surface, label, mentions from entity_spellings where entity_id in (select value from json_each(?))",
        [json.dumps(sorted(keys))],
    ).fetchall():
        names[key][surface or None] += count
        labels[key][label or None] += count
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


# How many mentions write each entity each way (surface and label; a missing one as ''),
# kept by triggers as mentions come and go, so refreshing an entity's name reads its few
# spellings rather than its every mention: on 16,000 generated articles that read took
# each batch of 32 articles 80 ms (11 ms on 2,000), growing with the corpus.
ENTITY_SPELLINGS_SQL = """
create table if not exists entity_spellings (
    entity_id text not null, surface text not null, label text not null, mentions integer not null,
    primary key (entity_id, surface, label)
) without rowid
"""
_SPELLING = "entity_id = {row}.entity_id and surface = coalesce({row}.surface, '') and label = coalesce({row}.label, '')"
ENTITY_SPELLINGS_TRIGGERS = (
    "create trigger if not exists entity_mentions_spelled after insert on entity_mentions begin"
    " insert into entity_spellings (entity_id, surface, label, mentions)"
    " values (new.entity_id, coalesce(new.surface, ''), coalesce(new.label, ''), 1)"
    " on conflict (entity_id, surface, label) do update set mentions = mentions + 1; end",
    "create trigger if not exists entity_mentions_unspelled after delete on entity_mentions begin"
    f" update entity_spellings set mentions = mentions - 1 where {_SPELLING.format(row='old')};"
    f" delete from entity_spellings where {_SPELLING.format(row='old')} and mentions <= 0; end",
)


def ensure_entity_spellings(db: sqlite_utils.Database) -> None:
    """The ``entity_spellings`` table and its triggers (in the schema's transaction); a
    database made before it counts its stored mentions once."""
    existed = db["entity_spellings"].exists()
    db.execute(ENTITY_SPELLINGS_SQL)
    if not existed:
        db.execute(
            "insert into entity_spellings (entity_id, surface, label, mentions)"
            " select entity_id, coalesce(surface, ''), coalesce(label, ''), count(*) from entity_mentions group by 1, 2, 3"
        )
    for trigger in ENTITY_SPELLINGS_TRIGGERS:
        db.execute(trigger)


# Each article's entities, once each in order of first mention (a JSON list of entity ids):
# what tracing compares articles' stories by, read as one row an article rather than as
# its every mention. Written with the article's mentions; one row per article, [] for none.
ARTICLE_NAMES_SQL = "create table if not exists article_names (article_id text primary key, entity_ids text not null)"
ARTICLE_NAMES_TRIGGER = (
    "create trigger if not exists articles_names_ad after delete on articles begin"
    " delete from article_names where article_id = old.id; end"
)


def names_in_order(entity_ids) -> str:
    """``entity_ids`` (in mention order) once each, in order of first mention, as stored."""
    return json.dumps(list(dict.fromkeys(entity_ids)))


def ensure_article_names(db: sqlite_utils.Database) -> None:
    """The ``article_names`` table (in the schema's transaction); a database made before it
    gets a row for every stored article, from their mentions."""
    existed = db["article_names"].exists()
    db.execute(ARTICLE_NAMES_SQL)
    # Whatever deletes an article (an edit, a record gone from its file) takes its names with it.
    db.execute(ARTICLE_NAMES_TRIGGER)
    if existed:
        return
    found = _names_from_mentions(db, "select id from articles")
    db.conn.executemany("insert into article_names values (?, ?)", ((a, json.dumps(ids)) for a, ids in found.items()))


def read_article_names(db: sqlite_utils.Database, article_where: str, params: list) -> dict[str, tuple[str, ...]]:
    """The entities each article of ``select id from articles a {article_where}`` names,
    once each in order of first mention; an article without a stored row (written around
    the store, as benchmarks do) from its mentions."""
    stored, missing = [], []
    for article_id, entity_ids in db.execute(
        f"select a.id, n.entity_ids from articles a left join article_names n on n.article_id = a.id {article_where}", params
    ):  # fmt: skip
        if entity_ids is None:
            missing.append(article_id)
        else:
            stored.append((article_id, entity_ids))
    # (every row's list parsed by one call: an update asks for the names of tens of thousands)
    parsed = json.loads(f"[{','.join(entity_ids for _, entity_ids in stored)}]")
    names = {article_id: tuple(ids) for (article_id, _), ids in zip(stored, parsed)}
    if missing:
        found = _names_from_mentions(db, "select value from json_each(?)", [json.dumps(missing)])
        names.update((article_id, tuple(ids)) for article_id, ids in found.items())
    return names


def _names_from_mentions(db: sqlite_utils.Database, articles: str, params: list = ()) -> dict[str, list[str]]:
    """The entities each article of the query ``articles`` (of ids) names, once each in
    order of first mention, read from its mentions ([] for none)."""
    found: dict[str, dict[str, None]] = {article_id: {} for (article_id,) in db.execute(articles, list(params))}
    for article_id, entity_id in db.execute(
        f"select article_id, entity_id from entity_mentions where article_id in ({articles}) order by article_id, start_char",
        list(params),
    ):  # fmt: skip
        found[article_id][entity_id] = None
    return {article_id: list(ids) for article_id, ids in found.items()}
