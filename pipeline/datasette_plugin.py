"""figtrace's Datasette plugin: the figure normaliser as SQL functions, figure pages with
a lineage chart, and every claim one click from its sentence in the article.

Datasette finds it through the ``datasette`` entry point in ``pyproject.toml``, so
``analyze serve`` and a plain ``datasette news.db`` both load it. What it adds:

- SQL functions (on every connection): ``figure_value('$6M')`` → 6000000,
  ``figure_unit('$6M')`` → ``'USD'``, ``figure_matches(:figure, value, surface, unit,
  kind, qualifier, value_low, value_high)`` → 1 when a stored claim states the typed
  figure (the matcher of ``analyze trace``: ``$6M`` finds ``$5,576,000``), and
  ``figure_window_low`` / ``figure_window_high``, a value range every match falls in.
- On a ``figures`` row page: the figure's claims on a source axis, an SVG drawn on the
  server (no JavaScript, no CDN), and its lineage as a table.
- ``/-/figtrace/claim/<database>/<claim id>``: the article's text with the claim's
  sentence and the figure itself highlighted.
- ``/-/figtrace/about``: how to read figures, lineages and mutations.
- Links in cells: a claim's ``surface`` opens it in its article; in query results a
  ``figure_id`` opens the figure page and a ``claim_id`` the claim's row.
- Only ``http``/``https`` URLs become links (the ``web_url`` template filter); a stored
  ``javascript:`` URL is shown as text.
- Cheap error pages (``handle_exception``): Datasette's default handler prints every
  exception with rich's local variables (about a second of CPU per 404).
- A read-only guard in front of Datasette (``asgi_wrapper``): a write method (POST, PUT,
  PATCH, DELETE) to a database path gets 405, and an immutable database whose file changed
  on disk since the server started (an ingest writing to it) gets 503 with what to do.
  These last three live in :mod:`pipeline.datasette_guards`; the hooks here install them.

Only tables with figtrace's schema are touched; everything reads, nothing writes.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode, urlsafe_components
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from .datasette_guards import (  # noqa: F401  (web_url and the guards are part of the plugin's API)
    DEFAULT_EXCEPTION_HANDLER,
    ImmutableWatch,
    error_response,
    file_signature,
    refuse_write_method,
    web_url,
)

if TYPE_CHECKING:
    from .tracing import FigureQuery

# pipeline.tracing (scikit-learn, the normaliser; seconds to import) is imported by the
# startup hook, not here: Datasette imports every installed plugin on each command,
# `datasette --help` included.

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

# --------------------------------------------------------------------------- SQL functions


@lru_cache(maxsize=512)
def _figure_query(text: str) -> FigureQuery | None:
    """``text`` read as a typed figure, or None when it holds none.

    Cached: a canned query calls the matcher once per claim with the same ``:figure``.
    """
    from .tracing import FigureQuery

    try:
        return FigureQuery.parse(text)
    except ValueError:
        return None


def _parsed(text) -> FigureQuery | None:
    return _figure_query(text) if isinstance(text, str) and text.strip() else None


def figure_value(text):
    """SQL ``figure_value('$6M')``: the value in base units (6000000.0), or null."""
    query = _parsed(text)
    return query.figure.value if query else None


def figure_unit(text):
    """SQL ``figure_unit('$6M')``: the unit the normaliser reads ('USD'), or null."""
    query = _parsed(text)
    return query.figure.unit if query else None


def figure_window_low(text):
    """SQL: the lowest value a claim matching ``text`` can have (an indexable pre-filter)."""
    query = _parsed(text)
    return query.value_window[0] if query else None


def figure_window_high(text):
    """SQL: the highest value a claim matching ``text`` can have."""
    query = _parsed(text)
    return query.value_window[1] if query else None


def figure_matches(text, value, surface, unit, kind, qualifier, value_low, value_high):
    """SQL ``figure_matches(:figure, value, surface, unit, kind, qualifier, value_low,
    value_high)``: 1 when the claim states the typed figure (see
    :meth:`pipeline.tracing.FigureQuery.matches`), else 0; 0 for text that holds no figure,
    so a mistyped query lists nothing rather than failing."""
    query = _parsed(text)
    if query is None:
        return 0
    return int(query.matches(value, surface, unit, kind, qualifier, value_low, value_high))


@hookimpl
def startup():
    """Import the tracing code when a server starts, so that the first query calling
    ``figure_matches`` does not pay for it inside Datasette's SQL time limit."""
    from . import tracing  # noqa: F401


