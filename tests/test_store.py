"""The store on hand-made analyses: identity, edits, atomicity, schema (no spaCy needed)."""

import sqlite3

import pytest

from pipeline.records import Article, ArticleAnalysis, Claim, EntityMention, SentenceRecord
from pipeline import store
from pipeline.store import article_status, content_hash, open_db, store_article, store_articles

TEXT = "Acme raised $5 million. Acme hired 20 engineers."


def make_article(text=TEXT, path="a.txt", raw=None):
    return Article(path=path, text=text, raw=raw if raw is not None else text.encode(), title="T")


def analysis_for(text):
    """Sentences split at '. ', one claim per '$N million' / 'N engineers', entity 'Acme'."""
    sentences, start = [], 0
    for position, piece in enumerate(text.split(". ")):
        end = start + len(piece)
        sentences.append(SentenceRecord(position, text[start:end], start, end))
        start = end + 2
    claims = []
    for surface, value, unit in (("$5 million", 5e6, "USD"), ("20 engineers", 20, "engineer"), ("$7 million", 7e6, "USD")):
        at = text.find(surface)
        if at >= 0:
            claims.append(Claim(surface, at, at + len(surface), value, unit=unit))
    mentions = []
    at = text.find("Acme")
    while at >= 0:
        mentions.append(EntityMention("acme", "Acme", "ORG", at, at + 4, "Acme"))
        at = text.find("Acme", at + 1)
    return ArticleAnalysis(sentences, claims, mentions)


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "sub" / "news.db")
    yield database
    database.close()


def counts(db):
    return {t: db[t].count for t in ("articles", "sentences", "claims", "entities", "entity_mentions")}


def test_schema_has_contract_tables_columns_and_fts(db):
    expected = {
        "articles": {"id", "path", "title", "source", "url", "published", "content_hash", "text", "ingested_at"},
        "sentences": {"id", "article_id", "position", "text", "start_char", "end_char"},
        "claims": {"id", "article_id", "sentence_id", "surface", "start_char", "end_char", "value",
                   "value_low", "value_high", "unit", "qualifier", "subject", "attributed_to"},
        "entities": {"id", "name", "label"},
        "entity_mentions": {"id", "entity_id", "article_id", "sentence_id", "start_char", "end_char", "surface"},
        "runs": {"id", "started_at", "finished_at", "model", "model_version", "package_version",
                 "files", "articles", "errors"},
        "figures": {"id", "subject", "unit", "canonical_value", "value_min", "value_max", "spread_pct",
                    "n_claims", "n_articles", "first_claim_id", "first_article_id", "attributed_origin"},
        "mutations": {"id", "figure_id", "claim_id", "compared_to_claim_id", "kinds", "detail"},
    }
    for table, columns in expected.items():
        assert columns <= set(db[table].columns_dict), table
    assert {fk.other_table for fk in db["claims"].foreign_keys} == {"articles", "sentences", "figures"}
    for table in ("articles", "sentences", "claims"):
        assert db[table].detect_fts()
    assert db.journal_mode == "wal"


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


def test_entities_nobody_mentions_any_more_are_removed(db):
    store_article(db, make_article(), analysis_for(TEXT))
    edited = "Nobody raised $5 million."
    assert store_article(db, make_article(edited), analysis_for(edited)) == "updated"
    assert db["entities"].count == 0
    assert db["entity_mentions"].count == 0


def test_entity_takes_its_most_frequent_spelling_and_label(db):
    text = "ACME sued Acme. Acme won."
    analysis = ArticleAnalysis(
        [SentenceRecord(0, text, 0, len(text))],
        [],
        [EntityMention("acme", "ACME", "PERSON", 0, 4, "ACME"),
         EntityMention("acme", "Acme", "ORG", 10, 14, "Acme"),
         EntityMention("acme", "Acme", "ORG", 16, 20, "Acme")],
    )
    store_article(db, make_article(text), analysis)
    assert list(db.query("select name, label from entities")) == [{"name": "Acme", "label": "ORG"}]


def inputs(db):
    return dict(db.execute("select path, article_id from inputs order by path").fetchall())


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


