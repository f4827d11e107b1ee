"""Ingest: finding input files and turning them into :class:`Article` records.

Supported inputs: plain text (``.txt``), Markdown (``.md``, ``.markdown``), HTML (``.html``,
``.htm``) and JSON records (``.jsonl``, ``.json``). Text and Markdown files may start with a
``key: value`` header block, ``---`` front matter, or the inline ``date YYYY-MM-DD`` form.

Keys: a one-article file's ``Article.path`` is the path as given or walked (relative stays
relative); a JSON / JSON Lines record's is ``file#N`` with N its 1-based record number (for
JSON Lines, its line number). Bad input never raises out of :func:`parse_file`: it becomes an
:class:`InputError`, one per broken file or record, and the good records still come through.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

import trafilatura

from .records import Article, InputError, ParsedFile

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl", ".json")

HEADER_KEYS = ("title", "url", "date", "published", "source", "author")
# Both spellings fill the same field, so giving both counts as a duplicate key.
_KEY_ALIASES = {"published": "date"}

MAX_TITLE_CHARS = 150

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

_MB = 1024 * 1024
_SNIFF_BYTES = 8192
# Real text has almost no C0 control bytes besides whitespace; binary formats are full of them.
_MAX_CONTROL_SHARE = 0.10
_TEXT_CONTROL_BYTES = frozenset(b"\t\n\v\f\r\x1b")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_KEY_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*)")
_INLINE_DATE = re.compile(r"\s*date[ \t]+(\d{4}-\d{2}-\d{2})(?:\s+|$)", re.IGNORECASE)

_ISO_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")
_ORDINAL_DAY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_MONTH_ABBREV_DOT = re.compile(r"(?<=[A-Za-z])\.")

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by whitespace or the end.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s|$)")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc inc ltd co corp no u.s u.k e.g i.e".split()
)
_CONTINUATION_ENDINGS = tuple(",;:-–—(/&")

# Link targets may hold one level of parentheses (Wikipedia URLs) and an optional "title".
_MD_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)"
_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]" + _MD_TARGET)
_MD_LINK = re.compile(r"\[([^\]\n]+)\]" + _MD_TARGET)
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_MD_STRONG_STAR = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_MD_STRONG_UNDERSCORE = re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)")
# The lookarounds keep list bullets ("* item"), arithmetic ("2 * 3") and snake_case intact.
_MD_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_MD_EM_UNDERSCORE = re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])")

_BROKEN_LINK = "broken symbolic link (missing target or a loop)"
_NOT_REGULAR = "not a regular file or directory (a FIFO, socket or device?)"

_TEXT_FIELDS = ("text", "content", "body")
_DATE_FIELDS = ("date", "published")


# --- finding files -------------------------------------------------------------------------


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Yield the input files under ``paths``, or an :class:`InputError` for each bad path.

    Arguments are taken in the order given; folders are walked recursively with entries
    sorted by name, keeping only supported extensions and skipping hidden names (leading
    ``.``). A file named explicitly must still have a supported extension. Symlinks are
    followed, but each real directory is walked and each real file yielded at most once, so
    symlink loops terminate. Yielded paths keep the spelling of the argument they came from.
    """
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    for arg in paths:
        path = Path(arg)
        # os.path's tests treat every OSError (a symlink loop included) as "no".
        if os.path.isdir(path):
            yield from _walk_dir(path, seen_dirs, seen_files)
        elif os.path.isfile(path):
            if not _is_supported(path):
                yield InputError(str(path), _unsupported_message(path))
            elif _first_visit(path, seen_files):
                yield path
        elif os.path.islink(path):
            yield InputError(str(path), _BROKEN_LINK)
        elif os.path.lexists(path):
            yield InputError(str(path), _NOT_REGULAR)
        else:
            yield InputError(str(path), "no such file or directory")


def _walk_dir(
    directory: Path, seen_dirs: set[str], seen_files: set[str]
) -> Iterator[Path | InputError]:
    if not _first_visit(directory, seen_dirs):
        return
    try:
        names = sorted(os.listdir(directory))
    except OSError as exc:
        yield InputError(str(directory), f"cannot read directory: {_os_reason(exc)}")
        return
    for name in names:
        if name.startswith("."):
            continue
        child = directory / name
        if os.path.isdir(child):
            yield from _walk_dir(child, seen_dirs, seen_files)
        elif not _is_supported(child):
            continue
        elif os.path.isfile(child):
            if _first_visit(child, seen_files):
                yield child
        elif os.path.islink(child):
            yield InputError(str(child), _BROKEN_LINK)
        elif os.path.lexists(child):
            # A FIFO, socket or device with an article's name: reported as when named.
            yield InputError(str(child), _NOT_REGULAR)


