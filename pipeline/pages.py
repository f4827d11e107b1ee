"""The pages figtrace adds to Datasette, and their helpers: the figure section of a
``figures`` row page (``figure_page_vars``: the lineage and its chart), the claim page
(``/-/figtrace/claim/<database>/<claim id>``: the article with the claim's sentence and
figure highlighted), the about page, and the helpers they use (``claim_url``,
``highlight_claim``, ``highlight_figure``, ``format_number``), and how table cells show
stored values (``figure_cell``, ``certainty_cell``). The hooks that serve them are in
:mod:`pipeline.datasette_plugin`.
"""

from __future__ import annotations

from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from .tracing.render import copy_words
from .chart import _class_colour, chart_scale, format_figure, lineage_chart, mutation_class, run_size, source_name
from .chart_graph import lineage_graph

# --------------------------------------------------------------------------- pages


def _has_figtrace_schema(tables: list[str]) -> bool:
    return {"figures", "claims", "articles"} <= set(tables)


# Claims per page of a figure's lineage table (the chart summarises them all).
LINEAGE_PAGE = 200


def lineage_page_number(text: str | None, pages: int) -> int:
    """The page of the lineage asked for (``?lineage_page=N``), within 1..pages (1 when unreadable)."""
    try:
        number = int(text or 1)
    except ValueError:
        return 1
    return min(max(number, 1), max(pages, 1))


async def figure_page_vars(datasette, database: str, figure_id: str, page: str | None = None) -> dict | None:
    """What the figure section of a ``figures`` row page shows: the lineage (the library's,
    so the order is the one ``analyze trace`` prints) a page of :data:`LINEAGE_PAGE` claims
    at a time (``page``, from ``?lineage_page=``), and the chart of all its claims; None
    when absent."""
    from .database import ReadingDatabase
    from .tracing import figure_lineage

    db = datasette.get_database(database)
    if not _has_figtrace_schema(await db.table_names()):
        return None

    def read(conn):
        try:
            return figure_lineage(ReadingDatabase(conn), figure_id)
        except KeyError:  # no such figure (a stale link)
            return None

    lineage = await db.execute_fn(read)
    if lineage is None:
        return None
    claims = lineage["claims"]
    pages = -(-len(claims) // LINEAGE_PAGE)
    number = lineage_page_number(page, pages)
    start = (number - 1) * LINEAGE_PAGE
    shown = claims[start : start + LINEAGE_PAGE]
    for claim in [*shown, lineage["origin"]]:
        claim["in_article_url"] = claim_url(datasette, database, claim["id"])
        claim["row_url"] = datasette.urls.row(database, "claims", tilde_encode(claim["id"]))
        claim["article_url"] = datasette.urls.row(database, "articles", tilde_encode(claim["article_id"]))
        claim["source_name"] = source_name(claim)
        claim["mutation_class"] = mutation_class(claim)
        claim["colour"] = _class_colour(claim["mutation_class"])
        claim["copy_told"] = copy_words(claim["copy_of"], claim["published"]) if claim.get("copy_of") else None
    row_path = datasette.urls.row(database, "figures", tilde_encode(figure_id))
    return {
        "lineage": lineage,
        "shown": shown,
        "page": {
            "number": number,
            "pages": pages,
            "first": start + 1,
            "last": start + len(shown),
            "previous_url": f"{row_path}?lineage_page={number - 1}#lineage" if number > 1 else None,
            "next_url": f"{row_path}?lineage_page={number + 1}#lineage" if number < pages else None,
        },
        "chart": lineage_chart(lineage),
        "chart_scale": chart_scale(lineage),  # how the chart draws values, for the text under it
        "graph": lineage_graph(lineage),  # who cites or copies whom (empty when none does)
        "run_size": run_size(len(claims)),
        "canonical": format_figure(lineage["canonical_value"], lineage["unit"], compact=True, digits=7),
        "n_articles": len({c["article_id"] for c in lineage["claims"]}),
        "entities_url": datasette.urls.path(
            f"{datasette.urls.database(database)}/entities_around_figure?figure={tilde_encode(figure_id)}"
        ),
    }


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


# --------------------------------------------------------------------------- cells

# Columns holding a value in base units (claims, figures, and query results carrying a
# ``unit``): written as a figure in HTML cells, the stored number on hover.
VALUE_COLUMNS = frozenset({"value", "value_low", "value_high", "canonical_value", "value_min", "value_max"})

# figures.origin_certainty in words (pipeline.tracing.origin_note says it with counts,
# which a results row does not carry).
CERTAINTY_WORDS = {
    "certain": "certain",
    "tied": "tied: articles share the earliest date",
    "some_undated": "uncertain: undated articles may be earlier",
    "undated": "uncertain: no article is dated",
}


def _is_year(value: float, unit: str | None, kind: str | None) -> bool:
    # A year claim is stored as a count of unit "year" (2024 → "2,024 year" otherwise);
    # a figures row has no kind, and a duration of a thousand years or more is not news.
    if kind is not None:
        return kind == "year"
    return unit == "year" and float(value).is_integer() and 1000 <= value < 3000


def figure_cell(value: float, unit: str | None, kind: str | None = None) -> Markup:
    """A stored value as a table cell shows it: written as a figure ("$500 billion", "17%",
    "50,000 GPUs", a year as "2024") in a span whose title is the stored number
    (``500000000000.0``). Only the HTML changes: JSON and CSV keep the number."""
    if not isinstance(unit, (str, type(None))):
        unit = None  # (a query's own column named unit may hold anything)
    if _is_year(value, unit, kind):
        written = str(int(value))
    else:
        written = format_figure(value, unit, plural=True)
    return Markup('<span class="figtrace-value" title="{}">{}</span>').format(repr(value), written)


def certainty_cell(certainty: str) -> Markup | None:
    """An origin certainty (``some_undated``) in words, the stored value on hover; None for
    a value that is not one."""
    words = CERTAINTY_WORDS.get(certainty)
    if words is None:
        return None
    return Markup('<span class="figtrace-certainty" data-certainty="{0}" title="{0}">{1}</span>').format(certainty, words)


UNDATED_CELL = Markup('<span class="figtrace-undated">undated</span>')


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
