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
     ("approx", "down", "down")],
)  # fmt: skip
def test_cqe_change(qualifier, change, label):
    assert ex.cqe_change(qualifier, change) == label


def test_concept_words_from_subject_without_function_words():
    claim = Claim("5", 0, 1, 5.0, subject="the company's debt")
    assert ex.concept_words(claim) == ["company's", "debt"]


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
