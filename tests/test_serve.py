"""Datasette over a database built from the demo corpus, with the project's metadata and
plugin: canned queries, facets, search, SQL functions, figure and claim pages, links.

Every request goes through Datasette's own test client (``datasette.client``); the
answers are checked against the library (``pipeline.tracing``) on the same database.
"""

import asyncio
import html
import importlib.metadata
import json
import os
import re
import shutil

import pytest
import sqlite_utils
import yaml
from datasette.app import Datasette
from datasette.utils import parse_metadata, tilde_encode

from pipeline import datasette_plugin
from pipeline.datasette_plugin import (
    figure_matches,
    figure_unit,
    figure_value,
    format_figure,
    highlight_claim,
    lineage_chart,
    mutation_class,
)
from pipeline.serve import PROJECT_METADATA, metadata_for_database, register_plugin
from pipeline.tracing import figure_lineage, find_figures, most_mutated

METADATA = yaml.safe_load(PROJECT_METADATA.read_text())
QUERIES = METADATA["databases"]["news"]["queries"]


@pytest.fixture(scope="module")
def datasette(demo_db):
    register_plugin()  # a no-op when the entry point already loaded it
    # metadata.yml keys the database by its file stem, "news"
    return Datasette(immutables=[str(demo_db[0])], metadata=METADATA)


@pytest.fixture(scope="module")
def db(demo_db):
    return sqlite_utils.Database(demo_db[0])


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def rows(ds, path):
    """The rows of a JSON page as dicts."""
    separator = "&" if "?" in path else "?"
    response = get(ds, f"{path}{separator}_shape=objects")
    assert response.status_code == 200, response.text
    return response.json()["rows"]


def v3_training_cost(db) -> str:
    """The figure `$6M` traces to first: DeepSeek-V3's training cost."""
    return find_figures(db, "$6M")[0]


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
    assert "rounded" in kinds


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


# --------------------------------------------------------------------------- SQL functions


def test_sql_functions_are_the_normaliser():
    assert figure_value("$6M") == 6_000_000
    assert figure_unit("$6M") == "USD"
    assert figure_matches("$6M", 5_576_000, "$5,576,000", "USD", "money", "exact", None, None) == 1
    assert figure_matches("$6M", 8_000_000, "$8 million", "USD", "money", "exact", None, None) == 0
    assert figure_matches("6M GPUs", 6_000_000, "$6 million", "USD", "money", "exact", None, None) == 0
    # text without a figure (or not text) matches nothing instead of failing the query
    assert figure_value("no figure") is None and figure_value(None) is None
    assert figure_matches("no figure", 6e6, "$6M", "USD", "money", "exact", None, None) == 0


def test_sql_functions_in_datasette(datasette):
    sql = (
        "select figure_value('$6M') as v, figure_unit('$6M') as u, "
        "figure_matches('$6M', 5576000, '$5,576,000', 'USD', 'money', 'exact', null, null) as m, "
        "figure_window_low('$6M') <= 5576000 and 5576000 <= figure_window_high('$6M') as w, "
        "figure_value('nothing') as none"
    )
    [row] = rows(datasette, "/news.json?sql=" + sql.replace(" ", "+").replace("$", "%24"))
    assert row == {"v": 6_000_000, "u": "USD", "m": 1, "w": 1, "none": None}


def test_plugin_is_a_datasette_entry_point(datasette):
    [entry] = [e for e in importlib.metadata.entry_points(group="datasette") if e.name == "figtrace"]
    assert entry.value == "pipeline.datasette_plugin"
    plugins = get(datasette, "/-/plugins.json").json()
    [ours] = [p for p in plugins if p["name"] in ("figtrace", "pipeline.datasette_plugin")]
    assert {"prepare_connection", "render_cell", "register_routes", "extra_template_vars"} <= set(ours["hooks"])


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
    assert "rounded" in precise["mutation"] and precise["detail"]
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


# --------------------------------------------------------------------------- pages and links


