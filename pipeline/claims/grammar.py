"""Grammar: the patterns of a figure as written ("$600+ million", "10-20%", "a third of"), the parsed figure record and a candidate match."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .vocabulary import CREDIT_PHRASES, REPORT_IRREGULAR, REPORT_VERBS, ATTACHED_UNIT_SYMBOLS, CURRENCY_SYMBOLS, CURRENCY_WORDS, FRACTION_DENOMINATORS, GROUP_WORDS, MULTIPLIER_VERBS, MULTIPLIER_WORDS, NATIONAL_CURRENCIES, NUMBER_WORDS, QUALIFIER_CUES, SCALE_ATTACHED, SCALE_LETTERS, SCALE_WORDS, SLASH_DENOMINATORS, SPELLED_SCALES, UNIT_SYMBOLS, UNIT_WORDS, _ONES, _ORDINAL_WORDS, _TENS


_CUR = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
# The currency signs of one character ("$", "€", "¥"; not "Y", a transliteration), for
# character classes.
CURRENCY_CHARS = "".join(sorted({s for s in CURRENCY_SYMBOLS if len(s) == 1 and not s.isalpha()}))
_CURRENCY_CLASS = re.escape(CURRENCY_CHARS)
# A number is read whole or not at all. Its digits, with their group and decimal marks,
# are one run ("5,000,", "1,5 million" and "1.2.3" are not "5", "1" and "1.2"), and a power
# of ten written after it belongs to it: "1e9", "10^9", "10**9", "10⁹", "1.5 x 10^9". A run
# that goes on, or a power the grammar does not read ("2^10", "5²"), makes no figure, so
# "10^100" is never 10 with a unit "^".
_MANTISSA = r"(?:\d{1,3}(?:,\d{2,3})+|\d+)(?:\.\d+)?|\.\d+"
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TEN_POWER = rf"10(?:(?:\^|\*\*)[-−+]?\d{{1,3}}|[⁻⁺]?[{_SUPERSCRIPT_DIGITS}]{{1,3}})"
_EXPONENT = rf"[eE][-−+]?\d{{1,3}}|\s?[x×*·]\s?{_TEN_POWER}"
# ("**" only before a word: "**5** people" is Markdown bold.)
_NUMBER_GOES_ON = rf"(?![.,]?\d|\^|\*\*[-−+]?\w|[eE][-−+]?\d|[{_SUPERSCRIPT_DIGITS}⁻⁺])"
_NUM = rf"(?:{_TEN_POWER}|(?:{_MANTISSA})(?:{_EXPONENT})?){_NUMBER_GOES_ON}"
# More digits than any real figure has (counting the digits of one number across its group
# and decimal marks): a serial number, a hash or junk, never a figure, nor is any part of it.
MAX_FIGURE_DIGITS = 30
# (Found by its first digits, then taken to its last digit with a plain character class:
# a repeated group over a 5 MB run is ten times slower.)
_OVERLONG_DIGITS_RE = re.compile(rf"\d(?:[.,]?\d){{{MAX_FIGURE_DIGITS}}}[\d.,]*(?<=\d)")
def _alternatives(words) -> str:
    """A regex alternation of words, longest first (so "mln" is tried before "m")."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SCALE_ATTACHED = rf"(?:{_alternatives(SCALE_ATTACHED)})(?![A-Za-z])"
# (after a space, nothing, or a hyphen inside a compound: "a 7-million-user estimate")
_SCALE_WORD = rf"(?:[\s-]?(?:{_alternatives(SCALE_WORDS)})\b)+"
_SYMBOLS = sorted(UNIT_SYMBOLS, key=len, reverse=True)
_UNIT_ATTACHED = (
    "|".join(re.escape(u) for u in sorted(ATTACHED_UNIT_SYMBOLS, key=len, reverse=True))
    + r"|%|×|x(?![A-Za-z])"
)
_UNIT_SPACED = r"\s?(?:" + "|".join(re.escape(u) for u in _SYMBOLS) + r")(?![A-Za-z])"
_UNIT_WORD = r"\s?(?:per\s?cent|percent|pc|percentage points?)\b"

