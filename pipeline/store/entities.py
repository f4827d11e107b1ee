"""Entities: their names and labels from their mentions, and dropping the ones no mention
points to any more."""

from __future__ import annotations

import json
from collections import Counter

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
