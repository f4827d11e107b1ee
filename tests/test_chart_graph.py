"""The lineage graph of a figure page: who cites or copies whom, in lineage order."""

import html
import re

from pipeline.chart_graph import MAX_NODES, lineage_graph


def claim(article_id, source, published, *, origin=False, copy_of=None, title=None):
    return {"article_id": article_id, "source": source, "title": title or f"{source} story", "path": f"/c/{article_id}.txt",
            "published": published, "is_origin": origin, "copy_of": copy_of}  # fmt: skip


def copy_of(article_id, source, published, kind="copy"):
    return {"article_id": article_id, "source": source, "published": published, "kind": kind}


def lineage(claims, citations):
    return {"subject": "Acme funding", "claims": claims, "origin": next(c for c in claims if c["is_origin"]),
            "n_articles": len({c["article_id"] for c in claims}), "citations": citations}  # fmt: skip


WIRE = claim("w", "Wire", "2025-03-01", origin=True)
REUTERS = claim("r", "Reuters", "2025-03-01")
COURIER = claim("c", "Courier", "2025-03-04", copy_of=copy_of("w", "Wire", "2025-03-01"))
GAZETTE = claim("g", "Gazette", "2025-03-05", copy_of=copy_of("w", "Wire", "2025-03-01", "partial"))
HERALD = claim("h", "Herald", "2025-03-06")
BLOG = claim("b", "Blog", None)
EDGES = [
    {"from": "c", "to": "w", "kind": "copy", "evidence": 1.0},
    {"from": "g", "to": "w", "kind": "partial", "evidence": 0.5},
    {"from": "h", "to": "r", "kind": "attribution", "evidence": "claim-1"},
    {"from": "b", "to": "h", "kind": "link", "evidence": "https://herald.example/acme"},
]
FULL = lineage([WIRE, REUTERS, COURIER, dict(COURIER, is_origin=False), GAZETTE, HERALD, BLOG], EDGES)


def nodes(svg):
    """Each node's (article id, classes, source label, date label), left to right."""
    found = re.findall(r'<g class="([^"]+)" data-article="([^"]+)">.*?class="source">([^<]*)</text>.*?class="date">([^<]*)</text>', svg, re.S)
    return [(article, css.split(), html.unescape(source), date) for css, article, source, date in found]


def edges(svg):
    """Each edge's (kind, from, to, tooltip)."""
    found = re.findall(r'<path class="edge (\w+)"[^>]*data-from="([^"]+)" data-to="([^"]+)"><title>([^<]*)</title>', svg)
    return [(kind, a, b, html.unescape(tip)) for kind, a, b, tip in found]


def test_one_node_per_article_in_lineage_order_the_origin_ringed_copies_hollow():
    svg = str(lineage_graph(FULL))
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg and "width:100%" in svg
    found = nodes(svg)
    assert [(a, s, d) for a, _, s, d in found] == [
        ("w", "Wire", "2025-03-01"), ("r", "Reuters", "2025-03-01"), ("c", "Courier", "2025-03-04"),
        ("g", "Gazette", "2025-03-05"), ("h", "Herald", "2025-03-06"), ("b", "Blog", "undated"),
    ]  # fmt: skip
    css = {a: c for a, c, _, _ in found}
    assert "origin" in css["w"] and not any("origin" in c for a, c in css.items() if a != "w")
    assert svg.count('class="halo"') == 1
    assert "copy" in css["c"] and "copy" in css["g"] and all("independent" in css[a] for a in "wrhb")
    assert svg.count('class="undated-rule"') == 1  # between the dated and the undated


def test_an_edge_per_citation_styled_by_kind_with_its_words():
    found = edges(str(lineage_graph(FULL)))
    assert [(k, a, b) for k, a, b, _ in found] == [("copy", "c", "w"), ("partial", "g", "w"), ("attribution", "h", "r"), ("link", "b", "h")]
    words = {k: tip for k, _, _, tip in found}
    assert words["copy"] == "Courier copies Wire (copy, 3 days later)"
    assert words["partial"] == "Gazette copies part of Wire (partial, 4 days later)"
    assert words["attribution"] == "Herald credits Reuters"
    assert words["link"].startswith("Blog links to Herald")
    svg = str(lineage_graph(FULL))
    assert 'class="edge partial"' in svg and re.search(r'class="edge partial"[^>]*stroke-dasharray', svg)
    assert not re.search(r'class="edge copy"[^>]*stroke-dasharray', svg)
    assert re.search(r'class="edge link"[^>]*stroke="#1565c0"', svg) and re.search(r'class="edge attribution"[^>]*stroke="#7b1fa2"', svg)


