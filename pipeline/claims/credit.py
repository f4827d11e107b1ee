"""Credit across an article: who each figure is credited to, named as the article names them.

A sentence credits "a deeper look by SemiAnalysis", "the report" or "the organization";
a reader knows, from the article, who that is. After every figure of an article is found,
:func:`settle_credit` names each credit by the entity it holds ("SemiAnalysis"), in its
fullest form in the article ("Goldman Sachs" for "Goldman"), and a credit that points back
("the report", "the study", "the organization") to the source the article credited last
before it, or first after it. A credit that names nobody and points back to nothing
("unverified reports", "critics", "a new study") stays as written: it is what the text says.
A figure stated without credit after the article has credited a source (a reported passage)
is credited to that source, and ``attributed_from`` says so ("article", against "sentence"
for a credit its own sentence, or the report it continues, gives).
"""

from __future__ import annotations

import re

from ..records import ArticleAnalysis

# Entities that can be a source: organisations and people (a place "says" nothing).
SOURCE_LABELS = frozenset({"ORG", "PERSON"})
# A credit that points back to a source named elsewhere: "the report", "this study".
_POINTS_BACK = re.compile(r"(?i)^(?:the|this|that|these|those)\s+(?!\w+ly\b)")
# A sentence that credits someone: a reporting verb or "according to".
_CREDITS = re.compile(
    r"(?i)\b(?:according\s+to|said|says|say|reported|reports?|estimated?|estimates|found|finds|"
    r"published|predicted|predicts|claimed|claims|wrote|writes|told|calculated|study|survey|analysis)\b"
)


def settle_credit(text: str, analysis: ArticleAnalysis) -> None:
    """Name the credit of every claim of one article by its source (in place).

    ``analysis`` holds the article's claims, sentences and entity mentions, offsets into
    ``text``."""
    for claim in analysis.claims:
        if claim.attributed_to:
            claim.attributed_from = "sentence"
    sources = [m for m in analysis.mentions if m.label in SOURCE_LABELS]
    if not sources:
        return
    full = _full_names([m.name for m in sources])
    credited = _credited_sources(text, analysis, sources, full)
    for claim in analysis.claims:
        if not claim.attributed_to:
            # A figure the article goes on to give after crediting a source is the source's
            # (a reported passage); marked as carried, not as stated.
            before = [name for offset, name in credited if offset < claim.start_char]
            if before:
                claim.attributed_to, claim.attributed_from = before[-1], "article"
            continue
        named = _named_in(claim.attributed_to, sources, full)
        if named:
            claim.attributed_to = named
        elif _POINTS_BACK.match(claim.attributed_to):
            before = [name for offset, name in credited if offset < claim.start_char]
            after = [name for offset, name in credited if offset >= claim.start_char]
            resolved = before[-1] if before else after[0] if after else None
            if resolved:
                claim.attributed_to = resolved


def _full_names(names: list[str]) -> dict[str, str]:
    """Each name's fullest form among the article's names: the longest one it begins
    ("Goldman" -> "Goldman Sachs"), or itself."""
    full = {}
    for name in names:
        longer = [n for n in names if n.lower().startswith(name.lower() + " ")]
        full[name] = max(longer, key=len) if longer else name
    return full


def _named_in(credit: str, sources, full: dict[str, str]) -> str | None:
    """The source a credit names ("a deeper look by SemiAnalysis" -> "SemiAnalysis"), the
    longest when it names several; None when it names none."""
    lowered = credit.lower()
    found = [m.name for m in sources if re.search(rf"(?<!\w){re.escape(m.name.lower())}(?!\w)", lowered)]
    return full[max(found, key=len)] if found else None


def _credited_sources(text: str, analysis: ArticleAnalysis, sources, full: dict[str, str]) -> list[tuple[int, str]]:
    """(offset, source) of every source the article credits, in order: named in a claim's
    credit, or in a sentence that credits ("according to Goldman Sachs", "a report by the
    Cambridge Centre for Alternative Finance")."""
    credited = []
    for claim in analysis.claims:
        named = _named_in(claim.attributed_to or "", sources, full)
        if named:
            credited.append((claim.start_char, named))
    for sentence in analysis.sentences:
        if not _CREDITS.search(text, sentence.start_char, sentence.end_char):
            continue
        inside = [m for m in sources if sentence.start_char <= m.start_char < sentence.end_char]
        if inside:
            first = min(inside, key=lambda m: (m.label != "ORG", m.start_char))
            credited.append((first.start_char, full[first.name]))
    return sorted(credited)