def _first_visit(path: Path, seen: set[str]) -> bool:
    real = os.path.realpath(path)
    if real in seen:
        return False
    seen.add(real)
    return True


def _is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_EXTENSIONS


def _unsupported_message(path: Path) -> str:
    kind = repr(path.suffix) if path.suffix else "(no extension)"
    return f"unsupported file type {kind} (supported: {', '.join(SUPPORTED_EXTENSIONS)})"


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


# --- pure helpers --------------------------------------------------------------------------


def decode_text(raw: bytes, path: str) -> str:
    """Decode file bytes as UTF-8 text with ``\\n`` line endings and no BOM.

    Raises :class:`InputError` for binary content, invalid UTF-8 and empty (or
    whitespace-only) input; ``path`` names the file in the error.
    """
    if raw.startswith(_UTF16_BOMS):
        raise InputError(
            path, "not valid UTF-8 (UTF-16 byte order mark); re-encode the file as UTF-8"
        )
    nul = raw.find(b"\x00")
    if nul != -1:
        raise InputError(path, f"binary file, not text (NUL byte at offset {nul})")
    sample = raw[:_SNIFF_BYTES]
    controls = sum(
        1 for byte in sample if (byte < 0x20 or byte == 0x7F) and byte not in _TEXT_CONTROL_BYTES
    )
    if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
        raise InputError(
            path, f"binary file, not text ({controls} control bytes in the first {len(sample)})"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "re-encode the file as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, "empty file")
    return text


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


def split_header(text: str, path: str = "<text>") -> tuple[dict[str, str], str]:
    """Split decoded text into its header metadata and the body that follows.

    Recognises ``---`` front matter, a ``key: value`` block ended by a blank line (only when
    the first line has a known key, so prose like ``Note: ...`` stays body text), and the
    inline ``date YYYY-MM-DD <text>`` form. Metadata keys are ``title``, ``url``, ``date``
    (ISO, ``published`` is an alias), ``source`` and ``author``. A broken header raises
    :class:`InputError` with the line number; text without a header comes back unchanged.
    """
    lines = text.split("\n")
    if lines[0].rstrip() == "---":
        return _split_front_matter(lines, path)
    first = _KEY_LINE.fullmatch(lines[0].strip())
    if first and first.group(1).lower() in HEADER_KEYS:
        return _split_header_block(lines, path)
    inline = _INLINE_DATE.match(text)
    if inline:
        return {"date": _header_date("date", inline.group(1), path, 1)}, text[inline.end() :]
    return {}, text


def _split_front_matter(lines: list[str], path: str) -> tuple[dict[str, str], str]:
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if close is None:
        raise _header_error(path, 1, "front matter opened with '---' is never closed")
    meta = _parse_header_lines(lines[1:close], 2, path, "close the front matter with '---'")
    return meta, "\n".join(lines[close + 1 :])


def _split_header_block(lines: list[str], path: str) -> tuple[dict[str, str], str]:
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    meta = _parse_header_lines(lines[:end], 1, path, "end the header with a blank line")
    return meta, "\n".join(lines[end + 1 :])


def _parse_header_lines(lines: list[str], first_line: int, path: str, hint: str) -> dict[str, str]:
    meta: dict[str, str] = {}
    set_on: dict[str, tuple[str, int]] = {}
    for lineno, line in enumerate(lines, first_line):
        stripped = line.strip()
        if not stripped:  # only front matter gets here: a blank line ends a header block
            continue
        match = _KEY_LINE.fullmatch(stripped)
        if not match:
            raise _header_error(
                path, lineno, f"{_snippet(stripped)} is not a 'key: value' line ({hint})"
            )
        key = match.group(1).lower()
        if key not in HEADER_KEYS:
            raise _header_error(
                path, lineno, f"unknown key {match.group(1)!r} (known: {', '.join(HEADER_KEYS)})"
            )
        field = _KEY_ALIASES.get(key, key)
        if field in set_on:
            earlier, earlier_line = set_on[field]
            raise _header_error(
                path,
                lineno,
                f"duplicate key {key!r} (already set by {earlier!r} on line {earlier_line})",
            )
        set_on[field] = (key, lineno)
        value = _unquote(match.group(2).strip())
        if value and field == "date":
            value = _header_date(key, value, path, lineno)
        if value:
            meta[field] = value
    return meta


def _header_date(key: str, value: str, path: str, lineno: int) -> str:
    date = parse_date(value)
    if date is None:
        raise _header_error(path, lineno, f"{key!r} value {value!r} is not a date (use YYYY-MM-DD)")
    return date


def _header_error(path: str, lineno: int, message: str) -> InputError:
    return InputError(path, f"malformed header: {message}", line=lineno)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1].strip()
    return value


