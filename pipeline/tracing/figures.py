"""Figures: claims grouped into figures with their lineage, and the rebuild after each ingest (the rows go to the store)."""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..claims.grammar import CURRENCY_CHARS
from ..store import FIGURE_COLUMNS, replace_figures
from ..store.entities import read_article_names
from .columns import ClaimColumns
from .values import CLAIM_COLUMNS, DISTANCE_THRESHOLD, TracedClaim, mark_costated, read_stated_beside, stated_beside
from .distance import read_terms, stored_terms
from .clustering import Progress, Weights, cluster_blocks, context_weighed
from .vectors import CONTEXT, STORY, TermCounts, context_analyzer
from .mutations import classify_mutation, origin_certainty
from .reach import posting_rows, range_posting_rows

if TYPE_CHECKING:
    import sqlite_utils


@dataclass
class Figure:
    """One figure: its claims in lineage order and what sums it up."""

    id: str
    claims: list[TracedClaim]
    block_id: str | None = None
    # For a stored figure that claims joined later than its origin: the ids of those
    # claims and the kinds of change its stored mutations saw. Only their mutations are
    # new; the others, all against the same origin, stand as stored.
    appended: frozenset[str] | None = None
    kinds_before: tuple[str, ...] = ()

    @property
    def origin(self) -> TracedClaim:
        return self.claims[0]

    def summary(self) -> dict:
        """The row stored in ``figures``."""
        units = Counter(c.unit for c in self.claims if c.unit)
        unit = units.most_common(1)[0][0] if units else None
        in_unit = [c for c in self.claims if c.unit == unit and c.value is not None]
        values = [c.value for c in in_unit]
        # The most precise statement is the best estimate of the quantity.
        canonical = max(in_unit, key=lambda c: c.digits, default=None)
        credited = Counter(c.attributed_to for c in self.claims if c.attributed_to)
        low, high = (min(values), max(values)) if values else (None, None)
        return {
            "id": self.id,
            "subject": representative_subject([c.subject for c in self.claims]),
            "unit": unit,
            "canonical_value": canonical.value if canonical else None,
            "value_min": low,
            "value_max": high,
            "spread_pct": round((high - low) / abs(low) * 100, 2) if low else None,
            "n_claims": len(self.claims),
            "n_articles": len({c.article_id for c in self.claims}),
            "first_claim_id": self.origin.id,
            "first_article_id": self.origin.article_id,
            "attributed_origin": self.origin.attributed_to
            or (credited.most_common(1)[0][0] if credited else None),
            "kinds_seen": None,
            "origin_certainty": origin_certainty((c.article_id, c.published) for c in self.claims),
            "block_id": self.block_id,
        }

    def rows(self) -> tuple[tuple, list[tuple]]:
        """Its row in ``figures`` (in :data:`FIGURE_COLUMNS` order) and its rows in
        ``mutations``: what changed from its origin to each later claim."""
        row = self.summary()
        mutations, kinds_seen = [], set(self.kinds_before)
        # The claim in the origin's unit each sentence states first: another unit beside it
        # restates it. (Claims read light have no sentence; their neighbours, stored with
        # them, are not classified again.)
        in_unit: dict[str, TracedClaim] = {}
        for claim in self.claims:
            if claim.sentence_id and claim.unit == self.origin.unit:
                in_unit.setdefault(claim.sentence_id, claim)
        for claim in self.claims[1:]:
            if self.appended is not None and claim.id not in self.appended:
                continue
            kinds, detail = classify_mutation(self.origin, claim, in_unit.get(claim.sentence_id))
            kinds_seen.update(kinds)
            mutations.append((f"{self.id}:{claim.id}", self.id, claim.id, self.origin.id, json.dumps(kinds), detail))
        row["kinds_seen"] = json.dumps(sorted(kinds_seen - {"same"}))
        return tuple(row[column] for column in FIGURE_COLUMNS), mutations


_FIGURE_TOKEN = re.compile(rf"[{re.escape(CURRENCY_CHARS)}%]|^[\d.,]+[a-z]{{0,2}}$|^[a-z]$", re.IGNORECASE)


def _subject_phrase(subject: str) -> str:
    """A subject without the figures and scale letters inside it: "sub-$6 M training cost"
    -> "training cost"; names with digits ("GPT-4") stay."""
    return " ".join(t for t in subject.split() if not _FIGURE_TOKEN.search(t))


