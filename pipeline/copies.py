"""Copies: articles that reprint others, whole or in part (wire copy run by many outlets,
rewrites that keep whole paragraphs), found paragraph by paragraph with MinHash and
locality-sensitive hashing (datasketch) as articles arrive.

Each paragraph of an article (:func:`~pipeline.wrapping.paragraph_spans`: a line of at
least :data:`~pipeline.wrapping.PARAGRAPH_WORDS` words, or lines a hard wrap cut, joined:
headlines, bylines and datelines are shorter and left out, so a reprint under a new
headline and byline is still a copy) gets a MinHash signature of its word shingles; the
signature's bands are keys in the store (``paragraph_keys``), so the paragraphs of earlier articles a
new one may repeat are found by index, however many articles are stored: memory stays
flat, and the work of an ingest grows with the articles it adds. Two paragraphs whose
signatures agree on :data:`PARAGRAPH_MATCH` of their values (an estimate of the Jaccard
similarity of their shingles) are one paragraph. For every pair of articles sharing one,
the store keeps how much of each article's paragraph text the other holds
(``article_overlaps``); the view ``copies`` names the later article of a pair (in lineage
order: dated first, oldest first, then undated by path) a copy of the earlier one when at
least :data:`PARTIAL_SHARE` of its text is the earlier one's, in :data:`PARTIAL_PARAGRAPHS`
paragraphs or more (``kind``: ``copy`` from :data:`COPY_SHARE`, else ``partial``). ``benchmarks/copies.py`` measures the thresholds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .wrapping import paragraph_spans, wrap_cuts

# What a paragraph is, as fingerprints were made: a database fingerprinted under other
# rules fingerprints its articles again (pipeline.store.copies).
PARAGRAPH_RULES = 2
# Words per shingle, and the estimated Jaccard similarity at which two paragraphs are one:
# a reprint edited lightly ("on Tuesday" dropped from a 24-word paragraph) keeps 0.73 of
# its 3-word shingles but 0.61 of its 4-word ones, while paragraphs of one topic that share
# sentences stay apart (benchmarks/copies.py, generated 1,000: precision 0.976 and recall
# 1.0 at 3 words and 0.6; 0.81 precision at 0.5).
SHINGLE_WORDS = 3
PARAGRAPH_MATCH = 0.6
# Values per signature.
NUM_PERM = 64
# Share of an article's paragraph text found in an earlier article that makes it a copy of
# it (whole), or a partial copy; a partial copy repeats at least PARTIAL_PARAGRAPHS
# paragraphs (one alone is a quote both ran, or a paragraph of one topic that happens to
# match: generated 10,000, precision 0.908 with one, see benchmarks/copies.py).
COPY_SHARE = 0.8
PARTIAL_SHARE = 0.3
PARTIAL_PARAGRAPHS = 2
# Stored signatures compared with an article's paragraphs at once (each held as many
# times as the article has paragraphs while compared: 64 bytes a paragraph).
SIGNATURES_AT_ONCE = 1024
# Signatures are compared across runs: the permutations and their scheme must not change.
SEED = 7
SCHEME = "affine32"


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of an article: its position among the article's paragraphs, its words,
    its MinHash signature and the band keys it is stored under."""

    index: int
    words: int
    signature: np.ndarray
    keys: tuple[int, ...]


def fingerprint(text: str) -> list[Paragraph]:
    """The paragraphs of ``text`` (:func:`~pipeline.wrapping.paragraph_spans`), each with
    its signature and band keys."""
    from datasketch import MinHash

    bands, rows = band_shape()
    permutations = _permutations()
    paragraphs = []
    for _, _, words in paragraph_spans(text):
        if words is None:
            continue
        shingles = {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}
        minhash = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=permutations, scheme=SCHEME)
        minhash.update_batch(sorted(shingles))
        signature = minhash.hashvalues.astype(np.uint32)
        paragraphs.append(Paragraph(len(paragraphs), len(words), signature, band_keys(signature, bands, rows)))
    return paragraphs


