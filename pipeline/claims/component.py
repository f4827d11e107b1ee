"""The numeric_claims spaCy component and its Doc extension."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .scan import extract_claims


if not Doc.has_extension("numeric_claims"):
    Doc.set_extension("numeric_claims", default=None)


@Language.factory("numeric_claims", assigns=["doc._.numeric_claims"], requires=["doc.sents"])
def create_numeric_claims(nlp: Language, name: str):
    """The spaCy factory: a component that sets ``doc._.numeric_claims``.

    Registered by the ``spacy_factories`` entry point too, so any English pipeline can
    ``add_pipe("numeric_claims")`` without importing this module first. It reads the
    tagger's, parser's and lemmatizer's annotations where the pipeline has them, and needs
    sentence boundaries (a parser or a sentencizer).
    """
    return NumericClaims()


class NumericClaims:
    """Pipeline component: fills ``doc._.numeric_claims`` with :func:`extract_claims`."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.numeric_claims = extract_claims(doc)
        return doc
