"""Property-based tests of the figure normaliser (hypothesis)."""

import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.claims import parse_figure
from pipeline.tracing import FigureQuery, format_figure, significant_digits

UNITS = ["USD", "EUR", "GBP", "JPY", "CNY", "INR", "percent", "x", "GPU", "employee", "parameter", "token", None]


@st.composite
def figures(draw):
    """A value written to at most six significant digits, at any scale, and a unit."""
    mantissa = draw(st.integers(min_value=1, max_value=999_999))
    exponent = draw(st.integers(min_value=-4, max_value=12))
    value = float(f"{mantissa}e{exponent}")
    return float(f"{value:.6g}"), draw(st.sampled_from(UNITS))


def finite(figure) -> bool:
    return all(v is None or math.isfinite(v) for v in (figure.value, figure.value_low, figure.value_high))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_parse_figure_never_crashes(text):
    parsed = parse_figure(text)
    assert parsed is None or finite(parsed)


# Pieces of numbers as news (and junk) writes them: long digit runs, group marks, powers of
# ten in every notation, huge scales, currencies and units.
NUMBER_PIECES = st.sampled_from(
    ["1", "10", "9" * 31, "9" * 400, "1,000", ",", ".", "e", "E", "^", "**", "⁹", "⁻", "²",
     " x ", "×", " ", "-", "+", "$", "€", "%", "~", "trillion ", "million", "hundred ",
     "one ", " dollars", " people", "bn", "k", "GB", "th", "/"]
)  # fmt: skip
NUMBERISH_TEXT = st.lists(NUMBER_PIECES, max_size=25).map("".join)
OVERLONG_RUN = re.compile(r"\d(?:[.,]?\d){30,}")


@settings(max_examples=300, deadline=None)
@given(NUMBERISH_TEXT)
def test_parse_figure_on_numberish_text_is_finite(text):
    parsed = parse_figure(text)
    assert parsed is None or finite(parsed)
    if OVERLONG_RUN.search(text):
        assert parsed is None  # no figure from (a part of) a run longer than any figure


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NUMBERISH_TEXT)
def test_every_claim_has_finite_values(nlp, text):
    """Any claim the component produces has finite values (or none), slices its text, and
    touches no digit run longer than any figure."""
    text = f"They said {text} today."
    doc = nlp(text)
    runs = [m.span() for m in OVERLONG_RUN.finditer(text)]
    for claim in doc._.numeric_claims:
        assert finite(claim), claim
        assert text[claim.start_char:claim.end_char] == claim.surface
        assert not any(s < claim.end_char and claim.start_char < e for s, e in runs), claim


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
