"""Named entities as figtrace stores them: which spaCy labels count as names
(:data:`ENTITY_LABELS`; the numeric ones belong to claims), a mention's surface cleaned of
what is not part of the name, the key that identifies an entity across spellings, and the
mentions of a processed doc (``extract_entities``).
"""

from __future__ import annotations

import re
import unicodedata

from .records import EntityMention

# Numeric labels (CARDINAL, MONEY, PERCENT, QUANTITY, ORDINAL, DATE, TIME) belong to claims.
ENTITY_LABELS = frozenset(
    {"ORG", "PERSON", "GPE", "PRODUCT", "NORP", "EVENT", "LAW", "FAC", "LOC", "WORK_OF_ART"}
)


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
