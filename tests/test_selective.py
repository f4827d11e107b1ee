"""Selective analysis: only figure sentences and their reporters get the full parse, name windows, span docs, and NER run on the windows."""

from pipeline.nlp import analyze_texts, clean_entity_surface, looks_like_name

from .helpers import _demo_texts


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
