"""One input file into its articles: the parser chosen by extension (``_PARSERS``), the
file read within its size cap and decoded, every problem an :class:`InputError`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from ..records import InputError, InputWarning, ParsedFile
from .dates import DEFAULT_DATE_ORDER, settle_date
from .files import DEFAULT_MAX_BYTES, _read_bytes, _unsupported_message
from .html import _parse_html
from .json_records import _parse_json, _parse_jsonl
from .plaintext import _parse_text
from .text import decode_text

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


def parse_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES, date_order: str = DEFAULT_DATE_ORDER) -> ParsedFile:
    """Read one input file into its articles, choosing the format by extension.

    Never raises for bad input: a problem with the whole file gives a ParsedFile with no
    articles and one error; broken records of a JSON / JSON Lines file give one error each
    next to the good records. Files over ``max_bytes`` are refused before being read.
    Each article's date is read from its header, record or page metadata (numeric dates in
    ``date_order``), else from its URL; an unreadable date is a warning and the article is
    stored undated (or dated by its URL).
    """
    path = Path(path)
    key = str(path)
    parser = _PARSERS.get(path.suffix.lower())
    try:
        if parser is None:
            raise InputError(key, _unsupported_message(path))
        raw = _read_bytes(path, key, max_bytes)
        parsed = parser(key, raw, decode_text(raw, key))
    except InputError as error:
        return ParsedFile(key, errors=[error])
    for article in parsed.articles:
        if article.published is None:
            article.published, article.published_from, warning = settle_date(
                article.date_as_written, article.date_written_in, article.url, date_order
            )
            if warning:
                parsed.warnings.append(InputWarning(article.path, warning))
    return parsed
