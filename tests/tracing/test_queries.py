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
    assert {"rounded", "qualifier_changed"} <= set(json.loads(top["kinds_seen"]))


def test_lineage_of_an_unknown_figure_is_a_key_error(nlp, tmp_path):
    from pipeline.tracing import figure_lineage

    db, _ = ingest_corpus(nlp, tmp_path, FACTORY)
    with pytest.raises(KeyError, match="no figure 'fig-nope'"):
        figure_lineage(db, "fig-nope")

