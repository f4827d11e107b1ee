"""Figures written back as news writes them: in full (read back by parse_figure) and
compact (chart labels), with signs and scale words from the vocabulary."""

import pytest

from pipeline.claims import parse_figure
from pipeline.claims.display import format_figure


@pytest.mark.parametrize(
    "value, unit, full, compact",
    [(6_000_000, "USD", "$6 million", "$6M"), (5_576_000, "USD", "$5.576 million", "$5.58M"),
     (17, "percent", "17%", "17%"), (1_500, "percent", "1,500%", "1500%"), (50_000, "GPU", "50,000 GPU", "50K GPUs"),
     (45, "x", "45x", "45×"), (0.14, "USD", "$0.14", "$0.14"), (6e11, None, "600 billion", "600B"),
     (-2.5e9, "EUR", "-€2.5 billion", "-€2.5B"), (3e6, "CNY", "CN¥3 million", "CN¥3M"),
     (1.2e12, "INR", "₹1.2 trillion", "₹1.2T"), (0.00012, "km", "0.00012 km", "0.00012 km"), (1.5e-7, "km", "1.5e-07 km", "0 km")],
)  # fmt: skip
def test_full_and_compact_writing(value, unit, full, compact):
    assert format_figure(value, unit) == full
    assert format_figure(value, unit, compact=True) == compact


def test_no_value_is_blank_in_full_and_a_question_mark_on_a_chart():
    assert format_figure(None, "USD") == ""
    assert format_figure(None, "USD", compact=True) == "?"


def test_more_digits_when_asked():
    assert format_figure(5_576_000, "USD", compact=True, digits=7) == "$5.576M"


@pytest.mark.parametrize("value, unit", [(6e6, "USD"), (2.5e9, "CNY"), (17.5, "percent"), (3, "x"), (1.2e6, "GPU")])
def test_what_is_written_in_full_reads_back(value, unit):
    parsed = parse_figure(format_figure(value, unit))
    assert (parsed.value, parsed.unit) == (value, unit)
