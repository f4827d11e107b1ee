"""What the selective analysis of :mod:`pipeline.nlp` runs where: the components every
text needs and those only some sentences need, which sentences get the full parse
(``parse_segments``: those holding a figure, with the sentences that credit it), where a
name can be (``name_windows``, the capitalised words with the recogniser's context), the
docs made of those token ranges (``span_docs``), and the entity recogniser run over the
windows alone (``recognise_names``, through :class:`~pipeline.biluo.BiluoDecoder` when it
covers the recogniser).
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.attrs import DEP, ENT_IOB, HEAD, IS_STOP, ORTH, SHAPE, SPACY
from spacy.tokens import Doc, Span

from .biluo import BiluoDecoder, UnsupportedRecogniser
from .claims import FIGURE_HINT_RE, quote_blocks
from .claims.grammar import credit_cue_pattern
from .names import ENTITY_LABELS

# Components that every text needs (sentences; entities come from recognise_names over
# the name windows), and those only the sentences holding a figure or a credited source
# need (the parse, tags, lemmas and the claims).
CHEAP_COMPONENTS = ("senter", "paragraph_breaks")
FULL_COMPONENTS = ("tok2vec", "tagger", "paragraph_breaks", "parser", "attribute_ruler", "lemmatizer", "numeric_claims")

# A figure candidate: digits, number words, magnitudes in words, multiplier verbs.
_FIGURE_HINT = FIGURE_HINT_RE


@lru_cache(maxsize=1)
def _report_cue_pattern() -> re.Pattern:
    """Words that credit a source (:func:`~pipeline.claims.grammar.credit_cue_pattern`), or a
    colon that ends a sentence (the intro of a block quote)."""
    return credit_cue_pattern(r":\s*$")


def _run(components, docs, batch_size: int):
    """Run pipeline components over docs, batched where a component can batch."""
    for component in components:
        docs = component.pipe(docs, batch_size=batch_size) if hasattr(component, "pipe") else map(component, docs)
    return docs


def parse_segments(doc, cue: re.Pattern, text: str | None = None) -> list[tuple[int, int]]:
    """Token ranges of ``doc`` that need the full parse: every sentence that holds a figure,
    with the reporting sentences up to two before it in its paragraph (the claims component
    carries their credit forward) and, inside a block quote (:func:`~pipeline.claims.quote_blocks`,
    which the claims component credits to the intro's speaker), everything back to the intro.
    Neighbouring ranges are merged. ``text`` is ``doc.text``, when the caller has it."""
    text = doc.text if text is None else text
    sentences = list(doc.sents)
    blocks = [(start, block_end) for start, end, block_end in quote_blocks(text) if block_end > end]
    wanted: list[tuple[int, int]] = []
    for index, sent in enumerate(sentences):
        if not _FIGURE_HINT.search(text, sent.start_char, sent.end_char):
            continue
        first = index
        for back in (1, 2):
            earlier = sentences[index - back] if index >= back else None
            if earlier is None or "\n" in text[earlier.end_char : sentences[first].start_char]:
                break
            if cue.search(text[earlier.start_char : earlier.end_char]):
                first = index - back
        start = sentences[first].start
        block = next((b for b in blocks if b[0] <= sent.start_char < b[1]), None)
        if block is not None:
            intro = doc.char_span(block[0], block[0] + 1, alignment_mode="expand")
            start = min(start, intro.start if intro is not None else start)
        wanted.append((start, sent.end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(wanted):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# Names are capitalised. NER runs on windows around each capitalised word as wide as its
# network looks either side (receptive_field: 4 tokens in the English models): it then
# sees what it sees in the whole text, and the rest, which can hold no name, is skipped.
NAME_CONTEXT_TOKENS = 4


def name_windows(doc, context: int = NAME_CONTEXT_TOKENS) -> list[tuple[int, int]]:
    """Token ranges of ``doc`` where a name can be: ``context`` tokens either side of each
    word with a capital letter, overlapping ranges merged.

    A capitalised stop word ("The", "But", "I") is no sign of a name (a name that holds
    one, "The Hague", has capitalised words around it), but an acronym is ("US", "IT").
    """
    shapes = doc.vocab.strings
    kinds: dict[int, int] = {}  # shape -> 0 no capital, 1 capitalised, 2 acronym
    windows: list[tuple[int, int]] = []
    length = len(doc)
    for index, (shape, is_stop) in enumerate(doc.to_array([SHAPE, IS_STOP]).tolist()):
        if shape not in kinds:
            text = shapes[shape]
            kinds[shape] = 2 if len(text) > 1 and set(text) == {"X"} else 1 if "X" in text else 0
        if kinds[shape] == 0 or (is_stop and kinds[shape] == 1):
            continue
        start, end = max(0, index - context), min(length, index + context + 1)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def span_docs(doc, ranges: list[tuple[int, int]]) -> list:
    """What ``Span.as_doc`` gives for each of the token ``ranges`` of ``doc``, made from
    the doc's annotation arrays read once; ``as_doc`` reads them whole for every span and
    visits each token to rewire a parse. Docs with a parse go through ``as_doc``."""
    if doc.has_annotation("DEP"):
        head = doc._get_array_attrs()
        array = doc.to_array(head)  # as_doc edits its slice in place: ranges must not overlap
        return [doc[start:end].as_doc(array_head=head, array=array) for start, end in ranges]
    columns = [attr for attr in doc._get_array_attrs() if attr not in (HEAD, DEP)]
    array = doc.to_array(columns)
    orth, space, iob = columns.index(ORTH), columns.index(SPACY), columns.index(ENT_IOB)
    strings, pieces = doc.vocab.strings, []
    for start, end in ranges:
        rows = array[start:end].copy()
        piece = Doc(doc.vocab, words=[strings[o] for o in rows[:, orth].tolist()], spaces=rows[:, space].astype(bool).tolist())
        cut_at_start = len(rows) > 0 and rows[0, iob] == 1  # inside an entity
        cut_at_end = end < len(doc) and array[end, iob] == 1
        if cut_at_start:
            rows[0, iob] = 3
        piece.from_array(columns, rows)
        if (cut_at_start or cut_at_end) and piece.ents:
            # As as_doc does: an entity cut by the range is not annotated at all.
            cut = [piece.ents[0]] if cut_at_start else []
            cut += [piece.ents[-1]] if cut_at_end and piece.ents[-1] not in cut else []
            piece.set_ents([], missing=cut, default="unmodified")
        pieces.append(piece)
    return pieces


def receptive_field(ner) -> int | None:
    """How many tokens either side of a word the recogniser's own encoder looks at (the
    padding its window encoder asks for); None when it listens to an encoder shared with
    other components, which then has to run over the whole text anyway."""
    try:
        nodes = list(ner.model.get_ref("tok2vec").walk())
    except (KeyError, ValueError):
        return None
    if any("listener" in node.name for node in nodes):
        return None
    reach = max((node.attrs.get("pad", 0) for node in nodes), default=0)
    return reach if isinstance(reach, int) and reach > 0 else None


def recognise_names(ner, docs: list, batch_size: int, context: int = NAME_CONTEXT_TOKENS) -> None:
    """Run the entity recogniser ``ner`` on the :func:`name_windows` of ``docs`` and set
    the names it finds (:data:`ENTITY_LABELS`) on them, every other token outside any
    entity: the numeric labels, which the windows need not cover, belong to claims. The
    windows are decoded together by :class:`~pipeline.biluo.BiluoDecoder` when it covers
    the recogniser (the same entities, far fewer steps)."""
    ranges = [name_windows(doc, context) for doc in docs]
    windows = [(doc, start) for doc, doc_ranges in zip(docs, ranges) for start, _ in doc_ranges]
    pieces = [piece for doc, doc_ranges in zip(docs, ranges) for piece in span_docs(doc, doc_ranges)]
    wanted = {ner.vocab.strings.add(label) for label in ENTITY_LABELS}
    found: dict[int, list] = {id(doc): [] for doc in docs}
    for (doc, start), entities in zip(windows, _entities(ner, pieces, batch_size)):
        found[id(doc)].extend(Span(doc, start + s, start + e, label=label) for s, e, label in entities if label in wanted)
    for doc in docs:
        doc.set_ents(found[id(doc)], default="outside")


# Decoders by recogniser (which takes no weak reference); holding its model keeps the id
# from being reused by another one while the entry lives.
_DECODERS: dict[int, tuple] = {}


def _entities(ner, docs: list, batch_size: int):
    """``(start, end, label id)`` of the entities ``ner`` finds in each of ``docs`` (which
    carry none yet): through :class:`~pipeline.biluo.BiluoDecoder` when it covers the
    recogniser, many docs a step, else through the recogniser itself."""
    model, decoder = _DECODERS.get(id(ner), (None, None))
    if model is not ner.model:
        try:
            decoder = BiluoDecoder(ner)
        except UnsupportedRecogniser:
            decoder = None
        _DECODERS[id(ner)] = (ner.model, decoder)
        while len(_DECODERS) > 4:  # a few pipelines at most are alive at once
            del _DECODERS[next(iter(_DECODERS))]
    # The docs are short windows: many go through each step together.
    step = batch_size * 8
    for first in range(0, len(docs), step):
        chunk = docs[first : first + step]
        try:
            if decoder is not None:
                yield from decoder(chunk)
                continue
        except UnsupportedRecogniser:  # docs with entities set already
            pass
        yield from ([(e.start, e.end, e.label) for e in doc.ents] for doc in ner.pipe(chunk, batch_size=batch_size))
