"""Tests of the figure normalisers and the numeric_claims component."""

import math
import time

import pytest

from pipeline.claims import (
    ParsedFigure,
    extract_claims,
    figure_safe_cut,
    finite_values,
    parse_figure,
    parse_number,
)
from pipeline.nlp import analyze_texts, split_into_chunks

B, M, K = 1e9, 1e6, 1e3

# (text, value, unit, qualifier, (value_low, value_high) or None to skip the bounds check)
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


def claims_of(nlp, text):
    doc = nlp(text)
    for claim in doc._.numeric_claims:
        assert doc.text[claim.start_char:claim.end_char] == claim.surface
    return doc._.numeric_claims


def one_claim(nlp, text, surface):
    matches = [c for c in claims_of(nlp, text) if c.surface == surface]
    assert len(matches) == 1, [c.surface for c in claims_of(nlp, text)]
    return matches[0]


def test_component_sets_extension_and_extract_claims_agrees(nlp):
    doc = nlp("Acme sold 4,000 phones for $2 million.")
    assert [c.surface for c in doc._.numeric_claims] == ["4,000 phones", "$2 million"]
    assert extract_claims(doc) == doc._.numeric_claims


@pytest.mark.parametrize(
    "text,surface,qualifier,cue",
    [
        ("The bridge cost about $40 million to build.", "$40 million", "approx", "about"),
        ("The startup has fewer than 80 employees today.", "80 employees", "under", "fewer than"),
        ("Its rival spent over $2bn on chips last year.", "$2bn", "over", "over"),
        ("Tickets sold for up to $900 each.", "$900", "at_most", "up to"),
        ("They built it for just $9 million in total.", "$9 million", "exact", "just"),
        ("The plant employs at least 1,200 people.", "1,200 people", "at_least", "at least"),
        ("The budget was a little under $7m this time.", "$7m", "under", "a little under"),
        ("Analysts expect 300+ stores by spring.", "300+ stores", "at_least", "+"),
    ],
)
def test_component_qualifiers(nlp, text, surface, qualifier, cue):
    claim = one_claim(nlp, text, surface)
    assert (claim.qualifier, claim.qualifier_cue) == (qualifier, cue)


def test_component_ranges(nlp):
    claim = one_claim(nlp, "Memory ranges from 24GB–48GB on each card.", "24GB–48GB")
    assert (claim.value_low, claim.value_high, claim.unit) == (24, 48, "GB")
    claim = one_claim(nlp, "Fares are between $3 and $8 per ride.", "$3 and $8 per ride")
    assert (claim.value_low, claim.value_high, claim.qualifier) == (3, 8, "range")
    claim = one_claim(nlp, "Rivals are spending billions on data centres.", "billions")
    assert (claim.value_low, claim.value_high) == (1e9, 1e10)


def test_component_change(nlp):
    claims = claims_of(nlp, "Shares fell 12% on Tuesday while revenue rose 5%.")
    assert [(c.surface, c.change) for c in claims] == [("12%", "down"), ("5%", "up")]
    claim = one_claim(nlp, "The sell-off knocked $80 billion off the bank's value.", "$80 billion")
    assert claim.change == "down"


@pytest.mark.parametrize(
    "text,surface,change",
    [
        ("Nvidia advanced 8% on Monday.", "8%", "up"),
        ("Shares plummeted 40.8 per cent after the report.", "40.8 per cent", "down"),
        ("The index is trending up 0.2% today.", "0.2%", "up"),  # a particle on the verb
        ("They were up 5pc when the deal closed.", "5pc", "up"),  # "up" on "be"
        ("Up from 2.4 million, sales reached 3.9 million units.", "3.9 million units", None),
        # a count's verb is one step further away; a second figure joined by "or" too
        ("Employment grew by 125,600 positions or 2.2 per cent.", "125,600 positions", "up"),
        ("Employment grew by 125,600 positions or 2.2 per cent.", "2.2 per cent", "up"),
        ("Heineken Malaysia rose 18 sen to RM23.50.", "18 sen", "up"),  # noun tagged PROPN
        ("Heineken Malaysia rose 18 sen to RM23.50.", "RM23.50", None),  # the level reached
        ("The defense gave up 517 rushing yards.", "517 rushing yards", None),  # a phrasal verb
    ],
)  # fmt: skip
def test_component_change_movements(nlp, text, surface, change):
    assert one_claim(nlp, text, surface).change == change


