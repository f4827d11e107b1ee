"""extract_claims end to end: ranges, alternatives, labels inside figures, carried attribution, offsets, and numbers read whole or not at all."""

import math
import time

import pytest

from pipeline.nlp import analyze_texts

from .helpers import claims_of, one_claim


def test_component_ranges(nlp):
    claim = one_claim(nlp, "Memory ranges from 24GB–48GB on each card.", "24GB–48GB")
    assert (claim.value_low, claim.value_high, claim.unit) == (24, 48, "GB")
    claim = one_claim(nlp, "Fares are between $3 and $8 per ride.", "$3 and $8 per ride")
    assert (claim.value_low, claim.value_high, claim.qualifier) == (3, 8, "range")
    claim = one_claim(nlp, "Rivals are spending billions on data centres.", "billions")
    assert (claim.value_low, claim.value_high) == (1e9, 1e10)


@pytest.mark.parametrize(
    "text,surfaces",
    [
        ("The video streams in 1080p on every phone.", []),  # a display resolution
        ("Cayman Airways is grounding two new 737 Max jets.", ["two new 737 Max jets"]),
    ],
)  # fmt: skip
def test_component_labels_inside_figures(nlp, text, surfaces):
    assert [c.surface for c in ex_claims(nlp, text)] == surfaces


def test_component_slash_fractions_need_a_usual_denominator(nlp):
    """"24/7" and "9/11" are no fractions; "3/4" is."""
    assert [c.kind for c in ex_claims(nlp, "It is open 24/7 since 9/11.")].count("fraction") == 0
    assert one_claim(nlp, "About 3/4 of the staff left.", "3/4").value == 0.75


def ex_claims(nlp, text):
    from pipeline.claims import extract_claims

    return extract_claims(nlp(text), all_quantities=True)


def test_demo_corpus_offsets(nlp, demo_corpus):
    total = 0
    for path in sorted(demo_corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        claims = nlp(text)._.numeric_claims
        assert claims == sorted(claims, key=lambda c: c.start_char)
        for claim in claims:
            assert text[claim.start_char:claim.end_char] == claim.surface
        total += len(claims)
    assert total >= 60


def test_component_ranges_with_borrowed_scale_and_from_to(nlp):
    claim = one_claim(nlp, "The deal is worth $4 to $6 billion in total.", "$4 to $6 billion")
    assert (claim.value_low, claim.value_high) == (4e9, 6e9)
    claim = one_claim(nlp, "Inflation slowed from 3.1 percent to 2.9 percent.", "3.1 percent to 2.9 percent")
    assert (claim.value_low, claim.value_high, claim.qualifier) == (3.1, 2.9, "range")
    claims = claims_of(nlp, "The deficit grew by $20 billion to $300 billion.")
    assert [c.value for c in claims] == [20e9, 300e9]


def test_attribution_carried_through_a_reported_statement(nlp):
    text = (
        "A review by Ember finds that the grid lost 40 TWh last year. Most of it came from "
        "coal plants. Repairs will cost $2 billion over a decade.\n"
        "Next year the utility will hire 300 staff."
    )
    claims = {c.surface: c for c in claims_of(nlp, text)}
    assert claims["$2 billion"].attributed_to == "a review by Ember"
    assert claims["300 staff"].attributed_to is None  # a new paragraph is a new statement


@pytest.mark.parametrize(
    "text, surface, low, high, unit",
    [
        ("Shares slid from $52 on Monday morning to $47.", "$52 on Monday morning to $47", 52, 47, "USD"),
        ("He slimmed down from 180 pounds to 165 last year.", "180 pounds to 165", 180, 165, "lb"),
        ("Mileage improved from 25 mpg in 2010 to 31 mpg.", "25 mpg in 2010 to 31 mpg", 25, 31, "mpg"),
        ("Flats measure from 500 sq ft up to 1,100 sq ft.", "500 sq ft up to 1,100 sq ft", 500, 1100, "sq ft"),
        ("Sea ice shrank by 2 to 3 degrees Celsius of cover.", "2 to 3 degrees Celsius", 2, 3, "°C"),
    ],
)
def test_from_to_spans_words_between_the_ends(nlp, text, surface, low, high, unit):
    claim = one_claim(nlp, text, surface)
    assert (claim.value_low, claim.value_high, claim.unit, claim.qualifier) == (low, high, unit, "range")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A coffee here costs 3 or €4.", [("3", 3, "EUR"), ("€4", 4, "EUR")]),
        ("Tickets sell for eight or nine dollars.", [("eight", 8, "USD"), ("nine dollars", 9, "USD")]),
        ("Rivals charged 30k or 45k, respectively.", [("30k", 30e3, None), ("45k", 45e3, None)]),
        ("It took two or three weeks to fix.", [("two or three weeks", 2, "week")]),
        ("Revenue fell from $9 billion, and then to $7 billion.", [("$9 billion", 9e9, "USD"), ("$7 billion", 7e9, "USD")]),
    ],
)
def test_or_alternatives_and_from_to_limits(nlp, text, expected):
    assert [(c.surface, c.value, c.unit) for c in claims_of(nlp, text)] == expected


