"""The lineage chart of a figure page, drawn on the server as inline SVG (no script, no
CDN): one column per claim in lineage order, each at its value and coloured by its mutation
class (:data:`MUTATION_CLASSES`), with article bands, a value axis labelled in the figure's
unit and in percent from the origin (:mod:`pipeline.chart_scale`), a wrapping legend, and
under each column every change from the origin in words.

What a claim states is drawn as such: a bound ("under $6M") as a point with an arrow the
way the value may lie, a range as a bar, an approximate value hollow, and a claim in
another unit ("17%" restating "$600 billion") in a strip of its own below the axis, not on
it. Labels are written by the one figure writer, :func:`pipeline.claims.display.format_figure`
(compact). :mod:`pipeline.pages` and the hooks of :mod:`pipeline.datasette_plugin` draw with it.
"""

from __future__ import annotations


from markupsafe import Markup, escape

from .chart_scale import ValueScale, bound_of, chart_scale, format_percent, in_figure_unit, is_approximate
from .tracing.mutations import KIND_WORDS
from .tracing.render import source_name  # noqa: F401  (one name for an article, here and in the terminal)
from .claims.display import format_figure, plural_unit  # (format_figure re-exported: the one writer of figures)
from .claims.vocabulary import CURRENCY_SIGNS


