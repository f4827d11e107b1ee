"""RSS and Atom feeds: an article per entry (keys by id, link, position), metadata and dates as
printed, text from HTML content, feeds that are not well-formed, cut short or no feed at all,
and re-ingesting a feed that moved on (a window: entries that dropped off stay)."""

import json

import sqlite_utils
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.ingest import parse_file
from pipeline.runner import ingest_paths

from .helpers import only_error, write


def rss_item(guid, title, body, date="Tue, 04 Mar 2025 23:30:00 -0500", link=None, extra=""):
    guid_tag = f'<guid isPermaLink="false">{guid}</guid>' if guid else ""
    link_tag = f"<link>{link}</link>" if link else ""
    return (f"<item><title>{title}</title>{link_tag}{guid_tag}<pubDate>{date}</pubDate>"
            f"<description><![CDATA[{body}]]></description>{extra}</item>")  # fmt: skip


def rss(*items, title="Example Wire"):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
        f"<channel><title>{title}</title><link>https://wire.example/</link>\n" + "\n".join(items) + "\n</channel></rss>\n"
    )


CHIPS = rss_item("wire-1", "Chips cost less", "<p>DeepSeek said training cost <b>$6 million</b>.</p><p>Analysts doubt it.</p>",
                 link="https://wire.example/chips", extra="<author>jo@wire.example (Jo Smith)</author>")  # fmt: skip
PORT = rss_item("wire-2", "Port record", "<p>Short teaser.</p>", date="Wed, 05 Mar 2025 08:00:00 GMT",
                link="https://wire.example/port",
                extra="<content:encoded><![CDATA[<p>The port handled 4.2 million containers last year.</p>"
                      "<script>track()</script><p>Its authority said so on Tuesday.</p>]]></content:encoded>")  # fmt: skip
CARS = rss_item("wire-3", "Car sales", "Beta sold 7 cars in March.", date="Thu, 06 Mar 2025 09:00:00 GMT", link="https://wire.example/cars")

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel rdf:about="https://rdf.example/"><title>RDF Times</title><link>https://rdf.example/</link><description>d</description></channel>
<item rdf:about="https://rdf.example/acme"><title>Acme chips</title><link>https://rdf.example/acme</link>
  <dc:date>2025-03-04T10:00:00+01:00</dc:date><dc:creator>Ann Lee</dc:creator><description>teaser</description>
  <content:encoded><![CDATA[<p>Acme spent $6 million on chips, it said.</p>]]></content:encoded></item>
</rdf:RDF>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">Atom &lt;em&gt;Daily&lt;/em&gt;</title><id>urn:atom-daily</id>
<updated>2025-03-06T00:00:00Z</updated>
<entry><title>Hiring</title><id>tag:atom.example,2025:1</id><link href="https://atom.example/hiring"/>
  <published>2025-03-05T01:00:00+09:00</published><updated>2025-03-07T00:00:00Z</updated>
  <author><name>Bo Park</name></author><author><name>Cy Diaz</name></author>
  <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Acme hired 40 engineers in Ohio.</p></div></content>
  <summary>Not this.</summary></entry>
<entry><title>Cars</title><link href="https://atom.example/cars"/><updated>2025-03-06T12:00:00Z</updated>
  <content type="text">Beta sold 7 cars