@lru_cache(maxsize=1)
def _permutations():
    """The MinHash permutations of :data:`SEED` (drawn once: each signature drawing them
    again was most of its cost)."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def rules_change(text: str, rules: int) -> bool:
    """Whether ``text`` has other paragraphs under :data:`PARAGRAPH_RULES` than under the
    earlier ``rules`` (1: a line is a paragraph, no wrapped lines joined)."""
    return rules < 2 <= PARAGRAPH_RULES and any(wrap_cuts(text.splitlines()))


@lru_cache(maxsize=1)
def band_shape() -> tuple[int, int]:
    """Bands and rows per band that put the LSH threshold at :data:`PARAGRAPH_MATCH`, as
    datasketch chooses them (weighing false positives and negatives alike)."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=PARAGRAPH_MATCH, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def band_keys(signature: np.ndarray, bands: int, rows: int) -> tuple[int, ...]:
    """One 63-bit key per band of ``signature`` (its band number and values hashed), as
    the store indexes them."""
    keys = []
    for band in range(bands):
        digest = hashlib.blake2b(band.to_bytes(2, "little") + signature[band * rows : (band + 1) * rows].tobytes(), digest_size=8)
        keys.append(int.from_bytes(digest.digest(), "little") >> 1)
    return tuple(keys)


def similarities(stored: np.ndarray, paragraphs: list[Paragraph]) -> np.ndarray:
    """Estimated Jaccard similarity of each stored signature (rows of ``stored``) with each
    of ``paragraphs``' shingles: the share of equal values (stored x paragraphs)."""
    mine = np.stack([paragraph.signature for paragraph in paragraphs])
    return (stored[:, None, :] == mine[None, :, :]).mean(axis=2)


@dataclass(frozen=True)
class Overlap:
    """What an article shares with another: the share of its paragraph words the other
    holds and which of its paragraphs, the same for the other."""

    other: str
    share: float
    paragraphs: tuple[int, ...]
    other_share: float
    other_paragraphs: tuple[int, ...]


def overlaps(paragraphs: list[Paragraph], candidates: Callable[[list[int]], Iterable[tuple]]) -> list[Overlap]:
    """The articles that hold paragraphs of an article (``paragraphs``), with how much of
    each other. ``candidates(keys)``: the stored paragraphs under any of the keys, each
    once, as (article id, paragraph index, words, signature bytes, words of that article's
    paragraphs in all)."""
    if not paragraphs:
        return []
    keys = sorted({key for paragraph in paragraphs for key in paragraph.keys})
    theirs: dict[str, dict[int, int]] = {}  # other article -> its paragraphs matched -> their words
    mine: dict[str, set[int]] = {}
    totals: dict[str, int] = {}
    rows = list(candidates(keys))
    for start in range(0, len(rows), SIGNATURES_AT_ONCE):
        chunk = rows[start : start + SIGNATURES_AT_ONCE]
        stored = np.frombuffer(b"".join(row[3] for row in chunk), dtype=np.uint32).reshape(len(chunk), -1)
        for row, number in np.argwhere(similarities(stored, paragraphs) >= PARAGRAPH_MATCH).tolist():
            article_id, index, words, _, total = chunk[row]
            theirs.setdefault(article_id, {})[index] = words
            mine.setdefault(article_id, set()).add(paragraphs[number].index)
            totals[article_id] = total
    own_total = sum(p.words for p in paragraphs)
    return [
        Overlap(
            article_id,
            round(sum(paragraphs[i].words for i in mine[article_id]) / own_total, 4),
            tuple(sorted(mine[article_id])),
            round(sum(theirs[article_id].values()) / max(1, totals[article_id]), 4),
            tuple(sorted(theirs[article_id])),
        )
        for article_id in sorted(theirs)
    ]


def find_copies(db, progress: Callable[[int, int], None] | None = None) -> int:
    """Fingerprint every stored article not fingerprinted yet (those this ingest added,
    or a run stopped before reaching), finding the earlier articles it shares paragraphs
    with; chunk by chunk, each in one transaction (a run stopped midway leaves the rest for
    the next). Returns how many articles were fingerprinted."""
    from .database import write_transaction
    from .store.copies import articles_to_fingerprint, count_to_fingerprint, paragraph_candidates, store_fingerprint

    (total, after), done = count_to_fingerprint(db), 0
    while True:
        with write_transaction(db):
            chunk = articles_to_fingerprint(db, FINGERPRINT_CHUNK, after)
            for after, article_id, text in chunk:
                paragraphs = fingerprint(text or "")
                found = overlaps(paragraphs, lambda keys: paragraph_candidates(db, keys, article_id))
                store_fingerprint(db, article_id, paragraphs, found)
        done += len(chunk)
        if progress:
            progress(done, total)
        if len(chunk) < FINGERPRINT_CHUNK:
            return done


# Articles fingerprinted per transaction.
FINGERPRINT_CHUNK = 200
