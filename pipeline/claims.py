"""Numeric claims: parsing figures as written and finding them in parsed text.

Two layers share one grammar of figures (:data:`FIGURE_RE`):

* pure normalisers (:func:`parse_number`, :func:`parse_figure`, the scale, currency and
  unit tables) that turn "$600+ million" or "hundreds of millions" into a
  :class:`ParsedFigure`; they are reused by tracing, the CLI and the SQL functions;
* the ``numeric_claims`` spaCy component, which scans ``doc.text`` with the same
  patterns, rejects what is not a claim (model names, versions, day-level dates,
  footnote markers, pronoun "one") using the tagger and parser, and fills
  ``Doc._.numeric_claims`` with :class:`~pipeline.records.Claim` records.

Ranges keep both ends in ``value_low``/``value_high``; ``value`` is the low end, the
figure as first stated, so "$0.14–$0.55" still traces to "$0.14". One-sided qualifiers
set the bound they give ("over $5m": ``value_low`` = 5e6; "up to $70k": ``value_high``).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .records import Claim

# --------------------------------------------------------------------------- tables

SCALES = {
    "k": 1e3, "thousand": 1e3, "lakh": 1e5, "crore": 1e7,
    "m": 1e6, "mm": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "million": 1e6,
    "b": 1e9, "bn": 1e9, "bln": 1e9, "billion": 1e9,
    "t": 1e12, "tn": 1e12, "trn": 1e12, "trillion": 1e12,
}  # fmt: skip

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS = {w: i for i, w in enumerate(_ONES)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}
NUMBER_WORDS |= {"half": 0.5}

_ORDINAL_WORDS = {
    "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "hundredth": 100,
}  # fmt: skip  ("first", "second" and "last" are mostly discourse markers, not ranks)

# Longest symbols first so "US$" wins over "$". "PS" and "Y" are the ASCII transliterations
# of "£" and "¥" (as unidecode writes them); they count only before money-shaped numbers.
CURRENCY_SYMBOLS = {
    "US$": "USD", "US $": "USD", "$US": "USD", "HK$": "HKD", "HK $": "HKD", "NZ$": "NZD",
    "NZ $": "NZD", "A$": "AUD", "$A": "AUD", "AU$": "AUD", "AU $": "AUD", "C$": "CAD", "C $": "CAD",
    "CA$": "CAD",
    "S$": "SGD", "R$": "BRL", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR",
    "₩": "KRW", "₽": "RUB", "₪": "ILS", "Rs": "INR", "Rs.": "INR", "RM": "MYR", "Rp": "IDR",
    "USD ": "USD", "EUR ": "EUR", "GBP ": "GBP", "JPY ": "JPY", "CNY ": "CNY", "CHF ": "CHF",
    "USD": "USD", "EUR": "EUR", "GBP": "GBP", "JPY": "JPY", "CNY": "CNY", "CHF": "CHF",
    "INR": "INR", "AUD": "AUD", "CAD": "CAD",  # glued codes: "USD10m", "EUR50m"
    "INR ": "INR", "AUD ": "AUD", "CAD ": "CAD", "PS": "GBP", "Y=": "JPY", "Y": "JPY",
}  # fmt: skip
TRANSLITERATED_SYMBOLS = frozenset({"PS", "Y", "Y="})
CURRENCY_WORDS = {
    "dollar": "USD", "usd": "USD", "buck": "USD", "euro": "EUR", "eur": "EUR",
    "pound": "GBP", "sterling": "GBP", "gbp": "GBP", "yen": "JPY", "jpy": "JPY",
    "yuan": "CNY", "rmb": "CNY", "renminbi": "CNY", "cny": "CNY", "rupee": "INR", "inr": "INR",
    "shekel": "ILS", "ringgit": "MYR", "won": "KRW", "rouble": "RUB", "ruble": "RUB",
    "franc": "CHF", "rand": "ZAR", "peso": "MXN", "lira": "TRY", "baht": "THB",
    "rupiah": "IDR", "naira": "NGN", "dirham": "AED", "riyal": "SAR", "zloty": "PLN",
}  # fmt: skip
# "Australian dollars", "Danish crowns": a nationality adjective picks the currency.
NATIONAL_CURRENCIES = {
    ("australian", "dollar"): "AUD", ("canadian", "dollar"): "CAD", ("us", "dollar"): "USD",
    ("u.s.", "dollar"): "USD", ("american", "dollar"): "USD", ("new zealand", "dollar"): "NZD",
    ("hong kong", "dollar"): "HKD", ("singapore", "dollar"): "SGD", ("taiwan", "dollar"): "TWD",
    ("danish", "crown"): "DKK", ("danish", "krone"): "DKK", ("swedish", "crown"): "SEK",
    ("swedish", "krona"): "SEK", ("norwegian", "crown"): "NOK", ("norwegian", "krone"): "NOK",
    ("swiss", "franc"): "CHF", ("mexican", "peso"): "MXN", ("philippine", "peso"): "PHP",
    ("indian", "rupee"): "INR", ("pakistani", "rupee"): "PKR", ("south african", "rand"): "ZAR",
    ("turkish", "lira"): "TRY", ("chinese", "yuan"): "CNY", ("japanese", "yen"): "JPY",
    ("russian", "rouble"): "RUB", ("russian", "ruble"): "RUB", ("brazilian", "real"): "BRL",
    ("british", "pound"): "GBP", ("egyptian", "pound"): "EGP",
}  # fmt: skip

# Units written straight after a number; the value is the number as written.
MEASURE_UNITS = (
    "GB/s TB/s MB/s Gbps Mbps GB TB MB KB PB GHz MHz kWh MWh GWh kW MW GW nm ms km kg mph"
).split()

# Unit symbols, as written -> canonical symbol. They may follow the number directly or
# after one space ("155mph", "300 Hz"); case matters ("mm" is not "Mm").
UNIT_SYMBOLS = {
    "km": "km", "cm": "cm", "mm": "mm", "µm": "µm", "μm": "µm", "nm": "nm", "mi": "mi",
    "ft": "ft", "yd": "yd", "kg": "kg", "mg": "mg", "lb": "lb", "lbs": "lb", "oz": "oz",
    "ml": "ml", "mL": "ml", "gal": "gal", "bbl": "bbl",
    "Wh": "Wh", "kWh": "kWh", "MWh": "MWh", "GWh": "GWh", "TWh": "TWh", "kJ": "kJ",
    "MJ": "MJ", "kcal": "kcal", "kW": "kW", "MW": "MW", "GW": "GW", "hp": "hp", "HP": "hp",
    "bhp": "bhp", "kV": "kV", "mAh": "mAh", "Nm": "Nm", "lb-ft": "lb-ft",
    "Hz": "Hz", "HZ": "Hz", "hz": "Hz", "kHz": "kHz", "KHz": "kHz", "khz": "kHz",
    "MHz": "MHz", "Mhz": "MHz", "mhz": "MHz", "GHz": "GHz", "Ghz": "GHz", "ghz": "GHz",
    "GB": "GB", "TB": "TB", "MB": "MB", "KB": "KB", "PB": "PB", "Gbps": "Gbps",
    "Mbps": "Mbps", "GB/s": "GB/s", "TB/s": "TB/s", "MB/s": "MB/s",
    "mph": "mph", "m.p.h.": "mph", "km/h": "km/h", "km/hr": "km/h", "kph": "km/h",
    "m/s": "m/s", "mpg": "mpg", "rpm": "rpm", "psi": "psi", "ksi": "ksi", "kPa": "kPa",
    "MPa": "MPa", "GPa": "GPa", "ppm": "ppm", "ppb": "ppb", "sqm": "m²", "sq m": "m²",
    "m2": "m²", "m²": "m²", "km2": "km²", "km²": "km²", "sq ft": "sq ft", "sq mi": "sq mi",
    "°C": "°C", "°F": "°F", "degC": "°C", "degF": "°F", "deg C": "°C", "deg F": "°F",
    "°": "°", "kt": "kn", "kn": "kn", "Gt": "Gt", "Mt": "Mt", "ms": "ms",
    "ppg": "point per game", "rpg": "rebound per game", "apg": "assist per game",
    "bps": "basis point", "WAR": "WAR",
}  # fmt: skip
# ("s" is not among them: "1990s" is a decade, "Model 3s" a plural.)
# Single letters are units only when glued to the number ("45g", "1.5L", "5-10W", "5G").
ATTACHED_UNIT_SYMBOLS = {
    "g": "g", "l": "l", "L": "l", "W": "W", "V": "V", "A": "A", "J": "J", "t": "t",
    "h": "h", "min": "min", "in": "in", "G": "G", "p": "p",
}  # fmt: skip
# "1080p", "4320p": display resolutions, labels rather than prices in pence.
VIDEO_RESOLUTIONS = frozenset({240, 360, 480, 576, 720, 1080, 1440, 2160, 4320})
# Unit words (any case, singular or plural, after a space or hyphen) -> canonical symbol.
UNIT_WORDS = {
    "mile": "mi", "kilometre": "km", "kilometer": "km", "metre": "m", "meter": "m",
    "centimetre": "cm", "centimeter": "cm", "millimetre": "mm", "millimeter": "mm",
    "micrometre": "µm", "micrometer": "µm", "micron": "µm", "nanometre": "nm",
    "nanometer": "nm", "foot": "ft", "feet": "ft", "inch": "in", "yard": "yd",
    "acre": "acre", "hectare": "ha", "square metre": "m²", "square meter": "m²",
    "square foot": "sq ft", "square feet": "sq ft", "square mile": "sq mi",
    "square kilometre": "km²", "square kilometer": "km²", "cubic metre": "m³",
    "cubic meter": "m³", "litre": "l", "liter": "l", "millilitre": "ml", "milliliter": "ml",
    "gallon": "gal", "pint": "pint", "barrel": "bbl", "fluid ounce": "fl oz",
    "kilogram": "kg", "kilo": "kg", "gram": "g", "milligram": "mg", "ounce": "oz",
    "tonne": "t", "ton": "ton", "gigatonne": "Gt", "gigaton": "Gt", "megatonne": "Mt",
    "megaton": "Mt", "stone": "st", "carat": "ct",
    "horsepower": "hp", "brake horsepower": "bhp", "watt": "W", "kilowatt": "kW",
    "megawatt": "MW", "gigawatt": "GW", "watt-hour": "Wh", "watt hour": "Wh",
    "kilowatt-hour": "kWh", "kilowatt hour": "kWh", "megawatt-hour": "MWh",
    "megawatt hour": "MWh", "gigawatt-hour": "GWh", "gigawatt hour": "GWh",
    "terawatt-hour": "TWh", "terawatt hour": "TWh", "joule": "J", "kilojoule": "kJ",
    "megajoule": "MJ", "calorie": "cal", "kilocalorie": "kcal", "volt": "V",
    "kilovolt": "kV", "amp": "A", "ampere": "A", "hertz": "Hz", "kilohertz": "kHz",
    "megahertz": "MHz", "gigahertz": "GHz", "byte": "B", "kilobyte": "KB",
    "megabyte": "MB", "gigabyte": "GB", "terabyte": "TB", "petabyte": "PB",
    "degree celsius": "°C", "degrees celsius": "°C", "degree fahrenheit": "°F",
    "degrees fahrenheit": "°F", "celsius": "°C", "fahrenheit": "°F", "degree": "°", "knot": "kn", "decibel": "dB",
    "pound-foot": "lb-ft", "pound-feet": "lb-ft", "newton metre": "Nm", "newton meter": "Nm",
    "miles per hour": "mph", "mile per hour": "mph", "kilometres per hour": "km/h",
    "kilometers per hour": "km/h", "metres per second": "m/s", "meters per second": "m/s",
    "miles per gallon": "mpg", "parts per million": "ppm", "parts per billion": "ppb",
    "basis point": "basis point", "percentage point": "percentage point",
}  # fmt: skip
# Entity labels of names a number can start ("404 Media", "Two Sigma").
NAME_LABELS = frozenset({"ORG", "PERSON", "GPE", "PRODUCT", "FAC", "WORK_OF_ART", "EVENT", "LAW"})

TIME_UNITS = frozenset(
    "second minute hour day week month quarter year decade century".split()
)

QUALIFIER_CUES = {
    "about": "approx", "around": "approx", "roughly": "approx", "approximately": "approx",
    "some": "approx", "nearly": "approx", "almost": "approx", "close to": "approx",
    "circa": "approx", "an estimated": "exact", "estimated": "exact",
    "under": "under", "less than": "under", "fewer than": "under", "below": "under",
    "over": "over", "more than": "over", "above": "over", "exceeding": "over",
    "upwards of": "over", "in excess of": "over", "north of": "over",
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least",
    "up to": "at_most", "at most": "at_most", "no more than": "at_most",
    "as many as": "at_most", "as much as": "at_most",
    "just": "exact", "only": "exact", "effectively": "exact", "exactly": "exact",
}  # fmt: skip
SYMBOL_QUALIFIERS = {
    "~": "approx", "≈": "approx", "≥": "at_least", ">": "over", "<": "under",
    "≤": "at_most", "sub-": "under", "+": "at_least",
}  # fmt: skip
TRAILING_CUES = {"or more": "at_least", "or so": "approx", "or less": "at_most", "or fewer": "at_most"}

UP_WORDS = frozenset(
    "rise climb gain jump soar surge increase grow rally up add boost advance spike".split()
)
DOWN_WORDS = frozenset(
    "fall drop lose cut decline plunge slide sink tumble knock shed wipe slash down reduce "
    "shrink erase decrease plummet slump dip slip dive".split()
)
REPORT_VERBS = frozenset(
    "say claim estimate report suggest quip show find tell note write argue believe announce "
    "state insist admit reckon reveal disclose indicate calculate predict warn".split()
)

# --------------------------------------------------------------------------- figure grammar

_CUR = "|".join(re.escape(s) for s in sorted(CURRENCY_SYMBOLS, key=len, reverse=True))
# A number is read whole or not at all. Its digits, with their group and decimal marks,
# are one run ("5,000,", "1,5 million" and "1.2.3" are not "5", "1" and "1.2"), and a power
# of ten written after it belongs to it: "1e9", "10^9", "10**9", "10⁹", "1.5 x 10^9". A run
# that goes on, or a power the grammar does not read ("2^10", "5²"), makes no figure, so
# "10^100" is never 10 with a unit "^".
_MANTISSA = r"(?:\d{1,3}(?:,\d{2,3})+|\d+)(?:\.\d+)?|\.\d+"
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TEN_POWER = rf"10(?:(?:\^|\*\*)[-−+]?\d{{1,3}}|[⁻⁺]?[{_SUPERSCRIPT_DIGITS}]{{1,3}})"
_EXPONENT = rf"[eE][-−+]?\d{{1,3}}|\s?[x×*·]\s?{_TEN_POWER}"
# ("**" only before a word: "**5** people" is Markdown bold.)
_NUMBER_GOES_ON = rf"(?![.,]?\d|\^|\*\*[-−+]?\w|[eE][-−+]?\d|[{_SUPERSCRIPT_DIGITS}⁻⁺])"
_NUM = rf"(?:{_TEN_POWER}|(?:{_MANTISSA})(?:{_EXPONENT})?){_NUMBER_GOES_ON}"
# More digits than any real figure has (counting the digits of one number across its group
# and decimal marks): a serial number, a hash or junk, never a figure, nor is any part of it.
MAX_FIGURE_DIGITS = 30
# (Found by its first digits, then taken to its last digit with a plain character class:
# a repeated group over a 5 MB run is ten times slower.)
_OVERLONG_DIGITS_RE = re.compile(rf"\d(?:[.,]?\d){{{MAX_FIGURE_DIGITS}}}[\d.,]*(?<=\d)")
_SCALE_ATTACHED = r"(?:mn|bn|tn|trn|bln|mln|mil|MM|[kKmMbBT])(?![A-Za-z])"
_SCALE_WORD = r"(?:\s?(?:hundred|thousand|million|billion|trillion|lakh|crore|mn|bn|tn)\b)+"
_SYMBOLS = sorted(set(UNIT_SYMBOLS) | set(MEASURE_UNITS), key=len, reverse=True)
_UNIT_ATTACHED = (
    "|".join(re.escape(u) for u in sorted(ATTACHED_UNIT_SYMBOLS, key=len, reverse=True))
    + r"|%|×|x(?![A-Za-z])"
)
_UNIT_SPACED = r"\s?(?:" + "|".join(re.escape(u) for u in _SYMBOLS) + r")(?![A-Za-z])"
_UNIT_WORD = r"\s?(?:per\s?cent|percent|pc|percentage points?)\b"

# One figure: symbols, sign, currency, number, scale, "+", unit. "sub-" and the "+" are
# kept in the surface (gold rule: symbols attached to the number belong to it). A sign
# counts only when glued to the number ("-1.3%", "$-50bn"); "5 - 10" is a range.
FIGURE_RE = re.compile(
    rf"""
    (?<![\w.,$€£¥₹+−])(?<!\d\^)(?<!\d\*\*)  # (nor the power of a number: "2^10")
    (?:(?P<sym>sub-|~|≈|≥|≤|>|<)\s?)?
    (?P<sign>[-−+](?=[\d.$€£¥])|minus[\s-](?=[\d.$€£¥]))?
    (?:(?P<cur>{_CUR})\s?)?
    (?P<sign2>[-−](?=\d))?
    (?P<num>{_NUM})
    (?P<plus1>\+)?
    (?:(?P<scale>{_SCALE_ATTACHED})|(?P<scaleword>{_SCALE_WORD}))?
    (?P<plus2>\+)?
    (?P<unit>{_UNIT_SPACED}|{_UNIT_WORD}|{_UNIT_ATTACHED})?
    (?P<plus3>\+)?
    (?P<per>(?<=[\d%kKmMbBnT])/[A-Za-z]+)?
    (?![\w])
    """,
    re.VERBOSE,
)
_UNIT_WORD_RE = re.compile(
    r"(?i)[\s-](?P<word>"
    + "|".join(re.escape(w) for w in sorted(UNIT_WORDS, key=len, reverse=True))
    + r")(?:e?s)?\b(?!-\w)"
)
_AGE_RE = re.compile(r"(?i)[\s-](?P<word>year|month|week|day)s?[\s-]old\b")
_NATIONALITY = "|".join(re.escape(n) for n in sorted({n for n, _ in NATIONAL_CURRENCIES}, key=len, reverse=True))
_CURRENCY_WORD_RE = re.compile(
    rf"(?i)\s(?:(?P<nation>{_NATIONALITY})\s)?(?P<word>"
    + "|".join(sorted(set(CURRENCY_WORDS) | {w for _, w in NATIONAL_CURRENCIES}, key=len, reverse=True))
    + r")(?:e?s)?\b"
)
# "1.2m tons", "35m of its devices": "m" before "of" or a plural noun is millions, not metres.
_MILLIONS_AFTER_M_RE = re.compile(r"\s+(?:of\b|(?:[a-z-]+\s+){0,3}?[a-z-]+[^sui\W']s\b)")
# Neither these nor the fractions below start inside a number ("1,000th" is not "000th").
_DIGIT_ORDINAL_RE = re.compile(r"(?<![\w.])(?<!\d,)\d+(?:st|nd|rd|th)\b")
_WORD_NUMBER = "|".join(
    sorted(list(NUMBER_WORDS) + ["hundred", "dozen", "thousand", "million", "billion", "trillion"],
           key=len, reverse=True)
)  # fmt: skip
WORD_NUMBER_RE = re.compile(
    rf"(?i)\b(?:an?\s+(?=(?:hundred|thousand|million|billion|trillion|dozen)\b))?"
    rf"(?:{_WORD_NUMBER})(?:(?:\s+and\s+|[\s-])(?:{_WORD_NUMBER}))*\b(?!-)"
)
VAGUE_PLURAL_RE = re.compile(
    r"(?i)\b(?:dozens|tens|hundreds|thousands|millions|billions|trillions)"
    r"(?:\s+of\s+(?:thousands|millions|billions|trillions))?\b"
)
_FRACTION_DENOMINATORS = {
    "half": 2, "halve": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_SMALL = "|".join(_ONES[1:] + _TENS)
# "a third of", "two-thirds", "one fourth of", "one in five", "one out of three"; the whole
# has at most three digits, so "Fire-Flyer 1 in 2019" is a name and a year, not 1/2019.
FRACTION_RE = re.compile(
    rf"(?i)(?<!\d[.,])\b(?P<num>an?|{_SMALL}|\d+)(?:[\s-]+(?P<den>"
    + "|".join(_FRACTION_DENOMINATORS)
    + rf")s?\b(?=-|\s+of\b|$)|\s+(?:out\s+of|in)\s+(?P<whole>{_SMALL}|\d{{1,3}})\b(?!\s*(?:%|per))(?![.,]\d))"
)
# "1/16 of a pint", "1⁄2 pound": a proper fraction with a usual denominator ("9/11", "24/7"
# and day-level dates are not fractions).
SLASH_FRACTION_RE = re.compile(r"(?<![\w/.⁄])(?<!\d,)(?P<num>\d{1,3})\s?[/⁄]\s?(?P<den>\d{1,3})(?![\w/⁄.,]\d?)")
_SLASH_DENOMINATORS = frozenset({2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64, 100, 128})
_ORDINAL_WORD_RE = re.compile(r"(?i)\b(?:" + "|".join(_ORDINAL_WORDS) + r")\b")
_MULTIPLIER_VERB_RE = re.compile(r"(?i)\b(?:doubl|tripl|quadrupl|halv)(?:e|es|ed|ing)\b")
_FOLD_RE = re.compile(rf"(?i)(?<!\d[.,])\b(?:\d+(?:\.\d+)?|{_WORD_NUMBER})-?fold\b")

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# Day-level dates and times of day: never claims, even the year inside them.
DATE_RE = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b"
    rf"|\b{_MONTH}\.?\s+{_DAY}\b(?:,?\s+\d{{4}}\b)?"
    rf"|\b{_DAY}\s+(?:of\s+)?{_MONTH}\b(?:,?\s+\d{{4}}\b)?"
    rf"|\b\d{{1,2}}(?::\d{{2}}){{1,2}}(?:\s*[ap]\.?m\.?)?|\b\d{{1,2}}(?:\.\d{{2}})?\s*[ap]\.?m\.?(?!\w)"
)
_YEAR_LEAD_RE = re.compile(
    rf"(?i)\b(?:in|since|by|until|till|from|during|early|late|mid-?|{_MONTH}|spring|summer"
    r"|autumn|fall|winter|christmas|easter|thanksgiving)\s*$"
)
_CUE_RE = re.compile(
    r"(?i)(?:\b(?P<mod>just|only|well|a little|slightly|an estimated)\s+)?\b(?P<cue>"
    + "|".join(re.escape(c) for c in sorted(QUALIFIER_CUES, key=len, reverse=True))
    + r")\s+$"
)
_ESTIMATED_OF_RE = re.compile(r"(?i)\ban?\s+estimated\s+\w+(?:\s+\w+)?\s+of\s+$")
_PERCENT_WORD_RE = re.compile(r"(?i)\s(?:per\s?cent|percent)\b")
_RANGE_SEP_RE = re.compile(r"^\s?[–—-]\s?$|^\s+to\s+$")
_PER_RE = re.compile(
    r"(?i)^\s*(?:(?:per|an?)\b|/)\s*(?:(?P<scale>million|thousand|billion|M|K)\s+)?"
)
_RATE_WORDS = {"annually": "year", "yearly": "year", "monthly": "month", "daily": "day",
               "hourly": "hour", "weekly": "week"}  # fmt: skip


def figure_safe_cut(text: str, start: int, cut: int) -> int:
    """Where to cut ``text`` near ``cut`` (a position after ``start``) so that no figure is
    split between the pieces: ``cut`` itself, or an earlier position after ``start``.

    Texts are parsed in pieces; a piece ending in "...$5,0" or starting "00 million" would
    read part of a number as a figure. A cut inside a figure or a digit run moves to where
    it starts. A digit run too long to be a figure (more than :data:`MAX_FIGURE_DIGITS`
    digits) may have to be cut inside; the cut then leaves more than that many digits on
    both sides, so neither piece holds a part short enough to read.
    """
    if _splits_digit_run(text, cut):
        cut = _cut_outside_run(text, start, cut)
        if _splits_digit_run(text, cut):
            return cut  # inside a run too long to be a figure, with enough digits either side
    lo = max(start, cut - _FIGURE_REACH)
    for m in FIGURE_RE.finditer(text, lo, min(len(text), cut + _FIGURE_REACH)):
        if m.start() >= cut:
            break
        if cut < m.end() and m.start() > start:
            return m.start()  # "$5 | million", "$|5,000": the piece ends before the "$"
    return cut


def _cut_outside_run(text: str, start: int, cut: int) -> int:
    """A cut inside a digit run moved to its start, or (in a run too long to be a figure that
    fills the piece) to where both sides keep more than :data:`MAX_FIGURE_DIGITS` digits."""
    left = _RUN_EDGE_RE.match(text[start:cut][::-1]).group()  # the run's part in this piece
    if len(left) < cut - start:
        return cut - len(left)  # the run starts in this piece: cut before it
    # The run fills the piece: only a run longer than any figure does, in pieces of any size.
    reach = 2 * MAX_FIGURE_DIGITS + 2  # a run this long holds more than MAX_FIGURE_DIGITS digits
    right = _RUN_EDGE_RE.match(text, cut, min(len(text), cut + reach)).group()
    left_digits = sum(c.isdecimal() for c in left)
    right_digits = sum(c.isdecimal() for c in right)
    # Move the cut back until the rest of the run holds enough digits, if the piece still does.
    position, missing = cut, MAX_FIGURE_DIGITS + 1 - right_digits
    while missing > 0 and position > start:
        position -= 1
        missing -= text[position].isdecimal()
    moved = sum(c.isdecimal() for c in text[position:cut])
    if missing <= 0 and left_digits - moved > MAX_FIGURE_DIGITS:
        return position
    return cut  # (pieces shorter than two such runs cannot keep both sides whole)


# A figure is far shorter than this; the pieces are far longer.
_FIGURE_REACH = 200
_DIGIT_PAIR_RE = re.compile(r"\d[.,]?\d")
# The digits and marks of a run from its edge (read reversed for the left side).
_RUN_EDGE_RE = re.compile(r"[.,]?(?:\d[.,]?)*")


def _splits_digit_run(text: str, cut: int) -> bool:
    """Whether a cut before ``text[cut]`` falls inside a run of digits ("5,0|00", "12|3")."""
    for i in (cut - 2, cut - 1):
        m = _DIGIT_PAIR_RE.match(text, i) if i >= 0 else None
        if m is not None and m.end() > cut:
            return True
    return False


@dataclass
class ParsedFigure:
    """A figure normalised to base units (6000000, not 6 with "million")."""

    value: float | None
    value_low: float | None = None
    value_high: float | None = None
    unit: str | None = None
    qualifier: str = "exact"
    qualifier_cue: str | None = None
    kind: str | None = None


# --------------------------------------------------------------------------- pure helpers


def parse_number(text: str) -> float | None:
    """A number written in digits or words: "5,576,000", "7,00,000", "2.788", "ten thousand",
    or with a power of ten: "1e9", "10^9", "10**9", "10⁹", "1.5 x 10^9".

    Commas are grouping marks in any position (so Indian lakh grouping works);
    "a"/"an" count as one ("a hundred"). Returns None when the text is not a number, and
    when it is not a finite one or has more than :data:`MAX_FIGURE_DIGITS` digits: such a
    number is no figure, and an infinite value would poison every comparison made with it.
    """
    text = text.strip().lower()
    if _OVERLONG_DIGITS_RE.search(text):
        return None
    m = _DIGIT_NUMBER_RE.fullmatch(_SUPERSCRIPT_POWER_RE.sub(_caret_power, text))
    if m is None:
        value = _parse_number_words(text)
    else:
        mantissa = (m.group("mantissa") or "1").replace(",", "")
        exponent = (m.group("exponent") or m.group("times") or m.group("power") or "0").replace("−", "-")
        # Python reads "1.5e9" exactly; a huge exponent gives inf here, never an error.
        value = float(f"{mantissa}e{exponent}")
    return value if value is None or math.isfinite(value) else None


# Digits, then at most one power of ten: "e9", "x 10^9", or the number is the power: "10^9".
_DIGIT_NUMBER_RE = re.compile(
    r"(?P<mantissa>[\d,]*\.?\d+)(?:e(?P<exponent>[-−+]?\d+)|\s?[x×*·]\s?10(?:\^|\*\*)(?P<times>[-−+]?\d+))?"
    r"|10(?:\^|\*\*)(?P<power>[-−+]?\d+)"
)
_SUPERSCRIPT_POWER_RE = re.compile(rf"[⁻⁺]?[{_SUPERSCRIPT_DIGITS}]+")
_SUPERSCRIPTS = str.maketrans(_SUPERSCRIPT_DIGITS + "⁻⁺", "0123456789-+")


def _caret_power(m: re.Match) -> str:
    """A superscript exponent written with a caret: "⁻³" -> "^-3"."""
    return "^" + m.group().translate(_SUPERSCRIPTS)


def _parse_number_words(text: str) -> float | None:
    words = [w for w in re.split(r"[\s-]+", text) if w and w != "and"]
    if not words or words[0] in SCALES or words[0] in ("hundred", "dozen"):
        return None  # a bare "million" ("per million tokens") is a denominator, not a figure
    total, group = 0.0, 0.0
    for i, word in enumerate(words):
        if word in ("a", "an") and i == 0 and len(words) > 1:
            group = 1
        elif word in NUMBER_WORDS:
            if group % 100 and not (group % 10 == 0 and group % 100 >= 20 and NUMBER_WORDS[word] < 10):
                return None  # "one-two", "five six": a sequence, not one number
            group += NUMBER_WORDS[word]
        elif word in ("hundred", "dozen"):
            group = (group or 1) * (100 if word == "hundred" else 12)
        elif word in SCALES and len(word) > 3:
            total += (group or 1) * SCALES[word]
            group = 0
        else:
            return None
    return total + group


def scale_factor(word: str | None) -> float:
    """The multiplier of scale words or a suffix ("bn", "M", "million", "hundred million");
    1 when absent. A lone "B"/"M" after a number is read as billion/million ("671B", "2.788M").
    """
    if not word:
        return 1.0
    factor = 1.0
    for part in word.split():
        factor *= 100.0 if part.lower() == "hundred" else SCALES.get(part.lower(), 1.0)
    return factor


def currency_code(symbol_or_word: str | None) -> str | None:
    """ISO 4217 code for a currency symbol or word: "$" -> USD, "euros" -> EUR."""
    if not symbol_or_word:
        return None
    key = symbol_or_word.strip()
    if key in CURRENCY_SYMBOLS:
        return CURRENCY_SYMBOLS[key]
    return CURRENCY_WORDS.get(singular(key).lower())


def singular(word: str) -> str:
    """The singular of a counted noun: "GPUs" -> "GPU", "companies" -> "company"."""
    lower = word.lower()
    if len(word) >= 2 and word[-1] == "s" and _is_acronym(word[:-1]):
        return word[:-1]  # "GPUs", "H100s"
    if len(word) <= 3 or lower.endswith(("ss", "us", "is")) or not lower.endswith("s"):
        return word
    if lower.endswith("ies"):
        return word[:-3] + "y"
    if lower.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    return word[:-1]


def normalise_unit(noun: str) -> str:
    """A counted noun as a unit: singular, acronyms as written, other words lower-case."""
    word = singular(noun.strip())
    return word if _is_acronym(word) else word.lower()


def _is_acronym(word: str) -> bool:
    return sum(c.isupper() for c in word) >= 2 or any(c.isdigit() for c in word)


def qualifier_for(cue: str | None) -> str:
    """The qualifier a cue gives: "nearly" -> approx, "sub-" -> under, "just" -> exact."""
    if not cue:
        return "exact"
    cue = cue.lower()
    if cue in SYMBOL_QUALIFIERS:
        return SYMBOL_QUALIFIERS[cue]
    if cue in TRAILING_CUES:
        return TRAILING_CUES[cue]
    # A modifier before the cue ("just under", "a little under") does not change it.
    for phrase in sorted(QUALIFIER_CUES, key=len, reverse=True):
        if cue == phrase or cue.endswith(" " + phrase):
            return QUALIFIER_CUES[phrase]
    return "exact"


def cue_before(text: str, start: int) -> str | None:
    """The qualifier cue written right before ``text[start:]`` ("about", "well over"), if any."""
    m = _CUE_RE.search(text[max(0, start - 40):start])
    return " ".join(m.group(0).split()).lower() if m else None


def bounds(value: float, qualifier: str) -> tuple[float | None, float | None]:
    """The (low, high) bounds a one-sided qualifier implies; (None, None) otherwise."""
    if qualifier in ("over", "at_least"):
        return value, None
    if qualifier in ("under", "at_most"):
        return None, value
    return None, None


def vague_range(text: str) -> tuple[float, float] | None:
    """Order-of-magnitude range of a vague plural: "billions" -> (1e9, 1e10)."""
    words = text.lower().split()
    base = 1.0
    for word in words:
        if word == "of":
            continue
        unit = {"tens": 10, "hundreds": 100, "dozens": 12}.get(word) or SCALES.get(word[:-1])
        if unit is None:
            return None
        base *= unit
    return base, base * 10


def _figure_value(m: re.Match, suffix: str = "") -> tuple[float | None, str | None, str | None, int]:
    """(value, unit, kind, characters of ``suffix`` taken by a unit word) of one FIGURE_RE
    match; ``suffix`` is the text after it. The value is None when the match is no finite
    number ("1e999", thirty-odd digits, "10 trillion trillion ..." past the float range)."""
    number = parse_number(m.group("num"))
    if number is None:
        return None, None, None, 0
    if m.group("sign") and m.group("sign")[0] in "-−m" or m.group("sign2"):
        number = -number
    cur = currency_code(m.group("cur"))
    scale_text = m.group("scale") or m.group("scaleword")
    unit_text = (m.group("unit") or "").strip()
    if scale_text == "m" and not cur and not unit_text and not _MILLIONS_AFTER_M_RE.match(suffix):
        # Without a currency, "100m" is more often metres than millions.
        return number, "m", "size", 0
    value = number * scale_factor(scale_text)
    if not math.isfinite(value):
        return None, None, None, 0
    if cur:
        return value, cur, "money", 0
    if suffix[:1] in _TRAILING_CURRENCY and not unit_text:  # "1,200€", as much of Europe writes it
        return value, CURRENCY_SYMBOLS[suffix[0]], "money", 1
    if unit_text:
        return (value, *unit_of_symbol(unit_text), 0)
    word = unit_after(suffix, scaled=bool(scale_text))
    if word:
        return value, word[1], word[2], word[0]
    return value, None, None, 0


_TRAILING_CURRENCY = frozenset("€£¥₹")


def unit_of_symbol(symbol: str) -> tuple[str, str]:
    """(unit, kind) of a symbol written after a number: "%" -> percent, "mph", "x", "GB"."""
    lower = symbol.lower()
    if symbol == "%" or lower in ("pc", "percent") or "cent" in lower:
        return "percent", "percent"
    if "point" in lower:
        return "percentage point", "percent"
    if symbol in ("x", "×"):
        return "x", "multiplier"
    unit = UNIT_SYMBOLS.get(symbol) or ATTACHED_UNIT_SYMBOLS.get(symbol) or symbol
    return unit, "size"


def unit_after(following: str, scaled: bool = False) -> tuple[int, str, str] | None:
    """A unit written in words right after a number: (length taken, unit, kind).

    "-year-old" -> year of age; "5.2 litre", "80-yard" -> the unit's symbol; "9 billion
    shekels", "10.5 million Australian dollars" -> an ISO code. "pounds" is money only
    after a scale word ("3 million pounds"), else weight.
    """
    m = _AGE_RE.match(following)
    if m:
        return m.end(), f"{m.group('word').lower()} of age", "age"
    m = _UNIT_WORD_RE.match(following)
    if m:
        unit = UNIT_WORDS[m.group("word").lower()]
        return m.end(), unit, "percent" if unit in ("percentage point", "basis point") else "size"
    m = _CURRENCY_WORD_RE.match(following)
    if m:
        word = m.group("word").lower()
        nation = (m.group("nation") or "").lower()
        code = NATIONAL_CURRENCIES.get((nation, word)) or (None if nation else CURRENCY_WORDS.get(word))
        if word == "pound" and not nation and not scaled and not re.match(r"\s+sterling", following[m.end():]):
            return m.end(), "lb", "size"
        if code:
            return m.end(), code, "money"
    return None


def parse_figure(text: str) -> ParsedFigure | None:
    """Parse a figure as typed or as written in text into base units.

    Handles currencies ("$6mn", "US$6m", "€5bn", "¥3 billion yuan"), scales
    ("2.788M", "671B", "1.6 billion", "ten thousand"), qualifiers ("~$10,000",
    "$600+ million", "about 50"), ranges ("$0.14–$0.55", "40GB–80GB",
    "between 5 and 10"), percentages, multipliers ("45x", "a hundred times"),
    vague plurals ("billions", "hundreds of millions") and counted nouns
    ("50,000 GPUs" -> unit "GPU"), powers of ten ("1e9", "10^9", "1.5 x 10⁹"). Returns
    None when no figure is found, and when the text holds a digit run longer than any
    figure (:data:`MAX_FIGURE_DIGITS`) or reads as a value that is not finite: a query
    or a claim never carries ``inf`` or ``nan``.
    """
    if _OVERLONG_DIGITS_RE.search(text):
        return None  # not even a part of it: "1234...(40 digits) GPUs" is no "GPU" figure
    text = " ".join(text.split())
    qualifier_cue, text = _strip_leading_cue(text)
    trailing = next((c for c in TRAILING_CUES if text.lower().endswith(" " + c)), None)
    if trailing:
        text = text[: -len(trailing) - 1]
        qualifier_cue = qualifier_cue or trailing
    parsed = (
        _parse_range(text)
        or _parse_digit_figure(text)
        or _parse_vague(text)
        or _parse_word_figure(text)
    )
    if parsed is None or not finite_values(parsed.value, parsed.value_low, parsed.value_high):
        return None
    if qualifier_cue and parsed.qualifier == "exact":
        parsed.qualifier = qualifier_for(qualifier_cue)
        parsed.qualifier_cue = qualifier_cue
        parsed.value_low, parsed.value_high = bounds(parsed.value, parsed.qualifier)
    elif qualifier_cue:
        parsed.qualifier_cue = qualifier_cue
    return parsed


def finite_values(*values: float | None) -> bool:
    """Whether every value is finite or None: the invariant of every figure and claim
    (``value``, ``value_low``, ``value_high``); ``inf`` and ``nan`` are not amounts."""
    return all(v is None or math.isfinite(v) for v in values)


def _strip_leading_cue(text: str) -> tuple[str | None, str]:
    m = re.match(
        r"(?i)(?:(?:just|only|well|a little|slightly)\s+)?(?:"
        + "|".join(re.escape(c) for c in sorted(QUALIFIER_CUES, key=len, reverse=True))
        + r")\s+(?=\S)",
        text,
    )
    if not m:
        return None, text
    return m.group(0).strip().lower(), text[m.end():]


def _parse_digit_figure(text: str) -> ParsedFigure | None:
    m = FIGURE_RE.match(text)
    if not m:
        return None
    value, unit, kind, taken = _figure_value(m, text[m.end():])
    if value is None:
        return None
    rest = text[m.end() + taken:].strip()
    symbol = m.group("sym") or ("+" if _has_plus(m) else None)
    parsed = ParsedFigure(value, unit=unit, kind=kind or "count")
    if symbol:
        parsed.qualifier = qualifier_for(symbol)
        parsed.qualifier_cue = symbol
        parsed.value_low, parsed.value_high = bounds(value, parsed.qualifier)
    _apply_suffix(parsed, rest, m.group("per"))
    return parsed


def _money_shaped(m: re.Match) -> bool:
    """A transliterated symbol ("PS" for £, "Y" for ¥) counts only when glued to a number
    written like money (grouped, with decimals or a scale): "PS6m", "Y=28,030", not "PS5"."""
    cur = m.group("cur")
    if not cur or cur.strip() not in TRANSLITERATED_SYMBOLS:
        return True
    glued = not m.group(0)[m.group(0).index(cur) + len(cur):][:1].isspace()
    return glued and bool(re.search(r"[,.]", m.group("num")) or m.group("scale") or m.group("scaleword"))


def _is_resolution(m: re.Match) -> bool:
    """"1080p": a display resolution, not 1080 pence."""
    return not m.group("cur") and m.group("num").isdigit() and int(m.group("num")) in VIDEO_RESOLUTIONS


def _has_plus(m: re.Match) -> bool:
    return bool(m.group("plus1") or m.group("plus2") or m.group("plus3"))


def _apply_suffix(parsed: ParsedFigure, rest: str, per: str | None) -> None:
    """Fold the words after a figure into its unit: counted noun, "times", "per X"."""
    if per:
        parsed.unit = f"{parsed.unit} per {per[1:]}"
        return
    words = rest.split()
    if not words:
        return
    head = words[0].lower()
    if head in ("times", "x"):
        parsed.unit, parsed.kind = "x", "multiplier"
    elif head == "per" and parsed.unit:
        parsed.unit = per_unit(parsed.unit, words[1:])
    elif head in ("a", "an") and parsed.unit and len(words) > 1:
        parsed.unit = per_unit(parsed.unit, [normalise_unit(words[-1])])  # "$80 a barrel"
    elif currency_code(words[0]) and parsed.kind == "money":
        if words[0].lower() in ("yuan", "rmb", "renminbi"):
            parsed.unit = "CNY"
    elif parsed.unit is None:
        parsed.unit = _compound_unit(words)
        parsed.kind = "duration" if singular(words[-1]).lower() in TIME_UNITS else "count"


def per_unit(unit: str, words: list[str]) -> str:
    """A rate unit: "USD" and ["million", "input", "tokens"] -> "USD per 1M input tokens"."""
    if words and words[0].lower() in ("million", "thousand", "billion", "m", "k"):
        words = [f"1{words[0][0].upper()}", *words[1:]]
    return " ".join([unit, "per", *words])


def _compound_unit(words: list[str]) -> str:
    """Counted noun of a noun phrase: its head, with an acronym before a time unit ("GPU hour")."""
    head = normalise_unit(words[-1])
    if len(words) > 1 and head in TIME_UNITS and _is_acronym(words[-2]) and words[-2].isalpha():
        return f"{singular(words[-2])} {head}"
    return head


def _parse_range(text: str) -> ParsedFigure | None:
    m = re.fullmatch(
        r"(?i)between\s+(.+?)\s+and\s+(.+)|from\s+(.+?)\s+to\s+(.+)|(.+?)(?:\s?[–—-]\s?|\s+to\s+)(.+)",
        text,
    )
    if not m or WORD_NUMBER_RE.fullmatch(text):
        return None  # "twenty-one" is one number
    first, second = [g for g in m.groups() if g is not None]
    low = _parse_digit_figure(first) or _parse_word_figure(first)
    high = _parse_digit_figure(second) or _parse_word_figure(second)
    if low is None or high is None or low.value is None or high.value is None:
        return None
    if low.unit is not None and low.unit != high.unit:
        return None
    # "40 to 80GB", "$5-7 million": the low end borrows the high end's unit and scale.
    low.value *= _missing_scale(first.strip(), second.strip(), low, high)
    return ParsedFigure(low.value, low.value, high.value, high.unit, "range", None, high.kind)


def _parse_vague(text: str) -> ParsedFigure | None:
    m = VAGUE_PLURAL_RE.match(text)
    if not m:
        return None
    low, high = vague_range(m.group(0))
    rest = text[m.end():].split()
    if rest and rest[0].lower() == "of":
        rest = rest[1:]
    unit = currency_code(rest[0]) if rest else None
    kind = "money" if unit else "count"
    if rest and not unit:
        unit = _compound_unit(rest)
    return ParsedFigure(low, low, high, unit, "range", None, kind)


def fraction_value(text: str) -> float | None:
    """The value of a written fraction: "a third" -> 1/3, "two-thirds", "one in five" -> 0.2."""
    m = FRACTION_RE.match(text.strip())
    if m is None:
        return None
    num = 1.0 if m.group("num").lower() in ("a", "an") else parse_number(m.group("num"))
    den = _FRACTION_DENOMINATORS[m.group("den").lower()] if m.group("den") else parse_number(m.group("whole"))
    if not num or not den or num >= den:
        return None
    return num / den


def _parse_word_figure(text: str) -> ParsedFigure | None:
    fraction = fraction_value(text)
    if fraction is not None:
        return ParsedFigure(fraction, kind="fraction")
    one = re.match(r"(?i)an?(?=\s)", text)
    word_unit = unit_after(text[one.end():]) if one else None
    if word_unit and word_unit[0] == len(text) - one.end():
        return ParsedFigure(1.0, unit=word_unit[1], kind=word_unit[2])  # "a pint", "a mile"
    m = WORD_NUMBER_RE.match(text) or _ORDINAL_WORD_RE.match(text) or _DIGIT_ORDINAL_RE.match(text)
    if m is None:
        return _parse_multiplier_word(text)
    word = m.group(0)
    ordinal = _ordinal_value(word)
    rest = text[m.end():].strip()
    if ordinal is not None:
        return ParsedFigure(ordinal, unit=normalise_unit(rest.split()[-1]) if rest else None,
                            kind="ordinal")
    value = parse_number(word)
    if value is None:
        return None
    parsed = ParsedFigure(value, kind="count")
    word_unit = unit_after(text[m.end():], scaled=value >= 1000)
    if rest[:1] == "%":
        parsed.unit, parsed.kind = "percent", "percent"
    elif word_unit:
        parsed.unit, parsed.kind = word_unit[1], word_unit[2]
    else:
        _apply_suffix(parsed, rest, None)
    return parsed


def _parse_multiplier_word(text: str) -> ParsedFigure | None:
    m = _MULTIPLIER_VERB_RE.match(text) or _FOLD_RE.match(text)
    if m is None:
        return None
    return ParsedFigure(multiplier_value(m.group(0)), unit="x", kind="multiplier")


def multiplier_value(word: str) -> float | None:
    """The factor of "doubles", "tripled", "halved", "10-fold", "three-fold"."""
    lower = word.lower()
    for stem, factor in (("doubl", 2.0), ("tripl", 3.0), ("quadrupl", 4.0), ("halv", 0.5)):
        if lower.startswith(stem):
            return factor
    if lower.endswith("fold"):
        return parse_number(lower[:-4].rstrip("-"))
    return None


def _ordinal_value(word: str) -> float | None:
    lower = word.lower()
    if lower in _ORDINAL_WORDS:
        return float(_ORDINAL_WORDS[lower])
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", lower)
    return float(m.group(1)) if m else None


# --------------------------------------------------------------------------- spaCy component


@dataclass
class _Candidate:
    start: int
    end: int
    parsed: ParsedFigure
    bare: bool  # digits only: no currency, scale, unit or symbol, so it may be a name
    wordy: bool = False  # written in words ("two", "seventh", "billions")


def extract_claims(doc: Doc, all_quantities: bool = False) -> list[Claim]:
    """Every numeric claim in a parsed doc, sorted by start_char.

    Offsets index ``doc.text`` so that ``doc.text[c.start_char:c.end_char] == c.surface``.
    ``all_quantities`` also keeps quantities that are not claims, such as the pronoun-like
    "one of the people" (as quantity benchmarks annotate them).
    """
    text = doc.text  # a property that rebuilds the string: read it once
    overlong = [m.span() for m in _OVERLONG_DIGITS_RE.finditer(text)]
    scanned = _mask(text, overlong)
    segments = _unmasked(len(text), overlong)
    blocked = [m.span() for m in _finditer(DATE_RE, scanned, segments)]
    candidates = _merge_ranges(text, _scan(scanned, blocked, segments))
    sents = list(doc.sents)
    sent_starts = [s.start_char for s in sents]
    quotes = _quoted_blocks(doc, text)
    claims: list[Claim] = []
    for cand in candidates:
        if cand.bare and claims and cand.start < claims[-1].end_char:
            continue  # a plain number inside the counted phrase before it: "two new 737 Max jets"
        span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
        if span is None or not _is_claim(text, cand, span, all_quantities):
            continue
        sent = sents[bisect_right(sent_starts, cand.start) - 1]
        claim = _build_claim(text, cand, span, sent)
        # The one gate every claim passes: finite values only, and no part of a digit run
        # too long to be a figure (a counted phrase can reach over one: "5 1234...9 units").
        if not finite_values(claim.value, claim.value_low, claim.value_high) or _overlaps(
            overlong, claim.start_char, claim.end_char
        ):
            continue
        if claim.attributed_to is None:
            claim.attributed_to = next((who for s, e, who in quotes if s <= cand.start < e), None)
        if claim.attributed_to is None:
            index = bisect_right(sent_starts, cand.start) - 1
            claim.attributed_to = _carried_attribution(text, sents[max(0, index - 2):index], sent)
        if claim.change and claims and _LEVEL_GAP_RE.fullmatch(text, claims[-1].end_char, claim.start_char):
            # "up 10.4 cents to $2.24", "increased by $43.6 billion to $419.2 billion": the
            # amount moved, not the level it reached
            previous = claims[-1]
            if previous.change is None and re.search(r"(?i)\bby\s+$", text[max(0, previous.start_char - 4):previous.start_char]):
                previous.change = claim.change
            if previous.change:
                claim.change = None
        claims.append(claim)
    return claims


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span overwritten by "_", so no pattern reads a figure in it.

    "_" is a word character like the digits it covers, so word boundaries, and with them
    every other match, stay as they were; the offsets do not move.
    """
    if not spans:
        return text
    pieces, previous = [], 0
    for start, end in spans:
        pieces += [text[previous:start], "_" * (end - start)]
        previous = end
    pieces.append(text[previous:])
    return "".join(pieces)


