"""Values: the claim record tracing works on, rounding and significant digits, when two values and two units can be one figure, and the tuning constants."""

from __future__ import annotations

import copy
import json
import math
import re
from dataclasses import dataclass, field

from ..claims.units import proportional, root_factor
from ..claims.vocabulary import CURRENCY_CODES, PINT_UNITS


# Values further apart than this are different figures. It holds for figures stated to one
# significant digit; with n digits the allowance is divided by n (see value_gap).
MAX_VALUE_RATIO = 1.25
# Cut the average-linkage tree here. Distances are the cosine distance of contexts (0..1)
# plus penalties, so claims that share no context word at all (distance 1) are never
# merged on their value alone.
DISTANCE_THRESHOLD = 1.0
# Added to the distance of two counted nouns that differ ("card" vs "GPU").
UNIT_MISMATCH_PENALTY = 0.25
# Added at the largest value gap allowed; scaled down for closer values.
VALUE_GAP_PENALTY = 0.30
# Added when either claim is a magnitude in words ("billions").
VAGUE_PENALTY = 0.3
# Whole numbers up to this are counted exactly, never rounded: 6 and 7 are different figures.
SMALL_COUNT = 20
# Added for years and ranks, which match by value far more often than by meaning.
EXACT_KIND_PENALTY = 0.3
# Context distance at most, for one value in one unit repeated within an article.
SAME_ARTICLE_CONTEXT = 0.3
# Added when one claim is said of a place or owner ("Norway (122.20 TWh)") and the other of
# none: a figure owned by a name is seldom the one stated without it.
ONE_SIDED_SCOPE_PENALTY = 0.25
# Added to the distance of claims from different articles that name little in common (the
# cosine of their named entities, weighted by rarity, under story_threshold(): in full at
# 0, none from the threshold up; measured in a 250-article mix, articles of one story share
# 0.14-0.65, unrelated ones 0-0.06 (nine in ten), a page of mixed news up to 0.14 with a
# story that names the same continent): a figure travels within a story. Figures anybody
# may state ("six months", "doubled", "95%", "200 people": durations, multiples, values of
# one or two digits) need the story more than precise ones ("$5,576,000").
STORY_PENALTY = 0.15
GENERIC_STORY_PENALTY = 0.5
GENERIC_KINDS = frozenset({"duration", "multiplier"})
GENERIC_DIGITS = 2
STORY_SIMILARITY = 0.15
# Articles it takes for the rarity of names to tell stories apart: below it, the similarity
# of one story's articles is lower (a name every article gives weighs little) and the
# threshold is scaled down with the number of articles.
STORY_CORPUS = 50
# Context distance at most, for two claims of different articles whose sentences each state
# another value, the same in both ("63% complemented ... 30% unaffected" and "affect 63% of
# jobs; another 30% ..."): figures of one source travel together, so two sentences that give
# the same pair of values restate the same pair of figures, however they word them.
COSTATED_CONTEXT = 0.5
# A sentence giving more values than this is a list or a table ("Stoxx -1.3% FTSE -0.6% ..."):
# sharing one of them says little, so its claims carry none.
COSTATED_MAX = 6
# Distance given to pairs that cannot be one figure, above any threshold.
APART = 10.0
# A trace query matches a claim whose value is within this relative tolerance, or rounds to it.
TRACE_TOLERANCE = 0.05

# Units that are not counted things: a mismatch between these is never bridged.
MEASURE_KINDS = frozenset({"money", "percent", "multiplier", "year", "size", "duration", "ordinal"})


def value_bucket(claim) -> str:
    """The values a claim's is compared with at all: its measure's kind (any currency
    meets any other: related_units decides), or, for counted nouns and numbers with no
    unit, each other ("#count")."""
    return kind_bucket(claim.kind)


def kind_bucket(kind: str | None) -> str:
    """:func:`value_bucket` of a claim of this kind."""
    return kind if kind in MEASURE_KINDS else "#count"

# Denominators that name no particular thing: "per unit" may be per GPU, per car, per share.
GENERIC_DENOMINATORS = frozenset({"unit", "piece", "item", "each"})
# Kinds whose values are labels on a scale: only equal values can be one figure.
EXACT_KINDS = frozenset({"year", "ordinal"})

