"""analyze serve over the demo database: the project's metadata (tables, facets, search, canned queries), other database names, and what serve opens (immutable, live, read-only, not SQLite)."""

import asyncio
import os
import shutil

import pytest
import yaml
from datasette.app import Datasette
from datasette.utils import parse_metadata

from pipeline.serve import PROJECT_METADATA, metadata_for_database
from pipeline.tracing import figure_lineage, find_figures, most_mutated

from .helpers import METADATA, QUERIES, copy_of, get, rows, v3_training_cost


# --------------------------------------------------------------------------- metadata


def test_tables_have_descriptions_and_label_columns(datasette):
    response = get(datasette, "/news/claims.json?_shape=objects&_labels=on&_size=5")
    assert response.status_code == 200
    found = response.json()["rows"]
    assert found and isinstance(found[0]["article_id"], dict)  # label_column gives titles
    assert found[0]["article_id"]["label"]
    page = get(datasette, "/news/claims")
    assert "Every numeric figure stated in an article" in page.text


def test_every_table_and_read_column_is_described(datasette, db):
    tables = METADATA["databases"]["news"]["tables"]
    assert set(db.table_names()) - {t for t in db.table_names() if "_fts" in t} <= set(tables)
    for name, table in tables.items():
        assert table["description"], name
    for name in ("claims", "figures", "articles", "mutations"):
        described = set(tables[name]["columns"])
        assert set(db[name].columns_dict) - {"id"} <= described | {"id"}, name
    assert tables["figures"]["label_column"] == "subject"
    assert tables["entities"]["label_column"] == "name"
    page = get(datasette, "/news")
    assert "Trace a figure" in page.text and "How to read figtrace" in page.text


def test_foreign_keys_show_names(datasette, db):
    [claim] = rows(datasette, "/news/claims.json?_labels=on&surface=%245%2C576%2C000")
    assert claim["figure_id"]["label"] == db["figures"].get(claim["figure_id"]["value"])["subject"]
    mention = rows(datasette, "/news/entity_mentions.json?_labels=on&_size=1")[0]
    assert mention["entity_id"]["label"] == db["entities"].get(mention["entity_id"]["value"])["name"]


# --------------------------------------------------------------------------- facets and search


def test_default_facets(datasette):
    facets = get(datasette, "/news/claims.json").json()["facet_results"]
    assert {"unit", "qualifier", "attributed_to", "article_id"} <= set(facets)
    units = {v["value"]: v["count"] for v in facets["unit"]["results"]}
    assert units["USD"] > 10
    # article facet shows titles, not hashes
    assert all(v["label"] != v["value"] for v in facets["article_id"]["results"])
    facets = get(datasette, "/news/figures.json").json()["facet_results"]
    assert "unit" in facets and "kinds_seen" in facets  # array facet over mutation kinds
    kinds = {v["value"] for v in facets["kinds_seen"]["results"]}
    assert "more_precise" in kinds


def test_table_pages_suggest_no_facets_and_mutations_facet_by_kind_on_request(datasette):
    # (suggestions run a query per column on every page: too slow on a large corpus)
    assert get(datasette, "/news/articles.json").json()["suggested_facets"] == []
    page = get(datasette, "/news/mutations.json").json()
    assert page["facet_results"] == {}
    facets = get(datasette, "/news/mutations.json?_facet_array=kinds").json()["facet_results"]
    assert "more_precise" in {v["value"] for v in facets["kinds"]["results"]}


def test_facet_filters_narrow_rows(datasette):
    found = rows(datasette, "/news/claims.json?unit=percent&qualifier=exact&_size=max")
    assert found and all(r["unit"] == "percent" and r["qualifier"] == "exact" for r in found)


def test_full_text_search_on_sentences(datasette):
    found = rows(datasette, "/news/sentences.json?_search=market+cap")
    assert found and all("market cap" in r["text"].lower() for r in found)


def test_full_text_search_on_claims_and_articles(datasette):
    found = rows(datasette, "/news/claims.json?_search=cost")
    assert found and all("cost" in (r["surface"] + " " + (r["subject"] or "")).lower() for r in found)
    found = rows(datasette, "/news/articles.json?_search=Nvidia")
    assert found and all("nvidia" in r["text"].lower() for r in found)
    page = get(datasette, "/news/claims?_search=cost")
    assert 'name="_search"' in page.text  # the search box is on the page


# --------------------------------------------------------------------------- canned queries


def test_every_canned_query_has_a_title_description_and_named_parameters():
    for name, query in QUERIES.items():
        assert query["title"] and query["description"], name
        assert not query.get("write"), name
        # parameters are bound by name, never formatted into the SQL
        assert "{" not in query["sql"] and "%s" not in query["sql"], name
    assert ":figure" in QUERIES["trace_figure"]["sql"]


