"""The lineage graph of a figure page, drawn on the server as inline SVG beside the column
chart of :mod:`pipeline.chart`: one node per article stating the figure, left to right in
lineage order (dated oldest first, then undated), the origin's ringed, copies hollow; and a
curved arrow from each citing or copying article back to the one it cites or copies
(``lineage["citations"]``), styled by kind, each with its tooltip in words.

Bounded: at most :data:`MAX_NODES` articles (the first in lineage order) are drawn, so a
figure of a thousand articles stays a small page; the graph says how many it leaves out.
"""

from __future__ import annotations


from markupsafe import Markup, escape

from .chart import _truncate, source_name, text_width
from .tracing.render import days_later

MAX_NODES = 40
# Edge kinds: (colour, dash pattern, legend words), in legend order.
EDGE_KINDS = {
    "copy": ("#757575", "", "copies it whole"),
    "partial": ("#9e9e9e", "5 4", "copies part of it"),
    "link": ("#1565c0", "", "links to it"),
    "attribution": ("#7b1fa2", "", "credits it"),
}
ORIGIN_RING = "#f9a825"  # (the chart's origin halo)
INDEPENDENT, COPY = "#37474f", "#9e9e9e"
RADIUS = 7
MARGIN = 30


def _dash(pattern: str) -> str:
    return f' stroke-dasharray="{pattern}"' if pattern else ""


def edge_words(edge: dict, citing: dict, cited: dict) -> str:
    """An edge in words: "Courier copies Wire (copy, 3 days later)", "Herald credits Reuters",
    "Beta links to Alpha" (``citing`` and ``cited``: the first claim of each article)."""
    a, b, kind = source_name(citing), source_name(cited), edge["kind"]
    if kind in ("copy", "partial") and not edge.get("ordered", True):
        return f"{a} and {b} run {'the same text' if kind == 'copy' else 'shared paragraphs'} (which ran first is not known)"
    if kind in ("copy", "partial"):
        verb = "copies" if kind == "copy" else "copies part of"
        return f"{a} {verb} {b} ({kind}, {days_later(cited.get('published'), citing.get('published'))})"
    if kind == "attribution":
        return f"{a} credits {b}"
    evidence = f" ({_truncate(str(edge['evidence']), 80)})" if kind == "link" and edge.get("evidence") else ""
    return f"{a} links to {b}{evidence}"


def _articles(claims: list[dict]) -> list[dict]:
    """Each article once, in lineage order, as {"id", "claim" (its first), "copy", "origin"}:
    a copy when every claim of it is copied, the origin's when it holds the origin."""
    articles: dict[str, dict] = {}
    for claim in claims:
        node = articles.setdefault(claim["article_id"], {"id": claim["article_id"], "claim": claim, "copy": True, "origin": False})
        node["copy"] = node["copy"] and bool(claim.get("copy_of"))
        node["origin"] = node["origin"] or bool(claim.get("is_origin"))
    return list(articles.values())


def _legend(kinds: list[str], any_copy: bool) -> tuple[list[str], int]:
    """The legend: the node marks, then only the edge kinds drawn; returns SVG and its width."""
    parts, x, y = [], 10.0, 14
    entries = [("origin", "origin's article"), ("independent", "states it on its own")]
    entries += [("copy-node", "a copy")] if any_copy else []
    entries += [(kind, EDGE_KINDS[kind][2]) for kind in kinds]
    for key, label in entries:
        if key in EDGE_KINDS:
            colour, dash, _ = EDGE_KINDS[key]
            swatch = (f'<line x1="{x}" x2="{x + 16}" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="2"'
                      f'{_dash(dash)} marker-end="url(#fg-arrow-{key})"/>')  # fmt: skip
        else:
            fill, stroke = (INDEPENDENT, ORIGIN_RING) if key == "origin" else (INDEPENDENT, "#fff") if key == "independent" else ("#fff", COPY)
            swatch = f'<circle cx="{x + 8}" cy="{y}" r="5" fill="{fill}" stroke="{stroke}" stroke-width="2.5"/>'
        parts.append(f'<g class="legend-item" data-key="{key}">{swatch}'
                     f'<text x="{x + 22:.0f}" y="{y + 4}" class="legend">{escape(label)}</text></g>')  # fmt: skip
        x += 36 + text_width(label)
    return parts, round(x)