_NUMBER_IN_SURFACE = re.compile(r"\d[\d,]*(?:\.\d+)?")
# Between two statements of one figure: ", or nearly", "(i.e.", "— that is,".
_RESTATEMENT_GAP = re.compile(
    r"^[\s,;:(–—-]*(?:or|i\.e\.|that is|equivalent to)\s*(?:about|around|roughly|nearly|almost|some)?[\s,;:(–—-]*$"
)
_FUNCTION_WORDS = frozenset("the a an of by and claim claims quoted referenced".split())


def story_threshold(articles: int) -> float:
    """The similarity from which two articles are taken to tell one story, for a corpus of
    ``articles``: :data:`STORY_SIMILARITY`, scaled down in corpora too small for rarity to
    mean much (5 articles: 0.015)."""
    return STORY_SIMILARITY * min(1.0, articles / STORY_CORPUS)


@dataclass(slots=True)  # one per stored claim, all held at once while figures are rebuilt
class TracedClaim:
    """A stored claim with what tracing needs from its article and sentence."""

    id: str
    article_id: str
    surface: str
    start_char: int
    value: float | None
    value_low: float | None
    value_high: float | None
    unit: str | None
    qualifier: str
    qualifier_cue: str | None
    kind: str | None
    subject: str | None
    attributed_to: str | None
    context: str | None = None
    sentence_id: str | None = None
    sentence: str = ""
    sentence_start: int = 0
    path: str = ""
    title: str | None = None
    published: str | None = None
    scope: str | None = None
    entities: list[str] = field(default_factory=list)
    story: tuple = ()  # the entities its article names: what the story is about
    # The other values its sentence states, as value_key()s (see mark_costated).
    costated: frozenset = frozenset()
    # Significant digits as written (compared for every pair: worked out once).
    digits: int = field(init=False)
    # For a physical unit, its size in its dimension's root units (km: 1000): values in
    # two units of one dimension compare once converted ("26.2 miles" and "42.2 km").
    unit_factor: float | None = field(init=False)
    # Its context's terms, where an update keeps them (it weighs the claims it reads more
    # than once); None: tokenized when weighed (a rebuild holds no term lists).
    terms: list[str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        self.digits = significant_digits(self.surface, self.value)
        if is_share(self.kind, self.unit, self.value):
            self.value, self.value_low, self.value_high = as_percent(self.value, self.value_low, self.value_high)
            self.unit, self.kind = "percent", "percent"
        self.unit_factor = root_factor(self.unit)

    @property
    def order_key(self) -> tuple:
        """Lineage order: dated articles first (oldest first), then undated by path, then position."""
        return (self.published is None, self.published or "", self.path, self.start_char)


# The columns of ``claims`` a TracedClaim starts with, in its order: what a claim's value,
# unit, qualifier and credit are read from.
CLAIM_COLUMNS = ("id", "article_id", "surface", "start_char", "value", "value_low", "value_high", "unit",
                 "qualifier", "qualifier_cue", "kind", "subject", "attributed_to")


def is_share(kind: str | None, unit: str | None, value: float | None) -> bool:
    """Whether a claim of this kind, unit and value is a share compared as the percentage
    it is: "a quarter of jobs", "two-thirds" ("25% of all employment", "67%"); a fraction
    of a measure ("1/16 of a pint") stays an amount."""
    return kind == "fraction" and value is not None and not _is_measured(unit)


def as_percent(*values: float | None) -> tuple:
    """A share's values (:func:`is_share`) as percentages."""
    return tuple(None if v is None else round(v * 100, 9) for v in values)


def value_key(claim: TracedClaim) -> str | None:
    """A claim's value as compared beside others (:func:`mark_costated`): its unit and its
    value in root units to two significant digits ("percent 63"); None for what says too
    little to match on (no value, a range, a year or rank, a magnitude in words)."""
    if claim.value is None or claim.kind in EXACT_KINDS or is_vague(claim) or _is_range(claim):
        return None
    size = claim.value * (claim.unit_factor or 1.0)
    return f"{claim.unit or ''} {round_significant(size, 2):g}"


def sentence_members(claims: list[TracedClaim]) -> list[list[int]]:
    """The indices of ``claims`` sentence by sentence, in order (claims without a sentence
    are in none)."""
    by_sentence: dict[str, list[int]] = {}
    for i, claim in enumerate(claims):
        if claim.sentence_id:
            by_sentence.setdefault(claim.sentence_id, []).append(i)
    return list(by_sentence.values())


def mark_costated(claims: list[TracedClaim]) -> None:
    """Set each claim's :attr:`~TracedClaim.costated`: the value keys of the other claims of
    its sentence (in place; claims without a sentence state nothing beside them)."""
    for indices in sentence_members(claims):
        if not 2 <= len(indices) <= COSTATED_MAX + 1:
            continue
        members = [claims[i] for i in indices]
        keys = [value_key(c) for c in members]
        for claim, key in zip(members, keys):
            claim.costated = frozenset(k for other, k in zip(members, keys) if other is not claim and k and k != key)


def stated_beside(claim: TracedClaim) -> str:
    """A claim's :attr:`~TracedClaim.costated` keys as stored (``claims.stated_beside``):
    a JSON list, in order."""
    return json.dumps(sorted(claim.costated)) if claim.costated else "[]"


def read_stated_beside(stored: str) -> frozenset:
    """The costated keys of a stored :func:`stated_beside`."""
    return frozenset(json.loads(stored)) if stored != "[]" else frozenset()


def costated(a: TracedClaim, b: TracedClaim) -> bool:
    """Whether two claims of different articles each have, beside them in their sentence,
    another value the same in both (:data:`COSTATED_CONTEXT`)."""
    return a.article_id != b.article_id and not a.costated.isdisjoint(b.costated)


# --------------------------------------------------------------------------- numbers


def significant_digits(surface: str, value: float | None = None) -> int:
    """How many significant digits the writer gave: "$6 million" 1, "5,576,000" 4, "$2.50" 3.

    Trailing zeros of a whole number are taken as not significant ("600 billion": 1).
    Number words count as exact as written ("two": 1).
    """
    digits = surface_digits(surface)
    if digits is None:
        return len(str(int(abs(value)))) if value else 1
    return digits


def surface_digits(surface: str) -> int | None:
    """:func:`significant_digits` of the first number written in ``surface`` (None: it
    has none, and the value decides)."""
    match = _NUMBER_IN_SURFACE.search(surface)
    if not match:
        return None
    digits = match.group().replace(",", "")
    if "." in digits:
        return max(1, len(digits.replace(".", "").lstrip("0")))
    return max(1, len(digits.lstrip("0").rstrip("0")))


def round_significant(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits."""
    if value == 0:
        return 0.0
    return float(f"{value:.{digits}g}")


def rounds_to(precise: float, precise_digits: int, rounded: float, rounded_digits: int) -> bool:
    """Whether ``rounded`` is ``precise`` written with fewer significant digits."""
    if rounded_digits > precise_digits:
        return False
    return math.isclose(round_significant(precise, rounded_digits), rounded, rel_tol=1e-9)


def agree_within_rounding(a: TracedClaim, b: TracedClaim) -> bool:
    """Equal values, or one is the other rounded ("$5,576,000" and "$6 million")."""
    if a.value is None or b.value is None:
        return False
    if math.isclose(a.value, b.value, rel_tol=1e-9):
        return True
    sa, sb = a.digits, b.digits
    return rounds_to(a.value, sa, b.value, sb) or rounds_to(b.value, sb, a.value, sa)


def is_vague(claim: TracedClaim) -> bool:
    """A magnitude in words ("billions", "hundreds of millions") rather than a figure."""
    return said_in_words(claim.qualifier, claim.surface)


def said_in_words(qualifier: str, surface: str) -> bool:
    """:func:`is_vague` of a claim of this qualifier and surface."""
    return qualifier == "range" and not any(ch.isdigit() for ch in surface)


def _is_range(claim: TracedClaim) -> bool:
    return claim.qualifier == "range" and claim.value_high is not None


def convertible(a: TracedClaim, b: TracedClaim) -> bool:
    """Two claims in different physical units of one dimension ("l" and "gal", "MWh" and
    "TWh"), whose values compare once converted."""
    return a.unit != b.unit and proportional(a.unit, b.unit)


def in_unit_of(b: TracedClaim, a: TracedClaim) -> TracedClaim:
    """``b`` with its values expressed in ``a``'s unit (its surface and digits as written)."""
    factor = b.unit_factor / a.unit_factor
    converted = copy.copy(b)
    converted.value, converted.value_low, converted.value_high = (
        None if v is None else v * factor for v in (b.value, b.value_low, b.value_high)
    )
    converted.unit = a.unit
    return converted


def value_gap(a: TracedClaim, b: TracedClaim) -> float | None:
    """How far apart two values are: 0 when they agree within rounding, up to 1 at
    :data:`MAX_VALUE_RATIO`; None beyond, when they cannot be one figure. Values in two
    units of one dimension are compared in the first's unit ("5 miles" and "8 km").

    Years and ranks only agree when equal (2020 is not a rounded 2015). A range and a
    single value agree, at the largest gap, only when the range is a magnitude in words
    that holds the value ("billions" and "$1.6 billion"). Two ranges are compared as intervals: sharing an end and
    overlapping, they agree at the largest gap ("10-20" and "5-20": an end moved).
    """
    if a.value is None or b.value is None:
        return None
    converted = convertible(a, b)
    if converted:
        b = in_unit_of(b, a)
    if a.kind in EXACT_KINDS or b.kind in EXACT_KINDS:
        return 0.0 if math.isclose(a.value, b.value, rel_tol=1e-9) else None
    if _is_range(a) != _is_range(b):
        span, point = (a, b) if _is_range(a) else (b, a)
        # Only a magnitude in words ("billions") may stand for a figure inside it; a range
        # written in digits ("$0.14–$0.55") is a statement of its own, even of its ends
        # (measured: reading "$0.55" as the end of "$0.14–$0.55" joins confusers).
        return 1.0 if is_vague(span) and span.value_low <= point.value <= span.value_high else None
    gap = _point_gap(a, b, converted)
    if gap is None and _is_range(a) and _is_range(b) and _ends_move(a, b):
        return 1.0
    return gap


def _ends_move(a: TracedClaim, b: TracedClaim) -> bool:
    """Two ranges that overlap and share an end: the other end moved ("10-20", "5-20")."""
    overlap = a.value_low <= b.value_high and b.value_low <= a.value_high
    same_low = math.isclose(a.value_low, b.value_low, rel_tol=1e-9)
    return overlap and (same_low or math.isclose(a.value_high, b.value_high, rel_tol=1e-9))


def _point_gap(a: TracedClaim, b: TracedClaim, converted: bool) -> float | None:
    """:func:`value_gap` of two values read as points (a range by its low end)."""
    if not a.value or not b.value or (a.value > 0) != (b.value > 0):
        return None
    if not converted and a.value != b.value and all(float(v).is_integer() and abs(v) <= SMALL_COUNT for v in (a.value, b.value)):
        return None  # nobody rounds six to seven: small counts differ when they differ
    ratio = abs(math.log(a.value / b.value))
    if ratio > math.log(MAX_VALUE_RATIO) + 1e-12:
        return None  # even rounding does not stretch this far: $140 million is not "$100 million"
    if agree_within_rounding(a, b):
        return 0.0
    # Loosely stated figures drift far ("$500 billion" for "$600 billion"); figures stated to
    # three digits drift little ("685B" for "671B"), so "$2.19" and "$2.50" are two figures.
    digits = min(a.digits, b.digits)
    limit = math.log(1 + (MAX_VALUE_RATIO - 1) / digits)
    return ratio / limit if ratio <= limit + 1e-12 else None


def is_counted_thing(claim) -> bool:
    """Whether a claim (or a parsed figure) counts things ("GPU") rather than measures."""
    return claim.kind not in MEASURE_KINDS and bool(claim.unit)


def related_units(unit_a: str | None, kind_a: str | None, unit_b: str | None, kind_b: str | None) -> float | None:
    """0 for the same unit; :data:`UNIT_MISMATCH_PENALTY` for units that may name one thing
    (two counted nouns, "card" and "GPU"; a unit and a rate of it, "USD" and "USD per 1M
    tokens"; "hour" and "GPU hour"; a counted noun or a currency left unsaid); None when
    they cannot (two different rates, "USD per GPU hour" and "USD per 1M tokens"; USD and
    percent). ``kind_*`` is the claim kind: money, percent, count, ..."""
    unit_a, unit_b = unit_a or "", unit_b or ""
    if unit_a == unit_b:
        return 0.0
    if proportional(unit_a, unit_b):
        return 0.0  # litres and gallons, MWh and TWh: one quantity, converted
    counted_a = bool(unit_a) and kind_a not in MEASURE_KINDS
    counted_b = bool(unit_b) and kind_b not in MEASURE_KINDS
    if counted_a and counted_b:
        return UNIT_MISMATCH_PENALTY
    if not unit_a or not unit_b:
        known, unknown_kind = (kind_a, kind_b) if unit_a else (kind_b, kind_a)
        if counted_a or counted_b:
            return UNIT_MISMATCH_PENALTY
        # "cost billions": money whose currency the text leaves unsaid.
        return UNIT_MISMATCH_PENALTY if known == unknown_kind == "money" else None
    rate_a, rate_b = " per " in unit_a, " per " in unit_b
    if rate_a != rate_b:
        base, rate = (unit_a, unit_b) if rate_b else (unit_b, unit_a)
        return UNIT_MISMATCH_PENALTY if rate.startswith(base + " per ") else None
    if not rate_a and unit_a.split()[-1] == unit_b.split()[-1]:
        return UNIT_MISMATCH_PENALTY
    if rate_a and rate_b:
        (base_a, per_a), (base_b, per_b) = unit_a.split(" per ", 1), unit_b.split(" per ", 1)
        if base_a == base_b and (per_a in GENERIC_DENOMINATORS or per_b in GENERIC_DENOMINATORS):
            return UNIT_MISMATCH_PENALTY  # "$10,000/unit" is a price per GPU when GPUs are sold
    return None


def unit_penalty(a: TracedClaim, b: TracedClaim) -> float | None:
    """:func:`related_units` for two claims."""
    return related_units(a.unit, a.kind, b.unit, b.kind)


def _is_measured(unit: str | None) -> bool:
    """Whether a unit is a measure (a physical unit, a currency) rather than a counted noun."""
    return bool(unit) and (unit in PINT_UNITS or unit in CURRENCY_CODES)


def is_generic(claim: TracedClaim) -> bool:
    """A figure any story may state: a duration, a multiple, or a value of few digits."""
    return claim.kind in GENERIC_KINDS or claim.digits <= GENERIC_DIGITS


def place_keys(scope: str | None) -> frozenset[str]:
    """The places of a claim's scope ("US; Europe") as keys that match however a text names
    them: case, dots and a leading article folded ("the U.S." -> "us"), and a name of
    several words also by its initials ("United Arab Emirates" -> "uae", as "UAE")."""
    keys = set()
    for name in (scope or "").split(";"):
        words = re.sub(r"[.\u2019']", "", name).lower().split()
        if words and words[0] == "the":
            words = words[1:]
        if words:
            keys.add(" ".join(words))
            if len(words) > 1:
                keys.add("".join(w[0] for w in words))
    return frozenset(keys)


def scopes_conflict(scope_a: str | None, scope_b: str | None) -> bool:
    """Two claims said of places that have none in common: "7% in Russia" and "7% in the
    US" are two figures. A claim that names no place conflicts with none."""
    a, b = place_keys(scope_a), place_keys(scope_b)
    return bool(a) and bool(b) and not (a & b)


def is_restatement(a: TracedClaim, b: TracedClaim) -> bool:
    """One sentence giving one figure two ways: "17% of its market cap, or nearly $600 billion"."""
    if a.sentence_id is None or a.sentence_id != b.sentence_id or a.unit == b.unit:
        return False
    first, second = sorted((a, b), key=lambda c: c.start_char)
    gap = first.sentence[
        first.start_char + len(first.surface) - first.sentence_start : second.start_char - first.sentence_start
    ]
    return bool(_RESTATEMENT_GAP.match(re.sub(r"\bof\s+\w+(?:\s+\w+){0,2}", "", gap)))
