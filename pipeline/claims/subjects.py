"""Subjects and credit: what a figure is about and who the sentence credits it to.

Two readings of "about": :func:`_subject`, the short noun phrase stored as a claim's
``subject`` ("training cost"), and :func:`referred_concepts`, every word of the phrases the
figure refers to across its clause (the noun it modifies, its clause's subject with
pronouns resolved, the verb's object), as the NewsQuant scorer counts them.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from ..records import Claim

from .vocabulary import CURRENCY_SYMBOLS, PLACE_LABELS, REPORT_VERBS, UNIT_SYMBOLS
from .normalise import _is_acronym


def _noun_phrase(tok: Token) -> str:
    """A short phrase for a noun: its compounds, adjectives and possessor, no determiner."""
    parts = [c for c in tok.lefts if c.dep_ in ("compound", "amod", "poss", "nmod") and c.i >= tok.i - 4]
    start = min([p.left_edge.i for p in parts] + [tok.i])
    words = [t for t in tok.doc[start:tok.i + 1] if t.pos_ not in ("DET", "NUM", "SYM") and not t.like_num]
    return " ".join(t.text for t in words).replace(" ’s", "’s").replace(" 's", "'s")


def _subject(span: Span, head: Token | None) -> str | None:
    """What the figure measures, from the parse, as a noun phrase: the counted noun, the
    noun it modifies, the noun its preposition attaches to, what it is a share of ("7% of
    positions"), the object of its clause's verb ("boost global GDP by 7%"), or the subject
    of a "cost/be" verb. Never a bare verb or a symbol: None when the parse names no noun."""
    if head is not None:
        return _noun_phrase(head)
    doc, root = span.doc, span.root
    share = _share_of(span)
    if share is not None:
        return _noun_phrase(share)
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
        obj = next((c for c in gov.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")
                    and not span.start <= c.i < span.end), None)  # fmt: skip
        if obj is not None:
            return _noun_phrase(obj)
        after = next((c for c in gov.children if c.dep_ == "prep" and c.i >= span.end), None)
        pobj = next((c for c in after.children if c.dep_ == "pobj"), None) if after is not None else None
        if pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
            return _noun_phrase(pobj)
        if subj is not None and subj.pos_ not in ("PRON",) and not span.start <= subj.i < span.end:
            return _noun_phrase(subj)
        return None
    if gov.pos_ in ("NOUN", "PROPN") and gov.i != root.i:
        return _noun_phrase(gov)
    return None


def _share_of(span: Span) -> Token | None:
    """The noun a share is of: "7% of positions in the US", "two-thirds of all jobs" (not
    a pronoun: "7% of it")."""
    if not any(t.text in ("%", "percent", "per", "pc") or t.lower_.startswith(("third", "quarter", "half", "fifth"))
               for t in span):  # fmt: skip
        return None
    for tok in span:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ == "of" and not span.start <= prep.i < span.end:
                pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
                    return pobj
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
                return _speaker_phrase(_source_behind(pobj))
    for tok in sent:
        if tok.lemma_.lower() in REPORT_VERBS and tok.dep_ == "ROOT":
            who = _speaker(tok)
            if who:
                return who
    if any(t.lower_ == "reportedly" for t in sent):
        return "unnamed reports"
    return None


def _source_behind(tok: Token) -> Token:
    """Who is behind a credited thing: the agent of "estimates shared in a report published
    by the investment bank", "data from the Labor Department", "a deeper look by
    SemiAnalysis"; the thing itself when nobody is named behind it."""
    node = tok
    for _ in range(4):
        behind = next(
            (p for t in node.subtree if t.i > node.i for p in [t]
             if (p.dep_ == "agent" or (p.dep_ == "prep" and p.lower_ in ("by", "from")))
             and any(c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN") for c in p.children)),
            None,
        )  # fmt: skip
        if behind is None:
            return node
        node = next(c for c in behind.children if c.dep_ == "pobj" and c.pos_ in ("NOUN", "PROPN"))
    return node


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


# --- the concepts a figure refers to

# Words that carry no concept: determiners, pronouns, auxiliaries.
_CONCEPT_STOP = frozenset(
    "the a an of this that these those its his her their our my your it he she they we i "
    "be is are was were been per".split()
)


def concept_words(claim: Claim) -> list[str]:
    """The words of what the quantity refers to (its subject), without function words."""
    words = re.findall(r"[\w'’-]+", claim.subject or "")
    return [w for w in words if w.lower() not in _CONCEPT_STOP]


# Dependencies that lead from a figure up to the verb of its clause.
_CLIMB_DEPS = frozenset(
    "pobj prep dobj attr npadvmod advmod nummod quantmod appos conj acomp oprd dative "
    "pcomp amod compound nmod nsubj nsubjpass agent".split()
)
# Dependencies by which a figure modifies a noun: "$800 stone pizza oven", "5kW system".
_MODIFIER_DEPS = frozenset("nummod compound amod quantmod nmod npadvmod".split())
_PHRASE_DEPS = frozenset("compound amod poss nmod".split())
# Clauses without a subject of their own take their head clause's ("X rose 5%, taking it
# to $8"; "X has 40 staff and plans to hire 10").
_BORROWING_DEPS = frozenset("conj advcl xcomp pcomp ccomp acl".split())
_RELATIVE_PRONOUNS = frozenset("who which that whom whose".split())
_SUBJECT_DEPS = ("nsubj", "nsubjpass")


def referred_concepts(doc: Doc, claim: Claim, figures: frozenset[int] = frozenset()) -> list[str]:
    """What a quantity refers to, as words from the parse (CQE's "referred concepts").

    The noun phrases the quantity is about, in this order: the noun the figure modifies
    ("a $800 pizza oven" -> pizza oven) or whose prepositional phrase it sits in ("sales
    of 5835 units" -> sales); an "of"/"for" phrase on the figure ("$12m of claims"); the
    subject of the figure's clause ("the DAX fell 0.4%" -> DAX), with pronouns resolved to
    the noun they stand for ("Ford, which has 13000 workers" -> Ford; "the company said it
    has 1000 customers" -> company); and the verb's direct object ("paid $35 for a roof"
    has none; "bought a notebook for 1,200€" -> notebook). The counted thing that is the
    unit itself ("one man", "ten users") is not a concept.
    """
    span = doc.char_span(claim.start_char, claim.end_char, alignment_mode="expand")
    if span is None:
        return []
    inside = set(range(span.start, span.end)) | figures
    anchor = span.root
    if claim.kind == "count" and _of_counted(anchor, claim.unit) is not None:
        return []  # "one of the founders": a pronoun-like count refers to its own phrase
    phrases: list[Token] = []
    noun, verb = _governors(anchor, inside)
    if verb is not None and _fronted_adverbial(anchor, verb):
        return []  # "Nine days later Skaggs was found", "At 118.5p, its shares have climbed": a frame
    if noun is not None:
        phrases.append(noun)
    phrases += [c for c in anchor.children if c.dep_ == "prep" and c.lower_ in ("of", "for") and c.i not in inside]
    if verb is not None:
        subject = _clause_subject(verb)
        if subject is not None and subject.i not in inside:
            phrases.append(subject)
        if not (subject is not None and _dominates(subject, anchor)):  # a figure in the subject has no object
            phrases += [c for c in verb.children if c.i not in inside and (
                (c.dep_ == "dobj" and c.pos_ != "PRON") or (c.dep_ == "prep" and c.lower_ == "for" and c.i > anchor.i)
            ) and not _dominates(c, anchor)]  # fmt: skip
    if not phrases:
        fallback = _nearest_subject(span, inside)
        phrases += [fallback] if fallback is not None else []
    unit = (claim.unit or "").lower()
    words: list[str] = []
    for head in phrases:
        for tok in _noun_phrase_tokens(head):
            # Numbers outside figures belong to names ("S&P 500"); figures were excluded.
            if tok.i in inside or tok.is_punct or tok.lower_ in _CONCEPT_STOP:
                continue
            if tok.lemma_.lower() == unit:
                continue  # "one of the founders": the counted thing is the unit, not a concept
            if tok.text not in words:
                words.append(tok.text)
    return words


def _fronted_adverbial(anchor: Token, verb: Token) -> bool:
    """The figure sits in an adverbial put before its clause's subject ("In the last three
    months the firm has ...", "With eight more picks the team ..."): it frames the clause
    rather than measuring something in it."""
    subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
    if subject is None or anchor.i > subject.left_edge.i or _dominates(subject, anchor):
        return False
    node = anchor  # the figure itself or the object of the fronted preposition or adverb;
    if node.head.i != verb.i and node.head.pos_ in ("ADP", "ADV"):  # not a noun inside it
        node = node.head  # ("In a survey of 6,000 employers, ...": the survey is the concept)
    return node.head.i == verb.i and node.dep_ in ("prep", "npadvmod", "advmod", "advcl") and node.i < subject.i


def _governors(anchor: Token, inside: set[int]) -> tuple[Token | None, Token | None]:
    """(the nearest noun above the figure, the verb of its clause), either may be None.

    The noun is the one the figure modifies ("$800 pizza oven") or whose prepositional
    phrase holds it ("a speed of 15 mph"); climbing stops at the first verb.
    """
    noun = None
    node = anchor
    for _ in range(8):
        if node.i not in inside and node.pos_ in ("NOUN", "PROPN") and noun is None:
            noun = node
        if node.pos_ in ("VERB", "AUX"):
            return noun, node
        if node.dep_ not in _CLIMB_DEPS or node.head.i == node.i:
            break
        node = node.head
    return noun, None


def _nearest_subject(span, inside: set[int]) -> Token | None:
    """When the parse links the figure to no noun or clause (verbless fragments such as
    "Blackmores up 9.4 per cent to $84", misparsed clauses): the nearest subject before
    the figure in its sentence, else the nearest noun phrase before it."""
    before = span.doc[span.sent.start:span.start]
    for tok in reversed(before):
        if tok.dep_ in _SUBJECT_DEPS and tok.i not in inside:
            resolved = _resolve_pronoun(tok)
            if resolved is not None:
                return resolved
    for tok in reversed(before):
        if tok.pos_ in ("NOUN", "PROPN") and tok.i not in inside and tok.dep_ not in _PHRASE_DEPS:
            return tok
    return None


def _of_counted(anchor: Token, unit: str | None) -> Token | None:
    """The noun of "one of the founders" when it is the count's unit."""
    for prep in anchor.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and unit and pobj.lemma_.lower() == unit.lower():
                    return pobj
    return None


def _dominates(top: Token, tok: Token) -> bool:
    """``tok`` is in ``top``'s subtree."""
    return top.left_edge.i <= tok.i <= top.right_edge.i and (tok.i == top.i or top in tok.ancestors)


def _clause_subject(verb: Token) -> Token | None:
    """The subject of a verb's clause, pronouns resolved; a clause without one borrows its
    head clause's ("rose 8% and added $3", "plans to hire 400")."""
    node = verb
    for _ in range(4):
        subject = next((c for c in node.children if c.dep_ in _SUBJECT_DEPS), None)
        if subject is not None:
            return _resolve_pronoun(subject)
        if node.dep_ not in _BORROWING_DEPS or node.head.i == node.i:
            return None
        node = node.head
        if node.pos_ == "ADP" and node.head.i != node.i:  # "rose 5% before easing to 4%"
            node = node.head
    return None


def _resolve_pronoun(subject: Token) -> Token | None:
    """A subject pronoun's noun: a relative pronoun's is the noun its clause modifies
    ("Ford, which has ..."); "it"/"they" take the nearest earlier non-pronoun subject in
    the doc (the head clause's, or the previous sentence's)."""
    if subject.pos_ != "PRON":
        return subject
    if subject.lower_ in _RELATIVE_PRONOUNS:
        clause = subject.head
        if clause.dep_ == "relcl" and clause.head.pos_ in ("NOUN", "PROPN"):
            return clause.head
        return None
    if subject.lower_ not in ("it", "they", "its", "their"):
        return None  # "I", "we", "you": the speaker is not what a figure is about
    for tok in reversed(subject.doc[:subject.i]):
        if tok.dep_ in _SUBJECT_DEPS and tok.pos_ in ("NOUN", "PROPN"):
            return tok
    return None


def phrase_tokens(head: Token) -> list[Token]:
    """A noun and its compounds, adjectives and possessor; for "of" the object's phrase."""
    if head.dep_ == "prep":
        objects = [c for c in head.children if c.dep_ == "pobj"]
        return [t for o in objects for t in phrase_tokens(o)]
    left = [t for c in head.lefts if c.dep_ in _PHRASE_DEPS for t in c.subtree]
    return sorted([*left, head], key=lambda t: t.i)


def _noun_phrase_tokens(head: Token, depth: int = 1) -> list[Token]:
    """A noun phrase with its prepositional modifiers, ``depth`` levels deep: "the average
    life expectancy for men in Glasgow" is about the men of Glasgow too."""
    tokens = phrase_tokens(head)
    if depth and head.dep_ != "prep":
        for prep in head.rights:
            if prep.dep_ == "prep":
                for pobj in prep.children:
                    if pobj.dep_ == "pobj" and pobj.pos_ in ("NOUN", "PROPN"):
                        tokens += _noun_phrase_tokens(pobj, depth - 1)
    return tokens


# --- the places a figure is said of, and whose it is

# Dependencies that keep to the figure's own phrase: its prepositions and their objects,
# compounds and modifiers ("7% in Russia", "two-thirds of jobs in the US and Europe").
_SCOPE_DEPS = frozenset("prep pobj compound amod appos nmod npadvmod acl pcomp conj".split())
_SCOPE_DEPTH = 5
# Names that own a figure by apposition or possession: places, and organisations and
# peoples ("the UAE (119.45 TWh)", "Norway's 122.20 TWh", "Nvidia's $600 billion").
_OWNER_LABELS = frozenset({"GPE", "LOC", "ORG", "NORP", "FAC"})


def _scope(span: Span) -> str | None:
    """Where and whose a figure is, as the text names them ("Russia"; "US; Europe"), from
    the parse: places in the figure's own phrase ("just under 7% in Russia", "two-thirds of
    jobs in the US and Europe") or in the clause it is the subject of ("7% of it being in
    the US"), and the name that owns it ("Argentina (121 TWh)", "Norway's 122.20 TWh").
    None when it names none. The agent of the clause is not its scope: in "AI could replace
    a quarter of jobs" the figure is said of jobs, wherever they are."""
    found: list[str] = []
    doc = span.doc

    def add(tok: Token, labels=PLACE_LABELS) -> None:
        if tok.ent_type_ in labels and not span.start <= tok.i < span.end:
            name = _place_name(_entity_text(tok))
            if name and name not in found and name not in UNIT_SYMBOLS and name not in CURRENCY_SYMBOLS:
                found.append(name)  # ("40GB" read as a place is a unit)

    def walk(tok: Token, depth: int, lists: bool = True) -> None:
        for child in tok.children:
            if span.start <= child.i < span.end:
                continue  # (walked from itself)
            if depth >= _SCOPE_DEPTH or child.dep_ not in _SCOPE_DEPS or _is_figure(child, span):
                continue  # (not into another figure: "7% in Russia, 6% in Kazakhstan")
            if child.dep_ == "conj" and not lists:
                continue  # the owner's neighbours in a list own figures of their own
            add(child)
            walk(child, depth + 1)

    root = span.root
    for tok in span:  # ("two-thirds of jobs in ...": the phrase hangs off "thirds")
        walk(tok, 0)
    owners = [c for tok in span for c in tok.children if c.dep_ == "poss"]
    head = root.head
    if head.i != root.i and head.pos_ in ("NOUN", "PROPN") and not _is_figure(head, span):
        add(head, _OWNER_LABELS if root.dep_ in ("appos", "poss") else PLACE_LABELS)
        owners += [c for c in head.children if c.dep_ == "poss"]
        walk(head, 1, lists=root.dep_ not in ("appos", "poss"))
    if root.dep_ in _SUBJECT_DEPS and head.pos_ in ("VERB", "AUX"):
        walk(head, 1)  # "with 7% of it being in the US"
    before = doc[span.start - 2] if span.start >= 2 and doc[span.start - 1].text == "(" else None
    if before is not None and before.pos_ == "PROPN":
        owners.append(before)  # "the UAE (119.45 TWh)": a name and its figure in brackets
    for owner in owners:
        add(owner, _OWNER_LABELS)
    return "; ".join(found) or None


def _entity_text(tok: Token) -> str:
    """The text of the named entity a token is part of (walked from the token: a long doc's
    entity list is not searched per token)."""
    doc, start, end = tok.doc, tok.i, tok.i + 1
    while start > 0 and doc[start].ent_iob_ == "I" and doc[start - 1].ent_type_ == tok.ent_type_:
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I" and doc[end].ent_type_ == tok.ent_type_:
        end += 1
    return doc[start:end].text


def _is_figure(tok: Token, span: Span) -> bool:
    """Whether a token outside ``span`` is, or heads, another figure ("6%", "125.03 TWh")."""
    if span.start <= tok.i < span.end:
        return False
    return tok.like_num or tok.pos_ == "NUM" or any(c.dep_ == "nummod" for c in tok.children)


def _place_name(text: str) -> str:
    """A place as named, without a leading article or possessive: "the United States" ->
    "United States", "Norway's" -> "Norway"."""
    text = " ".join(text.split())
    text = re.sub(r"(?i)^the\s+", "", text)
    return re.sub(r"['’]s?$", "", text).strip()
