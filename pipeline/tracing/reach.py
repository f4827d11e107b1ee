"""Reach: which stored claims an update must compare its new claims with, found through an
index instead of by reading every claim of a reachable value.

Blocking links two claims only when their values can be compared (one within
:data:`~pipeline.tracing.values.MAX_VALUE_RATIO` of the other, in one bucket) and they
share something: a word of their contexts (else their cosine distance is 1, the
threshold), their article, or a value stated beside both (:func:`~.values.costated`).
So each claim is indexed in ``trace_postings`` under a key for each of those, with its
value as compared (root units; fractions as percentages): an update probes, for each new
claim and key, the band of values it reaches, and reads only the stored claims found.
Keys are CRC-32s of the terms: a collision only adds a claim that blocking then compares
and leaves apart, so the claims found are a superset of those a new claim can link to.
Updates add their rows apart (``trace_postings_added``, folded in once many): both are read.
Ranges (whose reach runs past their value) are indexed apart, in
``trace_range_postings``, with the span of values each reaches; claims of a new claim's
sentence (which restate it across units) are added by a plain query. An update caps what it finds through
words (:func:`reachable_rowids` ``per_claim``): past the cap the reach is no longer a
superset, by design, where common words are shared by most of the corpus.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from .distance import context_terms
from .values import CLAIM_COLUMNS, MAX_VALUE_RATIO, TracedClaim, value_bucket
from .vectors import TermCounts, context_analyzer

if TYPE_CHECKING:
    import sqlite_utils

# Claims tokenized at once while writing postings (what is held beside them).
POSTING_CHUNK = 20_000


def comparable_value(claim: TracedClaim) -> float | None:
    """The value blocking compares: in root units for a physical unit, else as stated
    (fractions are percentages already); None when there is none to compare."""
    if claim.value is None or math.isnan(claim.value):
        return None
    return claim.value * (claim.unit_factor or 1.0)


def posting_keys(claim: TracedClaim, terms: Iterable[str]) -> set[int]:
    """The keys a claim is indexed under: its context terms (``terms``, as the context
    analyzer gives them), its article and the values stated beside it."""
    return set(_keyed_terms(claim, terms))


def _keyed_terms(claim: TracedClaim, terms: Iterable[str]) -> dict[int, str]:
    """:func:`posting_keys` with what each key stands for: a context term, or
    :data:`ARTICLE` or :data:`COSTATED` (which blocking links by whatever words say)."""
    keyed: dict[int, str] = {_crc(term): term for term in terms}
    for text in _other_keys(claim):
        keyed[_crc(text)] = ARTICLE if text.startswith("article ") else COSTATED
    return keyed


def _other_keys(claim: TracedClaim) -> list[str]:
    """What a claim is indexed under besides its words: its article, the values beside it."""
    return [f"article {claim.article_id}", *(f"costated {key}" for key in claim.costated)]


# What a key stands for when it is no word (words hold no space).
ARTICLE, COSTATED = " article", " costated"


def posting_rows(
    claims: list[TracedClaim], rowids: list[int], progress=None, weighed: tuple | None = None
) -> Iterator[tuple[int, float, int]]:
    """Rows of ``trace_postings`` (key, comparable value, claim rowid) for these claims, a
    chunk at a time so that only one chunk's rows are held, each chunk in key order;
    ``progress`` (stage, done, total) is told of the claims indexed (:data:`INDEXING`).

    ``weighed``: the claims' context rows as weighed already (the sparse matrix and its
    columns' terms, as :func:`~.vectors.weigh` gives them for these claims in this order):
    a rebuild has them, and reads each claim's terms from its row instead of tokenizing
    every context again."""
    analyze = None if weighed is not None else context_analyzer()
    term_keys = np.fromiter((_crc(t) for t in weighed[1]), dtype=np.int64, count=len(weighed[1])) if weighed else None
    for start in range(0, len(claims), POSTING_CHUNK):
        if progress:
            progress(INDEXING, start, len(claims))
        chunk = range(start, min(start + POSTING_CHUNK, len(claims)))
        if weighed is None:
            rows = []
            for n in chunk:
                value = comparable_value(claims[n])
                if value is not None:
                    rows.extend((key, value, rowids[n]) for key in posting_keys(claims[n], context_terms(claims[n], analyze)))
            rows.sort()  # (inserted in key order, the index grows at its end)
            yield from rows
        else:
            yield from _weighed_posting_rows(claims, rowids, chunk, weighed[0], term_keys)
    if progress:
        progress(INDEXING, len(claims), len(claims))


def _weighed_posting_rows(claims, rowids, chunk: range, vectors, term_keys: np.ndarray):
    """:func:`posting_rows` of the claims ``chunk`` (a range of positions) in key order,
    their words read from the columns of their rows in ``vectors`` (keyed ``term_keys``)."""
    indptr = vectors.indptr
    owners = np.repeat(np.arange(chunk.start, chunk.stop), np.diff(indptr[chunk.start : chunk.stop + 1]))
    keys = term_keys[vectors.indices[indptr[chunk.start] : indptr[chunk.stop]]]
    others = [(n, _crc(text)) for n in chunk for text in _other_keys(claims[n])]
    owners = np.concatenate([owners, np.array([n for n, _ in others], dtype=np.int64)])
    keys = np.concatenate([keys, np.array([key for _, key in others], dtype=np.int64)])
    values = np.array([v if (v := comparable_value(claims[n])) is not None else np.nan for n in chunk])[owners - chunk.start]
    claim_rowids = np.asarray(rowids[chunk.start : chunk.stop], dtype=np.int64)[owners - chunk.start]
    keep = ~np.isnan(values)
    keys, values, claim_rowids = keys[keep], values[keep], claim_rowids[keep]
    order = np.lexsort((claim_rowids, values, keys))
    keys, values, claim_rowids = keys[order], values[order], claim_rowids[order]
    # a key twice for one claim (two texts of one CRC) is one row: the two are adjacent
    once = np.ones(len(keys), dtype=bool)
    once[1:] = (keys[1:] != keys[:-1]) | (claim_rowids[1:] != claim_rowids[:-1])
    return zip(keys[once].tolist(), values[once].tolist(), claim_rowids[once].tolist())


INDEXING = "indexing claims"


def reachable_rowids(
    db: sqlite_utils.Database, claims: list[TracedClaim], rowids: list[int],
    counts: TermCounts | None = None, per_claim: int | None = None,
) -> set[int]:
    """Rowids of the stored claims the ``claims`` (of ``rowids``) may link to, the claims
    themselves included: a superset of those blocking links them to (see the module's
    docstring). With ``per_claim``, the claims found through context words are, for each
    new claim, only the ``per_claim`` that share the most of its words by weight (idf by
    ``counts``, as the new claim's TF-IDF row weighs them): where common words are shared
    by tens of thousands of claims, those that share its rare words are the ones it can
    be one figure with. So are those found through a value stated beside it (in dense
    corpora a pair of values such as "$6 million ... $1.6 billion" is restated by
    thousands): the ``per_claim`` of them that share the most of its words. Claims of its
    article are all found."""
    analyze = context_analyzer()
    common = _common_words(counts) if per_claim is not None else frozenset()
    probes, weighed = [], []
    for number, claim in enumerate(claims):
        value = comparable_value(claim)
        if value is None:
            weighed.append(None)
            continue
        top = value if claim.value_high is None else claim.value_high * (claim.unit_factor or 1.0)
        ends = [value / MAX_VALUE_RATIO, value * MAX_VALUE_RATIO, top * MAX_VALUE_RATIO, value]
        low, high = min(ends), max(ends)
        low, high = low - abs(low) * 1e-9, high + abs(high) * 1e-9
        keyed = _keyed_terms(claim, context_terms(claim, analyze))
        words = [term for term in keyed.values() if term not in (ARTICLE, COSTATED)]
        weight = dict(zip(words, _word_weights(words, counts)))
        weighed.append(weight)
        # (weight, gate): a word weighs what it weighs in the claim's row; a value stated
        # beside it weighs nothing but lets the claims found through it be ranked too.
        scored = {ARTICLE: (None, 0), COSTATED: (0.0, 1)}
        probes.extend((number, key, low, high, *(scored.get(term) or (weight[term], 0)))
                      for key, term in keyed.items() if term not in common)  # fmt: skip
    found = set(rowids)
    db.execute("create temp table if not exists reach_probes"
               " (position integer primary key, probe integer, key integer, low real, high real, weight real, gate integer)")  # fmt: skip
    db.execute("delete from temp.reach_probes")
    db.conn.executemany("insert into temp.reach_probes values (?, ?, ?, ?, ?, ?, ?)", ((n, *probe) for n, probe in enumerate(probes)))
    match = "p.term = q.key and p.value between q.low and q.high"
    every = "1" if per_claim is None else "q.weight is null"  # (capped: the claims of its article)
    found.update(r[0] for r in db.execute(
        " union ".join(f"select p.claim from temp.reach_probes q join {table} p on {match} where {every}" for table in POSTINGS)
    ))  # fmt: skip
    if per_claim is not None:
        # Each claim found through words or a value stated beside both, with the weight of
        # the words it shares with the new claim: the most of those sharing words, and the
        # most of those sharing a value, are compared.
        found.update(_top_found(
            _postings_found(db, "temp.reach_probes", POSTINGS, match, "q.key, q.low, q.high", "q.weight is not null"),
            probes, per_claim,
        ))  # fmt: skip
    db.execute("delete from temp.reach_probes")
    found.update(_ranges_reaching(db, claims, weighed, per_claim, common))
    found.update(r[0] for r in db.execute(
        "select rowid from claims where sentence_id in"
        " (select sentence_id from claims where rowid in (select value from json_each(?)))",
        [json.dumps(sorted(rowids))],
    ))  # fmt: skip
    return found


# The claims' index as reach reads it: as last written whole, and the rows updates added
# since (kept apart until they are many: pipeline.store.schema).
POSTINGS = ("trace_postings", "trace_postings_added")

# Claims of a new claim's band of values that a word (or a value stated beside it) may be
# shared by and still find claims for a capped reach: past it, the word is as common there
# as a stop word, and the claims sharing it were most of what a large corpus's reach read.
BAND_CLAIMS = 200

# Share of all claims a word may be in and still find claims for a capped reach, and the
# claims it must be in besides to be left out: a word in more (a large corpus's own stop
# words: "billion", "company") weighs a third of a rare one in a context row, seldom
# decides which claims share the most, and made most of the rows the reach ranked (16,000
# generated articles: 1.37 M rows, 2.9 s; without: 0.95 s, with 95 % of the same claims
# found). In a small corpus no word has that many claims: every word is probed.
COMMON_WORD_SHARE = 0.1
COMMON_WORD_CLAIMS = 2_000


def _common_words(counts: TermCounts | None) -> frozenset[str]:
    """The words of more than :data:`COMMON_WORD_SHARE` of the claims ``counts`` counts
    and more than :data:`COMMON_WORD_CLAIMS` claims."""
    if counts is None:
        return frozenset()
    limit = max(COMMON_WORD_SHARE * counts.documents, COMMON_WORD_CLAIMS)
    return frozenset(term for term, documents in counts.counts.items() if documents > limit)


def _word_weights(words: list[str], counts: TermCounts | None) -> list[float]:
    """Each word's weight in its claim's context row, near enough to rank by: its idf (by
    ``counts``) over the norm of the row's idfs, as the row weighs a word said once (names,
    said twice, weigh a little more there); equal weights without counts."""
    if not words:
        return []
    idf = counts.idf(words) if counts is not None else np.ones(len(words))
    return (idf / np.linalg.norm(idf)).tolist()


def range_posting_rows(db: sqlite_utils.Database, rowids: list[int] | None = None) -> Iterator[tuple[int, float, float, int, int]]:
    """Rows of ``trace_range_postings`` (key, low, high, article key, claim rowid) for the
    stored ranges (of ``rowids``, or all of them), with the span of values each reaches, its
    value to its top times :data:`MAX_VALUE_RATIO` (the postings find a range only by its
    low end). Each range is indexed under its value bucket (:func:`~.values.value_bucket`),
    its article, and each word of its context and sentence with each order of magnitude
    its span covers (:func:`_magnitudes`): a probe for a word then reads the ranges of its
    value's order of magnitude, not every range of that word below its value."""
    analyze = context_analyzer()
    restrict = " and c.rowid in (select value from json_each(?))" if rowids is not None else ""
    for row in db.execute(
        f"select {', '.join('c.' + c for c in CLAIM_COLUMNS)}, c.context, coalesce(s.text, ''), c.rowid"
        f" from claims c left join sentences s on s.id = c.sentence_id where c.value_high > c.value{restrict}",
        [] if rowids is None else [json.dumps(sorted(rowids))],
    ):  # fmt: skip
        stored = TracedClaim(*row[: len(CLAIM_COLUMNS)])
        if (low := comparable_value(stored)) is None:
            continue
        top = stored.value_high * (stored.unit_factor or 1.0) * MAX_VALUE_RATIO
        low, top = min(low, top), max(low, top)
        low, top = low - abs(low) * 1e-9, top + abs(top) * 1e-9
        bucket, article = value_bucket(stored), _crc(stored.article_id)
        words = sorted(set(analyze(f"{row[-3] or ''} {row[-2]}")))
        spans = _magnitudes(low, top)
        keys = [bucket, f"{bucket} article {stored.article_id}", *(f"{bucket} {word} {m}" for word in words for m in spans)]
        for key in keys:
            yield _crc(key), low, top, article, row[-1]


