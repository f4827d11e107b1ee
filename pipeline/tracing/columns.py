"""Columns: many claims held as the lists comparing them reads, not as one object each.

An update compares its new claims with the stored claims they reach: hundreds of thousands
in a large corpus (1,000,000 claims: 291,544 for 10,000 new ones), read only to be
compared. Building a :class:`~.values.TracedClaim` for each, then reading its attributes
back into arrays (:class:`~.distance._Features`), took 4.5 s of that update; as columns,
2.6 s. :class:`ClaimColumns` holds the same attributes as lists straight from the rows
read, and the few claims that are needed whole (those sharing a sentence with another of
the update's: restatements are found claim by claim) as objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from ..claims.units import root_factor
from .values import TracedClaim, as_percent, is_share, significant_digits, surface_digits

# The attributes of a claim that comparing it reads (TracedClaim's names): a column each.
COMPARED = (
    "value", "value_low", "value_high", "digits", "unit", "unit_factor", "kind", "qualifier", "surface", "scope",
    "article_id", "sentence_id", "costated", "story", "terms",
)  # fmt: skip


class ClaimColumns:
    """Claims as columns: for each name of :data:`COMPARED` a list with an entry per claim,
    what the claim's attribute of that name holds (``columns.value[i]`` is claim i's
    ``value``). ``columns[i]`` is claim i itself where it is held whole (claims it was made
    of, and claims read sharing their sentence with another)."""

    def __init__(self, columns: dict[str, list], whole: dict[int, TracedClaim] | None = None, names=None):
        self.columns = columns
        self.whole = whole or {}
        self.size = len(columns["value"])
        # Where the stories not read yet (None in ``story``) are read: called with article
        # ids, their names by id (see figures.ArticleNames).
        self.names = names

    def __getattr__(self, name: str) -> list:
        try:
            return self.__dict__["columns"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __len__(self) -> int:
        return self.size

    def __iter__(self):
        raise TypeError("ClaimColumns are read by column (columns.value), or claim by claim where held whole")

    def __getitem__(self, i: int) -> TracedClaim:
        try:
            return self.whole[i]
        except KeyError:
            raise LookupError(f"claim {i} was read only as columns, not whole") from None

    @classmethod
    def of(cls, claims: Sequence[TracedClaim]) -> ClaimColumns:
        """The columns of these claims, each held whole too (``terms`` None where a claim
        keeps none: see clustering.context_weighed)."""
        return cls({name: [getattr(c, name) for c in claims] for name in COMPARED}, dict(enumerate(claims)))

    @classmethod
    def from_columns(cls, read: Sequence[Sequence], costated: list[frozenset], terms: list[list[str]]) -> ClaimColumns:
        """Claims of these columns: their article ids, surfaces, values, value_lows,
        value_highs, units, qualifiers, kinds, scopes and sentence ids as stored, with their
        costated keys and context terms; each made what a TracedClaim of them holds (shares
        as percentages, digits and unit factors worked out), none whole and their stories
        not read (None: see :attr:`names`)."""
        articles, surfaces, values, lows, highs, units, qualifiers, kinds, scopes, sentences = (list(c) for c in read)
        written = {surface: surface_digits(surface) for surface in set(surfaces)}  # (surfaces repeat)
        digits = [significant_digits(surface, value) if written[surface] is None else written[surface]
                  for surface, value in zip(surfaces, values)]  # fmt: skip
        for i, kind in enumerate(kinds):
            if kind == "fraction" and is_share(kind, units[i], values[i]):
                values[i], lows[i], highs[i] = as_percent(values[i], lows[i], highs[i])
                units[i], kinds[i] = "percent", "percent"
        factor_of = {unit: root_factor(unit) for unit in set(units)}
        return cls({
            "value": values, "value_low": lows, "value_high": highs, "digits": digits, "unit": units,
            "unit_factor": [factor_of[unit] for unit in units], "kind": kinds, "qualifier": qualifiers,
            "surface": surfaces, "scope": scopes, "article_id": articles, "sentence_id": sentences,
            "costated": costated, "story": [None] * len(values), "terms": terms,
        })  # fmt: skip

    def take(self, indices: Sequence[int]) -> ClaimColumns:
        """The claims at ``indices``, in that order."""
        if len(indices) < 2:  # (itemgetter of one index gives the item, not a tuple)
            return ClaimColumns.gather([(self, i) for i in indices])
        pick = itemgetter(*indices)
        return ClaimColumns(
            {name: list(pick(column)) for name, column in self.columns.items()},
            {n: self.whole[i] for n, i in enumerate(indices) if i in self.whole} if self.whole else {}, self.names,
        )

    @staticmethod
    def gather(sources: Sequence[tuple[ClaimColumns, int]]) -> ClaimColumns:
        """The claims of ``sources`` (columns, index), in that order."""
        return ClaimColumns(
            {name: [part.columns[name][i] for part, i in sources] for name in COMPARED},
            {n: part.whole[i] for n, (part, i) in enumerate(sources) if i in part.whole},
            _names_of(part for part, _ in sources),
        )

    @staticmethod
    def concat(parts: Sequence[ClaimColumns]) -> ClaimColumns:
        """The claims of ``parts``, one after another."""
        columns: dict[str, list] = {name: [] for name in COMPARED}
        whole, offset = {}, 0
        for part in parts:
            for name in COMPARED:
                columns[name].extend(part.columns[name])
            whole.update((offset + i, claim) for i, claim in part.whole.items())
            offset += len(part)
        return ClaimColumns(columns, whole, _names_of(parts))


def column(claims, name: str) -> list:
    """The attribute ``name`` of each of ``claims``: TracedClaims, or :class:`ClaimColumns`
    (its column, as it is)."""
    if isinstance(claims, ClaimColumns):
        return claims.columns[name]
    return [getattr(claim, name) for claim in claims]


def _names_of(parts) -> object:
    """The reader of names of the first of ``parts`` that has one (parts read by one
    update share theirs)."""
    return next((part.names for part in parts if part.names is not None), None)