def _unmasked(length: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``(pos, endpos)`` of the text between masked spans, for ``Pattern.finditer``.

    Scanning a 5 MB masked run costs each pattern about 0.1 s for nothing, so it is
    skipped. Each piece keeps the first "_" of the next span: a lookahead at the piece's
    end then sees a word character, as it would in the whole text (a lookbehind sees
    before ``pos`` anyway), and no pattern matches "_" itself.
    """
    pieces, pos = [], 0
    for start, end in spans:
        pieces.append((pos, start + 1))
        pos = end
    pieces.append((pos, length))
    return pieces


def _finditer(regex: re.Pattern, text: str, segments: list[tuple[int, int]] | None):
    """``regex.finditer`` over ``segments`` of ``text`` (all of it when None)."""
    if segments is None:
        yield from regex.finditer(text)
        return
    for pos, endpos in segments:
        yield from regex.finditer(text, pos, endpos)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the sorted, disjoint ``spans``."""
    i = bisect_right(spans, (start, float("inf"))) - 1  # the last span starting at or before start
    return any(s < end and start < e for s, e in spans[max(0, i):i + 2])


# Between a movement's amount and the level it reached: "up 10.4 cents to $2.24".
_LEVEL_GAP_RE = re.compile(r"(?i)\s+to\s+(?:(?:end|close|finish)\s+at\s+)?")


def _carried_attribution(text: str, previous: list[Span], sent: Span) -> str | None:
    """The reporter of an earlier sentence, when this one goes on with its report.

    "A deeper look by X reveals that the firm runs 50,000 GPUs. [...] The firm's
    investment stands at $1.6 billion.": the later figure is still X's. Only within a
    paragraph, at most two sentences back, only after a reporting verb with a clause
    ("reveals that ..."), and not across a sentence with a reporting verb or a
    first-person speaker of its own, which starts a new statement.
    """
    current = sent
    for before in reversed(previous):
        if _own_voice(current) or "\n" in text[before.end_char:current.start_char]:
            return None
        root = before.root
        if root.lemma_.lower() in REPORT_VERBS and any(c.dep_ == "ccomp" for c in root.children):
            return _speaker(root)
        current = before
    return None


def _own_voice(sent: Span) -> bool:
    """The sentence reports on its own ("says", "according to") or speaks in the first person."""
    return any(t.lemma_.lower() in REPORT_VERBS or t.lower_ in ("i", "we", "my", "our", "according") for t in sent)


_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*")


def quote_blocks(text: str) -> list[tuple[int, int, int]]:
    """Plain-text block quotes as ``(intro start, intro end, block end)``: a paragraph
    ending in ":" ("Simon writes:") and the paragraphs after it, up to the next heading-like
    line (one with no final stop) or the next intro."""
    blocks = []
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    for i, (start, end) in enumerate(paragraphs):
        if not text[start:end].rstrip().endswith(":"):
            continue
        block_end = end
        for p_start, p_end in paragraphs[i + 1:]:
            line = text[p_start:p_end].rstrip()
            if line.endswith(":") or not re.search(r"[.!?\"”’)]$", line):
                break
            block_end = p_end
        blocks.append((start, end, block_end))
    return blocks


def _quoted_blocks(doc: Doc, text: str) -> list[tuple[int, int, str]]:
    """Block quotes credited to the subject of their intro sentence: (start, end, who)."""
    blocks = []
    for start, end, block_end in quote_blocks(text):
        intro = doc.char_span(start, end, alignment_mode="expand")
        who = _speaker(intro[-1].sent.root) if intro is not None else None
        if who is not None:
            blocks.append((end, block_end, who))
    return blocks


def _scan(
    text: str, blocked: list[tuple[int, int]], segments: list[tuple[int, int]] | None = None
) -> list[_Candidate]:
    """Figure candidates from the text patterns, leftmost-longest, outside blocked spans,
    looking only in ``segments`` (see :func:`_unmasked`) when given."""
    found: list[_Candidate] = []
    for m in _finditer(FIGURE_RE, text, segments):
        if not _money_shaped(m) or (m.group("unit") == "p" and _is_resolution(m)):
            continue
        value, unit, kind, taken = _figure_value(m, text[m.end():m.end() + 60])
        if value is None:
            continue
        parsed = ParsedFigure(value, unit=unit, kind=kind or "count")
        symbol = m.group("sym") or ("+" if _has_plus(m) else None)
        if symbol:
            parsed.qualifier, parsed.qualifier_cue = qualifier_for(symbol), symbol
        if m.group("per"):
            parsed.unit = f"{unit} per {m.group('per')[1:]}"
        bare = not (m.group("cur") or m.group("unit") or symbol or m.group("scaleword") or taken)
        bare = bare and not (m.group("sign") or m.group("sign2"))
        found.append(_Candidate(m.start(), m.end() + taken, parsed, bare))
    for m in _finditer(SLASH_FRACTION_RE, text, segments):
        num, den = int(m.group("num")), int(m.group("den"))
        if den in _SLASH_DENOMINATORS and 0 < num < den:
            word = unit_after(text[m.end():m.end() + 60])
            parsed = ParsedFigure(num / den, unit=word[1] if word else None, kind=word[2] if word else "fraction")
            found.append(_Candidate(m.start(), m.end() + (word[0] if word else 0), parsed, False))
    for m in _finditer(VAGUE_PLURAL_RE, text, segments):
        low, high = vague_range(m.group(0))
        parsed = ParsedFigure(low, low, high, None, "range", None, "count")
        found.append(_Candidate(m.start(), m.end(), parsed, False, True))
    for regex in (FRACTION_RE, WORD_NUMBER_RE, _ORDINAL_WORD_RE, _DIGIT_ORDINAL_RE, _MULTIPLIER_VERB_RE, _FOLD_RE):
        for m in _finditer(regex, text, segments):
            parsed = _parse_word_figure(m.group(0))
            if parsed is None or parsed.value is None:
                continue
            end = m.end()
            percent = _PERCENT_WORD_RE.match(text, end)
            word_unit = unit_after(text[end:end + 60], scaled=parsed.value >= 1000)
            if percent and parsed.kind == "count":  # "twenty-one per cent"
                end, parsed.unit, parsed.kind = percent.end(), "percent", "percent"
            elif word_unit and parsed.kind == "count":  # "seven miles", "ten-year-old"
                end, parsed.unit, parsed.kind = end + word_unit[0], word_unit[1], word_unit[2]
            found.append(_Candidate(m.start(), end, parsed, False, regex is not _FOLD_RE))
    found.sort(key=lambda c: (c.start, -c.end))
    kept: list[_Candidate] = []
    for cand in found:
        if kept and cand.start < kept[-1].end:
            continue
        if any(s < cand.end and cand.start < e for s, e in blocked):
            continue
        kept.append(cand)
    return kept


def _merge_ranges(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """Join "X–Y", "X to Y", "from X ... to Y" and "between X and Y" into one range candidate."""
    merged: list[_Candidate] = []
    for cand in cands:
        prev = merged[-1] if merged else None
        if prev and _is_score(text, prev, cand):
            merged.pop()  # "ended 3-1": neither number is a figure (the second is dropped later)
            merged.append(cand)
            continue
        if (prev and len(merged) > 1 and _dates_the_figure(text, prev) and _from_to(text, merged[-2], cand)
                and _joins(text, merged[-2], cand)):  # fmt: skip
            merged.pop()  # "from 20 mpg in 2008 to 29 mpg": the year only dates the first end
            prev = merged[-1]
        if prev and _joins(text, prev, cand):
            low, high = prev.parsed, cand.parsed
            low.value *= _missing_scale(text[prev.start:prev.end], text[cand.start:cand.end], low, high)
            unit, kind = (high.unit, high.kind) if high.unit else (low.unit, low.kind)
            merged[-1] = _Candidate(
                prev.start, cand.end,
                ParsedFigure(low.value, low.value, high.value, unit, "range", None, kind),
                False,
            )  # fmt: skip
            continue
        if prev and text[prev.end:cand.start] == " or " and prev.parsed.unit is None and cand.parsed.kind == "money":
            # "8 or $9", "eight or nine euros": alternative prices; the first shares the currency
            prev.parsed.value *= _missing_scale(text[prev.start:prev.end], text[cand.start:cand.end],
                                                prev.parsed, cand.parsed)  # fmt: skip
            prev.parsed.unit, prev.parsed.kind = cand.parsed.unit, cand.parsed.kind
        merged.append(cand)
    return merged


def _is_score(text: str, a: _Candidate, b: _Candidate) -> bool:
    """"3-1", "2-2": two plain numbers joined by a hyphen, not rising, are a score."""
    return a.bare and b.bare and text[a.end:b.start] == "-" and b.parsed.value <= a.parsed.value


def _joins(text: str, a: _Candidate, b: _Candidate) -> bool:
    gap = text[a.end:b.start]
    if a.parsed.qualifier == "range" or a.parsed.kind in ("ordinal", "fraction"):
        return False
    if a.wordy != b.wordy and not (a.parsed.unit and a.parsed.unit == b.parsed.unit):
        return False  # "five per cent to 20 per cent" is one range; "two 5-star hotels" is not
    if b.parsed.value == a.parsed.value and gap.strip() in "-–—":
        return False  # a score, "2-2"
    if gap == " to " and re.search(r"(?i)\bby\s+$", text[max(0, a.start - 4):a.start]) and not (
        a.bare and b.parsed.unit
    ):
        return False  # "rose by $43bn to $419bn": the change, then the level it reached
        # ("dropped by 1 to 1.5 degrees": a bare low end shares the unit, so a range)
    if gap == " or " and a.parsed.unit is None and b.parsed.value > a.parsed.value and a.wordy == b.wordy:
        # "three or four years"; but prices are alternatives ("8 or $9", "eight or nine euros"),
        # and so are figures taken "respectively"
        return b.parsed.kind != "money" and not _RESPECTIVELY_RE.match(text, b.end)
    if a.parsed.unit and a.parsed.unit != b.parsed.unit and not (b.parsed.unit is None and b.bare is False) and not (
        b.parsed.unit is None and _from_to(text, a, b)
    ):
        return False  # "$2-3 million" shares the dollar sign; "$5 and 6 people" does not
    if a.bare and _looks_like_year(text[a.start:a.end]) and not _looks_like_year(text[b.start:b.end]):
        return False  # "rose 60% in 2018 to 3.9 million": a year, then a level
    if b.parsed.value < a.parsed.value and not _from_to(text, a, b):
        return False  # "2019-20", scores "3-1": not ranges; "from 4.8% to 4.7%" is one
    if _RANGE_SEP_RE.match(gap) or gap in ("-to-", " to-"):
        return True
    if _from_to(text, a, b):
        return True  # "from $36,040 at 10.45pm to $34,935", "from 208 pounds to 193"
    return gap == " and " and bool(re.search(r"(?i)\bbetween\s+$", text[max(0, a.start - 9):a.start]))


_RESPECTIVELY_RE = re.compile(r"[^.;!?]{0,120}\brespectively\b")
# The words between the ends of "from X ... to Y": a few, no clause break, no second "from".
_FROM_TO_GAP_RE = re.compile(r"(?i)\s+(?:(?!from\b|and\b|or\b|but\b|while\b)[^\s,;:()]+\s+){0,5}(?:up\s+)?to\s+")


def _from_to(text: str, a: _Candidate, b: _Candidate) -> bool:
    """"from X ... to Y": a movement or span between two figures of one unit, even with
    words between them ("from $75 per barrel to $45.88", "from 21 mpg combined to 23",
    "from 450 sq ft up to 900 sq ft")."""
    if not re.search(r"(?i)\bfrom\s+(?:about\s+|around\s+)?$", text[max(0, a.start - 14):a.start]):
        return False
    if a.parsed.qualifier == "range" or not _FROM_TO_GAP_RE.fullmatch(text, a.end, b.start):
        return False
    return a.parsed.unit is None or b.parsed.unit in (None, a.parsed.unit)


def _dates_the_figure(text: str, cand: _Candidate) -> bool:
    """A plain year after "in"/"during" between two figures: "20 mpg in 2008"."""
    surface = text[cand.start:cand.end]
    return cand.bare and _looks_like_year(surface) and bool(
        re.search(r"(?i)\b(?:in|during)\s+$", text[max(0, cand.start - 8):cand.start]))


def _missing_scale(low_text: str, high_text: str, low: ParsedFigure, high: ParsedFigure) -> float:
    """"5-7 million", "$10 to $15 billion", "four to five thousand": the low end borrows
    the high end's scale when it has none and the result stays below the high end."""
    if _SCALE_IN_RE.search(low_text):
        return 1.0
    factor = 1.0
    for word in _SCALE_IN_RE.findall(high_text):
        factor *= scale_factor(word)
    return factor if factor > 1 and low.value * factor <= high.value else 1.0


_SCALE_IN_RE = re.compile(
    r"(?i)(?<=\d)(?:k|mn|bn|tn|m|b)\b|\b(?:hundred|thousand|million|billion|trillion|lakh|crore)\b"
)


def _looks_like_year(surface: str) -> bool:
    return bool(re.fullmatch(r"(?:1[89]|20)\d\d", surface))


def _is_claim(text: str, cand: _Candidate, span: Span, all_quantities: bool = False) -> bool:
    """Reject names, versions, labels, footnotes, pronoun "one" and undated years."""
    surface = text[cand.start:cand.end]
    before, after = text[max(0, cand.start - 2):cand.start], text[cand.end:cand.end + 2]
    if re.match(r"[A-Za-z0-9]-", before) and not surface.startswith("sub-"):
        return False  # "GPT-4", "R1-Zero"
    if cand.bare and before[-1:] == "[" and after[:1] == "]":
        return False  # footnote marker "[1]"
    if cand.bare and re.match(r"\.\s", after) and re.search(r"(?:^|\n)\s*$", text[:cand.start]):
        return False  # numbered note "  1. Although"
    doc = span.doc
    first, last = span[0], span[-1]
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    prev = doc[first.i - 1] if first.i > 0 else None
    if cand.parsed.kind == "ordinal":
        return _is_rank(prev, nxt)
    if _in_name(first):
        return False  # "404 Media", "Two Sigma": the number starts a name
    if _is_enumeration(text, span):
        return False
    if cand.wordy:
        if nxt is not None and _is_name_word(nxt) and _counts_common_noun(span):
            return not _is_determined(prev, surface)  # "seven European countries", "two Swiss banks"
        return _is_word_count(surface, nxt, cand, all_quantities) and not _is_determined(prev, surface)
    head = _counted_head(span)
    counts_plural = head is not None and head.tag_ in ("NNS", "NNPS") and nxt is not None and nxt.pos_ != "DET"
    if cand.bare and _looks_like_year(surface) and not counts_plural:
        return _is_event_year(text, cand)
    if _is_period(cand) and not counts_plural:
        return False  # "between 2014 and 2017": a period of time, not a figure
    if (cand.bare or cand.parsed.unit is None) and _is_version(prev, first):
        return False
    if cand.bare and nxt is not None and _is_name_word(nxt):
        # "575 Wilbraham Road", "12 Pro Max": a number before a name is an address or model.
        return head is not None and (head.pos_ == "NOUN" or head.tag_ == "NNPS" or head.text.endswith("s"))
    return True


def _is_period(cand: _Candidate) -> bool:
    """A range whose ends are both plain years."""
    low, high = cand.parsed.value_low, cand.parsed.value_high
    if cand.parsed.qualifier != "range" or cand.parsed.unit or low is None or high is None:
        return False
    return all(float(v).is_integer() and _looks_like_year(str(int(v))) for v in (low, high))


def _is_determined(prev: Token | None, surface: str) -> bool:
    """"each one", "the same one", "this half": a pronoun or a part, not a number."""
    if surface.lower() not in ("one", "half") or prev is None:
        return False
    return prev.pos_ in ("DET", "ADJ", "PRON") or prev.lower_ in ("each", "every", "same", "another")


def needs_entities(doc: Doc) -> bool:
    """Whether named entities can change the claims of a parsed doc.

    Entities are read only by :func:`_in_name` (a number, or symbol, right before a
    capitalised word: "404 Media", "Two Sigma") and :func:`_is_age` (", 25," after a name);
    a doc with neither pattern gives the same claims without the (slow) NER, so callers
    can run it on the docs that need it alone.
    """
    for tok in doc[:-1]:
        if _is_name_word(tok.nbor()) and (tok.like_num or tok.lower_ in NUMBER_WORDS or not tok.is_alpha):
            return True
        if tok.text == "," and tok.nbor().like_num and tok.i + 2 < len(doc) and doc[tok.i + 2].text == ",":
            return True
    return False


def _in_name(tok: Token) -> bool:
    """The number is the first word of a multi-word name the NER found."""
    return tok.ent_type_ in NAME_LABELS and tok.ent_iob_ == "B" and (
        tok.i + 1 < len(tok.doc) and tok.nbor().ent_iob_ == "I" and _is_name_word(tok.nbor())
    )


def _is_enumeration(text: str, span: Span) -> bool:
    """"two models called A and B", "two reports, one for A, one for B": a list, not a figure."""
    head = _counted_head(span)
    if head is None:
        return False
    after = text[head.idx + len(head.text):head.idx + len(head.text) + 12]
    return bool(re.match(r"(?i)\s*(?:called|named|:|,\s*one\b)", after))


def _is_rank(prev: Token | None, nxt: Token | None) -> bool:
    """"its seventh model", "ranks it 7th" are ranks; "the 26th", "the 22nd amendment" labels."""
    if prev is not None and prev.lower_ == "the":
        return nxt is not None and nxt.tag_ == "JJS"
    return True


def _is_word_count(surface: str, nxt: Token | None, cand: _Candidate, all_quantities: bool = False) -> bool:
    """Number words are claims except pronoun "one" and names ("Two Sigma")."""
    lower = surface.lower()
    if cand.parsed.unit == "x" or cand.parsed.qualifier == "range":
        return True
    if lower == "one" and surface[0] == "O" and nxt is not None and not nxt.is_alpha and cand.start > 0:
        return False  # "BBC One.": a name
    if lower == "one" and not all_quantities:
        return nxt is not None and singular(nxt.lower_) in TIME_UNITS
    return not (nxt is not None and _is_name_word(nxt))


def _is_name_word(tok: Token) -> bool:
    """A capitalised word that is not an acronym, mid-sentence: part of a name."""
    return tok.text[:1].isupper() and tok.text[1:].islower() and not tok.is_sent_start


def _is_version(prev: Token | None, first: Token) -> bool:
    """A number right after a capitalised name is a version or model size ("Llama 3.1")."""
    if prev is None or first.is_sent_start or not prev.whitespace_:
        return False
    if not (prev.text[:1].isupper() or re.match(r"[a-z]{1,2}[A-Z]", prev.text)):
        return False  # (a name may start lower-case before a capital: "iPhone 11", "eBay 2")
    return prev.pos_ == "PROPN" or (prev.pos_ == "NOUN" and not prev.is_sent_start)


def _is_event_year(text: str, cand: _Candidate) -> bool:
    """A year that dates an event ("in 2023", "November 2023"), not a time frame of a figure."""
    if not _YEAR_LEAD_RE.search(text[max(0, cand.start - 20):cand.start]):
        return False
    cand.parsed.kind, cand.parsed.unit = "year", "year"
    before = text[max(0, cand.start - 40):cand.start]
    # "up 171% in 2024": the year is the time frame of the figure before it; but after a
    # numbered name ("opened Fire-Flyer 1 in 2019") it dates the event.
    if re.search(r"\b[A-Z][\w-]*\s+\d+\s+(?:in|during|since)\s+$", before):
        return True
    return not re.search(r"[\d%]\s+(?:in|during|since)\s+$", before)


def _counted_head(span: Span) -> Token | None:
    """The noun a count counts: the head of the noun phrase right after the number.

    A singular noun right after a plural count is a measure used as an adjective
    ("a 12 page document", "a 3 cylinder engine"): that noun is what is counted.
    """
    doc, last = span.doc, span[-1]
    first_noun = None
    for tok in doc[last.i + 1:min(len(doc), last.i + 7)]:
        if tok.lower_ == "times" and tok.i == last.i + 1:
            return tok  # "1.4 times book value": a multiplier
        if tok.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM") and tok.text != "-":
            return None
        if tok.pos_ == "NOUN" and first_noun is None:
            first_noun = tok
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ not in ("compound", "amod", "nmod"):
            if tok.i == last.i + 1 and _is_name_word(tok):
                return None
            if (first_noun is not None and first_noun is not tok and first_noun.tag_ == "NN"
                    and tok.tag_ == "NN" and _counts_many(span)):  # fmt: skip
                return first_noun
            return tok
    return None


def _counts_common_noun(span: Span) -> bool:
    """The counted noun after a capitalised word is a plural common noun, so the capitalised
    word describes it ("seven European countries") rather than starting a name ("Two Sigma")."""
    head = _counted_head(span)
    return head is not None and head.pos_ == "NOUN" and head.tag_ == "NNS" and head.i > span.end


def _counts_many(span: Span) -> bool:
    """The figure is a number other than one."""
    return not any(t.lower_ in ("1", "one", "a", "an", "single") for t in span)


def _of_unit(span: Span) -> Token | None:
    """The plural noun of "one of the students", "dozens of people": what a bare count counts."""
    for child in span.root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.pos_ == "NOUN" and (pobj.tag_ == "NNS" or pobj.lemma_ == "people"):
                return pobj
    return None


_AGE_LEAD_RE = re.compile(r"(?i)\b(?:aged|age of|ages of|at age|at the age of)\s+$")


def _is_age(text: str, cand: _Candidate, span: Span) -> bool:
    """A bare number that is someone's age: "aged 25", "at the age of 30", "Jamie Armstrong, 25,"."""
    if _AGE_LEAD_RE.search(text[max(0, cand.start - 20):cand.start]):
        return True
    if cand.bare and _is_person_complement(span.root):
        return True
    doc, first, last = span.doc, span[0], span[-1]
    if first.i < 2 or last.i + 1 >= len(doc):
        return False
    return doc[first.i - 1].text == "," and doc[first.i - 2].ent_type_ == "PERSON" and doc[last.i + 1].text == ","


_PERSON_PRONOUNS = frozenset("he she who i you".split())


def _is_person_complement(root: Token) -> bool:
    """A bare number that is what a person "is" or "will be": "He will be 35", "his daughter
    Maria, who was 10"."""
    verb = root.head
    if root.dep_ not in ("attr", "acomp") or verb.lemma_ != "be":
        return False
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subject is not None and (subject.lower_ in _PERSON_PRONOUNS or subject.ent_type_ == "PERSON")


MONEY_VERBS = frozenset(
    "cost spend invest raise pay earn fund charge save owe borrow lend donate budget".split()
)


MONEY_NOUNS = frozenset(
    "budget funding revenue investment spending sale profit loss debt capital fee subsidy "
    "wage damage cash financing".split()
)


def _is_spent(span: Span) -> bool:
    """A bare amount that is money by its context: a money verb governs it ("cost billions",
    "spend hundreds of millions") or a money noun follows ("hundreds of millions in budgets")."""
    governor = span.root.head
    if governor.i != span.root.i and governor.lemma_.lower() in MONEY_VERBS:
        return True
    following = span.doc[span.end:span.end + 3]
    return (
        len(following) >= 2
        and following[0].lower_ == "in"
        and any(t.lemma_.lower() in MONEY_NOUNS for t in following[1:])
    )


def _build_claim(text: str, cand: _Candidate, span: Span, sent: Span) -> Claim:
    parsed = cand.parsed
    start, end = cand.start, cand.end
    qualifier, cue = _qualifier(text, cand, sent)
    unit, kind = parsed.unit, parsed.kind
    head = None
    if parsed.kind in ("money", "percent", "multiplier", "size", "age"):
        end, unit = _extend_rate(text, span, end, unit)
    else:
        head = _counted_head(span)
        if head is not None and parsed.kind != "year":
            unit, kind = _count_unit(head, parsed)
            if parsed.kind != "ordinal":
                # The head token may carry glued punctuation ("hours—11x"): keep the word.
                end = head.idx + len(re.match(r"[\w-]*", head.text).group())
                head_span = span.doc[span.start:head.i + 1]
                end, unit = _extend_rate(text, head_span, end, unit)  # "barrels a day"
        elif parsed.kind == "ordinal":
            unit = "rank"
        elif unit is None and _of_unit(span) is not None:
            unit = normalise_unit(_of_unit(span).lemma_)
        elif unit is None and _is_age(text, cand, span):
            unit, kind = "year of age", "age"
        elif unit is None and _is_spent(span):
            kind = "money"  # "would cost billions": money, in a currency the text leaves unsaid
    unit, kind = _context_unit(text[start:end], sent, unit, kind)
    low, high = parsed.value_low, parsed.value_high
    if qualifier != "range" and parsed.qualifier != "range":  # "about 2000-2500" keeps its ends
        low, high = bounds(parsed.value, qualifier)
    return Claim(
        surface=text[start:end],
        start_char=start,
        end_char=end,
        value=parsed.value,
        value_low=low,
        value_high=high,
        unit=unit,
        qualifier=qualifier,
        qualifier_cue=cue,
        change=_change(span, text[start:end], kind),
        subject=_subject(span, head),
        attributed_to=_attribution(sent, span),
        kind=kind or "count",
    )


_TEMPERATURE_WORDS = frozenset(
    "temperature temperatures degree degrees melting boiling freezing weather forecast warm "
    "hot cold heat cool thermometer".split()
)
_PRICE_WORDS = frozenset(
    "cost costs costing price prices priced pay paid pays ticket fee fare budget pricey cheap "
    "expensive spend spent salary wage rent currency".split()
)


def _context_unit(surface: str, sent: Span, unit: str | None, kind: str | None) -> tuple[str | None, str | None]:
    """A one- or two-letter symbol read by its sentence: "12 C" is Celsius and "50 F"
    Fahrenheit among temperature words; "150 kn" is Croatian kuna and "18 R" South African
    rand among price words (elsewhere knots, and a bare letter)."""
    m = re.search(r"\d\s?(C|F|kn|R)$", surface)
    if m is None:
        return unit, kind
    words = {t.lower_ for t in sent}
    symbol = m.group(1)
    if symbol in ("C", "F") and words & _TEMPERATURE_WORDS:
        return ("°C" if symbol == "C" else "°F"), "size"
    if symbol in ("kn", "R") and words & _PRICE_WORDS:
        return ("HRK" if symbol == "kn" else "ZAR"), "money"
    return unit, kind


def _qualifier(text: str, cand: _Candidate, sent: Span) -> tuple[str, str | None]:
    """Qualifier and cue from the figure's symbols and the words just before or after it."""
    parsed = cand.parsed
    if parsed.qualifier == "range":
        return "range", parsed.qualifier_cue
    lead = text[max(sent.start_char, cand.start - 40):cand.start]
    m = _CUE_RE.search(lead)
    if m:
        cue = " ".join(m.group(0).split()).lower()
        if not (qualifier_for(cue) == "exact" and parsed.qualifier != "exact"):
            return qualifier_for(cue), cue
        # "only ~45g": the figure's own symbol says more than an emphasis word before it
    if parsed.qualifier != "exact":
        return parsed.qualifier, parsed.qualifier_cue
    if _ESTIMATED_OF_RE.search(lead):
        return "exact", "estimated"
    tail = text[cand.end:cand.end + 10].lower()
    trailing = next((c for c in TRAILING_CUES if tail.startswith(" " + c)), None)
    if trailing:
        return TRAILING_CUES[trailing], trailing
    return "exact", None


def _multiplies(times: Token) -> bool:
    """Whether "N times" multiplies ("ten times cheaper", "three times as many", "1.4 times
    book value") rather than counts occasions ("mentioned it 11 times in a post", "3 times
    a day", "arrested five times.")."""
    if times.i + 1 >= len(times.doc):
        return False
    following = times.nbor()
    if following.is_punct or following.is_space:
        return False
    if following.lower_ == "as":
        return True
    return not (following.pos_ in ("ADP", "SCONJ", "DET") or following.lower_ in ("per", "each", "every"))


def _count_unit(head: Token, parsed: ParsedFigure) -> tuple[str, str]:
    """Unit and kind of a counted noun: "GPU hour", "month" (duration), "x" for "times"."""
    # The lemmatiser knows irregular plurals ("calories", "viruses", "feet"); acronyms
    # and names keep their spelling.
    # A token may carry glued punctuation ("hours—11x"): only its word part names the unit.
    word = re.match(r"[\w-]*", head.text).group() or head.text
    lemma = head.lemma_ if head.pos_ == "NOUN" and word.islower() and word == head.text else word
    noun = normalise_unit(lemma)
    if parsed.kind == "ordinal":
        return noun, "ordinal"
    if noun == "time":
        return ("x", "multiplier") if _multiplies(head) else ("time", "count")
    compound = [c for c in head.lefts if c.dep_ == "compound" and _is_acronym(c.text) and c.text.isalpha()]
    if noun in TIME_UNITS and compound:
        return f"{singular(compound[-1].text)} {noun}", "duration"
    return noun, "duration" if noun in TIME_UNITS else "count"


def _extend_rate(text: str, span: Span, end: int, unit: str | None) -> tuple[int, str | None]:
    """Take "per million input tokens" into a price's surface and unit; "annually" into its unit."""
    following = text[end:end + 60]
    word = re.match(r"\s+(\w+)", following)
    if word and word.group(1).lower() in _RATE_WORDS and unit:
        return end, f"{unit} per {_RATE_WORDS[word.group(1).lower()]}"
    m = _PER_RE.match(following)
    if not m or not unit or " per " in unit:
        return end, unit
    if re.match(r"(?i)^\s*an?\s", following) and not re.match(
        r"(?i)^\s*an?\s+(?:(?:" + "|".join(TIME_UNITS) + r")(?!\s+(?:earlier|ago|before|later|after)\b)|\w+(?=\s*(?:[.,;:)]|$|\s+(?:and|or|but|in|on|at|for|from|to|with)\b)))\b",
        following,
    ):
        return end, unit  # "$5 a share." is a rate, "$5 a model that..." is not
    words_start = end + m.end()
    nouns = []
    doc = span.doc
    for tok in doc[span[-1].i + 1:min(len(doc), span[-1].i + 8)]:
        if tok.idx < words_start:
            continue
        if tok.pos_ not in ("NOUN", "PROPN", "ADJ") or len(nouns) == 3:
            break
        nouns.append(tok)
    if not nouns:
        return end, unit
    words = [t.text for t in nouns]
    if m.group("scale"):
        words.insert(0, m.group("scale"))
    return nouns[-1].idx + len(nouns[-1].text), per_unit(unit, words)


def _change(span: Span, surface: str = "", kind: str | None = None) -> str | None:
    """up/down when the figure is a movement: "rose 5%", "knocked $500 billion off", "+0.2%".

    The level a movement ends at or starts from ("rose 5% to $84", "up from 2.4 million",
    "was up 19 cents at $58") is not itself a movement, and neither is a noun ("a 19% drop"
    states the size of a drop).
    """
    if kind in ("percent", "money") and surface[:1] in "+-−":
        return "up" if surface[0] == "+" else "down"
    # root, its noun ("125,600 positions"), a preposition, the verb; one more for a
    # second figure joined by "or" ("grew by 125,600 positions or 2.2%").
    chain = [span.root, *span.root.ancestors]
    chain = chain[:4] if span.root.dep_ == "conj" or span.root.head.dep_ == "conj" else chain[:3]
    for tok in chain:
        if tok.pos_ == "ADP" and tok.lower_ in ("to", "from", "at"):
            return None
        lemma = tok.lemma_.lower()
        if tok.pos_ != "NOUN" and lemma in UP_WORDS:
            return "up"
        if tok.pos_ != "NOUN" and lemma in DOWN_WORDS:
            return "down"
        if (tok.pos_ in ("VERB", "AUX") and tok.lemma_ != "be") or tok.dep_ in ("advcl", "relcl", "ccomp", "acl"):
            return _particle_direction(tok, span)  # "trending up 0.2%"; else the verb ends the search
        if tok.pos_ == "AUX":
            return _particle_direction(tok, span)  # "they were up 5pc"
        if tok.pos_ not in ("VERB", "ADP", "ADV", "NUM", "SYM", "NOUN", "PROPN") and tok.i != span.root.i:
            break  # (the figure itself may be tagged anything: "5pc" as an adjective)
    if span[0].i + 1 < len(span.doc) and len(chain) < 4 and span.root.pos_ in ("NUM", "NOUN"):
        chain = [span[0], *span[0].ancestors][:4]  # a count: the number, its noun, "by", the verb
        if len(chain) == 4 and chain[2].lower_ == "by" and chain[3].pos_ == "VERB":
            lemma = chain[3].lemma_.lower()
            return "up" if lemma in UP_WORDS else "down" if lemma in DOWN_WORDS else None
    return None


# Verbs whose "up"/"down" says where a level moved ("trending up", "ended down", "were up");
# in other phrasal verbs the particle means something else ("gave up 517 yards").
_LEVEL_VERBS = frozenset("be trend move go edge tick inch creep head shoot end close open finish trade".split())


def _particle_direction(verb: Token, span: Span) -> str | None:
    """up/down from a particle or adverb before the figure on its verb: "trending up 0.2%",
    "they were up 5pc" (not "up from 2.4 million", where "up" heads the figure's phrase)."""
    if verb.lemma_.lower() not in _LEVEL_VERBS:
        return None
    for child in verb.children:
        if child.dep_ in ("prt", "advmod") and child.lower_ in ("up", "down") and child.i < span.start:
            if child.i == span.start - 1 or not any(t.i >= span.start for t in child.subtree):
                return child.lower_
    return None


def _noun_phrase(tok: Token) -> str:
    """A short phrase for a noun: its compounds, adjectives and possessor, no determiner."""
    parts = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "poss", "nmod") and c.i >= tok.i - 4]
    start = min([p.left_edge.i for p in parts] + [tok.i])
    words = [t for t in tok.doc[start:tok.i + 1] if t.pos_ not in ("DET", "NUM", "SYM") and not t.like_num]
    return " ".join(t.text for t in words).replace(" ’s", "’s").replace(" 's", "'s")


