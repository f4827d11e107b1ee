"""The schema: contract tables, columns and full-text indexes, older databases brought up to date, narrowed FTS triggers, and a new database created once by concurrent ingests."""

from pipeline import store
from pipeline.store import article_status, open_db, store_article, store_articles

from .helpers import TEXT, analysis_for, inputs, make_article


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


def test_an_older_database_gets_inputs_from_its_articles(tmp_path):
    db = open_db(tmp_path / "news.db")
    store_article(db, make_article(), analysis_for(TEXT))
    db["inputs"].drop()
    db.close()
    db = open_db(tmp_path / "news.db")
    assert list(inputs(db)) == ["a.txt"]
    assert article_status(db, make_article()) == "unchanged"


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


def test_every_column_datasette_facets_a_table_by_leads_an_index(db):
    from tests.helpers import METADATA

    checked = 0
    for name, table in METADATA["databases"]["news"]["tables"].items():
        kind = db.execute("select type from sqlite_master where name = ?", [name]).fetchone()
        if kind is None or kind[0] != "table":
            continue  # (views: copies, citations)
        leading = {index.columns[0] for index in db[name].indexes} | set(db[name].pks)
        # (an array facet, kinds_seen, counts JSON values: no index serves it)
        for column in [facet for facet in table.get("facets", []) if isinstance(facet, str)]:
            assert column in leading, (name, column)
            checked += 1
    assert checked >= 10


def test_a_writing_connection_caches_more_pages_than_sqlites_default(tmp_path):
    # (copies' key index outgrows SQLite's 2 MB in a large corpus: see WRITER_CACHE_KIB)
    db = open_db(tmp_path / "news.db")
    assert db.execute("pragma cache_size").fetchone()[0] == -store.schema.WRITER_CACHE_KIB
    assert store.schema.WRITER_CACHE_KIB > 2000
    db.close()
