"""Dates: the forms pages print and what is not a date, the date order for dates that could
swap, dates carried by URLs, and how an article's date is settled (header, page, URL, none)."""

import pytest

from pipeline.ingest import parse_date
from pipeline.ingest.dates import date_from_url, is_ambiguous, settle_date


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
    "value", ["next tuesday", "2025-02-30", "2025-13-01", "", None, 20250212, "unknown", "n.d.", "2023", "March 2023",
              "31/02/2023", "1/1/3000", "ISBN 978-3-16-148410-0"]
)
def test_parse_date_rejects_non_dates(value):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    "value, iso",
    [("29 Mar, 2023 16:20", "2023-03-29"), ("March 29, 2023 / 07:49 IST", "2023-03-29"),
     ("Tuesday, 4 March 2025", "2025-03-04"), ("3/29/2023", "2023-03-29"), ("29/3/2023", "2023-03-29"),
     ("Updated 28 March 2023, 10:01 GMT", "2023-03-28"), ("Wed 10 Feb 2021 12.01 GMT", "2021-02-10"),
     ("Mar. 28, 2023, 5:00 AM ET", "2023-03-28"), ("3/29/23", "2023-03-29")],
)  # fmt: skip
def test_dates_as_pages_print_them(value, iso):
    assert parse_date(value) == iso
    assert parse_date(value, "DMY") == iso  # none of these can be read two ways


def test_a_date_whose_day_and_month_could_swap_reads_in_the_order_asked():
    assert parse_date("04/03/2025") == "2025-04-03"  # month first by default
    assert parse_date("04/03/2025", "DMY") == "2025-03-04"
    assert parse_date("12.02.2025", "DMY") == "2025-02-12"
    assert is_ambiguous("04/03/2025") and not is_ambiguous("3/29/2023") and not is_ambiguous("5/5/2025")


@pytest.mark.parametrize(
    "url, iso",
    [("https://example.org/2021/02/10/story", "2021-02-10"), ("https://example.org/news/2023-03-28/jobs", "2023-03-28"),
     ("https://example.org/story-2023-03-28.html", "2023-03-28"), ("https://example.org/technology-56012952", None),
     ("https://example.org/2023/03/story", None), ("ftp://example.org/2021/02/10/x", None), (None, None)],
)  # fmt: skip
def test_the_day_a_url_carries(url, iso):
    assert date_from_url(url) == iso


def test_settling_a_date_header_first_then_the_url_with_a_warning_only_for_a_date_given_unreadable():
    url = "https://example.org/2021/02/10/story"
    assert settle_date("10 February 2021", "header", url, "MDY") == ("2021-02-10", "header", None)
    assert settle_date("2021-02-11", "html", None, "MDY") == ("2021-02-11", "html", None)
    assert settle_date(None, "header", url, "MDY") == ("2021-02-10", "url", None)
    assert settle_date(None, "header", None, "MDY") == (None, "none", None)
    assert settle_date("unknown", "header", url, "MDY") == (
        "2021-02-10", "url", "date 'unknown' is not a readable date; dated 2021-02-10 from its URL"
    )
    assert settle_date("n.d.", "header", None, "MDY") == (None, "none", "date 'n.d.' is not a readable date; stored undated")
