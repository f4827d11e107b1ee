import numpy
import pytest
import spacy

from pipeline.biluo import BiluoDecoder, UnsupportedRecogniser
from pipeline.nlp import _entities, name_windows, span_docs


def _spacy_entities(ner, docs):
    """What spaCy's own recogniser finds, on copies (it annotates in place)."""
    return [[(e.start, e.end, e.label) for e in doc.ents] for doc in ner.pipe([d.copy() for d in docs], batch_size=64)]


def _demo_texts(demo_corpus):
    return [path.read_text(encoding="utf-8") for path in sorted(demo_corpus.iterdir()) if path.is_file()]


def test_decoder_finds_what_spacys_recogniser_finds_in_texts_and_windows(nlp, demo_corpus):
    ner, senter = nlp.get_pipe("ner"), nlp.get_pipe("senter")
    decoder = BiluoDecoder(ner)
    texts = _demo_texts(demo_corpus)
    plain = [nlp.make_doc(text) for text in texts]
    with_sentences = [senter(nlp.make_doc(text)) for text in texts]
    windows = [piece for doc in with_sentences for piece in span_docs(doc, name_windows(doc))]
    for docs in (plain, with_sentences, windows):
        expected = _spacy_entities(ner, docs)
        assert sum(map(len, expected)) > 100
        assert decoder(docs) == expected


EDGE_CASES = [
    "",
    "Paris",
    "He met Sam Altman",  # the text ends inside a name
    "Tim Cook.\n\nSatya Nadella spoke in New York.",  # whitespace tokens between names
    "It was NVIDIA. Microsoft said so. Apple Inc. and Alphabet Inc. agreed.",
    "   ",
    "\n\nOpenAI\n\n",
]


def test_decoder_handles_edge_cases_as_spacy_does(nlp):
    ner, senter = nlp.get_pipe("ner"), nlp.get_pipe("senter")
    docs = [senter(nlp.make_doc(text)) if text.strip() else nlp.make_doc(text) for text in EDGE_CASES]
    expected = _spacy_entities(ner, docs)
    assert BiluoDecoder(ner)(docs) == expected
    # Each doc alone gives what it gives in a batch of docs of other lengths.
    assert [BiluoDecoder(ner)([doc])[0] for doc in docs] == expected
    assert any(entities and entities[-1][1] == 4 for entities in expected[2:3])  # "Sam Altman" closes the text


@pytest.fixture(scope="module")
def untrained():
    """A recogniser with random weights: it opens and closes entities everywhere, on
    whitespace and at sentence starts, so every validity rule is exercised."""
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    ner = blank.add_pipe("ner")
    for label in ("ORG", "PERSON", "GPE", "MONEY"):
        ner.add_label(label)
    blank.initialize()
    # Initialised output weights are zero (every action ties): draw them all at random.
    rng = numpy.random.default_rng(5)
    for layer in ner.model.walk():
        for name in layer.param_names:
            if layer.has_param(name):
                shape = layer.get_param(name).shape
                layer.set_param(name, rng.normal(0, 1, shape).astype("float32"))
    return blank


def test_decoder_follows_spacy_with_any_weights(untrained, demo_corpus):
    ner, sentencizer = untrained.get_pipe("ner"), untrained.get_pipe("sentencizer")
    docs = [sentencizer(untrained.make_doc(text)) for text in _demo_texts(demo_corpus)]
    docs += [sentencizer(untrained.make_doc(text)) for text in EDGE_CASES]
    expected = _spacy_entities(ner, docs)
    assert sum(map(len, expected)) > 300
    assert BiluoDecoder(ner)(docs) == expected


def test_beam_search_recognisers_are_left_to_spacy():
    blank = spacy.blank("en")
    ner = blank.add_pipe("beam_ner")
    ner.add_label("ORG")
    blank.initialize()
    with pytest.raises(UnsupportedRecogniser, match="greedy"):
        BiluoDecoder(ner)


def test_docs_with_entities_already_set_are_left_to_spacy(nlp):
    ner = nlp.get_pipe("ner")
    doc = nlp.make_doc("Analysts at Morgan Stanley met Jensen Huang in Taipei.")
    doc.set_ents([spacy.tokens.Span(doc, 2, 4, label="PERSON")])  # a preset the recogniser keeps
    with pytest.raises(UnsupportedRecogniser, match="entity annotation"):
        BiluoDecoder(ner)([doc])
    found = list(_entities(ner, [doc.copy()], batch_size=8))
    assert found == _spacy_entities(ner, [doc])
    assert (2, 4, doc.vocab.strings["PERSON"]) in found[0]
