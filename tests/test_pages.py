"""figtrace's pages: the figure page's chart and lineage, the claim page's highlights, the about page, the database page's trace box, table pages' folded column descriptions, and stored markup escaped on every page."""

import html
import re

from pipeline.datasette_plugin import highlight_claim
from pipeline.tracing import figure_lineage

from .helpers import METADATA, figtrace_pages, get, rows, v3_training_cost


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


def lineage_rows(text):
    table = text[text.index('class="rows-and-columns figtrace-lineage"') :]
    return re.findall(r'<tr class="[^"]*">\s*<td><a href="[^"]*">(\d+)</a>', table[: table.index("</table>")])


def test_figure_page_pages_its_lineage_and_charts_every_claim(datasette, db, monkeypatch):
    monkeypatch.setattr("pipeline.pages.LINEAGE_PAGE", 3)
    figure_id = v3_training_cost(db)
    claims = figure_lineage(db, figure_id)["claims"]
    assert len(claims) > 6  # three pages at least
    pages = -(-len(claims) // 3)
    first = get(datasette, f"/news/figures/{figure_id}").text
    assert lineage_rows(first) == ["1", "2", "3"]
    assert f"Claims 1–3 of {len(claims)} (page 1 of {pages})" in first
    assert f'href="/news/figures/{figure_id}?lineage_page=2#lineage" rel="next"' in first and 'rel="prev"' not in first
    assert first.count('class="point"') == len(claims)  # the chart still draws every claim
    second = get(datasette, f"/news/figures/{figure_id}?lineage_page=2").text
    assert lineage_rows(second) == ["4", "5", "6"] and 'rel="prev"' in second
    last = get(datasette, f"/news/figures/{figure_id}?lineage_page={pages}").text
    assert lineage_rows(last)[-1] == str(len(claims)) and 'rel="next"' not in last
    # a page past the end, or unreadable, shows the nearest page rather than an empty table
    assert lineage_rows(get(datasette, f"/news/figures/{figure_id}?lineage_page=999").text) == lineage_rows(last)
    assert lineage_rows(get(datasette, f"/news/figures/{figure_id}?lineage_page=abc").text) == ["1", "2", "3"]


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


def test_markup_in_stored_text_is_escaped_on_every_page(hostile):
    ds, db = hostile
    for path in figtrace_pages(ds, db):
        page = get(ds, path)
        assert page.status_code == 200, path
        raw = page.text.lower()
        assert "<script>figtrace_xss" not in raw and "<img src=x" not in raw, path
    claim_page = get(ds, f"/-/figtrace/claim/news/{db.execute('select min(id) from claims').fetchone()[0]}").text
    assert "&lt;script&gt;figtrace_xss()&lt;/script&gt;" in claim_page  # shown, as text


def test_figure_page_says_when_its_origin_is_uncertain(datasette, db):
    figure_id = v3_training_cost(db)
    lineage = figure_lineage(db, figure_id)
    assert lineage["origin_certainty"] == "some_undated"  # undated demo articles state it too
    text = get(datasette, f"/news/figures/{figure_id}").text
    assert 'data-certainty="some_undated"' in text
    assert html.escape(lineage["origin_note"]) in text or lineage["origin_note"] in html.unescape(text)


def test_database_page_has_a_box_that_traces_a_figure(datasette, db):
    page = get(datasette, "/news").text
    form = re.search(r'<form class="figtrace-trace" action="([^"]+)" method="get"[^>]*>(.*?)</form>', page, re.S)
    assert form and form.group(1) == "/news/trace_figure"
    fields = [tag for tag in re.findall(r"<input [^>]*>", form.group(2)) if 'type="submit"' not in tag]
    assert [re.search(r'name="(\w+)"', tag).group(1) for tag in fields] == ["figure"]  # Enter submits it alone
    assert page.index('class="figtrace-trace"') < page.index('<form class="sql"')  # above the SQL box
    # what it submits is the canned query's own parameter: $6M finds the figure
    assert rows(datasette, "/news/trace_figure.json?figure=%246M")[0]["figure_id"] == v3_training_cost(db)


def test_table_pages_fold_their_column_descriptions(datasette):
    tables = METADATA["databases"]["news"]["tables"]
    for table in ("claims", "figures", "articles"):
        page = get(datasette, f"/news/{table}").text
        folded = re.search(r"<details([^>]*)>\s*<summary>Column descriptions</summary>(.*?)</details>", page, re.S)
        assert folded and "open" not in folded.group(1), table
        assert page.count('<dl class="column-descriptions">') == 1, table  # Datasette's own is gone
        described = re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", folded.group(2))
        assert [(name, html.unescape(text)) for name, text in described] == list(tables[table]["columns"].items())
        assert html.escape(tables[table]["description"], quote=False)[:60] in page  # the rest of the metadata stays
        # the header's description tooltips, from Datasette's own code, stay too
        assert 'data-column-description="' in page
    assert "<details" not in get(datasette, "/news/trace_terms").text  # no column descriptions: nothing to fold


def test_facet_values_wrap_between_words(datasette):
    page = get(datasette, "/news/claims").text
    assert re.search(r"\.facet-info ul\.tight-bullets li \{[^}]*word-break: normal;", page)
    assert 'class="facet-info' in page


def test_claims_and_figures_pages_show_fifty_rows_and_page_on(datasette, db):
    for table in ("claims", "figures"):
        stored = db.execute(f"select count(*) from {table}").fetchone()[0]
        assert stored > 50, table  # (the demo corpus has more: a page of 50 and a next one)
        page = get(datasette, f"/news/{table}.json?_shape=objects").json()
        assert len(page["rows"]) == 50 and page["next"], table
        assert len(get(datasette, f"/news/{table}.json?_shape=objects&_size=100").json()["rows"]) == min(stored, 100), table
