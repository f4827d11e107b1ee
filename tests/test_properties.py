"""Property-based tests of the figure normaliser (hypothesis)."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.claims import parse_figure
from pipeline.tracing import FigureQuery, format_figure, significant_digits

UNITS = ["USD", "EUR", "GBP", "JPY", "percent", "x", "GPU", "employee", "parameter", "token", None]


@st.composite
def figures(draw):
    """A value written to at most six significant digits, at any scale, and a unit."""
    mantissa = draw(st.integers(min_value=1, max_value=999_999))
    exponent = draw(st.integers(min_value=-4, max_value=12))
    value = float(f"{mantissa}e{exponent}")
    return float(f"{value:.6g}"), draw(st.sampled_from(UNITS))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_parse_figure_never_crashes(text):
    parsed = parse_figure(text)
    assert parsed is None or parsed.value is None or math.isfinite(parsed.value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789$€£¥.,%+-~ xkmbMBKntrilohs", max_size=30))
def test_parse_figure_never_crashes_on_figure_like_text(text):
    parse_figure(text)


@settings(max_examples=500, deadline=None)
@given(figures())
def test_parse_figure_reads_back_what_format_figure_writes(figure):
    value, unit = figure
    written = format_figure(value, unit)
    parsed = parse_figure(written)
    assert parsed is not None, written
    assert math.isclose(parsed.value, value, rel_tol=1e-9), (written, parsed)
    assert parsed.unit == unit, (written, parsed)


@settings(max_examples=300, deadline=None)
@given(figures())
def test_a_typed_figure_matches_the_claim_it_was_written_from(figure):
    value, unit = figure
    written = format_figure(value, unit)
    query = FigureQuery.parse(written)
    assert query.matches(value, written, unit, parse_figure(written).kind)
    assert significant_digits(written, value) <= 6
