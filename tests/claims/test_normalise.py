"""parse_number and parse_figure: figures as written (currencies, scales, number words, qualifiers, ranges, units, powers of ten) read into values, or refused."""

import math
import time

import pytest

from pipeline.claims import ParsedFigure, finite_values, parse_figure, parse_number


B, M, K = 1e9, 1e6, 1e3


PARSE_CASES = [
    # currencies and scales
    ("$6M", 6 * M, "USD", "exact", None),
    ("$8 million", 8 * M, "USD", "exact", None),
    ("$4mn", 4 * M, "USD", "exact", None),
    ("US$9m", 9 * M, "USD", "exact", None),
    ("$12bn", 12 * B, "USD", "exact", None),
    ("$2.5 trillion", 2.5e12, "USD", "exact", None),
    ("$45k", 45 * K, "USD", "exact", None),
    ("€5bn", 5 * B, "EUR", "exact", None),
    ("€1.2 million", 1.2 * M, "EUR", "exact", None),
    ("£3", 3, "GBP", "exact", None),
    ("£250,000", 250 * K, "GBP", "exact", None),
    ("¥800", 800, "JPY", "exact", None),
    ("¥2 billion yuan", 2 * B, "CNY", "exact", None),
    ("¥10bn RMB", 10 * B, "CNY", "exact", None),
    ("₹50 crore", 5e8, "INR", "exact", None),
    ("A$7m", 7 * M, "AUD", "exact", None),
    ("HK$30", 30, "HKD", "exact", None),
    ("40 dollars", 40, "USD", "exact", None),
    ("300 euros", 300, "EUR", "exact", None),
    # plain numbers
    ("3,141,000", 3141000, None, "exact", None),
    ("9,00,000", 900000, None, "exact", None),
    ("12", 12, None, "exact", None),
    ("0.75", 0.75, None, "exact", None),
    ("3.35M", 3.35 * M, None, "exact", None),
    ("2.4 billion", 2.4 * B, None, "exact", None),
    ("120B", 120 * B, None, "exact", None),
    ("8k", 8 * K, None, "exact", None),
    # number words
    ("ten thousand", 10 * K, None, "exact", None),
    ("twenty-one", 21, None, "exact", None),
    ("three hundred and five", 305, None, "exact", None),
    ("a dozen", 12, None, "exact", None),
    ("a hundred", 100, None, "exact", None),
    ("half", 0.5, None, "exact", None),
    ("two million", 2 * M, None, "exact", None),
    # vague plurals
    ("billions", B, None, "range", (B, 10 * B)),
    ("millions", M, None, "range", (M, 10 * M)),
    ("hundreds of millions", 1e8, None, "range", (1e8, 1e9)),
    ("tens of thousands", 1e4, None, "range", (1e4, 1e5)),
    ("billions of dollars", B, "USD", "range", (B, 10 * B)),
    # qualifiers
    ("$900+ million", 900 * M, "USD", "at_least", (900 * M, None)),
    ("70+", 70, None, "at_least", (70, None)),
    ("~$20,000", 20 * K, "USD", "approx", None),
    ("≥2TB/s", 2, "TB/s", "at_least", (2, None)),
    ("sub-$4M", 4 * M, "USD", "under", (None, 4 * M)),
    ("about 300", 300, None, "approx", None),
    ("nearly $70 billion", 70 * B, "USD", "approx", None),
    ("roughly 12%", 12, "percent", "approx", None),
    ("more than 5,000 staff", 5000, "staff", "over", (5000, None)),
    ("fewer than 90 workers", 90, "worker", "under", (None, 90)),
    ("a little under $9m", 9 * M, "USD", "under", (None, 9 * M)),
    ("at least 40 ships", 40, "ship", "at_least", (40, None)),
    ("up to $15k", 15 * K, "USD", "at_most", (None, 15 * K)),
    ("just $3 million", 3 * M, "USD", "exact", None),
    ("20 or more", 20, None, "at_least", (20, None)),
    # ranges
    ("$0.30–$0.90", 0.30, "USD", "range", (0.30, 0.90)),
    ("16GB–32GB", 16, "GB", "range", (16, 32)),
    ("between 4 and 6 million", 4 * M, None, "range", (4 * M, 6 * M)),
    ("3-5 billion", 3 * B, None, "range", (3 * B, 5 * B)),
    ("10 to 20GB", 10, "GB", "range", (10, 20)),
    # percentages and multipliers
    ("23%", 23, "percent", "exact", None),
    ("9 per cent", 9, "percent", "exact", None),
    ("4.5 percent", 4.5, "percent", "exact", None),
    ("30x", 30, "x", "exact", None),
    ("12×", 12, "x", "exact", None),
    ("a hundred times", 100, "x", "exact", None),
    ("six times", 6, "x", "exact", None),
    ("tripled", 3, "x", "exact", None),
    ("ten-fold", 10, "x", "exact", None),
    # counted nouns and rates
    ("70,000 GPUs", 70000, "GPU", "exact", None),
    ("12 Employees", 12, "employee", "exact", None),
    ("3 companies", 3, "company", "exact", None),
    ("500 H200s", 500, "H200", "exact", None),
    ("1.2 million GPU hours", 1.2 * M, "GPU hour", "exact", None),
    ("eight months", 8, "month", "exact", None),
    ("$4 per million output tokens", 4, "USD per 1M output tokens", "exact", None),
    ("$9,000/unit", 9000, "USD per unit", "exact", None),
    # ordinals
    ("fifth", 5, None, "exact", None),
    ("12th", 12, None, "exact", None),
    # metres are not millions without a currency
    ("100m", 100, "m", "exact", None),
    # ... but "m" before a plural noun or "of" is millions
    ("4.5m shoppers", 4.5 * M, "shopper", "exact", None),
    # Indian grouping and money words
    ("7,00,000", 700000, None, "exact", None),
    ("12,50,000 rupees", 1.25 * M, "INR", "exact", None),
    ("3 million pounds", 3 * M, "GBP", "exact", None),
    ("6.2 billion shekels", 6.2 * B, "ILS", "exact", None),
    ("4.1 million Canadian dollars", 4.1 * M, "CAD", "exact", None),
    ("RM45", 45, "MYR", "exact", None),
    ("$US70 billion", 70 * B, "USD", "exact", None),
    ("NZ $12", 12, "NZD", "exact", None),
    ("PS4.5m", 4.5 * M, "GBP", "exact", None),  # "£" as ASCII text writes it
    # signs
    ("-2.4%", -2.4, "percent", "exact", None),
    ("+0.7%", 0.7, "percent", "exact", None),
    ("$-12bn", -12 * B, "USD", "exact", None),
    ("minus 40 degrees", -40, "°", "exact", None),
    # fractions
    ("a third", 1 / 3, None, "exact", None),
    ("two-thirds", 2 / 3, None, "exact", None),
    ("one in four", 0.25, None, "exact", None),
    ("a quarter of", 0.25, None, "exact", None),
    # number words with scales and ranges of them
    ("6 hundred million", 6e8, None, "exact", None),
    ("two to three thousand", 2 * K, None, "range", (2 * K, 3 * K)),
    ("$20 to $30 million", 20 * M, "USD", "range", (20 * M, 30 * M)),
    # energy, power, volume, length, mass, speed, frequency, temperature
    ("800 Wh", 800, "Wh", "exact", None),
    ("2.5 watt-hours", 2.5, "Wh", "exact", None),
    ("90 kJ", 90, "kJ", "exact", None),
    ("7 TWh", 7, "TWh", "exact", None),
    ("11 kilowatt-hours", 11, "kWh", "exact", None),
    ("350ml", 350, "ml", "exact", None),
    ("3 litres", 3, "l", "exact", None),
    ("a pint", 1, "pint", "exact", None),
    ("40 gallons", 40, "gal", "exact", None),
    ("12 miles", 12, "mi", "exact", None),
    ("9.5-inch", 9.5, "in", "exact", None),
    ("2.2mm", 2.2, "mm", "exact", None),
    ("60 kilograms", 60, "kg", "exact", None),
    ("150 pounds", 150, "lb", "exact", None),
    ("30g", 30, "g", "exact", None),
    ("120 mph", 120, "mph", "exact", None),
    ("90 km/h", 90, "km/h", "exact", None),
    ("2.4GHz", 2.4, "GHz", "exact", None),
    ("440 hertz", 440, "Hz", "exact", None),
    ("5000 mAh", 5000, "mAh", "exact", None),
    ("400 hp", 400, "hp", "exact", None),
    ("35 degrees Celsius", 35, "°C", "exact", None),
    ("98.6°F", 98.6, "°F", "exact", None),
    ("50 basis points", 50, "basis point", "exact", None),
    ("3 percentage points", 3, "percentage point", "exact", None),
    ("8pc", 8, "percent", "exact", None),
    # ages and rates
    ("42-year-old", 42, "year of age", "exact", None),
    ("$90 a barrel", 90, "USD per barrel", "exact", None),
    ("$0.14 per million input tokens", 0.14, "USD per 1M input tokens", "exact", None),
    ("3 to 4 hours", 3, "hour", "range", (3, 4)),
]


