"""What may become a link: an http or https address with a host. The one rule behind the
links figtrace draws (Markdown, ClaimReview, its Datasette pages) and the links it keeps
from pages it reads; each place adds what its medium needs (percent-encoding, or refusing
whitespace a browser would drop)."""

from __future__ import annotations

from urllib.parse import urlsplit


def is_web_address(url: str | None) -> bool:
    """Whether ``url`` is an http(s) URL naming a host ("javascript:", "data:",
    "//host/x", "https://" and malformed URLs are not)."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # (an IPv6 host without its closing bracket)
        return False
