"""A claim built in its sentence: unit in context, qualifier, counted noun, rate, age, kind and change (up or down)."""

import pytest

from .helpers import claims_of, one_claim


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


def test_component_symbol_beats_emphasis_cue(nlp):
    """"only ~45g": the tilde says approximate, "only" just emphasises."""
    claim = one_claim(nlp, "Our printed samples are only ~45g each.", "~45g")
    assert (claim.qualifier, claim.qualifier_cue) == ("approx", "~")


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


def test_component_fractions_and_measure_nouns(nlp):
    claim = one_claim(nlp, "A third of the voters stayed home.", "A third")
    assert claim.value == pytest.approx(1 / 3)
    claim = one_claim(nlp, "She wrote a 30 page report on the merger.", "30 page")
    assert claim.unit == "page"


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



@pytest.mark.parametrize(
    "text, surface, value, unit, kind",
    [("Odds are 10-to-1 against it.", "10-to-1", 10, "x", "multiplier"),
     ("The chip is ten times faster.", "ten times", 10, "x", "multiplier"),
     ("Output rose tenfold.", "tenfold", 10, "x", "multiplier"),
     ("The 40 figure is wrong.", "40 figure", 40, None, "count"),
     ("His 7 million estimate was low.", "7 million estimate", 7e6, None, "count"),
     ("A 7-million-user estimate was cited.", "7-million-user", 7e6, "user", "count"),
     ("Analysts gave eight estimates.", "eight estimates", 8, "estimate", "count")],
)  # fmt: skip
def test_multiples_ratios_and_restated_figures(nlp, text, surface, value, unit, kind):
    claim = one_claim(nlp, text, surface)
    assert (claim.value, claim.unit, claim.kind) == (value, unit, kind)
