"""Measure: a claim built from its candidate and sentence: its unit in context, qualifier, counted noun, rate and change."""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from ..records import Claim
from .vocabulary import DOWN_WORDS, LEVEL_VERBS, PRICE_WORDS, RATE_WORDS, RESTATEMENT_NOUNS, TEMPERATURE_WORDS, TIME_UNITS, TRAILING_CUES, UP_WORDS
from .grammar import ParsedFigure, _CUE_RE, _Candidate, _ESTIMATED_OF_RE, _PER_RE
from .normalise import _is_acronym, bounds, normalise_unit, per_unit, qualifier_for, singular
from .filters import _counted_head, _is_age, _is_spent, _of_unit
from .subjects import _attribution, _scope, _subject


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
        scope=_scope(span),
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
    if symbol in ("C", "F") and words & TEMPERATURE_WORDS:
        return ("°C" if symbol == "C" else "°F"), "size"
    if symbol in ("kn", "R") and words & PRICE_WORDS:
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
    if re.fullmatch(r"(?i)to-(?:1|one)", word):
        return "x", "multiplier"  # "10-to-1": a ratio, the multiple "10 times" states
    if noun in RESTATEMENT_NOUNS and head.tag_ == "NN" and parsed.value != 1:
        # "the 40 figure", "his 7 million estimate": a singular noun after a number other
        # than one names the number restated, not what it counts ("eight estimates" counts)
        return None, "count"
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
    if word and word.group(1).lower() in RATE_WORDS and unit:
        return end, f"{unit} per {RATE_WORDS[word.group(1).lower()]}"
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


def _particle_direction(verb: Token, span: Span) -> str | None:
    """up/down from a particle or adverb before the figure on its verb: "trending up 0.2%",
    "they were up 5pc" (not "up from 2.4 million", where "up" heads the figure's phrase)."""
    if verb.lemma_.lower() not in LEVEL_VERBS:
        return None
    for child in verb.children:
        if child.dep_ in ("prt", "advmod") and child.lower_ in ("up", "down") and child.i < span.start:
            if child.i == span.start - 1 or not any(t.i >= span.start for t in child.subtree):
                return child.lower_
    return None
