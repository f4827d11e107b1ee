"""Queries: find_figures, trace, most_mutated and a figure's lineage."""

import json

import pytest

from pipeline.tracing import find_figures, most_mutated, trace

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

