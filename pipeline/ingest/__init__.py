"""Ingest: finding input files and turning them into :class:`Article` records.

Supported inputs: plain text (``.txt``), Markdown (``.md``, ``.markdown``), HTML (``.html``,
``.htm``), JSON records (``.jsonl``, ``.json``), RSS and Atom feeds (``.xml``, ``.rss``,
``.atom``), web archives (``.warc``, ``.warc.gz``) and web pages (``http://`` and ``https://``
arguments, fetched with httpx). Text and Markdown files may start with a
``key: value`` header block, ``---`` front matter, or the inline ``date YYYY-MM-DD`` form.

Keys: a one-article file's ``Article.path`` is the path as given or walked (relative stays
relative); a JSON / JSON Lines record's is ``file#N`` with N its 1-based record number (for
JSON Lines, its line number); a feed entry's is ``feed.xml#<its id, else link, else
position>``, an archived page's ``archive.warc.gz#<WARC-Record-ID>`` and a fetched web
page's the URL as given. Bad input never
raises out of :func:`parse_file`: it becomes an :class:`InputError`, one per broken file or
record, and the good records still come through.

What lives where (each module imports only those above it):

- ``files``: iter_input_files (walking folders, unsupported and special files, URL arguments
  and ``--urls`` lists as :class:`PageUrl`), reading bytes within the size cap;
- ``dates``: parse_date, the date forms headers, HTML metadata and records may use;
- ``text``: decode_text, split_header (header block, front matter, inline date), strip_markdown, title_from_text;
- ``plaintext``: the ``.txt`` / ``.md`` / ``.markdown`` parser;
- ``html``: the ``.html`` / ``.htm`` parser (trafilatura, and a plain-text fallback);
- ``json_records``: the ``.json`` / ``.jsonl`` parser, an article per record;
- ``feeds``: the ``.xml`` / ``.rss`` / ``.atom`` parser (feedparser), an article per entry;
- ``warc``: the ``.warc`` / ``.warc.gz`` parser (warcio), an article per HTML page, streamed;
- ``parse``: parse_file, the parser chosen by extension (``_PARSERS``, ``_FEED_PARSERS``,
  ``_ARCHIVE_PARSERS``), settle_dates;
- ``urls``: fetch_pages (httpx: bounded, polite) and parse_page, a web page an article.

A new input kind is one new module with its parser ``(key, raw bytes, decoded text) ->
ParsedFile``, listed in ``parse._PARSERS`` (and its extension in ``files.SUPPORTED_EXTENSIONS``);
feeds take their bytes undecoded, web archives their path (they are streamed).
Every name other code uses is re-exported here; to monkeypatch one, patch the module that
holds it (``pipeline.ingest.files``), not this package.
"""

from __future__ import annotations

from ..records import Article, InputError, ParsedFile
from .files import DEFAULT_MAX_BYTES, SUPPORTED_EXTENSIONS, PageUrl, input_extension, is_url, iter_input_files
from .dates import DATE_FORMATS, parse_date
from .text import HEADER_KEYS, MAX_TITLE_CHARS, decode_text, split_header, strip_markdown, title_from_text
from .parse import parse_file

# The re-exports (a literal list, so pyflakes counts them as used).
__all__ = [
    "Article", "DATE_FORMATS", "DEFAULT_MAX_BYTES", "HEADER_KEYS", "InputError", "MAX_TITLE_CHARS",
    "PageUrl", "ParsedFile", "SUPPORTED_EXTENSIONS", "decode_text", "input_extension", "is_url", "iter_input_files", "parse_date",
    "parse_file", "split_header", "strip_markdown", "title_from_text",
]  # fmt: skip