# Orders of magnitude a range may span and be indexed under each (past it, or across zero,
# it is indexed as WIDE, which every probe reads too).
MOST_MAGNITUDES = 6
WIDE = "*"


def _magnitudes(low: float, high: float) -> list[str]:
    """The orders of magnitude ("+6": 1e6 to 1e7, "-2": -100 to -1000) a span of values
    covers, or [:data:`WIDE`] when it crosses zero or covers more than
    :data:`MOST_MAGNITUDES`."""
    if low > 0:
        sign, small, large = "+", low, high
    elif high < 0:
        sign, small, large = "-", -high, -low
    else:
        return [WIDE]
    if not math.isfinite(large):
        return [WIDE]
    first, last = math.floor(math.log10(small)), math.floor(math.log10(large))
    return [WIDE] if last - first >= MOST_MAGNITUDES else [f"{sign}{m}" for m in range(first, last + 1)]


def _magnitude(value: float) -> list[str]:
    """The keys a value's probe reads: its order of magnitude (:func:`_magnitudes`) and
    :data:`WIDE`."""
    if value == 0 or not math.isfinite(value):
        return [WIDE]
    return [_magnitudes(value, value)[0], WIDE]


def _crc(text: str) -> int:
    """The key a term is stored under in the postings: its CRC-32."""
    return zlib.crc32(text.encode())


