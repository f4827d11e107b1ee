"""Subjects and credit: the noun phrase a figure measures and who the sentence credits it to."""

from __future__ import annotations

from spacy.tokens import Span, Token

from .vocabulary import REPORT_VERBS
from .normalise import _is_acronym


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
