"""Helpers shared by the ingest tests: an input file written as given, and the one article or one error parse_file makes of it."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest import parse_file


BODY = "DeepSeek said training cost $6 million. Analysts doubt it."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def only_article(path: Path, **kwargs):
    parsed = parse_file(path, **kwargs)
    assert parsed.errors == []
    assert len(parsed.articles) == 1
    return parsed.articles[0]


def only_error(path: Path | str, **kwargs) -> str:
    parsed = parse_file(path, **kwargs)
    assert parsed.articles == []
    assert len(parsed.errors) == 1
    return str(parsed.errors[0])