def _truncate(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --------------------------------------------------------------------------- mutation classes

# Mutation classes, most telling first: a claim is drawn as the first that applies. Changes
# to the number come before changes to who is credited, then to the qualifier.
# (class, colour, legend, mutation kinds that put a claim in it)
MUTATION_CLASSES = (
    ("origin", "#111111", "origin", ()),
    ("inflated", "#c62828", "inflated", ("inflated",)),
    ("deflated", "#ef6c00", "deflated", ("deflated",)),
    ("rounded", "#1565c0", "rounded or more precise", ("rounded", "more_precise")),
    ("unit", "#00897b", "unit changed or restated", ("unit_changed", "restated", "restatement")),
    ("credit", "#7b1fa2", "credit changed (who is cited)", ("attribution_changed", "attribution_added", "attribution_dropped")),
    ("qualifier", "#d81b60", "qualifier changed (about, under…)", ("qualifier_changed", "qualifier_added", "qualifier_dropped")),
    ("same", "#7f8c8d", "same number, reworded or other subject", ()),
)
# The words under a claim's column, one line per kind (at most 17 characters: a column).
SHORT_KINDS = KIND_WORDS  # (the words of each kind: pipeline.tracing.mutations)
# Kinds from the most telling down: those of the classes in order, then changes that leave
# number, credit and qualifier alone.
_KIND_ORDER = tuple(k for *_, kinds in MUTATION_CLASSES for k in kinds) + ("subject_drift", "reformatted")


def _kind_order(kind: str) -> int:
    return _KIND_ORDER.index(kind) if kind in _KIND_ORDER else len(_KIND_ORDER)


def _primary_kind(claim: dict) -> str:
    """The most telling of a claim's mutation kinds ("origin" for the origin)."""
    if claim.get("is_origin"):
        return "origin"
    kinds = [k for k in claim.get("mutation") or [] if k != "same"]
    return min(kinds, key=_kind_order) if kinds else "same"


def mutation_class(claim: dict) -> str:
    """The class a claim is drawn as (see :data:`MUTATION_CLASSES`)."""
    kind = _primary_kind(claim)
    return next((name for name, _, _, members in MUTATION_CLASSES if kind == name or kind in members), "same")


def _class_colour(name: str) -> str:
    return next(colour for key, colour, _, _ in MUTATION_CLASSES if key == name)


def _kind_colour(kind: str) -> str:
    return _class_colour(next((name for name, _, _, members in MUTATION_CLASSES if kind in members), "same"))


def change_lines(claim: dict, limit: int = 4) -> list[tuple[str, str]]:
    """Every change from the origin in words, most telling first, with its colour: what
    the column of a claim says under it ("credit dropped", "qualifier dropped"); at most
    ``limit`` lines, the last "+N more" when there are more."""
    kinds = sorted((k for k in claim.get("mutation") or [] if k not in ("same", "origin")), key=_kind_order)
    lines = [(SHORT_KINDS.get(k, k.replace("_", " ")), _kind_colour(k)) for k in kinds]
    if len(lines) > limit:
        lines = lines[: limit - 1] + [(f"+{len(lines) - limit + 1} more", "#555555")]
    return lines or [("same", _class_colour("same"))]


# --------------------------------------------------------------------------- layout

LEGEND_ROW = 18
CHAR_WIDTH = 6.2  # above the mean width of a character at 11 px in the common sans fonts
MIN_WIDTH = 720  # a chart of few claims spreads its columns over this width


def text_width(text: str, size: float = 11) -> float:
    """A generous estimate of how wide ``text`` is drawn at ``size`` px (the chart wraps
    its legend with it, so it must not run short)."""
    return len(text) * CHAR_WIDTH * size / 11


class _Layout:
    """Geometry of the chart: one column per claim, in lineage order; from the top, the
    legend, the plot, the strip of claims in another unit (when any), the column labels."""

    step = 100  # px per claim at least: room for a 17-character label
    left = 74  # room for the value axis
    right = 72  # room for the percent axis
    plot_height = 190
    strip_height = 40
    label_line = 13

    def __init__(self, n_columns: int, scale: ValueScale, *, step: int | None = None, legend_rows: int = 1,
                 other_unit: bool = False, label_lines: int = 6):  # fmt: skip
        self.width = self.width_for(n_columns, step)
        self.step = (self.width - self.left - self.right) // max(n_columns, 1)
        self.scale = scale
        self.top = 8 + LEGEND_ROW * legend_rows + 34  # room for the labels above the highest points
        self.plot_bottom = self.top + self.plot_height
        self.strip_top = self.plot_bottom + 18 if other_unit else None  # (under the axis break)
        self.labels_top = self.plot_bottom + (18 + self.strip_height if other_unit else 0) + 18
        self.height = self.labels_top + self.label_line * (label_lines - 1) + 8
        self.plot_right = self.width - self.right

    @classmethod
    def width_for(cls, n_columns: int, step: int | None = None) -> int:
        return max(MIN_WIDTH, cls.left + (step or cls.step) * n_columns + cls.right)

    def x(self, index: int) -> float:
        return self.left + self.step * (index + 0.5)

    def y(self, value: float) -> float:
        return self.plot_bottom - self.scale.share(value) * self.plot_height


# --------------------------------------------------------------------------- axis and legend


def _written_as_sign(unit: str | None) -> bool:
    """Whether a unit is written as a sign by the number ("$6M", "17%", "45×")."""
    return not unit or unit in CURRENCY_SIGNS or unit in ("percent", "x")


def _tick_label(value: float, unit: str | None) -> str:
    """A gridline's value: with its unit when that is a sign, else bare (the unit is named
    once, above the axis: "2.79M GPU hours" would not fit beside it)."""
    return format_figure(value, unit if _written_as_sign(unit) else None, compact=True)


def _svg_axis(layout: _Layout, unit: str | None, reference_name: str | None) -> list[str]:
    """Gridlines labelled in the figure's unit on the left and, on a zoomed axis, in percent
    from the reference on the right (the reference's own line darker); a zoomed axis also
    has a break at its foot and says it does not start at zero."""
    scale, right, top = layout.scale, layout.plot_right, layout.top
    parts = [f'<line x1="{layout.left}" x2="{layout.left}" y1="{top}" y2="{layout.plot_bottom}" stroke="#b0b6bd"/>']
    # (from zero the gridlines are round values, whose percentages would only be noise)
    percents = scale.reference is not None and not scale.zero_based
    for value in scale.ticks:
        y = layout.y(value)
        percent = scale.percent(value) if percents else None
        reference = percent is not None and abs(percent) < 0.05
        parts.append(f'<line class="grid{" reference" if reference else ""}" x1="{layout.left}" x2="{right}" '
                     f'y1="{y:.1f}" y2="{y:.1f}" stroke="{"#9aa3ad" if reference else "#e3e6ea"}"/>')  # fmt: skip
        parts.append(f'<text x="{layout.left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{escape(_tick_label(value, unit))}</text>')
        if percent is not None:
            parts.append(f'<text x="{right + 6}" y="{y + 4:.1f}" class="tick percent">{format_percent(percent)}</text>')
    if percents and reference_name:
        parts.append(f'<text x="{right + 6}" y="{top - 20}" class="axis-head">% from</text>'
                     f'<text x="{right + 6}" y="{top - 8}" class="axis-head">{escape(reference_name.removesuffix(" statement"))}</text>')  # fmt: skip
    if not _written_as_sign(unit):
        parts.append(f'<text x="4" y="{top - 20}" class="axis-head">{escape(_truncate(plural_unit(unit), 22))}</text>')
    if not scale.zero_based:
        foot, x = layout.plot_bottom, layout.left
        parts.append(f'<path class="axis-break" d="M{x} {foot} v6 M{x - 6} {foot + 9} l12 -5 M{x - 6} {foot + 13} l12 -5" '
                     f'stroke="#777" stroke-width="1.5" fill="none"><title>the axis does not start at zero</title></path>')  # fmt: skip
        parts.append(f'<text x="{x - 6}" y="{top - 8}" text-anchor="end" class="axis-note">not from 0</text>')
    return parts


def _legend_swatch(key: str, x: float, y: float) -> str:
    """A legend entry's mark: a class's dot, or a shape the chart draws claims with."""
    grey = "#555"
    if key == "origin":
        return (f'<circle cx="{x + 6}" cy="{y}" r="7" fill="none" stroke="#f9a825" stroke-width="2.5"/>'
                f'<circle cx="{x + 6}" cy="{y}" r="4" fill="{_class_colour("origin")}"/>')  # fmt: skip
    if key == "approx":
        return f'<circle cx="{x + 6}" cy="{y}" r="4.5" fill="#fff" stroke="{grey}" stroke-width="2"/>'
    if key == "range":
        return "".join(_bound_mark(x + 6, y, key, grey, 0, 0, (y - 7, y + 7)))
    if key in ("upper", "lower"):
        dot = y - 5 if key == "upper" else y + 5
        return f'<circle cx="{x + 6}" cy="{dot}" r="3" fill="{grey}"/>' + "".join(_bound_mark(x + 6, dot, key, grey, 3, 11))
    if key == "precise":
        return f'<line x1="{x}" x2="{x + 14}" y1="{y}" y2="{y}" stroke="#2e7d32" stroke-width="1.5" stroke-dasharray="5 3"/>'
    return f'<circle cx="{x + 6}" cy="{y}" r="5" fill="{_class_colour(key)}"/>'


SHAPE_LEGEND = {
    "approx": "hollow: approximate",
    "upper": "at most (under, less than)",
    "lower": "at least (over, more than)",
    "range": "range, low to high",
    "precise": "most precise statement",
}


def _legend(entries: list[tuple[str, str]], width: int) -> tuple[list[str], int]:
    """The legend's entries (key, label), placed left to right and wrapped to ``width``;
    returns its SVG and how many rows it takes."""
    parts, x, row = [], 10.0, 0
    for key, label in entries:
        item = 20 + text_width(label)
        if x > 10 and x + item > width - 10:
            x, row = 10.0, row + 1
        y = 14 + row * LEGEND_ROW
        parts.append(f'<g class="legend-item" data-key="{key}">{_legend_swatch(key, x, y)}'
                     f'<text x="{x + 18:.0f}" y="{y + 4}" class="legend">{escape(label)}</text></g>')  # fmt: skip
        x += item + 14
    return parts, row + 1


# --------------------------------------------------------------------------- claims


def _bound_mark(x: float, y: float, bound: str, colour: str, radius: float, length: float,
                ends: tuple[float, float] | None = None, floor: float | None = None) -> list[str]:  # fmt: skip
    """What a bound adds to a point: an arrow from it the way the value may lie (down for
    "under", up for "over"), or for a range a bar with caps between its ends (``ends``, y)."""
    if bound == "range" and ends:
        top, bottom = sorted(ends)
        return [f'<path class="bound range" d="M{x - 6} {top:.1f} h12 M{x} {top:.1f} V{bottom:.1f} M{x - 6} {bottom:.1f} h12" '
                f'stroke="{colour}" stroke-width="2.5" fill="none" opacity="0.7"/>']  # fmt: skip
    if bound not in ("upper", "lower"):
        return []
    sign = 1 if bound == "upper" else -1  # (SVG's y grows downward)
    start = y + sign * (radius + 2)
    end = y + sign * (radius + length)
    if floor is not None and bound == "upper":  # (a bound at the axis foot: a short arrow, not one into the labels)
        end = max(min(end, floor), start + 8)
    head = end - sign * 5
    return [f'<path class="bound {bound}" d="M{x} {start:.1f} V{end:.1f} M{x - 4} {head:.1f} L{x} {end:.1f} L{x + 4} {head:.1f}" '
            f'stroke="{colour}" stroke-width="2" fill="none" stroke-linecap="round"/>']  # fmt: skip


ARROW = 22


def _svg_marker(x: float, claim: dict, layout: _Layout, unit: str | None, colour: str) -> list[str]:
    """A claim's mark: on the axis, a point at its value (hollow when approximate, ringed
    for the origin) with its bound, its surface above and its difference from the reference
    beside it; in another unit, a square in the strip under the axis with its value."""
    if not in_figure_unit(claim, unit):
        y = layout.strip_top + 12
        value = format_figure(claim.get("value"), claim.get("unit"), compact=True) if claim.get("value") is not None else claim["surface"]
        return [f'<rect class="point other-unit" x="{x - 6}" y="{y - 6}" width="12" height="12" fill="{colour}" opacity="0.8"/>',
                f'<text x="{x}" y="{y + 22}" text-anchor="middle" class="other-value">{escape(_truncate(value, 16))}</text>']  # fmt: skip
    origin, bound = bool(claim.get("is_origin")), bound_of(claim)
    radius = 7 if origin else 6
    low, high = claim.get("value_low"), claim.get("value_high")
    y = layout.y((low + high) / 2 if bound == "range" else claim["value"])
    parts = []
    if origin:
        parts.append(f'<circle class="halo" cx="{x}" cy="{y:.1f}" r="{radius + 4}" fill="none" stroke="#f9a825" stroke-width="3"/>')
    ends = (layout.y(low), layout.y(high)) if bound == "range" else None
    parts += _bound_mark(x, y, bound, colour, radius + (4 if origin else 0), ARROW, ends, floor=layout.plot_bottom)
    fill, stroke = ("#fff", colour) if is_approximate(claim) else (colour, "#fff")
    parts.append(f'<circle class="point" cx="{x}" cy="{y:.1f}" r="{radius}" fill="{fill}" stroke="{stroke}" '
                 f'stroke-width="{2.5 if fill == "#fff" else 1.5}"/>')  # fmt: skip
    above = y - radius - (4 if origin else 0) - (ARROW if bound == "lower" else 0) - 6
    surface = _truncate(claim["surface"], layout.step // 7)  # (bold: up to 7 px a character)
    parts.append(f'<text x="{x}" y="{above:.1f}" text-anchor="middle" class="surface">{escape(surface)}</text>')
    percent = layout.scale.percent(claim["value"])
    if bound != "range" and percent is not None and abs(percent) >= 0.05:
        parts.append(f'<text x="{x + radius + 5}" y="{y + 4:.1f}" class="delta">{format_percent(percent)}</text>')
    return parts


def _tooltip(claim: dict, scale: ValueScale, reference_name: str | None) -> str:
    qualifier = claim.get("qualifier") or ""
    if claim.get("qualifier_cue"):
        qualifier += f" ({claim['qualifier_cue']})"
    percent = scale.percent(claim["value"]) if claim.get("value") is not None else None
    parts = [
        f"{claim['surface']} — {claim.get('published') or 'undated'}, {source_name(claim)}",
        f"qualifier: {qualifier}" if qualifier else "",
        f"credited to: {claim['attributed_to']}" if claim.get("attributed_to") else "",
        f"{format_percent(percent)} from the {reference_name}" if percent and abs(percent) >= 0.05 and reference_name else "",
        "origin of the figure" if claim.get("is_origin") else (claim.get("detail") or ""),
    ]
    return "\n".join(p for p in parts if p)


def _svg_labels(x: float, layout: _Layout, lines: list[tuple[str, str, str | None]]) -> list[str]:
    """Lines of (text, css class, colour) centred under a column."""
    parts = []
    for row, (text, css, colour) in enumerate(lines):
        fill = f' fill="{colour}"' if colour else ""
        parts.append(f'<text x="{x}" y="{layout.labels_top + layout.label_line * row}" text-anchor="middle" '
                     f'class="{css}"{fill}>{escape(text)}</text>')  # fmt: skip
    return parts


def _svg_claim(index: int, claim: dict, layout: _Layout, unit: str | None, context: dict) -> list[str]:
    """One claim's column: marker, labels (date, source, every change from the origin) and
    a hover text with the full detail."""
    x = layout.x(index)
    css = mutation_class(claim)
    if claim.get("is_origin"):
        changes = [("origin", _class_colour("origin"))] + ([("(uncertain)", "#8d6e00")] if context["uncertain"] else [])
    else:
        changes = change_lines(claim)
    labels = [(claim.get("published") or "undated", "date", None), (_truncate(source_name(claim), 13), "source", None)]
    labels += [(text, "change", colour) for text, colour in changes]
    return [
        f'<g class="claim {css}" data-claim-id="{escape(claim["id"])}" data-bound="{bound_of(claim) or ""}">',
        f"<title>{escape(_tooltip(claim, layout.scale, context['reference_name']))}</title>",
        *_svg_marker(x, claim, layout, unit, _class_colour(css)),
        *_svg_labels(x, layout, labels),
        "</g>",
    ]


# --------------------------------------------------------------------------- many claims

# Above this many claims a chart has one column per run of consecutive claims (a summary of
# them all) instead of one per claim: a column is 100 px, and a page should stay readable.
CHART_COLUMNS = 60


def run_size(n_claims: int) -> int | None:
    """Claims per column of the chart of ``n_claims`` claims (None: one column per claim)."""
    return -(-n_claims // CHART_COLUMNS) if n_claims > CHART_COLUMNS else None


def _runs(claims: list[dict]) -> list[list[dict]] | None:
    """``claims`` (in lineage order) in runs of :func:`run_size` consecutive claims (None when few)."""
    size = run_size(len(claims))
    return [claims[start : start + size] for start in range(0, len(claims), size)] if size else None


def _run_tooltip(run: list[dict], first: int) -> str:
    dates = [c["published"] for c in run if c.get("published")]
    when = (f"{dates[0]} to {dates[-1]}" if dates[0] != dates[-1] else dates[0]) if dates else "undated"
    classes: dict[str, int] = {}
    for claim in run:
        css = mutation_class(claim)
        classes[css] = classes.get(css, 0) + 1
    labels = {key: label for key, _, label, _ in MUTATION_CLASSES}
    counts = "; ".join(f"{n} {labels[css]}" for css, n in sorted(classes.items(), key=lambda kv: -kv[1]))
    articles = len({c["article_id"] for c in run})
    return f"claims {first + 1}–{first + len(run)} ({when}), in {articles} article{'s' if articles != 1 else ''}\n{counts}"


def _svg_run(index: int, first: int, run: list[dict], layout: _Layout, unit: str | None) -> list[str]:
    """One column summarising a run of claims: a dot per distinct (class, height, bound),
    the origin ringed, a square in the strip when some claim of the run is in another unit;
    under it the run's first date, its size and how many of its claims changed."""
    x = layout.x(index)
    parts = [f'<g class="run" data-first="{first + 1}" data-claims="{len(run)}">',
             f"<title>{escape(_run_tooltip(run, first))}</title>"]  # fmt: skip
    drawn, other_unit = set(), 0
    for claim in run:
        css = mutation_class(claim)
        if not in_figure_unit(claim, unit):
            other_unit += 1
            continue
        y, bound, colour = round(layout.y(claim["value"])), bound_of(claim), _class_colour(css)
        if claim.get("is_origin"):
            parts.append(f'<circle class="point origin" cx="{x}" cy="{y}" r="6" fill="{colour}" stroke="#f9a825" stroke-width="3"/>')
        elif (css, y, bound) not in drawn:
            drawn.add((css, y, bound))
            ends = (layout.y(claim["value_low"]), layout.y(claim["value_high"])) if bound == "range" else None
            parts += _bound_mark(x, y, bound, colour, 3.5, 14, ends, floor=layout.plot_bottom)
            parts.append(f'<circle class="point {css}" cx="{x}" cy="{y}" r="3.5" fill="{colour}" opacity="0.8"/>')
    if other_unit:
        y = layout.strip_top + 12
        parts.append(f'<rect class="point other-unit" x="{x - 5}" y="{y - 5}" width="10" height="10" fill="{_class_colour("unit")}" opacity="0.7"/>')
        parts.append(f'<text x="{x}" y="{y + 22}" text-anchor="middle" class="other-value">{other_unit} claim{"s" if other_unit != 1 else ""}</text>')
    changed = sum(mutation_class(c) not in ("origin", "same") for c in run)
    labels = [(next((c["published"] for c in run if c.get("published")), "undated"), "date", None),
              (f"{len(run)} claims", "source", None), (f"{changed} changed" if changed else "", "change", None)]  # fmt: skip
    return parts + _svg_labels(x, layout, labels) + ["</g>"]


# --------------------------------------------------------------------------- the chart


def lineage_chart(lineage: dict) -> Markup:
    """A figure's claims as an inline SVG: one column per claim in lineage order (the time /
    source axis), each at its value, coloured by what changed from the origin; above
    :data:`CHART_COLUMNS` claims, one column per run of consecutive claims, so the chart
    summarises every claim of a figure however many there are.

    Drawn on the server so the page needs no script and works offline; every point (every
    run) has a hover text with the full detail. The SVG scales down to its box (to three
    quarters of its size; wider charts scroll) and its legend wraps within its width.
    """
    claims, unit = lineage["claims"], lineage["unit"]
    about = chart_scale(lineage)
    scale, runs = about["scale"], _runs(claims)
    context = {"reference_name": about["reference_name"],
               "uncertain": lineage.get("origin_certainty") not in (None, "certain")}  # fmt: skip
    columns, step = (len(runs), 78) if runs else (len(claims), None)  # (a run's column holds three short lines)
    width = _Layout.width_for(columns, step)
    canonical = lineage.get("canonical_value")
    on_axis = any(in_figure_unit(c, unit) for c in claims)
    draw_canonical = on_axis and canonical is not None and scale.low <= canonical <= scale.high
    present = {mutation_class(c) for c in claims} | {"origin"}
    entries = [(key, label) for key, _, label, _ in MUTATION_CLASSES if key in present]
    shapes = set(about["marks"]) | ({"precise"} if draw_canonical else set())  # (the strip of other units is labelled)
    entries += [(key, label) for key, label in SHAPE_LEGEND.items() if key in shapes]
    legend, rows = _legend(entries, width)
    label_lines = 3 if runs else 2 + max([len(change_lines(c)) for c in claims] + [1 + context["uncertain"]])
    layout = _Layout(columns, scale, step=step, legend_rows=rows, other_unit=bool(about["other_units"]), label_lines=label_lines)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="figtrace-chart" role="img" width="{layout.width}" '
        f'height="{layout.height}" viewBox="0 0 {layout.width} {layout.height}" '
        f'style="max-width:100%;height:auto;min-width:{min(layout.width, max(MIN_WIDTH, round(layout.width * 0.75)))}px">',
        f"<title>{escape(lineage['subject'] or 'figure')}: {len(claims)} claims in lineage order"
        f"{f', in {len(runs)} runs' if runs else ''}</title>",
        "<style>text{font:11px -apple-system,system-ui,Helvetica,Arial,sans-serif;fill:#333}"
        ".tick{fill:#777}.date{font-weight:600}.source{fill:#555}.change{font-size:10px}"
        ".surface{font-weight:600;fill:#111}.legend{fill:#444}.delta{font-weight:700;fill:#333;paint-order:stroke;stroke:#fff;stroke-width:3px}"
        ".axis-head,.axis-note,.strip-label{font-size:10px;fill:#666}.axis-note{font-style:italic}"
        ".other-value{font-weight:600;fill:#00695c}</style>",
    ]
    groups = range(len(runs)) if runs else [c["article_id"] for c in claims]
    shade, previous = True, None
    for i, group in enumerate(groups):  # alternate shading: an article's columns read as one
        if group != previous:
            shade, previous = not shade, group
        if shade:
            parts.append(f'<rect x="{layout.left + layout.step * i}" y="{layout.top - 30}" width="{layout.step}" '
                         f'height="{layout.height - layout.top + 30}" fill="#f3f5f8"/>')  # fmt: skip
    parts += _svg_axis(layout, unit, about["reference_name"])
    if draw_canonical:
        y = layout.y(canonical)
        parts.append(f'<line class="canonical" x1="{layout.left}" x2="{layout.plot_right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#2e7d32" stroke-dasharray="5 4"><title>most precise statement: '
                     f"{escape(format_figure(canonical, unit, compact=True, digits=7))}</title></line>")  # fmt: skip
    if layout.strip_top is not None:
        top = layout.strip_top
        parts.append(f'<g class="other-unit-strip"><rect x="{layout.left}" y="{top - 4}" width="{layout.plot_right - layout.left}" '
                     f'height="{layout.strip_height}" fill="#e0f2f1" opacity="0.6"/>'
                     f'<text x="{layout.left - 6}" y="{top + 12}" text-anchor="end" class="strip-label">in another</text>'
                     f'<text x="{layout.left - 6}" y="{top + 25}" text-anchor="end" class="strip-label">unit</text></g>')  # fmt: skip
    parts += legend
    if runs:
        first = 0
        for index, run in enumerate(runs):
            parts += _svg_run(index, first, run, layout, unit)
            first += len(run)
    else:
        for index, claim in enumerate(claims):
            parts += _svg_claim(index, claim, layout, unit, context)
    parts.append("</svg>")
    return Markup("\n".join(parts))
