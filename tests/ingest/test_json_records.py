"""JSON Lines and JSON files: an article per record, each broken record its own error, record identity, whole-file errors."""

import json

import pytest

from pipeline.ingest import parse_file

from .helpers import only_article, only_error, write


def test_jsonl_partial_failure(tmp_path):
    lines = [
        json.dumps({"text": "First article. It has text.", "title": "One", "date": "2025-02-12"}),
        "",
        '{"text": "broken", "title" "x"}',
        json.dumps(
            {"content": "Second via content.", "published": "Feb 13 2025", "author": ["A", "B"]}
        ),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no text"}),
        json.dumps({"body": "Dated badly.", "date": "someday"}),
        json.dumps({"body": "Third via body.", "url": "https://x", "source": "Wire"}),
        json.dumps({"text": "Bad title type.", "title": 5}),
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    parsed = parse_file(path)
    assert [a.path for a in parsed.articles] == [f"{path}#1", f"{path}#4", f"{path}#7", f"{path}#8"]
    first, second, undated, third = parsed.articles
    assert (undated.text, undated.published, undated.published_from) == ("Dated badly.", None, "none")
    assert (first.title, first.published, first.text) == (
        "One",
        "2025-02-12",
        "First article. It has text.",
    )
    assert (second.title, second.published, second.author) == (
        "Second via content.",
        "2025-02-13",
        "A, B",
    )
    assert (third.url, third.source, third.published) == ("https://x", "Wire", None)
    assert [str(e) for e in parsed.errors] == [
        f"{path}:3: invalid JSON: Expecting ':' delimiter (column 28)",
        f"{path}:5: record is not a JSON object (got list)",
        f"{path}:6: record has no text (expected a non-empty 'text', 'content' or 'body' field)",
        f"{path}:9: 'title' must be a string, not number",
    ]
    assert [str(w) for w in parsed.warnings] == [f"{path}#7: date 'someday' is not a readable date; stored undated"]


def test_jsonl_raw_is_canonical_record_so_unchanged_lines_keep_identity(tmp_path):
    record = {"title": "Same", "text": "Unchanged record.", "date": "2025-02-12"}
    before = write(
        tmp_path / "before.jsonl", json.dumps(record) + "\n" + json.dumps({"text": "v1"})
    )
    after = write(
        tmp_path / "after.jsonl",
        json.dumps(dict(reversed(record.items())), indent=None, separators=(",", ":"))
        + "\n"
        + json.dumps({"text": "v2"}),
    )
    old, new = parse_file(before).articles, parse_file(after).articles
    assert old[0].raw == new[0].raw
    assert old[0].raw == json.dumps(record, sort_keys=True, ensure_ascii=False).encode()
    assert old[1].raw != new[1].raw


def test_json_list_of_records(tmp_path):
    path = write(
        tmp_path / "a.json",
        json.dumps([{"text": "One."}, {"nope": 1}, {"text": "Three.", "title": "T"}], indent=2),
    )
    parsed = parse_file(path)
    assert [(a.path, a.title) for a in parsed.articles] == [
        (f"{path}#1", "One."),
        (f"{path}#3", "T"),
    ]
    assert [str(e) for e in parsed.errors] == [
        f"{path}#2: record has no text (expected a non-empty 'text', 'content' or 'body' field)"
    ]


def test_json_single_record(tmp_path):
    path = write(
        tmp_path / "a.json", json.dumps({"text": "Only one.", "date": "2025-02-12"}, indent=2)
    )
    article = only_article(path)
    assert (article.path, article.published) == (f"{path}#1", "2025-02-12")


def test_json_falls_back_to_json_lines(tmp_path):
    path = write(tmp_path / "a.json", '{"text": "One."}\n{"text": "Two."}\n{bad\n')
    parsed = parse_file(path)
    assert [a.text for a in parsed.articles] == ["One.", "Two."]
    assert [e.line for e in parsed.errors] == [3]


def test_json_syntax_error_names_line(tmp_path):
    path = write(tmp_path / "a.json", '[\n  {"text": "One."},\n  {"text" "Two."}\n]')
    assert only_error(path) == f"{path}:3: invalid JSON: Expecting ':' delimiter (column 11)"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[]", "JSON list has no records"),
        ("42", "expected a JSON object or a list of objects, not a number"),
        (
            '{"title": "x"}',
            "record has no text (expected a non-empty 'text', 'content' or 'body' field)",
        ),
    ],
)
def test_json_whole_file_errors(tmp_path, content, message):
    path = write(tmp_path / "a.json", content)
    assert only_error(path) == f"{path}: {message}"
