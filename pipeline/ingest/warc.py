"""Web archives (``.warc``, ``.warc.gz``), read by warcio: an article per HTML page captured.

Each ``response`` record holding an HTML page (status 200, ``text/html`` or
``application/xhtml+xml``) is read as an ``.html`` file is (trafilatura), keyed
``archive.warc.gz#<WARC-Record-ID>`` (else ``#<WARC-Target-URI>``); its URL is the page's own,
else the address it was captured from; its date the page's, else its URL's, else the day it
was captured (``published_from`` "warc": the latest it can have been published). Requests,
metadata, revisits, other media, other statuses and pages with no text are skipped without
a word.

The archive is streamed, never read whole: archives are large by nature, so the size cap
(``--max-bytes``) applies to each page, and a page over it is one error (the pages found are
still handed on together, so their text and HTML are in memory at once). An archive cut short
or corrupt stops at the first bad record with one error giving its offset; the pages read
before it are kept. Pages an archive no longer holds are not removed (archives are
appended to, not edited).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import stat
from pathlib import Path

import trafilatura.utils
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..records import FROM_HTML, FROM_WARC, InputError, InputWarning, ParsedFile
from .dates import _quoted, parse_date, settle_date
from .files import _human_size, _os_reason
from .html import HTML_TYPES, _parse_html

_CHUNK = 1 << 16


class _Cut(Exception):
    """The archive is truncated or corrupt from here on."""


class _QuietIterator(ArchiveIterator):
    # warcio prints a line to stderr for a record whose length is wrong; the record is
    # reported as corrupt instead, in the run's one-line form (err_count counts them).
    def _consume_blanklines(self):
        with contextlib.redirect_stderr(io.StringIO()):
            return super()._consume_blanklines()


def parse_warc(key: str, path: Path, max_bytes: int, date_order: str) -> ParsedFile:
    """The HTML pages of the web archive at ``path``, each an article dated by the page,
    else its URL, else the day it was captured (``published_from`` "warc")."""
    parsed = ParsedFile(key)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise InputError(key, "not a regular file")
        if path.stat().st_size == 0:
            raise InputError(key, "empty file")
        with path.open("rb") as handle:
            records = _QuietIterator(handle)
            try:
                _check_tail(handle, _read_records(key, records, parsed, max_bytes, date_order))
            except _Cut as cut:
                parsed.errors.append(_archive_error(key, *cut.args, parsed))
    except OSError as exc:
        raise InputError(key, f"cannot read file: {_os_reason(exc)}") from None
    if not parsed.articles and not parsed.errors:
        parsed.warnings.append(InputWarning(key, "no HTML page with text in this web archive"))
    return parsed


def _read_records(key: str, records: _QuietIterator, parsed: ParsedFile, max_bytes: int, date_order: str) -> int:
    """Read every record into ``parsed``; returns the offset where the last one ends."""
    end = 0
    iterator = iter(records)
    while True:
        try:
            record = next(iterator, None)
            if record is None:
                return end
            page = _html_payload(key, record, max_bytes, parsed)
            offset, length = records.get_record_offset(), records.get_record_length()  # (reads the record to its end)
            declared = (record.rec_headers.get_header("Content-Length") or "").strip()
            if record.rec_headers.get_header("WARC-Type") is None or not declared.isdigit():
                raise _Cut(offset, "a record without WARC headers")
            if record.raw_stream.tell() < record.length or records.err_count:
                raise _Cut(offset, "the record is shorter than its Content-Length")
            # A gzip member cut short can still hold a whole record: zlib knows it ended early.
            decompressor = records.reader.decompressor
            if decompressor is not None and not decompressor.eof:
                raise _Cut(offset, "the record's gzip member is cut short")
        except _Cut:
            raise
        except ArchiveLoadFailed as exc:
            if not end and not records.offset:  # not even a first record
                raise InputError(key, f"not a WARC web archive ({_first_line(exc)})") from None
            raise _Cut(records.offset, _first_line(exc)) from None
        except Exception:  # warcio fails in many ways (AttributeError too) on damaged headers
            raise _Cut(records.offset, "a record cut short or damaged") from None
        if page is not None:
            _add_page(page, record, parsed, date_order)
        end = offset + length


def _html_payload(key: str, record, max_bytes: int, parsed: ParsedFile) -> tuple[str, bytes] | None:
    """(record key, page bytes) of an HTML page record within the cap; None for anything
    else, or a page over the cap (an error in ``parsed``)."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    if record.http_headers.get_statuscode() != "200" or _media_type(record) not in HTML_TYPES:
        return None
    name = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<> ")
    name = name or record.rec_headers.get_header("WARC-Target-URI") or ""
    record_key = f"{key}#{name}"
    # Decoded from its transfer and content encodings; read no further than the cap.
    payload = record.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        size = max(record.length or 0, len(payload))
        parsed.errors.append(
            InputError(record_key, f"page too large ({_human_size(size)} > {_human_size(max_bytes)} limit); raise --max-bytes")
        )
        return None
    return record_key, payload


def _add_page(page: tuple[str, bytes], record, parsed: ParsedFile, date_order: str) -> None:
    record_key, payload = page
    try:
        target = record.rec_headers.get_header("WARC-Target-URI")
        (article,) = _parse_html(record_key, payload, _decode(payload, record), base_url=target).articles
    except InputError:
        return  # a page with no text: a redirect stub or a script-only page, no article
    article.url = article.url or target
    captured = parse_date(record.rec_headers.get_header("WARC-Date") or "")
    written = article.date_as_written
    article.published, article.published_from, warning = settle_date(written, FROM_HTML, article.url, date_order)
    if article.published is None and captured:
        # Capture is the latest day the page can have been published: the last resort.
        article.published, article.published_from = captured, FROM_WARC
        if warning:
            warning = f"date {_quoted(written)} is not a readable date; dated {captured}, the day it was archived"
    if warning:
        parsed.warnings.append(InputWarning(record_key, warning))
    parsed.articles.append(article)


def _media_type(record) -> str:
    content_type = record.http_headers.get_header("Content-Type") or ""
    return content_type.split(";", 1)[0].strip().lower()


def _decode(payload: bytes, record) -> str:
    """The page as text: in the charset its response declared, else as trafilatura
    guesses it (UTF-8 first)."""
    content_type = record.http_headers.get_header("Content-Type") or ""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            try:
                return payload.decode(codecs.lookup(value.strip().strip("\"'")).name, errors="replace")
            except LookupError:
                break
    return trafilatura.utils.decode_file(payload)


def _check_tail(handle, end: int) -> None:
    """Anything after the last whole record but blank lines is a record cut short (a gzip
    member or headers warcio gave up on without a word); its offset is where it starts."""
    handle.seek(end)
    while chunk := handle.read(_CHUNK):
        rest = chunk.lstrip()
        if rest:
            raise _Cut(end + len(chunk) - len(rest), "a record cut short")
        end += len(chunk)


def _archive_error(key: str, offset: int, reason: str, parsed: ParsedFile) -> InputError:
    kept = f"; {len(parsed.articles)} page{'s' if len(parsed.articles) != 1 else ''} read before it" if parsed.articles else ""
    return InputError(key, f"truncated or corrupt web archive at offset {offset}: {reason}{kept}")


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().split("\n", 1)[0]
    return text[:120] or type(exc).__name__
