"""Web pages (``analyze ingest https://…``, ``--urls FILE``), fetched from a server started
here on 127.0.0.1: the article keyed by the URL as given with the URL it was served from,
redirects, every failure one line naming the URL (HTTP errors, other content types, pages
over the cap, timeouts, redirect loops), the run going on, polite concurrency, and
re-ingest (not fetched again; --refetch: unchanged or updated)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlite_utils
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import cli
from pipeline.ingest import InputError, PageUrl, iter_input_files
from pipeline.ingest import urls as urls_module
from pipeline.ingest.urls import fetch_pages, parse_page
from pipeline.runner import ingest_paths

from .helpers import write

STORY = b"""<html><head><title>Chip spending</title><meta property="og:site_name" content="Daily Example">
<meta property="article:published_time" content="2025-03-04T08:00:00Z"></head><body><article><h1>Chip spending</h1>
<p>Acme spent $6 million on new chips last year, according to filings reviewed by reporters who cover the industry.</p>
<p>It also hired 40 engineers in Ohio, the company said in a statement on Monday.</p></article></body></html>"""
CARS = b"<html><head><title>Car sales</title></head><body><p>Beta sold 7 cars in March, its dealers said.</p></body></html>"
CANONICAL = b"""<html><head><title>Port</title><link rel="canonical" href="https://news.example/port"></head>
<body><p>The port of Antwerp handled 4.2 million containers in the first quarter.</p></body></html>"""
HTML = "text/html; charset=utf-8"


class Site:
    """A tiny web server: ``routes`` maps a path to (status, headers, body) or to a
    callable returning one; ``hits`` counts requests per path, ``agents`` their User-Agent."""

    def __init__(self):
        self.routes: dict = {}
        self.hits: dict[str, int] = {}
        self.agents: list[str] = []
        self.active = 0
        self.most_active = 0
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with site.lock:
                    site.hits[self.path] = site.hits.get(self.path, 0) + 1
                    site.agents.append(self.headers.get("User-Agent", ""))
                    site.active += 1
                    site.most_active = max(site.most_active, site.active)
                working = True
                try:
                    route = site.routes.get(self.path, (404, {}, b""))
                    status, headers, body = route() if callable(route) else route
                    # (done working before the answer goes out: the client may ask again as
                    # soon as it has it, before this thread gets further)
                    with site.lock:
                        site.active -= 1
                        working = False
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    if "Content-Length" not in headers and headers.get("X-No-Length") is None:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading (a page over the cap): as it should
                finally:
                    if working:
                        with site.lock:
                            site.active -= 1

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def site():
    site = Site()
    site.routes.update({
        "/story": (200, {"Content-Type": HTML}, STORY),
        "/old": (301, {"Location": "/moved"}, b""),
        "/moved": (302, {"Location": "/2025/03/01/cars"}, b""),
        "/2025/03/01/cars": (200, {"Content-Type": "text/html"}, CARS),
        "/port": (200, {"Content-Type": "application/xhtml+xml"}, CANONICAL),
        "/missing": (404, {"Content-Type": HTML}, b"<p>no such page</p>"),
        "/broken": (500, {"Content-Type": HTML}, b"<p>oops</p>"),
        "/logo.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        "/loop": (302, {"Location": "/loop"}, b""),
    })  # fmt: skip
    site.thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


def fetch_one(url: str, max_bytes: int = 1_000_000):
    (page,) = fetch_pages([url], max_bytes)
    return parse_page(page)


def test_a_page_is_an_article_keyed_by_its_url_with_its_title_date_and_bytes(site):
    parsed = fetch_one(site.url("/story"))
    assert parsed.errors == [] and parsed.warnings == []
    (article,) = parsed.articles
    assert (article.path, article.url, article.title) == (site.url("/story"), site.url("/story"), "Chip spending")
    assert (article.published, article.published_from, article.source) == ("2025-03-04", "html", "Daily Example")
    assert article.raw == STORY  # the bytes served are the identity
    assert "Acme spent $6 million" in article.text
    assert site.agents == [urls_module.USER_AGENT] and urls_module.USER_AGENT.startswith(f"figtrace/{__version__} ")


def test_a_redirect_records_the_final_url_under_the_url_given(site):
    (article,) = fetch_one(site.url("/old")).articles
    assert article.path == site.url("/old")
    assert article.url == site.url("/2025/03/01/cars")
    assert (article.published, article.published_from) == ("2025-03-01", "url")  # dated by the final URL


def test_a_canonical_url_the_page_declares_wins_over_where_it_was_served(site):
    (article,) = fetch_one(site.url("/port")).articles
    assert (article.path, article.url) == (site.url("/port"), "https://news.example/port")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "HTTP 404 Not Found"),
        ("/broken", "HTTP 500 Internal Server Error"),
        ("/logo.png", "not an HTML page or feed (Content-Type: image/png)"),
        ("/loop", "more than 5 redirects"),
    ],
)
def test_each_failure_is_one_line_naming_the_url(site, path, message):
    parsed = fetch_one(site.url(path))
    assert parsed.articles == []
    assert [str(error) for error in parsed.errors] == [f"{site.url(path)}: {message}"]


def test_a_redirect_loop_stops_after_five_redirects(site):
    fetch_one(site.url("/loop"))
    assert site.hits["/loop"] == 6  # the request and 5 redirects: no retries, no more


def test_a_page_over_the_cap_is_refused_declared_or_streamed(site):
    big = b"<html><body><p>" + b"Acme spent $6 million. " * 2000 + b"</p></body></html>"
    site.routes["/declared"] = (200, {"Content-Type": HTML}, big)
    # No Content-Length: the cap is found while reading, and reading stops there.
    site.routes["/streamed"] = (200, {"Content-Type": HTML, "X-No-Length": "1"}, big)
    declared = fetch_one(site.url("/declared"), max_bytes=10_000)
    streamed = fetch_one(site.url("/streamed"), max_bytes=10_000)
    assert [str(e) for e in declared.errors] == [
        f"{site.url('/declared')}: page too large ({len(big)} bytes > 10000 bytes limit); raise --max-bytes"
    ]
    assert [str(e) for e in streamed.errors] == [
        f"{site.url('/streamed')}: page too large (over the 10000 bytes limit); raise --max-bytes"
    ]
    assert fetch_one(site.url("/streamed"), max_bytes=len(big)).errors == []  # exactly at the cap: read


def test_a_page_slower_than_the_read_timeout_is_one_line(site, monkeypatch):
    monkeypatch.setattr(urls_module, "READ_TIMEOUT", 0.3)

    def slow():
        time.sleep(4)
        return 200, {"Content-Type": HTML}, STORY

    site.routes["/slow"] = slow
    started = time.monotonic()
    parsed = fetch_one(site.url("/slow"))
    assert time.monotonic() - started < 3.5  # given up at the timeout (0.3 s), not when the server answered (4 s)
    assert [str(e) for e in parsed.errors] == [f"{site.url('/slow')}: timed out reading (limits: connect 10 s, read 0.3 s)"]


def test_a_server_that_is_not_there_is_one_line(site):
    site.server.shutdown()
    site.server.server_close()  # nothing listens on the port now
    parsed = fetch_one(site.url("/story"))
    assert parsed.articles == []
    (error,) = parsed.errors
    assert str(error).startswith(f"{site.url('/story')}: cannot connect: ")
    assert "\n" not in str(error)


def test_pages_come_back_in_order_one_request_per_host_at_a_time(site):
    def later(n):
        def page():
            time.sleep(0.05)
            return 200, {"Content-Type": HTML}, f"<html><body><p>Page {n} says 3 ships.</p></body></html>".encode()

        return page

    for n in range(10):
        site.routes[f"/p{n}"] = later(n)
    pages = list(fetch_pages([site.url(f"/p{n}") for n in range(10)], 1_000_000))
    assert [page.url for page in pages] == [site.url(f"/p{n}") for n in range(10)]
    assert site.most_active == 1  # one host: never two of our requests at once


def test_url_arguments_and_url_lists_are_inputs(tmp_path):
    listing = write(tmp_path / "urls.txt", "# reading list\n\nhttps://a.example/1\n  http://b.example/2  \nftp://c.example/3\nhttps://a.example/1\n")
    items = list(iter_input_files(["https://a.example/1", "HTTPS://d.example/x"], [listing, tmp_path / "none.txt"]))
    assert items[:3] == ["https://a.example/1", "HTTPS://d.example/x", "http://b.example/2"]  # each URL once
    assert all(isinstance(item, PageUrl) for item in items[:3])
    assert [str(item) for item in items[3:]] == [
        f"{listing}:5: not an http:// or https:// URL: 'ftp://c.example/3'",
        f"{tmp_path / 'none.txt'}: cannot read URL list: No such file or directory",
    ]
    assert all(isinstance(item, InputError) for item in items[3:])


def test_bad_pages_are_one_line_each_and_the_run_goes_on(site, nlp, tmp_path):
    errors = []
    site.routes["/huge"] = (200, {"Content-Type": HTML}, b"<p>" + b"x" * 20_000 + b"</p>")
    urls = [site.url(p) for p in ("/missing", "/story", "/logo.png", "/huge", "/old")]
    summary = ingest_paths(urls, tmp_path / "news.db", nlp=nlp, max_bytes=10_000, on_error=lambda e: errors.append(str(e)))
    assert errors == [
        f"{urls[0]}: HTTP 404 Not Found",
        f"{urls[2]}: not an HTML page or feed (Content-Type: image/png)",
        f"{urls[3]}: page too large (20007 bytes > 10000 bytes limit); raise --max-bytes",
    ]
    assert (summary.files, summary.pages, summary.articles, summary.new) == (0, 5, 2, 2)
    rows = sqlite_utils.Database(tmp_path / "news.db").execute("select path, url, title, published from articles order by path").fetchall()
    assert rows == [
        (urls[4], site.url("/2025/03/01/cars"), "Car sales", "2025-03-01"),
        (urls[1], urls[1], "Chip spending", "2025-03-04"),
    ]


def test_reingest_fetches_nothing_and_changes_nothing_and_refetch_updates_a_changed_page(site, nlp, tmp_path, fingerprint):
    db_path = tmp_path / "news.db"
    urls = [site.url("/story"), site.url("/old")]
    first = ingest_paths(urls, db_path, nlp=nlp)
    assert (first.new, first.errors) == (2, [])
    hits = dict(site.hits)
    before = fingerprint(db_path)

    again = ingest_paths(urls, db_path, nlp=nlp)
    assert site.hits == hits  # offline: nothing fetched
    assert (again.not_refetched, again.new, again.updated, again.figures) == (2, 0, 0, None)
    assert again.kept_claims == first.claims
    assert "2 not refetched" in again.line()
    assert fingerprint(db_path) == before

    edited = STORY.replace(b"$6 million", b"$9 million")
    site.routes["/story"] = (200, {"Content-Type": HTML}, edited)
    refetched = ingest_paths(urls, db_path, nlp=nlp, refetch=True)
    assert site.hits["/story"] == hits["/story"] + 1
    assert (refetched.updated, refetched.unchanged, refetched.not_refetched) == (1, 1, 0)
    db = sqlite_utils.Database(db_path)
    assert [row[0] for row in db.execute("select surface from claims where surface like '$%'")] == ["$9 million"]


def test_cli_ingests_urls_given_and_listed_and_trace_finds_the_figure(site, nlp, tmp_path, monkeypatch):
    import pipeline.parallel as parallel

    monkeypatch.setattr(parallel, "load_pipeline", lambda model=None: nlp)
    listing = write(tmp_path / "urls.txt", f"# wire stories\n{site.url('/old')}\n\n# broken\n{site.url('/missing')}\n")
    db_path = str(tmp_path / "news.db")
    runner = CliRunner()
    ingested = runner.invoke(cli, ["ingest", site.url("/story"), "--urls", str(listing), "--db", db_path], prog_name="analyze")
    assert ingested.exit_code == 1  # one input failed
    assert f"error: {site.url('/missing')}: HTTP 404 Not Found\n" in ingested.output
    assert "3 web pages, 2 articles (2 new)" in ingested.output
    traced = runner.invoke(cli, ["trace", "$6 million", "--db", db_path, "--json"], prog_name="analyze")
    claims = [c for f in json.loads(traced.output)["figures"] for c in f["claims"]]
    assert [(c["path"], c["published"], c["value"]) for c in claims] == [(site.url("/story"), "2025-03-04", 6_000_000)]

    hits = dict(site.hits)
    again = runner.invoke(cli, ["ingest", site.url("/story"), "--db", db_path], prog_name="analyze")
    assert again.exit_code == 0 and site.hits == hits
    assert "1 not refetched" in again.output


def test_ingest_needs_something_to_ingest(tmp_path):
    result = CliRunner().invoke(cli, ["ingest", "--db", str(tmp_path / "news.db")], prog_name="analyze")
    assert result.exit_code == 2 and "give files, folders or URLs" in result.output


def test_taking_one_page_per_url_leaves_no_fetching_thread_behind(site):
    # (the runner takes exactly one page per URL and never exhausts the generator: what
    # the generator held must not wait for its collection, which may run in any thread)
    import threading

    for n in range(3):
        site.routes[f"/p{n}"] = lambda n=n: (200, {"Content-Type": HTML}, f"<p>Page {n} says 3 ships.</p>".encode())
    pages = fetch_pages([site.url(f"/p{n}") for n in range(3)], 1_000_000)
    taken = [next(pages) for _ in range(3)]
    assert [page.url for page in taken] == [site.url(f"/p{n}") for n in range(3)]
    assert not [t for t in threading.enumerate() if t.name.startswith("figtrace-fetch")]
    assert next(pages, None) is None


def test_an_ingest_stopped_early_leaves_no_fetching_thread_behind(site, nlp, tmp_path):
    # (pages fetched ahead of the run must be let go when it stops, in its own thread, not
    # whenever the suspended generators are collected, in whatever thread collects them)
    import threading

    for n in range(12):
        site.routes[f"/p{n}"] = lambda n=n: (200, {"Content-Type": HTML}, f"<p>Page {n} says {n} ships sailed.</p>".encode())

    def stop(path, summary):
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError, match="stopped") as stopped:
        ingest_paths([site.url(f"/p{n}") for n in range(12)], tmp_path / "news.db", nlp=nlp, batch_size=1, on_file=stop)
    assert stopped.traceback  # (held: the run's frames are not collected)
    assert not [t for t in threading.enumerate() if t.name.startswith("figtrace-fetch")]
