"""Quantity extraction over lines of text, as JSON records: the library behind ``analyze extract``.

Two output shapes:

* ``jsonl``: our own fields, one record per text: ``{"text", "quantities": [{"surface",
  "start_char", "end_char", "value", "value_low", "value_high", "unit", "qualifier",
  "change", "subject", "attributed_to"}]}``;
* ``newsquant``: the prediction format of the NewsQuant scorer (CQE paper, EMNLP 2023):
  values as numbers or ``[low, high]``, units renamed into CQE's unit vocabulary, the
  change as one of ``= ~ up down > <`` and ``referred_concepts`` as a word list.

The mapping to CQE's vocabulary is general (unit names and symbols, not sentences): our
units are ISO currency codes, symbols such as "km" or "GB", and counted nouns; CQE spells
units out in words ("kilometre", "gigabyte", "japanese yen").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Token

from .claims import extract_claims
from .records import Claim

JSONL_FIELDS = (
    "surface", "start_char", "end_char", "value", "value_low", "value_high", "unit",
    "qualifier", "change", "subject", "attributed_to",
)  # fmt: skip
FORMATS = ("jsonl", "newsquant")

# ISO currency codes -> CQE's currency names.
CQE_CURRENCIES = {
    "USD": "dollar", "EUR": "euro", "GBP": "pound sterling", "JPY": "japanese yen",
    "CNY": "chinese yuan", "INR": "indian rupee", "AUD": "australian dollar",
    "CAD": "canadian dollar", "HKD": "hong kong dollar", "NZD": "new zealand dollar",
    "SGD": "singapore dollar", "BRL": "brazilian real", "KRW": "south korean won",
    "RUB": "russian ruble", "MYR": "malaysian ringgit", "ILS": "shekel", "CHF": "swiss franc",
    "ZAR": "south african rand", "MXN": "mexican peso", "SEK": "swedish krona",
    "NOK": "norwegian krone", "DKK": "danish krone", "PHP": "philippine peso",
    "THB": "thai baht", "IDR": "indonesian rupiah", "TRY": "turkish lira",
    "PKR": "pakistani rupee", "NGN": "nigerian naira", "KES": "kenyan shilling",
    "EGP": "egyptian pound", "SAR": "saudi riyal", "AED": "united arab emirates dirham",
    "PLN": "polish zloty", "TWD": "new taiwan dollar", "VND": "vietnamese dong",
    "USX": "cent", "GBX": "penny",
}  # fmt: skip

# Our unit symbols and short forms -> CQE's unit names.
CQE_UNITS = {
    "percent": "percentage", "percentage point": "percentage point", "x": "count",
    "G": "generation wireless", "lb-ft": "foot pound-force", "Nm": "newton metre", "dB": "decibel",
    "year of age": "year of age", "month of age": "month of age", "week of age": "week of age",
    "basis point": "basis point",
    # length, area, volume
    "WAR": "win above replacement", "fraction": "-",
    "km": "kilometre", "m": "metre", "cm": "centimetre", "mm": "millimetre",
    "µm": "micrometre", "nm": "nanometre", "mi": "mile", "ft": "foot", "in": "inch",
    "yd": "yard", "sq ft": "square foot", "m²": "square metre", "km²": "square kilometre",
    "sq mi": "square mile", "acre": "acre", "ha": "hectare",
    "l": "litre", "ml": "millilitre", "gal": "gallon", "pint": "pint", "bbl": "barrel",
    "fl oz": "fluid ounce", "m³": "cubic metre",
    # mass
    "kg": "kilogram", "g": "gram", "mg": "milligram", "lb": "pound-mass", "oz": "ounce",
    "t": "metric ton", "ton": "ton", "st": "stone", "ct": "carat",
    # time
    "s": "second", "ms": "millisecond", "min": "minute", "h": "hour",
    # speed, rates
    "mph": "mile per hour", "km/h": "kilometre per hour", "m/s": "metre per second",
    "mpg": "mile per gallon", "rpm": "revolutions per minute", "kn": "knot",
    # energy, power, electricity
    "Wh": "watt hour", "kWh": "kilowatt hour", "MWh": "megawatt hour",
    "GWh": "gigawatt hour", "TWh": "terawatt hour", "J": "joule", "kJ": "kilojoule",
    "MJ": "megajoule", "cal": "calorie", "kcal": "kilocalorie", "W": "watt",
    "kW": "kilowatt", "MW": "megawatt", "GW": "gigawatt", "hp": "horsepower",
    "bhp": "brake horsepower", "V": "volt", "kV": "kilovolt", "A": "ampere",
    "mAh": "milliampere-hour", "Btu": "british thermal unit",
    # frequency, data
    "Hz": "hertz", "kHz": "kilohertz", "MHz": "megahertz", "GHz": "gigahertz",
    "B": "byte", "KB": "kilobyte", "MB": "megabyte", "GB": "gigabyte", "TB": "terabyte",
    "PB": "petabyte", "Mbps": "megabit per second", "Gbps": "gigabit per second",
    "MB/s": "megabyte per second", "GB/s": "gigabyte per second",
    "TB/s": "terabyte per second",
    # temperature, angle, pressure
    "°C": "celsius", "°F": "fahrenheit", "°": "degree", "K": "kelvin",
    "psi": "pound-force per square inch", "ksi": "kilopound per square inch",
    "Pa": "pascal", "kPa": "kilopascal", "MPa": "megapascal", "GPa": "gigapascal",
    "bar": "bar", "ppm": "part per million", "ppb": "parts-per-billion",
    "Gt": "gigaton", "Mt": "megaton",
}  # fmt: skip

# Our qualifiers -> NewsQuant's change labels (a movement, up/down, wins over them).
CQE_CHANGE = {
    "exact": "=", "range": "=", "approx": "~", "over": ">", "at_least": ">",
    "under": "<", "at_most": "<",
}  # fmt: skip

# Words that carry no concept: determiners, pronouns, auxiliaries.
_CONCEPT_STOP = frozenset(
    "the a an of this that these those its his her their our my your it he she they we i "
    "be is are was were been per".split()
)


def read_texts(lines: Iterable[str]) -> Iterator[str]:
    """One text per input line; a line holding a JSON object with "text" gives that text.

    Trailing newlines are dropped; blank lines are kept (as empty texts) so that output
    line N always answers input line N.
    """
    for line in lines:
        line = line.rstrip("\r\n")
        if line.lstrip().startswith("{"):
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if isinstance(record, dict) and isinstance(record.get("text"), str):
                yield record["text"]
                continue
        yield line


def extract(
    nlp: Language, texts: Iterable[str], all_quantities: bool = False, batch_size: int = 256
) -> Iterator[tuple[Doc, list[Claim]]]:
    """(parsed doc, quantities) for each text, in order, parsed in batches with ``nlp.pipe``.

    Without ``all_quantities`` only claims (what the ``numeric_claims`` component keeps);
    with it, every quantity, including pronoun-like counts such as "one of the people".
    """
    # The component would run the claims-only pass; call the extractor directly instead.
    disable = [name for name in ("numeric_claims",) if name in nlp.pipe_names]
    for doc in nlp.pipe(texts, batch_size=batch_size, disable=disable):
        yield doc, extract_claims(doc, all_quantities=all_quantities)


def claim_record(claim: Claim) -> dict:
    """Our JSON fields of one quantity."""
    return {field: getattr(claim, field) for field in JSONL_FIELDS}


def jsonl_record(text: str, claims: list[Claim]) -> dict:
    """The ``jsonl`` output record of one text."""
    return {"text": text, "quantities": [claim_record(c) for c in claims]}


def newsquant_record(doc: Doc, claims: list[Claim]) -> dict:
    """The ``newsquant`` output record of one parsed text: what the NewsQuant scorer reads."""
    quantities = [newsquant_quantity(c, doc) for c in claims if _in_cqe_schema(c)]
    return {"text": doc.text, "quantities": quantities}


def _in_cqe_schema(claim: Claim) -> bool:
    """CQE's schema has quantities written as numbers: ranks, calendar years and
    multiplier verbs ("doubled", "tripling") are not among them."""
    if claim.kind == "multiplier" and not re.search(r"\d|times|fold", claim.surface.lower()):
        return False
    return claim.kind not in ("ordinal", "year")


def newsquant_quantity(claim: Claim, doc: Doc | None = None) -> dict:
    """One quantity in NewsQuant's prediction format; concepts come from the parse when
    ``doc`` is given, else from the claim's subject."""
    if claim.value_low is not None and claim.value_high is not None:
        value: float | list[float] = [claim.value_low, claim.value_high]
    else:
        value = claim.value
    return {
        "value": value,
        "normalized_unit": cqe_unit(claim.unit) if doc is None else cqe_unit(_cqe_counted(doc, claim)),
        "change": cqe_change(claim.qualifier, claim.change),
        "referred_concepts": referred_concepts(doc, claim) if doc is not None else concept_words(claim),
        "surface": claim.surface,
    }


