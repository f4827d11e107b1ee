"""Maintenance: figures kept up to date after each ingest at the cost of what changed.

A claim with no figure (new, or left by a figure an edit or a new date dissolved) is
*dirty*. An update

1. reads the dirty claims and the stored claims whose values they can reach (by kind and
   value band, as blocking compares them: :func:`_reachable_rowids`), and adds the new
   claims' words to the stored word counts (``trace_terms``), so words weigh what they
   weigh in the whole corpus;
2. links each dirty claim to the stored claims close enough to be one figure with it
   (:func:`~pipeline.tracing.clustering.reaching_groups`): the blocks of those claims
   (``figures.block_id``) are the ones it joins;
3. clusters those blocks and the dirty claims again, as the full rebuild clusters them,
   and writes only the figures whose members or block changed. Blocks are re-clustered
   whole up to :data:`BLOCK_LIMIT` claims in all (the smallest first); of larger ones
   only the figures dirty claims join are.

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
import math

import numpy as np
import sqlite_utils

from ..claims.units import dimension, units_of_dimension
from ..store import update_figures as store_updates
from .clustering import Weights, reaching_groups, _context_weighed
from .distance import _Features, context_document
from .figures import figures_in_blocks, load_claims_by_rowid, rebuild_figures, stored_weights, term_rows
from .vectors import context_analyzer, count_terms
from .values import DISTANCE_THRESHOLD, EXACT_KINDS, MAX_VALUE_RATIO, STORY_CORPUS, TracedClaim

# Claims of the stored blocks an update re-clusters whole, at most (the smallest of those
# new claims join first); of the other blocks it re-clusters only the figures new claims
# join. What keeps the cost of an update bounded where long chains of close values make
# blocks of thousands, or a batch of articles joins hundreds (at the price of exactness there).
BLOCK_LIMIT = 2000
# Claims below which figures are always rebuilt: a rebuild takes seconds there and gives
# the canonical figures whatever order the articles came in (updates pay off beyond).
UPDATE_FROM_CLAIMS = 10_000
# Share of the claims that may be dirty for an update to be worth it: past it, rebuild.
REBUILD_SHARE = 0.25


def update_figures(db: sqlite_utils.Database) -> int:
    """Bring the figures up to date with the stored claims (call under the write lock, as
    :func:`pipeline.runner.ingest_paths` does): an update of the blocks dirty claims join,
    or the full rebuild when :func:`needs_rebuild` says so. Returns the number of figures."""
    if needs_rebuild(db):
        return rebuild_figures(db)
    dirty = [r[0] for r in db.execute("select rowid from claims where figure_id is null")]
    if dirty:
        update_blocks(db, dirty)
    return db.execute("select count(*) from figures").fetchone()[0]


def needs_rebuild(db: sqlite_utils.Database) -> bool:
    """Whether figures must be rebuilt in full rather than updated: no word counts or block
    ids stored (a new database, or one made before updates), fewer claims than
    :data:`UPDATE_FROM_CLAIMS` or articles than :data:`STORY_CORPUS`, or more than
    :data:`REBUILD_SHARE` of the claims dirty."""
    counted = db.execute("select documents from trace_terms where space = 'context' and term = ''").fetchone()
    if counted is None or db.execute("select exists(select 1 from figures where block_id is null)").fetchone()[0]:
        return True
    claims, dirty = db.execute("select count(*), count(*) - count(figure_id) from claims").fetchone()
    articles = db.execute("select count(*) from (select distinct article_id from claims)").fetchone()[0]
    return claims < UPDATE_FROM_CLAIMS or articles < STORY_CORPUS or dirty > REBUILD_SHARE * claims


def update_blocks(db: sqlite_utils.Database, dirty: list[int]) -> dict:
    """Trace the claims of rowids ``dirty`` into the stored figures (see the module's
    docstring); returns counts of what was done (for benchmarks and tests)."""
    weights = stored_weights(db)
    known: dict = {}
    new, new_rowids, _ = load_claims_by_rowid(db, dirty, known)
    counted = _count_new_words(db, weights, new, new_rowids)
    stored, _, stored_figures = load_claims_by_rowid(db, _reachable_rowids(db, new) - set(new_rowids), known)
    claims = new + stored
    is_new = np.array([True] * len(new) + [False] * len(stored), dtype=bool)
    vectors, _ = _context_weighed(claims, weights.context)
    features = _Features(claims, weights.story)
    joined = sorted({
        stored_figures[i - len(new)]
        for group in reaching_groups(claims, vectors, DISTANCE_THRESHOLD, features, is_new)
        if is_new[group].any()
        for i in group if i >= len(new)
    })  # fmt: skip
    sizes = dict(db.execute(
        "select block_id, sum(n_claims) from figures where block_id in"
        " (select block_id from figures where id in (select value from json_each(?))) group by block_id",
        [json.dumps(joined)],
    ).fetchall())  # fmt: skip
    # The smallest blocks whole, as long as they add up to BLOCK_LIMIT claims; of the
    # others only the figures new claims join.
    whole_blocks, total = [], 0
    for block_id, size in sorted(sizes.items(), key=lambda item: (item[1], item[0])):
        if total + size > BLOCK_LIMIT:
            break
        whole_blocks.append(block_id)
        total += size
    whole = json.dumps(sorted(whole_blocks))
    large = set(sizes) - set(whole_blocks)
    members = [r[0] for r in db.execute(
        "select c.rowid from claims c join figures f on f.id = c.figure_id"
        " where f.block_id in (select value from json_each(?)) or f.id in (select value from json_each(?))",
        [whole, json.dumps(joined)],
    )]  # fmt: skip
    region, _, region_figures = load_claims_by_rowid(db, set(members) | set(new_rowids), known)
    was: dict[str, set[str]] = {}
    for claim, figure_id in zip(region, region_figures):
        if figure_id is not None:
            was.setdefault(figure_id, set()).add(claim.id)
    old_blocks = dict(db.execute(
        "select id, block_id from figures where id in (select value from json_each(?))", [json.dumps(sorted(was))]
    ).fetchall())  # fmt: skip
    figures, _ = figures_in_blocks(region, weights=weights, marked=True)
    merges = _keep_large_blocks(figures, region, region_figures, old_blocks, large)
    figure_rows, mutation_rows, assignments, moves, kept = [], [], [], [], set()
    for figure in figures:
        if was.get(figure.id) == {c.id for c in figure.claims}:
            kept.add(figure.id)
            if old_blocks.get(figure.id) != figure.block_id:
                moves.append((figure.block_id, figure.id))
            continue
        row, mutations = figure.rows()
        figure_rows.append(row)
        mutation_rows.extend(mutations)
        assignments.extend((figure.id, claim.id) for claim in figure.claims)
    # A stored figure of an id written now is replaced, whatever claims still point at it.
    written = json.dumps([row[0] for row in figure_rows])
    stale = {r[0] for r in db.execute("select id from figures where id in (select value from json_each(?))", [written])}
    dropped = sorted((set(was) - kept) | stale)
    store_updates(db, dropped, figure_rows, mutation_rows, assignments, moves, merges, counted)
    return {"dirty": len(new), "reached": len(stored), "blocks": len(sizes), "large": len(large),
            "region": len(region), "written": len(figure_rows), "dropped": len(dropped)}  # fmt: skip


def _keep_large_blocks(figures, region, region_figures, old_blocks: dict, large: set) -> list[tuple[str, str]]:
    """Give the figures re-clustered from part of a large block that block's id (the
    smallest, when new claims joined several: the others merge into it); returns the
    merges, (kept block id, merged block id)."""
    if not large:
        return []
    figure_of = {claim.id: figure_id for claim, figure_id in zip(region, region_figures)}
    touched: dict[str, set[str]] = {}
    for figure in figures:
        blocks = {old_blocks.get(figure_of.get(c.id)) for c in figure.claims} & large
        touched.setdefault(figure.block_id, set()).update(blocks)
    merges, renamed = [], {}
    for block_id, blocks in touched.items():
        if blocks:
            keep = min(blocks)
            renamed[block_id] = keep
            merges.extend((keep, other) for other in sorted(blocks - {keep}))
    for figure in figures:
        figure.block_id = renamed.get(figure.block_id, figure.block_id)
    return merges


def _count_new_words(db: sqlite_utils.Database, weights: Weights, claims: list[TracedClaim], rowids: list[int]) -> list[tuple]:
    """Add to ``weights`` the words of the claims stored since words were last counted
    (rowids past the one counted through) and the names of their articles (those with no
    claim counted before): the rows to add to ``trace_terms``, so each update weighs
    words as the corpus it is part of. (Claims removed since stay counted until a rebuild.)"""
    through = weights.through
    fresh = [(claim, rowid) for claim, rowid in zip(claims, rowids) if rowid > through]
    if not fresh:
        return []
    analyze = context_analyzer()
    new_articles = {r[0] for r in db.execute(
        "select article_id from claims where article_id in (select value from json_each(?)) group by article_id having min(rowid) > ?",
        [json.dumps(sorted({c.article_id for c, _ in fresh})), through],
    )}  # fmt: skip
    stories = {c.article_id: list(c.story) for c, _ in fresh if c.article_id in new_articles}
    added = Weights(count_terms([analyze(context_document(c)) for c, _ in fresh]), count_terms(list(stories.values())))
    weights.context.add(added.context)
    weights.story.add(added.story)
    weights.through = max(rowid for _, rowid in fresh)
    added.through = weights.through - through  # (the store adds each row to the stored one)
    return list(term_rows(added))


def _reachable_rowids(db: sqlite_utils.Database, claims: list[TracedClaim]) -> set[int]:
    """Rowids of the stored claims whose values the ``claims`` can be compared with (a
    superset: blocking decides which pairs it compares): those within
    :data:`MAX_VALUE_RATIO` of one of them (the same value, for years and ranks), ranges
    reaching one, and every claim in a physical unit of a dimension one of them is in."""
    intervals, dimensions = [], set()
    for claim in claims:
        if claim.value is None:
            continue
        if claim.unit_factor is not None:
            dimensions.add(dimension(claim.unit))
            continue
        value = claim.value
        top = claim.value_high if claim.value_high is not None else value
        if claim.kind in EXACT_KINDS:
            ends = [value, value]
        else:
            ends = [value / MAX_VALUE_RATIO, value * MAX_VALUE_RATIO, top * MAX_VALUE_RATIO, value]
        low, high = min(ends), max(ends)
        intervals.append((low - abs(low) * 1e-9, high + abs(high) * 1e-9))
    found: set[int] = set()
    for low, high in _merged(intervals):
        # Stored fractions ("a quarter") compare as the percentages they are.
        for scale, kinds in ((1.0, ""), (100.0, " and kind = 'fraction'")):
            found.update(r[0] for r in db.execute(
                f"select rowid from claims where value between ? and ?{kinds}"
                f" union select rowid from claims where value_high >= ? and value <= ?{kinds}",
                [low / scale, high / scale, low / scale / MAX_VALUE_RATIO, high / scale],
            ))  # fmt: skip
    for name in sorted(d for d in dimensions if d):
        units = json.dumps(sorted(units_of_dimension(name)))
        found.update(r[0] for r in db.execute("select rowid from claims where unit in (select value from json_each(?))", [units]))
    return found


def _merged(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Overlapping intervals joined."""
    merged: list[list[float]] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged if not (math.isnan(low) or math.isnan(high))]
