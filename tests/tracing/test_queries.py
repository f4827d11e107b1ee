"""Queries: find_figures, trace, most_mutated and a figure's lineage."""

import json

import pytest

from pipeline.tracing import FigureQuery, find_figures, most_mutated, trace

from .helpers import FACTORY, ingest_corpus


def test_trace_queries(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, FACTORY)
    assert len(find_figures(db, "$6M")) == 1
    assert find_figures(db, "$6M", subject="battery factory") == find_figures(db, "$6M")
    assert find_figures(db, "$6M", subject="highway") == []
    assert find_figures(db, "6 million percent") == []
    assert find_figures(db, "€6M") == []
    with pytest.raises(ValueError, match="cannot read a figure"):
        find_figures(db, "no figure here")
    json.dumps(trace(db, "$6M"))  # plain data, ready for --json


def test_a_typed_figure_reads_claims_only_within_its_rounding(nlp, tmp_path):
    query = FigureQuery.parse("$6M")  # one significant digit: $5.5M to $6.5M round to it
    low, high = query.value_window
    assert low == pytest.approx(5_500_000) and high == pytest.approx(6_500_000)
    assert low < 5_500_000 and high > 6_500_000  # (a hair of slack for floats)
    assert FigureQuery.parse("$6.2M").value_window == pytest.approx((6.2e6 * 0.95, 6.2e6 * 1.05))  # the tolerance is wider
    assert FigureQuery.parse("0").value_window == (0, 0)
    db, _ = ingest_corpus(nlp, tmp_path, {
        "a": ("2025-01-02", "The plant cost $5.5 million to build, Acme said."),
        "b": ("2025-01-03", "Building the plant cost Acme $6.49 million."),
        "c": ("2025-01-04", "Acme's plant cost $6.6 million to build."),
    })
    matched = [c["surface"] for f in trace(db, "$6M")["figures"] for c in f["claims"] if query.matches(
        c["value"], c["surface"], c["unit"], None, c["qualifier"], c["value_low"], c["value_high"])]  # fmt: skip
    assert sorted(matched) == ["$5.5 million", "$6.49 million"]
    limited = trace(db, "$6M", limit=1)
    assert len(limited["figures"]) <= limited["matched"] == len(find_figures(db, "$6M"))


def test_most_mutated_lists_figures_with_kinds(nlp, tmp_path):
    db, _ = ingest_corpus(nlp, tmp_path, FACTORY)
    [top] = most_mutated(db)
    assert top["n_claims"] == 3
    assert {"rounded", "qualifier_changed"} <= set(top["kinds"]) == set(json.loads(top["kinds_seen"]))
    assert top["first_published"] == "2025-01-02"


def test_most_mutated_leaves_out_years_restated(nlp, tmp_path):
    articles = dict(FACTORY)
    articles["plan"] = ("2025-01-03", "Acme will open its second Ohio battery factory in 2030, its chief executive said.")
    articles["later"] = ("2025-01-08", "Acme's second Ohio battery factory will open in 2030.")
    db, _ = ingest_corpus(nlp, tmp_path, articles)
    years = [r for r in db.query("select f.id, f.kinds_seen from figures f join claims c on c.id = f.first_claim_id"
                                 " where c.kind = 'year' and f.n_claims > 1")]  # fmt: skip
    assert years and years[0]["kinds_seen"] != "[]", "the year is one figure that changed"
    assert [f["id"] for f in most_mutated(db)] == [f["id"] for f in most_mutated(db) if f["unit"] == "USD"] != []
    assert years[0]["id"] not in {f["id"] for f in most_mutated(db)}


def test_lineage_of_an_unknown_figure_is_a_key_error(nlp, tmp_path):
    from pipeline.tracing import figure_lineage

    db, _ = ingest_corpus(nlp, tmp_path, FACTORY)
    with pytest.raises(KeyError, match="no figure 'fig-nope'"):
        figure_lineage(db, "fig-nope")