def _cqe_counted(doc: Doc, claim: Claim) -> str | None:
    """A counted thing as CQE names it: the whole noun phrase after the number, lemmatised
    and lower-case ("700 heart transplants" -> "heart transplant"); other units unchanged."""
    if claim.kind != "count" or not claim.unit or " per " in claim.unit:
        return claim.unit
    span = doc.char_span(claim.start_char, claim.end_char, alignment_mode="expand")
    if span is None:
        return claim.unit
    numbers = [t.i for t in span if t.like_num or t.pos_ == "NUM"]
    words = [t for t in span if numbers and t.i > numbers[-1] and t.pos_ in ("NOUN", "PROPN", "ADJ")]
    if len(words) < 2 or words[-1].lemma_.lower() != claim.unit.lower():
        return claim.unit
    return " ".join(t.lemma_.lower() for t in words)


def cqe_change(qualifier: str | None, change: str | None) -> str:
    """NewsQuant's change label: a movement (up/down) first, else the qualifier's symbol."""
    if change in ("up", "down"):
        return change
    return CQE_CHANGE.get(qualifier or "exact", "=")


def cqe_unit(unit: str | None) -> str:
    """Our unit in CQE's vocabulary: "USD" -> "dollar", "km" -> "kilometre", "GPU" -> "GPU".

    Rates map each side ("USD per barrel" -> "dollar per barrel"); counted nouns stay
    themselves; no unit is "-".
    """
    if not unit:
        return "-"
    if " per " in unit:
        numerator, _, denominator = unit.partition(" per ")
        denominator = re.sub(r"^1[KMB]\s+", "", denominator)  # "per 1M tokens": the noun
        return f"{cqe_unit(numerator)} per {cqe_unit(denominator)}"
    if unit in CQE_CURRENCIES:
        return CQE_CURRENCIES[unit]
    if unit in CQE_UNITS:
        return CQE_UNITS[unit]
    return unit


