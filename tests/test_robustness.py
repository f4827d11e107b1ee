"""Ingest under abuse: killed part-way, and fed a generated set of bad inputs."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import sqlite_utils

from pipeline.runner import ingest_paths


def many_articles(folder, demo_corpus, copies=3):
    """The demo articles several times over, each copy made distinct by a line of its own."""
    folder.mkdir()
    for copy in range(copies):
        for path in sorted(demo_corpus.iterdir()):
            text = path.read_text(encoding="utf-8")
            (folder / f"{copy}_{path.name}").write_text(
                f"{text}\nCopy {copy} adds that {copy + 2},{copy}00 readers shared it.\n", encoding="utf-8"
            )
    return folder


def assert_consistent(db_path):
    """No half-stored article, no orphan row, every claim in a figure."""
    connection = sqlite3.connect(db_path)
    assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
    orphans = {
        table: connection.execute(
            f"select count(*) from {table} where article_id not in (select id from articles)"
        ).fetchone()[0]
        for table in ("sentences", "claims", "entity_mentions")
    }
    assert orphans == {"sentences": 0, "claims": 0, "entity_mentions": 0}
    bare = connection.execute(
        "select count(*) from articles where id not in (select article_id from sentences)"
    ).fetchone()[0]
    assert bare == 0, "an article was stored without its sentences"
    connection.close()


def test_sigkill_part_way_then_rerun_stores_every_file_once(tmp_path, demo_corpus, nlp, fingerprint):
    corpus = many_articles(tmp_path / "corpus", demo_corpus)
    db_path = tmp_path / "news.db"
    command = [sys.executable, "-c", "from pipeline.cli import main; main()",
               "ingest", str(corpus), "--db", str(db_path), "--batch-size", "1", "--no-progress"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = 0
    deadline = time.monotonic() + 120
    while stored < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        if db_path.exists():
            try:
                stored = sqlite3.connect(db_path).execute("select count(*) from articles").fetchone()[0]
            except sqlite3.OperationalError:  # the schema is still being created
                pass
    assert process.poll() is None, "the ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert_consistent(db_path)
    partial = sqlite3.connect(db_path).execute("select count(*) from articles").fetchone()[0]
    assert 3 <= partial < 15

    rerun = ingest_paths([corpus], db_path, nlp=nlp)
    assert (rerun.unchanged, rerun.new, rerun.errors) == (partial, 15 - partial, [])
    assert_consistent(db_path)
    db = sqlite_utils.Database(db_path)
    assert db.execute("select count(distinct path), count(*) from articles").fetchone() == (15, 15)
    assert db.execute("select count(*) from claims where figure_id is null").fetchone()[0] == 0

    reference = tmp_path / "reference.db"
    ingest_paths([corpus], reference, nlp=nlp)
    assert fingerprint(db_path) == fingerprint(reference)


def write_bad_inputs(folder):
    """One file per kind of bad input; returns the names each error line must mention."""
    folder.mkdir()
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "truncated.txt").write_bytes("Acme paid €5 million for the café".encode()[:-1])
    (folder / "mixed.txt").write_bytes("Acme hired 40 engineers. ".encode() + "Caf\xe9 sold 3 cakes.".encode("latin-1"))
    (folder / "empty.md").write_text("")
    (folder / "blank.txt").write_text("  \n\n \t\n")
    with open(folder / "huge.txt", "w") as out:  # 50 MB on a single line
        out.write("Acme " * (10 * 1024 * 1024))
    # (an unreadable date is no reason to lose an article: stored undated, with a warning)
    (folder / "header.txt").write_text("title: Bad date\ndate: sometime soon\n\nAcme hired 40 engineers.\n")
    (folder / "unclosed.md").write_text("---\ntitle: Never closed\n\nAcme hired 40 engineers.\n")
    (folder / "broken.json").write_text('{"text": "Acme hired 40 engineers.", ')
    (folder / "feed.jsonl").write_text(
        json.dumps({"text": "Beta sold 7 cars in March.", "title": "Cars"}) + "\n{nope\n[1, 2]\n"
        + json.dumps({"title": "No text"}) + "\n"
    )
    depth = 10000  # deeper than lxml parses: the article's plain text is kept
    (folder / "nested.html").write_text(
        "<html><body>" + "<div>" * depth + "<p>Acme hired 9 welders.</p>" + "</div>" * depth + "</body></html>"
    )
    (folder / "loop").symlink_to(folder)  # a directory symlink loop
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    return ["binary.txt", "truncated.txt", "mixed.txt", "empty.md", "blank.txt", "huge.txt",
            "unclosed.md:1", "broken.json", "feed.jsonl:2", "feed.jsonl:3", "feed.jsonl:4", "dangling.txt"]  # fmt: skip


def test_generated_bad_inputs_are_named_once_and_nothing_good_is_lost(tmp_path, nlp, demo_corpus):
    db_path = tmp_path / "news.db"
    ingest_paths([demo_corpus], db_path, nlp=nlp)
    before = sqlite_utils.Database(db_path)["articles"].count

    bad = tmp_path / "bad"
    expected = write_bad_inputs(bad)
    good = tmp_path / "good"
    good.mkdir()
    (good / "fine.txt").write_text("title: Fine\n\nAcme hired 40 engineers in Ohio.\n")
    errors, warnings = [], []
    summary = ingest_paths(
        [bad, good], db_path, nlp=nlp, on_error=lambda e: errors.append(str(e)), on_warning=lambda w: warnings.append(str(w))
    )

    for name in expected:
        mentioning = [e for e in errors if f"{name}:" in e or e.startswith(str(bad / name) + ":")]
        assert len(mentioning) >= 1, (name, errors)
    assert all("\n" not in e and len(e) < 300 for e in errors)
    assert len(errors) == len(expected)
    db = sqlite_utils.Database(db_path)
    assert warnings == [f"{bad / 'header.txt'}: date 'sometime soon' is not a readable date; stored undated"]
    # the good file, the good JSON line, the deep HTML, the article with an unreadable date
    assert db["articles"].count == before + 4
    assert {"Fine", "Cars", "Bad date"} <= {r["title"] for r in db.query("select title from articles")}
    assert db.execute("select count(*) from articles where text = 'Acme hired 9 welders.'").fetchone()[0] == 1
    assert summary.new == 4
    assert_consistent(db_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_named_and_skipped(tmp_path, nlp):
    secret = tmp_path / "secret.txt"
    secret.write_text("Acme hired 40 engineers.\n")
    secret.chmod(0)
    summary = ingest_paths([tmp_path], tmp_path / "news.db", nlp=nlp)
    assert len(summary.errors) == 1 and "secret.txt" in summary.errors[0]
