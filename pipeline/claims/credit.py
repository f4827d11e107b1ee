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
from bisect import bisect_left, bisect_right

from ..records import ArticleAnalysis
from .grammar import _alternatives, credit_cue_pattern
from .vocabulary import CREDIT_WORDS, ORGANISATION_NOUNS, PERSON_NOUNS, SOURCE_NOUNS

# Entities that can be a source: organisations and people (a place "says" nothing).
SOURCE_LABELS = frozenset({"ORG", "PERSON"})
# How many sentences after an uncredited figure, before any credit, the article's first
# credit may come and still be the figure's source (the lede and the sentence after it).
LEDE_SENTENCES = 1
# A credit that points back to a source named elsewhere: "the report", "this study".
_POINTS_BACK = re.compile(r"(?i)^(?:the|this|that|these|those)\s+(?!\w+ly\b)")
# A sentence that credits someone: a reporting verb, "according to", "a study by".
_CREDITS = credit_cue_pattern(rf"\b(?:{_alternatives(CREDIT_WORDS)})\b")
# A work of a source ("report", "studies"), its noun captured.
_WORK = rf"(?P<noun>{_alternatives(SOURCE_NOUNS)})(?:s|es)?\b"
# A source's work named with it: "Goldman Sachs' report", "the IEA study" (after the name) or
# "a report by the IEA" (before it).
_WORK_AFTER = re.compile(rf"(?i)(?:['’]s?)?\s+(?:\w+\s+)?{_WORK}")
_WORK_BEFORE = re.compile(rf"(?i)\b{_WORK}\s+(?:by|from|of)\s+(?:the\s+)?$")
_NOUN_IN = re.compile(rf"(?i)\b{_WORK}")


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
    keys = _name_keys(full)
    labels: dict[str, set[str]] = {}
    for mention in sources:
        labels.setdefault(full[mention.name], set()).add(mention.label)
    # The source each claim's own credit names, once ("a deeper look by SemiAnalysis").
    names = [_named_in(claim.attributed_to or "", full, keys) for claim in analysis.claims]
    credited = _credited_sources(text, analysis, sources, full, names)
    offsets = [offset for offset, _, _ in credited]
    starts = [sentence.start_char for sentence in analysis.sentences]
    # The sentence of the article's first credit (a lede figure before it may be its source's).
    first_credit = bisect_right(starts, credited[0][0]) if credited else None

    for claim, named in zip(analysis.claims, names):
        # Sources credited before the claim: credited[:earlier]; the rest come after it.
        earlier = bisect_left(offsets, claim.start_char)
        if not claim.attributed_to:
            # A figure the article goes on to give after crediting a source is the source's
            # (a reported passage); marked as carried, not as stated.
            if earlier:
                claim.attributed_to, claim.attributed_from = credited[earlier - 1][1], "article"
            elif credited and first_credit - bisect_right(starts, claim.start_char) <= LEDE_SENTENCES:
                # A lede gives the finding and the next sentence its source ("... a quarter
                # of jobs. The Financial Times reported this, citing ..."): the source's.
                claim.attributed_to, claim.attributed_from = credited[0][1], "article"
            continue
        if named:
            claim.attributed_to = named
        elif _POINTS_BACK.match(claim.attributed_to):
            resolved = _pointed_at(claim.attributed_to, credited, earlier, labels)
            if resolved:
                claim.attributed_to = resolved


def _pointed_at(credit: str, credited: list[tuple[int, str, str | None]], earlier: int, labels: dict[str, set[str]]) -> str | None:
    """The source a credit that points back ("the report") stands for: among the sources
    credited with that work ("a Goldman Sachs report"), else among all credited, the last
    before the claim (``credited[:earlier]``), or else the first after it. A credit naming
    an organisation ("the company") or a person ("the spokeswoman") stands for a source
    credited before it, of that kind when one is (``labels``: each source's entity labels);
    None when none is credited before it."""
    noun = _NOUN_IN.search(credit)
    if noun:
        kind = noun["noun"].lower()
        owners = [n for n, entry in enumerate(credited) if entry[2] == kind]
        if owners:
            prior = [n for n in owners if n < earlier]
            return credited[prior[-1] if prior else owners[0]][1]
    label = _label_named(credit)
    if label is None:
        if not credited:
            return None
        return credited[earlier - 1][1] if earlier else credited[0][1]
    # ("the company" is one named before it: a company credited paragraphs later is another;
    # of those before it, one of its kind first, else the last, whatever spaCy labelled it:
    # "Klarna" read as a person, "the company's spokeswoman" standing for the company)
    prior = [n for n in range(earlier) if label in labels.get(credited[n][1], ())]
    if prior:
        return credited[prior[-1]][1]
    return credited[earlier - 1][1] if earlier else None


