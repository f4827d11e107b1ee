"""One input file into its articles: the parser chosen by extension (``_PARSERS`` for text,
``_FEED_PARSERS`` for feeds, ``_ARCHIVE_PARSERS`` for web archives), the file read within its
size cap (a web archive: each page) and decoded, every problem an :class:`InputError`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from ..records import InputError, InputWarning, ParsedFile
from .dates import DEFAULT_DATE_ORDER, settle_date
from .feeds import _parse_feed
from .files import DEFAULT_MAX_BYTES, _read_bytes, _unsupported_message, input_extension
from .html import _parse_html
from .json_records import _parse_json, _parse_jsonl
from .plaintext import _parse_text
from .text import decode_text
from .warc import parse_warc

# Each parser gets the article key, the file bytes and their decoded text.
_PARSERS: dict[str, Callable[[str, bytes, str], ParsedFile]] = {
    ".txt": partial(_parse_text, markdown=False),
    ".md": partial(_parse_text, markdown=True),
    ".markdown": partial(_parse_text, markdown=True),
    ".html": _parse_html,
    ".htm": _parse_html,
    ".jsonl": _parse_jsonl,
    ".json": _parse_json,
}
# Feeds get the file bytes undecoded: XML declares its own encoding, UTF-8 or not.
_FEED_PARSERS: dict[str, Callable[[str, bytes], ParsedFile]] = {
    ".xml": _parse_feed,
    ".rss": _parse_feed,
    ".atom": _parse_feed,
}


def is_feed(path: Path) -> bool:
    """Whether the file at ``path`` is read as a feed (by its extension)."""
    return input_extension(path) in _FEED_PARSERS
# Web archives are large by nature: streamed from the file (key, path, max_bytes, date
# order), the size cap applied to each page, and their articles dated as they are read.
_ARCHIVE_PARSERS: dict[str, Callable[[str, Path, int, str], ParsedFile]] = {
    ".warc": parse_warc,
    ".warc.gz": parse_warc,
}


def parse_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, date_order: str = DEFAULT_DATE_ORDER) -> ParsedFile:
    """Read one input file into its articles, choosing the format by extension.

    Never raises for bad input: a problem with the whole file gives a ParsedFile with no
    articles and one error; broken records of a JSON / JSON Lines file give one error each
    next to the good records (likewise a feed's entries and a web archive's pages). Files
    over ``max_bytes`` are refused before being read, except web archives: they are
    streamed, and each page over ``max_bytes`` is an error. Each article's date is read
    from its header, record, feed entry or page metadata (numeric dates in ``date_order``),
    else from its URL (an archived page: else the day it was captured); an unreadable date
    is a warning and the article is stored undated (or dated by its URL).
    """
    path = Path(path)
    key = str(path)
    extension = input_extension(path)
    try:
        if extension in _ARCHIVE_PARSERS:
            parsed = _ARCHIVE_PARSERS[extension](key, path, max_bytes, date_order)
        elif extension in _FEED_PARSERS:
            parsed = _FEED_PARSERS[extension](key, _read_bytes(path, key, max_bytes))
        elif extension in _PARSERS:
            raw = _read_bytes(path, key, max_bytes)
            parsed = _PARSERS[extension](key, raw, decode_text(raw, key))
        else:
            raise InputError(key, _unsupported_message(path))
    except InputError as error:
        return ParsedFile(key, errors=[error])
    return settle_dates(parsed, date_order)


def settle_dates(parsed: ParsedFile, date_order: str = DEFAULT_DATE_ORDER) -> ParsedFile:
    """Date each article of ``parsed`` not dated yet from the date it was written with,
    else its URL (numeric dates in ``date_order``); an unreadable date is a warning in
    ``parsed``. Returns ``parsed``."""
    for article in parsed.articles:
        # (a parser that dated its articles itself has said where the date came from)
        if article.published is None and article.published_from is None:
            article.published, article.published_from, warning = settle_date(
                article.date_as_written, article.date_written_in, article.url, date_order
            )
            if warning:
                parsed.warnings.append(InputWarning(article.path, warning))
    return parsed
