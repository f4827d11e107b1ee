"""Figures: claims grouped into figures with their lineage, and the rebuild after each ingest (the rows go to the store)."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass

import sqlite_utils

from ..claims.grammar import CURRENCY_CHARS
from ..store import FIGURE_COLUMNS, replace_figures
from .values import DISTANCE_THRESHOLD, TracedClaim
from .clustering import cluster_claims
from .mutations import classify_mutation


@dataclass
class Figure:
    """One figure: its claims in lineage order and what sums it up."""

    id: str
    claims: list[TracedClaim]

    @property
    def origin(self) -> TracedClaim:
        return self.claims[0]

    def summary(self) -> dict:
        """The row stored in ``figures``."""
        units = Counter(c.unit for c in self.claims if c.unit)
        unit = units.most_common(1)[0][0] if units else None
        in_unit = [c for c in self.claims if c.unit == unit and c.value is not None]
        values = [c.value for c in in_unit]
        # The most precise statement is the best estimate of the quantity.
        canonical = max(in_unit, key=lambda c: c.digits, default=None)
        credited = Counter(c.attributed_to for c in self.claims if c.attributed_to)
        low, high = (min(values), max(values)) if values else (None, None)
        return {
            "id": self.id,
            "subject": representative_subject([c.subject for c in self.claims]),
            "unit": unit,
            "canonical_value": canonical.value if canonical else None,
            "value_min": low,
            "value_max": high,
            "spread_pct": round((high - low) / abs(low) * 100, 2) if low else None,
            "n_claims": len(self.claims),
            "n_articles": len({c.article_id for c in self.claims}),
            "first_claim_id": self.origin.id,
            "first_article_id": self.origin.article_id,
            "attributed_origin": self.origin.attributed_to
            or (credited.most_common(1)[0][0] if credited else None),
            "kinds_seen": None,
            "origin_certainty": origin_certainty((c.article_id, c.published) for c in self.claims),
        }


# How sure the origin is (``figures.origin_certainty``): "certain" (one article has the
# earliest date and every article stating the figure is dated), "tied" (several articles
# share the earliest date), "some_undated" (undated articles state it too and may be
# earlier) or "undated" (no article stating it is dated).
ORIGIN_CERTAINTIES = ("certain", "tied", "some_undated", "undated")


def origin_certainty(article_dates) -> str:
    """How sure the earliest article is the origin, from (article id, ISO date or None)
    pairs of the claims of a figure."""
    dates = dict(article_dates)
    dated = [d for d in dates.values() if d]
    if not dated:
        return "undated"
    earliest = min(dated)
    if sum(d == earliest for d in dates.values()) > 1:
        return "tied"
    return "some_undated" if len(dated) < len(dates) else "certain"


def origin_note(certainty: str | None, article_dates) -> str:
    """The certainty in words, counted from the (article id, date) pairs: "2 articles share
    the earliest date, 2023-03-29"."""
    dates = dict(article_dates)
    dated = sorted(d for d in dates.values() if d)
    if certainty == "tied":
        tied = sum(d == dated[0] for d in dates.values())
        return f"uncertain: {tied} articles share the earliest date, {dated[0]}"
    if certainty == "some_undated":
        undated = len(dates) - len(dated)
        return f"uncertain: {undated} undated article{'s' if undated != 1 else ''} state{'s' if undated == 1 else ''} it too and may be earlier"
    if certainty == "undated":
        return "uncertain: no article stating it is dated"
    return "the earliest dated article" if dated else ""


_FIGURE_TOKEN = re.compile(rf"[{re.escape(CURRENCY_CHARS)}%]|^[\d.,]+[a-z]{{0,2}}$|^[a-z]$", re.IGNORECASE)


def _subject_phrase(subject: str) -> str:
    """A subject without the figures and scale letters inside it: "sub-$6 M training cost"
    -> "training cost"; names with digits ("GPT-4") stay."""
    return " ".join(t for t in subject.split() if not _FIGURE_TOKEN.search(t))


