"""Quantity extraction over lines of text, as JSON records: the library behind ``analyze extract``.

Two output shapes:

* ``jsonl``: our own fields, one record per text: ``{"text", "quantities": [{"surface",
  "start_char", "end_char", "value", "value_low", "value_high", "unit", "qualifier",
  "change", "subject", "scope", "attributed_to"}]}`` (``scope``: the places and owners the
  figure is said of);
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
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc, Token

from .claims import CQE_NAMES, DOWN_WORDS, SCALES, UNIT_SYMBOLS, UP_WORDS, concept_words, cue_before, extract_claims, needs_entities, qualifier_for, referred_concepts, unit_after  # noqa: F401  (needs_entities: re-exported)
from .claims.subjects import phrase_tokens
from .records import Claim

JSONL_FIELDS = (
    "surface", "start_char", "end_char", "value", "value_low", "value_high", "unit",
    "qualifier", "change", "subject", "scope", "attributed_to",
)  # fmt: skip
FORMATS = ("jsonl", "newsquant")

# Our qualifiers -> NewsQuant's change labels (a movement, up/down, wins over them).
CQE_CHANGE = {
    "exact": "=", "range": "=", "approx": "~", "over": ">", "at_least": ">",
    "under": "<", "at_most": "<",
}  # fmt: skip


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
    # NER is about half of the model's time but matters only to docs with a number before
    # a capitalised word or an age after a name: it runs on those docs alone, afterwards
    # (en_core_web_sm's NER has its own token vectors, so it needs no other component).
    ner = nlp.get_pipe("ner") if "ner" in nlp.pipe_names else None
    disable = [name for name in ("numeric_claims", "ner") if name in nlp.pipe_names]
    docs = nlp.pipe(texts, batch_size=batch_size, disable=disable)
    for batch in iter(lambda: list(islice(docs, batch_size)), []):
        if ner is not None:
            list(ner.pipe([doc for doc in batch if needs_entities(doc)], batch_size=batch_size))
        for doc in batch:
            yield doc, extract_claims(doc, all_quantities=all_quantities)


def claim_record(claim: Claim) -> dict:
    """Our JSON fields of one quantity."""
    return {field: getattr(claim, field) for field in JSONL_FIELDS}


def jsonl_record(text: str, claims: list[Claim]) -> dict:
    """The ``jsonl`` output record of one text."""
    return {"text": text, "quantities": [claim_record(c) for c in claims]}


def newsquant_record(doc: Doc, claims: list[Claim]) -> dict:
    """The ``newsquant`` output record of one parsed text: what the NewsQuant scorer reads."""
    figures = _figure_tokens(doc, claims)
    text = doc.text
    quantities, previous = [], None
    for claim in claims:
        if not _in_cqe_schema(claim):
            continue
        quantity = newsquant_quantity(claim, doc, figures)
        if claim.qualifier == "range" and _approximate_range(text, claim):
            quantity["change"] = "~"
        if previous is not None and _RESTATED_RE.fullmatch(text[previous[0].end_char:claim.start_char]):
            quantity["change"] = previous[1]["change"]  # "more than 100 km (60 miles)": same bound
        if quantity["normalized_unit"] == "-" and claim.kind == "count":
            quantity["normalized_unit"] = _elided_unit(doc, claim, quantities)
        quantities.append(quantity)
        previous = claim, quantity
    _index_levels(doc, quantities)
    return {"text": text, "quantities": quantities}


def _index_levels(doc: Doc, quantities: list[dict]) -> None:
    """A plain number in a sentence that moves something by points is a level in points:
    "(16369.03 up 58.06 points)", "lost 162.31 points, or 2.14%, to fall to 7,425.81"."""
    sentences = {}
    for quantity in quantities:
        span = doc.char_span(quantity["start_char"], quantity["start_char"] + 1, alignment_mode="expand")
        sentences[id(quantity)] = span.sent.start if span is not None else None
    pointed = {sentences[id(q)] for q in quantities if q["normalized_unit"] == "point"}
    for quantity in quantities:
        if (quantity["normalized_unit"] == "-" and sentences[id(quantity)] in pointed
                and re.fullmatch(r"\d[\d,]*(?:\.\d+)?", quantity["surface"])):  # fmt: skip
            quantity["normalized_unit"] = "point"


def _elided_unit(doc: Doc, claim: Claim, earlier: list[dict]) -> str:
    """The unit a bare number leaves unsaid because a parallel figure said it: "435 homes
    by open sale and 187 by tender", "3.9 million headsets, up from 2.4 million", "the
    highest is 84.75 cents, the lowest 74.07"; "-" when none did. Parallel: joined by a
    conjunction, or governed by the same verb, or the same role in two joined clauses. A
    level after a percentage move is not a percentage ("rose 0.7% to 6,327.80")."""
    span = doc.char_span(claim.start_char, claim.end_char, alignment_mode="expand")
    if span is None:
        return "-"
    root = span.root
    verb = _clause_verb(root)
    for quantity in reversed(earlier):
        unit = quantity["normalized_unit"]
        if unit == "-" or unit.startswith("% ") or unit.startswith("percentage"):
            continue
        other = doc.char_span(quantity["start_char"], quantity["start_char"] + len(quantity["surface"]),
                              alignment_mode="expand")  # fmt: skip
        if other is None or other.sent.start != span.sent.start:
            continue
        other_verb = _clause_verb(other.root)
        if (
            (root.dep_ == "conj" and other.start <= root.head.i < other.end)
            or (root.head.lower_ == "including" and other.start <= root.head.head.i < other.end)
            or (verb is not None and other_verb is not None and verb.i == other_verb.i)
            or (verb is not None and other_verb is not None and root.dep_ == other.root.dep_
                and verb.dep_ in ("conj", "advcl") and verb.head.i == other_verb.i)
        ):  # fmt: skip
            return unit
    return "-"


def _clause_verb(tok: Token) -> Token | None:
    """The verb (or auxiliary) a figure's phrase hangs from, through nouns and prepositions."""
    node = tok
    for _ in range(6):
        if node.pos_ in ("VERB", "AUX"):
            return node
        if node.head.i == node.i:
            return None
        node = node.head
    return None