def representative_subject(subjects: list[str | None]) -> str | None:
    """The subject that says best what a figure's claims share: the one whose words recur
    most across the claims' subjects ("training cost" over "rival" when others say "cost").
    Ties go to the earliest in lineage order."""
    # (each distinct subject read, and each phrase split and scored, once: a large figure
    # repeats a few thousandfold; phrases stay in order of first statement, for ties)
    stated: Counter = Counter()
    for subject, times in Counter(s for s in subjects if s).items():
        if phrase := _subject_phrase(subject):
            stated[phrase] += times
    counts: Counter = Counter()
    for phrase, times in stated.items():
        for word in set(phrase.lower().split()):
            counts[word] += times
    return max(stated, key=lambda p: sum(counts[w] for w in p.lower().split()), default=None)


def figure_id_for(first_claim_id: str) -> str:
    """A figure's id: stable while its origin claim stays the same."""
    return "fig-" + hashlib.sha1(first_claim_id.encode()).hexdigest()[:12]


def build_figures(claims: list[TracedClaim], threshold: float = DISTANCE_THRESHOLD) -> list[Figure]:
    """Group claims into figures (pure: no database)."""
    return figures_in_blocks(claims, threshold)[0]


def figures_in_blocks(
    claims: list[TracedClaim], threshold: float = DISTANCE_THRESHOLD, weights: Weights | None = None, marked: bool = False,
    progress: Progress | None = None, weighed: tuple | None = None,
) -> tuple[list[Figure], Weights]:
    """Figures of ``claims`` in lineage order of their origins, each knowing its block (the
    id of the block's first claim), and the word counts they were weighed by (see
    :func:`~pipeline.tracing.clustering.cluster_blocks`, which ``progress`` and ``weighed``
    go to; ``weighed`` only with ``claims`` in :func:`block_order`)."""
    if weighed is None:
        claims = sorted(claims, key=block_order)
    blocks, weights = cluster_blocks(claims, threshold, weights, marked, progress, weighed)
    figures = []
    for block in blocks:
        block_id = claims[block.members[0]].id
        for group in block.figures:
            members = [claims[i] for i in group]
            figures.append(Figure(figure_id_for(members[0].id), members, block_id))
    return sorted(figures, key=lambda f: f.origin.order_key), weights


_CLAIM_SELECT = """
    select c.id, c.article_id, c.surface, c.start_char, c.value, c.value_low, c.value_high,
           c.unit, c.qualifier, c.qualifier_cue, c.kind, c.subject, c.attributed_to,
           c.context, c.sentence_id,
           -- a sentence's text serves to compare the claims it states together
           -- (restatements) and stands in for a missing context: a claim alone in its
           -- sentence, with a context, needs none (and a million claims hold less)
           case when c.context != '' and not exists (select 1 from claims o where
                o.sentence_id = c.sentence_id and o.rowid != c.rowid) then ''
                else coalesce(s.text, '') end as sentence,
           coalesce(s.start_char, c.start_char) as sentence_start, a.path, a.title, a.published,
           c.scope, c.stated_beside, c.context_terms, c.rowid, c.figure_id
    from claims c
    join articles a on a.id = c.article_id
    left join sentences s on s.id = c.sentence_id
"""

# What comparing a traced claim reads (see load_compared_claims): the columns of
# ClaimColumns.from_columns, then its stored co-stated keys and words, rowid and figure id.
_COMPARED_SELECT = """
    select c.article_id, c.surface, c.value, c.value_low, c.value_high, c.unit, c.qualifier, c.kind, c.scope,
           c.sentence_id, c.stated_beside, c.context_terms, c.rowid, c.figure_id
    from claims c
"""
# What else a claim read to compare is read whole by (its id, where it and its sentence start, the sentence's text).
_WHOLE_SELECT = """
    select c.rowid, c.id, c.start_char, coalesce(s.text, ''), coalesce(s.start_char, c.start_char)
    from claims c left join sentences s on s.id = c.sentence_id
"""


def load_claims(db: sqlite_utils.Database) -> list[TracedClaim]:
    """Every stored claim with its sentence, article date and path, the entities of its
    sentence and those of its article (one tuple shared by the article's claims)."""
    return _read_claims(db, "", [], "", [])[0]


