"""Entity names: cleaning surfaces, what is and is not a name, entity keys, and the entities extracted from a parsed text."""

import pytest

from pipeline.nlp import clean_entity_surface, entity_key, extract_entities, looks_like_name


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


def test_entities_are_normalised_and_offsets_slice(nlp):
    text = "Nvidia shares fell on Monday. Analysts at NVIDIA’s rival AMD in California disagreed."
    doc = nlp(text)
    mentions = extract_entities(doc)
    assert {m.key for m in mentions} >= {"nvidia", "amd"}
    for m in mentions:
        assert text[m.start_char : m.end_char] == m.surface
        assert not m.surface.endswith("’s")
    assert not any(m.label in {"DATE", "CARDINAL", "MONEY"} for m in mentions)
