"""Scan: finding candidate figures in a parsed text, joining ranges, carrying credit through quoted passages (extract_claims)."""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc, Span

from ..records import Claim
from .vocabulary import REPORT_VERBS
from .grammar import DATE_RE, FIGURE_RE, FRACTION_RE, ParsedFigure, SLASH_FRACTION_RE, VAGUE_PLURAL_RE, WORD_NUMBER_RE, _Candidate, _DIGIT_ORDINAL_RE, _FOLD_RE, _MULTIPLIER_VERB_RE, _ORDINAL_WORD_RE, _OVERLONG_DIGITS_RE, _PERCENT_WORD_RE, _RANGE_SEP_RE, _SLASH_DENOMINATORS
from .normalise import _figure_value, _has_plus, _is_resolution, _looks_like_year, _missing_scale, _money_shaped, _parse_word_figure, finite_values, qualifier_for, unit_after, vague_range
from .filters import _is_claim
from .measure import _build_claim
from .subjects import _speaker


def extract_claims(doc: Doc, all_quantities: bool = False) -> list[Claim]:
    """Every numeric claim in a parsed doc, sorted by start_char.

    Offsets index ``doc.text`` so that ``doc.text[c.start_char:c.end_char] == c.surface``.
    ``all_quantities`` also keeps quantities that are not claims, such as the pronoun-like
    "one of the people" (as quantity benchmarks annotate them).
    """
    text = doc.text  # a property that rebuilds the string: read it once
    overlong = [m.span() for m in _OVERLONG_DIGITS_RE.finditer(text)]
    scanned = _mask(text, overlong)
    segments = _unmasked(len(text), overlong)
    blocked = [m.span() for m in _finditer(DATE_RE, scanned, segments)]
    candidates = _merge_ranges(text, _scan(scanned, blocked, segments))
    sents = list(doc.sents)
    sent_starts = [s.start_char for s in sents]
    quotes = _quoted_blocks(doc, text)
    claims: list[Claim] = []
    for cand in candidates:
        if cand.bare and claims and cand.start < claims[-1].end_char:
            continue  # a plain number inside the counted phrase before it: "two new 737 Max jets"
        span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
        if span is None or not _is_claim(text, cand, span, all_quantities):
            continue
        sent = sents[bisect_right(sent_starts, cand.start) - 1]
        claim = _build_claim(text, cand, span, sent)
        # The one gate every claim passes: finite values only, and no part of a digit run
        # too long to be a figure (a counted phrase can reach over one: "5 1234...9 units").
        if not finite_values(claim.value, claim.value_low, claim.value_high) or _overlaps(
            overlong, claim.start_char, claim.end_char
        ):
            continue
        if claim.attributed_to is None:
            claim.attributed_to = next((who for s, e, who in quotes if s <= cand.start < e), None)
        if claim.attributed_to is None:
            index = bisect_right(sent_starts, cand.start) - 1
            claim.attributed_to = _carried_attribution(text, sents[max(0, index - 2):index], sent)
        if claim.change and claims and _LEVEL_GAP_RE.fullmatch(text, claims[-1].end_char, claim.start_char):
            # "up 10.4 cents to $2.24", "increased by $43.6 billion to $419.2 billion": the
            # amount moved, not the level it reached
            previous = claims[-1]
            if previous.change is None and re.search(r"(?i)\bby\s+$", text[max(0, previous.start_char - 4):previous.start_char]):
                previous.change = claim.change
            if previous.change:
                claim.change = None
        claims.append(claim)
    return claims


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span overwritten by "_", so no pattern reads a figure in it.

    "_" is a word character like the digits it covers, so word boundaries, and with them
    every other match, stay as they were; the offsets do not move.
    """
    if not spans:
        return text
    pieces, previous = [], 0
    for start, end in spans:
        pieces += [text[previous:start], "_" * (end - start)]
        previous = end
    pieces.append(text[previous:])
    return "".join(pieces)


def _unmasked(length: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``(pos, endpos)`` of the text between masked spans, for ``Pattern.finditer``.

    Scanning a 5 MB masked run costs each pattern about 0.1 s for nothing, so it is
    skipped. Each piece keeps the first "_" of the next span: a lookahead at the piece's
    end then sees a word character, as it would in the whole text (a lookbehind sees
    before ``pos`` anyway), and no pattern matches "_" itself.
    """
    pieces, pos = [], 0
    for start, end in spans:
        pieces.append((pos, start + 1))
        pos = end
    pieces.append((pos, length))
    return pieces


