"""The lineage chart: a point per claim coloured by its mutation class, a domain for one claim, and compact figure labels."""

import pytest

from pipeline.datasette_plugin import format_figure, lineage_chart, mutation_class


def lineage_of(*claims, unit="USD", canonical=None):
    return {"id": "fig-x", "subject": "cost", "unit": unit, "canonical_value": canonical, "claims": list(claims)}


def chart_claim(id, value, unit="USD", mutation=("same",), **extra):
    return {"id": id, "surface": extra.pop("surface", f"${value:,.0f}"), "value": value, "unit": unit,
            "article_id": extra.pop("article_id", "a"), "path": "corpus/a.txt", "published": None,
            "mutation": list(mutation), "is_origin": mutation == ("origin",), **extra}  # fmt: skip


def test_chart_draws_each_claim_with_its_mutation():
    svg = lineage_chart(
        lineage_of(
            chart_claim("o", 6e6, mutation=("origin",)),
            chart_claim("r", 5_576_000, mutation=("rounded", "qualifier_changed")),
            chart_claim("b", 6e6, value_low=5e6, value_high=7e6, qualifier="range", mutation=("inflated",)),
            chart_claim("p", 17, unit="percent", surface="17%", mutation=("unit_changed",)),
            chart_claim("<x>", 6e6, surface="<$6M>", article_id="b", mutation=("attribution_added",)),
            canonical=5_576_000,
        )
    )
    assert svg.startswith("<svg") and svg.count('class="point') == 5
    assert svg.count('class="point other-unit"') == 1  # 17% is drawn in the other-unit strip
    assert 'class="claim origin"' in svg and 'class="claim rounded"' in svg and 'class="claim credit"' in svg
    assert "&lt;$6M&gt;" in svg and "<$6M>" not in svg  # text is escaped
    assert "stroke-dasharray" in svg  # the canonical value line


def test_chart_of_a_single_claim_has_a_domain():
    svg = lineage_chart(lineage_of(chart_claim("o", 0, mutation=("origin",))))
    assert 'class="point"' in svg and "nan" not in svg


def test_mutation_class_takes_the_most_telling_change():
    assert mutation_class({"is_origin": True}) == "origin"
    assert mutation_class({"mutation": ["qualifier_changed", "inflated"]}) == "inflated"
    assert mutation_class({"mutation": ["attribution_dropped", "qualifier_dropped"]}) == "credit"
    assert mutation_class({"mutation": ["reformatted", "subject_drift"]}) == "same"


@pytest.mark.parametrize(
    "value, unit, expected",
    [(5_576_000, "USD", "$5.58M"), (17, "percent", "17%"), (50_000, "GPU", "50K GPU"),
     (45, "x", "45×"), (0.14, "USD", "$0.14"), (6e11, None, "600B"), (None, "USD", "?")],
)  # fmt: skip
def test_chart_labels_write_figures_compactly(value, unit, expected):
    assert format_figure(value, unit, compact=True) == expected
