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
restate it across units) are added by plain queries.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Iterator

import numpy as np
import sqlite_utils

from .distance import context_document
from .values import MAX_VALUE_RATIO, TracedClaim
from .vectors import context_analyzer

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
    keys = {zlib.crc32(term.encode()) for term in terms}
    keys.add(zlib.crc32(f"article {claim.article_id}".encode()))
    keys.update(zlib.crc32(f"costated {key}".encode()) for key in claim.costated)
    return keys


def posting_rows(claims: list[TracedClaim], rowids: list[int]) -> Iterator[tuple[int, float, int]]:
    """Rows of ``trace_postings`` (key, comparable value, claim rowid) for these claims,
    tokenized a chunk at a time so that only one chunk's terms are held."""
    analyze = context_analyzer()
    for start in range(0, len(claims), POSTING_CHUNK):
        rows = []
        for claim, rowid in zip(claims[start : start + POSTING_CHUNK], rowids[start : start + POSTING_CHUNK]):
            value = comparable_value(claim)
            if value is not None:
                rows.extend((key, value, rowid) for key in posting_keys(claim, analyze(context_document(claim))))
        rows.sort()  # (inserted in key order, the index grows at its end)
        yield from rows


def reachable_rowids(db: sqlite_utils.Database, claims: list[TracedClaim], rowids: list[int]) -> set[int]:
    """Rowids of the stored claims the ``claims`` (of ``rowids``) may link to: a superset of
    those blocking links them to (see the module's docstring), the claims themselves
    included."""
    analyze = context_analyzer()
    probes = []
    for claim in claims:
        value = comparable_value(claim)
        if value is None:
            continue
        top = value if claim.value_high is None else claim.value_high * (claim.unit_factor or 1.0)
        ends = [value / MAX_VALUE_RATIO, value * MAX_VALUE_RATIO, top * MAX_VALUE_RATIO, value]
        low, high = min(ends), max(ends)
        low, high = low - abs(low) * 1e-9, high + abs(high) * 1e-9
        probes.extend((key, low, high) for key in posting_keys(claim, analyze(context_document(claim))))
    found = set(rowids)
    db.execute("create temp table if not exists reach_probes (key integer, low real, high real)")
    db.execute("delete from temp.reach_probes")
    db.conn.executemany("insert into temp.reach_probes values (?, ?, ?)", probes)
    found.update(r[0] for r in db.execute(
        "select distinct p.claim from temp.reach_probes q"
        " join trace_postings p on p.term = q.key and p.value between q.low and q.high"
    ))  # fmt: skip
    db.execute("delete from temp.reach_probes")
    found.update(_ranges_reaching(db, claims))
    found.update(r[0] for r in db.execute(
        "select rowid from claims where sentence_id in"
        " (select sentence_id from claims where rowid in (select value from json_each(?)))",
        [json.dumps(sorted(rowids))],
    ))  # fmt: skip
    return found


def _ranges_reaching(db: sqlite_utils.Database, claims: list[TracedClaim]) -> set[int]:
    """Rowids of the stored ranges whose span, to its top times :data:`MAX_VALUE_RATIO`,
    holds one of the claims' values (the postings find a range only by its low end)."""
    values = np.sort([v for v in map(comparable_value, claims) if v is not None])
    if not len(values):
        return set()
    found = set()
    for row in db.execute(f"select {', '.join(_RANGE_COLUMNS)}, rowid from claims where value_high is not null"):
        stored = TracedClaim(*row[:-1])
        low = comparable_value(stored)
        if low is None:
            continue
        top = stored.value_high * (stored.unit_factor or 1.0) * MAX_VALUE_RATIO
        low, top = min(low, top), max(low, top)
        first = np.searchsorted(values, low - abs(low) * 1e-9, side="left")
        if first < len(values) and values[first] <= top + abs(top) * 1e-9:
            found.add(row[-1])
    return found


# The columns a TracedClaim needs to know its value as compared.
_RANGE_COLUMNS = ("id", "article_id", "surface", "start_char", "value", "value_low", "value_high", "unit",
                  "qualifier", "qualifier_cue", "kind", "subject", "attributed_to")