def load_claims_by_rowid(
    db: sqlite_utils.Database, rowids, known: dict | None = None
) -> tuple[list[TracedClaim], list[int], list[str | None]]:
    """The claims of these rowids as :func:`load_claims` reads them, their costated values
    marked (as stored with a traced claim, or else from every claim of its sentence, whose
    values are read too), with their rowids and figure ids, in rowid order. ``known``: claims read before, by rowid (as (claim,
    figure id)), which are not read again; those read now are added to it."""
    known = {} if known is None else known
    wanted = sorted(set(int(r) for r in rowids))
    missing = json.dumps([r for r in wanted if r not in known])
    claims, read_rowids, figure_ids, stated = _read_claims(
        db, "where c.rowid in (select value from json_each(?))", [missing],
        "where a.id in (select distinct article_id from claims where rowid in (select value from json_each(?)))", [missing],
        share=False, keep_terms=True,
    )  # fmt: skip
    # Traced claims carry their costated keys; the others' are worked out from every claim
    # of their sentences (the others read only as far as their values go).
    unmarked = [rowid for rowid, keys in zip(read_rowids, stated) if keys is None]
    for claim, keys in zip(claims, stated):
        if keys is not None:
            claim.costated = read_stated_beside(keys)
    if unmarked:
        sentences = {c.sentence_id for c, keys in zip(claims, stated) if keys is None}
        siblings = [TracedClaim(*row[:-1], sentence_id=row[-1]) for row in db.execute(
            f"select {', '.join(CLAIM_COLUMNS)}, sentence_id from claims where sentence_id in"
            " (select sentence_id from claims where rowid in (select value from json_each(?)))"
            " and rowid not in (select value from json_each(?))",
            [json.dumps(unmarked), missing],
        )]  # fmt: skip
        mark_costated([c for c in claims if c.sentence_id in sentences] + siblings)
    for claim, rowid, figure_id in zip(claims, read_rowids, figure_ids):
        known.setdefault(rowid, (claim, figure_id))
    chosen = [known[r] for r in wanted]
    return [c for c, _ in chosen], wanted, [f for _, f in chosen]


class ArticleNames:
    """The names articles give (:func:`~pipeline.store.entities.read_article_names`),
    read as they are asked for and kept: called with article ids, their names by id."""

    def __init__(self, db: sqlite_utils.Database):
        self.db, self.read = db, {}

    def __call__(self, article_ids) -> dict[str, tuple]:
        missing = sorted({a for a in article_ids if a not in self.read})
        if missing:
            found = read_article_names(self.db, "where a.id in (select value from json_each(?))", [json.dumps(missing)])
            self.read.update((a, found.get(a, ())) for a in missing)
        return {a: self.read[a] for a in article_ids}


class ReadToCompare:
    """Stored claims read only to compare (:func:`load_compared_claims`): each read's
    rowids (sorted, with the claims' places in it), columns and figure ids; and the names
    of their articles, read as they are asked for. (Kept as arrays, not a dict by rowid:
    an update reads hundreds of thousands and looks up a few thousand again.)"""

    def __init__(self, db: sqlite_utils.Database):
        self.names = ArticleNames(db)
        self.reads: list[tuple[np.ndarray, np.ndarray, ClaimColumns, list]] = []

    def add(self, rowids: list[int], columns: ClaimColumns, figure_ids: list) -> None:
        """Keep a read of these claims (``rowids`` in the order of ``columns``)."""
        rowids = np.array(rowids, dtype=np.int64)
        order = np.argsort(rowids, kind="stable")
        self.reads.append((rowids[order], order, columns, figure_ids))

    def find(self, rowids: list[int]) -> dict[int, tuple[ClaimColumns, int, str | None]]:
        """Those of ``rowids`` read before: rowid -> (columns, index, figure id)."""
        found: dict = {}
        wanted = np.array(rowids, dtype=np.int64)
        for read, order, columns, figure_ids in self.reads:
            if not len(read):
                continue
            at = np.minimum(np.searchsorted(read, wanted), len(read) - 1)
            hit = read[at] == wanted
            found.update((r, (columns, n, figure_ids[n])) for r, n in zip(wanted[hit].tolist(), order[at[hit]].tolist()))
        return found


