"""JSON (``.json``: an object or a list of them) and JSON Lines (``.jsonl``) files: an
article per record (key ``file#N``), one error per broken record next to the good ones."""

from __future__ import annotations

import json

from ..records import Article, InputError, ParsedFile
from .text import record_article

_TEXT_FIELDS = ("text", "content", "body")
_DATE_FIELDS = ("date", "published")


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
    date = _record_field(record, _DATE_FIELDS)
    title, source, url, author = (
        _record_value(record, name, allow_list=name == "author")
        for name in ("title", "source", "url", "author")
    )
    return record_article(key, text, record, title=title, source=source, url=url,
                          date=date[1] if date else None, author=author)  # fmt: skip


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
