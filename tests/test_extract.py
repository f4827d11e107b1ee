"""Tests of pipeline.extract (JSON records, NewsQuant format) and the `analyze extract` command."""

import json

import pytest
from click.testing import CliRunner

from pipeline import extract as ex
from pipeline.cli import cli
from pipeline.records import Claim


def run(nlp, texts, all_quantities=False):
    return list(ex.extract(nlp, texts, all_quantities=all_quantities))


def test_read_texts_plain_json_and_blank_lines():
    lines = ["Plain text line\n", '{"text": "From JSON", "id": 3}\n', "\n", "{not json}\n", '{"title": "x"}\n']
    assert list(ex.read_texts(lines)) == ["Plain text line", "From JSON", "", "{not json}", '{"title": "x"}']


def test_extract_keeps_order_and_offsets(nlp):
    texts = ["The firm hired 40 engineers.", "", "Revenue rose 8% to $3 billion."]
    results = run(nlp, texts)
    assert [doc.text for doc, _ in results] == texts
    doc, claims = results[2]
    assert [(c.surface, c.value, c.unit, c.change) for c in claims] == [
        ("8%", 8, "percent", "up"),
        ("$3 billion", 3e9, "USD", None),
    ]
    for c in claims:
        assert doc.text[c.start_char:c.end_char] == c.surface


def test_all_quantities_adds_non_claims(nlp):
    text = "She is one of the founders and owns 20 shops."
    claims_only = run(nlp, [text])[0][1]
    everything = run(nlp, [text], all_quantities=True)[0][1]
    assert [c.surface for c in claims_only] == ["20 shops"]
    assert [c.surface for c in everything] == ["one", "20 shops"]


def test_jsonl_record_fields(nlp):
    doc, claims = run(nlp, ["Between 20 and 50 questions were asked."])[0]
    record = ex.jsonl_record(doc.text, claims)
    assert record["text"] == doc.text
    (q,) = record["quantities"]
    assert list(q) == list(ex.JSONL_FIELDS)
    assert (q["value_low"], q["value_high"], q["qualifier"], q["unit"]) == (20, 50, "range", "question")


def test_newsquant_record(nlp):
    doc, claims = run(nlp, ["The index fell 2.5% to 7,400 while oil cost about $80 a barrel."], True)[0]
    record = ex.newsquant_record(doc, claims)
    got = [(q["value"], q["normalized_unit"], q["change"]) for q in record["quantities"]]
    assert got == [(2.5, "percentage", "down"), (7400, "-", "="), (80, "dollar per barrel", "~")]
    assert record["quantities"][0]["referred_concepts"] == ["index"]


def test_newsquant_ranges_are_lists_and_ranks_are_left_out(nlp):
    doc, claims = run(nlp, ["It was his fifth win, worth $2-3 million."], True)[0]
    quantities = ex.newsquant_record(doc, claims)["quantities"]
    assert [q["value"] for q in quantities] == [[2e6, 3e6]]


@pytest.mark.parametrize(
    "unit,expected",
    [
        ("USD", "dollar"), ("JPY", "japanese yen"), ("GBP", "pound sterling"), ("percent", "percentage"),
        ("km", "kilometre"), ("GB", "gigabyte"), ("mph", "mile per hour"), ("°C", "celsius"),
        ("kWh", "kilowatt hour"), ("ml", "millilitre"), ("x", "count"), ("year of age", "year of age"),
        ("USD per barrel", "dollar per barrel"), ("USD per 1M input tokens", "dollar per input tokens"),
        ("GPU", "GPU"), (None, "-"),
    ],
)  # fmt: skip
def test_cqe_unit(unit, expected):
    assert ex.cqe_unit(unit) == expected


@pytest.mark.parametrize(
    "qualifier,change,label",
    [("exact", None, "="), ("approx", None, "~"), ("over", None, ">"), ("at_least", None, ">"),
     ("under", None, "<"), ("at_most", None, "<"), ("range", None, "="), ("exact", "up", "up"),
     ("exact", "down", "down"), ("range", "down", "down"),
     # a bound or an approximation wins over the movement: "lost more than 60%", "up about 15%"
     ("approx", "down", "~"), ("over", "up", ">")],
)  # fmt: skip
def test_cqe_change(qualifier, change, label):
    assert ex.cqe_change(qualifier, change) == label


def test_cqe_change_counts_estimates_as_approximate():
    assert ex.cqe_change("exact", None, "an estimated") == "~"