def load_compared_claims(
    db: sqlite_utils.Database, rowids, known: dict, compared: ReadToCompare
) -> tuple[ClaimColumns, list[int], list[str | None]]:
    """The traced claims of these rowids as far as comparing them with others reads them
    (their values, units, kinds and scopes, stored words and co-stated keys), as columns
    (:class:`~.columns.ClaimColumns`; those sharing their sentence with another also
    whole, with its text; their articles' names read when first asked for, through
    ``compared.names``): far cheaper to read than :func:`load_claims_by_rowid` (no
    entities, credit, context or article dates, no object per claim), for the stored claims
    an update only compares new ones with. Not for figures' rows. With their rowids and
    figure ids, in rowid order; ``known``: claims read in full before (by rowid, as (claim,
    figure id)), used as they are; ``compared``: those read so before, not read again, and
    those read now are added to it. A claim with nothing stored to compare it by (not
    traced) is read in full, into ``known``."""
    wanted = sorted(set(int(r) for r in rowids))
    before = compared.find(wanted)
    missing = json.dumps([r for r in wanted if r not in known and r not in before])
    rows = db.execute(f"{_COMPARED_SELECT} where c.rowid in (select value from json_each(?))", [missing]).fetchall()
    untraced = [row[-2] for row in rows if row[10] is None or row[11] is None]
    if untraced:  # (read in full: nothing stored to compare them by)
        rows = [row for row in rows if row[10] is not None and row[11] is not None]
        load_claims_by_rowid(db, untraced, known)
    columns = list(zip(*rows)) or [()] * 14
    costated_of = {stored: read_stated_beside(stored) for stored in set(columns[10])}  # (many claims state one pair)
    read = ClaimColumns.from_columns(columns[:10], [costated_of[s] for s in columns[10]], [read_terms(t) for t in columns[11]])
    read.names = compared.names
    # Those sharing their sentence with another of these claims or of ``known`` (which the
    # update compares them with) are read whole too: restatements in one sentence are
    # compared by the words between them.
    in_sentence = Counter(columns[9])
    in_sentence.update(claim.sentence_id for claim, _ in known.values())
    sharing = {rows[n][-2]: n for n, sentence_id in enumerate(columns[9]) if sentence_id is not None and in_sentence[sentence_id] > 1}
    for rowid, claim_id, start, text, sentence_start in db.execute(
        f"{_WHOLE_SELECT} where c.rowid in (select value from json_each(?))", [json.dumps(list(sharing))]
    ).fetchall():  # fmt: skip
        n = sharing[rowid]
        article_id, surface, value, low, high, unit, qualifier, kind, scope, sentence_id, *_ = rows[n]
        claim = read.whole[n] = TracedClaim(
            claim_id, article_id, surface, start, value, low, high, unit, qualifier, None, kind, None, None, None,
            sentence_id, text, sentence_start, "", None, None, scope,
        )  # fmt: skip
        claim.costated, claim.terms = read.costated[n], read.terms[n]  # (its story: see ClaimColumns.names)
    read_rowids, read_figures = list(columns[-2]), list(columns[-1])
    compared.add(read_rowids, read, read_figures)
    if read_rowids == wanted:  # (all read now)
        return read, wanted, read_figures
    # Each wanted claim from where it was read.
    whole = ClaimColumns.of([known[r][0] for r in wanted if r in known])
    whole.names = compared.names
    numbers, at = iter(range(len(whole))), dict(zip(read_rowids, range(len(read_rowids))))
    sources = [(whole, next(numbers), known[r][1]) if r in known else before.get(r) or (read, at[r], read_figures[at[r]])
               for r in wanted]  # fmt: skip
    return ClaimColumns.gather([(part, n) for part, n, _ in sources]), wanted, [figure_id for _, _, figure_id in sources]


