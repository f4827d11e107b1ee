"""Vocabulary: the words and signs figures are written with (scales, number words, currencies, units, qualifier and change cues, report verbs)."""

from __future__ import annotations


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