# name → (number of arguments, function)
SQL_FUNCTIONS = {
    "figure_value": (1, figure_value),
    "figure_unit": (1, figure_unit),
    "figure_window_low": (1, figure_window_low),
    "figure_window_high": (1, figure_window_high),
    "figure_matches": (8, figure_matches),
}


@hookimpl
def prepare_connection(conn, database):
    """Register the figure functions on every connection Datasette opens, and make
    connections to the served databases refuse writes (``analyze serve --live`` opens
    the file mutable so it can follow an ingest, and must still never write to it)."""
    for name, (arity, function) in SQL_FUNCTIONS.items():
        # Deterministic: SQLite may then use them in indexes' expressions and cache results.
        conn.create_function(name, arity, function, deterministic=True)
    if database != "_internal":  # Datasette's own catalogue must stay writable
        conn.execute("PRAGMA query_only = 1")


# --------------------------------------------------------------------------- templates


@hookimpl
def prepare_jinja2_environment(env):
    """Put the plugin's templates first.

    Datasette only discovers a ``templates`` folder beside a plugin that is a package
    (and, before Python 3.12, never beside a module like this one), so the loader is added
    here. Templates named like Datasette's (``row.html``) extend the default ones.
    """
    from jinja2 import ChoiceLoader, FileSystemLoader

    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES_DIR)), env.loader])
    env.filters["web_url"] = web_url


# --------------------------------------------------------------------------- formatting

_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}


def format_figure(value: float | None, unit: str | None, digits: int = 3) -> str:
    """A value for a chart label: ``5576000, 'USD'`` → ``$5.58M``; ``17, 'percent'`` → ``17%``;
    ``50000, 'GPU'`` → ``50K GPU``."""
    if value is None:
        return "?"
    number = f"{value:.{digits}g}"
    for size, suffix in _SCALES:
        if abs(value) >= size:
            number = f"{value / size:.{digits}g}{suffix}"
            break
    if "e" in number:  # tiny values: keep them readable rather than scientific
        number = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    if unit in _CURRENCY_SIGNS:
        return _CURRENCY_SIGNS[unit] + number
    if unit == "percent":
        return number + "%"
    if unit == "x":
        return number + "×"
    return f"{number} {unit}" if unit else number