def test_figure_page_shows_chart_and_lineage(datasette, db):
    figure_id = v3_training_cost(db)
    lineage = figure_lineage(db, figure_id)
    page = get(datasette, f"/news/figures/{figure_id}")
    assert page.status_code == 200
    text = page.text
    assert 'class="figtrace-chart"' in text
    assert text.count('class="point"') == len(lineage["claims"])  # one point per claim
    table = text[text.index('class="rows-and-columns figtrace-lineage"') :]
    table = table[: table.index("</table>")]
    assert table.count("<tr class=") == len(lineage["claims"])
    assert [html.unescape(s) for s in re.findall(r'title="show in the article">([^<]+)</a>', table)] == [
        c["surface"] for c in lineage["claims"]
    ]
    assert "origin" in text and "$5,576,000" in text
    assert f"/-/figtrace/claim/news/{lineage['origin']['id']}#claim" in text


def test_other_rows_keep_the_default_page(datasette, db):
    article_id = db.execute("select id from articles limit 1").fetchone()[0]
    page = get(datasette, f"/news/articles/{article_id}")
    assert page.status_code == 200 and "figtrace-chart" not in page.text
    assert get(datasette, "/news/figures/fig-doesnotexist").status_code == 404


def test_claim_page_highlights_the_sentence_and_figure(datasette, db):
    claim = db.execute(
        "select c.id, c.surface, s.text from claims c join sentences s on s.id = c.sentence_id "
        "where c.surface = '$5,576,000'"
    ).fetchone()
    page = get(datasette, f"/-/figtrace/claim/news/{claim[0]}")
    assert page.status_code == 200
    # the sentence mark holds the figure's mark: it ends at the second </mark>
    sentence = re.search(r'<mark class="sentence">(.*?</mark>.*?)</mark>', page.text, re.S)
    assert sentence and html.unescape(re.sub(r"<[^>]+>", "", sentence.group(1))) == claim[2]
    assert re.search(r'<mark class="figure" id="claim">\$5,576,000</mark>', page.text)
    assert f"/news/figures/{v3_training_cost(db)}" in page.text


def test_claim_page_for_unknown_claim_or_database_is_404(datasette):
    assert get(datasette, "/-/figtrace/claim/news/nope").status_code == 404
    assert get(datasette, "/-/figtrace/claim/nodb/nope").status_code == 404


def test_about_page(datasette):
    page = get(datasette, "/-/figtrace/about")
    assert page.status_code == 200 and "lineage" in page.text


def test_cells_link_to_claims_in_articles_and_figures(datasette, db):
    page = get(datasette, "/news/claims?surface=%245%2C576%2C000")
    assert re.search(r'<a href="/-/figtrace/claim/news/[^"]+#claim" title="show in the article">\$5,576,000</a>', page.text)
    page = get(datasette, "/news/trace_figure?figure=%246M")
    figure_id = v3_training_cost(db)
    assert f'<a href="/news/figures/{figure_id}"' in page.text
    assert "/-/figtrace/claim/news/" in page.text and '<a href="/news/claims/' in page.text
    page = get(datasette, f"/news/entities_around_figure?figure={figure_id}")
    assert '<a href="/news/entities/' in page.text


# --------------------------------------------------------------------------- hostile input

XSS = "<script>figtrace_xss()</script>"
XSS_IMG = "<img src=x onerror=figtrace_xss()>"


