"""Vocabulary: the words and signs figures are written with, read from ``vocabulary.toml``.

The data file holds scale words, number words, currencies, units, qualifier and change
cues and reporting verbs, each written once; this module turns it into the lookup tables
the grammar, the normaliser, the claim filters and the scorer's output read. Dimensions
and conversions of physical units come from pint (:mod:`.units`), not from here.
"""

from __future__ import annotations

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from importlib.resources import files

DATA = tomllib.loads(files(__package__).joinpath("vocabulary.toml").read_text(encoding="utf-8"))


def _checked_union(pairs, what: str) -> dict:
    """A mapping from (key, value) pairs, refusing a key given two values: the data file
    must say each thing once."""
    table: dict = {}
    for key, value in pairs:
        if table.get(key, value) != value:
            raise ValueError(f"vocabulary.toml: {what} {key!r} is given twice ({table[key]!r}, {value!r})")
        table[key] = value
    return table


# --- scales: "6 million", "6m", "five hundred thousand"
_SCALES = DATA["scale"]
# Scales of a whole number ("thousand" and up), by every spelling, lower-case: "bn", "million".
SCALES = _checked_union(
    ((spelling.lower(), scale["factor"]) for scale in _SCALES if scale["factor"] >= 1e3
     for spelling in scale.get("words", []) + scale.get("attached", [])),
    "scale",
)  # fmt: skip
# Scales written out as words ("thousand", "lakh", "million"), not abbreviated ("mn", "mil").
SPELLED_SCALES = [w for w in SCALES if len(w) > 3]
SCALE_WORDS = [w for scale in _SCALES for w in scale.get("words", [])]  # after a space
SCALE_ATTACHED = [w for scale in _SCALES for w in scale.get("attached", [])]  # glued to digits
# Below a thousand a scale multiplies within a group of a number in words, as "dozen" does.
GROUP_WORDS = {w: scale["factor"] for scale in _SCALES if scale["factor"] < 1e3 for w in scale["words"]}
GROUP_WORDS |= DATA["numbers"]["groups"]
# How figures are written back: (factor, word) and (factor, letter), largest first.
SCALE_NAMES = sorted(((s["factor"], s["name"]) for s in _SCALES if "name" in s), reverse=True)
SCALE_LETTERS = sorted(((s["factor"], s["short"]) for s in _SCALES if "short" in s), reverse=True)