def _ranges_reaching(
    db: sqlite_utils.Database, claims: list[TracedClaim], weighed: list[dict | None], per_claim: int | None = None,
    common: frozenset[str] = frozenset(),
) -> set[int]:
    """Rowids of the stored ranges whose span (:func:`range_posting_rows`) holds the value
    of a claim it can be compared with (one :func:`~.values.value_bucket`), found through
    ``trace_range_postings``. Without ``per_claim``, all of them (a superset). With it,
    those that share a word or the article with the claim (``weighed``: each claim's
    context words with their weights, None for a claim with no value; a range's words are
    those of its context and sentence, so one sharing only a name joined into one term, or
    only a value stated beside both, is left): all of its article and at most ``per_claim``
    others, those sharing the most weight of its words (``common`` words aside, as the
    postings are ranked)."""
    probes = []
    for number, (claim, weights) in enumerate(zip(claims, weighed)):
        if weights is None:
            continue
        bucket, value, article = value_bucket(claim), comparable_value(claim), _crc(claim.article_id)
        if per_claim is None:
            probes.append((number, _crc(bucket), value, None, 0, article))
            continue
        probes.append((number, _crc(f"{bucket} article {claim.article_id}"), value, None, 0, article))
        magnitudes = _magnitude(value)
        probes.extend((number, _crc(f"{bucket} {word} {m}"), value, weight, 0, article)
                      for word, weight in weights.items() if word not in common for m in magnitudes)  # fmt: skip
    db.execute("create temp table if not exists range_probes"
               " (position integer primary key, probe integer, key integer, value real, weight real, gate integer, article integer)")  # fmt: skip
    db.execute("delete from temp.range_probes")
    db.conn.executemany("insert into temp.range_probes values (?, ?, ?, ?, ?, ?, ?)", ((n, *probe) for n, probe in enumerate(probes)))
    match = "p.term = q.key and p.low <= q.value and p.high >= q.value"
    found = {r[0] for r in db.execute(f"select distinct p.claim from temp.range_probes q join trace_range_postings p on {match}"
                                      " where q.weight is null")}  # fmt: skip
    if per_claim is not None:  # (as for claims: a word more than BAND_CLAIMS ranges reaching the value share finds none)
        found.update(_top_found(
            _postings_found(db, "temp.range_probes", ("trace_range_postings",), match, "q.key, q.value, q.article", "q.weight is not null",
                            "p.article != q.article"),  # fmt: skip
            [probe[:-1] for probe in probes], per_claim,
        ))  # fmt: skip
    db.execute("delete from temp.range_probes")
    return found