in March.</content></entry>
</feed>
"""


def by_key(parsed):
    return {article.path.split("#", 1)[1]: article for article in parsed.articles}


# --- reading one feed ------------------------------------------------------------------------


def test_rss2_entries_are_articles_with_their_metadata(tmp_path):
    path = write(tmp_path / "wire.xml", rss(CHIPS, PORT, CARS))
    parsed = parse_file(path)
    assert (parsed.errors, parsed.warnings) == ([], [])
    assert [a.path for a in parsed.articles] == [f"{path}#wire-1", f"{path}#wire-2", f"{path}#wire-3"]
    chips, port, cars = parsed.articles
    assert (chips.title, chips.url, chips.source, chips.author) == (
        "Chips cost less", "https://wire.example/chips", "Example Wire", "Jo Smith")  # fmt: skip
    assert chips.text == "DeepSeek said training cost $6 million.\nAnalysts doubt it."
    # As printed: 23:30 at UTC-5 is the 4th where it was written (the 5th in UTC).
    assert (chips.published, chips.published_from) == ("2025-03-04", "header")
    # The full content, not the teaser; scripts are no text.
    assert port.text == "The port handled 4.2 million containers last year.\nIts authority said so on Tuesday."
    assert port.published == "2025-03-05"
    assert (cars.text, cars.published, cars.author) == ("Beta sold 7 cars in March.", "2025-03-06", None)


def test_rss1_rdf_feed(tmp_path):
    path = write(tmp_path / "times.rss", RDF)
    (article,) = parse_file(path).articles
    assert article.path == f"{path}#https://rdf.example/acme"
    assert (article.title, article.url, article.source, article.author) == (
        "Acme chips", "https://rdf.example/acme", "RDF Times", "Ann Lee")  # fmt: skip
    assert (article.text, article.published) == ("Acme spent $6 million on chips, it said.", "2025-03-04")


def test_atom_feed(tmp_path):
    path = write(tmp_path / "daily.atom", ATOM)
    parsed = parse_file(path)
    assert parsed.errors == []
    entries = by_key(parsed)
    assert set(entries) == {"tag:atom.example,2025:1", "https://atom.example/cars"}  # no id: its link
    hiring, cars = entries["tag:atom.example,2025:1"], entries["https://atom.example/cars"]
    assert (hiring.title, hiring.url, hiring.author) == ("Hiring", "https://atom.example/hiring", "Bo Park, Cy Diaz")
    assert hiring.source == cars.source == "Atom Daily"  # an HTML title as text
    assert hiring.text == "Acme hired 40 engineers in Ohio."
    assert hiring.published == "2025-03-05"  # published, not updated; its own calendar day
    assert (cars.text, cars.published) == ("Beta sold 7 cars\nin March.", "2025-03-06")  # updated when no published


def test_relative_entry_links_are_resolved_against_the_feed_s_link_and_content_links_kept(tmp_path):
    linking = rss_item("wire-4", "Follow-up", '<p>Acme spent $6 million, <a href="https://daily.example/acme#top">the Daily reported</a>;'
                       ' <a href="/chips">our story</a>.</p>', link="/2025/03/follow-up")  # fmt: skip
    parsed = parse_file(write(tmp_path / "wire.xml", rss(CHIPS, linking)))
    assert parsed.warnings == [] and parsed.errors == []
    article = by_key(parsed)["wire-4"]
    assert article.url == "https://wire.example/2025/03/follow-up"
    assert article.links == ("https://daily.example/acme", "https://wire.example/chips")
    assert by_key(parsed)["wire-1"].links == ()  # (no link in its text)
    # A feed naming no address of its own: the relative link cannot be resolved, and says so.
    bare = rss(linking).replace("<link>https://wire.example/</link>", "")
    orphan = parse_file(write(tmp_path / "bare.xml", bare))
    assert by_key(orphan)["wire-4"].url is None
    assert [str(w) for w in orphan.warnings] == [f"{tmp_path / 'bare.xml'}#wire-4: entry link '/2025/03/follow-up' is relative"
                                                 " and the feed names no address to resolve it against: stored without a URL"]  # fmt: skip


def test_an_entry_without_id_or_link_is_keyed_by_position_and_repeated_ids_apart(tmp_path):
    path = write(tmp_path / "f.xml", rss(
        rss_item("dup", "One", "First story."), rss_item("dup", "Two", "Second story."),
        rss_item(None, "Three", "Third story."), rss_item(None, "Four", "Fourth story.", link="https://x.example/4")))  # fmt: skip
    assert [a.path.split("#", 1)[1] for a in parse_file(path).articles] == ["dup", "dup (2)", "3", "https://x.example/4"]


def test_an_entry_without_text_is_an_error_and_the_rest_are_kept(tmp_path):
    empty = '<item><title>Only a title</title><guid>t-1</guid></item>'
    path = write(tmp_path / "f.xml", rss(empty, CARS))
    parsed = parse_file(path)
    assert [a.path for a in parsed.articles] == [f"{path}#wire-3"]
    assert [str(e) for e in parsed.errors] == [f"{path}#t-1: entry has no text (no content or summary)"]


def test_content_without_words_falls_back_to_the_summary(tmp_path):
    picture = rss_item("p-1", "Photo", "Acme opened 3 plants.", extra='<content:encoded><![CDATA[<img src="a.jpg">]]></content:encoded>')
    assert parse_file(write(tmp_path / "f.xml", rss(picture))).articles[0].text == "Acme opened 3 plants."


def test_an_unreadable_entry_date_is_a_warning_and_the_entry_is_stored_undated(tmp_path):
    path = write(tmp_path / "f.xml", rss(rss_item("w", "T", "Acme hired 40 engineers.", date="someday")))
    parsed = parse_file(path)
    assert (parsed.articles[0].published, parsed.articles[0].published_from) == (None, "none")
    assert [str(w) for w in parsed.warnings] == [f"{path}#w: date 'someday' is not a readable date; stored undated"]


def test_identity_follows_the_entry_not_its_place_in_the_feed(tmp_path):
    before = parse_file(write(tmp_path / "a.xml", rss(CHIPS, PORT)))
    after = parse_file(write(tmp_path / "b.xml", rss(CARS, CHIPS, PORT.replace("4.2 million", "4.3 million"))))
    old, new = by_key(before), by_key(after)
    assert old["wire-1"].raw == new["wire-1"].raw
    assert old["wire-2"].raw != new["wire-2"].raw


# --- feeds that are broken, cut short, or no feed ------------------------------------------


def test_an_xml_file_that_is_no_feed_is_one_error(tmp_path):
    path = write(tmp_path / "pom.xml", "<?xml version='1.0'?>\n<!-- build -->\n<project><a>1</a></project>\n")
    assert only_error(path) == f"{path}: not an RSS or Atom feed (its root element is <project>)"


def test_a_malformed_feed_is_one_error(tmp_path):
    path = write(tmp_path / "broken.rss", "this is <not xml at all\n")
    assert only_error(path) == f"{path}: not an RSS or Atom feed: not well-formed XML (syntax error, line 1)"


def test_empty_feed_file(tmp_path):
    assert only_error(write(tmp_path / "a.xml", " \n")) == f"{tmp_path / 'a.xml'}: empty file"


def test_a_truncated_feed_is_an_error_and_its_last_entry_is_left_out(tmp_path):
    whole = rss(CHIPS, PORT, CARS)
    path = write(tmp_path / "cut.xml", whole[: whole.index("Beta sold")])
    parsed = parse_file(path)
    assert [a.path for a in parsed.articles] == [f"{path}#wire-1", f"{path}#wire-2"]
    assert [str(e) for e in parsed.errors] == [
        f"{path}: truncated feed: it ends before its closing </rss>; its last entry is left out"]  # fmt: skip


def test_a_feed_that_is_not_well_formed_is_read_leniently_with_a_warning(tmp_path):
    # Entities HTML knows but XML does not, and a bare "&": common in feeds in the wild.
    path = write(tmp_path / "loose.xml", rss(CHIPS.replace("Chips cost less", "Chips&nbsp;cost less"), CARS.replace("/cars", "/cars?a=1&b=2")))
    parsed = parse_file(path)
    assert parsed.errors == []
    assert [a.title for a in parsed.articles] == ["Chips cost less", "Car sales"]
    assert parsed.articles[1].url == "https://wire.example/cars?a=1&b=2"
    assert [str(w) for w in parsed.warnings] == [f"{path}: feed is not well-formed XML (undefined entity, line 4); read leniently"]


def test_a_feed_over_the_size_cap_is_refused(tmp_path):
    path = write(tmp_path / "big.xml", rss(CHIPS))
    assert only_error(path, max_bytes=100).startswith(f"{path}: file too large (")


# --- ingesting feeds ---------------------------------------------------------------------------


def stored(db_path):
    db = sqlite_utils.Database(db_path)
    return {r["path"].split("#", 1)[1]: r for r in db.query(
        "select i.path, a.* from inputs i join articles a on a.id = i.article_id")}  # fmt: skip


def test_reingesting_a_feed_changes_nothing(nlp, tmp_path, fingerprint):
    folder = tmp_path / "feeds"
    wire = write(tmp_path / "wire.xml", rss(CHIPS, PORT, CARS))  # (an .xml is read when named)
    write(folder / "times.rss", RDF)
    write(folder / "daily.atom", ATOM)
    db_path = tmp_path / "news.db"
    first = ingest_paths([folder, wire], db_path, nlp=nlp)
    assert (first.errors, first.files, first.new) == ([], 3, 6)
    rows = stored(db_path)
    assert rows["wire-1"]["source"] == "Example Wire" and rows["wire-1"]["published"] == "2025-03-04"
    assert rows["wire-1"]["url"] == "https://wire.example/chips" and rows["wire-1"]["title"] == "Chips cost less"
    before = fingerprint(db_path)
    again = ingest_paths([folder, wire], db_path, nlp=nlp)
    assert (again.new, again.updated, again.unchanged, again.removed, again.claims) == (0, 0, 6, 0, 0)
    assert fingerprint(db_path) == before


def test_an_updated_feed_adds_new_entries_replaces_edited_ones_and_keeps_those_that_dropped_off(nlp, tmp_path):
    feed = write(tmp_path / "wire.xml", rss(CHIPS, PORT, CARS))
    db_path = tmp_path / "news.db"
    ingest_paths([feed], db_path, nlp=nlp)
    fresh = rss_item("wire-4", "Hiring", "Acme hired 40 engineers in Ohio.", date="Fri, 07 Mar 2025 09:00:00 GMT")
    # A new entry on top, one edited, one unchanged, and the oldest off the window.
    write(feed, rss(fresh, CHIPS, PORT.replace("4.2 million", "4.3 million")))
    moved = ingest_paths([feed], db_path, nlp=nlp)
    assert (moved.new, moved.updated, moved.unchanged, moved.removed, moved.errors) == (1, 1, 1, 0, [])
    rows = stored(db_path)
    assert set(rows) == {"wire-1", "wire-2", "wire-3", "wire-4"}  # wire-3 dropped off the feed, not out of the database
    assert "4.3 million" in rows["wire-2"]["text"] and rows["wire-4"]["published"] == "2025-03-07"
    db = sqlite_utils.Database(db_path)
    assert db.execute("select count(*) from articles where text like '%4.2 million%'").fetchone()[0] == 0


def test_bad_feeds_are_one_line_each_and_the_run_goes_on(nlp, tmp_path):
    folder = tmp_path / "in"
    write(folder / "config.xml", "<config><a>1</a></config>")
    write(folder / "junk.rss", "not a feed <")
    write(folder / "wire.rss", rss(CARS))
    errors = []
    summary = ingest_paths([folder, folder / "config.xml"], tmp_path / "news.db", nlp=nlp, on_error=lambda e: errors.append(str(e)))
    assert summary.new == 1
    # A folder's .xml files are not walked (sitemaps, build files): config.xml is read as named.
    assert sorted(errors) == [
        f"{folder / 'config.xml'}: not an RSS or Atom feed (its root element is <config>)",
        f"{folder / 'junk.rss'}: not an RSS or Atom feed: not well-formed XML (syntax error, line 1)",
    ]


def test_a_folder_s_xml_files_are_read_only_when_named(tmp_path):
    from pipeline.ingest import iter_input_files

    folder = tmp_path / "site"
    write(folder / "sitemap.xml", "<urlset/>")
    write(folder / "wire.rss", rss(CARS))
    assert [p.name for p in iter_input_files([folder])] == ["wire.rss"]
    assert [p.name for p in iter_input_files([folder / "sitemap.xml"])] == ["sitemap.xml"]


def test_trace_finds_a_claim_made_in_a_feed_entry(nlp, tmp_path, monkeypatch):
    import pipeline.parallel as parallel

    monkeypatch.setattr(parallel, "load_pipeline", lambda model=None: nlp)
    feed = write(tmp_path / "wire.xml", rss(CHIPS, PORT))
    db_path = str(tmp_path / "news.db")
    runner = CliRunner()
    ingested = runner.invoke(cli, ["ingest", str(feed), "--db", db_path], prog_name="analyze")
    assert ingested.exit_code == 0, ingested.output
    traced = runner.invoke(cli, ["trace", "$6 million", "--db", db_path, "--json"], prog_name="analyze")
    assert traced.exit_code == 0, traced.output
    claims = [c for f in json.loads(traced.output)["figures"] for c in f["claims"]]
    assert [(c["path"], c["published"], c["value"]) for c in claims] == [(f"{feed}#wire-1", "2025-03-04", 6_000_000)]