@pytest.mark.parametrize(
    "text,surface,unit,kind",
    [
        ("He will be 35 by the end of the year.", "35", "year of age", "age"),
        ("Their older daughter Maria, who was 10, came too.", "10", "year of age", "age"),
        ("The total was 35 by noon.", "35", None, "count"),
        # "a year earlier" dates the figure; "a year" alone makes a rate
        ("Revenue rose to $7.36 billion from $6.78 billion a year earlier.", "$6.78 billion", "USD", "money"),
        ("The fee is $80 a year.", "$80 a year", "USD per year", "money"),
        ("Arnold bought a notebook for 1,200€ last week.", "1,200€", "EUR", "money"),
        ("The offer was C $6 per share.", "C $6 per share", "CAD per share", "money"),
        ("The yacht was quoted at USD10m.", "USD10m", "USD", "money"),  # a glued ISO code
        ("They laundered RM3.06mil last year.", "RM3.06mil", "MYR", "money"),
        ("Vecturas shares rose 6.5% to 164p.", "164p", "p", "size"),  # pence
        ("The recipe requires 1/2 pound of chocolate.", "1/2 pound", "lb", "size"),
        ("One fluid ounce is 1/16 of a pint.", "1/16", None, "fraction"),
    ],
)  # fmt: skip
def test_component_ages_rates_and_currencies(nlp, text, surface, unit, kind):
    claim = one_claim(nlp, text, surface)
    assert (claim.unit, claim.kind) == (unit, kind)


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


def test_component_symbol_beats_emphasis_cue(nlp):
    """"only ~45g": the tilde says approximate, "only" just emphasises."""
    claim = one_claim(nlp, "Our printed samples are only ~45g each.", "~45g")
    assert (claim.qualifier, claim.qualifier_cue) == ("approx", "~")


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


def test_component_counted_nouns_and_units(nlp):
    claim = one_claim(nlp, "The lab bought 25,000 Nvidia H200 GPUs in total.", "25,000 Nvidia H200 GPUs")
    assert (claim.value, claim.unit, claim.kind) == (25000, "GPU", "count")
    claim = one_claim(nlp, "Training took 1.5 million GPU hours on the cluster.", "1.5 million GPU hours")
    assert (claim.value, claim.unit) == (1.5e6, "GPU hour")
    claim = one_claim(nlp, "The model has 70 billion parameters.", "70 billion parameters")
    assert claim.unit == "parameter"
    claim = one_claim(nlp, "The launch came eight months after the merger.", "eight months")
    assert (claim.value, claim.kind) == (8, "duration")
    claim = one_claim(nlp, "Output costs $4 per million output tokens.", "$4 per million output tokens")
    assert claim.unit == "USD per 1M output tokens"


def test_component_ranks_and_multipliers(nlp):
    claim = one_claim(nlp, "Critics now rank the film 3rd overall.", "3rd")
    assert (claim.value, claim.kind) == (3, "ordinal")
    claim = one_claim(nlp, "It is the company's ninth acquisition.", "ninth")
    assert claim.value == 9
    claim = one_claim(nlp, "The new chip is 30x faster than the old one.", "30x")
    assert (claim.value, claim.unit) == (30, "x")


@pytest.mark.parametrize(
    "text,surface,who",
    [
        ("Acme says it spent $4 million on the campaign.", "$4 million", "Acme"),
        ("According to Gartner, sales reached 9,000 units.", "9,000 units", "Gartner"),
        ("Unverified reports suggest the fund holds 3,000 servers.", "3,000 servers", "unverified reports"),
        ("A new study has shown that 40% of users churn.", "40%", "a new study"),
        ("The startup reportedly raised $70 million.", "$70 million", "unnamed reports"),
    ],
)
def test_component_attribution(nlp, text, surface, who):
    assert one_claim(nlp, text, surface).attributed_to == who