def test_the_legend_names_only_the_kinds_drawn():
    svg = str(lineage_graph(lineage([WIRE, HERALD, REUTERS], [EDGES[2]])))
    keys = re.findall(r'class="legend-item" data-key="([^"]+)"', svg)
    assert keys == ["origin", "independent", "attribution"]  # no copy: no hollow node, no copy arrow
    keys = re.findall(r'class="legend-item" data-key="([^"]+)"', str(lineage_graph(FULL)))
    assert keys == ["origin", "independent", "copy-node", "copy", "partial", "link", "attribution"]


def test_text_is_escaped():
    hostile = claim("x", "<script>alert(1)</script>", "2025-03-02", title='"><img src=x onerror=alert(2)>')
    svg = str(lineage_graph(lineage([WIRE, hostile], [{"from": "x", "to": "w", "kind": "link", "evidence": "javascript:<b>"}])))
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    [(_, _, _, tip)] = edges(svg)
    assert tip.startswith("<script>alert(1)</script> links to Wire")


def test_a_large_figure_draws_the_first_articles_and_says_how_many_more():
    many = [claim(f"a{n:04}", f"Outlet {n}", f"2025-{1 + n // 28 % 12:02}-{1 + n % 28:02}", origin=n == 0) for n in range(1000)]
    cites = [{"from": f"a{n:04}", "to": "a0000", "kind": "link", "evidence": None} for n in range(1, 1000)]
    svg = str(lineage_graph(lineage(many, cites)))
    assert len(nodes(svg)) == MAX_NODES and nodes(svg)[0][0] == "a0000" and nodes(svg)[-1][0] == f"a{MAX_NODES - 1:04}"
    assert len(edges(svg)) == MAX_NODES - 1  # (the edges among the articles drawn)
    assert f"and {1000 - MAX_NODES:,} more articles" in svg
    assert len(svg) < 40_000
    assert "more article" not in str(lineage_graph(FULL))


def test_no_edges_no_graph():
    assert str(lineage_graph(lineage([WIRE, HERALD], []))) == ""
    assert str(lineage_graph({"claims": [WIRE], "citations": [{"from": "w", "to": "w", "kind": "link"}]})) == ""


def test_the_figure_page_draws_a_copy_edge(nlp, tmp_path):
    import sqlite_utils
    from datasette.app import Datasette

    from pipeline.runner import ingest_paths
    from pipeline.serve import register_plugin
    from pipeline.tracing import find_figures

    from .helpers import METADATA, get
    from .test_copies import write_wire_and_reprint

    corpus = write_wire_and_reprint(tmp_path / "corpus")
    db_path = tmp_path / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    [figure_id] = find_figures(sqlite_utils.Database(db_path), "$40 million")
    register_plugin()
    page = get(Datasette(immutables=[str(db_path)], metadata=METADATA), f"/news/figures/{figure_id}")
    assert page.status_code == 200
    assert "Who copies or cites whom" in page.text and 'class="figtrace-graph"' in page.text
    tips = re.findall(r'<path class="edge copy"[^>]*><title>([^<]*)</title>', page.text)
    assert [html.unescape(t) for t in tips] == ["Courier copies Wire (copy, 3 days later)"]
    # The lineage table says so on the copy's row.
    assert "copy of Wire, 3 days later" in html.unescape(page.text)


def test_the_figure_page_says_which_ran_first_is_not_known_for_a_same_day_copy(nlp, tmp_path):
    import sqlite_utils
    from datasette.app import Datasette

    from pipeline.runner import ingest_paths
    from pipeline.serve import register_plugin
    from pipeline.tracing import find_figures

    from .helpers import METADATA, get
    from .test_copies import write_wire_and_reprint

    corpus = write_wire_and_reprint(tmp_path / "corpus", "2025-03-01")
    db_path = tmp_path / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    [figure_id] = find_figures(sqlite_utils.Database(db_path), "$40 million")
    register_plugin()
    text = html.unescape(get(Datasette(immutables=[str(db_path)], metadata=METADATA), f"/news/figures/{figure_id}").text)
    assert "(the same day: which ran first is not known)" in text and "copy of" not in text
    tips = re.findall(r'<path class="edge copy"[^>]*><title>([^<]*)</title>', text)
    assert tips == ["Wire and Courier run the same text (which ran first is not known)"] or tips == [
        "Courier and Wire run the same text (which ran first is not known)"]
