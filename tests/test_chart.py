"""The lineage chart: a point per claim coloured by its mutation class, bounds drawn as
bounds, claims in another unit off the value axis, an axis that says how far apart values
are (in percent) and whether it starts at zero, a legend that wraps within the chart, and
compact figure labels in the plural."""

import re
import xml.etree.ElementTree as ET

import pytest

from pipeline.chart import CHART_COLUMNS, MUTATION_CLASSES, text_width
from pipeline.chart_scale import MIN_SPAN, bound_of, chart_scale, value_scale
from pipeline.claims.display import plural_unit
from pipeline.datasette_plugin import format_figure, lineage_chart, mutation_class
from pipeline.tracing import figure_lineage, find_figures

from .helpers import v3_training_cost

SVG = "{http://www.w3.org/2000/svg}"


def lineage_of(*claims, unit="USD", canonical=None, certainty="certain"):
    return {"id": "fig-x", "subject": "cost", "unit": unit, "canonical_value": canonical, "claims": list(claims),
            "origin_certainty": certainty}  # fmt: skip


def chart_claim(id, value, unit="USD", mutation=("same",), **extra):
    return {"id": id, "surface": extra.pop("surface", f"${value:,.0f}"), "value": value, "unit": unit,
            "article_id": extra.pop("article_id", "a"), "path": "corpus/a.txt", "published": None,
            "mutation": list(mutation), "is_origin": mutation == ("origin",), **extra}  # fmt: skip


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def column(root: ET.Element, claim_id: str) -> ET.Element:
    return next(g for g in root.iter(f"{SVG}g") if g.get("data-claim-id") == claim_id)


def texts(element: ET.Element, css: str | None = None) -> list[str]:
    return [t.text for t in element.iter(f"{SVG}text") if css is None or css in (t.get("class") or "").split()]


def point(group: ET.Element) -> ET.Element:
    return next(c for c in group.iter(f"{SVG}circle") if c.get("class") == "point")


def path_ys(path: ET.Element) -> list[float]:
    """Every y of an SVG path made of M/L/V/h commands (absolute y only)."""
    ys = [float(y) for y in re.findall(r"[ML]\s*[-\d.]+\s+([-\d.]+)", path.get("d"))]
    return ys + [float(y) for y in re.findall(r"V\s*([-\d.]+)", path.get("d"))]


def gridlines(root: ET.Element) -> dict[str, float]:
    """Right-axis percent label -> its gridline's y."""
    return {t.text: float(t.get("y")) - 4 for t in root.iter(f"{SVG}text") if "percent" in (t.get("class") or "")}


# --------------------------------------------------------------------------- what is drawn


def test_chart_draws_each_claim_with_its_mutation():
    svg = lineage_chart(
        lineage_of(
            chart_claim("o", 6e6, mutation=("origin",)),
            chart_claim("r", 5_576_000, mutation=("more_precise", "qualifier_changed")),
            chart_claim("b", 6e6, value_low=5e6, value_high=7e6, qualifier="range", mutation=("inflated",)),
            chart_claim("p", 17, unit="percent", surface="17%", mutation=("unit_changed",)),
            chart_claim("<x>", 6e6, surface="<$6M>", article_id="b", mutation=("attribution_added",)),
            canonical=5_576_000,
        )
    )
    assert svg.startswith("<svg") and svg.count('class="point"') == 4  # one per claim on the axis
    assert svg.count('class="point other-unit"') == 1  # 17% is drawn in the other-unit strip
    assert 'class="claim origin"' in svg and 'class="claim rounded"' in svg and 'class="claim credit"' in svg
    assert "&lt;$6M&gt;" in svg and "<$6M>" not in svg  # text is escaped
    assert 'class="canonical"' in svg and "stroke-dasharray" in svg  # the canonical value line


@pytest.mark.parametrize(
    "qualifier, low, high, bound",
    [("under", None, 6e6, "upper"), ("at_most", None, 7e4, "upper"), ("over", 1e8, None, "lower"),
     ("at_least", 60, None, "lower"), ("range", 40, 80, "range"), ("exact", None, None, None),
     ("approx", None, None, None), ("", None, 5, "upper"), (None, 5, None, "lower")],
)  # fmt: skip
def test_bounds_are_read_from_the_qualifier_and_the_stored_ends(qualifier, low, high, bound):
    assert bound_of({"qualifier": qualifier, "value_low": low, "value_high": high}) == bound