def test_component_years(nlp):
    claims = claims_of(nlp, "The firm was founded in 2016 and hired 40 engineers.")
    assert [(c.surface, c.kind) for c in claims] == [("2016", "year"), ("40 engineers", "count")]


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


def test_component_units_and_signs(nlp):
    claim = one_claim(nlp, "The storm brought gusts of 130mph to the coast.", "130mph")
    assert (claim.value, claim.unit, claim.kind) == (130, "mph", "size")
    claim = one_claim(nlp, "The car has a 2.0-litre engine and 300 hp.", "2.0-litre")
    assert claim.unit == "l"
    claim = one_claim(nlp, "Her 19-year-old son joined the firm.", "19-year-old")
    assert (claim.value, claim.unit) == (19, "year of age")
    claim = one_claim(nlp, "The runner finished the 40 yard dash in 4.4 seconds.", "40 yard")
    assert claim.unit == "yd"
    claims = claims_of(nlp, "Markets: FTSE -0.8% and Dow +1.2% at noon.")
    assert [(c.value, c.change) for c in claims] == [(-0.8, "down"), (1.2, "up")]


def test_component_movement_versus_level(nlp):
    claims = claims_of(nlp, "Shares of the retailer rose 6% to $42 on Monday.")
    assert [(c.surface, c.change) for c in claims] == [("6%", "up"), ("$42", None)]
    claim = one_claim(nlp, "Analysts forecast a 12% drop in sales.", "12%")
    assert claim.change is None  # a noun states the size of a drop; nothing moved here


def test_component_ranges_with_borrowed_scale_and_from_to(nlp):
    claim = one_claim(nlp, "The deal is worth $4 to $6 billion in total.", "$4 to $6 billion")
    assert (claim.value_low, claim.value_high) == (4e9, 6e9)
    claim = one_claim(nlp, "Inflation slowed from 3.1 percent to 2.9 percent.", "3.1 percent to 2.9 percent")
    assert (claim.value_low, claim.value_high, claim.qualifier) == (3.1, 2.9, "range")
    claims = claims_of(nlp, "The deficit grew by $20 billion to $300 billion.")
    assert [c.value for c in claims] == [20e9, 300e9]


def test_component_fractions_and_measure_nouns(nlp):
    claim = one_claim(nlp, "A third of the voters stayed home.", "A third")
    assert claim.value == pytest.approx(1 / 3)
    claim = one_claim(nlp, "She wrote a 30 page report on the merger.", "30 page")
    assert claim.unit == "page"


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
    "text, surface, unit, kind",
    [
        ("The blog mentioned the lab no fewer than 11 times in one year.", "11 times", "time", "count"),
        ("She takes the tablet 3 times a day.", "3 times a day", "time per day", "count"),
        ("The new chip is ten times cheaper than the old one.", "ten times", "x", "multiplier"),
        ("Exports grew three times as fast as imports.", "three times", "x", "multiplier"),
    ],
)
def test_times_counts_occasions_or_multiplies(nlp, text, surface, unit, kind):
    [claim] = [c for c in nlp(text)._.numeric_claims if c.surface == surface]
    assert (claim.unit, claim.kind) == (unit, kind)


def test_a_name_number_before_a_year_is_not_a_fraction(nlp):
    claims = nlp("He opened Harbor 1 in 2019 with 1,100 desks.")._.numeric_claims
    assert all(c.kind != "fraction" for c in claims)
    assert [(c.surface, c.kind) for c in claims] == [("2019", "year"), ("1,100 desks", "count")]
    framed = nlp("Shares rose 171% in 2024 alone.")._.numeric_claims
    assert [c.surface for c in framed] == ["171%"]


