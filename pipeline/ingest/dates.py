"""Dates as pages print them, read as ISO ``YYYY-MM-DD``; and an article's date settled from
its header, its page metadata or its URL, with where it came from.

Headers and records hold dates as people write them ("29 Mar, 2023 16:20", "March 29, 2023
/ 07:49 IST", "Tuesday, 4 March 2025", "3/29/2023"). Common forms are read directly; the
rest by dateparser. A date written in digits whose day and month could swap ("04/03/2025")
is read in the date order asked for (:data:`DEFAULT_DATE_ORDER`, month first as in US
usage, or ``DMY``); one that cannot swap ("3/29/2023", "29/3/2023") reads the only way it
can. The date is the page's own calendar date: a time and a zone, when printed, are read
past, not converted.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

from ..records import FROM_HEADER, FROM_HTML, FROM_NONE, FROM_URL  # noqa: F401  (where a date came from)

from ..settings import DATE_ORDERS, DEFAULT_DATE_ORDER  # noqa: F401

DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
)

_ISO_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")
_ORDINAL_DAY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_MONTH_ABBREV_DOT = re.compile(r"(?<=[A-Za-z])\.")
# Day, month and year in digits: "3/29/2023", "04.03.2025", "29-3-23".
_ISO_SHAPE = re.compile(r"\d{4}[-/]\d{1,2}[-/]\d{1,2}")
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
# Years outside these are typos or other numbers, not publication dates.
_EARLIEST_YEAR = 1800


def parse_date(value: object, order: str = DEFAULT_DATE_ORDER) -> str | None:
    """``value`` as an ISO ``YYYY-MM-DD`` date, or None when it holds no readable day.

    Reads ISO dates and datetimes, ``12 February 2025``, ``February 12, 2025``, ordinal days
    (``12th``), weekday names, times and zones after the date ("29 Mar, 2023 16:20", "March
    29, 2023 / 07:49 IST"), dates in digits ("3/29/2023"; ``order`` decides "04/03/2025")
    and a date inside a phrase ("Updated 28 March 2023, 10:01 GMT"). A year or a month
    alone, "unknown", "n.d." and anything else without a day give None.
    """
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > 200 or not any(c.isdigit() for c in text):
        return None
    iso = _ISO_DATETIME.match(text)
    if iso:
        text = iso.group(1)
    plain = _MONTH_ABBREV_DOT.sub("", _ORDINAL_DAY.sub(r"\1", text))
    for fmt in DATE_FORMATS:
        try:
            return _checked(datetime.strptime(plain, fmt))
        except ValueError:
            continue
    if _ISO_SHAPE.fullmatch(plain):
        return None  # "2025-13-01", "2025-02-30": an ISO date that does not exist
    numeric = _NUMERIC_DATE.fullmatch(text)
    if numeric:
        return _numeric_date(numeric, order)
    return _dateparser_date(text, order)


def is_ambiguous(value: str) -> bool:
    """Whether a date in digits could be read day first or month first ("04/03/2025")."""
    m = _NUMERIC_DATE.search(value or "")
    return bool(m) and m.group(1) != m.group(3) and int(m.group(1)) <= 12 and int(m.group(3)) <= 12


def _numeric_date(m: re.Match, order: str) -> str | None:
    first, second, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    if len(m.group(4)) == 2:
        year += 2000 if year < 70 else 1900
    month, day = (first, second) if order == "MDY" else (second, first)
    if month > 12 and day <= 12:  # "29/3/2023" asked as month first: only one reading exists
        month, day = day, month
    try:
        return _checked(datetime(year, month, day))
    except ValueError:
        return None


def _dateparser_settings(order: str) -> dict:
    """What dateparser is asked for: a whole day (no year or month alone), in the page's own
    calendar (no zone conversion), digits read in ``order``."""
    return {"DATE_ORDER": order, "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False}


def _dateparser_date(text: str, order: str) -> str | None:
    import dateparser

    # (absolute dates only: "yesterday" is no publication date)
    settings = _dateparser_settings(order) | {"PARSERS": ["custom-formats", "absolute-time"]}
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
        if parsed is None:
            found = _search_dates(text, order)
            parsed = found[0][1] if found else None
    except (ValueError, OverflowError, TypeError):
        return None
    return _checked(parsed) if parsed is not None else None


def _search_dates(text: str, order: str):
    """The dates inside a phrase ("Updated 28 March 2023, 10:01 GMT"), by dateparser."""
    from dateparser.search import search_dates

    return search_dates(text, languages=["en"], settings=_dateparser_settings(order)) or []


def _checked(moment: datetime) -> str | None:
    """An ISO date, or None for a year no news article has (before 1800, or years ahead)."""
    if not _EARLIEST_YEAR <= moment.year <= _latest_year():
        return None
    return moment.date().isoformat()


@lru_cache(maxsize=1)
def _latest_year() -> int:
    return (datetime.now() + timedelta(days=366)).year


def date_from_url(url: str | None) -> str | None:
    """The day a URL carries ("/2021/02/10/", "2023-03-28", "story-2023-03-28.html"), by
    htmldate's URL reader; None when it carries no full date."""
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    from htmldate.extractors import extract_url_date
    from htmldate.utils import Extractor

    options = Extractor(False, datetime(_latest_year(), 12, 31), datetime(_EARLIEST_YEAR, 1, 1), True, "%Y-%m-%d")
    try:
        return extract_url_date(url, options)
    except (ValueError, OverflowError):
        return None


def settle_date(date_text: str | None, came_from: str, url: str | None, order: str) -> tuple[str | None, str, str | None]:
    """An article's (published, published_from, warning): the date as written in its header
    or page metadata (``came_from``) when readable, else the date in its URL, else none.

    ``warning`` is a one-line message when a date was given but cannot be read (the article
    is stored all the same, undated or dated from its URL); None otherwise.
    """
    if date_text:
        published = parse_date(date_text, order)
        if published:
            return published, came_from, None
    from_url = date_from_url(url)
    if not date_text:
        return (from_url, FROM_URL, None) if from_url else (None, FROM_NONE, None)
    fallback = f"dated {from_url} from its URL" if from_url else "stored undated"
    warning = f"date {_quoted(date_text)} is not a readable date; {fallback}"
    return (from_url, FROM_URL, warning) if from_url else (None, FROM_NONE, warning)


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= 60 else text[:57] + "...")