@pytest.fixture(scope="module")
def hostile(nlp, tmp_path_factory):
    """A database ingested from articles whose every stored text field carries markup and
    whose URLs are javascript: (from a text header and a JSON record; trafilatura drops an
    HTML canonical link that is not http), then the NLP-made fields overwritten with markup.
    Returns (Datasette, sqlite_utils.Database)."""
    from pipeline.runner import ingest_paths

    corpus = tmp_path_factory.mktemp("hostile")
    (corpus / "a.txt").write_text(
        f"title: {XSS} title\nurl: javascript:alert(1)\nsource: {XSS} source\nauthor: {XSS_IMG}\ndate: 2025-01-02\n\n"
        f"Acme {XSS} spent $6 million on new chips, the company said.\n"
    )
    (corpus / "b.html").write_text(
        f'<html><head><title>{XSS}</title><link rel="canonical" href="javascript:alert(2)"></head><body><article>'
        "<h1>Chips</h1><p>Acme spent $6.2 million on new chips last year, according to filings reviewed by "
        "reporters who cover the semiconductor industry.</p><p>It also hired 40 engineers.</p></article></body></html>"
    )
    records = [
        {"title": f"JSON {XSS}", "url": "JaVaScRiPt:alert(3)", "source": XSS_IMG, "text": "Acme spent about $6 million on chips."},
        {"title": "Fine", "url": "https://example.com/fine?a=1&b=2", "text": "Acme spent $6 million on chips, it said."},
        {"title": "Data", "url": " data:text/html,<script>alert(4)</script>", "text": "Acme spent $6 million on GPUs."},
    ]
    (corpus / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    db_path = tmp_path_factory.mktemp("hostile-db") / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    db = sqlite_utils.Database(db_path)
    with db.conn:  # the fields the NLP fills: markup in each
        db.execute("update claims set subject = ?, attributed_to = ?, qualifier_cue = ?", [XSS, XSS_IMG, XSS])
        db.execute("update claims set surface = ? where rowid = (select min(rowid) from claims)", [XSS])
        db.execute("update mutations set detail = ?", [XSS])
        db.execute("update figures set subject = ?, attributed_origin = ?", [XSS, XSS_IMG])
        db.execute("update sentences set text = text || ?", [XSS])
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # served immutable: no rows left in the log
    ds = Datasette(immutables=[str(db_path)], metadata=METADATA)
    return ds, db


def figtrace_pages(ds, db) -> list[str]:
    """Every page figtrace draws or configures for this database."""
    claims = [r[0] for r in db.execute("select id from claims")]
    figures = [r[0] for r in db.execute("select id from figures")]
    articles = [r[0] for r in db.execute("select id from articles")]
    assert claims and figures and db["mutations"].count
    pages = [f"/-/figtrace/claim/news/{tilde_encode(c)}" for c in claims]
    pages += [f"/news/figures/{tilde_encode(f)}" for f in figures] + [f"/news/claims/{tilde_encode(c)}" for c in claims]
    pages += [f"/news/articles/{tilde_encode(a)}" for a in articles]
    pages += [f"/news/{t}" for t in ("articles", "claims", "figures", "mutations", "sentences", "entities", "runs")]
    pages += ["/", "/news", "/-/figtrace/about", "/news?sql=select+*+from+articles", "/news/articles?_search=Acme"]
    pages += [f"/news/{name}" for name in QUERIES]  # the canned query forms
    pages += ["/news/trace_figure?figure=%246M", "/news/first_appearance", "/news/most_mutated",
              "/news/claims_credited_to?source=script", "/news/outlet_claims?outlet=c.jsonl",
              f"/news/entities_around_figure?figure={tilde_encode(figures[0])}", "/news/claims_in_unit?unit=USD"]  # fmt: skip
    return pages


def test_markup_in_stored_text_is_escaped_on_every_page(hostile):
    ds, db = hostile
    for path in figtrace_pages(ds, db):
        page = get(ds, path)
        assert page.status_code == 200, path
        raw = page.text.lower()
        assert "<script>figtrace_xss" not in raw and "<img src=x" not in raw, path
    claim_page = get(ds, f"/-/figtrace/claim/news/{db.execute('select min(id) from claims').fetchone()[0]}").text
    assert "&lt;script&gt;figtrace_xss()&lt;/script&gt;" in claim_page  # shown, as text


def links(html_text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"""(?:href|src|action|formaction)\s*=\s*["']?([^"'\s>]+)""", html_text, re.I)]