def _read_claims(
    db, where: str, params: list, article_where: str, article_params: list, share: bool = True, keep_terms: bool = False,
):
    """Claims (``where``, on ``claims c``) with their sentences' entities and their
    articles' (those of ``articles a {article_where}``, a superset of the claims'), their
    rowids, figure ids and stored ``stated_beside`` (None: not traced). ``share``: keep
    each repeated string once (a rebuild holds every claim; an update reading a few
    thousand need not). ``keep_terms``: a traced claim keeps its stored context terms
    (:attr:`~.values.TracedClaim.terms`; a rebuild holds no term lists)."""
    entities: dict[str, list[str]] = {}
    rows = db.execute(
        "select sentence_id, entity_id from entity_mentions where sentence_id in"
        f" (select c.sentence_id from claims c {where}) order by sentence_id, start_char"
        if where else "select sentence_id, entity_id from entity_mentions where sentence_id is not null order by sentence_id, start_char",
        params,
    )  # fmt: skip
    for sentence_id, entity_id in rows:
        named = entities.setdefault(sentence_id, [])
        if entity_id not in named:
            named.append(entity_id)
    story = read_article_names(db, article_where, article_params)
    # Rows read one at a time, and the strings that repeat (an article's path, title and
    # date; a sentence shared by its claims) kept once: every claim is held at once. A
    # claim's own strings (id, surface, context) are not looked up: they rarely repeat.
    shared: dict[str, str] = {}
    claims, rowids, figure_ids, stated = [], [], [], []
    for row in db.execute(f"{_CLAIM_SELECT} {where}", params):  # the columns of TracedClaim, in order
        if share:
            claim = TracedClaim(*(shared.setdefault(v, v) if type(v) is str and n not in _OWN_COLUMNS else v
                                  for n, v in enumerate(row[:-4])))  # fmt: skip
        else:
            claim = TracedClaim(*row[:-4])
        claim.entities = entities.get(claim.sentence_id, [])
        claim.story = story.get(claim.article_id, ())
        if keep_terms and row[-3] is not None:
            claim.terms = read_terms(row[-3])
        claims.append(claim)
        stated.append(row[-4])
        rowids.append(row[-2])
        figure_ids.append(row[-1])
    return claims, rowids, figure_ids, stated


# Columns of _CLAIM_SELECT that are the claim's own (not shared with other claims).
_OWN_COLUMNS = frozenset({0, 2, 13})  # id, surface, context


def load_figure_summaries(db: sqlite_utils.Database, figure_ids: list[str]) -> dict[str, tuple[list[TracedClaim], str, tuple]]:
    """For each of these stored figures: its claims as far as a figure's row reads them
    (values, units, qualifiers, subjects, credit, article dates; no sentence, context or
    entities: far cheaper to read than :func:`load_claims_by_rowid`; a mutation compares
    its origin's entities too, so that is read in full), its origin claim's id and the
    kinds of change its mutations saw."""
    found: dict[str, tuple[list[TracedClaim], str, tuple]] = {}
    for figure_id, first, kinds in db.execute(
        "select id, first_claim_id, kinds_seen from figures where id in (select value from json_each(?))",
        [json.dumps(figure_ids)],
    ):  # fmt: skip
        found[figure_id] = ([], first, tuple(json.loads(kinds or "[]")))
    rows = db.execute(
        f"select c.figure_id, {', '.join('c.' + c for c in CLAIM_COLUMNS)}, a.path, a.title, a.published, c.scope"
        " from claims c join articles a on a.id = c.article_id where c.figure_id in (select value from json_each(?))"
        " order by c.rowid",
        [json.dumps(sorted(found))],
    )  # fmt: skip
    for figure_id, *columns in rows:
        *own, path, title, published, scope = columns
        found[figure_id][0].append(TracedClaim(*own, path=path, title=title, published=published, scope=scope))
    return found


def figures_are_stale(db: sqlite_utils.Database) -> bool:
    """Whether some claim has no figure (an edit dissolved it, or a run stopped before tracing)."""
    return db.execute("select exists(select 1 from claims where figure_id is null)").fetchone()[0] == 1


def block_order(claim: TracedClaim) -> tuple:
    """The order claims are clustered in (which decides ties, so a rebuild is repeatable)."""
    return claim.article_id, claim.start_char


