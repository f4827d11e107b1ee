"""Tracing: grouping claims about one quantity into figures, lineage and mutations.

A *figure* is one real-world quantity about one subject as reported across sources
("DeepSeek-V3 training cost"), whatever each source wrote ("$5,576,000", "around $6
million", "a little under $6mn").

How claims are grouped (scikit-learn's TF-IDF vectors and agglomerative clustering):

1. Two claims can be the same figure only when their units agree (counted nouns such as
   "card" and "GPU" agree at a cost) and their values agree within rounding or within
   :data:`MAX_VALUE_RATIO`; or when one sentence restates a figure in another unit
   ("lost 17% of its market cap, or nearly $600 billion").
2. Each claim's context (its subject, the words of its sentence, the entities named there)
   becomes a TF-IDF vector; the distance of a pair is the cosine distance of those vectors
   plus penalties for a value gap and a unit mismatch.
3. Average-linkage agglomerative clustering with a distance threshold cuts each group of
   candidates into figures (a group larger than :data:`MAX_GROUP` is first cut at its
   widest value gaps, which bounds the memory the clustering takes). Inputs are sorted
   first, so the same claims always give the same figures with the same ids.

Lineage order (documented, stable): claims with a known publication date first, oldest
first; then claims from undated articles, by article path; within an article, by position.
The first claim is the figure's origin in this corpus.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import sqlite_utils

from .claims import ParsedFigure, parse_figure
from .store import FIGURE_COLUMNS, replace_figures

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
# Claims compared at once while blocking (rows of one array computation).
CHUNK_ROWS = 256
# Pairs whose distances are computed at once while clustering a group.
PAIR_CHUNK = 1 << 15
# Claims clustered together at most. Clustering a candidate group takes memory growing with
# its size squared (every pair's distance); in a large corpus long chains of close values
# that share a word (daily market moves, say) make groups of thousands, which are cut at
# their widest value gaps into parts of at most this many claims (~100 MB each).
MAX_GROUP = 2000
# Distance given to pairs that cannot be one figure, above any threshold.
APART = 10.0
# A trace query matches a claim whose value is within this relative tolerance, or rounds to it.
TRACE_TOLERANCE = 0.05

# Units that are not counted things: a mismatch between these is never bridged.
MEASURE_KINDS = frozenset({"money", "percent", "multiplier", "year", "size", "duration", "ordinal"})

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
    entities: list[str] = field(default_factory=list)
    # Significant digits as written (compared for every pair: worked out once).
    digits: int = field(init=False)

    def __post_init__(self):
        self.digits = significant_digits(self.surface, self.value)

    @property
    def order_key(self) -> tuple:
        """Lineage order: dated articles first (oldest first), then undated by path, then position."""
        return (self.published is None, self.published or "", self.path, self.start_char)


# --------------------------------------------------------------------------- numbers


def significant_digits(surface: str, value: float | None = None) -> int:
    """How many significant digits the writer gave: "$6 million" 1, "5,576,000" 4, "$2.50" 3.

    Trailing zeros of a whole number are taken as not significant ("600 billion": 1).
    Number words count as exact as written ("two": 1).
    """
    match = _NUMBER_IN_SURFACE.search(surface)
    if not match:
        return len(str(int(abs(value)))) if value else 1
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
    return claim.qualifier == "range" and not any(ch.isdigit() for ch in claim.surface)


def _is_range(claim: TracedClaim) -> bool:
    return claim.qualifier == "range" and claim.value_high is not None


def value_gap(a: TracedClaim, b: TracedClaim) -> float | None:
    """How far apart two values are: 0 when they agree within rounding, up to 1 at
    :data:`MAX_VALUE_RATIO`; None beyond, when they cannot be one figure.

    Years and ranks only agree when equal (2020 is not a rounded 2015). A range and a
    single value agree, at the largest gap, only when the range holds the value
    ("billions" and "$1.6 billion").
    """
    if a.value is None or b.value is None:
        return None
    if a.kind in EXACT_KINDS or b.kind in EXACT_KINDS:
        return 0.0 if math.isclose(a.value, b.value, rel_tol=1e-9) else None
    if _is_range(a) != _is_range(b):
        span, point = (a, b) if _is_range(a) else (b, a)
        # Only a magnitude in words ("billions") may stand for a figure inside it; a range
        # written in digits ("$0.14–$0.55") is a statement of its own.
        return 1.0 if is_vague(span) and span.value_low <= point.value <= span.value_high else None
    if not a.value or not b.value or (a.value > 0) != (b.value > 0):
        return None
    if a.value != b.value and all(float(v).is_integer() and abs(v) <= SMALL_COUNT for v in (a.value, b.value)):
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


def is_restatement(a: TracedClaim, b: TracedClaim) -> bool:
    """One sentence giving one figure two ways: "17% of its market cap, or nearly $600 billion"."""
    if a.sentence_id is None or a.sentence_id != b.sentence_id or a.unit == b.unit:
        return False
    first, second = sorted((a, b), key=lambda c: c.start_char)
    gap = first.sentence[
        first.start_char + len(first.surface) - first.sentence_start : second.start_char - first.sentence_start
    ]
    return bool(_RESTATEMENT_GAP.match(re.sub(r"\bof\s+\w+(?:\s+\w+){0,2}", "", gap)))


# --------------------------------------------------------------------------- clustering


def context_document(claim: TracedClaim) -> str:
    """The words that say what a claim is about: its context lemmas and the entities named
    in its sentence (twice: names are the strongest sign of what a figure is about)."""
    entities = " ".join(e.replace(" ", "_") for e in claim.entities)
    return f"{claim.context or claim.sentence} {entities} {entities}"


def pair_distance(a: TracedClaim, b: TracedClaim, context: float) -> float:
    """Distance of two claims given the cosine distance of their contexts; :data:`APART` when
    their units or values rule out one figure.

    This is the rule written out for one pair, as a reader would check it; clustering uses
    :meth:`_Features.distances`, the same rule over arrays, and a test holds the two equal
    on every pair of the demo corpus's claims."""
    if is_restatement(a, b):
        return 0.0
    unit = unit_penalty(a, b)
    gap = value_gap(a, b)
    if unit is None or gap is None:
        return APART
    if a.kind in EXACT_KINDS or b.kind in EXACT_KINDS:
        # The same year in two sentences often dates two events: ask for more context.
        return context + EXACT_KIND_PENALTY
    if is_vague(a) or is_vague(b):
        # "billions" here and "billions" there say little about being one figure.
        context += VAGUE_PENALTY
    if a.article_id == b.article_id and a.value == b.value:
        # A writer who repeats a figure means the same one: "$6mn" twice in one article.
        context = min(context, SAME_ARTICLE_CONTEXT)
    return context + unit + VALUE_GAP_PENALTY * gap


