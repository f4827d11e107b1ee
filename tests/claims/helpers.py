"""Helpers shared by the claims tests: the claims a model finds in a text, each checked against its offsets."""


def claims_of(nlp, text):
    doc = nlp(text)
    for claim in doc._.numeric_claims:
        assert doc.text[claim.start_char:claim.end_char] == claim.surface
    return doc._.numeric_claims


def one_claim(nlp, text, surface):
    matches = [c for c in claims_of(nlp, text) if c.surface == surface]
    assert len(matches) == 1, [c.surface for c in claims_of(nlp, text)]
    return matches[0]

