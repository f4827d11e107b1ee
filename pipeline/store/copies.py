"""The store of copies (:mod:`pipeline.copies`): each article's paragraph fingerprints,
the band keys they are found by, the overlaps between articles, and the ``copies`` view
that orients each overlap from the later article to the earlier one."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .views import ensure_view, view_sql

if TYPE_CHECKING:
    import sqlite_utils


def _ordered(later: str, earlier: str) -> str:
    """SQL: whether the dates of the articles ``later`` and ``earlier`` (table aliases) say
    which ran first (else the pair is oriented by the lineage's order, undated last, then by
    path, and either may be the copy)."""
    return f"coalesce({later}.published > {earlier}.published, 0)"


# Thresholds of the view, written into it (they are the module's constants, not input).
COPIES_VIEW = """
create view copies as
select o.article_id, o.other_id as copy_of, o.share as similarity,
       case when o.share >= {copy} then 'copy' else 'partial' end as kind,
       o.paragraphs,
       {ordered} as ordered
from article_overlaps o
join articles a on a.id = o.article_id
join articles b on b.id = o.other_id
where o.share >= {partial} and (o.share >= {copy} or json_array_length(o.paragraphs) >= {paragraphs})
  -- the later in lineage order copies the earlier: dated first, oldest first, then by path
  and (a.published is null, coalesce(a.published, ''), a.path) > (b.published is null, coalesce(b.published, ''), b.path)