def test_only_http_urls_become_links(hostile):
    """A javascript: (or data:) URL is stored as given and shown as text, never as a link:
    on figtrace's claim page, and in Datasette's cells (it links only http:// and https://)."""
    ds, db = hostile
    stored = {r["path"].rsplit("/", 1)[-1]: r["url"] for r in db["articles"].rows}
    assert stored["a.txt"] == "javascript:alert(1)"  # kept as the input gave it
    assert stored["c.jsonl#1"] == "JaVaScRiPt:alert(3)"
    assert not stored["b.html"] or stored["b.html"].startswith("http")  # the HTML's canonical link
    for path in figtrace_pages(ds, db):
        for target in links(get(ds, path).text):
            scheme = re.match(r"\s*([a-z][a-z0-9+.-]*):", target, re.I)
            assert scheme is None or scheme.group(1).lower() in ("http", "https"), (path, target)
    claim_of = {url: claim for claim, url in db.execute(
        "select min(c.id), a.url from claims c join articles a on a.id = c.article_id group by a.url")}  # fmt: skip
    page = get(ds, f"/-/figtrace/claim/news/{tilde_encode(claim_of['javascript:alert(1)'])}").text
    assert '<code class="figtrace-url">javascript:alert(1)</code>' in page  # the URL, as text
    page = get(ds, f"/-/figtrace/claim/news/{tilde_encode(claim_of['https://example.com/fine?a=1&b=2'])}").text
    assert 'href="https://example.com/fine?a=1&amp;b=2" rel="noopener noreferrer nofollow">original</a>' in page
    # Datasette's own cells: the http URL is linked, the others are text
    table = get(ds, "/news/articles").text
    assert '<a href="https://example.com/fine?a=1&amp;b=2">' in table and "javascript:alert(1)" in table


@pytest.mark.parametrize(
    "url, linked",
    [("https://example.com/a", True), ("http://example.com", True), ("HTTPS://EXAMPLE.COM/", True),
     ("  https://example.com/a  ", True), ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
     (" javascript:alert(1)", False), ("java\tscript:alert(1)", False), ("data:text/html,x", False),
     ("vbscript:x", False), ("//evil.example/x", False), ("/news", False), ("https://", False),
     ("https:/evil", False), ("https://a b", False), ("https://a\nb", False), (None, False), (42, False)],
)  # fmt: skip
def test_web_url_links_only_http_and_https(url, linked):
    assert (datasette_plugin.web_url(url) is not None) == linked


# --------------------------------------------------------------------------- read-only


def test_writes_are_refused(datasette):
    before = get(datasette, "/news.json?sql=select+count(*)+as+n+from+claims&_shape=objects")
    response = get(datasette, "/news.json?sql=delete+from+claims")
    assert response.status_code == 400
    assert not datasette.databases["news"].is_mutable
    after = get(datasette, "/news.json?sql=select+count(*)+as+n+from+claims&_shape=objects")
    assert after.json()["rows"] == before.json()["rows"] != [{"n": 0}]


def test_canned_queries_cannot_write(datasette):
    count = "/news.json?sql=select+count(*)+as+n+from+claims&_shape=objects"
    before = get(datasette, count).json()["rows"]
    response = asyncio.run(datasette.client.post("/news/trace_figure", data={"figure": "$6M"}))
    assert response.status_code == 405  # refused before Datasette's table view (see below)
    assert get(datasette, count).json()["rows"] == before


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path",
    ["/news/trace_figure", "/news/articles/-/insert", "/news/articles", "/news/claims/x", "/news", "/news.json",
     "/-/figtrace/about", "/news/no/such/path"],
)  # fmt: skip
def test_write_methods_are_refused_with_405_not_500(datasette, path, method):
    """Datasette 0.65 answered a POST to a canned query with a 500 ('tuple' object has no
    attribute 'asgi_send': its table view returns the query view's data tuple), a POST to a
    table with a failed assertion, and unknown paths with a 500 (see the 404 test)."""
    count = "/news.json?sql=select+count(*)+as+n+from+claims&_shape=objects"
    before = get(datasette, count).json()["rows"]
    response = asyncio.run(datasette.client.request(method.upper(), path, data={"figure": "$6M", "sql": "delete from claims"}))
    assert response.status_code == 405, response.text
    assert "read-only" in response.text and response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert get(datasette, count).json()["rows"] == before


def test_datasette_instance_pages_keep_their_methods(datasette):
    # /-/ pages touch no database: they answer their own methods (logout redirects).
    assert asyncio.run(datasette.client.post("/-/logout")).status_code == 302
    assert asyncio.run(datasette.client.post("/-/no-such-page")).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/-/figtrace/claim/news", "/-/figtrace/claim/news/a/b", "/-/figtrace/claim", "/foo/bar/baz/qux", "/nope",
     "/news/nope", "/news/claims/nope", "/news/claims/nope.json", "/-/figtrace/nope", "/-/figtrace/claim/news/nope"],
)  # fmt: skip
def test_unmatched_paths_are_404(datasette, path):
    # Datasette's default error handler failed on a path no route matches (rich refuses to
    # print a traceback outside an except block), so these were 500s.
    response = get(datasette, path)
    assert response.status_code == 404, response.text
    if path.endswith(".json"):
        assert response.json()["ok"] is False and response.json()["status"] == 404
    else:
        assert "<h1>" in response.text and "Not found" in response.text


