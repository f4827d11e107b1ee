"""What the plugin refuses or answers cheaply: links to anything but http(s), error pages, write methods (405), and an immutable file written after start (503)."""

import asyncio
import html
import json
import re

import pytest
from datasette.app import Datasette
from datasette.utils import tilde_encode

from pipeline import datasette_plugin

from .helpers import METADATA, copy_of, figtrace_pages, get


# --------------------------------------------------------------------------- links out


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


# --------------------------------------------------------------------------- errors


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


# --------------------------------------------------------------------------- write methods


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


# --------------------------------------------------------------------------- an immutable file written after start


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
