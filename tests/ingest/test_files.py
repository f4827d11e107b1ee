"""Input files: reading within the size cap, unreadable, missing, unsupported and special files, and walking folders and links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline import ingest
from pipeline.ingest import DEFAULT_MAX_BYTES, iter_input_files
from pipeline.records import InputError

from .helpers import BODY, only_article, only_error, write


UNSUPPORTED_PDF = (
    "unsupported file type '.pdf' (supported: .txt, .md, .markdown, .html, .htm, .jsonl, .json, .xml, .rss, .atom, "
    ".warc, .warc.gz)"
)

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


# --- reading -------------------------------------------------------------------------------


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
