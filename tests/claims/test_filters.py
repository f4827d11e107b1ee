"""What is not a claim: names, versions, labels, dates, addresses, scores, periods, pronoun "one", and which years are claims."""

import pytest

from pipeline.claims import extract_claims

from .helpers import claims_of


@pytest.mark.parametrize(
    "text",
    [
        "The chatbot runs on GPT-4 and Llama 3.1 and Gemini 2.0 models.",
        "Engineers compared the A100 with the H200 chip.",
        "The report was published on March 14 and revised on the 2nd of April.",
        "We met at 10:30 am on 2024-05-06.",
        "First, the 19th amendment is a label, as is footnote [4].",
        "One of the founders left, and one would expect more to follow.",
    ],
)
def test_component_rejects_names_dates_and_labels(nlp, text):
    assert claims_of(nlp, text) == []


def test_component_years(nlp):
    claims = claims_of(nlp, "The firm was founded in 2016 and hired 40 engineers.")
    assert [(c.surface, c.kind) for c in claims] == [("2016", "year"), ("40 engineers", "count")]


@pytest.mark.parametrize(
    "text",
    [
        "The office is at 221 Baker Street in London.",
        "The match ended 1-1 after extra time.",
        "Prices were studied between 1990 and 1995 by the team.",
        "Each one of them looked tired, and this half was dull.",
        "We met at 9.30pm near the station.",
    ],
)
def test_component_rejects_addresses_scores_periods_pronouns(nlp, text):
    assert [c.surface for c in claims_of(nlp, text)] == []


def test_all_quantities_keeps_pronoun_like_one(nlp):
    doc = nlp("He was one of the founders of the club.")
    assert extract_claims(doc) == []
    everything = extract_claims(doc, all_quantities=True)
    assert [(c.surface, c.value, c.unit) for c in everything] == [("one", 1, "founder")]


def test_a_name_number_before_a_year_is_not_a_fraction(nlp):
    claims = nlp("He opened Harbor 1 in 2019 with 1,100 desks.")._.numeric_claims
    assert all(c.kind != "fraction" for c in claims)
    assert [(c.surface, c.kind) for c in claims] == [("2019", "year"), ("1,100 desks", "count")]
    framed = nlp("Shares rose 171% in 2024 alone.")._.numeric_claims
    assert [c.surface for c in framed] == ["171%"]


@pytest.mark.parametrize(
    "text, surfaces",
    [
        ("The basic iPad 10 ships with 64GB of storage.", ["64GB"]),
        ("A survey of nine Nordic towns found 40 cafes.", ["nine Nordic towns", "40 cafes"]),
        ("Three Swiss banks lent the firm $2bn.", ["Three Swiss banks", "$2bn"]),
        ("She joined Two Sigma in March.", []),
    ],
)
def test_lower_case_names_and_capitalised_adjectives_before_counted_nouns(nlp, text, surfaces):
    assert [c.surface for c in claims_of(nlp, text)] == surfaces

