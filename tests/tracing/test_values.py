"""Values: significant digits, rounding, value gaps, related units and restatements in one sentence."""

import pytest

from pipeline.tracing import is_restatement, related_units, rounds_to, significant_digits, value_gap

from .helpers import claim


@pytest.mark.parametrize(
    "surface, digits",
    [("$6 million", 1), ("$5,576,000", 4), ("$2.50", 3), ("600 billion", 1), ("$10.00", 4),
     ("0.14", 2), ("17%", 2), ("2,788,000 GPU hours", 4), ("671bn", 3), ("two", 1)],
)
def test_significant_digits(surface, digits):
    assert significant_digits(surface, 2 if surface == "two" else None) == digits


def test_rounding_relations():
    assert rounds_to(5_576_000, 4, 6_000_000, 1)
    assert not rounds_to(6_000_000, 1, 5_576_000, 4)  # a rounded figure cannot round to a precise one
    assert not rounds_to(5_400_000, 2, 6_000_000, 1)
    assert value_gap(claim("$5,576,000", 5_576_000), claim("$6 million", 6e6)) == 0.0
    assert 0 < value_gap(claim("$500 billion", 5e11), claim("$600 billion", 6e11)) <= 1
    assert value_gap(claim("$140 million", 1.4e8), claim("$100 million", 1e8)) is None
    assert value_gap(claim("671B", 6.71e11, "parameter", "count"), claim("685B", 6.85e11, "parameter", "count")) < 1
    assert value_gap(claim("$2.19", 2.19), claim("$2.50", 2.5)) is None  # precise figures drift little
    assert value_gap(claim("2015", 2015, None, "year"), claim("2020", 2020, None, "year")) is None
    assert value_gap(claim("six months", 6, "month", "duration"), claim("seven months", 7, "month", "duration")) is None
    assert value_gap(claim("60 months", 60, "month", "duration"), claim("70 months", 70, "month", "duration")) > 0


def test_ranges_only_hold_figures_when_written_in_words():
    billions = claim("billions", 1e9, value_low=1e9, value_high=1e10, qualifier="range", kind="money")
    spread = claim("$0.14–$0.55", 0.14, value_low=0.14, value_high=0.55, qualifier="range")
    assert value_gap(billions, claim("$1.6 billion", 1.6e9)) == 1.0
    assert value_gap(spread, claim("$0.28", 0.28)) is None


@pytest.mark.parametrize(
    "a, b, related",
    [
        (("USD", "money"), ("USD", "money"), True),
        (("card", "count"), ("GPU", "count"), True),
        (("USD", "money"), ("USD per 1M input tokens", "money"), True),
        (("hour", "duration"), ("GPU hour", "duration"), True),
        (("USD per GPU hour", "money"), ("USD per 1M tokens", "money"), False),
        (("USD per unit", "money"), ("USD per GPU", "money"), True),
        (("USD per unit", "money"), ("EUR per GPU", "money"), False),
        (("USD", "money"), ("percent", "percent"), False),
        ((None, "count"), ("GPU", "count"), True),
        ((None, "count"), ("USD", "money"), False),
        ((None, "money"), ("USD", "money"), True),
    ],
)
def test_related_units(a, b, related):
    assert (related_units(*a, *b) is not None) is related


def test_restatement_in_one_sentence():
    sentence = "Acme lost 17% of its market value, or nearly $600 billion, on Monday."
    percent = claim("17%", 17, "percent", "percent", start_char=10, sentence_id="s", sentence=sentence)
    money = claim("$600 billion", 6e11, start_char=sentence.index("$600"), sentence_id="s", sentence=sentence)
    assert is_restatement(percent, money)
    listed = "It bought 10,000 chips (40GB each) last year."
    chips = claim("10,000 chips", 1e4, "chip", "count", start_char=10, sentence_id="t", sentence=listed)
    size = claim("40GB", 40, "GB", "size", start_char=listed.index("40GB"), sentence_id="t", sentence=listed)
    assert not is_restatement(chips, size)



def test_ranges_compare_as_intervals_an_end_may_move():
    from pipeline.tracing import value_gap

    from .helpers import claim

    def span(low, high):
        return claim(f"{low}-{high} people", low, "people", "count", value_low=low, value_high=high, qualifier="range")

    assert value_gap(span(10, 20), span(5, 20)) == 1.0  # the low end moved: one figure, changed
    assert value_gap(span(10, 20), span(10, 30)) == 0.0  # read by their low ends, as before
    assert value_gap(span(10, 20), span(30, 40)) is None  # no overlap
    assert value_gap(span(10, 20), span(2, 9)) is None


def test_the_story_threshold_grows_with_the_corpus_until_rarity_means_something():
    from pipeline.tracing.values import STORY_SIMILARITY, story_threshold

    assert story_threshold(5) < story_threshold(20) < story_threshold(50) == STORY_SIMILARITY
    assert story_threshold(16_000) == STORY_SIMILARITY


def test_the_claim_columns_are_the_first_fields_of_a_traced_claim_in_order():
    from dataclasses import fields

    from pipeline.tracing.values import CLAIM_COLUMNS, TracedClaim

    assert [f.name for f in fields(TracedClaim)][: len(CLAIM_COLUMNS)] == list(CLAIM_COLUMNS)