def test_trace_a_figure_matches_the_library(datasette, db):
    found = rows(datasette, "/news/trace_figure.json?figure=%246M&_size=max")
    figure_ids = list(dict.fromkeys(r["figure_id"] for r in found))
    assert figure_ids == find_figures(db, "$6M")  # same figures, same order
    for figure_id in figure_ids:
        lineage = figure_lineage(db, figure_id)
        mine = [r for r in found if r["figure_id"] == figure_id]
        assert [r["claim_id"] for r in mine] == [c["id"] for c in lineage["claims"]]  # lineage order
        assert mine[0]["mutation"] == "origin"
    v3 = [r for r in found if r["figure_id"] == figure_ids[0]]
    assert "$5,576,000" in {r["surface"] for r in v3}  # "$6M" finds the precise statement
    precise = next(r for r in v3 if r["surface"] == "$5,576,000")
    assert "more_precise" in precise["mutation"] and "stated more precisely" in precise["detail"]
    assert {"date", "source", "qualifier", "credited_to", "detail"} <= set(precise)


def test_trace_a_figure_that_is_not_a_figure_finds_nothing(datasette):
    assert rows(datasette, "/news/trace_figure.json?figure=nothing+here") == []


def test_where_each_figure_first_appeared(datasette, db):
    found = rows(datasette, "/news/first_appearance.json?_size=max")
    assert len(found) == db["figures"].count
    v3 = next(r for r in found if r["figure_id"] == v3_training_cost(db))
    origin = figure_lineage(db, v3["figure_id"])["origin"]
    assert (v3["first_stated_as"], v3["date"], v3["claim_id"]) == (origin["surface"], origin["published"], origin["id"])
    articles = [r["articles"] for r in found]
    assert articles == sorted(articles, reverse=True)


def test_figures_that_mutated_most_match_the_library(datasette, db):
    found = rows(datasette, "/news/most_mutated.json?_size=max")
    assert [r["figure_id"] for r in found] == [f["id"] for f in most_mutated(db, limit=10_000)]
    assert found[0]["kinds_of_change"]


def test_claims_credited_to_a_source(datasette, db):
    found = rows(datasette, "/news/claims_credited_to.json?source=deepseek&_size=max")
    expected = db.execute("select count(*) from claims where attributed_to like '%deepseek%'").fetchone()[0]
    assert len(found) == expected > 0
    assert all("deepseek" in r["credited_to"].lower() for r in found)


def test_what_a_source_says(datasette, db):
    article = db.execute("select id, path from articles order by path limit 1").fetchone()
    outlet = article[1].rsplit("/", 1)[-1][:8]  # part of the file name, as a person types it
    found = rows(datasette, f"/news/outlet_claims.json?outlet={outlet}&_size=max")
    assert len(found) == db["claims"].count_where("article_id = ?", [article[0]]) > 0
    assert {r["source"] for r in found} == {article[1]}


def test_entities_around_a_figure(datasette, db):
    figure_id = v3_training_cost(db)
    by_id = rows(datasette, f"/news/entities_around_figure.json?figure={figure_id}&_size=max")
    assert "DeepSeek" in {r["entity"] for r in by_id}
    counts = [r["sentences"] for r in by_id]
    assert counts == sorted(counts, reverse=True)
    typed = rows(datasette, "/news/entities_around_figure.json?figure=%246M&_size=max")
    assert {r["entity_id"] for r in by_id} <= {r["entity_id"] for r in typed}


def test_older_canned_queries_still_answer(datasette):
    found = rows(datasette, "/news/claims_in_unit.json?unit=USD")
    values = [r["value"] for r in found]
    assert found and values == sorted(values, reverse=True)
    found = rows(datasette, "/news/mentions_of_entity.json?name=Nvidia")
    assert found and all("vidia" in r["sentence"].lower() for r in found)


# --------------------------------------------------------------------------- read-only


def test_writes_are_refused(datasette):
    before = get(datasette, "/news.json?sql=select+count(*)+as+n+from+claims&_shape=objects")
    response = get(datasette, "/news.json?sql=delete+from+claims")
    assert response.status_code == 400
    assert not datasette.databases["news"].is_mutable
    after = get(datasette, "/news.json?sql=select+count(*)+as+n+from+claims&_shape=objects")
    assert after.json()["rows"] == before.json()["rows"] != [{"n": 0}]


# --------------------------------------------------------------------------- serve


def test_other_database_names_get_the_same_metadata(demo_db, tmp_path):
    january = tmp_path / "january.db"
    shutil.copy(demo_db[0], january)
    path = metadata_for_database(PROJECT_METADATA, january)
    metadata = parse_metadata(path.read_text())
    assert set(metadata["databases"]) == {"january"}
    assert metadata_for_database(PROJECT_METADATA, demo_db[0]) == PROJECT_METADATA
    ds = Datasette(immutables=[str(january)], metadata=metadata)
    assert rows(ds, "/january/trace_figure.json?figure=%246M")


