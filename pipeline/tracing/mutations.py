"""Mutations: how sure a figure's origin is, and what changed from it to each later claim,
in kinds and in words."""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .values import TracedClaim, _FUNCTION_WORDS, rounds_to


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


# Each kind of change in a reader's words, one vocabulary for the chart, the terminal and
# the pages (the kinds themselves stay as stored, for SQL).
KIND_WORDS = {
    "inflated": "inflated",
    "deflated": "deflated",
    "rounded": "rounded",
    "more_precise": "more precise",
    "unit_changed": "unit changed",
    "restated": "restated",
    "attribution_changed": "credit changed",
    "attribution_added": "credit added",
    "attribution_dropped": "credit dropped",
    "qualifier_changed": "qualifier changed",
    "qualifier_added": "qualifier added",
    "qualifier_dropped": "qualifier dropped",
    "subject_drift": "subject changed",
    "reformatted": "format changed",
    "same": "same",
}


def _effective_qualifier(claim: TracedClaim) -> str | None:
    """The qualifier as a reader meets it: "around", "under", or a cue such as "just"."""
    if claim.qualifier != "exact":
        return claim.qualifier_cue or claim.qualifier
    return claim.qualifier_cue


@lru_cache(maxsize=1 << 16)  # the same names and subjects recur across every figure
def content_words(name: str | None) -> frozenset[str]:
    """Lower-case content words: "DeepSeek's report" and "DeepSeek" share {"deepseek"}."""
    if not name:
        return frozenset()
    return frozenset(w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in _FUNCTION_WORDS)


def _percent_change(old: float, new: float) -> float:
    return (new - old) / abs(old) * 100 if old else 0.0


def classify_mutation(
    origin: TracedClaim, claim: TracedClaim, restates: TracedClaim | None = None
) -> tuple[list[str], str]:
    """What changed from ``origin`` to ``claim``: the kinds, and a sentence a journalist reads.

    ``restates``: a claim of the same figure, in the origin's unit, that ``claim``'s own
    sentence states ("17%, or nearly $600 billion"). A claim in another unit beside it is
    the writer restating that figure, not a change to it: kind ``restated`` (its
    neighbour's own mutation tells what changed)."""
    if restates is not None and (claim.unit or "") != (origin.unit or ""):
        return ["restated"], f"restates {restates.surface!r} of the same sentence in another unit"
    kinds: list[str] = []
    details: list[str] = []
    if (origin.unit or "") != (claim.unit or ""):
        kinds.append("unit_changed")
        details.append(f"unit {origin.unit or 'none'} → {claim.unit or 'none'}")
    elif origin.value is not None and claim.value is not None:
        if math.isclose(origin.value, claim.value, rel_tol=1e-9):
            if " ".join(origin.surface.split()) != " ".join(claim.surface.split()):
                kinds.append("reformatted")
                details.append(f"written {claim.surface!r} instead of {origin.surface!r}")
        else:
            change = _percent_change(origin.value, claim.value)
            direction = "up" if change > 0 else "down"
            so, sc = origin.digits, claim.digits
            if rounds_to(origin.value, so, claim.value, sc):
                kinds.append("rounded")
                details.append(f"rounded {direction} {abs(change):.1f}%")
            elif rounds_to(claim.value, sc, origin.value, so):
                # (the origin is this value rounded: a later source went back to the exact one)
                kinds.append("more_precise")
                details.append(f"stated more precisely ({change:+.1f}% from the rounded {origin.surface!r})")
            else:
                kinds.append("inflated" if change > 0 else "deflated")
                details.append(f"{'inflated' if change > 0 else 'deflated'} {abs(change):.1f}%")
    before, after = _effective_qualifier(origin), _effective_qualifier(claim)
    if before != after:
        if before is None:
            kinds.append("qualifier_added")
            details.append(f"qualifier {after!r} added")
        elif after is None:
            kinds.append("qualifier_dropped")
            details.append(f"qualifier {before!r} dropped")
        else:
            kinds.append("qualifier_changed")
            details.append(f"qualifier {before!r} → {after!r}")
    credited_before, credited_after = content_words(origin.attributed_to), content_words(claim.attributed_to)
    if credited_before and not credited_after:
        kinds.append("attribution_dropped")
        details.append(f"credit to {origin.attributed_to} dropped, stated as fact")
    elif credited_before and credited_after and not (credited_before & credited_after):
        kinds.append("attribution_changed")
        details.append(f"credited to {claim.attributed_to} instead of {origin.attributed_to}")
    elif credited_after and not credited_before:
        kinds.append("attribution_added")
        details.append(f"credited to {claim.attributed_to}")
    if _subject_drifted(origin, claim):
        kinds.append("subject_drift")
        details.append(_drift_words(origin.subject, claim.subject))
    if not kinds:
        return ["same"], "same figure, same wording"
    return kinds, "; ".join(details)


def _drift_words(before: str | None, after: str | None) -> str:
    """A subject drift in words: "said of R1's rival instead of V3's training cost"."""
    if before and after:
        return f"said of {after} instead of {before}"
    if after:
        return f"said of {after}, in a sentence naming other things than the origin's"
    if before:
        return f"not said of {before}: its sentence names other things"
    return "its sentence names other things than the origin's"


def _subject_drifted(origin: TracedClaim, claim: TracedClaim) -> bool:
    """Both sentences name entities and no name shares a word ("DeepSeek V3" and "DeepSeek"
    share one), and the subjects share no word either."""
    names_before = content_words(" ".join(origin.entities))
    names_after = content_words(" ".join(claim.entities))
    if not names_before or not names_after or names_before & names_after:
        return False
    return not (content_words(origin.subject) & content_words(claim.subject))