def _truncate(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def source_name(claim: dict) -> str:
    """How a claim's article is named on the axis: its outlet, else its file name."""
    return claim.get("source") or Path(claim.get("path") or "").stem or "?"


# --------------------------------------------------------------------------- the chart

# Mutation classes, most telling first: a claim is drawn as the first that applies. Changes
# to the number come before changes to who is credited, then to the qualifier.
# (class, colour, legend, mutation kinds that put a claim in it)
MUTATION_CLASSES = (
    ("origin", "#111111", "origin", ()),
    ("inflated", "#c62828", "inflated", ("inflated",)),
    ("deflated", "#ef6c00", "deflated", ("deflated",)),
    ("rounded", "#1565c0", "rounded", ("rounded",)),
    ("unit", "#00897b", "unit changed", ("unit_changed",)),
    ("credit", "#7b1fa2", "credit changed", ("attribution_changed", "attribution_added", "attribution_dropped")),
    ("qualifier", "#d81b60", "qualifier changed", ("qualifier_changed", "qualifier_added", "qualifier_dropped")),
    ("same", "#7f8c8d", "same, reworded or other subject", ()),
)
# The word under a claim's column, per kind.
SHORT_KINDS = {
    "inflated": "inflated",
    "deflated": "deflated",
    "rounded": "rounded",
    "unit_changed": "unit changed",
    "attribution_changed": "credit changed",
    "attribution_added": "credit added",
    "attribution_dropped": "credit dropped",
    "qualifier_changed": "qualifier changed",
    "qualifier_added": "qualifier added",
    "qualifier_dropped": "qualifier dropped",
    "subject_drift": "subject drift",
    "reformatted": "reformatted",
    "same": "same",
}


def _primary_kind(claim: dict) -> str:
    """The most telling of a claim's mutation kinds ("origin" for the origin)."""
    if claim.get("is_origin"):
        return "origin"
    kinds = claim.get("mutation") or []
    for _, _, _, members in MUTATION_CLASSES:
        for kind in members:
            if kind in kinds:
                return kind
    return next((k for k in ("subject_drift", "reformatted") if k in kinds), "same")


def mutation_class(claim: dict) -> str:
    """The class a claim is drawn as (see :data:`MUTATION_CLASSES`)."""
    kind = _primary_kind(claim)
    return next((name for name, _, _, members in MUTATION_CLASSES if kind == name or kind in members), "same")


def _class_colour(name: str) -> str:
    return next(colour for key, colour, _, _ in MUTATION_CLASSES if key == name)


def _mutation_word(claim: dict) -> str:
    """The short words under a claim: its most telling change, and how many more."""
    kind = _primary_kind(claim)
    others = len([k for k in claim.get("mutation") or [] if k not in (kind, "same")])
    return SHORT_KINDS.get(kind, kind.replace("_", " ")) + (f" +{others}" if others else "")


def _value_domain(claims: list[dict]) -> tuple[float, float]:
    """The y range: every plotted value and range end, with a margin (never empty)."""
    ends = [v for c in claims for v in (c["value"], c.get("value_low"), c.get("value_high")) if v is not None]
    low, high = min(ends), max(ends)
    pad = (high - low) * 0.15 if high > low else (abs(low) * 0.1 or 1.0)
    return low - pad, high + pad


def _tooltip(claim: dict) -> str:
    qualifier = claim.get("qualifier") or ""
    if claim.get("qualifier_cue"):
        qualifier += f" ({claim['qualifier_cue']})"
    parts = [
        f"{claim['surface']} — {claim.get('published') or 'undated'}, {source_name(claim)}",
        f"qualifier: {qualifier}" if qualifier else "",
        f"credited to: {claim['attributed_to']}" if claim.get("attributed_to") else "",
        "origin of the figure" if claim.get("is_origin") else (claim.get("detail") or ""),
    ]
    return "\n".join(p for p in parts if p)


class _Layout:
    """Geometry of the chart: one column per claim, in lineage order."""

    step = 100  # px per claim: room for a 15-character label
    left = 74  # room for the value axis
    top = 40  # room for the legend
    plot_height = 190
    other_lane = 22  # a strip under the plot for claims stated in another unit
    labels = 72  # date, source and up to two lines of mutation under each column

    def __init__(self, n_claims: int, domain: tuple[float, float]):
        self.n = n_claims
        self.low, self.high = domain
        self.width = max(560, self.left + self.step * n_claims + 16)
        self.plot_bottom = self.top + self.plot_height
        self.height = self.plot_bottom + self.other_lane + self.labels

    def x(self, index: int) -> float:
        return self.left + self.step * (index + 0.5)

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return self.plot_bottom - share * self.plot_height


def _svg_bands(claims: list[dict], layout: _Layout) -> list[str]:
    """Shade alternate articles, so claims from one article read as one group."""
    parts, shade, previous = [], True, None
    for i, claim in enumerate(claims):
        if claim["article_id"] != previous:
            shade, previous = not shade, claim["article_id"]
        if shade:
            parts.append(
                f'<rect x="{layout.left + layout.step * i}" y="{layout.top}" width="{layout.step}" '
                f'height="{layout.height - layout.top}" fill="#f3f5f8"/>'
            )
    return parts


def _svg_axis(layout: _Layout, unit: str | None) -> list[str]:
    """Four value gridlines, labelled in the figure's unit."""
    parts = []
    for step in range(5):
        value = layout.low + (layout.high - layout.low) * step / 4
        y = layout.y(value)
        parts.append(f'<line x1="{layout.left}" x2="{layout.width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dde1e6"/>')
        parts.append(
            f'<text x="{layout.left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
            f"{escape(format_figure(value, unit))}</text>"
        )
    return parts


def _svg_legend(layout: _Layout) -> list[str]:
    parts, x = [], layout.left
    for _, colour, label, _ in MUTATION_CLASSES:
        parts.append(f'<circle cx="{x + 5}" cy="16" r="5" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="20" class="legend">{escape(label)}</text>')
        x += 24 + 6.4 * len(label)
    return parts


def _svg_marker(x: float, claim: dict, layout: _Layout, unit: str | None, colour: str) -> list[str]:
    """A claim's point at its value (a bar for a range; the origin ringed), or, for a claim
    stated in another unit ("17%" restating "$600 billion"), a square in the lower strip;
    its surface above it."""
    origin = bool(claim.get("is_origin"))
    radius = 8 if origin else 6
    parts = []
    if claim["value"] is not None and claim.get("unit") == unit:
        y = layout.y(claim["value"])
        low, high = claim.get("value_low"), claim.get("value_high")
        if low is not None and high is not None and high != low:
            parts.append(
                f'<line x1="{x}" x2="{x}" y1="{layout.y(low):.1f}" y2="{layout.y(high):.1f}" '
                f'stroke="{colour}" stroke-width="3" opacity="0.5"/>'
            )
        ring = 'stroke="#f9a825" stroke-width="3"' if origin else 'stroke="#fff" stroke-width="2"'
        parts.append(f'<circle class="point" cx="{x}" cy="{y:.1f}" r="{radius}" fill="{colour}" {ring}/>')
    else:
        y = layout.plot_bottom + layout.other_lane / 2 + 2
        parts.append(
            f'<rect class="point other-unit" x="{x - 5}" y="{y - 5:.1f}" width="10" height="10" '
            f'fill="{colour}" opacity="0.6"/>'
        )
    parts.append(
        f'<text x="{x}" y="{y - radius - 5:.1f}" text-anchor="middle" class="surface">'
        f"{escape(_truncate(claim['surface'], 16))}</text>"
    )
    return parts


def _svg_column_labels(x: float, claim: dict, layout: _Layout, colour: str) -> list[str]:
    """Under a claim's column: its date, its source and (in its colour) what changed."""
    labels = [
        (claim.get("published") or "undated", "date"),
        (_truncate(source_name(claim), 13), "source"),
    ] + [(line, "mutation") for line in textwrap.wrap(_mutation_word(claim), 14)[:2]]
    top = layout.plot_bottom + layout.other_lane + 16
    parts = []
    for row, (text, css) in enumerate(labels):
        fill = f' fill="{colour}"' if css == "mutation" else ""
        parts.append(
            f'<text x="{x}" y="{top + 14 * row}" text-anchor="middle" class="{css}"{fill}>{escape(text)}</text>'
        )
    return parts


def _svg_claim(index: int, claim: dict, layout: _Layout, unit: str | None) -> list[str]:
    """One claim's column: marker, labels and a hover text with the full detail."""
    x = layout.x(index)
    css = mutation_class(claim)
    colour = _class_colour(css)
    return [
        f'<g class="claim {css}" data-claim-id="{escape(claim["id"])}">',
        f"<title>{escape(_tooltip(claim))}</title>",
        *_svg_marker(x, claim, layout, unit, colour),
        *_svg_column_labels(x, claim, layout, colour),
        "</g>",
    ]


def lineage_chart(lineage: dict) -> Markup:
    """A figure's claims as an inline SVG: one column per claim in lineage order (the time /
    source axis), each at its value, coloured by what changed from the origin.

    Drawn on the server so the page needs no script and works offline; every point has a
    hover text with the full detail.
    """
    claims, unit = lineage["claims"], lineage["unit"]
    plotted = [c for c in claims if c["value"] is not None and c.get("unit") == unit] or [
        {"value": lineage.get("canonical_value") or 0}
    ]
    layout = _Layout(len(claims), _value_domain(plotted))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="figtrace-chart" role="img" '
        f'width="{layout.width}" height="{layout.height}" viewBox="0 0 {layout.width} {layout.height}">',
        f"<title>{escape(lineage['subject'] or 'figure')}: {len(claims)} claims in lineage order</title>",
        "<style>text{font:11px -apple-system,system-ui,Helvetica,Arial,sans-serif;fill:#333}"
        ".tick{fill:#777}.date{font-weight:600}.source{fill:#555}.mutation{font-weight:600}"
        ".surface{font-weight:600;fill:#111}.legend{fill:#444}</style>",
    ]
    parts += _svg_bands(claims, layout)
    parts += _svg_axis(layout, unit)
    if lineage.get("canonical_value") is not None and layout.low <= lineage["canonical_value"] <= layout.high:
        y = layout.y(lineage["canonical_value"])
        parts.append(
            f'<line x1="{layout.left}" x2="{layout.width - 8}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#2e7d32" stroke-dasharray="5 4"><title>most precise statement: '
            f"{escape(format_figure(lineage['canonical_value'], unit, 7))}</title></line>"
        )
    parts += _svg_legend(layout)
    for index, claim in enumerate(claims):
        parts += _svg_claim(index, claim, layout, unit)
    parts.append("</svg>")
    return Markup("\n".join(parts))