def _label_named(credit: str) -> str | None:
    """The kind of source a credit's last word names: ORG ("the company", "the carmaker's
    parent company"), PERSON ("the company's spokeswoman"), or None (anything else)."""
    words = _WORD.findall(credit.lower())
    last = re.sub(r"['’]s?$", "", words[-1]) if words else ""
    return "ORG" if last in ORGANISATION_NOUNS else "PERSON" if last in PERSON_NOUNS else None


def _full_names(names: list[str]) -> dict[str, str]:
    """Each name's fullest form among the article's names: the longest one it begins
    ("Goldman" -> "Goldman Sachs"), or itself. (Names sorted once: a name's longer forms
    follow it, so each is found by bisection, not by comparing every pair.)"""
    unique = sorted(set(names), key=str.lower)
    lowered = [n.lower() for n in unique]
    full = {}
    for name, low in zip(unique, lowered):
        prefix = low + " "
        at = bisect_left(lowered, prefix)
        longer = []
        while at < len(lowered) and lowered[at].startswith(prefix):
            longer.append(unique[at])
            at += 1
        full[name] = max(longer, key=len) if longer else name
    return full


_WORD = re.compile(r"\w+(?:[.&'’-]\w+)*")
# Names are matched as runs of up to this many words of a credit.
_LONGEST_NAME = 8


def _name_keys(full: dict[str, str]) -> dict[str, str]:
    """Each name by its words, lower-case ("Goldman Sachs" -> "goldman sachs"), for looking
    up the runs of words of a credit: linear in the credit, whatever the article names."""
    return {" ".join(_WORD.findall(name.lower())): name for name in full}


def _named_in(credit: str, full: dict[str, str], keys: dict[str, str]) -> str | None:
    """The source a credit names ("a deeper look by SemiAnalysis" -> "SemiAnalysis"), the
    longest when it names several; None when it names none."""
    words = _WORD.findall(credit.lower())
    found = [
        keys[run]
        for start in range(len(words))
        for end in range(start + 1, min(len(words), start + _LONGEST_NAME) + 1)
        if (run := " ".join(words[start:end])) in keys
    ]
    return full[max(found, key=lambda n: (len(n), n))] if found else None


def _credited_sources(text: str, analysis: ArticleAnalysis, sources, full: dict[str, str], names: list[str | None]) -> list[tuple[int, str, str | None]]:
    """(offset, source, work) of every source the article credits, in order: named in a
    claim's credit (``names``, by claim), or in a sentence that credits ("according to
    Goldman Sachs", "a report by the Cambridge Centre for Alternative Finance"), where the
    source whose work the sentence names (``work``: "report") is the one credited. Mentions are walked once, in order, beside
    the sentences (a long article costs its length, not sentences times names)."""
    credited = [(claim.start_char, named, None) for claim, named in zip(analysis.claims, names) if named]
    ordered = sorted(sources, key=lambda m: m.start_char)
    starts = [m.start_char for m in ordered]
    for sentence in analysis.sentences:
        first_at = bisect_left(starts, sentence.start_char)
        last_at = bisect_left(starts, sentence.end_char, first_at)
        if first_at == last_at or not _CREDITS.search(text, sentence.start_char, sentence.end_char):
            continue
        inside = ordered[first_at:last_at]
        first = min(inside, key=lambda m: (m.label != "ORG", m.start_char))
        # Where the sentence names whose report it is, that source is the one credited.
        mention, work = next(
            ((m, noun) for m in inside if (noun := _work_of(text, m, sentence.start_char, sentence.end_char))),
            (first, None),
        )
        credited.append((mention.start_char, full[mention.name], work))
    return sorted(credited)


def _work_of(text: str, mention, start: int, end: int) -> str | None:
    """The work (:data:`SOURCE_NOUNS`, lower case) a sentence names as the mention's: "X's
    report", "the X study", "a report by X"; None when it names none."""
    after = _WORK_AFTER.match(text, mention.end_char, end)
    if after:
        return after["noun"].lower()
    before = _WORK_BEFORE.search(text, max(start, mention.start_char - 40), mention.start_char)
    return before["noun"].lower() if before else None
