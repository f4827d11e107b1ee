"""Citations: articles that link to another stored article, or credit a figure to the
outlet of an earlier article stating it; the citations view, its tables and the edges a
lineage carries."""

import json

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.database import write_transaction
from pipeline.ingest.html import page_links
from pipeline.runner import ingest_paths
from pipeline.store import open_db
from pipeline.store.articles import delete_article
from pipeline.store.citations import url_key

STORY = "Acme Robotics raised $40 million from investors led by Northwind Capital to expand its Ohio plant, the company said on Tuesday."


def page(url, site, date, body):
    return f"""<html><head><title>{site} story</title>
<link rel="canonical" href="{url}"><meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{site} story</h1>{body}</article></body></html>"""


def text(source, date, body):
    return f"title: {source} story\nsource: {source}\ndate: {date}\n\n{body}\n"


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    files = {
        "alpha.html": page("https://www.alpha-news.com/2025/03/acme/", "Alpha News", "2025-03-01", f"<p>{STORY}</p>"),
        # Links to Alpha's story as people paste it (no www., utm parameters, no trailing
        # slash) and to a page of Alpha that is not stored.
        "beta.html": page(
            "https://beta-post.com/acme-funding", "Beta Post", "2025-03-02",
            '<p>Acme Robotics raised $40 million for its Ohio plant, as <a href="https://alpha-news.com/2025/03/acme'
            '?utm_source=twitter&amp;utm_medium=social#top">first reported</a>. See also '
            '<a href="https://www.alpha-news.com/2025/02/other-story/">an older story</a>.</p>',
        ),
        "reuters.txt": text("Reuters", "2025-03-01", STORY),
        "herald.txt": text("Herald", "2025-03-03", "Acme Robotics raised $40 million for its Ohio plant, Reuters reported."),
        "gazette.txt": text("Gazette", "2025-03-04", "According to Reuters, Acme Robotics raised $40 million to expand its Ohio plant."),
        # Credits Reuters before Reuters stated it: no citation.
        "courier.txt": text("Courier", "2025-02-20", "Acme Robotics is raising $40 million for its Ohio plant, according to Reuters."),
        # Reuters crediting itself cites no other source.
        "reuters2.txt": text("Reuters", "2025-03-06", "Acme Robotics raised $40 million for its Ohio plant, Reuters reported."),
        # Credits Reuters for a figure no Reuters article states: no citation.
        "times.txt": text("Times", "2025-03-05", "Beta Corp lost 12,000 customers in Ohio last year, Reuters reported."),
    }
    for name, content in files.items():
        (folder / name).write_text(content)
    return folder


def citations(db):
    """(citing file, cited file, kind) of every row of the view."""
    names = {i: p.rsplit("/", 1)[-1] for i, p in db.execute("select id, path from articles")}
    return {(names[a], names[b], kind) for a, b, kind, _ in db.execute("select * from citations")}


EXPECTED = {
    ("beta.html", "alpha.html", "link"),
    ("herald.txt", "reuters.txt", "attribution"),
    ("gazette.txt", "reuters.txt", "attribution"),
}


def test_url_keys_drop_what_varies_between_copies_of_one_address():
    key = url_key("https://www.alpha-news.com/2025/03/acme/")
    assert key == "https://alpha-news.com/2025/03/acme"
    assert url_key("HTTPS://Alpha-News.com/2025/03/acme?utm_source=x&utm_campaign=y#top") == key
    assert url_key("https://alpha-news.com:443/2025/03/acme/") == key
    assert url_key("https://alpha-news.com/2025/03/acme?id=7&utm_source=x") == key + "?id=7"  # other parameters stay
    assert url_key("https://alpha-news.com/2025/03/Acme") != key  # paths keep their case
    assert url_key("mailto:desk@alpha-news.com") is None and url_key("/relative") is None and url_key(None) is None


def test_a_page_keeps_its_story_links_absolute_without_fragments_each_once(monkeypatch):
    html = """<html><head><base href="https://x.com/news/"></head><body><nav><a href="/menu">menu</a></nav>
    <article><p><a href="a.html#p2">a</a> <a href="a.html">again</a> <a href="mailto:x@y.z">mail</a>
    <a href="//cdn.y.com/b">b</a> <a href="javascript:void(0)">js</a> <a>none</a></p></article></body></html>"""
    assert page_links(html) == ("https://x.com/news/a.html", "https://cdn.y.com/b")  # (the nav is outside the story)
    assert page_links('<p><a href="/a">a</a> <a href="https://z.com/">z</a></p>') == ("https://z.com/",)  # no base: relative dropped
    assert page_links('<p><a href="/a">a</a></p>', "/story", "https://k.com/x") == ("https://k.com/a",)  # fetched from k.com
    import pipeline.ingest.html as html_module

    monkeypatch.setattr(html_module, "MAX_LINKS", 2)
    assert len(page_links("".join(f'<a href="https://z.com/{n}">{n}</a>' for n in range(5)))) == 2


def test_links_to_stored_articles_and_credits_to_earlier_outlets_are_citations(nlp, tmp_path, corpus):
    db_path = tmp_path / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    db = open_db(db_path)
    assert citations(db) == EXPECTED
    [link] = db.execute("select evidence from citations where kind = 'link'").fetchall()
    assert link[0] == "https://alpha-news.com/2025/03/acme?utm_source=twitter&utm_medium=social"  # as linked, no fragment
    for citing, evidence in db.execute("select article_id, evidence from citations where kind = 'attribution'"):
        claim = db.execute("select article_id, attributed_to from claims where id = ?", [evidence]).fetchone()
        assert claim == (citing, "Reuters")
    # Text files keep no links; the HTML ones keep theirs, the unknown page's too.
    assert db.execute("select count(*) from article_links").fetchone()[0] == 2  # beta's two (the nav is outside the story)


