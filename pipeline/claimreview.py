"""ClaimReview: a traced figure as schema.org ClaimReview JSON-LD, for a fact-checker to
publish a review of it (https://schema.org/ClaimReview, Google's fact-check markup).

What figtrace knows fills the ``Claim`` reviewed: the figure as first stated, who it is
credited to, every article stating it (``appearance``) and the first (``firstAppearance``),
and in its ``description`` how it changed from source to source. What only the
fact-checker knows is left to them: the verdict (``reviewRating``), the review's address
(``url``) and its author. Google's guidance requires a verdict (``Rating.alternateName``)
and a ``url``; schema.org requires nothing. A verdict is never made up nor left as an
empty placeholder (that would publish as a review without one): without ``rating`` there
is no ``reviewRating``, and :func:`missing_for_publishing` names what is still to add.
(Google stopped showing fact-check snippets in 2025; its documented requirements are still
the profile the markup's other readers, such as the Fact Check Explorer, are written for.)
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from .claims.display import counted, format_figure
from .tracing.mutations import KIND_WORDS
from .tracing.queries import figure_lineage
from .tracing.render import link_url, one_line

if TYPE_CHECKING:
    import sqlite_utils

# Required by Google's fact-check guidance, at the top of the review.
GOOGLE_REQUIRED = ("claimReviewed", "reviewRating", "url")


def claim_review(
    db: sqlite_utils.Database,
    figure_id: str,
    rating: str | None = None,
    url: str | None = None,
    today: date | str | None = None,
    author: str | None = None,
) -> dict:
    """The figure ``figure_id`` as a schema.org ClaimReview (JSON-LD, plain data).

    ``rating``: the verdict in words ("Misleading"), as ``reviewRating.alternateName``;
    ``url``: the review's own address (http or https); ``author``: the organisation
    publishing the review; each is left out when not given. ``today``: the review's
    ``datePublished`` (default: today). Raises KeyError for an unknown figure and
    ValueError for a ``url`` that is not http(s) or a blank ``rating`` or ``author``.
    """
    review_url = link_url(url) if url is not None else None
    if url is not None and review_url is None:
        raise ValueError(f"the review's url must be an http(s) address, not {url!r}")
    for name, given in (("rating", rating), ("author", author)):
        if given is not None and not given.strip():
            raise ValueError(f"the {name} is blank; give it in words or leave it out")
    try:
        lineage = figure_lineage(db, figure_id)
    except KeyError:
        raise KeyError(f"no figure {figure_id!r}; find figure ids with `analyze figures` or `analyze trace`") from None
    origin = lineage["origin"]
    # An appearance is a work, not a sentence: an article stating the figure twice is one.
    firsts = {}
    for stated in lineage["claims"]:
        firsts.setdefault(stated["article_id"], stated)
    claim = {"@type": "Claim"}
    credited = _party(db, stated_credit(lineage))
    if credited:
        claim["author"] = credited
    if origin.get("published"):
        claim["datePublished"] = origin["published"]
    claim["appearance"] = [_work(c) for c in firsts.values()]
    claim["firstAppearance"] = _work(origin)
    claim["description"] = provenance(lineage)
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": one_line(origin.get("sentence")) or one_line(origin["surface"]),
        "itemReviewed": claim,
        "datePublished": today if isinstance(today, str) else (today or date.today()).isoformat(),
    }
    if review_url:
        review["url"] = review_url
    if rating is not None:
        review["reviewRating"] = {"@type": "Rating", "alternateName": one_line(rating)}
    if author is not None:
        review["author"] = {"@type": "Organization", "name": one_line(author)}
    return review


def missing_for_publishing(review: dict) -> list[str]:
    """The properties Google's fact-check guidance requires that ``review`` lacks."""
    return [name for name in GOOGLE_REQUIRED if name not in review]


def to_json(review: dict) -> str:
    """``review`` as JSON text safe to paste inside an HTML ``<script>`` element: ``<``,
    ``>`` and ``&`` are JSON escapes, so a title holding "</script>" cannot end it (the
    parsed value is unchanged)."""
    text = json.dumps(review, indent=2, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def stated_credit(lineage: dict) -> str | None:
    """Who the claim as first stated is credited to by its own sentence: the origin's
    credit, unless it was carried from another sentence of its article (``attributed_from``
    = article: figtrace's reading, not a statement of who made the claim). Published markup
    names no author from a carried credit, nor from a later article's (which changed the
    credit); the description says whom the articles credit."""
    origin = lineage["origin"]
    # (a claim stored before attributed_from was kept has none: its credit is its sentence's)
    return origin.get("attributed_to") if origin.get("attributed_from") != "article" else None


def provenance(lineage: dict) -> str:
    """What figtrace traced, in words: how often and where the figure was stated, its first
    statement (and how sure that is), who it is credited to, and the kinds of change."""
    claims, origin = lineage["claims"], lineage["origin"]
    articles = len({c["article_id"] for c in claims})
    text = (
        f"Traced by figtrace (figure {lineage['id']}): stated {counted(len(claims), 'time')} in "
        f"{counted(articles, 'article')}; first as “{one_line(origin['surface'])}”"
        f"{' on ' + origin['published'] if origin.get('published') else ''}"
    )
    if (lineage.get("origin_certainty") or "certain") != "certain" and lineage.get("origin_note"):
        text += f" (origin {lineage['origin_note']})"
    if lineage.get("attributed_origin"):
        text += f", credited to {one_line(lineage['attributed_origin'])}"
        if stated_credit(lineage) is None:
            text += " (by its articles, in no sentence stating it)"
    precise = format_figure(lineage.get("canonical_value"), lineage.get("unit"), plural=True)
    if precise:
        text += f"; most precisely {precise}"
    kinds = []
    for claim in claims:
        for kind in claim["mutation"]:
            if kind not in ("origin", "same") and KIND_WORDS.get(kind, kind) not in kinds:
                kinds.append(KIND_WORDS.get(kind, kind))
    text += f". Changes from the first statement: {', '.join(kinds)}." if kinds else ". Every later statement repeats it unchanged."
    return text


def _work(claim: dict) -> dict:
    """The article stating ``claim`` as a CreativeWork: its web address (only http(s)),
    headline, date and publisher (the outlet, when the article names one)."""
    work = {"@type": "CreativeWork"}
    url = link_url(claim.get("url"))
    if url:
        work["url"] = url
    if claim.get("title"):
        work["headline"] = one_line(claim["title"])
    if claim.get("published"):
        work["datePublished"] = claim["published"]
    if claim.get("source"):
        work["publisher"] = {"@type": "Organization", "name": one_line(claim["source"])}
    return work


def _party(db: sqlite_utils.Database, name: str | None) -> dict | None:
    """Who a figure is credited to as a Person or an Organization, by how the articles'
    entities label the name; None for a credit that names nobody ("unverified reports",
    "critics"): Google's guidance says to leave out the author of a claim without one."""
    name = one_line(name)
    if not name:
        return None
    row = db.execute("select label from entities where name = ? limit 1", [name]).fetchone()
    if row is None and not name[0].isupper():
        return None
    return {"@type": "Person" if row and row[0] == "PERSON" else "Organization", "name": name}
