"""Articles and inputs: identity by content, edits, duplicates and swaps between paths, atomic stores, and batches that store what one at a time stores."""

import sqlite3

import pytest

from pipeline.store import article_status, content_hash, open_db, store_article, store_articles

from .helpers import TEXT, analysis_for, inputs, make_article


def counts(db):
    return {t: db[t].count for t in ("articles", "sentences", "claims", "entities", "entity_mentions")}


def test_store_new_then_unchanged_is_idempotent(db):
    article = make_article()
    assert article_status(db, article) == "new"
    assert store_article(db, article, analysis_for(TEXT)) == "new"
    before = counts(db)
    assert before == {"articles": 1, "sentences": 2, "claims": 2, "entities": 1, "entity_mentions": 2}
    assert article_status(db, article) == "unchanged"
    assert store_article(db, article, analysis_for(TEXT)) == "unchanged"
    assert counts(db) == before


def test_claims_link_to_their_sentence_and_offsets_slice(db):
    store_article(db, make_article(), analysis_for(TEXT))
    rows = list(db.query(
        "select c.surface, c.start_char, c.end_char, s.position, a.text from claims c "
        "join sentences s on s.id = c.sentence_id join articles a on a.id = c.article_id order by c.start_char"
    ))
    assert [(r["surface"], r["position"]) for r in rows] == [("$5 million", 0), ("20 engineers", 1)]
    for row in rows:
        assert row["text"][row["start_char"] : row["end_char"]] == row["surface"]


def test_edited_file_replaces_old_version_and_its_claims(db):
    store_article(db, make_article(), analysis_for(TEXT))
    edited = "Acme raised $7 million. Acme hired 20 engineers."
    assert store_article(db, make_article(edited), analysis_for(edited)) == "updated"
    assert counts(db)["articles"] == 1
    assert [r["surface"] for r in db.query("select surface from claims order by start_char")] == [
        "$7 million", "20 engineers"]
    [row] = db.query("select id, content_hash from articles")
    assert row["content_hash"] == content_hash(edited.encode())
    assert {r["article_id"] for r in db.query("select article_id from sentences")} == {row["id"]}


def test_same_content_under_another_path_is_one_article_held_by_both_inputs(db):
    store_article(db, make_article(path="a.txt"), analysis_for(TEXT))
    assert article_status(db, make_article(path="copy/a.txt")) == "duplicate"
    assert store_article(db, make_article(path="copy/a.txt"), None) == "duplicate"
    assert db["articles"].count == 1
    (article_id,) = {row["id"] for row in db["articles"].rows}
    assert inputs(db) == {"a.txt": article_id, "copy/a.txt": article_id}
    assert store_article(db, make_article(path="copy/a.txt"), None) == "unchanged"


def test_a_file_overwritten_by_a_copy_of_another_loses_its_old_text(db):
    """cp a.txt b.txt after both were stored: b's old article goes, b now holds a's."""
    other = "Beta raised $7 million. Beta hired 20 engineers."
    store_article(db, make_article(path="a.txt"), analysis_for(TEXT))
    store_article(db, make_article(other, path="b.txt"), analysis_for(other))
    assert article_status(db, make_article(path="b.txt")) == "updated"
    assert store_article(db, make_article(path="b.txt"), None) == "updated"
    assert [row["text"] for row in db["articles"].rows] == [TEXT]
    assert db.execute("select count(*) from claims where surface = '$7 million'").fetchone()[0] == 0
    assert set(inputs(db)) == {"a.txt", "b.txt"} and len(set(inputs(db).values())) == 1


def test_the_article_keeps_a_path_that_still_holds_it(db):
    store_article(db, make_article(path="a.txt"), analysis_for(TEXT))
    store_article(db, make_article(path="b.txt"), None)
    edited = "Acme raised $7 million. Acme hired 20 engineers."
    assert store_article(db, make_article(edited, path="a.txt"), analysis_for(edited)) == "updated"
    paths = dict(db.execute("select text, path from articles").fetchall())
    assert paths == {TEXT: "b.txt", edited: "a.txt"}


def test_contents_swapped_between_two_files_in_one_batch_need_no_analysis(db):
    other = "Beta raised $7 million. Beta hired 20 engineers."
    store_articles(db, [(make_article(path="a.txt"), analysis_for(TEXT)),
                        (make_article(other, path="b.txt"), analysis_for(other))])  # fmt: skip
    before = counts(db)
    statuses = store_articles(db, [(make_article(other, path="a.txt"), None), (make_article(path="b.txt"), None)])
    assert statuses == ["updated", "updated"]
    assert counts(db) == before
    assert dict(db.execute("select path, text from articles").fetchall()) == {"a.txt": other, "b.txt": TEXT}


