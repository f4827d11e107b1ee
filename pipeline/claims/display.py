"""Display: figures written back the way news writes them, for the terminal, the pages and
the mutation details; the inverse of :func:`~pipeline.claims.parse_figure`.

Signs and scale words come from the vocabulary, so a currency written back ("CN¥") reads
back as the same currency.
"""

from __future__ import annotations

import math
import re

from .vocabulary import CURRENCY_CODES, CURRENCY_SIGNS, DATA, PINT_UNITS, SCALE_LETTERS, SCALE_NAMES, UNIT_WORDS

# Shares and multiples keep their digits: "1,500%", "45x", never "1.5 thousand %".
_UNSCALED_UNITS = ("percent", "x")
_VOCABULARY_SYMBOLS = frozenset(u["symbol"] for u in DATA["units"]["known"])
# Nouns a chart label may count whose plural is not "+s" ("1.2M people", "300 staff").
_IRREGULAR_PLURALS = {"person": "people", "child": "children", "man": "men", "woman": "women", "foot": "feet"}
_SAME_IN_PLURAL = frozenset({"people", "staff", "personnel", "data", "media", "sheep", "deer", "fish", "series", "species", "aircraft", "police"})  # fmt: skip


def plural_unit(unit: str) -> str:
    """A unit as it reads after a number other than one: "job" -> "jobs", "GPU hour" ->
    "GPU hours", "point per game" -> "points per game"; symbols ("km", "GB", "dB") and
    currencies ("USD per year") unchanged. Units are stored singular (lemmas)."""
    head = re.split(r" per | of ", unit, maxsplit=1)[0]
    rest = unit[len(head) :]
    words = head.split()
    last = words[-1] if words else ""
    if not last.isalpha() or unit in CURRENCY_CODES or last in CURRENCY_CODES:
        return unit
    if UNIT_WORDS.get(unit.lower()) != unit:  # a word the vocabulary names ("acre") is a noun
        if unit in PINT_UNITS or last in PINT_UNITS:
            return unit
        if unit in _VOCABULARY_SYMBOLS and not (last.islower() and len(last) > 2):  # "dB", "WAR"
            return unit
    if last.lower() in _SAME_IN_PLURAL:
        plural = last
    elif last.lower() in _IRREGULAR_PLURALS:
        plural = _IRREGULAR_PLURALS[last.lower()]
    elif last.isupper():
        plural = last + "s"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        plural = last + "es"
    elif last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return " ".join(words[:-1] + [plural]) + rest


def format_figure(
    value: float | None, unit: str | None = None, *, compact: bool = False, digits: int | None = None, plural: bool = False
) -> str:
    """A value in base units written as news writes it.

    In full (the default, six significant digits), the result reads back through
    :func:`~pipeline.claims.parse_figure` as the same value and unit: (6e6, "USD") ->
    "$6 million", (17, "percent") -> "17%", (50000, "GPU") -> "50,000 GPU", (45, "x") ->
    "45x". ``compact`` writes a short label for charts (three significant digits):
    "$5.58M", "50K GPUs", "45×", its unit in the plural (:func:`plural_unit`) unless the
    value is one. ``plural``: in full too, for people to read ("50,000 GPUs"; it may not
    read back: "11 times" is 11x). ``digits`` sets the significant digits. No value is "" in
    full and "?" when compact (a chart label is never blank); nor is a value that is not
    finite written as a figure.
    """
    if value is None:
        return "?" if compact else ""
    if not math.isfinite(value):
        return str(value)
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
    if unit and (compact or plural) and abs(value) != 1:
        unit = plural_unit(unit)
    return f"{sign}{written} {unit}" if unit else f"{sign}{written}"


def counted(n: int, noun: str) -> str:
    """``n`` and its noun, plural unless one: "1 error", "1,276 claims"."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