def _stable_order(major: np.ndarray, minor: np.ndarray) -> np.ndarray:
    """The stable sort order of non-negative integer pairs (``major``, ``minor``): one
    sort of a combined key where it fits 63 bits (several times faster than
    :func:`numpy.lexsort`), else :func:`numpy.lexsort`."""
    span = int(minor.max()) + 1
    if (int(major.max()) + 1) * span < 1 << 63:
        return np.argsort(major * span + minor, kind="stable")
    return np.lexsort((minor, major))


def _postings_found(
    db: sqlite_utils.Database, probes: str, postings: tuple[str, ...], match: str, same: str, where: str, kept: str = "1",
) -> tuple[np.ndarray, np.ndarray]:
    """The (probe position, claim rowid) of each posting of the tables ``postings`` (``p``)
    that a probe of the table ``probes`` (``q``: those ``where``, numbered by ``position``,
    their primary key) finds (``match``) and ``kept`` keeps, as two arrays. A probe whose
    ``match`` holds more than :data:`BAND_CLAIMS` postings (kept or not) finds none: a word
    or value pair that more claims of the band share says nothing of which of them the new
    claim restates.

    A probe's band is listed as text by one subquery, and only when it is not past the cap:
    a large corpus's probes find millions of postings, and a row apiece took most of an
    update's reach (1,000,000 claims: 5.5 s for 2.4 M postings, 0.35 s of it SQLite's), and
    the bands past the cap held two thirds of those (10,000 claims added to 1,000,000: 4.7
    M of 7.1 M), so that listing them all to count them took a third of the reach's
    reading. (Bands under it are read twice: once to find no BAND_CLAIMS + 1st posting.)
    Probes alike in ``same`` (the columns of ``q`` that ``match`` and ``kept`` read) are
    read once: new claims of one value that share a word (13 % of the probes of 10,000
    claims added to 1,000,000)."""
    band = " union all ".join(f"select case when {kept} then p.claim end as claim from {table} p where {match}" for table in postings)
    rows = db.execute(
        f"select group_concat(q.position), case when not exists (select 1 from ({band}) limit 1 offset ?)"
        f" then (select group_concat(claim) from ({band})) end from {probes} q where {where} group by {same}",
        [BAND_CLAIMS],
    ).fetchall()  # fmt: skip
    positions, lists, sizes = [], [], []
    for alike, claims in rows:
        if claims:
            size = claims.count(",") + 1
            for position in alike.split(","):
                positions.append(int(position))
                lists.append(claims)
                sizes.append(size)
    if not lists:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    claims = np.fromstring(",".join(lists), dtype=np.int64, sep=",")
    return np.repeat(np.array(positions, dtype=np.int64), sizes), claims


