"""Normalise: figures as written turned into values in base units, units, qualifiers and ranges (parse_number, parse_figure)."""

from __future__ import annotations

import math
import re

from .vocabulary import ATTACHED_UNIT_SYMBOLS, CURRENCY_SYMBOLS, CURRENCY_WORDS, GROUP_WORDS, SCALE_ATTACHED, MULTIPLIER_VERBS, NATIONAL_CURRENCIES, NUMBER_WORDS, PERCENT_UNITS, QUALIFIER_CUES, SCALES, SPELLED_SCALES, SYMBOL_QUALIFIERS, TIME_UNITS, TRAILING_CUES, TRANSLITERATED_SYMBOLS, UNIT_SYMBOLS, UNIT_WORDS, VIDEO_RESOLUTIONS, _ORDINAL_WORDS
from .grammar import CURRENCY_CHARS, FIGURE_RE, _alternatives, FRACTION_RE, ParsedFigure, VAGUE_PLURAL_RE, WORD_NUMBER_RE, _AGE_RE, _CUE_RE, _CURRENCY_WORD_RE, _DIGIT_ORDINAL_RE, _FOLD_RE, _FRACTION_DENOMINATORS, _MILLIONS_AFTER_M_RE, _MULTIPLIER_VERB_RE, _ORDINAL_WORD_RE, _OVERLONG_DIGITS_RE, _SUPERSCRIPT_DIGITS, _UNIT_WORD_RE


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
    if not words or words[0] in SCALES or words[0] in GROUP_WORDS:
        return None  # a bare "million" ("per million tokens") is a denominator, not a figure
    total, group = 0.0, 0.0
    for i, word in enumerate(words):
        if word in ("a", "an") and i == 0 and len(words) > 1:
            group = 1
        elif word in NUMBER_WORDS:
            if group % 100 and not (group % 10 == 0 and group % 100 >= 20 and NUMBER_WORDS[word] < 10):
                return None  # "one-two", "five six": a sequence, not one number
            group += NUMBER_WORDS[word]
        elif word in GROUP_WORDS:
            group = (group or 1) * GROUP_WORDS[word]
        elif word in SPELLED_SCALES:
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
    for part in word.replace("-", " ").split():  # ("7-million-user": the scale in a compound)
        factor *= GROUP_WORDS.get(part.lower()) or SCALES.get(part.lower(), 1.0)
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


_VAGUE_GROUPS = {"tens": 10} | {word + "s": factor for word, factor in GROUP_WORDS.items()}


def vague_range(text: str) -> tuple[float, float] | None:
    """Order-of-magnitude range of a vague plural: "billions" -> (1e9, 1e10)."""
    words = text.lower().split()
    base = 1.0
    for word in words:
        if word == "of":
            continue
        unit = _VAGUE_GROUPS.get(word) or SCALES.get(word[:-1])
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
    if scale_text and unit_text and scale_text + unit_text in UNIT_SYMBOLS:
        # "59.19T Wh", "5k W": a scale letter before a unit symbol is the unit's prefix
        return number, UNIT_SYMBOLS[scale_text + unit_text], "size", 0
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


# Currency signs of one character other than "$" may follow the number.
_TRAILING_CURRENCY = frozenset(CURRENCY_CHARS) - {"$"}


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
        return m.end(), unit, "percent" if unit in PERCENT_UNITS else "size"
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
    for stem, factor in MULTIPLIER_VERBS.items():
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
    rf"(?i)(?<=\d)(?:{_alternatives({w.lower() for w in SCALE_ATTACHED})})\b"
    rf"|\b(?:{_alternatives([*GROUP_WORDS, *SPELLED_SCALES])})\b"
)


def _looks_like_year(surface: str) -> bool:
    return bool(re.fullmatch(r"(?:1[89]|20)\d\d", surface))