def concept_words(claim: Claim) -> list[str]:
    """The words of what the quantity refers to (its subject), without function words."""
    words = re.findall(r"[\w'’-]+", claim.subject or "")
    return [w for w in words if w.lower() not in _CONCEPT_STOP]


def format_record(doc: Doc, claims: list[Claim], fmt: str) -> str:
    """One output line (JSON, no trailing newline) in the chosen format."""
    record = newsquant_record(doc, claims) if fmt == "newsquant" else jsonl_record(doc.text, claims)
    return json.dumps(record, ensure_ascii=False)


# Dependencies that lead from a figure up to the verb of its clause.
_CLIMB_DEPS = frozenset(
    "pobj prep dobj attr npadvmod advmod nummod quantmod appos conj acomp oprd dative "
    "advcl pcomp amod compound nmod".split()
)
# Dependencies by which a figure modifies a noun: "$800 stone pizza oven", "5kW system".
_MODIFIER_DEPS = frozenset("nummod compound amod quantmod nmod npadvmod".split())
_PHRASE_DEPS = frozenset("compound amod poss nmod".split())


def referred_concepts(doc: Doc, claim: Claim) -> list[str]:
    """What a quantity refers to, as words from the parse (CQE's "referred concepts").

    The noun the figure modifies ("a $800 pizza oven" -> pizza oven), else the subject
    of the clause the figure sits in ("the DAX fell 0.4%" -> DAX) together with a verb's
    object ("get the ottoman for $149") and an "of" phrase on the figure ("$12m of claims").
    A counted thing that is the unit itself ("one man", "ten users") refers to nothing more.
    """
    span = doc.char_span(claim.start_char, claim.end_char, alignment_mode="expand")
    if span is None:
        return []
    inside = set(range(span.start, span.end))
    anchor = span.root
    phrases: list[Token] = []
    if anchor.dep_ in _MODIFIER_DEPS and anchor.head.pos_ in ("NOUN", "PROPN") and anchor.head.i not in inside:
        phrases.append(anchor.head)
    else:
        phrases += [c for c in anchor.children if c.dep_ == "prep" and c.lower_ == "of" and c.i not in inside]
        node = anchor
        for _ in range(6):
            if node.pos_ in ("VERB", "AUX") or node.dep_ not in _CLIMB_DEPS or node.head is node:
                break
            node = node.head
        if node.pos_ in ("VERB", "AUX"):
            for child in node.children:
                if child.i in inside or child.pos_ == "PRON":
                    continue
                if child.dep_ in ("nsubj", "nsubjpass") or (child.dep_ == "dobj" and anchor.dep_ != "dobj"):
                    phrases.append(child)
        elif node.pos_ in ("NOUN", "PROPN") and node.i not in inside:
            phrases.append(node)
    unit = (claim.unit or "").lower()
    words: list[str] = []
    for head in phrases:
        for tok in _phrase_tokens(head):
            if tok.i in inside or tok.like_num or tok.is_punct or tok.lower_ in _CONCEPT_STOP:
                continue
            if tok.lemma_.lower() == unit:
                continue  # "one of the founders": the counted thing is the unit, not a concept
            if tok.text not in words:
                words.append(tok.text)
    return words


def _phrase_tokens(head: Token) -> list[Token]:
    """A noun and its compounds, adjectives and possessor; for "of" the object's phrase."""
    if head.dep_ == "prep":
        objects = [c for c in head.children if c.dep_ == "pobj"]
        return [t for o in objects for t in _phrase_tokens(o)]
    left = [t for c in head.lefts if c.dep_ in _PHRASE_DEPS for t in c.subtree]
    return sorted([*left, head], key=lambda t: t.i)
