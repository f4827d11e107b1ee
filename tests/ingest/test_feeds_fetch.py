"""``analyze ingest feed.xml --fetch``: feed entries take the full text of the pages they link
to (served here on 127.0.0.1), keeping their keys, titles and dates; a page that fails leaves
the entry's summary with one warning; without --fetch nothing is fetched; a re-ingest fetches
nothing again (--refetch does)."""

from __future__ import annotations

import sqlite_utils
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.ingest.urls import FetchedPage, parse_page
from pipeline.runner import ingest_paths

from .helpers import write
from .test_urls import CARS, STORY, site  # noqa: F401 (site: the fixture serving the pages)


def feed(site) -> str:
    """Three entries: one dated linking to /story, one undated to /cars, one to a 404."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example Wire</title><link>https://wire.example/</link>
<item><title>Acme chips</title><link>{site.url("/story")}</link><guid isPermaLink="false">wire-1</guid>
  <pubDate>Wed, 05 Mar 2025 08:00:00 GMT</pubDate><description>Acme spent $6 million on chips.</description></item>
<item><title>Car sales</title><link>{site.url("/2025/03/01/cars")}</link><guid isPermaLink="false">wire-2</guid>
  <description>Beta sold cars.</description></item>
<item><title>Gone</title><link>{site.url("/missing")}</link><guid isPermaLink="false">wire-3</guid>
  <pubDate>Thu, 06 Mar 2025 08:00:00 GMT</pubDate><description>Gamma hired 12 people.</description></item>
</channel></rss>
"""


def page_text(url: str, raw: bytes) -> str:
    (article,) = parse_page(FetchedPage(url, url, raw, "utf-8")).articles
    return article.text


def stored(db_path):
    rows = sqlite_utils.Database(db_path).execute(
        "select i.path, a.text, a.title, a.url, a.published, a.source from inputs i join articles a on a.id = i.article_id order by i.path"
    ).fetchall()
    return {path.rsplit("#", 1)[1]: row for path, *row in rows}


def test_fetch_stores_the_pages_full_text_under_the_entry_keys_and_a_404_keeps_its_summary(site, nlp, tmp_path):
    path = write(tmp_path / "wire.xml", feed(site))
    warnings = []
    summary = ingest_paths([path], tmp_path / "news.db", nlp=nlp, fetch=True, on_warning=lambda w: warnings.append(str(w)))
    assert warnings == [f"{path}#wire-3: linked page not used ({site.url('/missing')}: HTTP 404 Not Found); stored from the feed entry"]
    assert (summary.files, summary.articles, summary.new, summary.errors) == (1, 3, 3, [])
    assert site.hits == {"/story": 1, "/2025/03/01/cars": 1, "/missing": 1}
    rows = stored(tmp_path / "news.db")
    # The entry's title, date and source; the page's text and URL.
    assert rows["wire-1"] == [page_text(site.url("/story"), STORY), "Acme chips", site.url("/story"), "2025-03-05", "Example Wire"]
    assert "40 engineers in Ohio" in rows["wire-1"][0]
    # An undated entry is dated by its page (here: the page's URL).
    assert rows["wire-2"] == [page_text(site.url("/2025/03/01/cars"), CARS), "Car sales", site.url("/2025/03/01/cars"), "2025-03-01", "Example Wire"]
    assert rows["wire-3"] == ["Gamma hired 12 people.", "Gone", site.url("/missing"), "2025-03-06", "Example Wire"]


def test_without_fetch_no_page_is_requested(site, nlp, tmp_path):
    path = write(tmp_path / "wire.xml", feed(site))
    summary = ingest_paths([path], tmp_path / "news.db", nlp=nlp)
    assert (summary.new, summary.warnings) == (3, [])
    assert site.hits == {}
    assert [row[0] for row in stored(tmp_path / "news.db").values()] == ["Acme spent $6 million on chips.", "Beta sold cars.", "Gamma hired 12 people."]


def test_reingest_with_fetch_fetches_nothing_and_changes_nothing_and_refetch_fetches_again(site, nlp, tmp_path, fingerprint):
    path = write(tmp_path / "wire.xml", feed(site))
    db_path = tmp_path / "news.db"
    first = ingest_paths([path], db_path, nlp=nlp, fetch=True)
    hits, before = dict(site.hits), fingerprint(db_path)

    again = ingest_paths([path], db_path, nlp=nlp, fetch=True)
    assert site.hits == hits  # offline: every entry is stored already
    assert (again.articles, again.not_refetched, again.new, again.updated, again.figures, again.warnings) == (3, 3, 0, 0, None, [])
    assert again.kept_claims == first.claims
    assert fingerprint(db_path) == before

    refetched = ingest_paths([path], db_path, nlp=nlp, fetch=True, refetch=True)
    assert site.hits == {name: n + 1 for name, n in hits.items()}
    assert (refetched.unchanged, refetched.updated, refetched.not_refetched, len(refetched.warnings)) == (3, 0, 0, 1)
    assert fingerprint(db_path) == before


