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
Ranges (whose reach runs past their value) and claims of a new claim's sentence (which
restate it across units) are added by plain queries. An update caps what it finds through
words (:func:`reachable_rowids` ``per_claim``): past the cap the reach is no longer a
superset, by design, where common words are shared by most of the corpus.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Iterator

import numpy as np
import sqlite_utils

from .distance import context_terms
from .values import CLAIM_COLUMNS, MAX_VALUE_RATIO, TracedClaim, value_bucket
from .vectors import TermCounts, context_analyzer

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


def _keyed_terms(claim: TracedClaim, terms: Iterable[str]) -> dict[int, str | None]:
    """:func:`posting_keys` with the context term of each key (None: an article or a
    co-stated value, which blocking links by whatever words say)."""
    keyed: dict[int, str | None] = {zlib.crc32(term.encode()): term for term in terms}
    keyed[zlib.crc32(f"article {claim.article_id}".encode())] = None
    for key in claim.costated:
        keyed[zlib.crc32(f"costated {key}".encode())] = None
    return keyed


def posting_rows(claims: list[TracedClaim], rowids: list[int], progress=None) -> Iterator[tuple[int, float, int]]:
    """Rows of ``trace_postings`` (key, comparable value, claim rowid) for these claims,
    tokenized a chunk at a time so that only one chunk's terms are held; ``progress``
    (stage, done, total) is told of the claims indexed (:data:`INDEXING`)."""
    analyze = context_analyzer()
    for start in range(0, len(claims), POSTING_CHUNK):
        if progress:
            progress(INDEXING, start, len(claims))
        rows = []
        for claim, rowid in zip(claims[start : start + POSTING_CHUNK], rowids[start : start + POSTING_CHUNK]):
            value = comparable_value(claim)
            if value is not None:
                rows.extend((key, value, rowid) for key in posting_keys(claim, context_terms(claim, analyze)))
        rows.sort()  # (inserted in key order, the index grows at its end)
        yield from rows
    if progress:
        progress(INDEXING, len(claims), len(claims))


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
    be one figure with (claims of its article and of a value stated beside it are all found)."""
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
        words = [term for term in keyed.values() if term is not None]
        weight = dict(zip(words, _word_weights(words, counts)))
        weighed.append(weight)
        probes.extend((number, key, low, high, None if term is None else weight[term])
                      for key, term in keyed.items() if term is None or term not in common)  # fmt: skip
    found = set(rowids)
    db.execute("create temp table if not exists reach_probes (probe integer, key integer, low real, high real, weight real)")
    db.execute("delete from temp.reach_probes")
    db.conn.executemany("insert into temp.reach_probes values (?, ?, ?, ?, ?)", probes)
    join = "from temp.reach_probes q join trace_postings p on p.term = q.key and p.value between q.low and q.high"
    if per_claim is None:
        found.update(r[0] for r in db.execute(f"select distinct p.claim {join}"))
    else:
        found.update(r[0] for r in db.execute(f"select distinct p.claim {join} where q.weight is null"))
        found.update(r[0] for r in db.execute(
            f"select claim from (select p.claim, row_number() over (partition by q.probe order by sum(q.weight) desc,"
            f" p.claim) as rank {join} where q.weight is not null group by q.probe, p.claim) where rank <= ?",
            [per_claim],
        ))  # fmt: skip
    db.execute("delete from temp.reach_probes")
    found.update(_ranges_reaching(db, claims, weighed, per_claim, common))
    found.update(r[0] for r in db.execute(
        "select rowid from claims where sentence_id in"
        " (select sentence_id from claims where rowid in (select value from json_each(?)))",
        [json.dumps(sorted(rowids))],
    ))  # fmt: skip
    return found


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


def _ranges_reaching(
    db: sqlite_utils.Database, claims: list[TracedClaim], weighed: list[dict | None], per_claim: int | None = None,
    common: frozenset[str] = frozenset(),
) -> set[int]:
    """Rowids of the stored ranges whose span, to its top times :data:`MAX_VALUE_RATIO`,
    holds the value of a claim it can be compared with (one :func:`~.values.value_bucket`):
    the postings find a range only by its low end. Without ``per_claim``, all of them (a
    superset). With it, those that share a word or the article with the claim
    (``weighed``: each claim's context words with their weights, None for a claim with no
    value; a range's words are those of its context and sentence, so one sharing only a
    name joined into one term, or only a value stated beside both, is left): all of its
    article and at most ``per_claim`` others, those sharing the most weight of its words
    (``common`` words aside, as the postings are ranked)."""
    # Per bucket, the claims' values in order (and which claim each is).
    by_bucket: dict[str, list[tuple[float, int]]] = {}
    for number, claim in enumerate(claims):
        if (value := comparable_value(claim)) is not None:
            by_bucket.setdefault(value_bucket(claim), []).append((value, number))
    if not by_bucket:
        return set()
    sorted_values = {b: np.array(sorted(pairs)) for b, pairs in by_bucket.items()}
    # Each word: the claims (with values) that say it, with its weight in each.
    sayers: dict[str, list[tuple[int, float]]] = {}
    for number, weights in enumerate(weighed):
        for word, weight in (weights or {}).items():
            if word not in common:
                sayers.setdefault(word, []).append((number, weight))
    analyze = context_analyzer()
    found, ranked = set(), {}
    rows = db.execute(
        f"select {', '.join('c.' + c for c in CLAIM_COLUMNS)}, c.context, coalesce(s.text, ''), c.rowid"
        " from claims c left join sentences s on s.id = c.sentence_id"
        " where c.value_high > c.value"
    )  # fmt: skip
    for row in rows:
        stored = TracedClaim(*row[: len(CLAIM_COLUMNS)])
        low = comparable_value(stored)
        table = sorted_values.get(value_bucket(stored))
        if low is None or table is None:
            continue
        top = stored.value_high * (stored.unit_factor or 1.0) * MAX_VALUE_RATIO
        low, top = min(low, top), max(low, top)
        first = np.searchsorted(table[:, 0], low - abs(low) * 1e-9, side="left")
        last = np.searchsorted(table[:, 0], top + abs(top) * 1e-9, side="right")
        if first == last:
            continue
        if per_claim is None:
            found.add(row[-1])
            continue
        near = set(table[first:last, 1].astype(int).tolist())
        if any(claims[n].article_id == stored.article_id for n in near):
            found.add(row[-1])
        shared: dict[int, float] = {}
        for word in sorted(set(analyze(f"{row[-3] or ''} {row[-2]}"))):  # (one order of sums: same ranks every run)
            for number, weight in sayers.get(word, ()):
                if number in near and claims[number].article_id != stored.article_id:
                    shared[number] = shared.get(number, 0.0) + weight
        for number, weight in shared.items():
            ranked.setdefault(number, []).append((-weight, row[-1]))
    for candidates in ranked.values():
        found.update(rowid for _, rowid in sorted(candidates)[:per_claim])
    return found
