"""Text shared by every format: decoding file bytes, the header block / front matter /
inline date of text files, stripping Markdown, and titles guessed from the text."""

from __future__ import annotations

import json

import re

from ..records import Article, InputError

HEADER_KEYS = ("title", "url", "date", "published", "source", "author")
# Both spellings fill the same field, so giving both counts as a duplicate key.
_KEY_ALIASES = {"published": "date"}

MAX_TITLE_CHARS = 150

_SNIFF_BYTES = 8192
# Real text has almost no C0 control bytes besides whitespace; binary formats are full of them.
_MAX_CONTROL_SHARE = 0.10
_TEXT_CONTROL_BYTES = frozenset(b"\t\n\v\f\r\x1b")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_KEY_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*)")
_INLINE_DATE = re.compile(r"\s*date[ \t]+(\d{4}-\d{2}-\d{2})(?:\s+|$)", re.IGNORECASE)

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


def split_header(text: str, path: str = "<text>") -> tuple[dict[str, str], str]:
    """Split decoded text into its header metadata and the body that follows.

    Recognises ``---`` front matter, a ``key: value`` block ended by a blank line (only when
    the first line has a known key, so prose like ``Note: ...`` stays body text), and the
    inline ``date YYYY-MM-DD <text>`` form. Metadata keys are ``title``, ``url``, ``date``
    (as the page prints it, read later by :func:`~pipeline.ingest.dates.settle_date`;
    ``published`` is an alias), ``source`` and ``author``. A broken header raises
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
        return {"date": inline.group(1)}, text[inline.end() :]
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
        if value:
            meta[field] = value
    return meta


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


def record_article(key: str, text: str, identity: dict, *, title=None, source=None, url=None, date=None, author=None):
    """An article of a record within a file (a JSON record, a feed entry): its input key,
    its text, and as raw input the record in a canonical form (keys sorted), so the record
    keeps its identity whatever its neighbours or the file's layout."""
    return Article(
        path=key,
        text=text,
        raw=json.dumps(identity, sort_keys=True, ensure_ascii=False).encode("utf-8"),
        title=title or title_from_text(text),
        source=source,
        url=url,
        date_as_written=date,
        author=author,
    )