def _snippet(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def strip_markdown(text: str) -> str:
    """Turn Markdown into readable plain text, leaving everything else as written.

    Drops HTML comments and images, keeps only the text of ``[text](url)`` links, and removes
    heading markers and ``*`` / ``_`` emphasis markers.
    """
    text = _MD_COMMENT.sub("", text)
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub(lambda match: match.group(1) or "", text)
    for pattern in (_MD_STRONG_STAR, _MD_STRONG_UNDERSCORE, _MD_EM_STAR, _MD_EM_UNDERSCORE):
        text = pattern.sub(r"\1", text)
    return text


def _markdown_heading(body: str) -> str | None:
    """The text of the body's leading ``# Heading`` line, if it starts with one."""
    first_line = body.lstrip().split("\n", 1)[0]
    match = _MD_HEADING.fullmatch(first_line)
    if match and match.group(1):
        return strip_markdown(match.group(1)).strip() or None
    return None


def title_from_text(text: str) -> str | None:
    """Guess a title from article text: the first line if it reads like one, else the first
    sentence, shortened at a word boundary to at most :data:`MAX_TITLE_CHARS` with ``…``.
    """
    paragraph = text.strip().split("\n\n", 1)[0]
    if not paragraph:
        return None
    lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
    if len(lines[0]) <= MAX_TITLE_CHARS and not _continues(lines[0], lines[1:2]):
        return lines[0]
    return _shorten(_first_sentence(" ".join(paragraph.split())))


def _continues(line: str, next_lines: list[str]) -> bool:
    # A hard-wrapped sentence: the line ends mid-clause or the next line starts lowercase.
    return line.endswith(_CONTINUATION_ENDINGS) or bool(next_lines and next_lines[0][0].islower())


def _first_sentence(text: str) -> str:
    for match in _SENTENCE_END.finditer(text):
        words = text[: match.start()].split()
        last_word = words[-1].lstrip("\"'“‘(").lower() if words else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        return text[: match.end()]
    return text


def _shorten(text: str) -> str:
    if len(text) <= MAX_TITLE_CHARS:
        return text
    cut = text[: MAX_TITLE_CHARS - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + "…"


# --- formats -------------------------------------------------------------------------------


def _parse_text(key: str, raw: bytes, text: str, markdown: bool) -> ParsedFile:
    meta, body = split_header(text, key)
    heading = _markdown_heading(body) if markdown else None
    if markdown:
        body = strip_markdown(body)
    body = body.strip()
    if not body:
        raise InputError(key, "no article text found")
    article = Article(
        path=key,
        text=body,
        raw=raw,
        title=meta.get("title") or heading or title_from_text(body),
        source=meta.get("source"),
        url=meta.get("url"),
        published=meta.get("date"),
        author=meta.get("author"),
    )
    return ParsedFile(key, [article])


def _parse_html(key: str, raw: bytes, html: str) -> ParsedFile:
    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    text = (document.text or "").strip() if document else ""
    page_title = None
    if not text:
        # trafilatura gives up on some documents that hold text (lxml refuses nesting
        # deeper than it allows, or no block looks like an article): keep their plain text,
        # with whatever metadata it still found.
        fallback = _HTMLText.of(html)
        text, page_title = fallback.text, fallback.title
        if not text:
            raise InputError(key, "no article text found in HTML")

    def meta(name: str) -> str | None:
        return getattr(document, name, None) or None

    article = Article(
        path=key,
        text=text,
        raw=raw,
        title=meta("title") or page_title or title_from_text(text),
        source=meta("sitename"),
        url=meta("url"),
        published=parse_date(meta("date")),
        author=meta("author"),
    )
    return ParsedFile(key, [article])


class _HTMLText(HTMLParser):
    """The visible text of an HTML document, a paragraph per block element, and its
    ``<title>``: a flat tag stream, so no nesting depth is too deep for it."""

    _HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "svg"})
    _BLOCKS = frozenset(
        "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article header footer"
        " aside nav figure figcaption dd dt hr main".split()
    )

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.in_title = False
        self.parts: list[str] = []
        self.title_parts: list[str] = []

    @classmethod
    def of(cls, html: str) -> _HTMLText:
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.in_title:
            self.title_parts.append(data)
        elif not self.hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        paragraphs = (" ".join(block.split()) for block in "".join(self.parts).split("\n\n"))
        return "\n\n".join(p for p in paragraphs if p)

    @property
    def title(self) -> str | None:
        return " ".join("".join(self.title_parts).split()) or None


class _BadRecord(ValueError):
    """A JSON record that cannot become an article; the caller adds where it is."""


