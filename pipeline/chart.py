"""The lineage chart of a figure page, drawn on the server as inline SVG (no script, no
CDN): one column per claim in lineage order, each at its value and coloured by its mutation
class (:data:`MUTATION_CLASSES`), with its layout, article bands, value axis, legend,
markers and column labels. Its labels are written by the one figure writer,
:func:`pipeline.claims.display.format_figure` (compact).
:mod:`pipeline.pages` and the hooks of :mod:`pipeline.datasette_plugin` draw with it.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from markupsafe import Markup, escape

from .claims.display import format_figure  # noqa: F401  (re-exported: the one writer of figures)


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

    def __init__(self, n_claims: int, domain: tuple[float, float], step: int | None = None):
        self.n = n_claims
        self.step = step or self.step
        self.low, self.high = domain
        self.width = max(560, self.left + self.step * n_claims + 16)
        self.plot_bottom = self.top + self.plot_height
        self.height = self.plot_bottom + self.other_lane + self.labels

    def x(self, index: int) -> float:
        return self.left + self.step * (index + 0.5)

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return self.plot_bottom - share * self.plot_height


def _svg_bands(groups: list, layout: _Layout) -> list[str]:
    """Shade alternate groups of columns (``groups``: each column's group, such as its
    claim's article), so the columns of one group read as one."""
    parts, shade, previous = [], True, None
    for i, group in enumerate(groups):
        if group != previous:
            shade, previous = not shade, group
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
            f"{escape(format_figure(value, unit, compact=True))}</text>"
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
    """One column summarising a run of claims: a dot per distinct (class, height), the
    origin ringed, a square when some claim of the run is in another unit; under it the
    run's first date, its size and how many of its claims changed."""
    x = layout.x(index)
    parts = [f'<g class="run" data-first="{first + 1}" data-claims="{len(run)}">',
             f"<title>{escape(_run_tooltip(run, first))}</title>"]  # fmt: skip
    drawn, other_unit = set(), False
    for claim in run:
        css = mutation_class(claim)
        if claim["value"] is None or claim.get("unit") != unit:
            other_unit = True
            continue
        y = round(layout.y(claim["value"]))
        if claim.get("is_origin"):
            parts.append(f'<circle class="point origin" cx="{x}" cy="{y}" r="6" fill="{_class_colour(css)}" stroke="#f9a825" stroke-width="3"/>')
        elif (css, y) not in drawn:
            drawn.add((css, y))
            parts.append(f'<circle class="point {css}" cx="{x}" cy="{y}" r="3.5" fill="{_class_colour(css)}" opacity="0.8"/>')
    if other_unit:
        y = layout.plot_bottom + layout.other_lane / 2 + 2
        parts.append(f'<rect class="point other-unit" x="{x - 5}" y="{y - 5:.1f}" width="10" height="10" fill="#7f8c8d" opacity="0.6"/>')
    changed = sum(mutation_class(c) not in ("origin", "same") for c in run)
    top = layout.plot_bottom + layout.other_lane + 16
    labels = [(next((c["published"] for c in run if c.get("published")), "undated"), "date"),
              (f"{len(run)} claims", "source"), (f"{changed} changed" if changed else "", "mutation")]  # fmt: skip
    for row, (text, css) in enumerate(labels):
        parts.append(f'<text x="{x}" y="{top + 14 * row}" text-anchor="middle" class="{css}">{escape(text)}</text>')
    parts.append("</g>")
    return parts


def lineage_chart(lineage: dict) -> Markup:
    """A figure's claims as an inline SVG: one column per claim in lineage order (the time /
    source axis), each at its value, coloured by what changed from the origin; above
    :data:`CHART_COLUMNS` claims, one column per run of consecutive claims, so the chart
    summarises every claim of a figure however many there are.

    Drawn on the server so the page needs no script and works offline; every point (every
    run) has a hover text with the full detail.
    """
    claims, unit = lineage["claims"], lineage["unit"]
    plotted = [c for c in claims if c["value"] is not None and c.get("unit") == unit] or [
        {"value": lineage.get("canonical_value") or 0}
    ]
    runs = _runs(claims)
    # (a run's column holds a date and two short lines: narrower than a claim's)
    layout = _Layout(len(runs), _value_domain(plotted), step=78) if runs else _Layout(len(claims), _value_domain(plotted))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="figtrace-chart" role="img" '
        f'width="{layout.width}" height="{layout.height}" viewBox="0 0 {layout.width} {layout.height}">',
        f"<title>{escape(lineage['subject'] or 'figure')}: {len(claims)} claims in lineage order"
        f"{f', in {len(runs)} runs' if runs else ''}</title>",
        "<style>text{font:11px -apple-system,system-ui,Helvetica,Arial,sans-serif;fill:#333}"
        ".tick{fill:#777}.date{font-weight:600}.source{fill:#555}.mutation{font-weight:600}"
        ".surface{font-weight:600;fill:#111}.legend{fill:#444}</style>",
    ]
    parts += _svg_bands(range(len(runs)) if runs else [c["article_id"] for c in claims], layout)
    parts += _svg_axis(layout, unit)
    if lineage.get("canonical_value") is not None and layout.low <= lineage["canonical_value"] <= layout.high:
        y = layout.y(lineage["canonical_value"])
        parts.append(
            f'<line x1="{layout.left}" x2="{layout.width - 8}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#2e7d32" stroke-dasharray="5 4"><title>most precise statement: '
            f"{escape(format_figure(lineage['canonical_value'], unit, compact=True, digits=7))}</title></line>"
        )
    parts += _svg_legend(layout)
    if runs:
        first = 0
        for index, run in enumerate(runs):
            parts += _svg_run(index, first, run, layout, unit)
            first += len(run)
    else:
        for index, claim in enumerate(claims):
            parts += _svg_claim(index, claim, layout, unit)
    parts.append("</svg>")
    return Markup("\n".join(parts))