def lineage_graph(lineage: dict) -> Markup:
    """Who cites or copies whom among a figure's articles, as an inline SVG; empty when no
    article of it cites or copies another (the page then shows nothing)."""
    edges = [e for e in lineage.get("citations") or [] if e["from"] != e["to"]]
    if not edges:
        return Markup("")
    articles = _articles(lineage["claims"])
    nodes, left_out = articles[:MAX_NODES], max(0, len(articles) - MAX_NODES)
    index = {node["id"]: i for i, node in enumerate(nodes)}
    drawn = [e for e in edges if e["from"] in index and e["to"] in index and e["kind"] in EDGE_KINDS]
    staggered = len(nodes) > 10  # (narrow steps: labels alternate between two rows)
    step = 64 if staggered else 110
    kinds = [k for k in EDGE_KINDS if any(e["kind"] == k for e in drawn)]
    legend, legend_width = _legend(kinds, any(n["copy"] for n in nodes))
    width = max(640, legend_width, 2 * MARGIN + step * len(nodes))
    step = (width - 2 * MARGIN) / max(len(nodes), 1)

    def x(i: int) -> float:
        return MARGIN + step * (i + 0.5)

    pairs: dict[tuple[int, int], int] = {}
    arcs = []  # (edge, start x, end x, height)
    for edge in drawn:
        a, b = index[edge["from"]], index[edge["to"]]
        nth = pairs[(min(a, b), max(a, b))] = pairs.get((min(a, b), max(a, b)), -1) + 1
        arcs.append((edge, x(a), x(b), min(18 + abs(a - b) * step * 0.3, 130) + 10 * nth))
    node_y = 30 + max([h for *_, h in arcs] + [0]) + 12
    label_top = node_y + RADIUS + 14
    height = round(label_top + (2 * 13 if staggered else 0) + 13 + (22 if left_out else 6))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="figtrace-graph" role="img" width="{width:.0f}" height="{height}" '
        f'viewBox="0 0 {width:.0f} {height}" style="width:100%;max-width:{width:.0f}px;min-width:{min(width, max(960, width * 0.75)):.0f}px;height:auto">',
        f"<title>{escape(lineage.get('subject') or 'figure')}: who copies or cites whom among {len(articles)} articles</title>",
        "<style>text{font:11px -apple-system,system-ui,Helvetica,Arial,sans-serif;fill:#333}.date{fill:#666}"
        ".legend{fill:#444}.more{font-style:italic;fill:#555}</style><defs>",
    ]
    for kind, (colour, _, _) in EDGE_KINDS.items():
        parts.append(f'<marker id="fg-arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" '
                     f'orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10z" fill="{colour}"/></marker>')  # fmt: skip
    parts.append("</defs>")
    parts += legend
    undated = next((i for i, n in enumerate(nodes) if not n["claim"].get("published")), None)
    if undated:  # (a rule between the dated articles and the undated ones after them)
        rule = MARGIN + step * undated
        parts.append(f'<line class="undated-rule" x1="{rule:.1f}" x2="{rule:.1f}" y1="{node_y - 24:.1f}" y2="{height - 4}" '
                     f'stroke="#c5cad0" stroke-dasharray="2 3"/>')  # fmt: skip
    claims = {n["id"]: n["claim"] for n in nodes}
    for edge, x1, x2, h in arcs:
        colour, dash, _ = EDGE_KINDS[edge["kind"]]
        top = node_y - RADIUS - 3
        parts.append(f'<path class="edge {edge["kind"]}" d="M{x1:.1f} {top:.1f} Q{(x1 + x2) / 2:.1f} {top - 2 * h:.1f} {x2:.1f} {top:.1f}" '
                     f'fill="none" stroke="{colour}" stroke-width="1.8"{_dash(dash)} '
                     f'marker-end="url(#fg-arrow-{edge["kind"]})" data-from="{escape(edge["from"])}" data-to="{escape(edge["to"])}">'
                     f"<title>{escape(edge_words(edge, claims[edge['from']], claims[edge['to']]))}</title></path>")  # fmt: skip
    chars = int((2 * step if staggered else step) / 6.6)
    for i, node in enumerate(nodes):
        claim, cx = node["claim"], x(i)
        name, day = source_name(claim), (claim.get("published") or "")[:10] or "undated"
        fill, stroke = ("#fff", COPY) if node["copy"] else (INDEPENDENT, "#fff")
        role = "origin's article" if node["origin"] else "copy" if node["copy"] else "states it on its own"
        tip = f"{name}, {day}: {claim.get('title') or claim.get('path') or ''} ({role})"
        css = "node" + (" origin" if node["origin"] else "") + (" copy" if node["copy"] else " independent")
        parts.append(f'<g class="{css}" data-article="{escape(node["id"])}"><title>{escape(tip)}</title>')
        if node["origin"]:
            parts.append(f'<circle class="halo" cx="{cx:.1f}" cy="{node_y:.1f}" r="{RADIUS + 4}" fill="none" stroke="{ORIGIN_RING}" stroke-width="3"/>')
        parts.append(f'<circle cx="{cx:.1f}" cy="{node_y:.1f}" r="{RADIUS}" fill="{fill}" stroke="{stroke}" stroke-width="2"/>')
        y = label_top + (26 if staggered and i % 2 else 0)
        parts.append(f'<text x="{cx:.1f}" y="{y:.1f}" text-anchor="middle" class="source">{escape(_truncate(name, chars))}</text>'
                     f'<text x="{cx:.1f}" y="{y + 13:.1f}" text-anchor="middle" class="date">{escape(day)}</text></g>')  # fmt: skip
    if left_out:
        parts.append(f'<text x="{MARGIN}" y="{height - 6}" class="more">and {left_out:,} more article{"s" if left_out != 1 else ""} '
                     f"(not drawn; the table below lists every claim)</text>")  # fmt: skip
    parts.append("</svg>")
    return Markup("\n".join(parts))