"""

SCHEMA = (
    # (articles fingerprinted, those without paragraphs too: none is read twice)
    "create table if not exists article_fingerprints (article_id text primary key, paragraphs integer, words integer)",
    "create table if not exists paragraph_signatures (article_id text not null, paragraph integer not null,"
    " words integer not null, signature blob not null, primary key (article_id, paragraph)) without rowid",
    "create table if not exists paragraph_keys (key integer not null, article_id text not null, paragraph integer not null,"
    " primary key (key, article_id, paragraph)) without rowid",
    "create index if not exists idx_paragraph_keys_article_id on paragraph_keys (article_id)",
    "create table if not exists article_overlaps (article_id text not null, other_id text not null, share real not null,"
    " paragraphs text not null, primary key (article_id, other_id)) without rowid",
    "create index if not exists idx_article_overlaps_other_id on article_overlaps (other_id)",
    # Whatever deletes an article (an edit, a record gone from its file) takes its fingerprint with it.
    "create trigger if not exists articles_fingerprint_ad after delete on articles begin"
    " delete from article_fingerprints where article_id = old.id;"
    " delete from paragraph_signatures where article_id = old.id;"
    " delete from paragraph_keys where article_id = old.id;"
    " delete from article_overlaps where article_id = old.id or other_id = old.id; end",
)


def ensure_copies_schema(db: sqlite_utils.Database) -> None:
    """The tables, indexes, trigger and view of copies (in the schema's transaction); the
    articles fingerprinted under other rules of what a paragraph is are fingerprinted again
    (:func:`_follow_paragraph_rules`)."""
    from ..copies import COPY_SHARE, PARTIAL_PARAGRAPHS, PARTIAL_SHARE

    for statement in SCHEMA:
        db.execute(statement)
    ensure_view(db, "copies", COPIES_VIEW.format(copy=COPY_SHARE, partial=PARTIAL_SHARE, paragraphs=PARTIAL_PARAGRAPHS,
                                                 ordered=_ordered("a", "b")))  # fmt: skip
    _follow_paragraph_rules(db)


def _follow_paragraph_rules(db: sqlite_utils.Database) -> None:
    """Drop the fingerprints (and overlaps) of the articles whose paragraphs the current
    rules (:data:`pipeline.copies.PARAGRAPH_RULES`) read otherwise than those they were
    fingerprinted under, so the next ingest fingerprints them again; then record the rules.
    Rules 1 read a line as a paragraph; 2 also joins lines a hard wrap cut, which changes
    only the articles of wrapped text."""
    from ..copies import PARAGRAPH_RULES, rules_change

    db.execute("create table if not exists fingerprint_rules (paragraph_rules integer not null)")
    held = db.execute("select coalesce(max(paragraph_rules), 1) from fingerprint_rules").fetchone()[0]
    if held == PARAGRAPH_RULES:
        return
    stale = [article_id for article_id, text in db.execute(
        "select a.id, a.text from articles a join article_fingerprints f on f.article_id = a.id"
    ) if rules_change(text, held)]  # fmt: skip
    for table, column in (("article_fingerprints", "article_id"), ("paragraph_signatures", "article_id"),
                          ("paragraph_keys", "article_id"), ("article_overlaps", "article_id"), ("article_overlaps", "other_id")):  # fmt: skip
        db.execute(f"delete from {table} where {column} in (select value from json_each(?))", [json.dumps(stale)])
    db.execute("delete from fingerprint_rules")
    db.execute("insert into fingerprint_rules values (?)", [PARAGRAPH_RULES])


_UNFINGERPRINTED = "from articles a where not exists (select 1 from article_fingerprints f where f.article_id = a.id)"


def count_to_fingerprint(db: sqlite_utils.Database) -> tuple[int, int]:
    """How many stored articles have no fingerprint yet, and the rowid just before the
    first of them (0 when none), from which :func:`articles_to_fingerprint` reads them: its
    walk in rowid order reads each article's row, a page of the table per article, and
    would otherwise start at the first article ever stored (both read from the index of
    article ids, which holds the rowids)."""
    count, first = db.execute(f"select count(*), min(a.rowid) {_UNFINGERPRINTED}").fetchone()
    return count, (first or 1) - 1


def articles_to_fingerprint(db: sqlite_utils.Database, limit: int, after: int = 0) -> list[tuple[int, str, str]]:
    """Up to ``limit`` (rowid, id, text) of articles with no fingerprint yet, in rowid order,
    from rowid ``after`` on (the last of a chunk before: each chunk starts where the last
    ended, instead of walking past every article fingerprinted already)."""
    return db.execute(
        f"select a.rowid, a.id, a.text {_UNFINGERPRINTED} and a.rowid > ? order by a.rowid limit ?", [after, limit]
    ).fetchall()


# Stored paragraphs read under one key, at most: a paragraph many articles repeat (an
# outlet's boilerplate, wire copy run by hundreds) costs each new article a bounded read, so
# an ingest's work does not grow with the corpus. (A copy then links to that many of the
# articles holding the paragraph, not to all.)
CANDIDATES_PER_KEY = 100

# Keys probed in one statement (a compound select; SQLite allows 500 terms), padded with
# NULL keys, which match nothing, so that one prepared statement serves every article: 50
# queries an article, and the signatures of a paragraph found under several keys read once
# each, took 1.3 ms an article at 16,000 generated articles, 0.85 ms so (0.73 and 0.24 ms at 1,000).
KEYS_AT_ONCE = 64
_KEY_PROBE = "select * from (select article_id, paragraph from paragraph_keys where key = ? and article_id != ? limit ?)"
_KEY_PROBES = " union all ".join([_KEY_PROBE] * KEYS_AT_ONCE)
_PARAGRAPHS = """
select s.article_id, s.paragraph, s.words, s.signature, f.words
from json_each(?) j
join paragraph_signatures s on s.article_id = json_extract(j.value, '$[0]') and s.paragraph = json_extract(j.value, '$[1]')
join article_fingerprints f on f.article_id = s.article_id
"""


def paragraph_candidates(db: sqlite_utils.Database, keys: list[int], article_id: str) -> list[tuple]:
    """The stored paragraphs of other articles under any of ``keys`` (at most
    :data:`CANDIDATES_PER_KEY` a key), each once: (article id, paragraph, words, signature,
    words of that article's paragraphs)."""
    found: dict[tuple, None] = {}
    for start in range(0, len(keys), KEYS_AT_ONCE):
        part = list(keys[start : start + KEYS_AT_ONCE])
        part += [None] * (KEYS_AT_ONCE - len(part))
        for paragraph in db.execute(_KEY_PROBES, [v for key in part for v in (key, article_id, CANDIDATES_PER_KEY)]):
            found[paragraph] = None
    if not found:
        return []
    return db.execute(_PARAGRAPHS, [json.dumps(list(found))]).fetchall()


def store_fingerprint(db: sqlite_utils.Database, article_id: str, paragraphs: list, overlaps: list) -> None:
    """Write an article's paragraphs (signatures and keys), its fingerprint row and its
    overlaps with earlier articles, both ways (call in a write transaction)."""
    db.execute(
        "insert or replace into article_fingerprints (article_id, paragraphs, words) values (?, ?, ?)",
        [article_id, len(paragraphs), sum(p.words for p in paragraphs)],
    )
    db.conn.executemany(
        "insert or replace into paragraph_signatures (article_id, paragraph, words, signature) values (?, ?, ?, ?)",
        [(article_id, p.index, p.words, p.signature.tobytes()) for p in paragraphs],
    )
    db.conn.executemany(
        "insert or ignore into paragraph_keys (key, article_id, paragraph) values (?, ?, ?)",
        [(key, article_id, p.index) for p in paragraphs for key in p.keys],
    )
    rows = []
    for overlap in overlaps:
        rows.append((article_id, overlap.other, overlap.share, json.dumps(overlap.paragraphs)))
        rows.append((overlap.other, article_id, overlap.other_share, json.dumps(overlap.other_paragraphs)))
    db.conn.executemany(
        "insert or replace into article_overlaps (article_id, other_id, share, paragraphs) values (?, ?, ?, ?)", rows
    )


def copies_among(db: sqlite_utils.Database, article_ids) -> list[tuple]:
    """The copies between the articles ``article_ids`` (both ends among them), as
    (article id, copy of, kind, similarity, paragraphs as a list, whether the dates say
    which ran first), each copy's closest original first; none on a database made before
    the view (read as it is)."""
    if view_sql(db, "copies") is None:
        return []
    ids = json.dumps(sorted(set(article_ids)))
    return [
        (a, b, kind, similarity, json.loads(paragraphs), bool(ordered))
        for a, b, kind, similarity, paragraphs, ordered in db.execute(
            # (ordered worked out here too: a view made before it has no such column, and
            # reading never rewrites a view; "+c.copy_of" keeps SQLite from probing every
            # pair of the articles by key, 366,000 probes for a lineage of 605 articles:
            # each article's overlaps are read, then kept when the other is among them)
            f"select c.article_id, c.copy_of, c.kind, c.similarity, c.paragraphs, {_ordered('x', 'y')}"
            " from copies c join articles x on x.id = c.article_id join articles y on y.id = c.copy_of"
            " where c.article_id in (select value from json_each(?)) and +c.copy_of in (select value from json_each(?))"
            " order by c.article_id, c.similarity desc, c.copy_of",
            [ids, ids],
        )
    ]
