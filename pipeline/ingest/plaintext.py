"""Plain text (``.txt``) and Markdown (``.md``, ``.markdown``) files: one article each,
after an optional header."""

from __future__ import annotations

from ..records import Article, InputError, ParsedFile
from ..wrapping import unwrap
from .text import _markdown_heading, split_header, strip_markdown, title_from_text


def _parse_text(key: str, raw: bytes, text: str, markdown: bool) -> ParsedFile:
    meta, body = split_header(text, key)
    heading = _markdown_heading(body) if markdown else None
    # (a hard-wrapped paragraph is one line again: its sentences are not cut at the breaks;
    # before Markdown is stripped, while its list items and headings still show)
    body = unwrap(body)
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
        date_as_written=meta.get("date"),
        author=meta.get("author"),
    )
    return ParsedFile(key, [article])
