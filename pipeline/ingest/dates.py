"""Dates as written in headers, HTML metadata and records, read as ISO ``YYYY-MM-DD``."""

from __future__ import annotations

import re
from datetime import datetime

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


def parse_date(value: object) -> str | None:
    """Return ``value`` as an ISO ``YYYY-MM-DD`` date, or None when it is not a date.

    Accepts ``2025-02-12``, ``2025/02/12``, ISO datetimes (the date part is kept),
    ``12 February 2025``, ``February 12, 2025``, ``Feb 12 2025`` and ordinal days (``12th``).
    """
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    iso = _ISO_DATETIME.match(text)
    if iso:
        text = iso.group(1)
    text = _MONTH_ABBREV_DOT.sub("", _ORDINAL_DAY.sub(r"\1", text))
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None