# One figure: symbols, sign, currency, number, scale, "+", unit. "sub-" and the "+" are
# kept in the surface (gold rule: symbols attached to the number belong to it). A sign
# counts only when glued to the number ("-1.3%", "$-50bn"); "5 - 10" is a range.
FIGURE_RE = re.compile(
    rf"""
    (?<![\w.,{_CURRENCY_CLASS}+−])(?<!\d\^)(?<!\d\*\*)  # (nor the power of a number: "2^10")
    (?:(?P<sym>sub-|~|≈|≥|≤|>|<)\s?)?
    (?P<sign>[-−+](?=[\d.{_CURRENCY_CLASS}])|minus[\s-](?=[\d.{_CURRENCY_CLASS}]))?
    (?:(?P<cur>{_CUR})\s?)?
    (?P<sign2>[-−](?=\d))?
    (?P<num>{_NUM})
    (?P<plus1>\+)?
    (?:(?P<scale>{_SCALE_ATTACHED})|(?P<scaleword>{_SCALE_WORD}))?
    (?P<plus2>\+)?
    (?P<unit>{_UNIT_SPACED}|{_UNIT_WORD}|{_UNIT_ATTACHED})?
    (?P<plus3>\+)?
    (?P<per>(?<=[\d%kKmMbBnT])/[A-Za-z]+)?
    (?![\w])
    """,
    re.VERBOSE,
)
_UNIT_WORD_RE = re.compile(
    r"(?i)[\s-](?P<word>"
    + "|".join(re.escape(w) for w in sorted(UNIT_WORDS, key=len, reverse=True))
    + r")(?:e?s)?\b(?!-\w)"
)
_AGE_RE = re.compile(r"(?i)[\s-](?P<word>year|month|week|day)s?[\s-]old\b")
_NATIONALITY = "|".join(re.escape(n) for n in sorted({n for n, _ in NATIONAL_CURRENCIES}, key=len, reverse=True))
_CURRENCY_WORD_RE = re.compile(
    rf"(?i)\s(?:(?P<nation>{_NATIONALITY})\s)?(?P<word>"
    + "|".join(sorted(set(CURRENCY_WORDS) | {w for _, w in NATIONAL_CURRENCIES}, key=len, reverse=True))
    + r")(?:e?s)?\b"
)
# "1.2m tons", "35m of its devices": "m" before "of" or a plural noun is millions, not metres.
_MILLIONS_AFTER_M_RE = re.compile(r"\s+(?:of\b|(?:[a-z-]+\s+){0,3}?[a-z-]+[^sui\W']s\b)")
# Neither these nor the fractions below start inside a number ("1,000th" is not "000th").
_DIGIT_ORDINAL_RE = re.compile(r"(?<![\w.])(?<!\d,)\d+(?:st|nd|rd|th)\b")
# Words a number in words is made of: "two hundred and fifty thousand", "five dozen", "two
# lakh" (the scales written as words, not the abbreviations "mn", "bn").
_MULTIPLYING_WORDS = [*GROUP_WORDS, *SPELLED_SCALES]
_WORD_NUMBER = _alternatives([*NUMBER_WORDS, *_MULTIPLYING_WORDS])
WORD_NUMBER_RE = re.compile(
    rf"(?i)\b(?:an?\s+(?=(?:{_alternatives(_MULTIPLYING_WORDS)})\b))?"
    rf"(?:{_WORD_NUMBER})(?:(?:\s+and\s+|[\s-])(?:{_WORD_NUMBER}))*\b(?!-)"
)
VAGUE_PLURAL_RE = re.compile(
    rf"(?i)\b(?:tens|{_alternatives(w + 's' for w in _MULTIPLYING_WORDS)})"
    rf"(?:\s+of\s+(?:{_alternatives(w + 's' for w in SPELLED_SCALES)}))?\b"
)
_FRACTION_DENOMINATORS = FRACTION_DENOMINATORS
_SMALL = "|".join(_ONES[1:] + _TENS)
# "a third of", "two-thirds", "one fourth of", "one in five", "one out of three"; the whole
# has at most three digits, so "Fire-Flyer 1 in 2019" is a name and a year, not 1/2019.
FRACTION_RE = re.compile(
    rf"(?i)(?<!\d[.,])\b(?P<num>an?|{_SMALL}|\d+)(?:[\s-]+(?P<den>"
    + "|".join(_FRACTION_DENOMINATORS)
    + rf")s?\b(?=-|\s+of\b|$)|\s+(?:out\s+of|in)\s+(?P<whole>{_SMALL}|\d{{1,3}})\b(?!\s*(?:%|per))(?![.,]\d))"
)
# "1/16 of a pint", "1⁄2 pound": a proper fraction with a usual denominator ("9/11", "24/7"
# and day-level dates are not fractions).
SLASH_FRACTION_RE = re.compile(r"(?<![\w/.⁄])(?<!\d,)(?P<num>\d{1,3})\s?[/⁄]\s?(?P<den>\d{1,3})(?![\w/⁄.,]\d?)")
_SLASH_DENOMINATORS = SLASH_DENOMINATORS
_ORDINAL_WORD_RE = re.compile(r"(?i)\b(?:" + "|".join(_ORDINAL_WORDS) + r")\b")
# Whether a text may hold a figure at all: digits, number words, magnitudes and fractions in
# words (singular or plural), multiplier verbs and words, "-fold". A cheap test that picks the
# sentences worth a full parse.
FIGURE_HINT_RE = re.compile(
    rf"(?i)\d|\b(?:{_alternatives([*NUMBER_WORDS, *MULTIPLIER_WORDS])}"
    rf"|(?:{_alternatives([*_MULTIPLYING_WORDS, *FRACTION_DENOMINATORS])})s?"
    rf"|(?:{_alternatives(MULTIPLIER_VERBS)})\w*|\w+fold)\b"
)
_MULTIPLIER_VERB_RE = re.compile(rf"(?i)\b(?:{_alternatives(MULTIPLIER_VERBS)})(?:e|es|ed|ing)\b")
_FOLD_RE = re.compile(rf"(?i)(?<!\d[.,])\b(?:\d+(?:\.\d+)?|{_WORD_NUMBER})-?fold\b")

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# Day-level dates and times of day: never claims, even the year inside them.
DATE_RE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b"
    rf"|\b{_MONTH}\.?\s+{_DAY}\b(?:,?\s+\d{{4}}\b)?"
    rf"|\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?:,?\s+\d{{4}}\b)?"
    rf"|\b\d{{1,2}}(?::\d{{2}}){{1,2}}(?:\s*[ap]\.?m\.?)?|\b\d{{1,2}}(?:\.\d{{2}})?\s*[ap]\.?m\.?(?!\w)"
)
_YEAR_LEAD_RE = re.compile(
    rf"(?i)\b(?:in|since|by|until|till|from|during|early|late|mid-?|{_MONTH}|spring|summer"
    r"|autumn|fall|winter|christmas|easter|thanksgiving)\s*$"
)
_CUE_RE = re.compile(
    r"(?i)(?:\b(?P<mod>just|only|well|a little|slightly|an estimated)\s+)?\b(?P<cue>"
    + "|".join(re.escape(c) for c in sorted(QUALIFIER_CUES, key=len, reverse=True))
    + r")\s+$"
)
def credit_cue_pattern(*extra: str) -> re.Pattern:
    """Words that credit a source: the reporting verbs in any inflection ("estimates",
    "suggested"; in lower case), their irregular past forms, the crediting phrases ("according to", "come
    from"), and the regular expressions ``extra`` (alternatives a caller adds)."""
    stems = _alternatives(REPORT_VERBS)
    phrases = sorted(list(REPORT_IRREGULAR) + list(CREDIT_PHRASES), key=len, reverse=True)
    words = "|".join(r"\s+".join(map(re.escape, p.split())) for p in phrases)
    more = "".join(f"|{e}" for e in extra)
    # (verbs in lower case only: "the United States" states nothing)
    return re.compile(rf"\b(?:(?-i:(?:{stems})(?:s|es|d|ed|ing)?)|{words})\b{more}", re.IGNORECASE)