# --------------------------------------------------------------------------- pages


def _has_figtrace_schema(tables: list[str]) -> bool:
    return {"figures", "claims", "articles"} <= set(tables)


async def figure_page_vars(datasette, database: str, figure_id: str) -> dict | None:
    """What the figure section of a ``figures`` row page shows: the lineage (the library's,
    so the order is the one ``analyze trace`` prints) and its chart; None when absent."""
    import sqlite_utils

    from .tracing import figure_lineage

    db = datasette.get_database(database)
    if not _has_figtrace_schema(await db.table_names()):
        return None

    def read(conn):
        try:
            # recursive_triggers off: sqlite-utils would otherwise set a pragma on a read-only connection
            return figure_lineage(sqlite_utils.Database(conn, recursive_triggers=False), figure_id)
        except KeyError:  # no such figure (a stale link)
            return None

    lineage = await db.execute_fn(read)
    if lineage is None:
        return None
    for claim in lineage["claims"]:
        claim["in_article_url"] = claim_url(datasette, database, claim["id"])
        claim["row_url"] = datasette.urls.row(database, "claims", tilde_encode(claim["id"]))
        claim["article_url"] = datasette.urls.row(database, "articles", tilde_encode(claim["article_id"]))
        claim["source_name"] = source_name(claim)
        claim["mutation_class"] = mutation_class(claim)
        claim["colour"] = _class_colour(claim["mutation_class"])
    return {
        "lineage": lineage,
        "chart": lineage_chart(lineage),
        "canonical": format_figure(lineage["canonical_value"], lineage["unit"], 7),
        "n_articles": len({c["article_id"] for c in lineage["claims"]}),
        "entities_url": datasette.urls.path(
            f"{datasette.urls.database(database)}/entities_around_figure?figure={tilde_encode(figure_id)}"
        ),
    }


