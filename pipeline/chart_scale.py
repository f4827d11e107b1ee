"""The value scale of the lineage chart (:mod:`pipeline.chart`) and what each claim states
about its value: where the axis starts, its gridlines at round percentages from a
reference claim, and whether a claim is a bound, a range, approximate or in another unit.

:func:`chart_scale` sums up how a lineage's chart draws values, for the text under it.

The axis is honest about size: when the claims are far apart it starts at zero; when they
are close it is zoomed to their spread, but never to less than :data:`MIN_SPAN` of the
reference value, and every gridline and point carries its percent difference from the
reference, so a 7 % gap reads as 7 %, however tall it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

from .claims.display import format_figure

# A zoomed axis spans at least this share of the reference value: a 0.5 % rounding then
# looks small instead of filling the plot.
MIN_SPAN = 0.2
# Claims spread over at least this share of the largest value are drawn from zero: zooming
# would hide little, and heights then compare as the values do.
ZERO_BASED_SPREAD = 0.5
# Gridline steps, in percent of the reference value; the smallest giving at most five gaps.
PERCENT_STEPS = (0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000)

# Qualifiers of a claim that states a bound: "under $6M" is at most $6M, "over" at least.
UPPER_QUALIFIERS = frozenset({"under", "at_most", "below", "less_than", "up_to", "max"})
LOWER_QUALIFIERS = frozenset({"over", "at_least", "above", "more_than", "min"})
APPROXIMATE_QUALIFIERS = frozenset({"approx", "approximately", "about", "around", "nearly", "estimated"})


def in_figure_unit(claim: dict, unit: str | None) -> bool:
    """Whether a claim is drawn on the value axis: it has a value in the figure's unit (a
    restatement in another unit, "17%" of a dollar figure, is not)."""
    return claim.get("value") is not None and (claim.get("unit") or None) == (unit or None)


def bound_of(claim: dict) -> str | None:
    """What a claim's value is a bound of: "upper" ("under $6M", "at most"), "lower" ("over",
    "at least", "$60+"), "range" (low to high), or None for a value stated as such.

    The qualifier decides; without a known one, the stored ends do (an extractor that only
    fills ``value_high`` still states an upper bound)."""
    qualifier = (claim.get("qualifier") or "").lower()
    low, high = claim.get("value_low"), claim.get("value_high")
    if low is not None and high is not None and high != low:
        return "range"
    if qualifier in UPPER_QUALIFIERS:
        return "upper"
    if qualifier in LOWER_QUALIFIERS:
        return "lower"
    if qualifier == "exact" or qualifier in APPROXIMATE_QUALIFIERS:
        return None
    if high is not None and low is None:
        return "upper"
    if low is not None and high is None:
        return "lower"
    return None


def is_approximate(claim: dict) -> bool:
    """Whether a claim hedges its value ("about", "nearly", "estimated"): drawn hollow."""
    return (claim.get("qualifier") or "").lower() in APPROXIMATE_QUALIFIERS


def percent_from(value: float | None, reference: float | None) -> float | None:
    """How far ``value`` is from ``reference``, in percent of it (None when either is missing
    or the reference is zero)."""
    if value is None or not reference:
        return None
    return (value - reference) / abs(reference) * 100


def format_percent(percent: float, *, reference_word: str = "0%") -> str:
    """A percent difference as a label: "+2.1%", "−16.7%", "+100%"; ``reference_word`` for none."""
    if abs(percent) < 0.05:
        return reference_word
    digits = 0 if abs(percent) >= 100 or float(percent).is_integer() else 1
    written = f"{abs(percent):.{digits}f}".removesuffix(".0")
    return f"{'+' if percent > 0 else '−'}{written}%"


@dataclass
class ValueScale:
    """The value axis: ``low`` to ``high`` in the figure's unit, its gridlines, and the
    reference value (the origin's, else the most precise statement's) percentages are from."""

    low: float
    high: float
    reference: float | None
    zero_based: bool
    ticks: list[float]

    def share(self, value: float) -> float:
        """Where ``value`` falls on the axis: 0 at its foot, 1 at its top."""
        return (value - self.low) / (self.high - self.low)

    def percent(self, value: float) -> float | None:
        """``value``'s difference from the reference, in percent."""
        return percent_from(value, self.reference)


