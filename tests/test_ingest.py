"""Ingest: walking inputs, every file format and header form, and each kind of bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline import ingest
from pipeline.ingest import (
    DEFAULT_MAX_BYTES,
    decode_text,
    iter_input_files,
    parse_date,
    parse_file,
    split_header,
    strip_markdown,
    title_from_text,
)
from pipeline.records import InputError

BODY = "DeepSeek said training cost $6 million. Analysts doubt it."

UNSUPPORTED_PDF = (
    "unsupported file type '.pdf' (supported: .txt, .md, .markdown, .html, .htm, .jsonl, .json)"
)

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


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


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2025-02-12",
        "2025/02/12",
        "2025-02-12T10:00:00Z",
        "2025-02-12 10:00:00+01:00",
        "12 February 2025",
        "12 Feb 2025",
        "February 12, 2025",
        "Feb 12 2025",
        "Feb. 12, 2025",
        "12th February 2025",
        "  february 12,   2025 ",
    ],
)
def test_parse_date_accepts_common_forms(value):
    assert parse_date(value) == "2025-02-12"


@pytest.mark.parametrize(
    "value", ["next tuesday", "2025-02-30", "2025-13-01", "12/02/2025", "", None, 20250212]
)
def test_parse_date_rejects_non_dates(value):
    assert parse_date(value) is None


# --- decoding ------------------------------------------------------------------------------


def test_decode_text_strips_bom_and_normalises_line_endings():
    raw = b"\xef\xbb\xbfline one\r\nline two\rline three\n"
    assert decode_text(raw, "a.txt") == "line one\nline two\nline three\n"


def test_decode_text_reports_nul_byte_offset():
    with pytest.raises(InputError) as caught:
        decode_text(b"abc\x00def", "a.txt")
    assert str(caught.value) == "a.txt: binary file, not text (NUL byte at offset 3)"


def test_decode_text_rejects_control_heavy_bytes_without_nul():
    with pytest.raises(InputError, match=r"^a\.bin\.txt: binary file, not text \("):
        decode_text(bytes(range(1, 32)) * 20, "a.bin.txt")


def test_decode_text_reports_first_invalid_utf8_byte():
    raw = b"caf" + b"e" * 1231 + b"\xe9 au lait"
    with pytest.raises(InputError) as caught:
        decode_text(raw, "x.txt")
    assert str(caught.value) == (
        "x.txt: not valid UTF-8 (byte 0xe9 at offset 1234); re-encode the file as UTF-8"
    )


def test_decode_text_names_utf16():
    with pytest.raises(InputError) as caught:
        decode_text("hello".encode("utf-16"), "x.txt")
    assert str(caught.value) == (
        "x.txt: not valid UTF-8 (UTF-16 byte order mark); re-encode the file as UTF-8"
    )


@pytest.mark.parametrize("raw", [b"", b"  \n\t\r\n ", b"\xef\xbb\xbf\n"])
def test_decode_text_rejects_empty(raw):
    with pytest.raises(InputError) as caught:
        decode_text(raw, "x.txt")
    assert str(caught.value) == "x.txt: empty file"


# --- headers -------------------------------------------------------------------------------


def test_split_header_block():
    text = (
        "Title: Big news\nURL: https://ex.com/a\ndate: 12 February 2025\n"
        "Source: Ex\nauthor: 'Jo'\n\nBody here.\n"
    )
    meta, body = split_header(text)
    assert meta == {
        "title": "Big news",
        "url": "https://ex.com/a",
        "date": "2025-02-12",
        "source": "Ex",
        "author": "Jo",
    }
    assert body == "Body here.\n"


def test_split_header_published_is_alias_of_date():
    meta, _ = split_header("published: 2025-02-12T10:00:00Z\n\nBody.")
    assert meta == {"date": "2025-02-12"}


def test_split_header_front_matter_with_quotes_and_blank_lines():
    text = '---\ntitle: "A: quoted title"\n\ndate: 2025/02/12\n---\nBody.'
    meta, body = split_header(text)
    assert meta == {"title": "A: quoted title", "date": "2025-02-12"}
    assert body == "Body."


def test_split_header_inline_date_form():
    meta, body = split_header(" date 2025-02-12 The big AI news of the year.")
    assert meta == {"date": "2025-02-12"}
    assert body == "The big AI news of the year."


@pytest.mark.parametrize(
    "text",
    [
        "Note: this is not a header.\n\nBody.",
        "The article starts here.\nSource: tv.CCTV.com\n\nMore.",
        "dated 2025-02-12 is not the inline form",
        "\nTitle: not at the very top\n\nBody.",
    ],
)
def test_split_header_leaves_prose_alone(text):
    assert split_header(text) == ({}, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "title: T\nurl: https://x\ndate: next tuesday\n\nBody.",
            "x.txt:3: malformed header: 'date' value 'next tuesday' is not a date (use YYYY-MM-DD)",
        ),
        (
            "title: T\nThis line is prose\n\nBody.",
            "x.txt:2: malformed header: 'This line is prose' is not a 'key: value' line "
            "(end the header with a blank line)",
        ),
        (
            "title: T\ntags: a, b\n\nBody.",
            "x.txt:2: malformed header: unknown key 'tags' "
            "(known: title, url, date, published, source, author)",
        ),
        (
            "title: T\ntitle: U\n\nBody.",
            "x.txt:2: malformed header: duplicate key 'title' (already set by 'title' on line 1)",
        ),
        (
            "date: 2025-02-12\npublished: 2025-02-13\n\nBody.",
            "x.txt:2: malformed header: duplicate key 'published' "
            "(already set by 'date' on line 1)",
        ),
        (
            "---\ntitle: T\n\nBody without a closing fence.",
            "x.txt:1: malformed header: front matter opened with '---' is never closed",
        ),
        (
            "---\ntitle: T\n- a list item\n---\nBody.",
            "x.txt:3: malformed header: '- a list item' is not a 'key: value' line "
            "(close the front matter with '---')",
        ),
        (
            " date 2025-02-31 The text.",
            "x.txt:1: malformed header: 'date' value '2025-02-31' is not a date (use YYYY-MM-DD)",
        ),
    ],
)
def test_split_header_malformed(text, expected):
    with pytest.raises(InputError) as caught:
        split_header(text, "x.txt")
    assert str(caught.value) == expected


def test_malformed_header_reaches_parse_file_as_one_error(tmp_path):
    path = write(tmp_path / "x.txt", "title: T\ndate: next tuesday\n\nBody.")
    assert only_error(path) == (
        f"{path}:2: malformed header: 'date' value 'next tuesday' is not a date (use YYYY-MM-DD)"
    )


def test_header_without_body_is_an_error(tmp_path):
    assert only_error(write(tmp_path / "x.txt", "title: T\n")).endswith(": no article text found")


# --- titles --------------------------------------------------------------------------------


def test_title_is_short_first_line():
    assert (
        title_from_text("DeepSeek shakes markets\n\nBody text follows.")
        == "DeepSeek shakes markets"
    )


def test_title_skips_hard_wrapped_first_line():
    text = "Nvidia lost $500 billion of value\nin a single day. Then it recovered."
    assert title_from_text(text) == "Nvidia lost $500 billion of value in a single day."


def test_title_skips_first_line_ending_mid_clause():
    assert title_from_text("Shares fell,\nAnalysts said. More.") == "Shares fell, Analysts said."


def test_title_first_sentence_ignores_abbreviations_and_decimals():
    long_line = (
        "Dr. Liang of the U.S. lab said costs hit $5.6 million. " + "Filler words here. " * 10
    )
    assert title_from_text(long_line) == "Dr. Liang of the U.S. lab said costs hit $5.6 million."


def test_title_long_sentence_is_cut_at_a_word_boundary():
    sentence = " ".join(["word"] * 60) + "."
    title = title_from_text(sentence)
    assert title.endswith("word…")
    assert len(title) <= ingest.MAX_TITLE_CHARS
    assert title[:-1] == sentence[: len(title) - 1]


def test_title_of_blank_text_is_none():
    assert title_from_text("  \n ") is None


# --- text and markdown files ---------------------------------------------------------------


def test_txt_without_header(tmp_path):
    path = write(tmp_path / "a.txt", "\ufeffShort headline\r\n\r\nBody line.\r\n\n  \n")
    article = only_article(path)
    assert article.path == str(path)
    assert article.text == "Short headline\n\nBody line."
    assert article.title == "Short headline"
    assert article.published is None
    assert article.raw == path.read_bytes()


def test_txt_with_header_block(tmp_path):
    path = write(
        tmp_path / "a.txt",
        f"Title: Costs\nDate: Feb 12 2025\nSource: Ex\nURL: https://ex.com\nAuthor: Jo\n\n{BODY}\n",
    )
    article = only_article(path)
    assert (article.title, article.published, article.source, article.url, article.author) == (
        "Costs",
        "2025-02-12",
        "Ex",
        "https://ex.com",
        "Jo",
    )
    assert article.text == BODY


def test_txt_header_without_title_takes_title_from_body(tmp_path):
    article = only_article(write(tmp_path / "a.txt", f"date: 2025-02-12\n\n{BODY}"))
    assert article.title == BODY


def test_txt_inline_date_form(tmp_path):
    article = only_article(write(tmp_path / "a.txt", f"  date 2025-02-12 {BODY}\n\nMore.\n"))
    assert article.published == "2025-02-12"
    assert article.text == f"{BODY}\n\nMore."


def test_relative_path_is_kept_as_given(tmp_path, monkeypatch):
    write(tmp_path / "in" / "a.txt", BODY)
    monkeypatch.chdir(tmp_path)
    assert only_article(Path("in/a.txt")).path == os.path.join("in", "a.txt")
    assert only_article("in/a.txt").path == os.path.join("in", "a.txt")


def test_markdown_front_matter_and_cleanup(tmp_path):
    md = (
        "---\n"
        "title: 'Front title'\n"
        "published: 2025-02-12\n"
        "---\n"
        "# The heading\n"
        "\n"
        "<!-- editor note -->A **bold** claim and *an aside*, "
        'per [Reuters](https://r.com/a_(b) "R").\n'
        "![chart](img/chart.png)\n"
        "* bullet item with snake_case_name and 2 * 3 = 6\n"
        "## Section ##\n"
        "__strong__ and _em_ text.\n"
    )
    article = only_article(write(tmp_path / "a.md", md))
    assert article.title == "Front title"
    assert article.published == "2025-02-12"
    assert article.text == (
        "The heading\n"
        "\n"
        "A bold claim and an aside, per Reuters.\n"
        "\n"
        "* bullet item with snake_case_name and 2 * 3 = 6\n"
        "Section\n"
        "strong and em text."
    )


def test_markdown_heading_is_title(tmp_path):
    article = only_article(
        write(tmp_path / "a.markdown", "\n# DeepSeek *R1* [explained](http://x)\n\nBody text.\n")
    )
    assert article.title == "DeepSeek R1 explained"
    assert article.text == "DeepSeek R1 explained\n\nBody text."


def test_markdown_header_block_and_hashtag_not_heading(tmp_path):
    article = only_article(write(tmp_path / "a.md", "title: T\n\n#hashtag stays\n"))
    assert (article.title, article.text) == ("T", "#hashtag stays")


def test_strip_markdown_leaves_plain_text_unchanged():
    text = "Costs were $6 million (or 5.6m) - a 2*3*4 grid; see x_y_z.\n> quoted"
    assert strip_markdown(text) == text


def test_markdown_with_only_markup_has_no_text(tmp_path):
    assert only_error(write(tmp_path / "a.md", "![img](a.png)\n<!-- c -->\n")).endswith(
        ": no article text found"
    )


# --- HTML ----------------------------------------------------------------------------------

HTML = """<html><head><title>Big news | Example Times</title>
<meta property="og:site_name" content="Example Times">
<link rel="canonical" href="https://example.com/a/big-news">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-02-12T10:00:00Z">
</head><body><nav>Home About Contact</nav><article><h1>Big news</h1>
<p>DeepSeek said the model cost $6 million to train, a figure many analysts dispute.</p>
<p>Nvidia lost $500 billion of market value in one day, the largest drop on record.</p>
</article><footer>Copyright Example Times</footer></body></html>"""


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html_text_and_metadata(tmp_path, suffix):
    path = write(tmp_path / f"page{suffix}", HTML)
    article = only_article(path)
    assert article.title == "Big news"
    assert article.published == "2025-02-12"
    assert article.source == "Example Times"
    assert article.url == "https://example.com/a/big-news"
    assert article.author == "Jane Doe"
    assert article.raw == path.read_bytes()
    lines = article.text.split("\n")
    assert (
        "DeepSeek said the model cost $6 million to train, a figure many analysts dispute." in lines
    )
    assert (
        "Nvidia lost $500 billion of market value in one day, the largest drop on record." in lines
    )
    assert "Home About Contact" not in article.text


def test_html_without_text(tmp_path):
    path = write(tmp_path / "empty.html", "<html><head><title>x</title></head><body></body></html>")
    assert only_error(path) == f"{path}: no article text found in HTML"


def test_html_too_deep_for_the_extractor_keeps_its_plain_text(tmp_path):
    depth = 10000
    html = (
        "<html><head><title>Deep page</title><style>p {color: red}</style></head><body>"
        + "<div>" * depth + "<p>Acme hired 40 engineers &amp; 3 chemists.</p><script>var x = 1;</script>"
        + "<p>Beta sold 7 cars.</p>" + "</div>" * depth + "</body></html>"
    )  # fmt: skip
    article = only_article(write(tmp_path / "deep.html", html))
    assert article.text == "Acme hired 40 engineers & 3 chemists.\n\nBeta sold 7 cars."
    assert article.title == "Deep page"


# --- JSON Lines and JSON -------------------------------------------------------------------


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
    assert [a.path for a in parsed.articles] == [f"{path}#1", f"{path}#4", f"{path}#8"]
    first, second, third = parsed.articles
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
        f"{path}:7: 'date' value 'someday' is not a date (use YYYY-MM-DD)",
        f"{path}:9: 'title' must be a string, not number",
    ]


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


# --- bad files -----------------------------------------------------------------------------


def test_binary_file(tmp_path):
    path = write(tmp_path / "a.txt", b"GIF89a\x01\x00\x00\x00")
    assert only_error(path) == f"{path}: binary file, not text (NUL byte at offset 7)"


def test_invalid_utf8_file(tmp_path):
    path = write(tmp_path / "a.md", "# Café\n".encode("latin-1"))
    assert only_error(path) == (
        f"{path}: not valid UTF-8 (byte 0xe9 at offset 5); re-encode the file as UTF-8"
    )


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".jsonl", ".json"])
def test_empty_file_every_format(tmp_path, suffix):
    path = write(tmp_path / f"a{suffix}", " \n\n")
    assert only_error(path) == f"{path}: empty file"


def test_file_too_large_is_refused_without_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(
            int(52.4 * 1024 * 1024)
        )  # sparse: all NULs, so reading it would say "binary"
    monkeypatch.setattr(Path, "open", lambda *a, **k: pytest.fail("a too-large file was opened"))
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024
    assert only_error(path) == (
        f"{path}: file too large (52.4 MB > 20.0 MB limit); split it or raise --max-bytes"
    )


def test_max_bytes_is_configurable(tmp_path):
    path = write(tmp_path / "a.txt", "x" * 101)
    assert only_error(path, max_bytes=100) == (
        f"{path}: file too large (101 bytes > 100 bytes limit); split it or raise --max-bytes"
    )
    assert only_article(path, max_bytes=101).text == "x" * 101


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    path = write(tmp_path / "a.txt", BODY)

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    assert only_error(path) == f"{path}: cannot read file: Permission denied"


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root can read a chmod 000 file")
def test_unreadable_file_real(tmp_path):
    path = write(tmp_path / "a.txt", BODY)
    path.chmod(0)
    try:
        assert only_error(path) == f"{path}: cannot read file: Permission denied"
    finally:
        path.chmod(0o644)


def test_missing_file_and_unsupported_type(tmp_path):
    assert (
        only_error(tmp_path / "gone.txt")
        == f"{tmp_path / 'gone.txt'}: cannot read file: No such file or directory"
    )
    pdf = write(tmp_path / "a.pdf", "%PDF")
    assert only_error(pdf) == f"{pdf}: {UNSUPPORTED_PDF}"


def test_directory_is_not_a_regular_file(tmp_path):
    folder = tmp_path / "dir.txt"
    folder.mkdir()
    assert only_error(folder) == f"{folder}: not a regular file"


def test_uppercase_extension_is_supported(tmp_path):
    assert only_article(write(tmp_path / "A.TXT", BODY)).text == BODY


# --- walking -------------------------------------------------------------------------------


def walked(paths) -> list[str]:
    return [str(item) for item in iter_input_files(paths)]


def test_walk_is_recursive_sorted_and_filtered(tmp_path):
    for name in [
        "b.txt",
        "a/z.md",
        "a/b/c.json",
        "a.html",
        "c.jsonl",
        "notes.pdf",
        ".hidden.txt",
        ".git/x.txt",
        "a/.d/y.txt",
        "Z.htm",
        "m.markdown",
    ]:
        write(tmp_path / name, BODY)
    assert walked([tmp_path]) == [
        str(tmp_path / name)
        for name in ["Z.htm", "a/b/c.json", "a/z.md", "a.html", "b.txt", "c.jsonl", "m.markdown"]
    ]


def test_walk_keeps_argument_order_and_relative_paths(tmp_path, monkeypatch):
    write(tmp_path / "x" / "1.txt", BODY)
    write(tmp_path / "y.txt", BODY)
    monkeypatch.chdir(tmp_path)
    assert walked(["y.txt", "x"]) == ["y.txt", os.path.join("x", "1.txt")]


def test_walk_reports_bad_arguments_and_continues(tmp_path):
    write(tmp_path / "ok.txt", BODY)
    pdf = write(tmp_path / "doc.pdf", "%PDF")
    hidden = write(tmp_path / ".explicit.txt", BODY)
    items = list(iter_input_files([tmp_path / "missing", pdf, hidden, tmp_path / "ok.txt"]))
    assert [str(i) for i in items] == [
        f"{tmp_path / 'missing'}: no such file or directory",
        f"{pdf}: {UNSUPPORTED_PDF}",
        str(hidden),
        str(tmp_path / "ok.txt"),
    ]
    assert isinstance(items[0], InputError) and isinstance(items[1], InputError)


def test_walk_symlink_loop_terminates_and_files_come_once(tmp_path):
    root = tmp_path / "root"
    write(root / "a.txt", BODY)
    write(root / "sub" / "b.txt", BODY)
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "sub" / "self").symlink_to(root / "sub", target_is_directory=True)
    (root / "alias.txt").symlink_to(root / "a.txt")
    assert walked([root, root / "sub", root / "a.txt"]) == [
        str(root / "a.txt"),
        str(root / "sub" / "b.txt"),
    ]


def test_walk_follows_symlinks_to_outside_files_and_dirs(tmp_path):
    outside = write(tmp_path / "outside" / "o.txt", BODY)
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.txt").symlink_to(outside)
    (root / "linkdir").symlink_to(outside.parent, target_is_directory=True)
    assert walked([root]) == [str(root / "link.txt")]


def test_walk_reports_broken_and_looping_file_symlinks(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (root / "self.txt").symlink_to(root / "self.txt")
    (root / "dangling.pdf").symlink_to(tmp_path / "nowhere.pdf")
    message = "broken symbolic link (missing target or a loop)"
    assert walked([root]) == [
        f"{root / 'dangling.txt'}: {message}",
        f"{root / 'self.txt'}: {message}",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_reported_the_same_named_or_inside_a_folder(tmp_path):
    root = tmp_path / "root"
    write(root / "a.txt", BODY)
    os.mkfifo(root / "pipe.txt")
    os.mkfifo(root / "pipe.bin")  # not an article's name: skipped like any other such file
    message = "not a regular file or directory (a FIFO, socket or device?)"
    assert walked([root]) == [str(root / "a.txt"), f"{root / 'pipe.txt'}: {message}"]
    assert walked([root / "pipe.txt"]) == [f"{root / 'pipe.txt'}: {message}"]


def test_walk_unreadable_directory_is_reported_and_walk_continues(tmp_path, monkeypatch):
    write(tmp_path / "a" / "x.txt", BODY)
    write(tmp_path / "b" / "y.txt", BODY)
    real_listdir = os.listdir

    def listdir(path):
        if Path(path) == tmp_path / "a":
            raise PermissionError(13, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(ingest.files.os, "listdir", listdir)  # where the walk reads it
    assert walked([tmp_path]) == [
        f"{tmp_path / 'a'}: cannot read directory: Permission denied",
        str(tmp_path / "b" / "y.txt"),
    ]


@pytest.mark.skipif(IS_ROOT or os.name != "posix", reason="root can list a chmod 000 directory")
def test_walk_unreadable_directory_real(tmp_path):
    locked = tmp_path / "locked"
    write(locked / "x.txt", BODY)
    locked.chmod(0)
    try:
        assert walked([tmp_path]) == [f"{locked}: cannot read directory: Permission denied"]
    finally:
        locked.chmod(0o755)


# --- demo corpus ---------------------------------------------------------------------------


def test_demo_corpus(demo_corpus):
    files = [item for item in iter_input_files([demo_corpus])]
    assert len(files) == 5 and all(isinstance(f, Path) for f in files)
    for path in files:
        article = only_article(path)
        assert article.text and article.text == article.text.strip()
        if path.name.startswith("001_"):
            assert article.published == "2025-02-12"
            assert article.text.startswith("The big AI news")
        else:
            assert article.published is None
            assert article.title