@hookimpl
def extra_template_vars(view_name, database, table, request, datasette):
    """On a ``figures`` row page, the figure's lineage and chart (``figtrace_figure``)."""
    if view_name != "row" or table != "figures" or request is None or "pks" not in request.url_vars:
        return {}

    async def inner():
        [figure_id] = urlsafe_components(request.url_vars["pks"])
        return {"figtrace_figure": await figure_page_vars(datasette, database, figure_id)}

    return inner


def claim_url(datasette, database: str, claim_id: str) -> str:
    """Where a claim is shown highlighted in its article (anchored at the figure)."""
    return datasette.urls.path(f"/-/figtrace/claim/{tilde_encode(database)}/{tilde_encode(claim_id)}") + "#claim"


def _sentence_span(sentence: tuple[int, int] | None, figure: tuple[int, int]) -> tuple[int, int]:
    """The sentence's offsets, or the figure's when the sentence is unknown or does not hold
    it (offsets from another version of the article)."""
    if sentence and sentence[0] <= figure[0] and figure[1] <= sentence[1]:
        return sentence
    return figure


def highlight_claim(text: str, sentence: tuple[int, int] | None, figure: tuple[int, int]) -> Markup:
    """The article ``text`` as HTML with its ``sentence`` in ``<mark class="sentence">`` and
    the ``figure`` within it in ``<mark class="figure" id="claim">``; offsets into ``text``."""
    s_start, s_end = _sentence_span(sentence, figure)
    return Markup("").join(
        [
            escape(text[:s_start]),
            Markup('<mark class="sentence">'),
            highlight_figure(text, (s_start, s_end), figure, anchor="claim"),
            Markup("</mark>"),
            escape(text[s_end:]),
        ]
    )