@contextmanager
def collection_paused():
    """Python's cyclic garbage collector held off within (a ``with`` block or a function it
    decorates), then restored as it was. Tracing builds hundreds of thousands of claim
    objects that live to its end and form no cycles, and each collection their allocation
    set off walked all of them again (an update of 10,000 claims among 1,000,000: 63 s with
    it, 55 s without; rebuilding 300,000: 165 s, 132 s). Freed objects are still freed at
    once by reference counting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@collection_paused()
def rebuild_figures(db: sqlite_utils.Database, progress: Progress | None = None) -> int:
    """Recompute every figure and mutation from the stored claims, and the word counts
    later updates weigh by; the store replaces them in one transaction
    (:func:`~pipeline.store.replace_figures`). Returns the number of figures.
    ``progress`` (stage, done, total) follows the stages that take long: reading the claims
    (:data:`READING`), finding blocks and clustering them
    (:func:`~pipeline.tracing.clustering.cluster_blocks`), writing (:data:`WRITING`,
    figures written) and indexing the claims (:data:`~.reach.INDEXING`)."""
    if progress:
        progress(READING, 0, db.execute("select count(*) from claims").fetchone()[0])
    claims, rowids, _, _ = _read_claims(db, "", [], "", [])  # (costated worked out again: canonical)
    if progress:
        progress(READING, len(claims), len(claims))
    order = sorted(range(len(claims)), key=lambda n: block_order(claims[n]))
    claims, rowids = [claims[n] for n in order], [rowids[n] for n in order]
    # Weighed once: the rows serve clustering, then tell the postings each claim's words.
    vectors, counts = context_weighed(claims, None)
    figures, weights = figures_in_blocks(claims, progress=progress, weighed=(vectors, counts))
    weights.through = db.execute("select coalesce(max(rowid), 0) from claims").fetchone()[0]
    postings = posting_rows(claims, rowids, progress, weighed=(vectors, sorted(counts.counts)))
    replace_figures(db, figure_batches(figures, progress), term_rows(weights), postings, range_posting_rows(db))
    return len(figures)


READING, WRITING = "reading claims", "writing"


# Figures whose rows are made and written at once by a rebuild.
FIGURE_BATCH = 2_000


def figure_batches(figures: list[Figure], progress: Progress | None = None):
    """The figures' rows for :func:`~pipeline.store.replace_figures`, :data:`FIGURE_BATCH`
    figures at a time: (figure rows, mutation rows, assignments: see :func:`rows_of`)."""
    for start in range(0, len(figures), FIGURE_BATCH):
        if progress:
            progress(WRITING, start, len(figures))
        yield rows_of(figures[start : start + FIGURE_BATCH])
    if progress:
        progress(WRITING, len(figures), len(figures))


def rows_of(figures: list[Figure]) -> tuple[list[tuple], list[tuple], list[tuple[str, str, str, str]]]:
    """The store's rows of these figures: figure rows, mutation rows and (figure id,
    :func:`~.values.stated_beside`, :func:`~.distance.stored_terms`, claim id) assignments, as
    :func:`~pipeline.store.replace_figures` and :func:`~pipeline.store.update_figures` take
    them."""
    figure_rows, mutation_rows, assignments = [], [], []
    analyze = context_analyzer()
    for figure in figures:
        row, mutations = figure.rows()
        figure_rows.append(row)
        mutation_rows.extend(mutations)
        assignments.extend((figure.id, stated_beside(claim), stored_terms(claim, analyze), claim.id)
                           for claim in figure.claims if figure.appended is None or claim.id in figure.appended)  # fmt: skip
    return figure_rows, mutation_rows, assignments


# The row of ``trace_terms`` holding the last claim rowid whose words are counted.
COUNTED, THROUGH = "counted", "rowid"


def term_rows(weights: Weights):
    """The word counts as rows of ``trace_terms`` (each space's total on the term '')."""
    yield COUNTED, THROUGH, weights.through
    for space, counts in ((CONTEXT, weights.context), (STORY, weights.story)):
        if counts is None:
            continue
        yield space, "", counts.documents
        for term, documents in counts.counts.items():
            yield space, term, documents


def stored_weights(db: sqlite_utils.Database) -> Weights | None:
    """The word counts of the last rebuild (None when there are none)."""
    spaces: dict[str, TermCounts] = {}
    through = 0
    for space, term, documents in db.execute("select space, term, documents from trace_terms"):
        if space == COUNTED:
            through = documents
            continue
        counts = spaces.setdefault(space, TermCounts(0))
        if term == "":
            counts.documents = documents
        else:
            counts.counts[term] = documents
    if CONTEXT not in spaces or STORY not in spaces:
        return None
    return Weights(spaces[CONTEXT], spaces[STORY], through)
