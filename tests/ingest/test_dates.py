"""parse_date: the date forms headers, HTML metadata and records may use, and what is not a date."""

import pytest

from pipeline.ingest import parse_date


@pytest.mark.parametrize(
    "value",
    [
        "2025-02-12",
        "2025/02/12",
        "2025-02-12T10:00:00Z",
        "2025-02-12 10:00:00+01:00",
        "12 February 2025",
        "12 Feb 2025",
        "February 12, 2025",
        "Feb 12 2025",
        "Feb. 12, 2025",
        "12th February 2025",
        "  february 12,   2025 ",
    ],
)
def test_parse_date_accepts_common_forms(value):
    assert parse_date(value) == "2025-02-12"


@pytest.mark.parametrize(
    "value", ["next tuesday", "2025-02-30", "2025-13-01", "12/02/2025", "", None, 20250212]
)
def test_parse_date_rejects_non_dates(value):
    assert parse_date(value) is None
