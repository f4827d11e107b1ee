"""parse_file: the parser chosen by extension, the key as given, undecodable and empty files of every format, the demo corpus."""

import os
from pathlib import Path

import pytest

from pipeline.ingest import iter_input_files

from .helpers import BODY, only_article, only_error, write


def test_relative_path_is_kept_as_given(tmp_path, monkeypatch):
    write(tmp_path / "in" / "a.txt", BODY)
    monkeypatch.chdir(tmp_path)
    assert only_article(Path("in/a.txt")).path == os.path.join("in", "a.txt")
    assert only_article("in/a.txt").path == os.path.join("in", "a.txt")


def test_uppercase_extension_is_supported(tmp_path):
    assert only_article(write(tmp_path / "A.TXT", BODY)).text == BODY


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