def test_live_server_reads_while_an_ingest_writes(tmp_path, nlp, demo_corpus):
    """WAL mode: a read-only (not immutable) Datasette keeps answering during an ingest
    and shows every article once it is done; it still refuses writes."""
    import threading

    from pipeline.runner import ingest_paths

    db_path = tmp_path / "news.db"
    first = sorted(demo_corpus.iterdir())[:1]
    ingest_paths(first, db_path, nlp=nlp)
    live = Datasette([str(db_path)], metadata=yaml.safe_load(PROJECT_METADATA.read_text()))
    writer = threading.Thread(target=ingest_paths, args=([demo_corpus], db_path), kwargs={"nlp": nlp, "batch_size": 1})
    writer.start()
    seen = []
    while writer.is_alive():
        response = get(live, "/news.json?sql=select+count(*)+as+n+from+articles&_shape=objects")
        assert response.status_code == 200
        seen.append(response.json()["rows"][0]["n"])
    writer.join()
    final = get(live, "/news.json?sql=select+count(*)+as+n+from+articles&_shape=objects")
    assert final.json()["rows"] == [{"n": 5}]
    assert seen and seen == sorted(seen) and seen[0] >= 1
    refused = get(live, "/news.json?sql=delete+from+claims")
    assert refused.status_code == 400
    # Even Datasette's own write connection (used by plugins and write queries) refuses.
    with pytest.raises(Exception, match="readonly|read-only|query_only|attempt to write"):
        asyncio.run(live.databases["news"].execute_write("delete from claims"))
    assert get(live, "/news.json?sql=select+count(*)+as+n+from+claims&_shape=objects").json()["rows"][0]["n"] > 0


# --------------------------------------------------------------------------- what serve opens


def run_cli(*args):
    from click.testing import CliRunner

    from pipeline.cli import cli

    return CliRunner().invoke(cli, list(args), prog_name="analyze")


@pytest.fixture
def no_server(monkeypatch):
    """`analyze serve` up to starting Datasette: the arguments it would start it with."""
    import pipeline.serve

    started = []
    monkeypatch.setattr(pipeline.serve, "run_datasette", started.append)
    return started


def near(path):
    """The files beside a database SQLite may create: journal, log, shared memory."""
    return {p.name for p in path.parent.iterdir()} - {path.name}


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 20, b"hello, this is not a database\n" * 10, b"SQLite format 3\x00" + b"\xff" * 5000],
    ids=["random bytes", "a text file", "a SQLite header then garbage"],
)
@pytest.mark.parametrize("command", [["serve"], ["trace", "$6M"], ["figures"]])
def test_a_file_that_is_not_sqlite_gets_one_line_and_exit_2(tmp_path, no_server, command, content):
    db_path = tmp_path / "news.db"
    db_path.write_bytes(content)
    stat = db_path.stat()
    result = run_cli(*command, "--db", str(db_path))
    assert result.exit_code == 2, result.output
    [line] = result.output.strip().splitlines()  # no traceback
    assert str(db_path) in line and "database" in line
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert db_path.read_bytes() == content and db_path.stat().st_mtime_ns == stat.st_mtime_ns
    assert near(db_path) == set() and no_server == []


def test_a_missing_database_gets_one_line_and_exit_2(tmp_path, no_server):
    for command in (["serve"], ["trace", "$6M"], ["figures"]):
        result = run_cli(*command, "--db", str(tmp_path / "none.db"))
        assert result.exit_code == 2 and "no such database" in result.output
        assert not (tmp_path / "none.db").exists()


def read_only(monkeypatch, *paths):
    """Deny this process write access to ``paths`` (the tests run as root, whom chmod does
    not stop, so os.access is what is faked; SQLite itself is not)."""
    real_access = os.access
    denied = {str(p) for p in paths}
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if str(p) in denied and mode & os.W_OK else real_access(p, mode, **kw))


def test_a_read_only_database_is_served_immutable_untouched(demo_db, tmp_path, monkeypatch, no_server):
    from pipeline.serve import choose_mode

    db_path = tmp_path / "news.db"
    shutil.copy(demo_db[0], db_path)
    db_path.chmod(0o444)
    read_only(monkeypatch, db_path, tmp_path)
    before = (db_path.read_bytes(), db_path.stat().st_mtime_ns)
    assert choose_mode(db_path) == choose_mode(db_path, live=False)
    assert not choose_mode(db_path).live
    result = run_cli("serve", "--db", str(db_path))
    assert result.exit_code == 0 and result.output == ""
    [args] = no_server
    assert args[:3] == ["serve", "-i", str(db_path)]
    assert (db_path.read_bytes(), db_path.stat().st_mtime_ns) == before and near(db_path) == set()  # nothing folded, nothing created
    ds = Datasette(immutables=[str(db_path)], metadata=METADATA)
    assert rows(ds, "/news/trace_figure.json?figure=%246M")


