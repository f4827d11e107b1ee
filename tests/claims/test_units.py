"""Physical units through pint: what a unit measures and conversions within a dimension."""

import pytest

from pipeline.claims import vocabulary
from pipeline.claims.units import convert, dimension, same_dimension


@pytest.mark.parametrize("unit", sorted(vocabulary.PINT_UNITS))
def test_every_pint_unit_the_vocabulary_names_is_known_to_pint(unit):
    assert dimension(unit) is not None


@pytest.mark.parametrize(
    "value, unit, to_unit, expected",
    [(1, "gal", "l", 3.785411784), (100, "kcal", "kJ", 418.4), (1, "TWh", "GWh", 1000), (2500, "MWh", "GWh", 2.5),
     (26.2, "mi", "km", 42.1648128), (0, "°C", "°F", 32), (212, "°F", "°C", 100), (1, "bbl", "gal", 42),
     (1, "Gt", "Mt", 1000), (60, "mph", "km/h", 96.56064)],
)  # fmt: skip
def test_units_of_one_dimension_convert(value, unit, to_unit, expected):
    assert convert(value, unit, to_unit) == pytest.approx(expected, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("unit, other", [("GB", "ppm"), ("GB", "km"), ("°", "ppm"), ("kWh", "kW"), ("USD", "EUR"), ("GPU", "GPU hour")])
def test_units_that_measure_different_things_do_not_convert(unit, other):
    assert not same_dimension(unit, other)
    assert convert(5, unit, other) is None


def test_currencies_counted_nouns_and_shares_have_no_physical_dimension():
    assert [dimension(u) for u in ("USD", "GPU", "percent", "x", None, "")] == [None] * 6


def test_a_unit_converts_to_itself_whatever_it_is():
    assert convert(7, "GPU", "GPU") == 7


def test_the_stored_unit_roots_are_what_pint_says_for_every_vocabulary_unit():
    """unit_roots.json (read by tracing instead of loading pint) is pint's answer for each
    unit; after a vocabulary edit, `python -m pipeline.claims.units` rewrites it."""
    import json

    from pipeline.claims.units import ROOTS_FILE, pint_roots

    assert json.loads(ROOTS_FILE.read_text(encoding="utf-8")) == pint_roots()


def test_rebuilding_figures_does_not_load_pint():
    import subprocess
    import sys

    code = ("import sys\nfrom pipeline.tracing import build_figures, TracedClaim\n"
            "c = lambda i, v, u: TracedClaim(id=i, article_id=i, surface=f'{v} {u}', start_char=0, value=v, value_low=None,"
            " value_high=None, unit=u, qualifier='exact', qualifier_cue=None, kind='size', subject=None, attributed_to=None,"
            " context='battery plant power')\n"
            "figures = build_figures([c('a', 2500, 'MWh'), c('b', 2.5, 'GWh')])\n"
            "assert len(figures) in (1, 2)\nprint('pint' in sys.modules)\n")  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