@pytest.mark.parametrize("text,value,unit,qualifier,bounds", PARSE_CASES)
def test_parse_figure(text, value, unit, qualifier, bounds):
    parsed = parse_figure(text)
    assert isinstance(parsed, ParsedFigure)
    assert math.isclose(parsed.value, value, rel_tol=1e-9)
    assert parsed.unit == unit
    assert parsed.qualifier == qualifier
    if bounds is not None:
        assert (parsed.value_low, parsed.value_high) == pytest.approx(bounds)


def test_parse_figure_kinds_and_cues():
    assert parse_figure("$7 billion").kind == "money"
    assert parse_figure("8%").kind == "percent"
    assert parse_figure("25x").kind == "multiplier"
    assert parse_figure("ninth").kind == "ordinal"
    assert parse_figure("just under $9m").qualifier_cue == "just under"
    assert parse_figure("~$5").qualifier_cue == "~"


@pytest.mark.parametrize("text", ["", "hello", "million", "GPT-4o"])
def test_parse_figure_rejects_non_figures(text):
    assert parse_figure(text) is None


def test_parse_number():
    assert parse_number("1,234,567") == 1234567
    assert parse_number("forty two") == 42
    assert parse_number("one two") is None
    assert parse_number("banana") is None


# --------------------------------------------------------------------------- numbers that are not finite
# (issue 11, defect 8: a 400-digit amount stored as inf, a 5 MB digit run read as claims,
# "10^100 dollars" read as 10 with unit "^")


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("10^9", 1e9, None),
        ("10⁹", 1e9, None),
        ("1e9", 1e9, None),
        ("1E9 GPUs", 1e9, "GPU"),
        ("10**9", 1e9, None),
        ("1.5 x 10^9", 1.5e9, None),
        ("1.5 x 10^9 dollars", 1.5e9, "USD"),
        ("1.5×10⁻³ grams", 1.5e-3, "g"),
        ("2.5e-3", 2.5e-3, None),
        ("$1e9", 1e9, "USD"),
        ("10^100 dollars", 1e100, "USD"),
        ("10^-3", 1e-3, None),
    ],
)
def test_parse_figure_reads_powers_of_ten_whole(text, value, unit):
    parsed = parse_figure(text)
    assert math.isclose(parsed.value, value, rel_tol=1e-12)
    assert parsed.unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "1" * 31,  # one more digit than any figure
        "$" + "9" * 400,
        "9" * 400 + " dollars",
        "1,000,000,000,000,000,000,000,000,000,000",  # 31 digits with their group marks
        "0.1234567890123456789012345678901",
        "1," * 20 + "1",  # not one number, and no part of it is one
        "1e999",  # beyond the float range: no infinite figure
        "10^400 dollars",
        "5 " + "trillion " * 40 + "dollars",
        "one " + "hundred " * 200,
        "2^10",  # a power of a base the grammar does not read: left out, not half-read
        "5²",
        "10^9.5",
        "10^1000",
    ],
)
def test_parse_figure_rejects_numbers_that_are_no_finite_figure(text):
    assert parse_figure(text) is None