def value_scale(values: list[float], reference: float | None) -> ValueScale:
    """The axis for ``values`` (every plotted value and range end), with gridlines at round
    percentages of ``reference`` (at round values when there is no usable reference).

    From zero when the values are all of one sign and spread over at least
    :data:`ZERO_BASED_SPREAD` of the largest; otherwise zoomed to their spread with a margin,
    over at least :data:`MIN_SPAN` of the reference. Never empty."""
    values = [v for v in values if v is not None] or [reference or 0.0]
    ref = reference if reference else None
    low, high = min(values + [ref or values[0]]), max(values + [ref or values[0]])
    size = max(abs(low), abs(high))
    if size == 0:
        return ValueScale(-1.0, 1.0, None, False, [-1.0, 0.0, 1.0])
    same_sign = low >= 0 or high <= 0
    if same_sign and (high - low) >= ZERO_BASED_SPREAD * size:
        bottom, top = (0.0, high * 1.12) if low >= 0 else (low * 1.12, 0.0)
        zero_based = True
    else:
        span = max((high - low) * 1.3, MIN_SPAN * abs(ref or size))
        extra = (span - (high - low)) / 2
        bottom, top = low - extra, high + extra
        zero_based = False
        if low >= 0 > bottom:  # never below zero for positive values: draw from zero instead
            bottom, zero_based = 0.0, True
    # (from zero, gridlines at round values, zero among them; percentages label them still)
    return ValueScale(bottom, top, ref, zero_based, _ticks(bottom, top, None if zero_based else ref))


def _ticks(low: float, high: float, reference: float | None) -> list[float]:
    """Gridline values within low..high: multiples of a round percent of ``reference`` (so
    0 % is one of them), or of a round value without a reference."""
    unit = abs(reference) / 100 if reference else 1.0
    start, end = ((low - (reference or 0)) / unit, (high - (reference or 0)) / unit)
    scale = 1.0
    if not reference:  # round values: steps of 1, 2, 2.5, 5 times a power of ten
        while (end - start) / scale > 50:
            scale *= 10
        while (end - start) / scale < 5:
            scale /= 10
    step = next((s * scale for s in PERCENT_STEPS if (end - start) / (s * scale) <= 5), PERCENT_STEPS[-1] * scale)
    first = -(-start // step) * step
    ticks, n = [], 0
    while first + n * step <= end + 1e-9 * step:
        ticks.append((reference or 0) + (first + n * step) * unit)
        n += 1
    return ticks


def _reference(lineage: dict) -> tuple[float | None, str | None]:
    """The value percentages are taken from, and its name: the origin's when it is on the
    axis (mutations are changes from it), else the most precise statement."""
    origin = next((c for c in lineage["claims"] if c.get("is_origin")), None)
    if origin is not None and in_figure_unit(origin, lineage["unit"]):
        return origin["value"], "origin"
    if lineage.get("canonical_value") is not None:
        return lineage["canonical_value"], "most precise statement"
    return None, None


def chart_scale(lineage: dict) -> dict:
    """How the chart of ``lineage`` draws values, for the text under it: whether its axis
    starts at zero (``zero_based``; else ``foot``, the value at its foot), the reference
    percentages are from (``reference_name``, ``reference``), the largest difference from it
    on the axis (``largest_change``), which bounds and marks it draws (``marks``: "upper",
    "lower", "range", "approx") and the claims in another unit (``other_units``)."""
    claims, unit = lineage["claims"], lineage["unit"]
    on_axis = [c for c in claims if in_figure_unit(c, unit)]
    reference, name = _reference(lineage)
    values = [v for c in on_axis for v in (c["value"], c.get("value_low"), c.get("value_high")) if v is not None]
    if lineage.get("canonical_value") is not None and on_axis:
        values.append(lineage["canonical_value"])
    scale = value_scale(values or [lineage.get("canonical_value") or 0.0], reference)
    changes = [abs(p) for c in on_axis if (p := scale.percent(c["value"])) is not None]
    marks = {bound_of(c) for c in on_axis} | ({"approx"} if any(is_approximate(c) for c in on_axis) else set())
    return {
        "scale": scale,
        "zero_based": scale.zero_based,
        "foot": format_figure(scale.low, unit, compact=True),
        "reference_name": name if scale.reference else None,
        "reference": format_figure(reference, unit, compact=True) if scale.reference else None,
        "largest_change": format_percent(max(changes)).lstrip("+−") if changes and max(changes) >= 0.05 else None,
        "marks": sorted(m for m in marks if m),
        "other_units": [format_figure(c["value"], c.get("unit"), compact=True) if c.get("value") is not None
                        else c["surface"] for c in claims if not in_figure_unit(c, unit)],  # fmt: skip
    }