# --------------------------------------------------------------------------- numbers that are not finite
# (issue 11, defect 8: a 400-digit amount stored as inf, a 5 MB digit run read as claims,
# "10^100 dollars" read as 10 with unit "^")


def assert_finite(claim_or_figure):
    for value in (claim_or_figure.value, claim_or_figure.value_low, claim_or_figure.value_high):
        assert value is None or math.isfinite(value), claim_or_figure


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It would cost 10^100 dollars.", [("10^100 dollars", 1e100, "USD")]),
        ("It would cost 1e9 dollars, or 10⁹ dollars, or 10**9 dollars.",
         [("1e9 dollars", 1e9, "USD"), ("10⁹ dollars", 1e9, "USD"), ("10**9 dollars", 1e9, "USD")]),
        ("A dose of 1.5×10⁻³ grams was enough.", [("1.5×10⁻³ grams", 1.5e-3, "g")]),
        ("The fee was $5,000, the court said.", [("$5,000", 5000, "USD")]),
        ("They paid " + "9" * 400 + " dollars.", []),
        ("Account 12345678901234567890123456789012345 holds $40 million.", [("$40 million", 40e6, "USD")]),
        ("Officials counted 1,2,3,4 people and 1,5 million euros.", []),
        ("The universe holds 2^10 atoms or 5² atoms.", []),
        ("The 10^9.5 figure, 10^1000 and 1e999 are not figures.", []),
        ("It costs 5 " + "trillion " * 40 + "dollars.", []),
        ("They owe one " + "hundred " * 200 + "dollars.", []),
    ],
)  # fmt: skip
def test_component_reads_numbers_whole_or_not_at_all(nlp, text, expected):
    claims = claims_of(nlp, text)
    for claim in claims:
        assert_finite(claim)
        assert claim.unit not in ("^", "**")
    assert [(c.surface, c.value, c.unit) for c in claims] == expected


def test_component_on_long_digit_runs(nlp):
    # No claim from a run, nor from a part of it; the figure beside it is kept.
    for run in ("1" * 200_000, "1," * 100_000 + "1"):
        assert claims_of(nlp, run) == []
        assert [c.surface for c in claims_of(nlp, f"It cost $5 million, ref {run} in total.")] == ["$5 million"]


def test_ingest_pipeline_on_five_megabytes_of_digits(nlp):
    """Through the chunked analysis an ingest runs: no claim, no partial claim from a chunk
    cut inside the run, and quick (the claim scan skips the run instead of reading it)."""
    for text in ("1" * 5_000_000, "1," * 1_000_000, "Revenue: " + "1" * 5_000_010 + " dollars."):
        started = time.perf_counter()
        [analysis] = analyze_texts(nlp, [text])
        assert analysis.claims == []
        assert time.perf_counter() - started < 10



@pytest.mark.parametrize(
    "text, surfaces",
    [("The gap ranged from 2 for men to 9 for women.", ["2", "9"]),
     ("Unemployment went from 5% in Spain to 9% in Italy.", ["5%", "9%"]),
     ("Prices rose from $5 to $9 last year.", ["$5 to $9"])],
)  # fmt: skip
def test_from_one_subject_to_another_is_two_figures_not_a_span(nlp, text, surfaces):
    assert [c.surface for c in nlp(text)._.numeric_claims] == surfaces


def test_a_reported_passage_ends_at_the_paragraph_even_when_the_sentence_holds_the_break(nlp):
    from pipeline.nlp import analyze_texts

    text = "Critics say the council's decision to borrow heavily undermines its plans.\n\nThe city spent $48,000 this week."
    [analysis] = analyze_texts(nlp, [text])
    assert [(c.surface, c.attributed_to) for c in analysis.claims] == [("$48,000", None)]
    [analysis] = analyze_texts(nlp, [text.replace("\n\n", " ")])
    assert [(c.surface, c.attributed_to) for c in analysis.claims] == [("$48,000", "critics")]