def test_error_pages_never_call_rich(datasette, monkeypatch):
    """Datasette's default handler prints every exception with rich's local variables
    (about a second of CPU each); the plugin's handler answers instead, rich untouched."""
    import datasette.handle_exception as default_handler

    calls = []

    class Rich:
        @staticmethod
        def get_console():
            calls.append("rich")
            raise AssertionError("Datasette's default exception handler ran")

    monkeypatch.setattr(default_handler, "rich", Rich)
    for path in ("/nope", "/foo/bar/baz/qux", "/-/figtrace/claim/news/nope", "/news/claims/nope",
                 "/news/figures/fig-doesnotexist", "/news.json?sql=select+nope", "/news.json?sql=delete+from+claims"):  # fmt: skip
        assert get(datasette, path).status_code in (400, 404), path
    assert calls == []


def test_the_exception_hook_answers_with_figtrace_s_handler(datasette):
    from datasette.plugins import pm
    from datasette.utils.asgi import NotFound, Request

    request = Request.fake("/nope")
    answers = pm.hook.handle_exception(datasette=datasette, request=request, exception=NotFound("gone"))
    assert [a.__module__ for a in answers] == ["pipeline.datasette_plugin"]  # the default's is dropped
    response = asyncio.run(answers[0]())
    assert response.status == 404 and "gone" in response.body


def test_a_500_is_a_short_page_and_a_plain_traceback(datasette, capsys):
    from datasette.utils.asgi import Request

    response = asyncio.run(datasette_plugin.error_response(datasette, Request.fake("/x"), RuntimeError("<boom>")))
    assert response.status == 500 and "&lt;boom&gt;" in response.body and "<boom>" not in response.body
    logged = capsys.readouterr().err
    assert "RuntimeError: <boom>" in logged and "locals" not in logged
    response = asyncio.run(datasette_plugin.error_response(datasette, Request.fake("/x.json"), RuntimeError("boom")))
    assert response.status == 500 and json.loads(response.body)["error"] == "boom"


def test_error_messages_are_escaped(datasette):
    from datasette.utils import tilde_encode

    page = get(datasette, "/-/figtrace/claim/news/" + tilde_encode("<script>figtrace_xss()</script>"))
    assert page.status_code == 404
    assert "&lt;script&gt;figtrace_xss()" in page.text and "<script>figtrace_xss" not in page.text


# --------------------------------------------------------------------------- serve


def test_other_database_names_get_the_same_metadata(demo_db, tmp_path):
    january = tmp_path / "january.db"
    shutil.copy(demo_db[0], january)
    path = metadata_for_database(PROJECT_METADATA, january)
    metadata = parse_metadata(path.read_text())
    assert set(metadata["databases"]) == {"january"}
    assert metadata_for_database(PROJECT_METADATA, "db/news.db") == PROJECT_METADATA
    ds = Datasette(immutables=[str(january)], metadata=metadata)
    assert rows(ds, "/january/trace_figure.json?figure=%246M")


# --------------------------------------------------------------------------- chart and text


def lineage_of(*claims, unit="USD", canonical=None):
    return {"id": "fig-x", "subject": "cost", "unit": unit, "canonical_value": canonical, "claims": list(claims)}


def chart_claim(id, value, unit="USD", mutation=("same",), **extra):
    return {"id": id, "surface": extra.pop("surface", f"${value:,.0f}"), "value": value, "unit": unit,
            "article_id": extra.pop("article_id", "a"), "path": "corpus/a.txt", "published": None,
            "mutation": list(mutation), "is_origin": mutation == ("origin",), **extra}  # fmt: skip


