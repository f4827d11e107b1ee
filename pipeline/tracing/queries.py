"""Queries: trace a typed figure, a figure's lineage, the figures that mutated most."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..claims import ParsedFigure, parse_figure
from ..settings import TRACE_FIGURES
from .values import EXACT_KINDS, TRACE_TOLERANCE, related_units, rounds_to, significant_digits
from .mutations import content_words, origin_note
from ..store.copies import copies_among
from ..wrapping import paragraph_at

if TYPE_CHECKING:
    import sqlite_utils


@dataclass
class FigureQuery:
    """A figure as a person types it ("$6M", "50,000 GPUs"), read by the text normaliser,
    that stored claims are matched against."""

    text: str
    figure: ParsedFigure
    digits: int

    @classmethod
    def parse(cls, text: str) -> FigureQuery:
        """Read ``text``; ValueError when it holds no figure."""
        figure = parse_figure(text)
        if figure is None or figure.value is None:
            raise ValueError(f"cannot read a figure in {text!r} (try e.g. '$6M', '50,000 GPUs', '17%')")
        return cls(text, figure, significant_digits(text, figure.value))

    @property
    def value_window(self) -> tuple[float, float]:
        """The narrowest value range every matching claim falls in (for an indexed
        pre-filter): the tolerance or half a step of the query's last digit either side,
        whichever is wider ("$6M" reads $5.5M to $6.5M), and a range's ends halved and
        doubled."""
        figure = self.figure
        if figure.qualifier == "range" and figure.value_high is not None:
            return tuple(sorted((figure.value / 2, figure.value_high * 2)))
        value = figure.value
        if value == 0:
            return (0.0, 0.0)
        last_digit = 10 ** (math.floor(math.log10(abs(value))) - self.digits + 1)
        spread = max(TRACE_TOLERANCE * abs(value), last_digit / 2) * (1 + 1e-6)  # (float slack)
        return (value - spread, value + spread)

    def matches(self, value, surface, unit=None, kind=None, qualifier=None, value_low=None, value_high=None) -> bool:
        """Whether a stored claim states this figure.

        Values match when equal within :data:`TRACE_TOLERANCE` or when rounding the claim to
        the query's precision gives the query ("$6M" finds "$5,576,000"); a range matches a
        range with both ends equal. Units must agree or be related ("$0.14" finds "$0.14 per
        million input tokens"); a query without a unit ("600 billion") finds any unit.
        """
        figure = self.figure
        if value is None:
            return False
        if figure.unit and related_units(figure.unit, figure.kind, unit, kind) is None:
            return False
        if figure.qualifier == "range" and figure.value_high is not None:
            return (
                qualifier == "range"
                and value_low is not None
                and value_high is not None
                and math.isclose(value_low, figure.value_low, rel_tol=TRACE_TOLERANCE)
                and math.isclose(value_high, figure.value_high, rel_tol=TRACE_TOLERANCE)
            )
        if figure.value == 0:
            return value == 0
        if abs(value - figure.value) <= TRACE_TOLERANCE * abs(figure.value):
            return True
        return rounds_to(value, significant_digits(surface or "", value), figure.value, self.digits)


def find_figures(db: sqlite_utils.Database, query: str, subject: str | None = None) -> list[str]:
    """Ids of figures with a claim matching the typed figure ``query`` (see
    :meth:`FigureQuery.matches`), and with all of the ``subject`` words when given.

    Figures are ordered by how many of their claims match, then by size.
    """
    figure_query = FigureQuery.parse(query)
    rows = db.execute(
        "select figure_id, value, surface, unit, kind, qualifier, value_low, value_high from claims "
        "where figure_id is not null and value between ? and ?",
        list(figure_query.value_window),
    )
    hits: Counter = Counter()
    for figure_id, *claim in rows:  # (tuples: a common value matches tens of thousands of claims)
        if figure_query.matches(*claim):
            hits[figure_id] += 1
    if subject:
        wanted = content_words(subject)
        hits = Counter({f: n for f, n in hits.items() if wanted <= _figure_words(db, f)})
    sizes = dict(db.execute(
        "select id, n_claims from figures where id in (select value from json_each(?))", [json.dumps(sorted(hits))]
    ).fetchall())  # fmt: skip
    return sorted(hits, key=lambda f: (-hits[f], -sizes.get(f, 0), f))


def _figure_words(db: sqlite_utils.Database, figure_id: str) -> frozenset[str]:
    """Content words of a figure's subjects and sentences, for ``--subject`` filtering."""
    rows = db.query(
        "select coalesce(c.subject, '') || ' ' || coalesce(s.text, '') as words from claims c "
        "left join sentences s on s.id = c.sentence_id where c.figure_id = ?",
        [figure_id],
    )
    return content_words(" ".join(r["words"] for r in rows))


def figure_lineage(db: sqlite_utils.Database, figure_id: str) -> dict:
    """A figure with its claims in lineage order, each with article and mutation, as plain data."""
    figure = next(iter(db.query("select * from figures where id = ?", [figure_id])), None)
    if figure is None:
        raise KeyError(f"no figure {figure_id!r}")
    claims = list(
        db.query(
            """
            select c.id, c.surface, c.value, c.value_low, c.value_high, c.unit, c.qualifier,
                   c.qualifier_cue, c.subject, c.attributed_to, c.attributed_from, c.start_char, c.end_char,
                   a.id as article_id, a.path, a.title, a.published, a.source, a.url,
                   s.text as sentence, m.kinds, m.detail
            from claims c
            join articles a on a.id = c.article_id
            left join sentences s on s.id = c.sentence_id
            left join mutations m on m.claim_id = c.id
            where c.figure_id = ?
            """,
            [figure_id],
        )
    )
    claims.sort(key=lambda c: (c["published"] is None, c["published"] or "", c["path"], c["start_char"]))
    for claim in claims:
        kinds = claim.pop("kinds")
        claim["mutation"] = json.loads(kinds) if kinds else ["origin"]
        claim["is_origin"] = claim["id"] == figure["first_claim_id"]
    origin = next(c for c in claims if c["is_origin"])
    certainty = figure.get("origin_certainty")
    copies = copies_among(db, {c["article_id"] for c in claims})
    independent = mark_copies(db, claims, copies)
    return {
        "id": figure["id"],
        "subject": figure["subject"],
        "unit": figure["unit"],
        "canonical_value": figure["canonical_value"],
        "attributed_origin": figure["attributed_origin"],
        "origin_certainty": certainty,
        "origin_note": origin_note(certainty, ((c["article_id"], c["published"]) for c in claims)),
        "origin": origin,
        "claims": claims,
        "n_articles": len({c["article_id"] for c in claims}),
        "n_independent": independent,
        "citations": lineage_edges(db, claims, copies),
    }


def lineage_edges(db: sqlite_utils.Database, claims: list[dict], copies: list[tuple]) -> list[dict]:
    """Who cites or copies whom among a lineage's articles: each edge {"from", "to",
    "kind", "evidence"} (article ids, from the later to the earlier or the linking to the
    linked): kind link (evidence: the URL linked), attribution (the crediting claim's id)
    from the ``citations`` view, copy or partial (the share of the copy's paragraph text
    found in the original; and "ordered": whether the dates say which ran first, else
    either may be the copy) from ``copies`` (rows of :func:`~pipeline.store.copies.copies_among`)."""
    from ..store.citations import citations_among

    edges = citations_among(db, {c["article_id"] for c in claims})
    edges.extend(
        {"from": a, "to": b, "kind": kind, "evidence": round(similarity, 3), "ordered": ordered}
        for a, b, kind, similarity, _, ordered in sorted(copies, key=lambda row: (row[2], row[0], row[1]))
    )
    return edges


def mark_copies(db: sqlite_utils.Database, claims: list[dict], copies: list[tuple]) -> int:
    """Give each claim (of one lineage, in order) ``copy_of``: the earlier article of the
    lineage its article copies (``copies``: rows of
    :func:`~pipeline.store.copies.copies_among`), with the claim's paragraph among those
    copied (a partial copy's own paragraphs are its own), as {"article_id", "source",
    "published", "kind", "ordered"} ("ordered": whether the dates say which ran first;
    else the lineage's order chose and either may be the copy); None for a statement of
    its own. Returns how many articles state
    the figure on their own (in no claim copied)."""
    articles = {c["article_id"]: c for c in reversed(claims)}  # (each article's first claim)
    copied: dict[str, list[tuple[str, str, set[int]]]] = {}
    for article_id, copy_of, kind, _, paragraphs, ordered in copies:
        copied.setdefault(article_id, []).append((copy_of, kind, set(paragraphs), ordered))
    texts = dict(db.execute(
        "select id, text from articles where id in (select value from json_each(?))", [json.dumps(sorted(copied))]
    ).fetchall()) if copied else {}  # fmt: skip
    own = set()
    for claim in claims:
        claim["copy_of"] = None
        paragraph = paragraph_at(texts[claim["article_id"]], claim["start_char"]) if claim["article_id"] in copied else None
        for copy_of, kind, paragraphs, ordered in copied.get(claim["article_id"], ()):
            if kind == "copy" or paragraph in paragraphs:
                original = articles[copy_of]
                claim["copy_of"] = {"article_id": copy_of, "source": original.get("source") or original.get("title") or original["path"],
                                    "published": original["published"], "kind": kind, "ordered": ordered}  # fmt: skip
                break
        if claim["copy_of"] is None:
            own.add(claim["article_id"])
    return len(own)


def trace(db: sqlite_utils.Database, query: str, subject: str | None = None, limit: int | None = TRACE_FIGURES) -> dict:
    """``{"figures": [lineage, ...], "matched": n}``: the lineages of the first ``limit``
    figures (all with ``None`` or 0) matching a typed figure, in :func:`find_figures`'
    order, and how many figures matched."""
    found = find_figures(db, query, subject)
    return {"figures": [figure_lineage(db, f) for f in found[: limit or None]], "matched": len(found)}


def no_match_message(db: sqlite_utils.Database, query: str, subject: str | None = None) -> str:
    """Why no figure matched: none states the value at all, or (with ``subject``) some
    do but the subject filter left them all out."""
    if subject and (found := find_figures(db, query)):
        return f"no figure matches {query!r} about {subject!r} ({len(found)} without --subject)"
    return f"no figure matches {query!r}"


def most_mutated(db: sqlite_utils.Database, limit: int = 20) -> list[dict]:
    """Figures that changed from source to source, those with the most kinds of change
    first, each with ``kinds`` (a list) and the date its origin was published
    (``first_published``). Figures of years and ranks ("2030", "third") are left out: a
    year restated is a date, not a figure that drifted."""
    rows = db.query(
        f"""
        select f.*, a.published as first_published,
               (select count(*) from mutations m where m.figure_id = f.id and m.kinds != '["same"]') as n_mutations
        from figures f
        join claims o on o.id = f.first_claim_id
        left join articles a on a.id = f.first_article_id
        where f.n_claims > 1 and f.kinds_seen not in ('[]', '["restated"]')
          and coalesce(o.kind, '') not in ({", ".join("?" * len(EXACT_KINDS))})
        order by json_array_length(f.kinds_seen) desc, n_mutations desc, f.n_articles desc, f.id
        limit ?
        """,
        [*sorted(EXACT_KINDS), limit],
    )
    return [dict(row, kinds=json.loads(row["kinds_seen"] or "[]")) for row in rows]