def test_parse_figure_keeps_thirty_digits():
    assert parse_figure("1" * 30).value == float("1" * 30)


@pytest.mark.parametrize(
    "text, value",
    [("5,000,", 5000), ("$5,000,000,", 5e6)],
)
def test_parse_figure_reads_a_grouped_number_before_a_comma(text, value):
    assert parse_figure(text).value == value  # was 5: the grouping stopped at the comma


def test_parse_number_powers_and_limits():
    assert parse_number("1.5 x 10^9") == 1.5e9
    assert parse_number("10⁹") == 1e9
    assert parse_number("1e9") == 1e9
    assert parse_number("1" * 31) is None
    assert parse_number("1e999") is None


def test_finite_values():
    assert finite_values(1.0, None, 2.0)
    assert not finite_values(1.0, math.inf)
    assert not finite_values(math.nan)


def test_parse_figure_on_five_megabytes_of_digits_is_quick():
    for text in ("1" * 5_000_000, "1," * 1_000_000):
        started = time.perf_counter()
        assert parse_figure(text) is None
        assert time.perf_counter() - started < 2



@pytest.mark.parametrize(
    "text, value, unit, qualifier",
    [("59.19T Wh", 59.19, "TWh", "exact"),  # a scale letter before a unit symbol is its prefix
     ("a minimum of six months", 6, "month", "at_least"), ("a maximum of 40 people", 40, "people", "at_most")],
)  # fmt: skip
def test_prefixes_split_from_their_unit_and_minimum_maximum_hedges(text, value, unit, qualifier):
    parsed = parse_figure(text)
    assert (parsed.value, parsed.unit, parsed.qualifier) == (value, unit, qualifier)