_ESTIMATED_OF_RE = re.compile(r"(?i)\ban?\s+estimated\s+\w+(?:\s+\w+)?\s+of\s+$")
_PERCENT_WORD_RE = re.compile(r"(?i)\s(?:per\s?cent|percent)\b")
_RANGE_SEP_RE = re.compile(r"^\s?[–—-]\s?$|^\s+to\s+$")
_PER_RE = re.compile(
    rf"(?i)^\s*(?:(?:per|an?)\b|/)\s*(?:(?P<scale>{_alternatives([*SPELLED_SCALES, *(short for _, short in SCALE_LETTERS)])})\s+)?"
)


def figure_safe_cut(text: str, start: int, cut: int) -> int:
    """Where to cut ``text`` near ``cut`` (a position after ``start``) so that no figure is
    split between the pieces: ``cut`` itself, or an earlier position after ``start``.

    Texts are parsed in pieces; a piece ending in "...$5,0" or starting "00 million" would
    read part of a number as a figure. A cut inside a figure or a digit run moves to where
    it starts. A digit run too long to be a figure (more than :data:`MAX_FIGURE_DIGITS`
    digits) may have to be cut inside; the cut then leaves more than that many digits on
    both sides, so neither piece holds a part short enough to read.
    """
    if _splits_digit_run(text, cut):
        cut = _cut_outside_run(text, start, cut)
        if _splits_digit_run(text, cut):
            return cut  # inside a run too long to be a figure, with enough digits either side
    lo = max(start, cut - _FIGURE_REACH)
    for m in FIGURE_RE.finditer(text, lo, min(len(text), cut + _FIGURE_REACH)):
        if m.start() >= cut:
            break
        if cut < m.end() and m.start() > start:
            return m.start()  # "$5 | million", "$|5,000": the piece ends before the "$"
    return cut


