"""Distance: how far apart two claims are (context, value gap, units), for one pair and as array computations over many."""

from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np

from ..claims.units import dimension
from .columns import ClaimColumns, column
from .vectors import TermCounts, weigh
from .values import COSTATED_CONTEXT, COSTATED_MAX, costated, GENERIC_DIGITS, GENERIC_KINDS, GENERIC_STORY_PENALTY, ONE_SIDED_SCOPE_PENALTY, STORY_PENALTY, APART, EXACT_KINDS, EXACT_KIND_PENALTY, MAX_VALUE_RATIO, SAME_ARTICLE_CONTEXT, SMALL_COUNT, TracedClaim, VAGUE_PENALTY, VALUE_GAP_PENALTY, is_generic, is_restatement, kind_bucket, said_in_words, story_threshold, is_vague, related_units, scopes_conflict, unit_penalty, value_gap


def context_document(claim: TracedClaim) -> str:
    """The words that say what a claim is about: its context lemmas and the entities named
    in its sentence (twice: names are the strongest sign of what a figure is about)."""
    entities = " ".join(e.replace(" ", "_") for e in claim.entities)
    return f"{claim.context or claim.sentence} {entities} {entities}"


def context_terms(claim: TracedClaim, analyze) -> list[str]:
    """The terms of a claim's :func:`context_document` by ``analyze`` (the context
    analyzer), those it keeps (:attr:`~TracedClaim.terms`) when it has them."""
    return claim.terms if claim.terms is not None else analyze(context_document(claim))


def stored_terms(claim: TracedClaim, analyze) -> str:
    """A claim's :func:`context_terms` as stored (``claims.context_terms``): joined by
    spaces (a term holds none), in order."""
    return " ".join(context_terms(claim, analyze))


def read_terms(stored: str) -> list[str]:
    """The context terms of a stored :func:`stored_terms`."""
    return stored.split(" ") if stored else []


def story_vectors(stories: list[tuple], counts: TermCounts | None = None):
    """Each story's named entities (its article's) as TF-IDF rows of unit length: the
    cosine of two articles' rows says how much they name in common, rare names weighing
    more than ones every story names. Weighed by ``counts`` (of the whole corpus) when
    given, else by the stories themselves; returns the rows and the counts used."""
    return weigh([list(names) for names in stories], counts)


def story_penalty(a: TracedClaim, b: TracedClaim, similarity: float, threshold: float) -> float:
    """What :data:`STORY_PENALTY` adds to two claims' distance, given the cosine of their
    articles' named entities and the corpus's :func:`story_threshold` (same article:
    nothing)."""
    if a.article_id == b.article_id:
        return 0.0
    weight = GENERIC_STORY_PENALTY if is_generic(a) or is_generic(b) else STORY_PENALTY
    return weight * min(1.0, max(0.0, 1.0 - similarity / threshold))


def pair_distance(a: TracedClaim, b: TracedClaim, context: float, story: float = 1.0, threshold: float = 1.0) -> float:
    """Distance of two claims given the cosine distance of their contexts and the cosine
    similarity of their stories (:func:`story_vectors`); :data:`APART` when their units,
    values or places rule out one figure.

    This is the rule written out for one pair, as a reader would check it; clustering uses
    :meth:`_Features.distances`, the same rule over arrays, and a test holds the two equal
    on every pair of the demo corpus's claims."""
    if is_restatement(a, b):
        return 0.0
    if scopes_conflict(a.scope, b.scope):
        return APART
    unit = unit_penalty(a, b)
    gap = value_gap(a, b)
    if unit is None or gap is None:
        return APART
    if gap > 0 and a.sentence_id is not None and a.sentence_id == b.sentence_id:
        return APART  # one sentence, two values: compared ("more than Chile (80.2 TWh)"), not restated
    if a.kind in EXACT_KINDS or b.kind in EXACT_KINDS:
        # The same year in two sentences often dates two events: ask for more context.
        return context + EXACT_KIND_PENALTY
    if costated(a, b):
        context = min(context, COSTATED_CONTEXT)
    if bool(a.scope) != bool(b.scope):
        context += ONE_SIDED_SCOPE_PENALTY
    context += story_penalty(a, b, story, threshold)
    if is_vague(a) or is_vague(b):
        # "billions" here and "billions" there say little about being one figure.
        context += VAGUE_PENALTY
    if a.article_id == b.article_id and a.value == b.value and (a.scope or "") == (b.scope or ""):
        # A writer who repeats a figure means the same one: "$6mn" twice in one article
        # (unless one is said of a place or owner the other is not: "7% of GDP", "7% in the US").
        context = min(context, SAME_ARTICLE_CONTEXT)
    return context + unit + VALUE_GAP_PENALTY * gap


