"""Text: decoding bytes, the header block, front matter and inline date (and their errors), Markdown stripping, titles."""

import pytest

from pipeline import ingest
from pipeline.ingest import decode_text, split_header, strip_markdown, title_from_text
from pipeline.records import InputError


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
        "date": "12 February 2025",  # as written: parse_file reads it
        "source": "Ex",
        "author": "Jo",
    }
    assert body == "Body here.\n"


def test_split_header_published_is_alias_of_date():
    meta, _ = split_header("published: 2025-02-12T10:00:00Z\n\nBody.")
    assert meta == {"date": "2025-02-12T10:00:00Z"}


def test_split_header_front_matter_with_quotes_and_blank_lines():
    text = '---\ntitle: "A: quoted title"\n\ndate: 2025/02/12\n---\nBody.'
    meta, body = split_header(text)
    assert meta == {"title": "A: quoted title", "date": "2025/02/12"}
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
    ],
)
def test_split_header_malformed(text, expected):
    """(A date is kept as written; whether it reads is for the dates module to say.)"""
    with pytest.raises(InputError) as caught:
        split_header(text, "x.txt")
    assert str(caught.value) == expected


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


# --- markdown ------------------------------------------------------------------------------


def test_strip_markdown_leaves_plain_text_unchanged():
    text = "Costs were $6 million (or 5.6m) - a 2*3*4 grid; see x_y_z.\n> quoted"
    assert strip_markdown(text) == text