def test_cli_fetch_prints_one_warning_and_succeeds(site, nlp, tmp_path, monkeypatch):
    import pipeline.parallel as parallel

    monkeypatch.setattr(parallel, "load_pipeline", lambda model=None: nlp)
    path = write(tmp_path / "wire.xml", feed(site))
    result = CliRunner().invoke(cli, ["ingest", str(path), "--fetch", "--db", str(tmp_path / "news.db")], prog_name="analyze")
    assert result.exit_code == 0, result.output
    assert result.output.count("warning: ") == 1
    assert f"warning: {path}#wire-3: linked page not used ({site.url('/missing')}: HTTP 404 Not Found)" in result.output
    assert "1 file, 3 articles (3 new)" in result.output


def serve_feed(site, path: str, content_type: str) -> str:
    site.routes[path] = (200, {"Content-Type": content_type}, feed(site).encode())
    return site.url(path)


def test_a_feed_at_a_url_is_read_as_a_feed_file_is_whatever_xml_type_it_is_served_as(site, nlp, tmp_path):
    # Its own type, generic XML, and an HTML label on a document rooted <rss>.
    urls = [serve_feed(site, "/feed", "application/rss+xml"), serve_feed(site, "/wire.xml", "text/xml; charset=utf-8"),
            serve_feed(site, "/x.rss", "application/x-rss+xml"),
            serve_feed(site, "/mislabelled", "text/html")]  # fmt: skip
    for url in urls:
        db_path = tmp_path / f"{url.rsplit('/', 1)[1]}.db"
        summary = ingest_paths([url], db_path, nlp=nlp)
        assert (summary.files, summary.pages, summary.articles, summary.new, summary.errors) == (0, 1, 3, 3, []), url
        rows = sqlite_utils.Database(db_path).execute("select i.path, a.text, a.url, a.published, a.source from inputs i join articles a on a.id = i.article_id order by i.path").fetchall()  # fmt: skip
        assert rows[0] == (f"{url}#wire-1", "Acme spent $6 million on chips.", site.url("/story"), "2025-03-05", "Example Wire")
        assert [row[0] for row in rows] == [f"{url}#wire-{n}" for n in (1, 2, 3)]
    assert "/story" not in site.hits  # no entry's page fetched without --fetch


def test_a_feed_at_a_url_is_fetched_again_each_run_its_entries_unchanged_and_fetch_follows_its_links(site, nlp, tmp_path, fingerprint):
    url = serve_feed(site, "/feed", "application/atom+xml")
    db_path = tmp_path / "news.db"
    ingest_paths([url], db_path, nlp=nlp)
    before = fingerprint(db_path)
    again = ingest_paths([url], db_path, nlp=nlp)
    assert site.hits["/feed"] == 2  # a feed is a window on a stream: read anew
    assert (again.unchanged, again.new, again.updated) == (3, 0, 0)
    assert fingerprint(db_path) == before

    fetched = ingest_paths([url], tmp_path / "fetched.db", nlp=nlp, fetch=True)
    assert site.hits["/story"] == 1 and site.hits["/missing"] == 1
    assert [str(w) for w in fetched.warnings] == [f"{url}#wire-3: linked page not used ({site.url('/missing')}: HTTP 404 Not Found); stored from the feed entry"]
    rows = stored(tmp_path / "fetched.db")
    assert "40 engineers in Ohio" in rows["wire-1"][0]


def test_xml_at_a_url_that_is_no_feed_is_one_line_naming_it(site, nlp, tmp_path):
    site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, b"<?xml version='1.0'?><urlset><url><loc>x</loc></url></urlset>")
    summary = ingest_paths([site.url("/sitemap.xml")], tmp_path / "news.db", nlp=nlp)
    assert [str(e) for e in summary.errors] == [f"{site.url('/sitemap.xml')}: not an RSS or Atom feed (its root element is <urlset>)"]


def test_a_feed_at_a_url_with_relative_links_has_them_resolved_and_fetched(site, nlp, tmp_path):
    relative = feed(site).replace(site.base, "").replace("<link>https://wire.example/</link>", "")
    site.routes["/relative.rss"] = (200, {"Content-Type": "application/rss+xml"}, relative.encode())
    summary = ingest_paths([site.url("/relative.rss")], tmp_path / "news.db", nlp=nlp, fetch=True)
    assert site.hits.get("/story") == 1 and site.hits.get("/2025/03/01/cars") == 1
    rows = stored(tmp_path / "news.db")
    assert rows["wire-1"][2] == site.url("/story") and "40 engineers in Ohio" in rows["wire-1"][0]
    assert len(summary.warnings) == 1  # (the 404)


def test_xhtml_served_as_generic_xml_is_a_page_not_a_feed(site, nlp, tmp_path):
    xhtml = b'<?xml version="1.0"?>' + STORY.replace(b"<html>", b'<html xmlns="http://www.w3.org/1999/xhtml">')
    site.routes["/page.xml"] = (200, {"Content-Type": "application/xml"}, xhtml)
    summary = ingest_paths([site.url("/page.xml")], tmp_path / "news.db", nlp=nlp)
    assert (summary.new, summary.errors) == (1, [])
    (text,) = sqlite_utils.Database(tmp_path / "news.db").execute("select text from articles").fetchone()
    assert "40 engineers in Ohio" in text