def test_a_read_only_database_with_unfolded_writes_gets_one_line(demo_db, tmp_path, monkeypatch, no_server):
    db_path = tmp_path / "news.db"
    shutil.copy(demo_db[0], db_path)
    (tmp_path / "news.db-wal").write_bytes(b"\0" * 100)
    read_only(monkeypatch, db_path, tmp_path)
    result = run_cli("serve", "--db", str(db_path))
    assert result.exit_code == 2 and no_server == []
    [line] = result.output.strip().splitlines()
    assert str(db_path) in line and "read-only" in line


# --------------------------------------------------------------------------- serving while an ingest writes


def test_serve_switches_to_live_while_an_ingest_holds_the_database(demo_db, tmp_path, no_server):
    from pipeline.serve import choose_mode
    from pipeline.store import open_db

    db_path = copy_of(demo_db, tmp_path)
    writer = open_db(db_path)  # an ingest between two batches: open, idle, a run not finished
    writer["runs"].insert({"package_version": "x", "started_at": "2025-01-01T00:00:00"})
    mode = choose_mode(db_path)
    assert mode.live and str(db_path) in mode.notice and "serving it live (read-only) instead of immutable" in mode.notice
    assert "ingest" in mode.notice
    result = run_cli("serve", "--db", str(db_path))
    assert result.exit_code == 0
    assert result.output.strip() == mode.notice  # one line
    [args] = no_server
    assert "-i" not in args and str(db_path) in args
    writer.close()
    assert not choose_mode(db_path).live  # the ingest is done: immutable again
    assert choose_mode(db_path, live=True).live and choose_mode(db_path, live=True).notice is None


def test_serve_sees_an_ingest_in_another_process(demo_db, tmp_path):
    import subprocess
    import sys

    from pipeline.serve import choose_mode

    db_path = copy_of(demo_db, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('pragma journal_mode=wal');"
         "c.execute('select count(*) from articles').fetchone(); print('open', flush=True); sys.stdin.read()", str(db_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        assert choose_mode(db_path).live
    finally:
        holder.communicate("")
    assert not choose_mode(db_path).live


def test_a_killed_ingest_s_log_is_folded_and_served_immutable(demo_db, tmp_path):
    import sqlite3
    import subprocess
    import sys

    from pipeline.serve import choose_mode

    db_path = copy_of(demo_db, tmp_path)
    # A writer killed before it closed: its commits only in the -wal file.
    subprocess.run(
        [sys.executable, "-c", "import sqlite3, os, sys; c = sqlite3.connect(sys.argv[1]); c.execute('pragma journal_mode=wal');"
         "c.execute('pragma wal_autocheckpoint=0'); c.execute(\"insert into runs (package_version) values ('killed')\"); c.commit();"
         "os._exit(9)", str(db_path)], check=False,
    )  # fmt: skip
    assert (tmp_path / "news.db-wal").stat().st_size > 0
    mode = choose_mode(db_path)
    assert not mode.live and mode.notice is None
    assert not (tmp_path / "news.db-wal").exists()
    reader = sqlite3.connect(f"file:{db_path}?immutable=1", uri=True)
    assert reader.execute("select count(*) from runs where package_version = 'killed'").fetchone() == (1,)
    reader.close()


def test_a_live_server_keeps_answering_after_writes(demo_db, tmp_path):
    import sqlite3

    db_path = copy_of(demo_db, tmp_path)
    live = Datasette([str(db_path)], metadata=METADATA)
    count = "/news.json?sql=select+count(*)+as+n+from+runs&_shape=objects"
    before = get(live, count).json()["rows"][0]["n"]
    writer = sqlite3.connect(db_path)
    writer.execute("insert into runs (package_version) values ('later')")
    writer.commit()
    writer.close()
    assert get(live, count).json()["rows"][0]["n"] == before + 1


def test_trace_and_figures_read_a_read_only_database_without_touching_it(demo_db, tmp_path, monkeypatch):
    """On a read-only folder SQLite cannot create the -shm file a WAL database is normally
    read with ("unable to open database file"): such a file is read immutable."""
    db_path = copy_of(demo_db, tmp_path)
    read_only(monkeypatch, db_path, tmp_path)
    before = (db_path.read_bytes(), db_path.stat().st_mtime_ns)
    for command in (["trace", "$6M"], ["figures"]):
        result = run_cli(*command, "--db", str(db_path))
        assert result.exit_code == 0 and "claims" in result.output, result.output
    assert near(db_path) == set()  # no -wal or -shm created beside it: read immutable
    assert (db_path.read_bytes(), db_path.stat().st_mtime_ns) == before
