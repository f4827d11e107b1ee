"""Greedy decoding of spaCy's entity recogniser, done for many documents at once.

spaCy's ``EntityRecognizer`` reads a doc one token at a time: each step scores every
BILUO action (Begin, In, Last, Unit, Out for each label) from three token vectors, keeps
the actions the state allows and takes the best. The network's heavy part (token vectors
and their projection onto the hidden layer) is computed up front for all tokens; the
steps themselves are cheap arithmetic, yet on the short windows that
:func:`~pipeline.selective.recognise_names` reads they cost more than the network (measured:
4,613 windows of 300 generated articles, 5.0 s through spaCy, 2.4 s here).

:class:`BiluoDecoder` takes the same steps with the same weights, as array operations over
all documents of a batch at once (every action moves one token on, so the documents walk
in lockstep): one step per token position instead of one per token. The arithmetic is the
same, in the same order, through the same BLAS routine, so the entities are the same; tests
compare them with spaCy's on the demo corpus and on edge cases. Models or documents it does
not cover (beam search, extra state features, preset entities) raise
:class:`UnsupportedRecogniser` or are left to spaCy.
"""

from __future__ import annotations

import numpy
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from thinc.api import NumpyOps

BEGIN, IN, LAST, UNIT, OUT = range(5)
_MOVE_LETTERS = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT}


class UnsupportedRecogniser(ValueError):
    """The recogniser is not one :class:`BiluoDecoder` decodes exactly; use spaCy's."""


