"""Render: lineages and figure lists for the terminal (fitted to its width) and a figure's
story as Markdown for a fact-check (figures in words come from :mod:`pipeline.claims.display`)."""

from __future__ import annotations

import textwrap
from urllib.parse import quote
from dataclasses import dataclass
from pathlib import Path

from ..claims.display import counted, format_figure  # noqa: F401  (format_figure re-exported: figures in words)
from ..claims.vocabulary import CURRENCY_SIGNS
from ..weblinks import is_web_address
from .mutations import KIND_WORDS

GAP = "  "
# Where a row's text printed under it starts (past a lineage's origin mark and a little).
BELOW_INDENT = 5


@dataclass(frozen=True)
class Column:
    """A column of a terminal table. ``drop``: the order columns give way in when their
    words do not fit whole (1 first; 0 never); ``narrowest``: the width down to which its
    words are broken when even the columns that stay do not fit."""

    name: str
    drop: int = 0
    narrowest: int = 12


def fit_table(columns: list[Column], rows: list[list[str]], width: int | None, below: list[str] | None = None) -> str:
    """``rows`` under ``columns`` in at most ``width`` characters a line (None: each
    column as wide as its longest cell). Cells wrap between words onto more lines of their
    row. Columns give way in their ``drop`` order before a word is broken; words are
    broken (down to a column's ``narrowest``) only when the columns that stay still do not
    fit. ``below``: a text per row printed under it, indented and wrapped to the width
    (what needs no column of its own: a long description)."""
    rows = [[" ".join(str(cell or "").split()) for cell in row] for row in rows]
    kept = list(range(len(columns)))
    natural = {i: max([len(columns[i].name)] + [len(row[i]) for row in rows]) for i in kept}
    widths = dict(natural)
    if width is not None:
        whole = {i: min(natural[i], max(len(columns[i].name), _longest_word(rows, i))) for i in kept}
        while sum(whole[i] for i in kept) > _room(width, kept) and any(columns[i].drop for i in kept):
            kept.remove(min((i for i in kept if columns[i].drop), key=lambda i: columns[i].drop))
        least = {i: whole[i] for i in kept}
        if sum(least.values()) > _room(width, kept):  # words broken, as little as need be
            least = {i: min(whole[i], max(len(columns[i].name), columns[i].narrowest)) for i in kept}
        # (a column of nothing still gets one character: textwrap wants a width)
        widths = {i: max(1, w) for i, w in _share_out(least, natural, _room(width, kept)).items()}
    lines = [GAP.join(columns[i].name.ljust(widths[i]) for i in kept).rstrip()]
    for n, row in enumerate(rows):
        cells = {i: [row[i]] if len(row[i]) <= widths[i] else textwrap.wrap(row[i], widths[i], break_on_hyphens=False)
                 for i in kept}  # (a cell that fits is its own one line: most are, and wrapping is slow)
        for depth in range(max(len(c) for c in cells.values())):
            lines.append(GAP.join((cells[i][depth] if depth < len(cells[i]) else "").ljust(widths[i]) for i in kept).rstrip())
        if below and below[n]:
            indent = " " * BELOW_INDENT
            text = " ".join(below[n].split())
            if width is None or len(text) + BELOW_INDENT <= width:
                lines.append(indent + text)
            else:
                lines.extend(textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False))
    return "\n".join(lines)


def _room(width: int, kept: list[int]) -> int:
    """The characters a line has for the cells of ``kept`` columns, gaps aside."""
    return width - len(GAP) * (len(kept) - 1)