def _top_found(found: tuple[np.ndarray, np.ndarray], probes: list[tuple], most: int) -> set[int]:
    """The stored claims ``found`` (probe positions, claim rowids: each posting a probe
    found) that are, for some new claim, among the ``most`` sharing the most weight of its
    words, or among the ``most`` doing so of those sharing a value stated beside it.
    ``probes``: (new claim number, ..., weight, gate) in position order; the weights of a
    claim's probes that find one stored claim add up, in probe order (ties: the earlier
    stored claim). Worked out with numpy: in a large corpus the probes find millions of
    postings, which SQLite's grouping and window functions ranked several times slower."""
    position, claim = found
    if not len(claim):
        return set()
    order = np.argsort(position, kind="stable")  # (in probe order: sums then add alike)
    position, claim = position[order], claim[order]
    columns = list(zip(*probes))  # (the probes' fields as columns, in one pass)
    number = np.array(columns[0], dtype=np.int64)[position]
    weight = np.array(columns[-2], dtype=float)[position]
    gate = np.array(columns[-1], dtype=np.int64)[position]
    order = _stable_order(number, claim)
    number, claim, weight, gate = number[order], claim[order], weight[order], gate[order]
    starts = np.flatnonzero(np.r_[True, (number[1:] != number[:-1]) | (claim[1:] != claim[:-1])])
    score, gated = np.add.reduceat(weight, starts), np.maximum.reduceat(gate, starts)
    number, claim = number[starts], claim[starts]
    chosen: set[int] = set()
    for among in (score > 0, gated > 0):
        if not among.any():
            continue
        n, c = number[among], claim[among]
        # by new claim, then score, highest first, then the order they are in (claim)
        ranked = np.lexsort((-score[among], n))
        n, c = n[ranked], c[ranked]
        position = np.arange(len(n))
        first_of_its_claim = np.maximum.accumulate(np.where(np.r_[True, n[1:] != n[:-1]], position, 0))
        chosen.update(c[position - first_of_its_claim < most].tolist())
    return chosen
