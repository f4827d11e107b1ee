"""Vectors: TF-IDF rows weighed as scikit-learn weighs them, from lists or from a stream of term lists, and counts that add up."""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline.tracing.vectors import TermCounts, count_terms, weigh

DOCUMENTS = [
    ["acme", "raise", "fund", "fund"],
    ["acme", "factory", "ohio"],
    ["ohio", "factory", "cost", "cost", "cost"],
    [],
    ["bridge"],
]


def sklearn_rows(documents, sublinear):
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=sublinear)
    return vectorizer.fit_transform(documents).toarray(), sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)


def test_weigh_matches_scikit_learn_from_a_stream_of_term_lists():
    for sublinear in (False, True):
        expected, vocabulary = sklearn_rows(DOCUMENTS, sublinear)
        # a generator: each term list is seen once and dropped
        matrix, counts = weigh((list(doc) for doc in DOCUMENTS), sublinear=sublinear)
        assert np.allclose(matrix.toarray(), expected, atol=1e-12)
        assert matrix.has_sorted_indices  # columns are the terms in sorted order
        assert counts.documents == len(DOCUMENTS) and counts.counts == count_terms(DOCUMENTS).counts
        assert sorted(counts.counts) == vocabulary


def test_weigh_reads_a_stream_in_chunks_to_the_same_rows(monkeypatch):
    from pipeline.tracing import vectors

    monkeypatch.setattr(vectors, "WEIGH_CHUNK", 2)  # chunks of 2, 2 and 1: terms first seen in later chunks
    for sublinear in (False, True):
        expected, _ = sklearn_rows(DOCUMENTS, sublinear)
        matrix, counts = weigh(iter(DOCUMENTS), sublinear=sublinear)
        assert np.allclose(matrix.toarray(), expected, atol=1e-12)
        assert counts.counts == count_terms(DOCUMENTS).counts


def test_weigh_by_stored_counts_uses_them_not_the_documents():
    corpus = TermCounts(100, {"acme": 90, "ohio": 1})
    matrix, counts = weigh(iter([["acme", "ohio"]]), corpus)
    assert counts is corpus
    acme, ohio = matrix.toarray()[0]  # sorted: acme, ohio
    assert ohio > 3 * acme  # the rare word weighs more


def test_weigh_of_no_documents_is_an_empty_matrix():
    matrix, counts = weigh(iter([]))
    assert matrix.shape[0] == 0 and counts.documents == 0 and counts.counts == {}


def test_counts_add_up():
    counts = count_terms(DOCUMENTS[:2])
    counts.add(count_terms(DOCUMENTS[2:]))
    assert counts == count_terms(DOCUMENTS)


def test_contexts_are_tokenized_as_scikit_learn_tokenizes_them(demo_db):
    import sqlite_utils

    from pipeline.tracing.vectors import context_analyzer

    sklearn = TfidfVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d][\w-]+\b").build_analyzer()
    ours = context_analyzer()
    db = sqlite_utils.Database(demo_db[0])
    documents = [r[0] for r in db.execute("select text from sentences")] + [r[0] for r in db.execute("select context from claims")]
    documents += ["Ünïcode CAFÉ naïve-words x 2nd 3-D co-op the And İstanbul ΣΟΦΊΑ Straße", "", "   ", "a_b _x __init__ 9lives"]
    assert len(documents) > 300
    assert [ours(d) for d in documents] == [sklearn(d) for d in documents]
    assert ours("The H100 GPUs cost co-founders $6 million") == ["h100", "gpus", "cost", "co-founders", "million"]