# The text between a figure and its restatement in other units: "296 hp (224 kW / 300 PS)".
_RESTATED_RE = re.compile(r"\s*[(/]\s*")


def _approximate_range(text: str, claim: Claim) -> bool:
    """A range given as approximate: "about 14-18 mpg", "~25 – 40min" (NewsQuant: "~")."""
    if claim.surface[:1] in "~≈":
        return True
    return qualifier_for(cue_before(text, claim.start_char)) == "approx"


def _figure_tokens(doc: Doc, claims: list[Claim]) -> frozenset[int]:
    """The token indices of all quantities of a doc: none of them is another's concept
    ("15.5 cm (6.1 inches)": the centimetres are not what the inches measure); of a count
    only the number, since the counted thing can be a concept ("five launches offer 435
    homes")."""
    indices: set[int] = set()
    for claim in claims:
        span = doc.char_span(claim.start_char, claim.end_char, alignment_mode="expand")
        if span is not None and claim.kind == "count":
            indices.update(_leading_number(span))  # "five launches" may be what another figure is about
        elif span is not None:
            indices.update(range(span.start, span.end))
    return frozenset(indices)


def _in_cqe_schema(claim: Claim) -> bool:
    """CQE's schema has quantities written as numbers: ranks, calendar years and
    multiplier verbs ("doubled", "tripling") are not among them."""
    if claim.kind == "multiplier" and not re.search(r"\d|times|fold", claim.surface.lower()):
        return False
    return claim.kind not in ("ordinal", "year")


def newsquant_quantity(claim: Claim, doc: Doc | None = None, figures: frozenset[int] = frozenset()) -> dict:
    """One quantity in NewsQuant's prediction format; concepts come from the parse when
    ``doc`` is given (``figures``: token indices of the doc's quantities), else from the
    claim's subject."""
    if claim.value_low is not None and claim.value_high is not None:
        value: float | list[float] = [claim.value_low, claim.value_high]
    else:
        value = claim.value
    unit = cqe_unit(claim.unit) if doc is None else cqe_unit(_cqe_counted(doc, claim))
    concepts = referred_concepts(doc, claim, figures) if doc is not None else concept_words(claim)
    unit_words = set(unit.lower().split())
    return {
        "value": value,
        "normalized_unit": unit,
        "change": cqe_change(claim.qualifier, claim.change if doc is None or not _moved_by_verb(doc, claim) else
                             "verb-" + claim.change, claim.qualifier_cue),
        # a word of the unit phrase ("65 snaps of man coverage") is not also a concept
        "referred_concepts": [w for w in concepts if w.lower() not in unit_words],
        "surface": claim.surface,
        "start_char": claim.start_char,
    }