@pytest.mark.parametrize(
    "text, surface",
    [
        ("The new stadium would cost billions.", "billions"),
        ("Rivals spend hundreds of millions in budgets on each launch.", "hundreds of millions"),
    ],
)
def test_amounts_are_money_by_their_context(nlp, text, surface):
    [claim] = nlp(text)._.numeric_claims
    assert (claim.surface, claim.kind, claim.unit) == (surface, "money", None)


def test_thousands_of_people_stay_a_count(nlp):
    [claim] = nlp("Thousands of people marched in the rain.")._.numeric_claims
    assert claim.kind == "count" and claim.unit == "people"


def test_unit_ignores_punctuation_glued_to_the_noun(nlp):
    claims = nlp("The rival used 30,840,000 GPU hours—11x what the lab used.")._.numeric_claims
    assert [(c.surface, c.unit) for c in claims] == [("30,840,000 GPU hours", "GPU hour"), ("11x", "x")]


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


@pytest.mark.parametrize(
    "text, surface, unit",
    [
        ("Wax has a melting point of 46 C.", "46 C", "°C"),
        ("The forecast high is 75 F on Sunday.", "75 F", "°F"),
        ("A taxi ride cost us 120 kn in Split.", "120 kn", "HRK"),
        ("The ferry sailed at 20 kn across the bay.", "20 kn", "kn"),
        ("Bread is priced at 25 R in Durban shops.", "25 R", "ZAR"),
    ],
)
def test_one_letter_symbols_read_by_their_sentence(nlp, text, surface, unit):
    assert one_claim(nlp, text, surface).unit == unit


# --------------------------------------------------------------------------- numbers that are not finite
# (issue 11, defect 8: a 400-digit amount stored as inf, a 5 MB digit run read as claims,
# "10^100 dollars" read as 10 with unit "^")


def assert_finite(claim_or_figure):
    for value in (claim_or_figure.value, claim_or_figure.value_low, claim_or_figure.value_high):
        assert value is None or math.isfinite(value), claim_or_figure


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


def test_chunks_never_split_a_figure_or_a_digit_run():
    text = "a" * 30 + " costs $5 million today"
    assert [piece for _, piece in split_into_chunks(text, limit=40)] == ["a" * 30 + " costs ", "$5 million today"]
    text = "x" * 35 + "12,345,678 units"
    assert [piece for _, piece in split_into_chunks(text, limit=40)][1].startswith("12,345,678")
    # A run longer than any figure may be cut, but leaves more than 30 digits either side.
    for text in ("1" * 100, "1" * 5_010, "abc " + "1" * 5_000 + " dollars"):
        chunks = split_into_chunks(text, limit=80)
        assert "".join(piece for _, piece in chunks) == text
        for (_, piece), (_, following) in zip(chunks, chunks[1:]):
            if piece[-1:].isdigit() and following[:1].isdigit():
                assert sum(c.isdigit() for c in piece) > 30 and following[:31].isdigit()


def test_figure_safe_cut():
    assert figure_safe_cut("pay $5,000 now", 0, 7) == 4  # inside "$5,000": before it
    assert figure_safe_cut("pay $5 million now", 0, 7) == 4
    assert figure_safe_cut("pay 5 now", 0, 6) == 6  # between words: as asked
    assert figure_safe_cut("1" * 100, 0, 80) == 69  # 69 digits | 31 digits


def test_spacy_finds_the_component_through_its_entry_point_without_an_import(tmp_path):
    """A fresh interpreter, nothing of figtrace imported: spaCy's factory lookup loads it."""
    import subprocess
    import sys

    script = (
        "import sys, spacy\n"
        "assert 'pipeline.claims' not in sys.modules\n"
        "nlp = spacy.blank('en')\n"
        "nlp.add_pipe('sentencizer')\n"
        "nlp.add_pipe('numeric_claims')\n"
        "doc = nlp('Acme raised $5 million in May.')\n"
        "print([(c.surface, c.value, c.unit) for c in doc._.numeric_claims])\n"
        "print(nlp.get_pipe_meta('numeric_claims').assigns)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.splitlines() == ["[('$5 million', 5000000.0, 'USD')]", "['doc._.numeric_claims']"]
