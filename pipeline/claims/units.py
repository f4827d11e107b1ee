"""Units: what a physical unit measures and how units of one dimension convert, from pint.

The vocabulary names each physical unit's pint expression ("gal" -> "gallon", "kWh" ->
"kilowatt_hour"); pint knows the rest: that litres and gallons are both volumes and how
many litres a gallon holds. Currencies and counted nouns ("GPU", "employee") are not
physical units and get no dimension. pint is loaded on first use.

Each vocabulary unit's dimension and size in root units are also kept in
``unit_roots.json``, written from pint by ``python -m pipeline.claims.units`` (a test holds it
equal to what pint says): rebuilding figures reads them from there, without the half second
pint takes to load.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .vocabulary import PINT_DEFINITIONS, PINT_UNITS

ROOTS_FILE = Path(__file__).with_name("unit_roots.json")


@lru_cache(maxsize=1)
def _registry():
    import pint

    registry = pint.UnitRegistry()
    for definition in PINT_DEFINITIONS:
        registry.define(definition)
    return registry


def pint_roots() -> dict[str, list]:
    """Every vocabulary unit's ``[dimension, root factor]`` as pint works them out (see
    :func:`dimension`, :func:`root_factor`): what ``unit_roots.json`` holds."""
    return {unit: [_pint_dimension(unit), _pint_root_factor(unit)] for unit in sorted(PINT_UNITS)}


@lru_cache(maxsize=1)
def _roots() -> dict[str, list]:
    try:
        return json.loads(ROOTS_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _root(unit: str | None) -> list:
    """``[dimension, root factor]`` of a unit, from ``unit_roots.json`` (from pint for a
    unit the file lacks: a vocabulary edited since the file was written)."""
    known = _roots().get(unit or "")
    if known is None:
        return [_pint_dimension(unit), _pint_root_factor(unit)]
    return known


@lru_cache(maxsize=512)
def dimension(unit: str | None) -> str | None:
    """What a unit measures, as pint's root units: "gal" and "l" -> "meter ** 3", "kcal"
    and "kJ" -> "kilogram * meter ** 2 / second ** 2"; None for a unit that is not physical
    (a currency, a counted noun, "percent"). Root units tell apart what pint calls
    dimensionless: bytes ("bit") from angles ("radian") from ratios such as ppm ("")."""
    return _root(unit)[0] if unit in PINT_UNITS else None


def units_of_dimension(name: str) -> list[str]:
    """Every vocabulary unit of the dimension ``name`` (as :func:`dimension` gives it)."""
    return sorted(unit for unit in PINT_UNITS if dimension(unit) == name)


def _pint_dimension(unit: str | None) -> str | None:
    expression = PINT_UNITS.get(unit or "")
    if expression is None:
        return None
    return str(_registry().Quantity(1, expression).to_root_units().units)


def convert(value: float, unit: str, to_unit: str) -> float | None:
    """``value`` in ``unit`` expressed in ``to_unit`` (3 "gal" -> 11.356... "l"), to twelve
    significant digits; None when the two do not measure the same thing. Temperatures
    convert as temperatures (0 °C -> 32 °F)."""
    if unit == to_unit:
        return value
    if dimension(unit) is None or dimension(unit) != dimension(to_unit):
        return None
    converted = _registry().Quantity(value, PINT_UNITS[unit]).to(PINT_UNITS[to_unit]).magnitude
    return float(f"{converted:.12g}")  # (pint's factors carry float noise: 1 TWh is 1000.0000000000001 GWh)


def same_dimension(unit_a: str | None, unit_b: str | None) -> bool:
    """Whether two physical units measure the same thing ("MWh" and "TWh", "km" and "mi")."""
    return dimension(unit_a) is not None and dimension(unit_a) == dimension(unit_b)


@lru_cache(maxsize=512)
def root_factor(unit: str | None) -> float | None:
    """How many of its dimension's root units one ``unit`` is ("km" -> 1000.0, "TWh" ->
    3.6e15), so values in units of one dimension compare by ratio; None for a unit that is
    not physical, or not a plain multiple of its root (temperatures in °C and °F, whose
    zero is offset)."""
    return _root(unit)[1] if unit in PINT_UNITS else None


def _pint_root_factor(unit: str | None) -> float | None:
    expression = PINT_UNITS.get(unit or "")
    if expression is None:
        return None
    registry = _registry()
    one = registry.Quantity(1, expression).to_root_units().magnitude
    two = registry.Quantity(2, expression).to_root_units().magnitude
    return float(one) if one and abs(two - 2 * one) <= 1e-9 * abs(two) else None


def proportional(unit_a: str | None, unit_b: str | None) -> bool:
    """Whether values in two physical units compare by ratio once converted: one dimension,
    each a plain multiple of its root ("MWh" and "TWh", "mi" and "km"; not "°C" and "°F")."""
    return root_factor(unit_a) is not None and root_factor(unit_b) is not None and dimension(unit_a) == dimension(unit_b)


if __name__ == "__main__":  # python -m pipeline.claims.units: write unit_roots.json from pint
    rows = (f"{json.dumps(unit)}: {json.dumps(root)}" for unit, root in pint_roots().items())
    ROOTS_FILE.write_text("{\n" + ",\n".join(rows) + "\n}\n", encoding="utf-8")
    print(f"wrote {ROOTS_FILE} ({len(PINT_UNITS)} units)")
