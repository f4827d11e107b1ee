"""Display: figures written back the way news writes them, for the terminal, the pages and
the mutation details; the inverse of :func:`~pipeline.claims.parse_figure`.

Signs and scale words come from the vocabulary, so a currency written back ("CN¥") reads
back as the same currency.
"""

from __future__ import annotations

from .vocabulary import CURRENCY_SIGNS, SCALE_LETTERS, SCALE_NAMES

# Shares and multiples keep their digits: "1,500%", "45x", never "1.5 thousand %".
_UNSCALED_UNITS = ("percent", "x")


def format_figure(value: float | None, unit: str | None = None, *, compact: bool = False, digits: int | None = None) -> str:
    """A value in base units written as news writes it.

    In full (the default, six significant digits), the result reads back through
    :func:`~pipeline.claims.parse_figure` as the same value and unit: (6e6, "USD") ->
    "$6 million", (17, "percent") -> "17%", (50000, "GPU") -> "50,000 GPU", (45, "x") ->
    "45x". ``compact`` writes a short label for charts (three significant digits):
    "$5.58M", "50K GPU", "45×". ``digits`` sets the significant digits. No value is ""
    in full and "?" when compact (a chart label is never blank).
    """
    if value is None:
        return "?" if compact else ""
    digits = digits or (3 if compact else 6)
    number = abs(value)
    scales = () if unit in _UNSCALED_UNITS else SCALE_LETTERS if compact else SCALE_NAMES
    scale = next(((factor, word) for factor, word in scales if number >= factor), None)
    if scale:
        joiner = "" if compact else " "
        written = f"{number / scale[0]:.{digits}g}{joiner}{scale[1]}"
    elif compact:
        written = f"{number:.{digits}g}"
        if "e" in written:  # tiny values: readable rather than scientific
            written = f"{number:.{digits}f}".rstrip("0").rstrip(".")
    elif float(number).is_integer():
        written = f"{int(number):,}"
    else:
        written = f"{number:.{digits}g}"
    sign = "-" if value < 0 else ""
    if unit in CURRENCY_SIGNS:
        return f"{sign}{CURRENCY_SIGNS[unit]}{written}"
    if unit == "percent":
        return f"{sign}{written}%"
    if unit == "x":
        return f"{sign}{written}{'×' if compact else 'x'}"
    return f"{sign}{written} {unit}" if unit else f"{sign}{written}"
