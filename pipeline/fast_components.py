"""Faster stand-ins for two spaCy components that annotate exactly as they do: the
attribute ruler compiled to dictionary look-ups over the token attribute arrays
(``CompiledAttributeRuler``, instead of spaCy's general Matcher) and a lemmatizer that works
each lemma out once per word, part of speech and morphology (``CachedLemmatizer``);
``_fast_equivalent`` picks the stand-in for a component, or the component itself when there
is none. The selective analysis of :mod:`pipeline.nlp` runs them on the parsed sentences.
"""

from __future__ import annotations

import re
import weakref

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, NORM, ORTH, POS, TAG
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens._retokenize import set_token_attrs

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


_COMPILED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


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
