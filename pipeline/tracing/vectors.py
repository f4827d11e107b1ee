"""Vectors: claims' contexts and articles' stories as TF-IDF rows, weighed by document
counts that can be kept: fitted on the claims at hand (the full rebuild), or read from the
counts the last rebuild stored (an update of a few figures weighs their words as the whole
corpus does, not as the few claims it loads would)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import islice
from dataclasses import dataclass, field

import numpy as np

# The two spaces words are counted in (``trace_terms.space``).
CONTEXT = "context"
STORY = "story"


@dataclass
class TermCounts:
    """How many documents (claims' contexts, or articles' stories) hold each term, out of
    ``documents``: what inverse document frequencies are computed from."""

    documents: int
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, other: TermCounts) -> None:
        """Count ``other``'s documents too (in place)."""
        self.documents += other.documents
        for term, documents in other.counts.items():
            self.counts[term] = self.counts.get(term, 0) + documents

    def idf(self, terms: list[str]) -> np.ndarray:
        """scikit-learn's smoothed idf of each term, ``ln((1 + n) / (1 + df)) + 1`` (a term
        never counted is as rare as can be)."""
        df = np.array([self.counts.get(t, 0) for t in terms], dtype=float)
        return np.log((1 + self.documents) / (1 + df)) + 1


def count_terms(documents: list[list[str]]) -> TermCounts:
    """How many of ``documents`` (term lists) hold each term."""
    counts: dict[str, int] = {}
    for doc in documents:
        for term in set(doc):
            counts[term] = counts.get(term, 0) + 1
    return TermCounts(len(documents), counts)


# A word: two or more word characters or hyphens, the first no digit (a letter or "_").
_WORD = re.compile(r"(?u)\b[^\W\d][\w-]+\b")


def context_analyzer():
    """The tokenizer of claim contexts: lower-cased words of two or more letters (digits
    can lead no word), English stop words left out. The words scikit-learn's
    ``TfidfVectorizer(stop_words="english", token_pattern=...).build_analyzer()`` gives
    (a test holds them equal), without its layers of calls: a third of the time, for
    every claim a rebuild weighs and every claim an update reads."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words, stop = _WORD.findall, ENGLISH_STOP_WORDS

    def analyze(document: str) -> list[str]:
        return [word for word in words(document.lower()) if word not in stop]

    return analyze


# Documents term-counted at once (the terms of one chunk are what is held beside the matrix).
WEIGH_CHUNK = 20_000


def weigh(documents: Iterable[list[str]], counts: TermCounts | None = None, sublinear: bool = False):
    """Term lists as TF-IDF rows of unit length (a sparse matrix whose product with its
    transpose is the documents' cosine similarities) and the counts they were weighed by:
    ``counts`` when given, else those of ``documents`` themselves (as scikit-learn's
    ``TfidfVectorizer`` fits them). ``sublinear``: term frequency as 1 + log(tf).

    ``documents`` may be an iterator: it is read :data:`WEIGH_CHUNK` term lists at a time,
    so a million claims' contexts are never held as lists of strings, only as the matrix.
    Columns are the terms in sorted order."""
    from scipy.sparse import csr_matrix
    from sklearn.preprocessing import normalize

    # Columns numbered as terms are first seen, then renumbered in term order.
    column: dict[str, int] = {}
    indptr, indices, frequencies = [np.zeros(1, dtype=np.int64)], [], []
    stored = 0
    for chunk in _chunks(documents, WEIGH_CHUNK):
        terms = [t for doc in chunk for t in doc]
        number = column.setdefault
        columns = np.fromiter([number(t, len(column)) for t in terms], dtype=np.int64, count=len(terms))
        rows = np.repeat(np.arange(len(chunk), dtype=np.int64), [len(doc) for doc in chunk])
        # each (row, column) once, with how often the row says the term
        cells, tf = np.unique((rows << 32) | columns, return_counts=True)
        indices.append((cells & 0xFFFFFFFF).astype(np.int32))
        frequencies.append(tf.astype(np.int32))
        indptr.append(stored + np.cumsum(np.bincount(cells >> 32, minlength=len(chunk))))
        stored += len(cells)
    vocabulary = sorted(column)
    renumbered = np.empty(len(column), dtype=np.int32)
    renumbered[[column[t] for t in vocabulary]] = np.arange(len(vocabulary))
    del column
    indptr = np.concatenate(indptr)
    columns = renumbered[np.concatenate(indices)] if indices else np.zeros(0, dtype=np.int32)
    del indices
    data = np.concatenate(frequencies).astype(float) if frequencies else np.zeros(0)
    del frequencies
    matrix = csr_matrix((data, columns, indptr), shape=(len(indptr) - 1, max(len(vocabulary), 1)))
    matrix.sort_indices()
    if counts is None:
        # A term is in a row at most once: its column's count of rows is its document count.
        documents_with = np.bincount(matrix.indices, minlength=len(vocabulary))
        counts = TermCounts(matrix.shape[0], dict(zip(vocabulary, documents_with.tolist())))
    if sublinear:
        np.log(matrix.data, matrix.data)
        matrix.data += 1
    if vocabulary:
        matrix.data *= counts.idf(vocabulary)[matrix.indices]
    return (normalize(matrix, copy=False) if matrix.shape[0] else matrix), counts


def _chunks(documents: Iterable[list[str]], size: int) -> Iterator[list[list[str]]]:
    """``documents`` as lists of at most ``size``."""
    documents = iter(documents)
    while chunk := list(islice(documents, size)):
        yield chunk
