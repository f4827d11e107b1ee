"""The store of citations: each HTML article's outbound links (``article_links``), each
article's own URL in matching form (``article_urls``), and the ``citations`` view, the
union of two kinds of edge between stored articles:

- ``link``: the citing article links to the cited one's URL (``evidence``: the link);
- ``attribution``: a claim of the citing article credits (``claims.attributed_to``) the
  outlet (``articles.source``) of an article not later in lineage order that states the
  same figure, an outlet other than its own (``evidence``: the citing claim's id).

URLs match on :func:`url_key`, a light normalisation written beside each URL when the
row is written (Python, not SQL: the view then joins two indexed columns and never
parses a URL). Both tables go with their article: a trigger deletes their rows.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from typing import TYPE_CHECKING

from .views import ensure_view, view_sql

if TYPE_CHECKING:
    import sqlite_utils

# An outlet's name as credits and sources are matched on: case and spaces ignored, "the X"
# read as "X". Written once, for the view and the index on articles it reads through.
def _name_key(column: str) -> str:
    name = f"lower(trim({column}))"
    return f"(case when {name} like 'the %' then trim(substr({name}, 5)) else {name} end)"


SOURCE_KEY = _name_key("source")

CITATIONS_VIEW = f"""
create view citations as
select l.article_id, u.article_id as cited_article_id, 'link' as kind, l.url as evidence
from article_links l
join article_urls u on u.url_key = l.url_key
where u.article_id != l.article_id
union all
select c.article_id, e.id as cited_article_id, 'attribution' as kind, c.id as evidence
from claims c
join articles a on a.id = c.article_id
-- the credit names the outlet (through the index on the outlet's name key: a figure of
-- thousands of claims is not paired claim by claim)
join articles e on {_name_key("e.source")} = {_name_key("c.attributed_to")}
where c.attributed_to is not null and c.figure_id is not null and e.id != a.id
  -- an outlet crediting itself (a wire's own earlier story) cites no other source
  and (a.source is null or {_name_key("a.source")} != {_name_key("e.source")})
  -- the cited article states the same figure
  and exists (select 1 from claims o where o.article_id = e.id and o.figure_id = c.figure_id)
  -- and is not later: dated before undated, then by date (a same-day or both-undated pair
  -- is a tie the credit itself orients)
  and (e.published is null, coalesce(e.published, '')) <= (a.published is null, coalesce(a.published, ''))
"""

SCHEMA = (
    "create table if not exists article_links (article_id text not null, url text not null, url_key text not null,"
    " primary key (article_id, url)) without rowid",
    "create index if not exists idx_article_links_url_key on article_links (url_key)",
    "create table if not exists article_urls (article_id text primary key, url_key text not null)",
    "create index if not exists idx_article_urls_url_key on article_urls (url_key)",
    f"create index if not exists idx_articles_source_key on articles ({SOURCE_KEY})",
    # Whatever deletes an article (an edit, a record gone from its file) takes its links and URL with it.
    "create trigger if not exists articles_citations_ad after delete on articles begin"
    " delete from article_links where article_id = old.id;"
    " delete from article_urls where article_id = old.id; end",
)


def url_key(url: str | None) -> str | None:
    """``url`` in the form links and articles are matched on: scheme and host lower-cased,
    a leading ``www.`` and a default port dropped, the fragment, ``utm_*`` query parameters
    and a trailing slash dropped (the rest of the query kept, in order). None for anything
    but an http(s) URL with a host."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # (a malformed port or IPv6 host)
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").removeprefix("www.")
    if scheme not in ("http", "https") or not host:
        return None
    if port and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith("utm_")]
    return urlunsplit((scheme, host, parts.path.rstrip("/"), urlencode(query), ""))


def link_rows(article_id: str, links) -> list[tuple[str, str, str]]:
    """The ``article_links`` rows (article id, url, url key) of an article's links."""
    rows = []
    for url in links:
        key = url_key(url)
        if key:
            rows.append((article_id, url, key))
    return rows


def url_rows(article_id: str, url: str | None) -> list[tuple[str, str]]:
    """The ``article_urls`` row (article id, url key) of an article's URL: none without one."""
    key = url_key(url)
    return [(article_id, key)] if key else []


def ensure_citations_schema(db: sqlite_utils.Database) -> None:
    """The tables, indexes, trigger and view of citations (in the schema's transaction).
    A database made before them gets ``article_urls`` filled from its articles (links
    were not kept then: they come with each article stored again)."""
    created = not db["article_urls"].exists()
    for statement in SCHEMA:
        db.execute(statement)
    if created:
        rows = [row for article_id, url in db.execute("select id, url from articles where url is not null")
                for row in url_rows(article_id, url)]  # fmt: skip
        db.conn.executemany("insert or replace into article_urls (article_id, url_key) values (?, ?)", rows)
    ensure_view(db, "citations", CITATIONS_VIEW)


def citations_among(db: sqlite_utils.Database, article_ids) -> list[dict]:
    """The citations between the articles ``article_ids`` (both ends among them), as
    {"from", "to", "kind", "evidence"}, in a stable order; none on a database made before
    the view (read as it is)."""
    if view_sql(db, "citations") is None:
        return []
    ids = json.dumps(sorted(set(article_ids)))
    rows = db.execute(
        "select article_id, cited_article_id, kind, evidence from citations"
        " where article_id in (select value from json_each(?)) and cited_article_id in (select value from json_each(?))"
        " order by kind, article_id, cited_article_id, evidence",
        [ids, ids],
    ).fetchall()
    return [{"from": a, "to": b, "kind": kind, "evidence": evidence} for a, b, kind, evidence in rows]