def test_bounded_claims_are_drawn_as_bounds_and_approximate_ones_hollow():
    root = parse(lineage_chart(lineage_of(
        chart_claim("o", 6e6, mutation=("origin",), qualifier="approx"),
        chart_claim("under", 6e6, qualifier="under", value_high=6e6, surface="less than $6M", mutation=("qualifier_changed",)),
        chart_claim("over", 5.5e6, qualifier="over", value_low=5.5e6, surface="over $5.5M", mutation=("deflated",)),
        chart_claim("range", 5e6, qualifier="range", value_low=5e6, value_high=7e6, surface="$5M-$7M", mutation=("qualifier_changed",)),
        chart_claim("exact", 6.2e6, qualifier="exact", mutation=("inflated",)),
    )))  # fmt: skip
    under, over, ranged, exact = (column(root, i) for i in ("under", "over", "range", "exact"))
    assert under.get("data-bound") == "upper" and over.get("data-bound") == "lower" and exact.get("data-bound") == ""
    # an upper bound's arrow runs down from its point (SVG y grows downward), a lower bound's up
    arrow = next(under.iter(f"{SVG}path"))
    assert arrow.get("class") == "bound upper" and min(path_ys(arrow)) > float(point(under).get("cy"))
    arrow = next(over.iter(f"{SVG}path"))
    assert arrow.get("class") == "bound lower" and max(path_ys(arrow)) < float(point(over).get("cy"))
    # a range: a bar from its low to its high end, its point between them
    bar = next(ranged.iter(f"{SVG}path"))
    low_y, high_y = max(path_ys(bar)), min(path_ys(bar))
    assert bar.get("class") == "bound range" and high_y < float(point(ranged).get("cy")) < low_y
    origin_y = float(point(column(root, "o")).get("cy"))
    assert high_y < origin_y < low_y  # the origin's $6M lies within $5M-$7M
    assert not list(exact.iter(f"{SVG}path"))  # a value stated as such has no bound
    assert point(column(root, "o")).get("fill") == "#fff" and point(exact).get("fill") != "#fff"  # approximate: hollow
    legend = {g.get("data-key") for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"}
    assert {"upper", "lower", "range", "approx"} <= legend


def test_a_restatement_in_another_unit_is_off_the_value_axis():
    claims = [chart_claim("o", 6e11, mutation=("origin",), surface="$600 billion"),
              chart_claim("d", 5e11, mutation=("deflated",), surface="$500 billion"),
              chart_claim("p", 17, unit="percent", surface="17%", mutation=("unit_changed",)),
              chart_claim("s", 17, unit="percent", surface="17%", mutation=("restated",))]  # fmt: skip
    lineage = lineage_of(*claims, canonical=6e11)
    root = parse(lineage_chart(lineage))
    lowest_gridline = max(float(line.get("y1")) for line in root.iter(f"{SVG}line") if "grid" in (line.get("class") or ""))
    for claim_id in ("p", "s"):  # both the unit change and the lead's same-sentence restatement
        group = column(root, claim_id)
        assert group.get("class") == "claim unit"
        assert not [c for c in group.iter(f"{SVG}circle") if c.get("class") == "point"]  # no point on the axis
        square = next(r for r in group.iter(f"{SVG}rect") if r.get("class") == "point other-unit")
        assert float(square.get("y")) > lowest_gridline  # below the axis, in the strip
        assert "17%" in texts(group, "other-value")
    assert texts(root, "strip-label") == ["in another", "unit"]
    # 17 is no value on the dollar axis: every gridline is in the hundreds of billions
    ticks = texts(root, "tick")
    assert ticks and all(t.startswith("$") and t.endswith("B") for t in ticks if "%" not in t)
    assert chart_scale(lineage)["other_units"] == ["17%", "17%"]


# --------------------------------------------------------------------------- the value scale


def test_a_small_spread_is_zoomed_and_labelled_in_percent_from_the_origin():
    lineage = lineage_of(chart_claim("o", 6e6, mutation=("origin",)), chart_claim("r", 5_576_000, mutation=("more_precise",)),
                         canonical=5_576_000)  # fmt: skip
    root = parse(lineage_chart(lineage))
    grid = gridlines(root)
    assert "0%" in grid and "−5%" in grid
    origin_y, precise_y = (float(point(column(root, i)).get("cy")) for i in ("o", "r"))
    assert grid["0%"] == pytest.approx(origin_y, abs=0.2)  # 0 % is the origin
    assert texts(column(root, "r"), "delta") == ["−7.1%"]  # beside the point: its difference
    # heights agree with the percent labels: 7.07 % below the origin is where the point is
    per_percent = (grid["−5%"] - grid["0%"]) / 5
    assert precise_y - origin_y == pytest.approx(7.0667 * per_percent, rel=0.01)
    # the axis says it does not start at zero, and spans at least MIN_SPAN of the origin
    assert texts(root, "axis-note") == ["not from 0"] and any(p.get("class") == "axis-break" for p in root.iter(f"{SVG}path"))
    scale = chart_scale(lineage)
    assert not scale["zero_based"] and scale["reference_name"] == "origin" and scale["largest_change"] == "7.1%"
    assert (scale["scale"].high - scale["scale"].low) / 6e6 >= MIN_SPAN
    assert origin_y - precise_y < 0 and (precise_y - origin_y) < 0.5 * 190  # a 7 % gap is not drawn as the plot's height


def test_a_wide_spread_is_drawn_from_zero():
    lineage = lineage_of(chart_claim("o", 6e11, mutation=("origin",)), chart_claim("c", 1.7e11, mutation=("deflated",)))
    root = parse(lineage_chart(lineage))
    assert "$0" in texts(root, "tick") and not texts(root, "axis-note")
    assert not gridlines(root)  # round values from zero: no percent axis
    assert texts(column(root, "c"), "delta") == ["−71.7%"]
    assert chart_scale(lineage)["zero_based"] and value_scale([6e11, 1.7e11], 6e11).low == 0


def test_a_tiny_rounding_is_not_blown_up():
    scale = value_scale([671e9, 672e9], 671e9)
    assert (scale.high - scale.low) / 671e9 == pytest.approx(MIN_SPAN)
    assert scale.share(672e9) - scale.share(671e9) < 0.01  # 0.15 % of the value, under 1 % of the height


def test_the_reference_is_the_most_precise_statement_when_the_origin_is_in_another_unit():
    lineage = lineage_of(chart_claim("o", 2.788e6, unit="hour", mutation=("origin",), surface="2.788 million hours"),
                         chart_claim("g", 2.788e6, unit="GPU hour", mutation=("unit_changed",)),
                         unit="GPU hour", canonical=2.788e6)  # fmt: skip
    root = parse(lineage_chart(lineage))
    assert chart_scale(lineage)["reference_name"] == "most precise statement"
    assert "most precise" in texts(root, "axis-head") and "GPU hours" in texts(root, "axis-head")
    assert texts(column(root, "o"), "other-value") == ["2.79M hours"]
    assert all(not re.search("[a-z]", t) for t in texts(root, "tick"))  # the unit is named once, above the axis


# --------------------------------------------------------------------------- labels and legend


def test_columns_name_every_change_in_words():
    root = parse(lineage_chart(lineage_of(
        chart_claim("o", 6e6, mutation=("origin",)),
        chart_claim("c", 6e6, mutation=("attribution_dropped", "qualifier_dropped")),
        chart_claim("m", 5e6, mutation=("deflated", "attribution_dropped", "qualifier_dropped", "subject_drift", "reformatted")),
        certainty="some_undated",
    )))  # fmt: skip
    assert texts(column(root, "c"), "change") == ["credit dropped", "qualifier dropped"]
    assert not any("+" in t for t in texts(column(root, "c")))  # no unexplained "+1"
    assert texts(column(root, "m"), "change") == ["deflated", "credit dropped", "qualifier dropped", "+2 more"]
    assert texts(column(root, "o"), "change") == ["origin", "(uncertain)"]
    certain = parse(lineage_chart(lineage_of(chart_claim("o", 6e6, mutation=("origin",)))))
    assert texts(column(certain, "o"), "change") == ["origin"]


def test_the_legend_wraps_within_the_chart_and_the_chart_scales_to_its_box():
    kinds = [members[0] for _, _, _, members in MUTATION_CLASSES if members]
    claims = [chart_claim("o", 6e6, mutation=("origin",), qualifier="approx")]
    claims += [chart_claim(k, 6e6, mutation=(k,), qualifier="under", value_high=6e6) for k in kinds]
    svg = lineage_chart(lineage_of(*claims, canonical=6e6))
    root = parse(svg)
    width = float(root.get("viewBox").split()[2])
    items = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend-item"]
    assert len(items) == len(MUTATION_CLASSES) - 1 + 3  # every class drawn (not "same") and the shapes
    rows = set()
    for item in items:
        label = next(item.iter(f"{SVG}text"))
        assert float(label.get("x")) + text_width(label.text) <= width - 10, label.text
        rows.add(label.get("y"))
    assert len(rows) > 1  # wrapped
    style = root.get("style")
    assert "max-width:100%" in style and "height:auto" in style and root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"


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
    assert "claims 1–5 (2025-01-01 to 2025-02-01), in 2 articles" in first_run and "4 same number, reworded or other subject; 1 origin" in first_run and "1 changed" not in first_run
    assert int(re.search(r'width="(\d+)"', svg).group(1)) < 100 * CHART_COLUMNS + 200


def test_chart_of_a_single_claim_has_a_domain():
    svg = lineage_chart(lineage_of(chart_claim("o", 0, mutation=("origin",))))
    assert 'class="point"' in svg and "nan" not in svg


def test_mutation_class_takes_the_most_telling_change():
    assert mutation_class({"is_origin": True}) == "origin"
    assert mutation_class({"mutation": ["qualifier_changed", "inflated"]}) == "inflated"
    assert mutation_class({"mutation": ["attribution_dropped", "qualifier_dropped"]}) == "credit"
    assert mutation_class({"mutation": ["reformatted", "subject_drift"]}) == "same"
    assert mutation_class({"mutation": ["more_precise"]}) == "rounded" and mutation_class({"mutation": ["restated"]}) == "unit"


@pytest.mark.parametrize(
    "value, unit, expected",
    [(5_576_000, "USD", "$5.58M"), (17, "percent", "17%"), (50_000, "GPU", "50K GPUs"), (1.2e6, "job", "1.2M jobs"),
     (1, "job", "1 job"), (2.788e6, "GPU hour", "2.79M GPU hours"), (3, "point per game", "3 points per game"),
     (45, "x", "45×"), (0.14, "USD", "$0.14"), (6e11, None, "600B"), (None, "USD", "?"), (40, "GB", "40 GB"),
     (1.3e6, "USD per year", "1.3M USD per year"), (12, "company", "12 companies"), (2e6, "person", "2M people")],
)  # fmt: skip
def test_chart_labels_write_figures_compactly_in_the_plural(value, unit, expected):
    assert format_figure(value, unit, compact=True) == expected


def test_plural_units_leave_symbols_and_currencies_alone():
    assert [plural_unit(u) for u in ("km", "TB/s", "dB", "USD per 1M tokens", "acre", "year of age")] == [
        "km", "TB/s", "dB", "USD per 1M tokens", "acres", "years of age"]  # fmt: skip


# --------------------------------------------------------------------------- the demo database


def test_the_training_cost_chart_draws_its_upper_bounds(db):
    lineage = figure_lineage(db, v3_training_cost(db))
    root = parse(lineage_chart(lineage))
    under = [c for c in lineage["claims"] if c["qualifier"] == "under"]
    assert under  # "less than $6m", "sub-$6M", "a little under $6mn"
    for claim in under:
        group = column(root, claim["id"])
        assert group.get("data-bound") == "upper" and [p for p in group.iter(f"{SVG}path") if p.get("class") == "bound upper"]
    precise = next(c for c in lineage["claims"] if c["surface"] == "$5,576,000")
    assert texts(column(root, precise["id"]), "delta") == ["−7.1%"]
    assert not chart_scale(lineage)["zero_based"] and "0%" in gridlines(root)


def test_the_market_cap_chart_puts_its_percent_restatement_off_the_axis(db):
    lineage = next(
        lin for lin in (figure_lineage(db, f) for f in find_figures(db, "600 billion"))
        if any(c["unit"] == "percent" for c in lin["claims"]) and lin["unit"] == "USD"
    )  # fmt: skip
    root = parse(lineage_chart(lineage))
    percent = next(c for c in lineage["claims"] if c["unit"] == "percent")
    assert texts(column(root, percent["id"]), "other-value") == ["17%"]
    assert not [c for c in column(root, percent["id"]).iter(f"{SVG}circle") if c.get("class") == "point"]