def highlight_figure(text: str, span: tuple[int, int], figure: tuple[int, int], anchor: str | None = None) -> Markup:
    """``text[span]`` as HTML with the ``figure`` in it in ``<mark class="figure">``."""
    (start, end), (f_start, f_end) = _sentence_span(span, figure), figure
    anchor_attr = Markup(' id="{}"').format(anchor) if anchor else ""
    return Markup("").join(
        [
            escape(text[start:f_start]),
            Markup('<mark class="figure"{}>').format(anchor_attr),
            escape(text[f_start:f_end]),
            Markup("</mark>"),
            escape(text[f_end:end]),
        ]
    )


def format_number(value: float | None) -> str:
    """A stored value for reading: 5576000.0 → "5,576,000"; 0.14 → "0.14"."""
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


CLAIM_SQL = """
select c.*, a.title, a.path, a.source, a.url, a.published, a.text as article_text,
       s.start_char as sentence_start, s.end_char as sentence_end, f.subject as figure_subject
from claims c
join articles a on a.id = c.article_id
left join sentences s on s.id = c.sentence_id
left join figures f on f.id = c.figure_id
where c.id = :claim_id
"""


async def claim_page(request, datasette):
    """``/-/figtrace/claim/<database>/<claim id>``: a claim in its article, highlighted."""
    database = tilde_decode(request.url_vars["database"])
    claim_id = tilde_decode(request.url_vars["claim_id"])
    try:
        db = datasette.get_database(database)
    except KeyError:
        raise NotFound(f"no database {database!r}")
    # The same permissions as reading the claims table itself.
    await datasette.ensure_permissions(
        request.actor,
        [("view-table", (database, "claims")), ("view-database", database), "view-instance"],
    )
    rows = (await db.execute(CLAIM_SQL, {"claim_id": claim_id})).rows
    if not rows:
        raise NotFound(f"no claim {claim_id!r} in {database}")
    claim = dict(rows[0])
    sentence = None
    if claim["sentence_start"] is not None:
        sentence = (claim["sentence_start"], claim["sentence_end"])
    text, figure = claim.pop("article_text"), (claim["start_char"], claim["end_char"])
    context = {
        "database": database,
        "claim": claim,
        "source_name": source_name(claim),
        "values": {k: format_number(claim[k]) for k in ("value", "value_low", "value_high")},
        "sentence_html": highlight_figure(text, sentence or figure, figure),
        "article_html": highlight_claim(text, sentence, figure),
        "claim_row_url": datasette.urls.row(database, "claims", tilde_encode(claim_id)),
        "article_url": datasette.urls.row(database, "articles", tilde_encode(claim["article_id"])),
        "figure_url": datasette.urls.row(database, "figures", tilde_encode(claim["figure_id"]))
        if claim["figure_id"]
        else None,
    }
    return Response.html(await datasette.render_template("figtrace_claim.html", context, request=request))