def test_an_older_database_gets_inputs_from_its_articles(tmp_path):
    db = open_db(tmp_path / "news.db")
    store_article(db, make_article(), analysis_for(TEXT))
    db["inputs"].drop()
    db.close()
    db = open_db(tmp_path / "news.db")
    assert list(inputs(db)) == ["a.txt"]
    assert article_status(db, make_article()) == "unchanged"


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


def test_full_text_search_finds_sentences(db):
    store_article(db, make_article(), analysis_for(TEXT))
    hits = [r["text"] for r in db["sentences"].search("engineers")]
    assert hits == ["Acme hired 20 engineers."]


def test_an_older_database_gains_new_columns(tmp_path):
    import sqlite_utils

    old = sqlite_utils.Database(tmp_path / "old.db")
    old["claims"].create({"id": str, "surface": str}, pk="id")
    old.close()
    db = open_db(tmp_path / "old.db")
    assert {"value", "unit", "qualifier", "attributed_to"} <= set(db["claims"].columns_dict)


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


def test_entity_name_ties_go_to_the_first_in_binary_order(db):
    text = "Acme, ACME, ACME and Acme, Ácme."
    spellings = [("Acme", "ORG", 0), ("ACME", "PERSON", 6), ("ACME", "ORG", 12), ("Acme", "PERSON", 21), ("Ácme", "GPE", 27)]
    analysis = ArticleAnalysis(
        [SentenceRecord(0, text, 0, len(text))],
        [],
        [EntityMention("acme", name, label, at, at + 4, name) for name, label, at in spellings],
    )
    store_article(db, make_article(text), analysis)
    assert list(db.query("select name, label from entities")) == [{"name": "ACME", "label": "ORG"}]


def test_fts_follows_updates_of_indexed_columns_only(tmp_path):
    import sqlite_utils

    # A database made before: sqlite-utils' full-text update trigger fired on any update.
    open_db(tmp_path / "old.db").close()
    old = sqlite_utils.Database(tmp_path / "old.db")
    [broad] = old.query("select sql from sqlite_master where name = 'claims_au'")
    old.execute("drop trigger claims_au")
    old.execute(broad["sql"].replace('AFTER UPDATE OF rowid, "surface", "subject" ON', "AFTER UPDATE ON"))
    assert 'AFTER UPDATE ON "claims"' in old.execute("select sql from sqlite_master where name = 'claims_au'").fetchone()[0]
    old.close()
    db = open_db(tmp_path / "old.db")
    [trigger] = db.query("select sql from sqlite_master where name = 'claims_au'")
    assert 'AFTER UPDATE OF rowid, "surface", "subject" ON' in trigger["sql"]
    store_article(db, make_article(), analysis_for(TEXT))
    db.execute("update claims set unit = 'EUR'")  # no full-text work, nothing to change
    db.execute("update claims set subject = 'payroll' where surface = '20 engineers'")
    assert [r["surface"] for r in db["claims"].search("payroll")] == ["20 engineers"]
    db.execute("update claims set rowid = rowid + 100")
    assert [r["surface"] for r in db["claims"].search("payroll")] == ["20 engineers"]
    for table in ("articles", "sentences", "claims"):
        db.execute(f"insert into [{table}_fts]([{table}_fts], rank) values('integrity-check', 1)")
    db.close()
    assert open_db(tmp_path / "old.db").execute("select sql from sqlite_master where name = 'claims_au'").fetchone()[0] == trigger["sql"]


def _store_in_another_process(db_path, number, start):
    start.wait()
    db = open_db(db_path)
    run_id = store.start_run(db, "test")
    for copy in range(5):
        text = f"Acme raised $5 million. Acme hired {number}{copy} engineers."
        store_articles(db, [(make_article(text, path=f"p{number}/{copy}.txt"), analysis_for(text))], run_id)
    store.set_run_model(db, run_id, "model", "1")
    store.finish_run(db, run_id, articles=5)
    db.close()


def test_three_processes_create_and_write_one_new_database_in_turn(tmp_path):
    """The race the store must survive: three ingests open a database nobody created yet."""
    import multiprocessing

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    start = context.Event()
    db_path = tmp_path / "new" / "news.db"
    workers = [context.Process(target=_store_in_another_process, args=(db_path, n, start)) for n in range(3)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    db = open_db(db_path)
    assert db["articles"].count == 15 and db["inputs"].count == 15
    assert [r["status"] for r in db.query("select status from runs")] == ["finished"] * 3