def representative_subject(subjects: list[str | None]) -> str | None:
    """The subject that says best what a figure's claims share: the one whose words recur
    most across the claims' subjects ("training cost" over "rival" when others say "cost").
    Ties go to the earliest in lineage order."""
    phrases = [_subject_phrase(s) for s in subjects if s]
    phrases = [p for p in phrases if p]
    counts = Counter(w for p in phrases for w in set(p.lower().split()))
    return max(phrases, key=lambda p: sum(counts[w] for w in p.lower().split()), default=None)


def figure_id_for(first_claim_id: str) -> str:
    """A figure's id: stable while its origin claim stays the same."""
    return "fig-" + hashlib.sha1(first_claim_id.encode()).hexdigest()[:12]


def build_figures(claims: list[TracedClaim], threshold: float = DISTANCE_THRESHOLD) -> list[Figure]:
    """Group claims into figures (pure: no database)."""
    claims = sorted(claims, key=lambda c: (c.article_id, c.start_char))
    figures = []
    for group in cluster_claims(claims, threshold):
        members = [claims[i] for i in group]
        figures.append(Figure(figure_id_for(members[0].id), members))
    return sorted(figures, key=lambda f: f.origin.order_key)


def load_claims(db: sqlite_utils.Database) -> list[TracedClaim]:
    """Every stored claim with its sentence, article date and path, the entities of its
    sentence and those of its article (one tuple shared by the article's claims)."""
    entities: dict[str, list[str]] = {}
    named: dict[str, dict[str, None]] = {}  # article -> the entities it names, once each, in order
    rows = db.execute("select article_id, sentence_id, entity_id from entity_mentions order by article_id, start_char")
    for article_id, sentence_id, entity_id in rows:
        if sentence_id and entity_id not in entities.setdefault(sentence_id, []):
            entities[sentence_id].append(entity_id)
        named.setdefault(article_id, {})[entity_id] = None
    story = {article_id: tuple(names) for article_id, names in named.items()}
    # Rows read one at a time, and the strings that repeat (an article's path, title and
    # date; a sentence shared by its claims) kept once: every claim is held at once.
    shared: dict[str, str] = {}
    rows = db.execute(
        """
        select c.id, c.article_id, c.surface, c.start_char, c.value, c.value_low, c.value_high,
               c.unit, c.qualifier, c.qualifier_cue, c.kind, c.subject, c.attributed_to,
               c.context, c.sentence_id, coalesce(s.text, '') as sentence,
               coalesce(s.start_char, c.start_char) as sentence_start, a.path, a.title, a.published,
               c.scope
        from claims c
        join articles a on a.id = c.article_id
        left join sentences s on s.id = c.sentence_id
        """
    )
    claims = []
    for row in rows:  # the columns of TracedClaim, in order
        claim = TracedClaim(*(shared.setdefault(v, v) if type(v) is str else v for v in row))
        claim.entities = entities.get(claim.sentence_id, [])
        claim.story = story.get(claim.article_id, ())
        claims.append(claim)
    return claims


def figures_are_stale(db: sqlite_utils.Database) -> bool:
    """Whether some claim has no figure (an edit dissolved it, or a run stopped before tracing)."""
    return db.execute("select exists(select 1 from claims where figure_id is null)").fetchone()[0] == 1


def rebuild_figures(db: sqlite_utils.Database) -> int:
    """Recompute every figure and mutation from the stored claims; the store replaces them
    in one transaction (:func:`~pipeline.store.replace_figures`).

    Returns the number of figures. Run after each ingest, so a new article joins the
    figures it belongs to.
    """
    figures = build_figures(load_claims(db))
    figure_rows, mutation_rows, assignments = [], [], []
    for figure in figures:
        row = figure.summary()
        kinds_seen: set[str] = set()
        for claim in figure.claims[1:]:
            kinds, detail = classify_mutation(figure.origin, claim)
            kinds_seen.update(kinds)
            mutation_rows.append(
                (f"{figure.id}:{claim.id}", figure.id, claim.id, figure.origin.id, json.dumps(kinds), detail)
            )
        row["kinds_seen"] = json.dumps(sorted(kinds_seen - {"same"}))
        figure_rows.append(tuple(row[column] for column in FIGURE_COLUMNS))
        assignments.extend((figure.id, claim.id) for claim in figure.claims)
    replace_figures(db, figure_rows, mutation_rows, assignments)
    return len(figures)