def _cqe_counted(doc: Doc, claim: Claim) -> str | None:
    """A counted thing as CQE names it: the whole noun phrase of the counted noun, with the
    modifiers before the number ("the top three seeds" -> "top seed", "two new 737 Max
    jets" -> "new 737 Max jet") and an "of" phrase ("65 snaps of man coverage"); for "one of
    the best speakers" the phrase after "of" ("good speaker"); for a fraction "%" and what
    it is a part of ("one fourth of the US population" -> "% US population"). Other units
    are unchanged."""
    span = doc.char_span(claim.start_char, claim.end_char, alignment_mode="expand")
    if span is None:
        return claim.unit
    if claim.kind == "fraction" and re.search(r"\d\s?[/⁄]", claim.surface):
        whole = _of_object(span.root)  # "1/16 of a US pint": a measure, the pint its unit
        return whole.lemma_.lower() if whole is not None else "-"
    if claim.kind == "fraction" or claim.surface.lower() in ("half", "a half"):
        whole = _of_object(span.root) or _fraction_whole(span)
        return "% " + ((_unit_phrase(phrase_tokens(whole), span) if whole is not None else "") or "-")
    if claim.kind != "count" or " per " in (claim.unit or "") or claim.unit in CQE_NAMES:
        return claim.unit  # ("300 PS": a unit symbol, not a counted phrase)
    of_noun = _of_object(span.root)
    if of_noun is not None and any(c.dep_ == "nummod" for c in of_noun.children):
        # "280 million of the 1.5 billion shekels": a part of another figure, in its unit
        measure = unit_after(" " + of_noun.text)
        return measure[1] if measure else of_noun.lemma_.lower()
    if of_noun is not None and (claim.unit is None or of_noun.lemma_.lower() == claim.unit.lower()):
        # "one of the people responsible for ...": the whole phrase, as CQE gives it
        tokens = [t for t in of_noun.subtree if not _in_listing(t, of_noun) and not _in_clause(t, of_noun)]
        return _unit_phrase(tokens, span) or claim.unit
    head = next((t for t in span if claim.unit and t.lemma_.lower() == claim.unit.lower()
                 and t.pos_ in ("NOUN", "PROPN")), None)  # fmt: skip
    if head is None:
        return claim.unit
    tokens = [t for c in head.lefts if c.dep_ != "det" for t in c.subtree] + [head]
    of_noun = _of_object(head)
    if of_noun is not None and of_noun.pos_ == "NOUN":
        tokens += phrase_tokens(of_noun)
    return _unit_phrase(tokens, span) or claim.unit


# Words that never belong to a CQE unit phrase ("the most spectacular catches").
_UNIT_SKIP_POS = frozenset("DET ADP PART ADV PUNCT PRON AUX CCONJ SCONJ SYM SPACE".split())


def _unit_phrase(tokens: list[Token], span) -> str:
    """CQE's spelling of a counted phrase: content words without the figure, nouns and
    adjectives lemmatised ("best" -> "good"), names as written, hyphenated words kept."""
    number = _leading_number(span)
    parts: list[str] = []
    previous = None
    for tok in sorted(tokens, key=lambda t: t.i):
        if tok.i in number or tok.pos_ in _UNIT_SKIP_POS and tok.text != "-":
            continue
        if tok.text == "-" and not (previous is not None and previous.i == tok.i - 1 and not previous.whitespace_):
            continue
        glued = previous is not None and previous.i == tok.i - 1 and (not previous.whitespace_)
        if tok.pos_ == "VERB" and tok.dep_ == "amod" and not glued:
            continue  # "a combined 435 homes", "300 recorded songs": a participle, not the thing
        word = tok.lemma_.lower() if tok.pos_ in ("NOUN", "ADJ", "VERB") else tok.text
        if word in ("most", "more", "least", "other", "many", "much", "few"):
            continue
        glued = previous is not None and previous.i == tok.i - 1 and (not previous.whitespace_)
        parts.append(word if not parts or not glued else parts.pop() + word)
        previous = tok
    return " ".join(p for p in parts if p.strip("-"))