# Pairs of articles whose story similarities are held at once (4M: 16 MB as float32).
_STORY_BLOCK = 1 << 22


def _csr(*args):
    from scipy.sparse import csr_matrix

    return csr_matrix(*args)


class _Features:
    """Per-claim arrays for computing many pair distances at once (see :func:`pair_distance`,
    the reference these must match)."""

    def __init__(
        self, claims: list[TracedClaim] | ClaimColumns, story_counts: TermCounts | None = None, lazy_stories: bool = False,
    ):
        """The arrays of ``claims`` (TracedClaims, or :class:`~.columns.ClaimColumns`),
        stories weighed by ``story_counts``; ``lazy_stories``: where many articles meet,
        each story row only as a pair first needs it (:meth:`load_stories`)."""
        self.value, self.low, self.high, self.digits, self.unit_factor = (  # (None: NaN)
            np.array(column(claims, name), dtype=float) for name in ("value", "value_low", "value_high", "digits", "unit_factor"))  # fmt: skip
        # Rules of a claim's kind, worked out once per kind.
        kinds = column(claims, "kind")
        kind_code: dict = {}
        by_kind = np.array([kind_code.setdefault(kind, len(kind_code)) for kind in kinds], dtype=np.int64)

        def of_kind(rule) -> np.ndarray:
            return np.array([rule(kind) for kind in kind_code], dtype=bool)[by_kind]

        self.exact = of_kind(lambda kind: kind in EXACT_KINDS)
        # The value buckets claims are compared within (value_bucket), by code.
        bucket_code: dict = {}
        self.bucket = np.array([bucket_code.setdefault(kind_bucket(kind), len(bucket_code)) for kind in kind_code], dtype=np.int64)[by_kind]
        qualifiers, surfaces = column(claims, "qualifier"), column(claims, "surface")
        ranged = np.array([q == "range" for q in qualifiers], dtype=bool)
        self.vague = np.zeros(len(ranged), dtype=bool)  # (only a range can be said in words)
        self.vague[ranged] = [said_in_words("range", surfaces[i]) for i in np.flatnonzero(ranged).tolist()]
        self.range = ranged & ~np.isnan(self.high)
        del qualifiers, surfaces
        with np.errstate(invalid="ignore"):
            self.small = (self.value == np.floor(self.value)) & (np.abs(self.value) <= SMALL_COUNT)
        # Articles by code, and each article's first claim (whose story stands for it).
        article_ids, first, self.article = np.unique(column(claims, "article_id"), return_index=True, return_inverse=True)
        # Claims of one sentence share a code; claims without a sentence have their own.
        sentences = [s or f"#{n}" for n, s in enumerate(column(claims, "sentence_id"))]
        self.sentence = np.unique(sentences, return_inverse=True)[1]
        del sentences
        # Units and kinds coded once per name, their pairs (unit keys) by numpy.
        unit_names = column(claims, "unit")
        unit_code: dict = {}
        by_unit = np.array([unit_code.setdefault(unit, len(unit_code)) for unit in unit_names], dtype=np.int64)
        pairs, at_pair = np.unique(by_unit * len(kind_code) + by_kind, return_inverse=True)
        names, kind_names = list(unit_code), list(kind_code)
        keys = [(names[p // len(kind_code)] or "", kind_names[p % len(kind_code)]) for p in pairs.tolist()]
        self._unit_keys = sorted(set(keys))
        code = {key: n for n, key in enumerate(self._unit_keys)}
        self.unit = np.array([code[key] for key in keys], dtype=np.int64)[at_pair]
        # related_units of each pair of unit keys, by key pair (inf: not computed yet).
        self._unit_penalties = np.full(len(self._unit_keys) ** 2, np.inf)
        scopes = [scope or "" for scope in column(claims, "scope")]
        self._scope_keys = sorted(set(scopes))
        scope_code = {key: n for n, key in enumerate(self._scope_keys)}
        self.scope = np.array([scope_code[key] for key in scopes], dtype=np.int64)
        self.scoped = np.array([bool(key) for key in scopes], dtype=bool)
        del scopes
        self._places = sum(1 for key in self._scope_keys if key)  # distinct scopes named
        self.generic = of_kind(lambda kind: kind in GENERIC_KINDS) | (self.digits <= GENERIC_DIGITS)
        # Physical units: size in root units (NaN: none) and dimension (-1: none), worked
        # out once per unit name.
        measured = ~np.isnan(self.unit_factor)
        used = np.zeros(len(unit_code), dtype=bool)
        used[by_unit[measured]] = True  # (units of some claim with a size)
        dimensions = [dimension(unit) if use else None for unit, use in zip(unit_code, used.tolist())]
        known = {d: n for n, d in enumerate(sorted({d for d in dimensions if d is not None}))}
        of_unit = np.array([known[d] if d is not None else -1 for d in dimensions], dtype=np.int64)
        self.dimension = np.where(measured, of_unit[by_unit], -1) if len(by_unit) else np.zeros(0, dtype=np.int64)
        # Whether any dimension has claims in two units (else nothing is ever converted).
        self._converts = len([d for d in dimensions if d is not None]) > len(known)
        del unit_names, kinds
        # Values as compared across units: physical ones in root units, the rest as stated.
        self.scale = np.where(np.isnan(self.unit_factor), 1.0, self.unit_factor)
        self.comparable = self.value * self.scale
        # The magnitudes each claim spans (a range from its lowest end to its highest, from
        # zero when it crosses zero) and how far beyond them its digits let it reach
        # (values_may_meet; labels reach only their value), with a margin for the rounding
        # in value_gap's logarithms.
        ends = [np.abs(self.comparable), np.abs(self.low * self.scale), np.abs(self.high * self.scale)]
        lowest = np.where(self.low * self.high <= 0, 0.0, np.fmin(np.fmin(ends[0], ends[1]), ends[2]))
        self._low_magnitude = np.where(self.range, lowest, ends[0])
        self._high_magnitude = np.where(self.range, np.fmax(np.fmax(ends[0], ends[1]), ends[2]), ends[0])
        allowance = np.where(self.exact, 1.0, 1.0 + (MAX_VALUE_RATIO - 1.0) / self.digits) * (1 + 1e-6)
        self._reach_up = self._high_magnitude * allowance
        self._reach_down = self._low_magnitude / allowance
        self._digit_range = self.range & ~self.vague & ~self.exact
        self._plain_point = ~self.range & ~self.exact
        # Each article's story (the names it gives, None where the claims' columns left
        # them unread: ClaimColumns.names reads them) and its row (story_vectors), by code.
        stories = column(claims, "story")
        self._story_names, self._read_names = [stories[i] for i in first.tolist()], getattr(claims, "names", None)
        del stories
        # (the corpus's articles, which the counts were taken over, not only these claims')
        self.story_threshold = story_threshold(story_counts.documents if story_counts else len(first))
        self.story_counts, self._story_loaded, self._article_ids = story_counts, None, article_ids
        if lazy_stories and story_counts is not None and len(first) ** 2 > _STORY_BLOCK:
            # Rows weighed as their pairs first need them (load_stories), in the columns of
            # every term counted: an update reaches a hundred thousand articles and needs the
            # stories of a third.
            self._story_loaded = np.zeros(len(first), dtype=bool)
            self._story_columns = {term: n for n, term in enumerate(sorted(story_counts.counts))}
            self.stories = _csr((len(first), len(self._story_columns)))
        else:
            self._name_stories(range(len(first)))
            self.stories, self.story_counts = story_vectors(self._story_names, story_counts) if len(first) else (None, story_counts)
            self._story_names = self._article_ids = None  # (a rebuild's hundreds of thousands of ids: not kept)
        # Few enough articles: every pair's similarity at once, in bounded memory.
        self._story_table = (
            (self.stories @ self.stories.T).toarray().astype(np.float32)
            if self._story_loaded is None and self.stories is not None and len(first) ** 2 <= _STORY_BLOCK else None
        )
        # The values beside each claim in its sentence, as rows of key codes (-1: none).
        self.costated = _key_codes(column(claims, "costated"))
        self.has_costated = self.costated[:, 0] >= 0
        # Each claim's codes as bits of one word (code mod 64): two claims whose words share
        # no bit share no code, which rules out most pairs with one operation.
        bits = np.where(self.costated >= 0, np.left_shift(np.uint64(1), (self.costated % 64).astype(np.uint64)), np.uint64(0))
        self.costated_bits = np.bitwise_or.reduce(bits, axis=1) if len(self.value) else np.zeros(0, dtype=np.uint64)
        # scopes_conflict of each pair of scopes, by pair, as they are needed.
        self._scope_conflicts: dict[int, bool] = {}
        # One group's story table while in stories_of: (article -> row or -1, table).
        self._local_stories = None

    @property
    def stories_deferred(self) -> bool:
        """Whether story rows are weighed as first needed (:meth:`load_stories`)."""
        return self._story_loaded is not None

    def load_stories(self, codes: np.ndarray) -> None:
        """Weigh the story rows of these article codes not weighed yet (when deferred):
        each row what weighing every article at once makes it (the same terms in the same
        order, weighed by the same counts), so similarities do not depend on what was asked
        for first."""
        if self._story_loaded is None:
            return
        codes = np.unique(codes)
        codes = codes[~self._story_loaded[codes]]
        if not len(codes):
            return
        self._name_stories(codes.tolist())
        names = [self._story_names[c] for c in codes.tolist()]
        rows, _ = story_vectors(names, self.story_counts)
        terms = sorted({term for story in names for term in story})  # (the rows' columns, as weigh numbers them)
        if any(term not in self._story_columns for term in terms):
            self._widen_stories(terms)
        at = np.array([self._story_columns[term] for term in terms], dtype=np.int32)
        rows = _csr((rows.data, at[rows.indices] if len(at) else rows.indices, rows.indptr), (len(codes), self.stories.shape[1]))
        placed = _csr((np.ones(len(codes)), (codes, np.arange(len(codes)))), (self.stories.shape[0], len(codes))) @ rows
        self.stories = (self.stories + placed).tocsr()
        self.stories.sort_indices()
        self._story_loaded[codes] = True

    def _widen_stories(self, terms: list[str]) -> None:
        """Columns for story terms the counts lack (names of articles edited since they
        were counted): every column renumbered in term order."""
        widened = sorted(set(self._story_columns).union(terms))
        renumbered = {term: n for n, term in enumerate(widened)}
        old = np.array([renumbered[term] for term in sorted(self._story_columns, key=self._story_columns.get)], dtype=np.int32)
        self.stories = _csr((self.stories.data, old[self.stories.indices], self.stories.indptr), (self.stories.shape[0], len(widened)))
        self._story_columns = renumbered

    def _name_stories(self, codes) -> None:
        """Read the names of the articles of these codes whose stories are unread."""
        unread = [c for c in codes if self._story_names[c] is None]
        if unread:
            names = self._read_names([str(self._article_ids[c]) for c in unread])
            for c in unread:
                self._story_names[c] = names[str(self._article_ids[c])]

    def unit_penalties(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """:func:`related_units` for every pair (NaN: unrelated), one call per pair of units;
        ``rows`` and ``cols`` are claim indices that broadcast together."""
        size = len(self._unit_keys)
        pairs = self.unit[rows] * size + self.unit[cols]
        penalties = self._unit_penalties[pairs]
        missing = np.isinf(penalties)  # (unit pairs not met before: soon none)
        if missing.any():
            for pair in np.unique(pairs[missing]).tolist():
                a, b = self._unit_keys[pair // size], self._unit_keys[pair % size]
                penalty = related_units(a[0], a[1], b[0], b[1])
                self._unit_penalties[pair] = np.nan if penalty is None else penalty
            penalties = self._unit_penalties[pairs]
        return penalties

    @contextmanager
    def stories_of(self, members: np.ndarray):
        """Within it, the story similarities of every pair of these claims' articles are
        read from one table, worked out on entering (when they are few enough to hold):
        for the many pair computations of one group."""
        articles = np.unique(self.article[members])
        self.load_stories(articles)
        if self._story_table is not None or self.stories is None or len(articles) ** 2 > _STORY_BLOCK:
            yield
            return
        local = np.full(self.stories.shape[0], -1)  # (a row per article code)
        local[articles] = np.arange(len(articles))
        self._local_stories = (local, (self.stories[articles] @ self.stories[articles].T).toarray())
        try:
            yield
        finally:
            self._local_stories = None

    def story_penalties(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """:func:`story_penalty` of every pair: the articles' similarities read from the
        table of every pair when there are few articles (or of a group's, in
        :meth:`stories_of`), else as one product of the rows of the articles that meet (or,
        when very many meet at once, pair by pair)."""
        rows, cols = np.broadcast_arrays(rows, cols)
        a, b = self.article[rows].ravel(), self.article[cols].ravel()
        if self._story_table is not None:
            similarity = self._story_table[a, b]
        elif self._local_stories is not None and (self._local_stories[0][a] >= 0).all() and (self._local_stories[0][b] >= 0).all():
            local, table = self._local_stories
            similarity = table[local[a], local[b]]
        else:
            self.load_stories(np.concatenate([a, b]))
            first, at_first = np.unique(a, return_inverse=True)
            second, at_second = np.unique(b, return_inverse=True)
            if len(first) * len(second) <= _STORY_BLOCK:
                similarity = (self.stories[first] @ self.stories[second].T).toarray()[at_first, at_second]
            else:
                similarity = np.asarray(self.stories[a].multiply(self.stories[b]).sum(axis=1)).ravel()
        weight = np.where(self.generic[rows].ravel() | self.generic[cols].ravel(), GENERIC_STORY_PENALTY, STORY_PENALTY)
        penalty = np.where(a == b, 0.0, weight * np.clip(1.0 - similarity / self.story_threshold, 0.0, 1.0))
        return penalty.reshape(rows.shape)

    def shares_costated(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """:func:`costated` of every pair (index arrays of one shape)."""
        rows, cols = rows.ravel(), cols.ravel()
        shared = np.zeros(len(rows), dtype=bool)
        # (only pairs of two claims with values beside them, in two articles, can share one)
        both = ((self.costated_bits[rows] & self.costated_bits[cols]) != 0) & (self.article[rows] != self.article[cols])
        if both.any():
            a, b = self.costated[rows[both]], self.costated[cols[both]]
            shared[both] = ((a[:, :, None] == b[:, None, :]) & (a[:, :, None] >= 0)).any(axis=(1, 2))
        return shared

    def scope_conflicts(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """:func:`scopes_conflict` for every pair, one call per pair of distinct scopes."""
        size = len(self._scope_keys)
        if self._places <= 1:  # one place at most: nothing conflicts
            return np.zeros(np.broadcast(rows, cols).shape, dtype=bool)
        pairs = self.scope[rows] * size + self.scope[cols]
        needed, inverse = np.unique(pairs, return_inverse=True)
        known = self._scope_conflicts
        for pair in needed.tolist():
            if pair not in known:
                known[pair] = scopes_conflict(self._scope_keys[pair // size], self._scope_keys[pair % size])
        return np.array([known[p] for p in needed.tolist()], dtype=bool)[inverse].reshape(pairs.shape)

    def distances(self, rows: np.ndarray, cols: np.ndarray, cosine: np.ndarray) -> np.ndarray:
        """:func:`pair_distance` of every (row, col) pair, restatements aside: a matrix."""
        return self.pair_distances(rows[:, None], cols[None, :], cosine)

    def pair_distances(
        self, rows: np.ndarray, cols: np.ndarray, cosine: np.ndarray, within: float | None = None, stories: bool = True
    ) -> np.ndarray:
        """:func:`pair_distance` of claims ``rows`` and ``cols`` (index arrays that broadcast
        together: a matrix of pairs, or two lists of pairs), restatements aside. Each pair's
        distance is computed from that pair alone, whatever else is computed with it.

        ``within``: for callers that only ask which pairs are closer than it. A pair at or
        beyond it before its story penalty (never negative) is left there, its story not
        worked out: in blocking 16,000 generated articles, four pairs in five. ``stories``
        False: no pair's story penalty is worked out, so each distance is at most the
        pair's (where stories are deferred, a first pass finds the pairs whose stories
        can matter)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            rows, cols = np.broadcast_arrays(rows, cols)
            shape = rows.shape
            rows, cols = rows.ravel(), cols.ravel()
            cosine = np.broadcast_to(np.asarray(cosine, dtype=float), shape).ravel()
            gap = self._value_gaps(rows, cols)
            unit = self.unit_penalties(rows, cols)
            compared = (self.sentence[rows] == self.sentence[cols]) & (gap > 0)
            live = np.flatnonzero(~(np.isnan(gap) | np.isnan(unit) | compared))
            # (everything after is worked out only for the pairs still in play)
            scoped = self.scoped[rows[live]] & self.scoped[cols[live]]
            if scoped.any():
                conflict = np.zeros(len(live), dtype=bool)
                conflict[scoped] = self.scope_conflicts(rows[live[scoped]], cols[live[scoped]])
                live = live[~conflict]
            r, c, cos, gap, unit = rows[live], cols[live], cosine[live], gap[live], unit[live]
            exact = self.exact[r] | self.exact[c]
            context = cos.copy()
            open_pairs = ~exact
            if self.has_costated.any():
                # (only where it would lower the context: the pairs further apart than it)
                lowered = np.flatnonzero(open_pairs & (context > COSTATED_CONTEXT))
                shared = self.shares_costated(r[lowered], c[lowered])
                context[lowered[shared]] = COSTATED_CONTEXT
            context += np.where(self.vague[r] | self.vague[c], VAGUE_PENALTY, 0.0)
            context += np.where(self.scoped[r] != self.scoped[c], ONE_SIDED_SCOPE_PENALTY, 0.0)
            # (the story only of pairs still in play: the others are apart whatever it says)
            storied = open_pairs if stories else np.zeros(len(r), dtype=bool)
            if within is not None:
                storied = storied & (context + unit + VALUE_GAP_PENALTY * gap < within)
            story = np.zeros(len(r))
            story[storied] = self.story_penalties(r[storied], c[storied])
            context += story
            repeated = (self.article[r] == self.article[c]) & (self.value[r] == self.value[c]) & (self.scope[r] == self.scope[c])
            context = np.where(repeated, np.minimum(context, SAME_ARTICLE_CONTEXT), context)
            distance = np.full(len(rows), APART)
            distance[live] = np.where(exact, cos + EXACT_KIND_PENALTY, context + unit + VALUE_GAP_PENALTY * gap)
            return distance.reshape(shape)

    def _value_gaps(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """:func:`value_gap` of every pair (NaN where it is None)."""
        # Values in another unit of the row's dimension, converted to the row's unit.
        if self._converts:
            convert = (self.unit[rows] != self.unit[cols]) & (self.dimension[rows] == self.dimension[cols]) & (self.dimension[rows] >= 0)
            factor = np.where(convert, self.unit_factor[cols] / np.where(convert, self.unit_factor[rows], 1.0), 1.0)
        else:
            convert, factor = np.False_, 1.0
        a, b = self.value[rows], self.value[cols] * factor
        factor = np.broadcast_to(factor, a.shape)  # (a factor per pair, to take the pairs of each rule)
        equal = _close(a, b)
        gap = np.full(np.broadcast(a, b).shape, np.nan)
        exact = self.exact[rows] | self.exact[cols]
        gap[exact & equal] = 0.0
        # (from here each rule is worked out only for the pairs it applies to: most pairs
        # of a group are plain values, and a rebuild computes tens of millions of them)
        # A range against a single value: only a magnitude in words, holding the value.
        range_a, range_b = self.range[rows], self.range[cols]
        mixed = ~exact & (range_a != range_b)
        if mixed.any():
            m = np.flatnonzero(mixed)
            ra, rm, cm = range_a[m], rows[m], cols[m]
            span_low = np.where(ra, self.low[rm], self.low[cm] * factor[m])
            span_high = np.where(ra, self.high[rm], self.high[cm] * factor[m])
            span_vague = np.where(ra, self.vague[rm], self.vague[cm])
            point = np.where(ra, b[m], a[m])
            gap[m[span_vague & (span_low <= point) & (point <= span_high)]] = 1.0
        plain = ~exact & ~mixed & (a != 0) & (b != 0) & (np.sign(a) == np.sign(b)) & ~np.isnan(a) & ~np.isnan(b)
        small = self.small[rows] & self.small[cols] & (a != b) & ~convert  # (a converted value is no count)
        p = np.flatnonzero(plain & ~small)
        ratio = np.abs(np.log(a[p] / b[p]))
        close = ratio <= math.log(MAX_VALUE_RATIO) + 1e-12
        p, ratio = p[close], ratio[close]
        pa, pb, da, db = a[p], b[p], self.digits[rows[p]], self.digits[cols[p]]
        # (rounding is worked out only for the pairs it can decide: close, unequal values)
        rounded = equal[p]
        need = ~rounded
        if need.any():
            rounded[need] = (_rounds_to(pa[need], da[need], pb[need], db[need])
                             | _rounds_to(pb[need], db[need], pa[need], da[need]))  # fmt: skip
        limit = np.log(1 + (MAX_VALUE_RATIO - 1) / np.minimum(da, db))
        gap[p] = np.where(rounded, 0.0, np.where(ratio <= limit + 1e-12, ratio / limit, np.nan))
        # Two ranges that overlap and share an end: the other end moved ("10-20", "5-20").
        both = ~exact & range_a & range_b & np.isnan(gap)
        if not both.any():
            return gap
        r = np.flatnonzero(both)
        low_a, high_a = self.low[rows[r]], self.high[rows[r]]
        low_b, high_b = self.low[cols[r]] * factor[r], self.high[cols[r]] * factor[r]
        shared_end = _close(low_a, low_b) | _close(high_a, high_b)
        gap[r[(low_a <= high_b) & (low_b <= high_a) & shared_end]] = 1.0
        return gap

    def values_may_meet(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """False for each pair (index arrays that broadcast together) whose value gap is
        surely undefined, and so its distance :data:`APART` uncomputed; True where it may be.

        Two values meet only within the allowance of the fewer digits of the two,
        1 + (:data:`MAX_VALUE_RATIO` - 1) / n, which holds every rounding too (a value rounded
        to n >= 2 digits moves by at most 0.5 / 10^(n-1), inside it; with one digit the
        allowance is the whole ratio); years and ranks only when equal; a range meets what
        lies within its ends or near them, and a range in digits no single value but a
        label. So two claims meet when the magnitudes they span, widened by the larger
        allowance of the two, overlap: four comparisons of bounds worked out per claim.
        (Measured: at 16,000 generated articles most pairs a rebuild compared were precise
        values, years or ranges within the ratio but not meeting.)"""
        low_a, high_a, low_b, high_b = (
            self._low_magnitude[rows], self._high_magnitude[rows], self._low_magnitude[cols], self._high_magnitude[cols])
        near = ((low_b <= self._reach_up[rows]) | (self._reach_down[cols] <= high_a)) & (
            (low_a <= self._reach_up[cols]) | (self._reach_down[rows] <= high_b))
        # A range in digits meets ranges only ("$2 million to $5 million" holds no figure),
        # and labels (years, ranks) whatever their form
        return near & ~((self._digit_range[rows] & self._plain_point[cols]) | (self._plain_point[rows] & self._digit_range[cols]))

    def comparable_pairs(self, members: np.ndarray, chunk: int | None = None):
        """Positions (i, j) in ``members``, each pair once, of every pair whose distance may
        be under :data:`APART`: a superset (magnitudes within :data:`MAX_VALUE_RATIO` of each
        other, both zero, or one a range); every other pair is :data:`APART`.

        Yields ``(i, j)`` arrays of about ``chunk`` pairs each (all at once when None), so a
        large group's pairs need not be held at once."""
        ranged = self.range[members]
        plain = np.flatnonzero(~ranged)
        magnitude = np.abs(self.comparable[members[plain]])
        order = plain[np.argsort(magnitude, kind="stable")]  # NaN last
        ordered = np.abs(self.comparable[members[order]])
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
            keep = self.values_may_meet(members[first], members[second]) if len(first) else first.astype(bool)
            first, second = first[keep], second[keep]
            if len(first):
                yield first.astype(np.int64), second.astype(np.int64)
        # A range may hold any value: it is paired with every other claim; ranges' pairs
        # go in chunks of about ``chunk`` too (one computation a range cost more than its
        # pairs where a group holds hundreds of ranges).
        firsts, seconds, held = [], [], 0
        for r in np.flatnonzero(ranged):
            others = np.concatenate([np.flatnonzero(~ranged[:r]), np.arange(r + 1, len(members))])
            if not len(others):
                continue
            firsts.append(np.full(len(others), r, dtype=np.int64))
            seconds.append(others.astype(np.int64))
            held += len(others)
            if chunk is not None and held >= chunk:
                yield np.concatenate(firsts), np.concatenate(seconds)
                firsts, seconds, held = [], [], 0
        if firsts:
            yield np.concatenate(firsts), np.concatenate(seconds)


def _key_codes(key_sets: list[frozenset]) -> np.ndarray:
    """Sets of keys as rows of key codes (one code per distinct key), padded with -1: a
    claim x :data:`COSTATED_MAX` array, which pairs of rows compare at once."""
    codes: dict[str, int] = {}
    table = np.full((len(key_sets), COSTATED_MAX), -1, dtype=np.int32)
    for n, keys in enumerate(key_sets):
        if keys:  # (most claims state no other value)
            for m, key in enumerate(sorted(keys)):
                table[n, m] = codes.setdefault(key, len(codes))
    return table


def _round_significant(values: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """:func:`round_significant` over arrays."""
    magnitude = np.floor(np.log10(np.abs(np.where(values == 0, 1, values))))
    factor = 10.0 ** (magnitude - digits + 1)
    return np.where(values == 0, 0.0, np.round(values / factor) * factor)


def _rounds_to(precise, precise_digits, rounded, rounded_digits) -> np.ndarray:
    """:func:`rounds_to` over arrays of one shape (rounding worked out only where the
    rounded value has no more digits than the precise one: elsewhere it cannot be)."""
    fewer = rounded_digits <= precise_digits
    result = np.zeros(fewer.shape, dtype=bool)
    result[fewer] = _close(_round_significant(precise[fewer], rounded_digits[fewer]), rounded[fewer])
    return result


def _close(a, b) -> np.ndarray:
    """``np.isclose(a, b, rtol=1e-9, atol=0)`` for finite values (NaN: False), without its
    checks for infinities, which no value here is."""
    return np.abs(a - b) <= 1e-9 * np.abs(b)
