"""The fast attribute ruler and lemmatizer: spaCy's annotations exactly, and spaCy's ruler kept for patterns they cannot compile."""

import pytest

from .helpers import _demo_texts


def test_compiled_attribute_ruler_annotates_as_spacy_does(nlp, demo_corpus):
    import numpy
    from spacy.attrs import LEMMA, MORPH, POS, TAG

    from pipeline.nlp import CompiledAttributeRuler

    ruler = nlp.get_pipe("attribute_ruler")
    compiled = CompiledAttributeRuler(ruler)
    parsed = list(nlp.pipe(_demo_texts(demo_corpus), disable=["attribute_ruler", "lemmatizer", "ner", "numeric_claims"]))
    columns = [POS, MORPH, LEMMA, TAG]
    for doc in parsed:
        expected, got = ruler(doc.copy()), compiled(doc.copy())
        assert numpy.array_equal(expected.to_array(columns), got.to_array(columns)), doc.text[:60]
    edge = compiled(parsed[-1].copy())
    assert {t.text: t.lemma_ for t in edge}["ai"] == "be"  # the two-token "ai n't" rule fired


def test_attribute_ruler_patterns_outside_the_compiled_forms_keep_spacys_ruler():
    import spacy

    from pipeline.nlp import CompiledAttributeRuler, UnsupportedPattern, _fast_equivalent

    blank = spacy.blank("en")
    ruler = blank.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "very", "OP": "+"}]], {"POS": "ADV"})
    with pytest.raises(UnsupportedPattern):
        CompiledAttributeRuler(ruler)
    assert _fast_equivalent(ruler) is ruler


def test_cached_lemmatizer_gives_spacys_lemmas(nlp, demo_corpus):
    from pipeline.nlp import CachedLemmatizer

    lemmatizer = nlp.get_pipe("lemmatizer")
    cached = CachedLemmatizer(lemmatizer)
    for doc in nlp.pipe(_demo_texts(demo_corpus), disable=["lemmatizer", "ner", "numeric_claims"]):
        expected = [t.lemma_ for t in lemmatizer(doc.copy())]
        assert [t.lemma_ for t in cached(doc.copy())] == expected