def _leading_number(span) -> set[int]:
    """The token indices of the number a figure starts with ("two" in "two new 737 Max
    jets", "1.5 million" in "1.5 million homes"), symbols and qualifiers included."""
    indices: set[int] = set()
    joined = False
    for tok in span:
        numeric = tok.pos_ in ("NUM", "SYM") or any(c.isdigit() for c in tok.text)
        numeric = numeric or (tok.like_num and (joined or not indices)) or (joined and tok.lower_ in SCALES)
        if not (numeric or tok.lower_ in ("a", "an", "-", "~")) and indices:
            # the high end of a range: "four to five thousand people", "1 to 2 thousand people"
            if tok.lower_ in ("to", "–", "and", "or") and tok.i + 1 < span.end and span.doc[tok.i + 1].like_num:
                joined = True
                indices.add(tok.i)
                continue
            break
        indices.add(tok.i)
    return indices


def _of_object(tok: Token) -> Token | None:
    """The object of an "of" phrase on a token, when it is a noun: "one of the founders"."""
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.pos_ in ("NOUN", "PROPN"):
                    return pobj
    return None


def _fraction_whole(span) -> Token | None:
    """The noun a fraction stands before without "of": "half the condos"."""
    nxt = span.doc[span.end] if span.end < len(span.doc) else None
    if nxt is not None and nxt.pos_ == "DET" and nxt.head.pos_ in ("NOUN", "PROPN") and nxt.head.i > span.end:
        return nxt.head
    return None


def _in_clause(tok: Token, top: Token) -> bool:
    """``tok`` is in a clause on a noun under ``top``: "the conversations [that I had]",
    "students [studying at ...]" describe the thing, they do not name it (CQE keeps an
    infinitive: "one of the largest dinosaurs to ever live")."""
    for node in [tok, *tok.ancestors]:
        if node.i == top.i:
            return False
        if node.dep_ in ("relcl", "acl", "advcl"):
            # an infinitive says what the thing is for: "the best catches ever to grace a match"
            return not any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
    return False


def _in_listing(tok: Token, top: Token) -> bool:
    """``tok`` is in an "including ..." phrase under ``top``: examples, not the phrase."""
    for node in [tok, *tok.ancestors]:
        if node.i == top.i:
            return False
        if node.lower_ in ("including", "such", "like"):
            return True
    return False


def cqe_change(qualifier: str | None, change: str | None, cue: str | None = None) -> str:
    """NewsQuant's change label: a bound or approximation first ("lost more than 60%" is
    ">", "up about 15%" is "~"), else a movement (up/down), else "=". A movement a verb
    states ("verb-up": "rose about 1.5%", "advancing about 1.7 percent") beats an
    approximation; a bound still beats it ("lost more than 60%")."""
    verbal = bool(change and change.startswith("verb-"))
    change = change[5:] if verbal else change
    label = CQE_CHANGE.get(qualifier or "exact", "=")
    if cue and "estimated" in cue:
        label = "~"  # "an estimated 5 million": NewsQuant counts estimates as approximate
    if (label == "=" or (label == "~" and verbal)) and change in ("up", "down"):
        return change
    return label


def _moved_by_verb(doc: Doc, claim: Claim) -> bool:
    """The figure's movement comes from a movement verb over it ("rose about 1.5%",
    "will increase by around 1 percent"), not from "be up"/"be down"."""
    if claim.change not in ("up", "down"):
        return False
    span = doc.char_span(claim.start_char, claim.end_char, alignment_mode="expand")
    if span is None:
        return False
    words = UP_WORDS if claim.change == "up" else DOWN_WORDS
    for tok in [span.root, *span.root.ancestors][:4]:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in words and tok.lower_ not in ("up", "down"):
            return True
    return False


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
        denominator = UNIT_SYMBOLS.get(denominator.rstrip("."), denominator)  # "per sq m." 
        return f"{cqe_unit(numerator)} per {cqe_unit(denominator)}"
    return CQE_NAMES.get(unit, unit)


def format_record(doc: Doc, claims: list[Claim], fmt: str) -> str:
    """One output line (JSON, no trailing newline) in the chosen format."""
    record = newsquant_record(doc, claims) if fmt == "newsquant" else jsonl_record(doc.text, claims)
    return json.dumps(record, ensure_ascii=False)