def _cut_outside_run(text: str, start: int, cut: int) -> int:
    """A cut inside a digit run moved to its start, or (in a run too long to be a figure that
    fills the piece) to where both sides keep more than :data:`MAX_FIGURE_DIGITS` digits."""
    left = _RUN_EDGE_RE.match(text[start:cut][::-1]).group()  # the run's part in this piece
    if len(left) < cut - start:
        return cut - len(left)  # the run starts in this piece: cut before it
    # The run fills the piece: only a run longer than any figure does, in pieces of any size.
    reach = 2 * MAX_FIGURE_DIGITS + 2  # a run this long holds more than MAX_FIGURE_DIGITS digits
    right = _RUN_EDGE_RE.match(text, cut, min(len(text), cut + reach)).group()
    left_digits = sum(c.isdecimal() for c in left)
    right_digits = sum(c.isdecimal() for c in right)
    # Move the cut back until the rest of the run holds enough digits, if the piece still does.
    position, missing = cut, MAX_FIGURE_DIGITS + 1 - right_digits
    while missing > 0 and position > start:
        position -= 1
        missing -= text[position].isdecimal()
    moved = sum(c.isdecimal() for c in text[position:cut])
    if missing <= 0 and left_digits - moved > MAX_FIGURE_DIGITS:
        return position
    return cut  # (pieces shorter than two such runs cannot keep both sides whole)


# A figure is far shorter than this; the pieces are far longer.
_FIGURE_REACH = 200
_DIGIT_PAIR_RE = re.compile(r"\d[.,]?\d")
# The digits and marks of a run from its edge (read reversed for the left side).
_RUN_EDGE_RE = re.compile(r"[.,]?(?:\d[.,]?)*")


def _splits_digit_run(text: str, cut: int) -> bool:
    """Whether a cut before ``text[cut]`` falls inside a run of digits ("5,0|00", "12|3")."""
    for i in (cut - 2, cut - 1):
        m = _DIGIT_PAIR_RE.match(text, i) if i >= 0 else None
        if m is not None and m.end() > cut:
            return True
    return False


@dataclass
class ParsedFigure:
    """A figure normalised to base units (6000000, not 6 with "million")."""

    value: float | None
    value_low: float | None = None
    value_high: float | None = None
    unit: str | None = None
    qualifier: str = "exact"
    qualifier_cue: str | None = None
    kind: str | None = None


@dataclass
class _Candidate:
    start: int
    end: int
    parsed: ParsedFigure
    bare: bool  # digits only: no currency, scale, unit or symbol, so it may be a name
    wordy: bool = False  # written in words ("two", "seventh", "billions")