def test_content_not_stored_without_an_analysis_is_left_for_the_caller(db):
    assert store_articles(db, [(make_article(), None)]) == ["needs_analysis"]
    assert counts(db)["articles"] == 0 and inputs(db) == {}


def test_failure_mid_store_keeps_previous_version_whole(db):
    store_article(db, make_article(), analysis_for(TEXT))
    before = counts(db)
    edited = "Acme raised $7 million. Acme hired 20 engineers."
    broken = analysis_for(edited)
    broken.claims.append(broken.claims[0])  # a duplicate primary key fails half-way through
    with pytest.raises(sqlite3.IntegrityError):
        store_article(db, make_article(edited), broken)
    assert counts(db) == before
    assert [r["surface"] for r in db.query("select surface from claims order by start_char")] == [
        "$5 million", "20 engineers"]


def test_a_batch_stores_what_one_at_a_time_stores(tmp_path):
    """Duplicates, an edit and the content an edit gave up, all in one batch: the same
    statuses and rows as storing each article in turn, full-text indexes included."""
    edited = "Acme raised $7 million. Acme hired 20 engineers."
    other = "Beta raised $5 million. Acme hired 20 engineers."
    batch = [
        (make_article(path="a.txt"), analysis_for(TEXT)),
        (make_article(path="copy/a.txt"), analysis_for(TEXT)),  # same content: one article
        (make_article(edited, path="a.txt"), analysis_for(edited)),  # edits the first
        (make_article(TEXT, path="b.txt"), analysis_for(TEXT)),  # the content a.txt gave up, still held
        (make_article(other, path="c.txt"), analysis_for(other)),
    ]
    one_by_one = open_db(tmp_path / "one.db")
    expected = [store_article(one_by_one, article, analysis) for article, analysis in batch]
    batched = open_db(tmp_path / "batch.db")
    assert store_articles(batched, batch) == expected == ["new", "duplicate", "updated", "duplicate", "new"]
    for table in ("articles", "sentences", "claims", "entities", "entity_mentions"):
        columns = "*" if table != "articles" else "id, path, content_hash, text"
        query = f"select rowid, {columns} from [{table}] order by rowid"
        assert list(batched.query(query)) == list(one_by_one.query(query)), table
    for table, term in (("sentences", "engineers"), ("articles", "raised"), ("claims", "million")):
        hits = [r["rowid"] for r in batched.query(f"select rowid from [{table}_fts] where [{table}_fts] match ?", [term])]
        assert hits == [r["rowid"] for r in one_by_one.query(f"select rowid from [{table}_fts] where [{table}_fts] match ?", [term])]
        assert hits, table
        batched.execute(f"insert into [{table}_fts]([{table}_fts], rank) values('integrity-check', 1)")
    # Each input as it now is (a.txt edited): nothing to store.
    assert store_articles(batched, batch[1:]) == ["unchanged", "unchanged", "unchanged", "unchanged"]
    assert store_articles(batched, []) == []


def test_a_failed_batch_stores_none_of_its_articles_and_keeps_the_fts_triggers(db):
    triggers = list(db.query("select name, sql from sqlite_master where type = 'trigger' order by name"))
    assert {"articles_ai", "sentences_ai", "claims_ai"} <= {t["name"] for t in triggers}
    other = "Beta raised $5 million."
    broken = analysis_for(TEXT)
    broken.claims.append(broken.claims[0])  # a duplicate primary key, in the batch's second article
    with pytest.raises(sqlite3.IntegrityError):
        store_articles(db, [(make_article(other, path="b.txt"), analysis_for(other)), (make_article(), broken)])
    assert counts(db) == {"articles": 0, "sentences": 0, "claims": 0, "entities": 0, "entity_mentions": 0}
    assert list(db.query("select name, sql from sqlite_master where type = 'trigger' order by name")) == triggers
    assert store_articles(db, [(make_article(), analysis_for(TEXT))]) == ["new"]
    assert list(db.query("select name, sql from sqlite_master where type = 'trigger' order by name")) == triggers
    # Rows written outside a batch are still indexed by the triggers.
    db["sentences"].insert({"id": "x", "article_id": db.execute("select id from articles").fetchone()[0],
                            "position": 9, "text": "Plumbers arrived.", "start_char": 0, "end_char": 0})  # fmt: skip
    assert [r["text"] for r in db["sentences"].search("plumbers")] == ["Plumbers arrived."]
