"""Filters: what is not a claim (names, versions, ranks, ages, dates, word counts, enumerations)."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from .vocabulary import MONEY_NOUNS, MONEY_VERBS, NAME_LABELS, NUMBER_WORDS, TIME_UNITS
from .grammar import _Candidate, _YEAR_LEAD_RE
from .normalise import _looks_like_year, singular


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