def one_line_width(columns: list[Column], rows: list[list[str]]) -> int:
    """How wide a table is with every cell on one line."""
    cells = [[" ".join(str(cell or "").split()) for cell in row] for row in rows]
    return sum(max([len(c.name)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)) + len(GAP) * (len(columns) - 1)


def _longest_word(rows: list[list[str]], column: int) -> int:
    """The length of the longest word of a column."""
    return max((len(word) for row in rows for word in row[column].split()), default=0)


def _share_out(least: dict[int, int], natural: dict[int, int], room: int) -> dict[int, int]:
    """Column widths from their least, the room left shared out evenly, the columns that
    want least filled first (a short column whole rather than every column cut)."""
    widths = dict(least)
    spare = room - sum(widths.values())
    wanting = sorted((i for i in widths if natural[i] > widths[i]), key=lambda i: natural[i] - widths[i])
    for n, i in enumerate(wanting):
        if spare <= 0:
            break
        given = min(natural[i] - widths[i], spare // (len(wanting) - n))
        widths[i] += given
        spare -= given
    return widths


# --------------------------------------------------------------------------- lineages

LINEAGE_COLUMNS = [
    Column("", narrowest=1),
    Column("date", narrowest=10),
    Column("source", drop=2, narrowest=14),
    Column("as written", narrowest=14),
    Column("qualifier", drop=1),
    Column("credited to", drop=3),
]
CHANGE_COLUMN = Column("what changed from the origin", narrowest=16)


def lineage_head(lineage: dict) -> str:
    """A lineage's first line: what the figure measures, its unit and id, its size, who it
    is credited to, and how sure its origin is."""
    head = (
        f"{lineage['subject'] or '(no subject)'} [{lineage['unit'] or 'no unit'}] "
        f"{lineage['id']}: {len(lineage['claims'])} claim{'s' if len(lineage['claims']) != 1 else ''}"
        f" in {_articles(lineage)}"
    )
    if lineage.get("attributed_origin"):
        head += f", credited to {lineage['attributed_origin']}"
    if lineage.get("origin_certainty") not in (None, "certain"):
        head += f"; origin {lineage['origin_note']}"
    return head


def lineage_table(lineage: dict, width: int | None = None) -> str:
    """A figure's lineage as a plain-text table for the terminal, the origin marked ``*``,
    in at most ``width`` characters a line (None: one line a claim, however long). What
    changed is the last column while the table fits on one line a claim, and otherwise
    goes under each claim, whole: it is what the reader came for."""
    rows = [["*" if claim["is_origin"] else "", claim["published"] or "undated", source_name(claim), claim["surface"],
             _qualifier(claim), _credit(claim)] for claim in lineage["claims"]]  # fmt: skip
    changes = [_change(claim) for claim in lineage["claims"]]
    head = lineage_head(lineage)
    columns = LINEAGE_COLUMNS + [CHANGE_COLUMN]
    whole = [row + [change] for row, change in zip(rows, changes)]
    cited = [f"cites: {line}" for line in citation_sentences(lineage, source_name)]
    if width is None:
        return "\n".join([head, fit_table(columns, whole, None), *cited])
    head = "\n".join(textwrap.wrap(head, width, break_on_hyphens=False))
    cited = ["\n".join(textwrap.wrap(line, width, break_on_hyphens=False, subsequent_indent=" " * 7)) for line in cited]
    if one_line_width(columns, whole) <= width:
        return "\n".join([head, fit_table(columns, whole, None), *cited])
    return "\n".join([head, fit_table(LINEAGE_COLUMNS, rows, width, below=changes), *cited])


# How each kind of citation reads, from the citing article to the cited one.
CITATION_VERBS = {"link": "links to", "attribution": "credits"}


def citation_sentences(lineage: dict, name) -> list[str]:
    """Who cites whom among a lineage's articles, a sentence an edge ("Daily Example
    (2025-03-06) links to Wire Service (2025-03-05)"), links first; copies are told on their
    claims' rows, not here. ``name`` names an article by one of its claims."""
    first = {}
    for claim in lineage["claims"]:
        first.setdefault(claim["article_id"], claim)
    sentences = []
    for edge in lineage.get("citations") or ():
        verb = CITATION_VERBS.get(edge["kind"])
        citing, cited = first.get(edge["from"]), first.get(edge["to"])
        if verb and citing and cited:
            sentence = f"{name(citing)} ({citing['published'] or 'undated'}) {verb} {name(cited)} ({cited['published'] or 'undated'})"
            if sentence not in sentences:  # (an article can link to another twice)
                sentences.append(sentence)
    return sentences


def source_name(claim: dict) -> str:
    """How a claim's article is named in tables and charts (the terminal's, the figure
    page's, its chart's): its outlet, else its file's name without extension."""
    return claim.get("source") or Path(claim.get("path") or "").stem or "?"


def _qualifier(claim: dict) -> str:
    return claim["qualifier"] if not claim["qualifier_cue"] else f"{claim['qualifier']} ({claim['qualifier_cue']})"


def _credit(claim: dict) -> str:
    """Who a claim is credited to, and when its sentence does not say so itself (the credit
    carried from another sentence of the article) that it is the article's."""
    if not claim["attributed_to"]:
        return ""
    return claim["attributed_to"] + (" (elsewhere in the article)" if claim.get("attributed_from") == "article" else "")


def _change(claim: dict) -> str:
    """What changed from the origin, in words, and whose copy the claim's article is."""
    change = "origin" if claim["is_origin"] else claim["detail"] or ", ".join(claim["mutation"])
    copy = claim.get("copy_of")
    if copy:
        told = copy_words(copy, claim["published"])
        change = told if claim["mutation"] == ["same"] else f"{told}; {change}"
    return change


def copy_words(copy: dict, published: str | None) -> str:
    """A claim's copy mark in words (``copy``: its ``copy_of``; ``published``: its article's
    date): "copy of Reuters, 2 days later"; when the dates cannot say which ran first (the
    same day, or one undated), "same text as Herald (the same day: which ran first is not
    known)"."""
    name = _shortened(copy["source"])
    whole = copy["kind"] == "copy"
    if copy.get("ordered", True):
        return f"{'copy' if whole else 'copied paragraph'} of {name}, {days_later(copy['published'], published)}"
    when = ("the same day" if copy["published"] and copy["published"] == published
            else "both undated" if not copy["published"] and not published else "one undated")  # fmt: skip
    return f"{'same text as' if whole else 'paragraph shared with'} {name} ({when}: which ran first is not known)"


def days_later(original: str | None, copy: str | None) -> str:
    """How long after its original a copy ran: "3 days later", "the same day", "2 days
    earlier" (a citation can point forward when dates tie badly), "when is not known"."""
    from datetime import date

    try:
        days = (date.fromisoformat(copy) - date.fromisoformat(original)).days
    except (TypeError, ValueError):  # (one of them undated)
        return "when is not known"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} earlier"
    return "the same day" if days == 0 else f"{days} day{'s' if days != 1 else ''} later"


def _articles(lineage: dict) -> str:
    """"5 articles", or "7 articles, 5 independent" when some copy others."""
    articles = lineage.get("n_articles") or len({c["article_id"] for c in lineage["claims"]})
    independent = lineage.get("n_independent", articles)
    told = f"{articles} article{'s' if articles != 1 else ''}"
    return told if independent == articles else f"{told}, {independent} independent"


# --------------------------------------------------------------------------- figure lists

FIGURE_COLUMNS = [
    Column("figure", narrowest=16),
    Column("stated as", narrowest=14),
    Column("first seen", drop=1, narrowest=10),
    Column("claims", drop=2),
]


def statement(row: dict) -> str:
    """A figure's most precise statement, and the span of its values when they differ:
    "$5.576 million ($5.58M–$6M)", "671 billion parameters (671B–685B parameters)"."""
    unit = row.get("unit")
    written = format_figure(row.get("canonical_value"), unit, plural=True)
    low, high = row.get("value_min"), row.get("value_max")
    if low is not None and high is not None and low != high:
        # (a unit written after the number once: "671B–685B parameters", but "$5.58M–$6M")
        low_unit = unit if unit in CURRENCY_SIGNS or unit in ("percent", "x") else None
        written += f" ({format_figure(low, low_unit, compact=True)}–{format_figure(high, unit, compact=True)})"
    return written or "(no value)"


def figures_table(rows: list[dict], width: int | None = None) -> str:
    """Figures (rows of :func:`~.queries.most_mutated`) as a terminal table: id, statement,
    the date first seen, claims in articles; under each, what it measures and how it
    changed (on the row itself with ``width`` None)."""
    # (a first date that may not be the first: undated or tied articles state it too)
    cells = [[row["id"], statement(row), (row.get("first_published") or "undated") + ("" if row.get("origin_certainty") in (None, "certain") else "?"),
              f"{row['n_claims']} in {row['n_articles']} article{'s' if row['n_articles'] != 1 else ''}"]
             for row in rows]  # fmt: skip
    about = [f"{row['subject'] or '(no subject)'}: {', '.join(KIND_WORDS.get(k, k) for k in row['kinds'])}" for row in rows]
    if width is None:
        return fit_table(FIGURE_COLUMNS + [Column("what it measures: how it changed")],
                         [c + [a] for c, a in zip(cells, about)], None)  # fmt: skip
    return fit_table(FIGURE_COLUMNS, cells, width, below=about)


# --------------------------------------------------------------------------- Markdown

def lineage_markdown(lineage: dict) -> str:
    """A figure's story as Markdown to paste into a fact-check: the figure as first stated,
    where it first appeared (and how sure that is), who it is credited to, its most
    precise statement, then each change with its date, source and a link to the article
    (links only to http(s) URLs)."""
    origin = lineage["origin"]
    claims = lineage["claims"]
    lines = [f"## {_md(lineage['subject'] or 'A figure')}: {_md(origin['surface'])}", ""]
    first = f"**First appeared** as “{_md(origin['surface'])}” in {_md_source(origin)}, {origin['published'] or 'undated'}"
    if (lineage.get("origin_certainty") or "certain") != "certain":
        first += f" (origin {_md(lineage['origin_note'])})"
    lines.append(f"- {first}.")
    if lineage.get("attributed_origin"):
        lines.append(f"- **Credited to** {_md(lineage['attributed_origin'])}.")
    precise = format_figure(lineage.get("canonical_value"), lineage.get("unit"), plural=True)
    if precise:
        lines.append(f"- **Most precise statement:** {_md(precise)}.")
    lines.append(f"- **Stated** {counted(len(claims), 'time')} in {_articles(lineage)}.")
    later = [c for c in claims if not c["is_origin"]]
    changed = [c for c in later if c["mutation"] != ["same"] or c.get("copy_of")]
    lines += ["", "### How it changed", ""]
    if not changed:
        lines.append("Every later statement repeats the origin as it was.")
    for claim in changed:
        lines.append(f"- {claim['published'] or 'undated'}, {_md_source(claim)}: “{_md(claim['surface'])}”: {_md(_change(claim))}.")
    same = [c for c in later if c["mutation"] == ["same"] and not c.get("copy_of")]
    if same:
        lines += ["", f"Repeated unchanged {counted(len(same), 'time')}: {', '.join(sorted({_md_source(c) for c in same}))}."]
    cited = citation_sentences(lineage, _md_source)
    if cited:
        lines += ["", "### Who cites whom", "", *(f"- {sentence}." for sentence in cited)]
    lines += ["", f"*Figure `{lineage['id']}`, traced by figtrace.*"]
    return "\n".join(lines)


def one_line(text) -> str:
    """Text on one line, its runs of spaces and line breaks one space ("" for None)."""
    return " ".join(str(text or "").split())


def _md(text: str) -> str:
    """Text safe inside Markdown, on one line: its markup characters escaped, its line
    breaks (a hard-wrapped surface or title) spaces, so no line of it starts a heading or a
    list."""
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in one_line(text))


