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

What lives where (each module imports only those above it):

- ``vocabulary``: the tables built from ``vocabulary.toml`` (scale words, number words,
  currencies, units, qualifier and change cues, reporting verbs);
- ``units``: dimensions and conversions of physical units (pint);
- ``display``: :func:`format_figure`, figures written back as news writes them;
- ``grammar``: the patterns of a figure as written, :class:`ParsedFigure`, a candidate;
- ``normalise``: :func:`parse_number`, :func:`parse_figure` and their helpers;
- ``subjects``: the noun phrase a figure measures, the concepts it refers to, and who a
  sentence credits;
- ``filters``: what is not a claim (names, versions, ranks, ages, dates, word counts);
- ``measure``: a claim built from its candidate: unit in context, qualifier, change;
- ``scan``: :func:`extract_claims` over a parsed doc (ranges, quoted passages, credit);
- ``component``: the ``numeric_claims`` spaCy factory and ``Doc._.numeric_claims``;
- ``credit``: credit across an article (:func:`settle_credit`: credits named by their
  source, credits that point back resolved, reported passages carried).
"""

from .vocabulary import (  # noqa: F401
    ATTACHED_UNIT_SYMBOLS,
    CQE_NAMES,
    CURRENCY_SIGNS,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    DOWN_WORDS,
    MONEY_NOUNS,
    MONEY_VERBS,
    NAME_LABELS,
    NATIONAL_CURRENCIES,
    NUMBER_WORDS,
    QUALIFIER_CUES,
    REPORT_VERBS,
    SCALES,
    SYMBOL_QUALIFIERS,
    TIME_UNITS,
    TRAILING_CUES,
    TRANSLITERATED_SYMBOLS,
    UNIT_SYMBOLS,
    UNIT_WORDS,
    UP_WORDS,
    VIDEO_RESOLUTIONS,
)
from .grammar import (  # noqa: F401
    DATE_RE,
    FIGURE_HINT_RE,
    FIGURE_RE,
    figure_safe_cut,
    FRACTION_RE,
    MAX_FIGURE_DIGITS,
    ParsedFigure,
    SLASH_FRACTION_RE,
    VAGUE_PLURAL_RE,
    WORD_NUMBER_RE,
)
from .normalise import (  # noqa: F401
    bounds,
    cue_before,
    currency_code,
    finite_values,
    fraction_value,
    multiplier_value,
    normalise_unit,
    parse_figure,
    parse_number,
    per_unit,
    qualifier_for,
    scale_factor,
    singular,
    unit_after,
    unit_of_symbol,
    vague_range,
)

# What needs spaCy (the parse-reading modules) is imported on first use, so the normaliser,
# tracing and `analyze trace` load without it.
_LAZY = {
    "concept_words": "subjects",
    "referred_concepts": "subjects",
    "needs_entities": "filters",
    "extract_claims": "scan",
    "quote_blocks": "scan",
    "create_numeric_claims": "component",
    "NumericClaims": "component",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