class BiluoDecoder:
    """Entities as ``ner`` (a spaCy ``EntityRecognizer``) finds them in docs that carry no
    entity annotation yet. Raises :class:`UnsupportedRecogniser` for a recogniser whose
    decoding differs from the greedy three-feature one described in the module."""

    def __init__(self, ner):
        model, moves = ner.model, ner.moves
        if type(moves).__name__ != "BiluoPushDown" or ner.cfg.get("beam_width", 1) != 1:
            raise UnsupportedRecogniser("not a greedy BILUO recogniser")
        if not model.attrs.get("has_upper") or len(model.layers) != 3 or model.attrs.get("unseen_classes"):
            raise UnsupportedRecogniser("model without an output layer, or with unseen classes")
        self.tok2vec, lower, upper = model.layers
        if not (lower.has_dim("nF") and lower.get_dim("nF") == 3 and lower.has_dim("nP") and lower.get_dim("nP") >= 2):
            raise UnsupportedRecogniser("state features or activation differ from the NER defaults")
        self.lower, self.upper = lower, upper
        self.pieces = lower.get_dim("nP")
        self.ops = NumpyOps()  # spaCy's decoding multiplies through the same BLAS
        self.n_actions = moves.n_moves
        if upper.get_dim("nO") != self.n_actions:
            raise UnsupportedRecogniser("output layer and actions disagree")
        strings = ner.vocab.strings
        kinds, labels = [], []
        for action in range(self.n_actions):
            name = moves.get_class_name(action)
            if name == "O":
                kinds.append(OUT)
                labels.append(0)
                continue
            letter, _, label = name.partition("-")
            if letter not in _MOVE_LETTERS:
                raise UnsupportedRecogniser(f"action {name!r}")
            kinds.append(_MOVE_LETTERS[letter])
            labels.append(strings[label] if label else 0)
        self.kinds = numpy.array(kinds)
        self.labels = numpy.array(labels, dtype="uint64")
        # An action with label 0 other than Out only applies to preset entities.
        labelled = self.labels != 0
        self.begin = (self.kinds == BEGIN) & labelled
        self.inside = (self.kinds == IN) & labelled
        self.last = (self.kinds == LAST) & labelled
        self.unit = (self.kinds == UNIT) & labelled
        self.out = self.kinds == OUT

    def __call__(self, docs: list) -> list[list[tuple[int, int, int]]]:
        """``(start, end, label id)`` of each entity found in each of ``docs``."""
        found: list[list[tuple[int, int, int]]] = [[] for _ in docs]
        docs_with_tokens = [i for i, doc in enumerate(docs) if len(doc)]
        if not docs_with_tokens:
            return found
        batch = [docs[i] for i in docs_with_tokens]
        flags = numpy.concatenate([doc.to_array([IS_SPACE, SENT_START, ENT_IOB]) for doc in batch])
        if flags[:, 2].any():
            raise UnsupportedRecogniser("documents already carry entity annotation")
        is_space, next_starts_sentence = flags[:, 0] != 0, numpy.append(flags[1:, 1] == 1, False)
        # Feature vectors of every token, one row before them for "no token" (padding).
        features = self.lower.predict(self.tok2vec.predict(batch))
        features = features.reshape(features.shape[0], 3, -1)
        by_position = [numpy.ascontiguousarray(features[:, f]) for f in range(3)]
        hidden_bias = self.lower.get_param("b").reshape(-1)  # (hidden x pieces), as the features
        output_weights, output_bias = self.upper.get_param("W"), self.upper.get_param("b")
        lengths = numpy.array([len(doc) for doc in batch])
        starts = numpy.concatenate(([0], numpy.cumsum(lengths)[:-1]))
        # Longest first, so the documents still walking are always a prefix.
        order = numpy.argsort(-lengths, kind="stable")
        lengths, starts = lengths[order], starts[order]
        open_label = numpy.zeros(len(batch), dtype="uint64")  # 0: no entity open
        open_start = numpy.full(len(batch), -1)
        entities: list[tuple[int, int, int, int]] = []  # (row in order, start, end, label)
        for step in range(int(lengths[0])):
            walking = int(numpy.searchsorted(-lengths, -step, side="left"))
            token = starts[:walking] + step
            is_open = open_label[:walking] != 0
            entity_start = numpy.where(is_open, open_start[:walking], -1)
            previous = numpy.where(is_open, token - 1, -1)
            # +1: row 0 holds the padding used for a missing token.
            summed = by_position[0][token + 1] + by_position[1][entity_start + 1]
            summed += by_position[2][previous + 1]
            summed += hidden_bias
            hidden = summed.reshape(walking, -1, self.pieces).max(axis=2)
            scores = self.ops.gemm(hidden, output_weights, trans2=True)
            scores += output_bias
            valid = self._valid(
                is_open,
                open_label[:walking],
                last_token=step == lengths[:walking] - 1,
                is_space=is_space[token],
                next_starts_sentence=next_starts_sentence[token],
            )
            scores[~valid] = -numpy.inf
            chosen = scores.argmax(axis=1)
            kinds, labels = self.kinds[chosen], self.labels[chosen]
            for row in numpy.flatnonzero(kinds == UNIT).tolist():
                entities.append((row, step, step + 1, int(labels[row])))
            for row in numpy.flatnonzero(kinds == LAST).tolist():
                entities.append((row, int(open_start[row]) - int(starts[row]), step + 1, int(open_label[row])))
            open_label[:walking][kinds == LAST] = 0
            opened = kinds == BEGIN
            open_label[:walking][opened] = labels[opened]
            open_start[:walking][opened] = token[opened]
        for row, start, end, label in sorted(entities, key=lambda e: (e[0], e[1])):
            found[docs_with_tokens[order[row]]].append((start, end, label))
        return found

    def _valid(self, is_open, open_label, last_token, is_space, next_starts_sentence):
        """Which actions each state may take: spaCy's BILUO rules for docs without preset
        entities (an entity may not cross a sentence start nor begin on whitespace; the
        last token closes what is open)."""
        valid = numpy.zeros((len(is_open), self.n_actions), dtype=bool)
        can_continue = is_open & ~last_token & ~next_starts_sentence
        same_label = open_label[:, None] == self.labels[None, :]
        valid[:, self.begin] = (~is_open & ~last_token & ~next_starts_sentence & ~is_space)[:, None]
        valid[:, self.inside] = can_continue[:, None] & same_label[:, self.inside]
        valid[:, self.last] = is_open[:, None] & same_label[:, self.last]
        valid[:, self.unit] = (~is_open & ~is_space)[:, None]
        valid[:, self.out] = ~is_open[:, None]
        return valid