# --- numbers in words
_NUMBERS = DATA["numbers"]
_ONES = _NUMBERS["ones"]
_TENS = _NUMBERS["tens"]
NUMBER_WORDS = {w: i for i, w in enumerate(_ONES)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
NUMBER_WORDS |= {"half": 0.5}
_ORDINAL_WORDS = _NUMBERS["ordinals"]
FRACTION_DENOMINATORS = _NUMBERS["fractions"]
SLASH_DENOMINATORS = frozenset(_NUMBERS["slash_denominators"])
MULTIPLIER_VERBS = _NUMBERS["multiplier_verbs"]
MULTIPLIER_WORDS = _NUMBERS["multiplier_words"]
VIDEO_RESOLUTIONS = frozenset(_NUMBERS["video_resolutions"])

# --- currencies
_CURRENCIES = DATA["currency"]
# Symbols as written before a number -> ISO code; codes themselves count too, spaced or
# glued ("USD 10m", "USD10m").
CURRENCY_SYMBOLS = _checked_union(
    [(symbol, c["code"]) for c in _CURRENCIES for symbol in c.get("symbols", []) + c.get("transliterated", [])]
    + [(code, c["code"]) for c in _CURRENCIES if c.get("code_written") for code in (c["code"], c["code"] + " ")],
    "currency symbol",
)
TRANSLITERATED_SYMBOLS = frozenset(s for c in _CURRENCIES for s in c.get("transliterated", []))
CURRENCY_WORDS = _checked_union(((w, c["code"]) for c in _CURRENCIES for w in c.get("words", [])), "currency word")
# "Australian dollars", "Danish crowns": a nationality adjective picks the currency.
NATIONAL_CURRENCIES = _checked_union(
    ((tuple(name.rsplit(" ", 1)), c["code"]) for c in _CURRENCIES for name in c.get("national", [])),
    "national currency",
)
CURRENCY_CODES = frozenset(c["code"] for c in _CURRENCIES)
# How an amount in a currency is written back ("$", "CN¥"); each reads back as its code.
CURRENCY_SIGNS = {c["code"]: c["sign"] for c in _CURRENCIES if "sign" in c}

# --- units
_UNITS = DATA["units"]["known"]
# Unit symbols, as written -> canonical symbol: after the number, glued or after a space.
UNIT_SYMBOLS = _checked_union(((w, u["symbol"]) for u in _UNITS for w in u.get("written", [])), "unit symbol")
# Single letters are units only when glued to the number ("45g", "1.5L", "5-10W", "5G").
ATTACHED_UNIT_SYMBOLS = _checked_union(((w, u["symbol"]) for u in _UNITS for w in u.get("glued", [])), "unit symbol")
# Unit words (any case, singular or plural, after a space or hyphen) -> canonical symbol.
UNIT_WORDS = _checked_union(((w, u["symbol"]) for u in _UNITS for w in u.get("words", [])), "unit word")
# Units whose claims are shares, not sizes: "25 basis points" is a percent claim.
PERCENT_UNITS = frozenset(u["symbol"] for u in _UNITS if u.get("kind") == "percent")
# Canonical symbol -> pint's unit expression, for physical units.
PINT_UNITS = {u["symbol"]: u["pint"] for u in _UNITS if "pint" in u}
PINT_DEFINITIONS = tuple(DATA["pint"]["definitions"])
# Our units and currency codes -> the NewsQuant (CQE) scorer's unit names.
CQE_NAMES = _checked_union(
    [(u["symbol"], u["cqe"]) for u in _UNITS if "cqe" in u] + [(c["code"], c["cqe"]) for c in _CURRENCIES if "cqe" in c],
    "CQE name of",
)

# Entity labels of names a number can start ("404 Media", "Two Sigma").
NAME_LABELS = frozenset({"ORG", "PERSON", "GPE", "PRODUCT", "FAC", "WORK_OF_ART", "EVENT", "LAW"})
# Entity labels of places: a figure said of one place is not one said of another.
PLACE_LABELS = frozenset({"GPE", "LOC"})

TIME_UNITS = frozenset(DATA["time"]["units"])
RATE_WORDS = DATA["time"]["rate_words"]

# --- qualifiers and cues
QUALIFIER_CUES = DATA["qualifiers"]["before"]
SYMBOL_QUALIFIERS = DATA["qualifiers"]["symbols"]
TRAILING_CUES = DATA["qualifiers"]["after"]

_CUES = DATA["cues"]
UP_WORDS = frozenset(_CUES["up"])
DOWN_WORDS = frozenset(_CUES["down"])
LEVEL_VERBS = frozenset(_CUES["level"])
REPORT_VERBS = frozenset(_CUES["report"])
REPORT_IRREGULAR = tuple(_CUES["report_irregular"])
CREDIT_PHRASES = tuple(_CUES["credit_phrases"])
CREDIT_WORDS = tuple(_CUES["credit_words"])
SOURCE_NOUNS = tuple(_CUES["source_nouns"])
ORGANISATION_NOUNS = frozenset(_CUES["organisation_nouns"])
PERSON_NOUNS = frozenset(_CUES["person_nouns"])
MONEY_VERBS = frozenset(_CUES["money_verbs"])
MONEY_NOUNS = frozenset(_CUES["money_nouns"])
PRICE_WORDS = frozenset(_CUES["price"])
RESTATEMENT_NOUNS = frozenset(_CUES["restatement"])
TEMPERATURE_WORDS = frozenset(_CUES["temperature"])