@pytest.mark.parametrize(
    "text,surface,unit",
    [
        # CQE's counted units: the noun phrase of the count, modifiers before the number too
        ("Are you on the hunt for one of the best wireless speakers around?", "one", "good wireless speaker"),
        ("Two of Johnson's deputies were fired.", "Two", "Johnson deputy"),
        ("But we expect the top three seeds from each region to play.", "three seeds", "top seed"),
        ("He netted a record 32 goals in 36 league games.", "32 goals", "record goal"),
        ("They played 65 snaps of man coverage.", "65 snaps", "snap man coverage"),
        ("The five launches will offer a combined 435 homes.", "435 homes", "home"),  # no participle
        # fractions: "%" and what they are a part of
        ("One fourth of the US population is vaccinated.", "One fourth", "% US population"),
        ("Half the condos have sold.", "Half", "% condo"),
        ("A third of those screened were obese.", "A third", "% -"),
        # an elided unit comes from a parallel figure, never from a percentage move
        ("They offer 435 homes by open sale and 187 by tender.", "187", "home"),
        ("The highest forecast is 84.75 cents, while the lowest is 74.07.", "74.07", "cent"),
        ("The S&P 500 rose 64.06 points to 4,577.10.", "4,577.10", "point"),
        ("The Dow rose 0.65 per cent to 27,349.19.", "27,349.19", "-"),
        # vocabulary: occasions are counts, "p" index points, "PS" metric horsepower
        ("The stars spin 78,000 times a minute.", "78,000 times a minute", "count per minute"),
        ("Unite Group was down 68 p at 1112 p.", "68 p", "point"),
        ("The engine makes 300 PS.", "300 PS", "horsepower"),
        ("It gives 210 hp (157 kW / 213 PS) in this trim.", "213 PS", "horsepower"),
        # a level beside a move in points is in points too
        ("The FTSE 100 (7,512.40 down 31.55 points) slipped.", "7,512.40", "point"),
        ("The index has shed 80.5 points, or 1.1%, to fall to 7,120.25.", "7,120.25", "point"),
        # the counted phrase of a range has neither end's number in it
        ("There are two to three thousand visitors.", "two to three thousand visitors", "visitor"),
        ("We saw 5 to 6 thousand birds.", "5 to 6 thousand birds", "bird"),
        # clauses on the counted noun describe it, an infinitive stays
        ("It was one of the tallest towers that anyone had built.", "one", "tall tower"),
        ("There are hundreds of pupils learning Welsh there.", "hundreds", "pupil"),
        ("She was one of the first pilots to fly solo.", "one", "first pilot"),
        # a part of another figure, a figure "including" a part
        ("They sold 40 million of the 90 million euros in bonds.", "40 million", "euro"),
        ("More than 8 million phones worldwide including 2 million in India would be recalled.", "2 million", "phone"),
        ("Land sells for $30 per sq m.", "$30 per sq m.", "dollar per square metre"),
    ],
)  # fmt: skip
def test_newsquant_units(nlp, text, surface, unit):
    doc, claims = run(nlp, [text], True)[0]
    quantities = {q["surface"]: q for q in ex.newsquant_record(doc, claims)["quantities"]}
    assert quantities[surface]["normalized_unit"] == unit


def test_unit_words_are_not_concepts_too(nlp):
    doc, claims = run(nlp, ["They played 65 snaps of man coverage."], True)[0]
    assert ex.newsquant_record(doc, claims)["quantities"][0]["referred_concepts"] == []


@pytest.mark.parametrize(
    "text,surface,label",
    [
        ("The trip takes about 25-40 minutes by car.", "25-40 minutes", "~"),
        ("The trip takes 25-40 minutes by car.", "25-40 minutes", "="),
        # a restatement in other units keeps the bound of the figure it restates
        ("The moths can fly more than 100 kilometers (60 miles).", "60 miles", ">"),
        ("The engine makes just under 296 hp (224 kW / 300 PS).", "300 PS", "<"),
        # a movement verb beats an approximation, "be up" and bounds do not
        ("Shares of the bank rose about 2.5% in early trading.", "2.5%", "up"),
        ("The index was up about 3 per cent this year.", "3 per cent", "~"),
        ("The miner lost more than 40% of its value.", "40%", ">"),
        # the level after a movement's amount is no movement
        ("The debt increased by $12 billion to $90 billion.", "$90 billion", "="),
        ("Copper was up 4 cents to $3.10 per pound.", "$3.10 per pound", "="),
    ],
)  # fmt: skip
def test_newsquant_change_labels(nlp, text, surface, label):
    doc, claims = run(nlp, [text], True)[0]
    quantities = {q["surface"]: q for q in ex.newsquant_record(doc, claims)["quantities"]}
    assert quantities[surface]["change"] == label


