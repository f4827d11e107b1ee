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
  ``figure_id`` opens the figure page and a ``claim_id`` the claim's row. Values in base
  units are written as figures ("$500 billion", the stored number on hover), origin
  certainties in words, and undated rows of the canned queries say so (HTML only).
- A query page given a ``figure`` it cannot read says so (``figure=abc``).
- Templates: the database page has a box tracing a figure; table pages fold their column
  descriptions into a closed "Column descriptions".
- Only ``http``/``https`` URLs become links (the ``web_url`` template filter); a stored
  ``javascript:`` URL is shown as text.
- Cheap error pages (``handle_exception``): Datasette's default handler prints every
  exception with rich's local variables (about a second of CPU per 404).
- A read-only guard in front of Datasette (``asgi_wrapper``): a write method (POST, PUT,
  PATCH, DELETE) to a database path gets 405, and an immutable database whose file changed
  on disk since the server started (an ingest writing to it) gets 503 with what to do.
  These last three live in :mod:`pipeline.datasette_guards`; the hooks here install them.

The hooks are defined here (Datasette finds them on this module); what they draw and
serve lives beside it: the lineage chart and figure formatting in :mod:`pipeline.chart`,
the figure and claim pages in :mod:`pipeline.pages`. Their public names are importable
from here too.

Only tables with figtrace's schema are touched; everything reads, nothing writes.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from datasette import hookimpl
from datasette.utils import tilde_encode, urlsafe_components
from markupsafe import Markup

from .chart import (  # noqa: F401  (moved from here; still importable from the plugin)
    MUTATION_CLASSES,
    SHORT_KINDS,
    format_figure,
    lineage_chart,
    mutation_class,
    source_name,
)
from .datasette_guards import (  # noqa: F401  (web_url and the guards are part of the plugin's API)
    DEFAULT_EXCEPTION_HANDLER,
    ImmutableWatch,
    error_response,
    file_signature,
    refuse_write_method,
    web_url,
)
from .pages import (  # noqa: F401  (moved from here; still importable from the plugin)
    CLAIM_SQL,
    UNDATED_CELL,
    VALUE_COLUMNS,
    about_page,
    certainty_cell,
    claim_page,
    claim_url,
    figure_cell,
    figure_page_vars,
    format_number,
    highlight_claim,
    highlight_figure,
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


# What a query page says under a ``figure`` it cannot read; the examples are ones the
# normaliser reads (tests check it).
FIGURE_EXAMPLES = ("$6M", "50,000 GPUs", "17%")


def unreadable_figure(text) -> str | None:
    """What to tell a user whose ``figure`` parameter holds no figure ("cannot read a
    figure in 'abc' (try e.g. ...)"), or None when it reads as one, is empty, or is a
    figure id (``fig-…``, which *Entities around a figure* takes). The canned queries match
    nothing for such text (``figure_matches`` is 0), which alone reads as "no such figure"."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    if text.startswith("fig-") or _parsed(text) is not None:
        return None
    shown = text if len(text) <= 60 else text[:60] + "…"
    examples = ", ".join(f"'{e}'" for e in FIGURE_EXAMPLES)
    return f"cannot read a figure in '{shown}' (try e.g. {examples})"


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


# --------------------------------------------------------------------------- pages
# (what they show lives in pipeline/pages.py, the chart in pipeline/chart.py)


@hookimpl
def extra_template_vars(template, view_name, database, table, request, datasette):
    """On a query page given a ``figure`` it cannot read, what to say
    (``figtrace_notice``, see :func:`unreadable_figure`); on a ``figures`` row page, the
    figure's lineage (the page ``?lineage_page=N`` asks for) and chart
    (``figtrace_figure``)."""
    if request is None:
        return {}
    if template.startswith("query"):
        notice = unreadable_figure(request.args.get("figure"))
        return {"figtrace_notice": notice} if notice else {}
    if view_name != "row" or table != "figures" or "pks" not in request.url_vars:
        return {}

    async def inner():
        [figure_id] = urlsafe_components(request.url_vars["pks"])
        page = request.args.get("lineage_page")
        return {"figtrace_figure": await figure_page_vars(datasette, database, figure_id, page)}

    return inner


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
    """Links that make the tables navigable without SQL, and stored values made readable
    (in HTML only: JSON and CSV keep what is stored).

    - ``claims.surface`` (and ``surface`` in query results that carry a ``claim_id``): the
      claim highlighted in its article;
    - ``figure_id`` in query results: the figure's page with its chart and lineage;
    - ``claim_id`` / ``entity_id`` in query results: the claim's / entity's row;
    - values in base units (``value``, ``value_low``, ``value_high``, ``canonical_value``,
      ``value_min``, ``value_max``) in a row that carries its ``unit``: written as figures
      ("$500 billion"), the stored number on hover;
    - an origin certainty (``origin_certainty``, and ``origin`` in query results) in words;
    - an empty ``date`` / ``published`` in figtrace's query results (rows with a
      ``claim_id`` or ``figure_id``): "undated".
    """
    if isinstance(value, dict):
        return None  # labelled foreign keys keep Datasette's rendering
    keys = row.keys() if hasattr(row, "keys") else []
    if value is None:
        if table is None and column in ("date", "published") and ({"claim_id", "figure_id"} & set(keys)):
            return UNDATED_CELL
        return None
    if column in VALUE_COLUMNS and "unit" in keys and isinstance(value, (int, float)) and not isinstance(value, bool):
        return figure_cell(value, row["unit"], row["kind"] if "kind" in keys else None)
    if column == "origin_certainty" or (column == "origin" and table is None):
        return certainty_cell(value) if isinstance(value, str) else None
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