def test_chart_draws_each_claim_with_its_mutation():
    svg = lineage_chart(
        lineage_of(
            chart_claim("o", 6e6, mutation=("origin",)),
            chart_claim("r", 5_576_000, mutation=("rounded", "qualifier_changed")),
            chart_claim("b", 6e6, value_low=5e6, value_high=7e6, qualifier="range", mutation=("inflated",)),
            chart_claim("p", 17, unit="percent", surface="17%", mutation=("unit_changed",)),
            chart_claim("<x>", 6e6, surface="<$6M>", article_id="b", mutation=("attribution_added",)),
            canonical=5_576_000,
        )
    )
    assert svg.startswith("<svg") and svg.count('class="point') == 5
    assert svg.count('class="point other-unit"') == 1  # 17% is drawn in the other-unit strip
    assert 'class="claim origin"' in svg and 'class="claim rounded"' in svg and 'class="claim credit"' in svg
    assert "&lt;$6M&gt;" in svg and "<$6M>" not in svg  # text is escaped
    assert "stroke-dasharray" in svg  # the canonical value line


def test_chart_of_a_single_claim_has_a_domain():
    svg = lineage_chart(lineage_of(chart_claim("o", 0, mutation=("origin",))))
    assert 'class="point"' in svg and "nan" not in svg


def test_mutation_class_takes_the_most_telling_change():
    assert mutation_class({"is_origin": True}) == "origin"
    assert mutation_class({"mutation": ["qualifier_changed", "inflated"]}) == "inflated"
    assert mutation_class({"mutation": ["attribution_dropped", "qualifier_dropped"]}) == "credit"
    assert mutation_class({"mutation": ["reformatted", "subject_drift"]}) == "same"


@pytest.mark.parametrize(
    "value, unit, expected",
    [(5_576_000, "USD", "$5.58M"), (17, "percent", "17%"), (50_000, "GPU", "50K GPU"),
     (45, "x", "45×"), (0.14, "USD", "$0.14"), (6e11, None, "600B"), (None, "USD", "?")],
)  # fmt: skip
def test_chart_labels_write_figures_compactly(value, unit, expected):
    assert format_figure(value, unit, compact=True) == expected


def test_highlight_claim_marks_sentence_and_figure_and_escapes():
    text = "Intro <b>. It cost $6M & more. End."
    start = text.index("$6M")
    marked = str(highlight_claim(text, (text.index("It"), text.index(" End")), (start, start + 3)))
    assert marked == (
        'Intro &lt;b&gt;. <mark class="sentence">It cost <mark class="figure" id="claim">$6M</mark>'
        " &amp; more.</mark> End."
    )
    # a sentence that does not hold the figure (stale offsets): the figure is still marked
    assert '<mark class="figure" id="claim">$6M</mark>' in str(highlight_claim(text, (0, 3), (start, start + 3)))


def test_plugin_module_documents_its_functions():
    for name in ("figure_value", "figure_unit", "figure_matches", "lineage_chart", "claim_page", "render_cell"):
        assert getattr(datasette_plugin, name).__doc__, name
    assert json.dumps(sorted(datasette_plugin.SQL_FUNCTIONS))


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

def copy_of(demo_db, tmp_path):
    db_path = tmp_path / "news.db"
    shutil.copy(demo_db[0], db_path)
    return db_path


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


def test_an_immutable_server_answers_503_once_an_ingest_writes(demo_db, tmp_path, capsys):
    import sqlite3

    db_path = copy_of(demo_db, tmp_path)
    ds = Datasette(immutables=[str(db_path)], metadata=METADATA)
    assert get(ds, "/news").status_code == 200
    writer = sqlite3.connect(db_path)  # an ingest started after the server
    writer.execute("pragma journal_mode=wal")
    writer.execute("insert into runs (package_version) values ('later')")
    writer.commit()
    page = get(ds, "/news/claims")
    assert page.status_code == 503 and "analyze serve --live" in page.text and str(db_path) in page.text
    data = get(ds, "/news.json")
    assert data.status_code == 503 and "--live" in data.json()["error"]
    writer.close()  # folds the log into the file: still 503, the server's view is stale
    assert get(ds, "/-/figtrace/about").status_code == 503
    assert capsys.readouterr().err.count("changed on disk") == 1  # one line on stderr, once


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