class _Features:
    """Per-claim arrays for computing many pair distances at once (see :func:`pair_distance`,
    the reference these must match)."""

    def __init__(self, claims: list[TracedClaim]):
        self.claims = claims
        self.value = np.array([c.value if c.value is not None else np.nan for c in claims], dtype=float)
        self.low = np.array([c.value_low if c.value_low is not None else np.nan for c in claims], dtype=float)
        self.high = np.array([c.value_high if c.value_high is not None else np.nan for c in claims], dtype=float)
        self.digits = np.array([c.digits for c in claims], dtype=float)
        self.exact = np.array([c.kind in EXACT_KINDS for c in claims])
        self.vague = np.array([is_vague(c) for c in claims])
        self.range = np.array([_is_range(c) for c in claims])
        self.small = np.array(
            [c.value is not None and float(c.value).is_integer() and abs(c.value) <= SMALL_COUNT for c in claims]
        )
        self.article = np.unique([c.article_id for c in claims], return_inverse=True)[1]
        units = [(c.unit or "", c.kind) for c in claims]
        self._unit_keys = sorted(set(units))
        code = {key: n for n, key in enumerate(self._unit_keys)}
        self.unit = np.array([code[key] for key in units])
        # related_units of each pair of unit keys, by key pair (inf: not computed yet).
        self._unit_penalties = np.full(len(self._unit_keys) ** 2, np.inf)

    def unit_penalties(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """:func:`related_units` for every pair (NaN: unrelated), one call per pair of units;
        ``rows`` and ``cols`` are claim indices that broadcast together."""
        size = len(self._unit_keys)
        pairs = self.unit[rows] * size + self.unit[cols]
        needed = np.unique(pairs)
        for pair in needed[np.isinf(self._unit_penalties[needed])]:
            a, b = self._unit_keys[pair // size], self._unit_keys[pair % size]
            penalty = related_units(a[0], a[1], b[0], b[1])
            self._unit_penalties[pair] = np.nan if penalty is None else penalty
        return self._unit_penalties[pairs]

    def distances(self, rows: np.ndarray, cols: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        """:func:`pair_distance` of every (row, col) pair, restatements aside: a matrix."""
        return self.pair_distances(rows[:, None], cols[None, :], cosine)

    def pair_distances(self, rows: np.ndarray, cols: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        """:func:`pair_distance` of claims ``rows`` and ``cols`` (index arrays that broadcast
        together: a matrix of pairs, or two lists of pairs), restatements aside. Each pair's
        distance is computed from that pair alone, whatever else is computed with it."""
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = self._value_gaps(rows, cols)
            unit = self.unit_penalties(rows, cols)
            exact = self.exact[rows] | self.exact[cols]
            vague = self.vague[rows] | self.vague[cols]
            context = cosine + np.where(vague, VAGUE_PENALTY, 0.0)
            repeated = (self.article[rows] == self.article[cols]) & (self.value[rows] == self.value[cols])
            context = np.where(repeated, np.minimum(context, SAME_ARTICLE_CONTEXT), context)
            distance = np.where(exact, cosine + EXACT_KIND_PENALTY, context + unit + VALUE_GAP_PENALTY * gap)
            return np.where(np.isnan(gap) | np.isnan(unit), APART, distance)

    def _value_gaps(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """:func:`value_gap` of every pair (NaN where it is None)."""
        a, b = self.value[rows], self.value[cols]
        da, db = self.digits[rows], self.digits[cols]
        equal = np.isclose(a, b, rtol=1e-9, atol=0.0)
        gap = np.full(np.broadcast(a, b).shape, np.nan)
        exact = self.exact[rows] | self.exact[cols]
        gap[exact & equal] = 0.0
        # A range against a single value: only a magnitude in words, holding the value.
        range_a, range_b = self.range[rows], self.range[cols]
        mixed = ~exact & (range_a != range_b)
        span_low = np.where(range_a, self.low[rows], self.low[cols])
        span_high = np.where(range_a, self.high[rows], self.high[cols])
        span_vague = np.where(range_a, self.vague[rows], self.vague[cols])
        point = np.where(range_a, b, a)
        gap[mixed & span_vague & (span_low <= point) & (point <= span_high)] = 1.0
        plain = ~exact & ~mixed & (a != 0) & (b != 0) & (np.sign(a) == np.sign(b)) & ~np.isnan(a) & ~np.isnan(b)
        small = self.small[rows] & self.small[cols] & (a != b)
        plain &= ~small
        ratio = np.abs(np.log(a / b))
        plain &= ratio <= math.log(MAX_VALUE_RATIO) + 1e-12
        rounded = equal | _rounds_to(a, da, b, db) | _rounds_to(b, db, a, da)
        limit = np.log(1 + (MAX_VALUE_RATIO - 1) / np.minimum(da, db))
        drift = np.where(ratio <= limit + 1e-12, ratio / limit, np.nan)
        gap = np.where(plain, np.where(rounded, 0.0, drift), gap)
        return gap

    def comparable_pairs(self, members: np.ndarray, chunk: int | None = None):
        """Positions (i, j) in ``members``, each pair once, of every pair whose distance may
        be under :data:`APART`: a superset (magnitudes within :data:`MAX_VALUE_RATIO` of each
        other, both zero, or one a range); every other pair is :data:`APART`.

        Yields ``(i, j)`` arrays of about ``chunk`` pairs each (all at once when None), so a
        large group's pairs need not be held at once."""
        ranged = self.range[members]
        plain = np.flatnonzero(~ranged)
        magnitude = np.abs(self.value[members[plain]])
        order = plain[np.argsort(magnitude, kind="stable")]  # NaN last
        ordered = np.abs(self.value[members[order]])
        # Each against the larger magnitudes it can reach, with a margin for the rounding
        # in value_gap's logarithms.
        stops = np.searchsorted(ordered, ordered * (MAX_VALUE_RATIO * (1 + 1e-6)), side="right")
        counts = np.maximum(stops - np.arange(len(order)) - 1, 0)
        ends = np.cumsum(counts)
        # Slices of ``order`` holding about ``chunk`` pairs each (at least one position).
        cuts = [0, len(order)] if chunk is None else sorted(
            {0, len(order), *np.searchsorted(ends, np.arange(chunk, int(ends[-1]) if len(ends) else 0, chunk)).tolist()}
        )
        for low, high in zip(cuts, cuts[1:]):
            part = counts[low:high]
            starts = np.repeat(np.arange(low, high) + 1 - np.cumsum(part) + part, part)
            first = np.repeat(order[low:high], part)
            second = order[starts + np.arange(len(first))] if len(first) else first
            if len(first):
                yield first.astype(np.int64), second.astype(np.int64)
        # A range may hold any value: it is paired with every other claim.
        for r in np.flatnonzero(ranged):
            others = np.concatenate([np.flatnonzero(~ranged[:r]), np.arange(r + 1, len(members))])
            if len(others):
                yield np.full(len(others), r, dtype=np.int64), others.astype(np.int64)


def _round_significant(values: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """:func:`round_significant` over arrays."""
    magnitude = np.floor(np.log10(np.abs(np.where(values == 0, 1, values))))
    factor = 10.0 ** (magnitude - digits + 1)
    return np.where(values == 0, 0.0, np.round(values / factor) * factor)


def _rounds_to(precise, precise_digits, rounded, rounded_digits) -> np.ndarray:
    """:func:`rounds_to` over arrays."""
    shape = np.broadcast(precise, rounded).shape
    return (rounded_digits <= precise_digits) & np.isclose(
        _round_significant(np.broadcast_to(precise, shape), np.broadcast_to(rounded_digits, shape)),
        np.broadcast_to(rounded, shape),
        rtol=1e-9,
        atol=0.0,
    )


class _UnionFind:
    """Disjoint sets over 0..n-1; the smallest index represents its set, for stable output."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            found.setdefault(self.find(i), []).append(i)
        return sorted(found.values())


def candidate_groups(
    claims: list[TracedClaim], vectors, threshold: float = DISTANCE_THRESHOLD, features: _Features | None = None
) -> list[list[int]]:
    """Groups of claims linked by pairs close enough to be one figure (blocking before
    clustering): every average-linkage cluster lies inside one group, so clustering each
    group alone gives the clustering of all claims.

    Claims are bucketed by kind (counted nouns and unknown units share a bucket) and,
    within one, sorted by value, so each claim is compared only with the values after it
    within :data:`MAX_VALUE_RATIO`. Restatements in one sentence join across units.
    ``features`` are the claims' arrays when the caller has them already.
    """
    features = features or _Features(claims)
    linked_rows, linked_cols = [], []
    buckets: dict[str, list[int]] = {}
    for i, claim in enumerate(claims):
        if claim.value is None:
            continue
        # Measures meet their own kind (any currency: related_units decides); counted
        # nouns, and numbers with no unit, meet each other.
        key = claim.kind if claim.kind in MEASURE_KINDS else "#count"
        buckets.setdefault(key, []).append(i)
    for members in buckets.values():
        members.sort(key=lambda i: claims[i].value)
        order = np.array(members)
        values = features.value[order]
        reach = np.where(np.isnan(features.high[order]), values, features.high[order]) * MAX_VALUE_RATIO
        stops = np.searchsorted(values, reach, side="right")
        # Rows in chunks, each against the span of values any of its rows can reach.
        for first in range(0, len(order), CHUNK_ROWS):
            rows = np.arange(first, min(first + CHUNK_ROWS, len(order)))
            last = int(stops[rows].max())
            if last <= first + 1:
                continue
            cols = np.arange(first + 1, last)
            reachable = (cols[None, :] > rows[:, None]) & (cols[None, :] < stops[rows][:, None])
            if not reachable.any():
                continue
            product = (vectors[order[rows]] @ vectors[order[cols]].T).toarray()
            # Distances of the reachable pairs only, as a list of pairs.
            row, col = np.nonzero(reachable)
            a, b = order[rows[row]], order[cols[col]]
            close = features.pair_distances(a, b, np.clip(1.0 - product[row, col], 0.0, 1.0)) < threshold
            linked_rows.append(a[close])
            linked_cols.append(b[close])
    for i, j in _restatement_pairs(claims):
        linked_rows.append(np.array([i]))
        linked_cols.append(np.array([j]))
    return _components(len(claims), linked_rows, linked_cols)


def _components(size: int, rows: list[np.ndarray], cols: list[np.ndarray]) -> list[list[int]]:
    """The connected components of 0..size-1 linked by the pairs (rows[k][n], cols[k][n]):
    each sorted, ordered by their smallest member."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows_all = np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, dtype=np.int64)
    cols_all = np.concatenate(cols).astype(np.int64) if cols else np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(rows_all), dtype=np.int8), (rows_all, cols_all)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    groups = [part.tolist() for part in np.split(order, bounds)] if size else []
    return sorted(groups)


def _atom_of(atoms: list[list[int]], size: int) -> np.ndarray:
    """For each of ``size`` claims, the index of its atom."""
    atom_of = np.empty(size, dtype=np.int64)
    for a, atom in enumerate(atoms):
        atom_of[atom] = a
    return atom_of


def _atom_distances(pairs: np.ndarray, atoms: list[list[int]]) -> np.ndarray:
    """Distances between atoms (claims restating one figure in one sentence): the mean of
    their members' pair distances (``pairs``), leaving out pairs whose units cannot be
    compared.

    Only the upper triangle is meant to be read (as the linkage does), and it reads only
    ``pairs[i, j]`` with i's atom before j's: the other entries may hold anything finite."""
    if len(atoms) == len(pairs):  # every atom one claim, in order
        return pairs
    # Between one-claim atoms the mean is the pair itself (or APART): copied whole, then
    # the rows and columns of the few atoms of several claims are averaged.
    firsts = np.array([atom[0] for atom in atoms])
    distances = pairs[np.ix_(firsts, firsts)]
    atom_of = _atom_of(atoms, len(pairs))

    def by_atom(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Per atom, the mean of the comparable pairs summed into ``sums`` and ``counts``
        (indexed by claim), APART where there is none."""
        sums, counts = np.bincount(atom_of, sums, len(atoms)), np.bincount(atom_of, counts, len(atoms))
        return np.where(counts > 0, sums / np.maximum(counts, 1), APART)

    for a, atom in enumerate(atoms):
        if len(atom) == 1:
            continue
        rows, cols = pairs[atom, :], pairs[:, atom]
        rows_comparable, cols_comparable = rows < APART, cols < APART
        after = by_atom(np.where(rows_comparable, rows, 0.0).sum(axis=0), rows_comparable.sum(axis=0))
        before = by_atom(np.where(cols_comparable, cols, 0.0).sum(axis=1), cols_comparable.sum(axis=1))
        distances[a, a + 1 :] = after[a + 1 :]
        distances[:a, a] = before[:a]
    np.fill_diagonal(distances, 0.0)
    return distances


def context_vectors(claims: list[TracedClaim]):
    """The claims' contexts (:func:`context_document`) as TF-IDF rows of unit length (a
    sparse matrix): the cosine similarity of two claims is the product of their rows."""
    # Imported here: scikit-learn takes a second to import, and only tracing needs it.
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        stop_words="english",
        token_pattern=r"(?u)\b[^\W\d][\w-]+\b",
        sublinear_tf=True,
    ).fit_transform([context_document(c) for c in claims])


def cluster_claims(
    claims: list[TracedClaim], threshold: float = DISTANCE_THRESHOLD
) -> list[list[int]]:
    """Indices of ``claims`` grouped into figures, each group in lineage order."""
    if not claims:
        return []
    vectors = context_vectors(claims)
    figures: list[list[int]] = []
    features = _Features(claims)
    for group in candidate_groups(claims, vectors, threshold, features):
        if len(group) == 1:
            figures.append(group)
            continue
        atoms = _restatement_atoms([claims[i] for i in group])
        for part in bounded_parts([[group[i] for i in atom] for atom in atoms], features.value):
            members = [i for atom in part for i in atom]
            if len(part) == 1:  # one atom: one figure, nothing to cluster
                figures.append(members)
                continue
            local_atoms, start = [], 0
            for atom in part:
                local_atoms.append(list(range(start, start + len(atom))))
                start += len(atom)
            pairs = _group_distances(features, vectors, np.array(members), local_atoms)
            for cluster in average_linkage(_atom_distances(pairs, local_atoms), threshold):
                figures.append([i for a in cluster for i in part[a]])
    return [sorted(f, key=lambda i: claims[i].order_key) for f in figures]


def bounded_parts(atoms: list[list[int]], values: np.ndarray, limit: int | None = None) -> list[list[list[int]]]:
    """``atoms`` (lists of claim indices that stay together) in parts of at most ``limit``
    claims (:data:`MAX_GROUP`), each cut made at the widest gap between the values (by
    ratio) of the atoms sorted by value, or, where all values are equal, in the middle.
    One part, ``atoms`` as given, when they are few enough; parts keep the atoms' order."""
    limit = limit or MAX_GROUP
    sizes = np.array([len(atom) for atom in atoms])
    if sizes.sum() <= limit:
        return [atoms]
    keys = np.array([values[atom[0]] for atom in atoms])
    order = np.argsort(keys, kind="stable")
    parts, pending = [], [order]
    while pending:
        run = pending.pop()
        counts = np.cumsum(sizes[run])
        if counts[-1] <= limit or len(run) == 1:
            parts.append(sorted(run.tolist()))
            continue
        low, high = keys[run[:-1]], keys[run[1:]]
        with np.errstate(divide="ignore", invalid="ignore"):
            gaps = np.where((low != 0) & (high != 0) & (np.sign(low) == np.sign(high)), np.abs(np.log(high / low)), np.inf)
        gaps = np.where(low == high, 0.0, gaps)
        cut = int(np.argmax(gaps)) + 1 if gaps.max() > 0 else int(np.searchsorted(counts, counts[-1] / 2)) + 1
        cut = min(max(cut, 1), len(run) - 1)
        pending.extend([run[cut:], run[:cut]])
    return [[atoms[a] for a in part] for part in sorted(parts)]


def _group_distances(features: _Features, vectors, members: np.ndarray, atoms: list[list[int]]) -> np.ndarray:
    """The pair distances of one candidate group that the clustering reads (see
    :func:`_atom_distances`): for each pair in two atoms, from the claim in the earlier atom
    to the one in the later; pairs too far apart in value to be one figure stay
    :data:`APART` without being computed. Worked out a chunk of pairs at a time, so
    memory beyond the matrix itself stays bounded however large the group."""
    atom_of = _atom_of(atoms, len(members))
    sub = vectors[members]
    pairs = np.full((len(members), len(members)), APART)
    for row, col in features.comparable_pairs(members, chunk=PAIR_CHUNK):
        earlier = atom_of[row] < atom_of[col]
        row, col = np.where(earlier, row, col), np.where(earlier, col, row)
        keep = atom_of[row] != atom_of[col]
        row, col = row[keep], col[keep]
        cosine = np.asarray(sub[row].multiply(sub[col]).sum(axis=1)).ravel()
        pairs[row, col] = features.pair_distances(members[row], members[col], np.clip(1.0 - cosine, 0.0, 1.0))
    np.fill_diagonal(pairs, 0.0)
    return pairs


def average_linkage(distances: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering (scikit-learn's ``AgglomerativeClustering``)
    of a precomputed distance matrix, cut at ``threshold``: the clusters, each sorted,
    ordered by their first member. Only the upper triangle is read.

    Two items need no tree: they are one cluster when closer than ``threshold``, as the
    clustering would decide; most groups are that small, and each call costs a millisecond."""
    size = len(distances)
    if size <= 2:
        return [list(range(size))] if size < 2 or distances[0, 1] < threshold else [[0], [1]]
    from sklearn.cluster import AgglomerativeClustering

    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    ).fit_predict(distances)
    clusters: dict[int, list[int]] = {}
    for leaf, label in enumerate(labels.tolist()):
        clusters.setdefault(label, []).append(leaf)
    return list(clusters.values())


def _restatement_pairs(claims: list[TracedClaim]) -> list[tuple[int, int]]:
    """Pairs of claims that restate one figure in one sentence (only claims that share a
    sentence are compared)."""
    by_sentence: dict[str, list[int]] = {}
    for i, claim in enumerate(claims):
        if claim.sentence_id:
            by_sentence.setdefault(claim.sentence_id, []).append(i)
    return [
        (i, j)
        for members in by_sentence.values()
        for pos, i in enumerate(members)
        for j in members[pos + 1 :]
        if is_restatement(claims[i], claims[j])
    ]


def _restatement_atoms(claims: list[TracedClaim]) -> list[list[int]]:
    """Claims that restate one figure in one sentence, kept together through clustering."""
    sets = _UnionFind(len(claims))
    for i, j in _restatement_pairs(claims):
        sets.union(i, j)
    return sets.groups()


# --------------------------------------------------------------------------- mutations


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


def classify_mutation(origin: TracedClaim, claim: TracedClaim) -> tuple[list[str], str]:
    """What changed from ``origin`` to ``claim``: the kinds, and a sentence a journalist reads."""
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
                details.append(f"rounded {direction} {abs(change):.1f} %")
            elif rounds_to(claim.value, sc, origin.value, so):
                kinds.append("rounded")
                details.append(f"stated more precisely ({change:+.1f} % from the rounded {origin.surface!r})")
            else:
                kinds.append("inflated" if change > 0 else "deflated")
                details.append(f"{'inflated' if change > 0 else 'deflated'} {abs(change):.1f} %")
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
        details.append(f"now about {claim.subject!r}, was {origin.subject!r}")
    if not kinds:
        return ["same"], "same figure, same wording"
    return kinds, "; ".join(details)


def _subject_drifted(origin: TracedClaim, claim: TracedClaim) -> bool:
    """Both sentences name entities and no name shares a word ("DeepSeek V3" and "DeepSeek"
    share one), and the subjects share no word either."""
    names_before = content_words(" ".join(origin.entities))
    names_after = content_words(" ".join(claim.entities))
    if not names_before or not names_after or names_before & names_after:
        return False
    return not (content_words(origin.subject) & content_words(claim.subject))


# --------------------------------------------------------------------------- figures


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
        }


_FIGURE_TOKEN = re.compile(r"[$€£¥%]|^[\d.,]+[a-z]{0,2}$|^[a-z]$", re.IGNORECASE)


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
    """Every stored claim with its sentence, article date and path, and sentence entities."""
    entities: dict[str, list[str]] = {}
    for sentence_id, entity_id in db.execute("select sentence_id, entity_id from entity_mentions order by start_char"):
        if sentence_id and entity_id not in entities.setdefault(sentence_id, []):
            entities[sentence_id].append(entity_id)
    # Rows read one at a time, and the strings that repeat (an article's path, title and
    # date; a sentence shared by its claims) kept once: every claim is held at once.
    shared: dict[str, str] = {}
    rows = db.execute(
        """
        select c.id, c.article_id, c.surface, c.start_char, c.value, c.value_low, c.value_high,
               c.unit, c.qualifier, c.qualifier_cue, c.kind, c.subject, c.attributed_to,
               c.context, c.sentence_id, coalesce(s.text, '') as sentence,
               coalesce(s.start_char, c.start_char) as sentence_start, a.path, a.title, a.published
        from claims c
        join articles a on a.id = c.article_id
        left join sentences s on s.id = c.sentence_id
        """
    )
    claims = []
    for row in rows:  # the columns of TracedClaim, in order
        claim = TracedClaim(*(shared.setdefault(v, v) if type(v) is str else v for v in row))
        claim.entities = entities.get(claim.sentence_id, [])
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


# --------------------------------------------------------------------------- trace queries


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
        """A value range every matching claim falls in (for an indexed pre-filter)."""
        low, high = self.figure.value, self.figure.value_high or self.figure.value
        return tuple(sorted((low / 2, high * 2)))

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
    rows = db.query(
        "select figure_id, value, surface, unit, kind, qualifier, value_low, value_high from claims "
        "where figure_id is not null and value between ? and ?",
        list(figure_query.value_window),
    )
    hits: Counter = Counter()
    for row in rows:
        figure_id = row.pop("figure_id")
        if figure_query.matches(**row):
            hits[figure_id] += 1
    if subject:
        wanted = content_words(subject)
        hits = Counter({f: n for f, n in hits.items() if wanted <= _figure_words(db, f)})
    sizes = {r["id"]: r["n_claims"] for r in db.query("select id, n_claims from figures")}
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
                   c.qualifier_cue, c.subject, c.attributed_to, c.start_char, c.end_char,
                   a.id as article_id, a.path, a.title, a.published, a.source,
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
    return {
        "id": figure["id"],
        "subject": figure["subject"],
        "unit": figure["unit"],
        "canonical_value": figure["canonical_value"],
        "attributed_origin": figure["attributed_origin"],
        "origin": origin,
        "claims": claims,
    }


def trace(db: sqlite_utils.Database, query: str, subject: str | None = None) -> dict:
    """``{"figures": [lineage, ...]}`` for every figure matching a typed figure."""
    return {"figures": [figure_lineage(db, f) for f in find_figures(db, query, subject)]}


def most_mutated(db: sqlite_utils.Database, limit: int = 20) -> list[dict]:
    """Figures seen in more than one claim, those with the most kinds of mutation first."""
    return list(
        db.query(
            """
            select f.*, (select count(*) from mutations m where m.figure_id = f.id
                         and m.kinds != '["same"]') as n_mutations
            from figures f where f.n_claims > 1
            order by json_array_length(f.kinds_seen) desc, n_mutations desc, f.n_articles desc, f.id
            limit ?
            """,
            [limit],
        )
    )


def _cell(value, width: int) -> str:
    """A table cell cut to ``width`` characters (0: never cut)."""
    text = "" if value is None else " ".join(str(value).split())
    return text if not width or len(text) <= width else text[: width - 1] + "…"


def lineage_table(lineage: dict) -> str:
    """A figure's lineage as a plain-text table for the terminal, the origin marked ``*``."""
    head = (
        f"{lineage['subject'] or '(no subject)'} [{lineage['unit'] or 'no unit'}] "
        f"{lineage['id']}: {len(lineage['claims'])} claims"
    )
    if lineage.get("attributed_origin"):
        head += f", credited to {lineage['attributed_origin']}"
    # The mutation comes last and whole: it is what the reader came for.
    columns = [("", 1), ("date", 10), ("source", 26), ("surface", 24), ("qualifier", 20),
               ("credited to", 22), ("mutation", 0)]  # fmt: skip
    lines = [head, "  ".join(name.ljust(width) for name, width in columns).rstrip()]
    for claim in lineage["claims"]:
        qualifier = claim["qualifier"] if not claim["qualifier_cue"] else f"{claim['qualifier']} ({claim['qualifier_cue']})"
        mutation = "origin" if claim["is_origin"] else claim["detail"] or ", ".join(claim["mutation"])
        cells = ["*" if claim["is_origin"] else "", claim["published"] or "undated",
                 claim["source"] or Path(claim["path"]).name, claim["surface"], qualifier,
                 claim["attributed_to"] or "", mutation]  # fmt: skip
        lines.append("  ".join(_cell(c, w).ljust(w) for c, (_, w) in zip(cells, columns)).rstrip())
    return "\n".join(lines)


CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_SCALE_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def format_figure(value: float | None, unit: str | None = None) -> str:
    """A value in base units written the way news writes it, readable back by
    :func:`~pipeline.claims.parse_figure`: (6e6, "USD") -> "$6 million",
    (17, "percent") -> "17%", (50000, "GPU") -> "50,000 GPU"."""
    if value is None:
        return ""
    number = abs(value)
    # Scale words go with amounts and counts; "17%" and "45x" keep their digits.
    scale = None if unit in ("percent", "x") else next((s for s in _SCALE_WORDS if number >= s[0]), None)
    if scale:
        digits = f"{number / scale[0]:.6g} {scale[1]}"
    elif float(number).is_integer():
        digits = f"{int(number):,}"
    else:
        digits = f"{number:.6g}"
    sign = "-" if value < 0 else ""
    if unit in CURRENCY_SIGNS:
        return f"{sign}{CURRENCY_SIGNS[unit]}{digits}"
    if unit == "percent":
        return f"{sign}{digits}%"
    if unit == "x":
        return f"{sign}{digits}x"
    return f"{sign}{digits} {unit}" if unit else f"{sign}{digits}"