def test_concept_words_from_subject_without_function_words():
    claim = Claim("5", 0, 1, 5.0, subject="the company's debt")
    assert ex.concept_words(claim) == ["company's", "debt"]


@pytest.mark.parametrize(
    "text,surface,concepts",
    [
        # a relative pronoun stands for the noun its clause modifies
        ("Ford, which has 13000 workers in Britain, expects a loss.", "13000 workers", ["Ford"]),
        # "it" takes the head clause's subject
        ("The company said it has more than 1000 customers.", "1000 customers", ["company"]),
        # another quantity is never a concept: the inches restate the centimetres
        ("The particle robots measure 15.5 cm (6.1 inches) across.", "6.1 inches", ["particle", "robots"]),
        # the subject with its prepositional modifiers
        ("The average price of petrol in Leeds rose 3% last week.", "3%", ["average", "price", "petrol", "Leeds"]),
        # a pronoun-like count refers to its own phrase
        ("She is one of the founders of the firm.", "one", []),
        # what a payment is for; the speaker "I" is no concept
        ("In 2019, I paid $35,538 for a new roof.", "$35,538", ["new", "roof"]),
        # misparsed clause without a subject: the nearest noun phrase before the figure
        ("Before the crisis global debt was about $113 trillion.", "$113 trillion", ["crisis", "global", "debt"]),
        # a figure heading an adverbial put before the subject frames the clause: no concept
        ("Three weeks later the mayor resigned.", "Three weeks", []),
        ("In the past two years the club has signed 14 players.", "two years", []),
        ("At 118p, the shares look cheap.", "118p", []),
        # ... but a noun it hangs from inside that adverbial is its concept
        ("In a poll of 2,000 voters, the party led by 4 points.", "2,000 voters", ["poll", "party"]),
    ],
)  # fmt: skip
def test_referred_concepts(nlp, text, surface, concepts):
    doc, claims = run(nlp, [text], True)[0]
    quantities = {q["surface"]: q for q in ex.newsquant_record(doc, claims)["quantities"]}
    assert quantities[surface]["referred_concepts"] == concepts


def test_entities_run_only_where_they_matter(nlp):
    """NER runs afterwards on the docs whose claims can depend on it; the claims are the
    ones the full pipeline finds."""
    texts = ["404 Media laid off 3 writers.", "Revenue rose 8% to $3 billion.", "Jamie Armstrong, 25, won."]
    assert [ex.needs_entities(nlp(t)) for t in texts] == [True, False, True]
    for (_, claims), text in zip(run(nlp, texts, True), texts):
        full = ex.extract_claims(nlp(text), all_quantities=True)
        assert [(c.surface, c.unit) for c in claims] == [(c.surface, c.unit) for c in full]
    assert [c.surface for c in run(nlp, texts[:1])[0][1]] == ["3 writers"]
    assert run(nlp, texts[2:])[0][1][0].unit == "year of age"


@pytest.fixture
def cli_nlp(nlp, monkeypatch):
    """The command loads the session's pipeline instead of a second copy."""
    monkeypatch.setattr("pipeline.nlp.load_pipeline", lambda model=None: nlp)
    return nlp


def test_cli_extract_jsonl_and_json_lines(cli_nlp):
    stdin = 'Sales rose 5% in May.\n{"text": "It has 3 plants."}\n'
    result = CliRunner().invoke(cli, ["extract"], input=stdin)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in lines] == ["Sales rose 5% in May.", "It has 3 plants."]
    assert [[q["surface"] for q in r["quantities"]] for r in lines] == [["5%"], ["3 plants"]]


def test_cli_extract_newsquant_all_quantities_from_file(cli_nlp, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("He was one of the 12 pilots.\n", encoding="utf-8")
    plain = CliRunner().invoke(cli, ["extract", str(path), "--format", "newsquant"])
    full = CliRunner().invoke(cli, ["extract", str(path), "--format", "newsquant", "--all-quantities"])
    assert plain.exit_code == 0 and full.exit_code == 0, plain.output + full.output
    assert [q["value"] for q in json.loads(plain.output)["quantities"]] == [12]
    assert [q["value"] for q in json.loads(full.output)["quantities"]] == [1, 12]
    assert set(json.loads(full.output)["quantities"][0]) >= {"value", "normalized_unit", "change", "referred_concepts"}


@pytest.mark.parametrize(
    "qualifier, change, label",
    [("approx", "verb-up", "up"), ("approx", "up", "~"), ("over", "verb-down", ">"), ("exact", "verb-down", "down")],
)
def test_cqe_change_verbal_movements(qualifier, change, label):
    assert ex.cqe_change(qualifier, change) == label