def _record_article(record: object, key: str) -> Article:
    if not isinstance(record, dict):
        raise _BadRecord(f"record is not a JSON object (got {_json_type(record)})")
    found = _record_field(record, _TEXT_FIELDS)
    if found is None:
        raise _BadRecord(
            "record has no text (expected a non-empty 'text', 'content' or 'body' field)"
        )
    text = found[1].replace("\r\n", "\n").replace("\r", "\n").strip()
    published = None
    date = _record_field(record, _DATE_FIELDS)
    if date is not None:
        published = parse_date(date[1])
        if published is None:
            raise _BadRecord(f"{date[0]!r} value {date[1]!r} is not a date (use YYYY-MM-DD)")
    title, source, url, author = (
        _record_value(record, name, allow_list=name == "author")
        for name in ("title", "source", "url", "author")
    )
    return Article(
        path=key,
        text=text,
        # Canonical form, so the record keeps its identity whatever its neighbours or layout.
        raw=json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8"),
        title=title or title_from_text(text),
        source=source,
        url=url,
        published=published,
        author=author,
    )


def _record_field(record: dict, names: tuple[str, ...]) -> tuple[str, str] | None:
    """The first of ``names`` with a non-empty string value, as (name, value)."""
    for name in names:
        value = _record_value(record, name)
        if value:
            return name, value
    return None


def _record_value(record: dict, name: str, allow_list: bool = False) -> str | None:
    value = record.get(name)
    # Scraped datasets often list several authors.
    if allow_list and isinstance(value, list) and all(isinstance(item, str) for item in value):
        value = ", ".join(item.strip() for item in value if item.strip())
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadRecord(f"{name!r} must be a string, not {_json_type(value)}")
    return value.strip() or None


def _json_type(value: object) -> str:
    names = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _parse_jsonl(key: str, raw: bytes, text: str) -> ParsedFile:
    parsed = ParsedFile(key)
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            parsed.articles.append(_record_article(json.loads(line), f"{key}#{lineno}"))
        except json.JSONDecodeError as exc:
            parsed.errors.append(
                InputError(key, f"invalid JSON: {exc.msg} (column {exc.colno})", lineno)
            )
        except _BadRecord as exc:
            parsed.errors.append(InputError(key, str(exc), lineno))
    return parsed


def _parse_json(key: str, raw: bytes, text: str) -> ParsedFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if _looks_like_json_lines(text):
            return _parse_jsonl(key, raw, text)
        raise InputError(key, f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    if isinstance(data, list):
        if not data:
            raise InputError(key, "JSON list has no records")
        parsed = ParsedFile(key)
        for number, record in enumerate(data, 1):
            record_key = f"{key}#{number}"
            try:
                parsed.articles.append(_record_article(record, record_key))
            except _BadRecord as exc:
                parsed.errors.append(InputError(record_key, str(exc)))
        return parsed
    if isinstance(data, dict):
        try:
            return ParsedFile(key, [_record_article(data, f"{key}#1")])
        except _BadRecord as exc:
            raise InputError(key, str(exc)) from None
    raise InputError(key, f"expected a JSON object or a list of objects, not a {_json_type(data)}")


def _looks_like_json_lines(text: str) -> bool:
    first_line = next(line for line in text.split("\n") if line.strip())
    try:
        return isinstance(json.loads(first_line), dict)
    except json.JSONDecodeError:
        return False


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


# --- files ---------------------------------------------------------------------------------


def parse_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedFile:
    """Read one input file into its articles, choosing the format by extension.

    Never raises for bad input: a problem with the whole file gives a ParsedFile with no
    articles and one error; broken records of a JSON / JSON Lines file give one error each
    next to the good records. Files over ``max_bytes`` are refused before being read.
    """
    path = Path(path)
    key = str(path)
    parser = _PARSERS.get(path.suffix.lower())
    try:
        if parser is None:
            raise InputError(key, _unsupported_message(path))
        raw = _read_bytes(path, key, max_bytes)
        return parser(key, raw, decode_text(raw, key))
    except InputError as error:
        return ParsedFile(key, errors=[error])


def _read_bytes(path: Path, key: str, max_bytes: int) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError(key, "not a regular file")
        if info.st_size > max_bytes:
            raise InputError(key, _too_large(info.st_size, max_bytes))
        with path.open("rb") as handle:
            # Bounded even if the file grew after the stat.
            raw = handle.read(max_bytes + 1)
            if len(raw) > max_bytes:
                raise InputError(key, _too_large(os.fstat(handle.fileno()).st_size, max_bytes))
    except OSError as exc:
        raise InputError(key, f"cannot read file: {_os_reason(exc)}") from None
    return raw


def _too_large(size: int, max_bytes: int) -> str:
    return (
        f"file too large ({_human_size(size)} > {_human_size(max_bytes)} limit); "
        "split it or raise --max-bytes"
    )


def _human_size(size: int) -> str:
    # Below 0.1 MB the one-decimal MB figure would read "0.0 MB".
    return f"{size / _MB:.1f} MB" if size >= _MB // 10 else f"{size} bytes"