async def about_page(request, datasette):
    """``/-/figtrace/about``: how to read figures, lineages and mutations."""
    return Response.html(await datasette.render_template("figtrace_about.html", {}, request=request))


@hookimpl
def register_routes():
    return [
        (r"^/-/figtrace/claim/(?P<database>[^/]+)/(?P<claim_id>[^/]+)$", claim_page),
        (r"^/-/figtrace/about$", about_page),
    ]


# --------------------------------------------------------------------------- cells


def _link(href: str, text: str, title: str | None = None) -> Markup:
    title_attr = Markup(' title="{}"').format(title) if title else ""
    return Markup('<a href="{}"{}>{}</a>').format(href, title_attr, text)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Links that make the tables navigable without SQL.

    - ``claims.surface`` (and ``surface`` in query results that carry a ``claim_id``): the
      claim highlighted in its article;
    - ``figure_id`` in query results: the figure's page with its chart and lineage;
    - ``claim_id`` / ``entity_id`` in query results: the claim's / entity's row.
    """
    if value is None or isinstance(value, dict):
        return None  # empty cells and labelled foreign keys keep Datasette's rendering
    keys = row.keys() if hasattr(row, "keys") else []
    if column == "surface" and table == "claims" and "id" in keys:
        return _link(claim_url(datasette, database, row["id"]), value, "show in the article")
    if table is not None:
        return None
    if column == "surface" and "claim_id" in keys and row["claim_id"]:
        return _link(claim_url(datasette, database, row["claim_id"]), value, "show in the article")
    if column == "figure_id" and isinstance(value, str):
        return _link(datasette.urls.row(database, "figures", tilde_encode(value)), value, "figure page: chart and lineage")
    if column == "claim_id" and isinstance(value, str):
        return _link(datasette.urls.row(database, "claims", tilde_encode(value)), value)
    if column == "entity_id" and isinstance(value, str):
        return _link(datasette.urls.row(database, "entities", tilde_encode(value)), value)
    return None


# --------------------------------------------------------------------------- errors and guards
# (what they do lives in pipeline/datasette_guards.py)


@hookimpl(wrapper=True)
def handle_exception(datasette, request, exception):
    """Answer every error with :func:`error_response` instead of Datasette's default handler.

    Datasette 0.65 calls every handler's answer, the default one's too, and the default
    prints each exception with rich's ``show_locals=True`` (about a second of CPU per 404,
    so a few 404s stall the server); for a path no route matches it even fails (rich
    refuses to print outside an ``except`` block), which made unknown paths 500s. So this
    wraps the hook and drops the default's answer before Datasette calls it; other
    plugins' answers come first as before. ``datasette --pdb`` keeps the default (it opens
    the debugger).
    """
    answers = yield
    if getattr(datasette, "pdb", False):
        return answers
    kept = [a for a in answers if getattr(a, "__module__", None) != DEFAULT_EXCEPTION_HANDLER]

    async def figtrace_answer():
        return await error_response(datasette, request, exception)

    return kept + [figtrace_answer]


@hookimpl
def asgi_wrapper(datasette):
    """Put figtrace's read-only guard in front of Datasette: 405 for write methods to a
    database path (:func:`refuse_write_method`) and 503 once an immutable database's file
    is written to (:class:`ImmutableWatch`). Adds two ``stat`` calls per request."""
    watch = ImmutableWatch(datasette)

    def wrap(app):
        async def figtrace_read_only(scope, receive, send):
            if scope["type"] == "http":
                refusal = refuse_write_method(scope) or watch.response(scope)
                if refusal is not None:
                    await refusal.asgi_send(send)
                    return
            await app(scope, receive, send)

        figtrace_read_only.figtrace_watch = watch  # for tests and benchmarks
        return figtrace_read_only

    return wrap