def _subject(span: Span, head: Token | None) -> str | None:
    """What the figure measures, from the parse: the counted noun, the noun it modifies,
    the noun its preposition attaches to, or the subject of a "cost/be" verb."""
    if head is not None:
        return _noun_phrase(head)
    doc, root = span.doc, span.root
    nxt = doc[span.end] if span.end < len(doc) else None
    if nxt is not None and nxt.pos_ == "NOUN" and root.head.i >= nxt.i and root.head.pos_ == "NOUN":
        return _noun_phrase(root.head)
    gov = root.head
    if gov.pos_ == "ADP":
        target = gov.head
        if target.pos_ in ("NOUN", "PROPN"):
            return _noun_phrase(target)
        gov = target
    if gov.pos_ in ("VERB", "AUX"):
        subj = next((c for c in gov.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        obj = next((c for c in gov.children if c.dep_ == "prep" and c.i > span.end), None)
        if obj is not None:
            pobj = next((c for c in obj.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return f"{gov.lemma_} {obj.text} {_noun_phrase(pobj)}"
        if subj is not None and subj.pos_ not in ("PRON",):
            return _noun_phrase(subj)
        return gov.lemma_
    if gov.pos_ in ("NOUN", "PROPN") and gov.i != root.i:
        return _noun_phrase(gov)
    return None


def _attribution(sent: Span, span: Span) -> str | None:
    """Who the sentence credits: the subject of a reporting verb over the figure,
    "according to X", a possessed "X's claim", or "reportedly"."""
    ancestors = [span.root, *span.root.ancestors]
    for tok in ancestors:
        if tok.lemma_.lower() in REPORT_VERBS and tok.pos_ in ("VERB", "NOUN"):
            who = _speaker(tok)
            if who:
                return who
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(tok.doc) and tok.nbor().lower_ == "to":
            pobj = next((c for c in tok.nbor().children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return _speaker_phrase(pobj)
    for tok in sent:
        if tok.lemma_.lower() in REPORT_VERBS and tok.dep_ == "ROOT":
            who = _speaker(tok)
            if who:
                return who
    if any(t.lower_ == "reportedly" for t in sent):
        return "unnamed reports"
    return None


def _speaker(verb: Token) -> str | None:
    if verb.pos_ == "NOUN":
        poss = next((c for c in verb.children if c.dep_ == "poss"), None)
        return _speaker_phrase(poss) if poss is not None else None
    node = verb
    for _ in range(3):
        subj = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return _speaker_phrase(subj)
        if node.head.i == node.i:
            break
        node = node.head
    return None


def _speaker_phrase(tok: Token) -> str | None:
    """The speaker's words, without appositives or clauses; pronouns are not names."""
    if tok.pos_ == "PRON":
        return None
    keep = [t for t in tok.subtree if t.i <= tok.i or t.dep_ in ("prep", "pobj", "compound")]
    keep = [t for t in keep if not (t.dep_ == "case" or t.is_punct)]
    last_ok = tok.i
    for t in tok.subtree:
        if t.i > tok.i and t.dep_ in ("prep", "pobj", "compound"):
            last_ok = t.i
        elif t.i > tok.i:
            break
    words = [t for t in keep if t.i <= last_ok and t.i >= tok.left_edge.i]
    phrase = " ".join(t.text for t in words)
    if words and words[0].pos_ != "PROPN" and not _is_acronym(words[0].text):
        phrase = phrase[:1].lower() + phrase[1:]
    return phrase or None


if not Doc.has_extension("numeric_claims"):
    Doc.set_extension("numeric_claims", default=None)


@Language.factory("numeric_claims", assigns=["doc._.numeric_claims"], requires=["doc.sents"])
def create_numeric_claims(nlp: Language, name: str):
    """The spaCy factory: a component that sets ``doc._.numeric_claims``.

    Registered by the ``spacy_factories`` entry point too, so any English pipeline can
    ``add_pipe("numeric_claims")`` without importing this module first. It reads the
    tagger's, parser's and lemmatizer's annotations where the pipeline has them, and needs
    sentence boundaries (a parser or a sentencizer).
    """
    return NumericClaims()


class NumericClaims:
    """Pipeline component: fills ``doc._.numeric_claims`` with :func:`extract_claims`."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.numeric_claims = extract_claims(doc)
        return doc