def _finditer(regex: re.Pattern, text: str, segments: list[tuple[int, int]] | None):
    """``regex.finditer`` over ``segments`` of ``text`` (all of it when None)."""
    if segments is None:
        yield from regex.finditer(text)
        return
    for pos, endpos in segments:
        yield from regex.finditer(text, pos, endpos)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the sorted, disjoint ``spans``."""
    i = bisect_right(spans, (start, float("inf"))) - 1  # the last span starting at or before start
    return any(s < end and start < e for s, e in spans[max(0, i):i + 2])


# Between a movement's amount and the level it reached: "up 10.4 cents to $2.24".
_LEVEL_GAP_RE = re.compile(r"(?i)\s+to\s+(?:(?:end|close|finish)\s+at\s+)?")


def _carried_attribution(text: str, previous: list[Span], sent: Span) -> str | None:
    """The reporter of an earlier sentence, when this one goes on with its report.

    "A deeper look by X reveals that the firm runs 50,000 GPUs. [...] The firm's
    investment stands at $1.6 billion.": the later figure is still X's. Only within a
    paragraph, at most two sentences back, only after a reporting verb with a clause
    ("reveals that ..."), and not across a sentence with a reporting verb or a
    first-person speaker of its own, which starts a new statement.
    """
    current = sent
    for before in reversed(previous):
        # (a sentence may end with the blank line after it: the break is looked for from
        # its last word on)
        if _own_voice(current) or "\n" in text[before.start_char + len(before.text.rstrip()):current.start_char]:
            return None
        root = before.root
        if root.lemma_.lower() in REPORT_VERBS and any(c.dep_ == "ccomp" for c in root.children):
            return _speaker(root)
        current = before
    return None


def _own_voice(sent: Span) -> bool:
    """The sentence reports on its own ("says", "according to") or speaks in the first person."""
    return any(t.lemma_.lower() in REPORT_VERBS or t.lower_ in ("i", "we", "my", "our", "according") for t in sent)


_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")


def quote_blocks(text: str) -> list[tuple[int, int, int]]:
    """Plain-text block quotes as ``(intro start, intro end, block end)``: a paragraph
    ending in ":" ("Simon writes:") and the paragraphs after it, up to the next heading-like
    line (one with no final stop) or the next intro."""
    blocks = []
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    for i, (start, end) in enumerate(paragraphs):
        if not text[start:end].rstrip().endswith(":"):
            continue
        block_end = end
        for p_start, p_end in paragraphs[i + 1:]:
            line = text[p_start:p_end].rstrip()
            if line.endswith(":") or not re.search(r"[.!?\"”’)]$", line):
                break
            block_end = p_end
        blocks.append((start, end, block_end))
    return blocks


def _quoted_blocks(doc: Doc, text: str) -> list[tuple[int, int, str]]:
    """Block quotes credited to the subject of their intro sentence: (start, end, who)."""
    blocks = []
    for start, end, block_end in quote_blocks(text):
        intro = doc.char_span(start, end, alignment_mode="expand")
        who = _speaker(intro[-1].sent.root) if intro is not None else None
        if who is not None:
            blocks.append((end, block_end, who))
    return blocks


def _scan(
    text: str, blocked: list[tuple[int, int]], segments: list[tuple[int, int]] | None = None
) -> list[_Candidate]:
    """Figure candidates from the text patterns, leftmost-longest, outside blocked spans,
    looking only in ``segments`` (see :func:`_unmasked`) when given."""
    found: list[_Candidate] = []
    for m in _finditer(FIGURE_RE, text, segments):
        if not _money_shaped(m) or (m.group("unit") == "p" and _is_resolution(m)):
            continue
        value, unit, kind, taken = _figure_value(m, text[m.end():m.end() + 60])
        if value is None:
            continue
        parsed = ParsedFigure(value, unit=unit, kind=kind or "count")
        symbol = m.group("sym") or ("+" if _has_plus(m) else None)
        if symbol:
            parsed.qualifier, parsed.qualifier_cue = qualifier_for(symbol), symbol
        if m.group("per"):
            parsed.unit = f"{unit} per {m.group('per')[1:]}"
        bare = not (m.group("cur") or m.group("unit") or symbol or m.group("scaleword") or taken)
        bare = bare and not (m.group("sign") or m.group("sign2"))
        found.append(_Candidate(m.start(), m.end() + taken, parsed, bare))
    for m in _finditer(SLASH_FRACTION_RE, text, segments):
        num, den = int(m.group("num")), int(m.group("den"))
        if den in _SLASH_DENOMINATORS and 0 < num < den:
            word = unit_after(text[m.end():m.end() + 60])
            parsed = ParsedFigure(num / den, unit=word[1] if word else None, kind=word[2] if word else "fraction")
            found.append(_Candidate(m.start(), m.end() + (word[0] if word else 0), parsed, False))
    for m in _finditer(VAGUE_PLURAL_RE, text, segments):
        low, high = vague_range(m.group(0))
        parsed = ParsedFigure(low, low, high, None, "range", None, "count")
        found.append(_Candidate(m.start(), m.end(), parsed, False, True))
    for regex in (FRACTION_RE, WORD_NUMBER_RE, _ORDINAL_WORD_RE, _DIGIT_ORDINAL_RE, _MULTIPLIER_VERB_RE, _FOLD_RE):
        for m in _finditer(regex, text, segments):
            parsed = _parse_word_figure(m.group(0))
            if parsed is None or parsed.value is None:
                continue
            end = m.end()
            percent = _PERCENT_WORD_RE.match(text, end)
            word_unit = unit_after(text[end:end + 60], scaled=parsed.value >= 1000)
            if percent and parsed.kind == "count":  # "twenty-one per cent"
                end, parsed.unit, parsed.kind = percent.end(), "percent", "percent"
            elif word_unit and parsed.kind == "count":  # "seven miles", "ten-year-old"
                end, parsed.unit, parsed.kind = end + word_unit[0], word_unit[1], word_unit[2]
            found.append(_Candidate(m.start(), end, parsed, False, regex is not _FOLD_RE))
    found.sort(key=lambda c: (c.start, -c.end))
    kept: list[_Candidate] = []
    for cand in found:
        if kept and cand.start < kept[-1].end:
            continue
        if any(s < cand.end and cand.start < e for s, e in blocked):
            continue
        kept.append(cand)
    return kept


def _merge_ranges(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """Join "X–Y", "X to Y", "from X ... to Y" and "between X and Y" into one range candidate."""
    merged: list[_Candidate] = []
    for cand in cands:
        prev = merged[-1] if merged else None
        if prev and _is_score(text, prev, cand):
            merged.pop()  # "ended 3-1": neither number is a figure (the second is dropped later)
            merged.append(cand)
            continue
        if (prev and len(merged) > 1 and _dates_the_figure(text, prev) and _from_to(text, merged[-2], cand)
                and _joins(text, merged[-2], cand)):  # fmt: skip
            merged.pop()  # "from 20 mpg in 2008 to 29 mpg": the year only dates the first end
            prev = merged[-1]
        if prev and _joins(text, prev, cand):
            low, high = prev.parsed, cand.parsed
            low.value *= _missing_scale(text[prev.start:prev.end], text[cand.start:cand.end], low, high)
            unit, kind = (high.unit, high.kind) if high.unit else (low.unit, low.kind)
            merged[-1] = _Candidate(
                prev.start, cand.end,
                ParsedFigure(low.value, low.value, high.value, unit, "range", None, kind),
                False,
            )  # fmt: skip
            continue
        if prev and text[prev.end:cand.start] == " or " and prev.parsed.unit is None and cand.parsed.kind == "money":
            # "8 or $9", "eight or nine euros": alternative prices; the first shares the currency
            prev.parsed.value *= _missing_scale(text[prev.start:prev.end], text[cand.start:cand.end],
                                                prev.parsed, cand.parsed)  # fmt: skip
            prev.parsed.unit, prev.parsed.kind = cand.parsed.unit, cand.parsed.kind
        merged.append(cand)
    return merged


def _is_score(text: str, a: _Candidate, b: _Candidate) -> bool:
    """"3-1", "2-2": two plain numbers joined by a hyphen, not rising, are a score."""
    return a.bare and b.bare and text[a.end:b.start] == "-" and b.parsed.value <= a.parsed.value


def _joins(text: str, a: _Candidate, b: _Candidate) -> bool:
    gap = text[a.end:b.start]
    if a.parsed.qualifier == "range" or a.parsed.kind in ("ordinal", "fraction"):
        return False
    if a.wordy != b.wordy and not (a.parsed.unit and a.parsed.unit == b.parsed.unit):
        return False  # "five per cent to 20 per cent" is one range; "two 5-star hotels" is not
    if b.parsed.value == a.parsed.value and gap.strip() in "-–—":
        return False  # a score, "2-2"
    if gap == " to " and re.search(r"(?i)\bby\s+$", text[max(0, a.start - 4):a.start]) and not (
        a.bare and b.parsed.unit
    ):
        return False  # "rose by $43bn to $419bn": the change, then the level it reached
        # ("dropped by 1 to 1.5 degrees": a bare low end shares the unit, so a range)
    if gap == " or " and a.parsed.unit is None and b.parsed.value > a.parsed.value and a.wordy == b.wordy:
        # "three or four years"; but prices are alternatives ("8 or $9", "eight or nine euros"),
        # and so are figures taken "respectively"
        return b.parsed.kind != "money" and not _RESPECTIVELY_RE.match(text, b.end)
    if a.parsed.unit and a.parsed.unit != b.parsed.unit and not (b.parsed.unit is None and b.bare is False) and not (
        b.parsed.unit is None and _from_to(text, a, b)
    ):
        return False  # "$2-3 million" shares the dollar sign; "$5 and 6 people" does not
    if a.bare and _looks_like_year(text[a.start:a.end]) and not _looks_like_year(text[b.start:b.end]):
        return False  # "rose 60% in 2018 to 3.9 million": a year, then a level
    if b.parsed.value < a.parsed.value and not _from_to(text, a, b):
        return False  # "2019-20", scores "3-1": not ranges; "from 4.8% to 4.7%" is one
    if _RANGE_SEP_RE.match(gap) or gap in ("-to-", " to-"):
        return True
    if _from_to(text, a, b):
        return True  # "from $36,040 at 10.45pm to $34,935", "from 208 pounds to 193"
    return gap == " and " and bool(re.search(r"(?i)\bbetween\s+$", text[max(0, a.start - 9):a.start]))


_RESPECTIVELY_RE = re.compile(r"[^.;!?]{0,120}\brespectively\b")
# The words between the ends of "from X ... to Y": a few, no clause break, no second "from".
_FROM_TO_GAP_RE = re.compile(r"(?i)\s+(?:(?!from\b|and\b|or\b|but\b|while\b)[^\s,;:()]+\s+){0,5}(?:up\s+)?to\s+")


def _from_to(text: str, a: _Candidate, b: _Candidate) -> bool:
    """"from X ... to Y": a movement or span between two figures of one unit, even with
    words between them ("from $75 per barrel to $45.88", "from 21 mpg combined to 23",
    "from 450 sq ft up to 900 sq ft")."""
    if not re.search(r"(?i)\bfrom\s+(?:about\s+|around\s+)?$", text[max(0, a.start - 14):a.start]):
        return False
    if a.parsed.qualifier == "range" or not _FROM_TO_GAP_RE.fullmatch(text, a.end, b.start):
        return False
    each_own = _OWN_PHRASE_RE.match(text, a.end)
    if each_own and re.match(rf"(?i)\s+{each_own.group(1)}\s+\w", text[b.end:b.end + 40]):
        return False  # "from 2 for men to 9 for women": two figures of two subjects, not a span
    return a.parsed.unit is None or b.parsed.unit in (None, a.parsed.unit)


# A phrase that says whose an end of "from X ... to Y" is: "for men", "in Spain", "among
# adults"; when the other end has one too, each end is a figure of its own.
_OWN_PHRASE_RE = re.compile(r"(?i)\s+(for|in|among|at|of)\s+(?!\d)\w")


def _dates_the_figure(text: str, cand: _Candidate) -> bool:
    """A plain year after "in"/"during" between two figures: "20 mpg in 2008"."""
    surface = text[cand.start:cand.end]
    return cand.bare and _looks_like_year(surface) and bool(
        re.search(r"(?i)\b(?:in|during)\s+$", text[max(0, cand.start - 8):cand.start]))
