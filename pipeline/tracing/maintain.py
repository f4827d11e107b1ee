"""Maintenance: figures kept up to date after each ingest at the cost of what changed.

A claim with no figure (new, or left by a figure an edit or a new date dissolved) is
*dirty*. An update

1. reads the dirty claims and the stored claims they can link to (those of a value they
   reach that share a word, their article or a value stated beside them, found through
   the index ``trace_postings`` and the rows added to it since it was last written whole,
   ``trace_postings_added``: :mod:`pipeline.tracing.reach`; read only as far as
   comparing needs, :func:`~.figures.load_compared_claims`), and adds the new
   claims' words to the stored word counts (``trace_terms``), so words weigh what they
   weigh in the whole corpus;
2. links each dirty claim to the stored claims close enough to be one figure with it
   (:func:`~pipeline.tracing.clustering.reaching_groups`): the blocks of those claims
   (``figures.block_id``) are the ones it joins;
3. clusters those blocks and the dirty claims again, as the full rebuild clusters them,
   and writes only the figures whose members or block changed. Blocks are re-clustered
   whole up to :data:`BLOCK_LIMIT` claims in all (the smallest first), then the figures
   dirty claims join in other blocks a rebuild clusters in one part, up to
   :data:`JOINED_LIMIT` claims; the figures the
   re-clustering makes that reach further figures of large blocks join the nearest of them
   by average linkage (:func:`_join_large_figures`), which are not re-clustered: each is
   compared by the members the update read already, then by :data:`JOIN_SAMPLE` of its
   members at most, and when the joining claims come after its origin it is *appended*
   to (its row and their mutations written; its other members and mutations stay).

Figures never cross blocks, and a new claim changes only the blocks it joins, so with the
same word counts an update gives the rebuild's figures (a test holds it to that on the
demo corpus). It differs where blocks are large, and where word weights moved since a
block was last clustered; ``benchmarks/figures_order.py`` measures by how much. The
rebuild runs instead (:func:`needs_rebuild`) when there is nothing to update from, when
the corpus is small enough for a rebuild to take seconds (or for word rarity to settle),
or when much of it changed;
``analyze rebuild`` runs it on demand.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from ..store import update_figures as store_updates
from .columns import ClaimColumns
from .clustering import MAX_GROUP, Weights, context_weighed, _Links, reaching_groups
from .distance import _Features, context_document, context_terms
from .figures import (
    Figure, collection_paused, figure_id_for, figures_in_blocks, load_claims_by_rowid, load_compared_claims,
    load_figure_summaries, ReadToCompare, rebuild_figures, rows_of, stored_weights, term_rows,
)
from .reach import posting_rows, range_posting_rows, reachable_rowids
from .vectors import context_analyzer, count_terms
from .values import APART, DISTANCE_THRESHOLD, STORY_CORPUS, TracedClaim

if TYPE_CHECKING:
    import sqlite_utils

# Claims of the stored blocks an update re-clusters whole, at most (the smallest of those
# new claims join first); of the other blocks it re-clusters at most JOINED_LIMIT claims
# of the figures new claims join. What keeps the cost of an update bounded where long chains of close values make
# blocks of thousands, or a batch of articles joins hundreds (at the price of exactness there).
BLOCK_LIMIT = 2000
# Claims of the figures new claims join in larger blocks that an update re-clusters with
# them, at most (the smallest figures first); new claims join the others by average
# linkage. The budget that keeps B-cubed agreement with a rebuild above 0.99 on the
# densest corpus measured (benchmarks/figures_order.py; generated 2,000: 0.9908 at 4,000
# and at 8,000, 0.9832 at 2,000; 20 articles added to 16,000, against their rebuild:
# 0.9900 at 4,000, 0.9899 at 8,000) while an update stays seconds.
JOINED_LIMIT = 4000
# Stored claims found through context words that an update compares each new claim with,
# at most: those sharing the most of its words by weight (see reach.reachable_rowids).
# Where common words are shared by most of a large corpus, the rest are the claims a new
# claim was never going to be one figure with, and reading them was most of an update
# (generated 2,000: B-cubed 0.9913 at 200, 0.9909 at 50; 20 articles added to 16,000:
# 38,269 claims reached at 200, 13,831 at 50 with the commonest words not probed).
REACH_PER_CLAIM = 50
# Index rows updates add apart, per claim counted, past which an update folds them into
# the index (pipeline.store.figures.fold_postings): about a tenth of it, as claims hold
# nine keys or so. Each fold writes the index's pages once for several updates, where
# adding rows to it one by one wrote them at every update (1,000,000 claims: writing an
# update 1.5 -> 0.95 s; folding a tenth of the index in, 1.3 s, once per ten such updates).
FOLD_POSTINGS_PER_CLAIM = 1
# Claims below which figures are always rebuilt: a rebuild takes seconds there and gives
# the canonical figures whatever order the articles came in (updates pay off beyond).
UPDATE_FROM_CLAIMS = 10_000
# Share of the claims that may be dirty for an update to be worth it: past it, rebuild.
REBUILD_SHARE = 0.25


def update_figures(db: sqlite_utils.Database, progress=None) -> int:
    """Bring the figures up to date with the stored claims (call under the write lock, as
    :func:`pipeline.runner.ingest_paths` does): an update of the blocks dirty claims join,
    or the full rebuild when :func:`needs_rebuild` says so (which ``progress`` follows, as
    :func:`~pipeline.tracing.rebuild_figures` tells it). Returns the number of figures."""
    if needs_rebuild(db):
        return rebuild_figures(db, progress)
    dirty = [r[0] for r in db.execute("select rowid from claims where figure_id is null")]
    if dirty:
        update_blocks(db, dirty)
    return db.execute("select count(*) from figures").fetchone()[0]


def needs_rebuild(db: sqlite_utils.Database) -> bool:
    """Whether figures must be rebuilt in full rather than updated: no word counts, block
    ids, claim index or claims' costated keys and words stored (a new database, or one made
    before updates), fewer claims than :data:`UPDATE_FROM_CLAIMS` or articles than
    :data:`STORY_CORPUS`, or more than :data:`REBUILD_SHARE` of the claims dirty."""
    counted = db.execute("select documents from trace_terms where space = 'context' and term = ''").fetchone()
    if counted is None or db.execute("select exists(select 1 from figures where block_id is null)").fetchone()[0]:
        return True
    if db.execute(
        "select not exists(select 1 from trace_postings) and not exists(select 1 from trace_postings_added)"
        " and exists(select 1 from claims where value is not null)"
    ).fetchone()[0]:  # fmt: skip
        return True  # (made before claims were indexed)
    if not db.execute("select exists(select 1 from trace_range_postings)").fetchone()[0] and db.execute(
        "select exists(select 1 from claims where value_high > value)"
    ).fetchone()[0]:
        return True  # (made before ranges were indexed)
    if db.execute(
        "select stated_beside is null or context_terms is null from claims where figure_id is not null limit 1"
    ).fetchone() == (1,):
        return True  # (traced before claims kept their costated keys and words)
    # Claims and articles counted only as far as each test needs (counting them all would
    # read every claim's index entry at every ingest: work that grows with the corpus).
    dirty = db.execute("select count(*) from claims where figure_id is null").fetchone()[0]
    enough = max(UPDATE_FROM_CLAIMS, int(dirty / REBUILD_SHARE) + 1)
    claims = db.execute("select count(*) from (select 1 from claims limit ?)", [enough]).fetchone()[0]
    articles = db.execute("select count(*) from (select distinct article_id from claims limit ?)", [STORY_CORPUS]).fetchone()[0]
    return claims < UPDATE_FROM_CLAIMS or articles < STORY_CORPUS or dirty > REBUILD_SHARE * claims


@collection_paused()
def update_blocks(db: sqlite_utils.Database, dirty: list[int]) -> dict:
    """Trace the claims of rowids ``dirty`` into the stored figures (see the module's
    docstring); returns counts of what was done (for benchmarks and tests)."""
    weights = stored_weights(db)
    known: dict = {}
    new, new_rowids, _ = _read_with_terms(db, dirty, known)
    # Claims past the last one counted were never counted nor indexed; the others were
    # (those of figures an edit or a new date dissolved).
    fresh = [n for n, rowid in enumerate(new_rowids) if rowid > weights.through]
    again = [n for n, rowid in enumerate(new_rowids) if rowid <= weights.through]

    def new_of(numbers: list[int]) -> tuple[list[TracedClaim], list[int]]:
        return [new[n] for n in numbers], [new_rowids[n] for n in numbers]

    counted = _count_new_words(db, weights, *new_of(fresh))
    reached = reachable_rowids(db, new, new_rowids, weights.context, REACH_PER_CLAIM)
    compared = ReadToCompare(db)  # (stored claims read only to compare: see load_compared_claims)
    stored, _, stored_figures = load_compared_claims(db, reached - set(new_rowids), known, compared)
    claims = ClaimColumns.concat([ClaimColumns.of(new), stored])
    is_new = np.array([True] * len(new) + [False] * len(stored), dtype=bool)
    vectors, _ = context_weighed(claims, weights.context)
    features = _Features(claims, weights.story, lazy_stories=True)
    groups = reaching_groups(claims, vectors, DISTANCE_THRESHOLD, features, is_new)
    # the stored figures each group reaches
    reached_by = [{stored_figures[i - len(new)] for i in group if i >= len(new)} for group in groups]
    joined = sorted(set().union(*reached_by))
    block_of = dict(db.execute(
        "select id, block_id from figures where id in (select value from json_each(?))", [json.dumps(joined)]
    ).fetchall())  # fmt: skip
    sizes = dict(db.execute(
        "select block_id, sum(n_claims) from figures where block_id in (select value from json_each(?)) group by block_id",
        [json.dumps(sorted(set(block_of.values())))],
    ).fetchall())  # fmt: skip
    # The smallest blocks whole, as long as they add up to BLOCK_LIMIT claims.
    whole_blocks, total = [], 0
    for block_id, size in sorted(sizes.items(), key=lambda item: (item[1], item[0])):
        if total + size > BLOCK_LIMIT:
            break
        whole_blocks.append(block_id)
        total += size
    large = set(sizes) - set(whole_blocks)
    # Then the smallest figures new claims join in the other blocks, up to JOINED_LIMIT
    # claims, of blocks a rebuild clusters in one part (MAX_GROUP: figures of two parts of
    # a larger block never merge, and re-clustering them together would merge them), and
    # only those new claims reach together with another (which they may merge): one they
    # reach alone is joined or not by average linkage (re-clustering could also split it
    # where word weights moved: a rebuild decides that), and so are the rest, not
    # re-clustered (_join_large_figures).
    together = set().union(*(figure_ids for figure_ids in reached_by if len(figure_ids) > 1))
    reclustered, total = [], 0
    for figure_id, size in db.execute(
        "select id, n_claims from figures where id in (select value from json_each(?)) order by n_claims, id",
        [json.dumps(sorted(f for f in joined if block_of[f] in large and sizes[block_of[f]] <= MAX_GROUP and f in together))],
    ):  # fmt: skip
        if total + size > JOINED_LIMIT:
            break
        reclustered.append(figure_id)
        total += size
    # new claim id -> the figures of large blocks it reaches that are not re-clustered
    reached_large: dict[str, set[str]] = {}
    for group, figure_ids in zip(groups, reached_by):
        far = {f for f in figure_ids if block_of.get(f) in large}.difference(reclustered)
        for i in group:
            if far and i < len(new):
                reached_large.setdefault(claims[i].id, set()).update(far)
    members = [r[0] for r in db.execute(
        "select c.rowid from claims c join figures f on f.id = c.figure_id"
        " where f.block_id in (select value from json_each(?)) or f.id in (select value from json_each(?))",
        [json.dumps(sorted(whole_blocks)), json.dumps(reclustered)],
    )]  # fmt: skip
    region, _, region_figures = _read_with_terms(db, set(members) | set(new_rowids), known)
    was: dict[str, set[str]] = {}
    for claim, figure_id in zip(region, region_figures):
        if figure_id is not None:
            was.setdefault(figure_id, set()).add(claim.id)
    figures, _ = figures_in_blocks(region, weights=weights, marked=True)
    in_large = {c.id: block_of[f] for c, f in zip(region, region_figures) if block_of.get(f) in large}
    reached_members: dict[str, list[int]] = {}  # (figure id -> its members in ``stored``)
    for n, figure_id in enumerate(stored_figures):
        reached_members.setdefault(figure_id, []).append(n)
    figures, gained, merges = _join_large_figures(
        db, figures, reached_large, in_large, block_of, weights, known, (stored, reached_members), compared)  # fmt: skip
    was.update(gained)
    old_blocks = dict(db.execute(
        "select id, block_id from figures where id in (select value from json_each(?))", [json.dumps(sorted(was))]
    ).fetchall())  # fmt: skip
    changed, appended, moves, kept = [], [], [], set()
    for figure in figures:
        if figure.appended is not None:
            appended.append(figure)
        elif was.get(figure.id) == {c.id for c in figure.claims}:
            kept.add(figure.id)
            if old_blocks.get(figure.id) != figure.block_id:
                moves.append((figure.block_id, figure.id))
        else:
            changed.append(figure)
    figure_rows, mutation_rows, assignments = rows_of(changed)
    updated_rows, appended_mutations, appended_assignments = rows_of(appended)
    # A stored figure of an id written now is replaced, whatever claims still point at it.
    written = json.dumps([row[0] for row in figure_rows])
    stale = {r[0] for r in db.execute("select id from figures where id in (select value from json_each(?))", [written])}
    dropped = sorted((set(was) - kept - {f.id for f in appended}) | stale)
    store_updates(
        db, dropped, figure_rows, mutation_rows + appended_mutations, assignments + appended_assignments, moves, merges,
        counted, posting_rows(*new_of(fresh)), updated_rows=updated_rows, range_postings=range_posting_rows(db, new_rowids),
        reposted=posting_rows(*new_of(again)), fold_over=FOLD_POSTINGS_PER_CLAIM * weights.context.documents,
    )  # fmt: skip
    return {"dirty": len(new), "reached": len(stored), "blocks": len(sizes), "large": len(large),
            "region": len(region), "joined": len(gained), "appended": len(appended), "written": len(figure_rows) + len(updated_rows),
            "dropped": len(dropped)}  # fmt: skip


def _join_large_figures(
    db, figures: list[Figure], reached_large: dict, in_large: dict, block_of: dict, weights: Weights, known: dict,
    reached_members: tuple[ClaimColumns, dict], compared: ReadToCompare,
):
    """Join each re-clustered figure holding a new claim that reaches figures of large
    blocks (``reached_large``: new claim id -> figure ids) to the nearest of those by
    average linkage (the mean distance of their pairs under the threshold, as the
    clustering merges), without re-clustering the large figure; give the blocks so
    reached, or holding claims re-clustered (``in_large``: claim id -> block id), one id
    (the smallest; the others merge into it). Returns the figures (joined
    ones as the large figure grown), the members each grown large figure had (figure
    id -> claim ids) and the block merges (kept block id, merged block id).

    A large figure is compared by its members the update read already
    (``reached_members``: the claims read, as columns, and figure id -> their indices
    there; those sharing the most words with the new ones) first: one whose mean
    distance from them is at the threshold or over is left (its other members, sharing
    fewer words, mostly are further); the
    :data:`JOIN_CANDIDATES` nearest of the rest by at most :data:`JOIN_SAMPLE` of their
    members, spread evenly over them, so a figure of thousands of claims costs what one of
    a few dozen does. A large figure grown by claims later than its origin is appended to
    (:attr:`~.figures.Figure.appended`), its members read light
    (:func:`~.figures.load_figure_summaries`) and its origin in full."""
    reaching = [(figure, set().union(*(reached_large.get(c.id, ()) for c in figure.claims))) for figure in figures]
    touched: dict[str, set[str]] = {}
    for figure in figures:
        blocks = {in_large[c.id] for c in figure.claims if c.id in in_large}
        if blocks:
            touched.setdefault(figure.block_id, set()).update(blocks)
    kept = [figure for figure, targets in reaching if not targets]
    askers = [(figure, sorted(targets)) for figure, targets in reaching if targets]
    for figure, targets in askers:
        touched.setdefault(figure.block_id, set()).update(block_of[t] for t in targets)
    grown, apart, rowids_of = _nearest_large(db, askers, reached_members, weights, known, compared) if askers else ({}, [], {})
    kept.extend(apart)
    # A grown figure whose origin stays is appended to (its row and the joining claims'
    # mutations written, its members read only as far as its row needs); one that a
    # joining claim comes before is written again whole.
    gained, whole, appending = {}, {}, {}
    stored_of = load_figure_summaries(db, sorted(grown))
    for target, joining in grown.items():
        members, first, kinds = stored_of[target]
        joined = [c for f in joining for c in f.claims]
        claims = sorted(members + joined, key=lambda c: c.order_key)
        gained[target] = {c.id for c in members}
        if claims[0].id == first:
            appending[target] = (claims, joined, kinds)
        else:
            whole[target] = joined
    # (an origin read in full: the joining claims' mutations compare its sentence's names)
    origins, _, _ = load_claims_by_rowid(db, [r[0] for r in db.execute(
        "select rowid from claims where id in (select value from json_each(?))",
        [json.dumps(sorted(claims[0].id for claims, _, _ in appending.values()))],
    )], known)  # fmt: skip
    origin_of = {c.id: c for c in origins}
    for target, (claims, joined, kinds) in appending.items():
        claims[0] = origin_of[claims[0].id]
        kept.append(Figure(target, claims, grown[target][0].block_id, frozenset(c.id for c in joined), kinds))
    if whole:
        members, _, member_figures = load_claims_by_rowid(db, [r for t in whole for r in rowids_of[t]], known)
        members_of: dict[str, list[TracedClaim]] = {}
        for claim, figure_id in zip(members, member_figures):
            members_of.setdefault(figure_id, []).append(claim)
        for target, joined in whole.items():
            claims = sorted(members_of[target] + joined, key=lambda c: c.order_key)
            kept.append(Figure(figure_id_for(claims[0].id), claims, grown[target][0].block_id))
    # Blocks reached together are one (chains of them too): each named by its smallest id
    # (block ids numbered in order, so the smallest number of a group is its smallest id).
    blocks = sorted(set().union(*touched.values()))
    number = {block: n for n, block in enumerate(blocks)}
    links = _Links(len(blocks))
    for reached in touched.values():
        first, *others = sorted(number[b] for b in reached)
        links.union(np.full(len(others), first, dtype=np.int64), np.array(others, dtype=np.int64))
    roots = links.roots(np.arange(len(blocks))).tolist()
    merges = sorted((blocks[root], blocks[n]) for n, root in enumerate(roots) if root != n)
    renamed = {block_id: blocks[roots[number[min(reached)]]] for block_id, reached in touched.items()}
    for figure in kept:
        figure.block_id = renamed.get(figure.block_id, figure.block_id)
    return kept, gained, merges


def _nearest_large(
    db, askers: list, reached_members: tuple[ClaimColumns, dict], weights: Weights, known: dict, compared: ReadToCompare,
):
    """For the asking (figure, large figure ids) pairs of :func:`_join_large_figures`: the
    large figures joined (id -> the figures joining it), the asking figures that join none,
    and the rowids of the members of each large figure compared by a sample."""
    # The targets still near after their read members, then each by a sample of its own.
    near = _nearest_targets(askers, *reached_members, weights)
    askers = [(figure, _nearest(targets, means)) for (figure, targets), means in zip(askers, near)]
    rowids_of: dict[str, list[int]] = {}
    for rowid, figure_id in db.execute(
        "select rowid, figure_id from claims where figure_id in (select value from json_each(?)) order by rowid",
        [json.dumps(sorted({t for _, targets in askers for t in targets}))],
    ):  # fmt: skip
        rowids_of.setdefault(figure_id, []).append(rowid)
    sample = {t: _spread(rowids, JOIN_SAMPLE) for t, rowids in rowids_of.items()}
    stored, stored_rowids, _ = load_compared_claims(db, [r for rowids in sample.values() for r in rowids], known, compared)
    at = {rowid: n for n, rowid in enumerate(stored_rowids)}
    means = _nearest_targets(askers, stored, {t: [at[r] for r in rowids] for t, rowids in sample.items()}, weights)
    grown: dict[str, list[Figure]] = {}
    apart = []
    for (figure, targets), distances in zip(askers, means):
        best = int(np.argmin(distances)) if targets else -1  # (the first of equal means: targets in id order)
        if targets and distances[best] < DISTANCE_THRESHOLD:
            grown.setdefault(targets[best], []).append(figure)
        else:
            apart.append(figure)
    return grown, apart, rowids_of


# Large figures a re-clustered figure is compared with by a sample of their members, at
# most: the nearest by the members the update read already (20 articles added to 16,000:
# the same B-cubed agreement with their rebuild, 0.9898, at 2 as at 3, 0.9897 at 1).
JOIN_CANDIDATES = 2


def _nearest(targets: list[str], means: np.ndarray) -> list[str]:
    """Of ``targets`` (in id order), the :data:`JOIN_CANDIDATES` of the lowest ``means``
    under the threshold, in id order."""
    near = sorted((mean, n) for n, mean in enumerate(means.tolist()) if mean < DISTANCE_THRESHOLD)[:JOIN_CANDIDATES]
    return [targets[n] for n in sorted(n for _, n in near)]


# Members of a large figure a re-clustered figure is compared with, at most, to join it:
# the mean distance to a dozen or two members spread over it stands for the mean to all
# of them (generated 2,000: B-cubed 0.9908 at 8, 16 and 32, 0.9907 at 48; 20 articles
# added to 16,000: 0.9898 at 8, 16 and 32, with the fewest claims placed apart from their
# rebuild at 16: 23,588 against 23,862 at 32 and 24,862 at 8).
JOIN_SAMPLE = 16


def _spread(items: list, most: int) -> list:
    """At most ``most`` of ``items``, spread evenly over them (all when they are fewer)."""
    if len(items) <= most:
        return items
    return [items[i] for i in np.linspace(0, len(items) - 1, most).round().astype(int)]


def _nearest_targets(askers: list, members: ClaimColumns, members_of: dict, weights: Weights) -> list[np.ndarray]:
    """For each asking (figure, target ids), the mean distance of its claims to each
    target's members (``members_of``: target id -> indices in ``members``; a target with
    none is at :data:`APART`)."""
    asking = [c for figure, _ in askers for c in figure.claims]
    taken, index_of = [], {}
    for target in sorted({t for _, targets in askers for t in targets}):
        at = members_of.get(target, [])
        index_of[target] = list(range(len(asking) + len(taken), len(asking) + len(taken) + len(at)))
        taken.extend(at)
    if not taken:
        return [np.full(len(targets), APART) for _, targets in askers]
    pool = ClaimColumns.concat([ClaimColumns.of(asking), members.take(taken)])
    vectors, _ = context_weighed(pool, weights.context)
    features = _Features(pool, weights.story)
    # Each asker's targets in batches of members (up to JOIN_PAIRS pairs), and the batches
    # of many askers worked out together (_run_means): few distance computations.
    units, start = [], 0
    for n, (figure, targets) in enumerate(askers):
        rows = np.arange(start, start + len(figure.claims))
        start += len(figure.claims)
        present = [t for t in targets if index_of[t]]
        units.extend((n, rows, batch) for batch in _target_batches(present, index_of, len(rows)))
    means = [dict.fromkeys(targets, APART) for _, targets in askers]
    for run in _unit_runs(units, index_of):
        for (n, _, batch), found in zip(run, _run_means(features, vectors, run, index_of)):
            means[n].update(zip(batch, found))
    return [np.array([found[t] for t in targets]) for found, (_, targets) in zip(means, askers)]


# Pairs whose distances are held at once while joining figures to large ones (~165 bytes
# each while computed).
JOIN_PAIRS = 1 << 20


def _target_batches(ordered: list[str], members_of: dict, rows: int):
    """``ordered`` targets in runs whose members, times ``rows``, make at most
    :data:`JOIN_PAIRS` pairs (one target a run at least)."""
    batch, pairs = [], 0
    for target in ordered:
        size = rows * len(members_of[target])
        if batch and pairs + size > JOIN_PAIRS:
            yield batch
            batch, pairs = [], 0
        batch.append(target)
        pairs += size
    if batch:
        yield batch


def _unit_runs(units: list, index_of: dict):
    """``units`` (asker number, rows, targets) in runs whose rows times members (the
    cosines worked out at once) stay within :data:`JOIN_PAIRS` (one unit a run at least)."""
    run, rows, cols = [], 0, 0
    for unit in units:
        n, unit_rows, batch = unit
        more_rows = len(unit_rows) if not run or run[-1][0] != n else 0  # (an asker's batches share its rows)
        more_cols = sum(len(index_of[t]) for t in batch)
        if run and (rows + more_rows) * (cols + more_cols) > JOIN_PAIRS:
            yield run
            run, rows, cols, more_rows = [], 0, 0, len(unit_rows)
        run.append(unit)
        rows += more_rows
        cols += more_cols
    if run:
        yield run


def _run_means(features: _Features, vectors, run: list, index_of: dict) -> list[np.ndarray]:
    """For each unit (asker number, rows, targets) of ``run``, the mean distance (APART at
    most per pair) of its claims ``rows`` to each target's members. The cosines come from
    one product and the distances from one call for the whole run; each pair's are what
    they are alone (a product's entry is summed over its row's terms whatever else is
    multiplied, and :meth:`~.distance._Features.pair_distances` works pair by pair), and
    each unit's block is summed as a matrix of its own, so the means are those of one
    unit at a time."""
    rows = np.unique(np.concatenate([unit_rows for _, unit_rows, _ in run]))
    cols = np.unique(np.concatenate([index_of[t] for _, _, batch in run for t in batch]))
    cosine = np.clip(1.0 - (vectors[rows] @ vectors[cols].T).toarray(), 0.0, 1.0)
    members = [np.concatenate([index_of[t] for t in batch]) for _, _, batch in run]
    pair_rows = np.concatenate([np.repeat(unit_rows, len(c)) for (_, unit_rows, _), c in zip(run, members)])
    pair_cols = np.concatenate([np.tile(c, len(unit_rows)) for (_, unit_rows, _), c in zip(run, members)])
    distances = features.pair_distances(
        pair_rows, pair_cols, cosine[np.searchsorted(rows, pair_rows), np.searchsorted(cols, pair_cols)]
    )
    distances = np.minimum(distances, APART)
    found, at = [], 0
    for (_, unit_rows, batch), c in zip(run, members):
        block = distances[at : at + len(unit_rows) * len(c)].reshape(len(unit_rows), len(c))
        at += block.size
        sizes = np.array([len(index_of[t]) for t in batch])
        found.append(np.add.reduceat(block.sum(axis=0), np.cumsum(sizes) - sizes) / (sizes * len(unit_rows)))
    return found


def _read_with_terms(db: sqlite_utils.Database, rowids, known: dict):
    """:func:`~.figures.load_claims_by_rowid`, each claim read keeping its context's terms:
    an update weighs many of the claims it reads more than once."""
    claims, rowids, figure_ids = load_claims_by_rowid(db, rowids, known)
    analyze = context_analyzer()
    for claim in claims:
        if claim.terms is None:
            claim.terms = analyze(context_document(claim))
    return claims, rowids, figure_ids


def _count_new_words(db: sqlite_utils.Database, weights: Weights, claims: list[TracedClaim], rowids: list[int]) -> list[tuple]:
    """Add to ``weights`` the words of these claims, stored since words were last counted
    (rowids past the one counted through), and the names of their articles (those with no
    claim counted before): the rows to add to ``trace_terms``, so each update weighs
    words as the corpus it is part of. (Claims removed since stay counted until a rebuild.)"""
    if not claims:
        return []
    through = weights.through
    analyze = context_analyzer()
    new_articles = {r[0] for r in db.execute(
        "select article_id from claims where article_id in (select value from json_each(?)) group by article_id having min(rowid) > ?",
        [json.dumps(sorted({c.article_id for c in claims})), through],
    )}  # fmt: skip
    stories = {c.article_id: list(c.story) for c in claims if c.article_id in new_articles}
    added = Weights(count_terms([context_terms(c, analyze) for c in claims]), count_terms(list(stories.values())))
    weights.context.add(added.context)
    weights.story.add(added.story)
    weights.through = max(rowids)
    added.through = weights.through - through  # (the store adds each row to the stored one)
    return list(term_rows(added))
