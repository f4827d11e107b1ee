"""The lineage chart: a point per claim coloured by its mutation class, a domain for one claim, and compact figure labels."""

import re

import pytest

from pipeline.chart import CHART_COLUMNS
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


def test_chart_of_many_claims_summarises_them_in_runs():
    claims = [chart_claim("o", 6e6, mutation=("origin",), published="2025-01-01")]
    claims += [chart_claim(f"s{n}", 6e6, article_id=f"a{n // 4}", published=f"2025-02-{1 + n // 10:02d}") for n in range(200)]
    claims += [chart_claim(f"r{n}", 5_576_000, mutation=("rounded",), article_id="late", published="2025-03-01") for n in range(40)]
    claims.append(chart_claim("p", 17, unit="percent", surface="17%", mutation=("unit_changed",), article_id="late"))
    svg = lineage_chart(lineage_of(*claims))
    sizes = [int(n) for n in re.findall(r'<g class="run" data-first="\d+" data-claims="(\d+)">', svg)]
    assert len(sizes) <= CHART_COLUMNS and sum(sizes) == len(claims)  # every claim, in few columns
    assert 'class="claim' not in svg  # no per-claim columns
    assert svg.count('class="point origin"') == 1
    # one dot per run for the rounded claims (all at one value): runs of sizes[0] claims
    assert svg.count('class="point rounded"') == len({i // sizes[0] for i in range(201, 241)})
    assert svg.count('class="point other-unit"') == 1  # the 17% restatement's run
    first_run = re.search(r'<g class="run" data-first="1".*?</g>', svg, re.S).group(0)
    assert "claims 1–5 (2025-01-01 to 2025-02-01), in 2 articles" in first_run and "4 same, reworded or other subject; 1 origin" in first_run and "1 changed" not in first_run
    assert int(re.search(r'width="(\d+)"', svg).group(1)) < 100 * CHART_COLUMNS + 200


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