# Characters a link keeps as they are (those of a URL's syntax); the rest, spaces, line
# breaks and angle brackets among them, are percent-encoded so the link stays one.
URL_SAFE = ":/?#@!$&'()*+,;=%-._~"

# Characters of an article's title naming it in a story (titles stand in for an outlet
# when the input names none, and some are a whole first sentence).
TITLE_CHARACTERS = 60


def _md_source(claim: dict) -> str:
    """The article a claim is in (its outlet, else its title, else its file), linked when
    its URL is http(s)."""
    title = _shortened(claim.get("title"))
    name = _md(claim["source"]) if claim.get("source") else f"*{_md(title)}*" if title else _md(Path(claim["path"]).name)
    url = link_url(claim.get("url"))
    return f"[{name}](<{url}>)" if url else name


def link_url(url: str | None) -> str | None:
    """``url`` as a link target when it is an http(s) address with a host, spaces and the
    like percent-encoded (a link stays one); None otherwise (a javascript: or data: URL)."""
    url = (url or "").strip()
    return quote(url, safe=URL_SAFE) if is_web_address(url) else None


def _shortened(title: str | None) -> str | None:
    """A title cut at a word to :data:`TITLE_CHARACTERS` at most, marked "…" when cut."""
    if not title or len(title) <= TITLE_CHARACTERS:
        return title
    return title[: title.rfind(" ", 0, TITLE_CHARACTERS) if " " in title[:TITLE_CHARACTERS] else TITLE_CHARACTERS].rstrip(" ,;:") + "…"