def test_the_view_follows_the_articles_deleted_edited_redated_and_a_reingest_changes_nothing(nlp, tmp_path, corpus):
    db_path = tmp_path / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    db = open_db(db_path)

    def tables():
        return {t: sorted(db.execute(f"select * from {t}").fetchall()) for t in ("article_links", "article_urls")}

    before = tables()
    ingest_paths([corpus], db_path, nlp=nlp)
    assert tables() == before and citations(db) == EXPECTED
    # An edited page replaces its article: the old one's links go with it (the trigger).
    beta = corpus / "beta.html"
    old_id = db.execute("select id from articles where path = ?", [str(beta)]).fetchone()[0]
    beta.write_text(beta.read_text().replace("an older story", "an older story of theirs"))
    ingest_paths([corpus], db_path, nlp=nlp)
    assert db.execute("select count(*) from article_links where article_id = ?", [old_id]).fetchone()[0] == 0
    assert db.execute("select count(*) from article_links").fetchone()[0] == 2 and citations(db) == EXPECTED
    # Redated after the articles that credit it, Reuters is cited by none of them.
    db.execute("update articles set published = '2025-03-10' where path like '%reuters.txt'")
    assert citations(db) == {("beta.html", "alpha.html", "link")}
    # A deleted article takes its URL (and links) with it: nothing links to it any more.
    alpha = db.execute("select id from articles where path like '%alpha.html'").fetchone()[0]
    with write_transaction(db):
        delete_article(db, alpha)
    assert db.execute("select count(*) from article_urls where article_id = ?", [alpha]).fetchone()[0] == 0
    assert citations(db) == set()


def test_a_traced_lineage_carries_who_cites_or_copies_whom(nlp, tmp_path, corpus):
    db_path = tmp_path / "news.db"
    (corpus / "daily.txt").write_text(text("Daily", "2025-03-02", "By Sam Lee\n\n" + STORY))  # a reprint
    ingest_paths([corpus], db_path, nlp=nlp)
    result = CliRunner().invoke(cli, ["trace", "$40 million", "--db", str(db_path), "--json"])
    assert result.exit_code == 0, result.output
    [figure] = [f for f in json.loads(result.output)["figures"] if len(f["claims"]) > 2]
    names = {c["article_id"]: c["path"].rsplit("/", 1)[-1] for c in figure["claims"]}
    edges = {(names[e["from"]], names[e["to"]], e["kind"]) for e in figure["citations"]}
    assert EXPECTED <= edges
    assert ("daily.txt", "reuters.txt", "copy") in edges or ("daily.txt", "alpha.html", "copy") in edges
    assert all(set(e) == {"from", "to", "kind", "evidence"} | ({"ordered"} if e["kind"] in ("copy", "partial") else set())
               for e in figure["citations"])  # fmt: skip
    ordered = {frozenset((names[e["from"]], names[e["to"]])): e["ordered"] for e in figure["citations"] if e["kind"] == "copy"}
    # Daily ran a day after the story it reprints; Alpha and Reuters ran it the same day.
    assert [v for k, v in ordered.items() if "daily.txt" in k] and all(v for k, v in ordered.items() if "daily.txt" in k)
    assert ordered[frozenset(("alpha.html", "reuters.txt"))] is False
    by_kind = {e["kind"]: e["evidence"] for e in figure["citations"]}
    assert by_kind["link"].startswith("https://alpha-news.com/") and 0.8 <= by_kind["copy"] <= 1


def test_the_terminal_and_markdown_stories_say_who_cites_whom(nlp, tmp_path, corpus):
    db_path = tmp_path / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    table = CliRunner().invoke(cli, ["trace", "$40 million", "--db", str(db_path), "--wide"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "cites: Beta Post (2025-03-02) links to Alpha News (2025-03-01)" in table.output
    assert "Herald (2025-03-03) credits Reuters (2025-03-01)" in table.output
    narrow = CliRunner().invoke(cli, ["trace", "$40 million", "--db", str(db_path)], env={"COLUMNS": "50"})
    assert max(map(len, narrow.output.splitlines())) <= 50
    assert "Gazette (2025-03-04) credits Reuters" in " ".join(narrow.output.split())
    story = CliRunner().invoke(cli, ["trace", "$40 million", "--db", str(db_path), "--format", "markdown"])
    assert "### Who cites whom" in story.output
    assert "- [Beta Post](<https://beta-post.com/acme-funding>) (2025-03-02) links to [Alpha News](<https://www.alpha-news.com/2025/03/acme/>) (2025-03-01)." in story.output
    assert "- Herald (2025-03-03) credits Reuters (2025-03-01)." in story.output


def test_a_database_made_before_citations_gets_its_article_urls(nlp, tmp_path, corpus):
    db_path = tmp_path / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    db = open_db(db_path)
    db.execute("drop view citations")
    db.execute("drop table article_urls")
    db.conn.commit()
    db.close()
    assert citations(open_db(db_path)) == EXPECTED  # (its links were kept: only URLs are read again)
