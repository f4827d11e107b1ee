"""Clustering: candidate groups by blocking, TF-IDF contexts, and average-linkage clustering of each group in bounded memory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .values import APART, DISTANCE_THRESHOLD, MAX_VALUE_RATIO, TracedClaim, is_restatement, mark_costated, sentence_members
from .columns import ClaimColumns
from .distance import _Features, context_terms
from .vectors import TermCounts, context_analyzer, weigh


# Claims compared at once while blocking (rows of one array computation).
CHUNK_ROWS = 256
# Columns (claims of reachable value) compared with one chunk of rows at a time.
CHUNK_COLS = 4096
# Pairs whose distances are computed at once while clustering a group.
PAIR_CHUNK = 1 << 15
# The stages a rebuild reports (progress(stage, done, total)): claims compared while
# finding blocks, then claims of the blocks clustered.
BLOCKING, CLUSTERING = "finding blocks", "clustering"
Progress = Callable[[str, int, int], None]

# Claims clustered together at most. Clustering a candidate group takes memory growing with
# its size squared (every pair's distance); in a large corpus long chains of close values
# that share a word (daily market moves, say) make groups of thousands, which are cut at
# their widest value gaps into parts of at most this many claims (~100 MB each).
MAX_GROUP = 2000


def candidate_groups(
    claims: list[TracedClaim], vectors, threshold: float = DISTANCE_THRESHOLD, features: _Features | None = None,
    progress: Progress | None = None,
) -> list[list[int]]:
    """Groups of claims linked by pairs close enough to be one figure (blocking before
    clustering): every average-linkage cluster lies inside one group, so clustering each
    group alone gives the clustering of all claims.

    Claims are bucketed by kind (counted nouns and unknown units share a bucket) and,
    within one, sorted by value, so each claim is compared only with the values after it
    within :data:`MAX_VALUE_RATIO`. Restatements in one sentence join across units.
    ``features`` are the claims' arrays when the caller has them already; ``progress``
    is told of the claims compared, a chunk at a time.
    """
    features = features or _Features(claims)
    links = _Links(len(claims))
    compared, total = 0, int(np.count_nonzero(~np.isnan(features.value)))
    for order, values, reach, stops in _value_buckets(features):
        # Rows in chunks, each against the span of values any of its rows can reach, in
        # chunks of columns too: a run of equal values costs its pairs, never a matrix of them.
        for first in range(0, len(order), CHUNK_ROWS):
            rows = np.arange(first, min(first + CHUNK_ROWS, len(order)))
            last = int(stops[rows].max())
            for start in range(first + 1, last, CHUNK_COLS):
                cols = np.arange(start, min(start + CHUNK_COLS, last))
                reachable = (cols[None, :] > rows[:, None]) & (cols[None, :] < stops[rows][:, None])
                _link_reachable(features, vectors, links, order, rows, cols, reachable, threshold)
            compared += len(rows)
            if progress:
                progress(BLOCKING, compared, total)
    _link_restatements(claims, links, features)
    return links.groups()


def reaching_groups(
    claims: list[TracedClaim] | ClaimColumns, vectors, threshold: float, features: _Features, new: np.ndarray
) -> list[list[int]]:
    """The groups :func:`candidate_groups` would give that hold a claim marked ``new`` (a
    boolean mask), as far as those reach: only pairs with a new claim are compared, so two
    other claims are grouped only through new ones. What an update needs to find the
    stored blocks its new claims join, at the cost of the new claims' pairs alone."""
    links = _Links(len(claims))
    # Where stories are weighed as needed, the pairs close enough before them are linked
    # at the end, once the stories of all their articles are weighed at once.
    pending: list | None = [] if features.stories_deferred else None
    for order, values, reach, stops in _value_buckets(features):
        positions = np.flatnonzero(new[order])
        if not len(positions):
            continue
        # A claim before p reaches it when p's value is within its reach; the claims that
        # do, other than ranges (whose reach runs further), start at ``lowest``.
        plain = _reach_of(values)
        lowest = np.searchsorted(plain, values, side="left")
        ranged = np.flatnonzero(reach != plain)
        for first in range(0, len(positions), CHUNK_ROWS):
            rows = positions[first : first + CHUNK_ROWS]
            low, high = int(lowest[rows].min()), int(stops[rows].max())
            for start in range(low, high, CHUNK_COLS):
                cols = np.arange(start, min(start + CHUNK_COLS, high))
                _link_reaching(features, vectors, links, order, rows, cols, values, reach, stops, threshold, pending)
            # (ranges from ``low`` on are among those columns; of those before, the few
            # reaching this far)
            early = ranged[(ranged < low) & (reach[ranged] >= values[rows[0]])]
            if len(early):
                _link_reaching(features, vectors, links, order, rows, early, values, reach, stops, threshold, pending)
    if pending:
        a, b, cosine = (np.concatenate(parts) for parts in zip(*pending))
        features.load_stories(features.article[np.concatenate([a, b])])
        _link_close(features, links, a, b, cosine, threshold)
    _link_restatements(claims, links, features)
    return links.groups(among=np.flatnonzero(new))


def _link_reaching(features, vectors, links, order, rows, cols, values, reach, stops, threshold, pending=None) -> None:
    """Link the pairs of sorted positions ``rows`` x ``cols`` that candidate_groups compares:
    a column after a row within the row's reach, or before it reaching it."""
    after = (cols[None, :] > rows[:, None]) & (cols[None, :] < stops[rows][:, None])
    before = (cols[None, :] < rows[:, None]) & (values[rows][:, None] <= reach[cols][None, :])
    _link_reachable(features, vectors, links, order, rows, cols, after | before, threshold, pending)


def _value_buckets(features: _Features):
    """Per bucket of claims that may be compared (a measure's kind; counted nouns and
    numbers with no unit together), in the order of their first claims: its claims sorted
    by value (indices), their values, how far each reaches (:func:`_reach_of` its value, or
    a range's top) and the position after the last value each reaches."""
    valued = np.flatnonzero(~np.isnan(features.value))
    buckets = features.bucket[valued]
    codes, firsts = np.unique(buckets, return_index=True)
    for code in codes[np.argsort(firsts)].tolist():
        order = valued[buckets == code]
        order = order[np.argsort(features.comparable[order], kind="stable")]
        values = features.comparable[order]
        high = features.high[order] * features.scale[order]
        reach = _reach_of(np.where(np.isnan(high), values, high))
        yield order, values, reach, np.searchsorted(values, reach, side="right")


def _reach_of(values: np.ndarray) -> np.ndarray:
    """The largest value each of ``values`` reaches: MAX_VALUE_RATIO times it, or, below
    zero, divided by it (-3 reaches -2.4, nearer zero). Rising with the values."""
    return np.where(values < 0, values / MAX_VALUE_RATIO, values * MAX_VALUE_RATIO)


def _link_reachable(features, vectors, links, order, rows, cols, reachable, threshold, pending=None) -> None:
    """Link the close pairs among sorted positions ``rows`` x ``cols`` where ``reachable``
    (``pending``: see :func:`_link_close`)."""
    # Pairs already in one group need no distance: it could only link them again (each
    # row's and column's group looked up once, not once per pair).
    row_groups, col_groups = links.roots(order[rows]), links.roots(order[cols])
    apart = reachable & (row_groups[:, None] != col_groups[None, :])
    apart &= features.values_may_meet(order[rows][:, None], order[cols][None, :])
    # The contexts' product only of the rows and columns some pair needs (a third of the
    # chunks' cells while blocking 16,000 generated articles).
    used_rows, used_cols = apart.any(axis=1), apart.any(axis=0)
    rows, cols = rows[used_rows], cols[used_cols]
    row, col = np.nonzero(apart[used_rows][:, used_cols])
    if not len(row):
        return
    product = (vectors[order[rows]] @ vectors[order[cols]].T).toarray()
    cosine = np.clip(1.0 - product[row, col], 0.0, 1.0)
    _link_close(features, links, order[rows[row]], order[cols[col]], cosine, threshold, pending)


def _link_restatements(claims: list[TracedClaim], links: _Links, features: _Features) -> None:
    # (only claims sharing a sentence can restate one another: most claims are alone)
    sharing = np.flatnonzero(np.bincount(features.sentence)[features.sentence] > 1)
    pairs = np.array(_restatement_pairs([claims[i] for i in sharing.tolist()]), dtype=np.int64).reshape(-1, 2)
    links.union(sharing[pairs[:, 0]], sharing[pairs[:, 1]])


def _link_close(
    features: _Features, links: _Links, a: np.ndarray, b: np.ndarray, cosine: np.ndarray, threshold: float, pending=None,
) -> None:
    """Link each pair (a[n], b[n]) closer than ``threshold``, given their context distances;
    with a ``pending`` list, add to it instead the pairs (a, b, cosine) that are closer
    before their stories' penalty (never negative), to be linked once stories are weighed."""
    # A pair's distance is its context distance plus penalties, lowered only for a value
    # repeated in one article or values stated beside the same others: every other pair at
    # the threshold already is too far, uncomputed.
    maybe = (cosine < threshold) | (features.article[a] == features.article[b]) | (
        features.has_costated[a] & features.has_costated[b])
    a, b, cosine = a[maybe], b[maybe], cosine[maybe]
    if pending is not None:
        near = features.pair_distances(a, b, cosine, within=threshold, stories=False) < threshold
        pending.append((a[near], b[near], cosine[near]))
        return
    close = features.pair_distances(a, b, cosine, within=threshold) < threshold
    links.union(a[close], b[close])


class _Links:
    """Groups of 0..size-1 joined pair by pair, in memory that does not grow with the pairs:
    a forest of parent pointers (numpy), each root its group's smallest member."""

    def __init__(self, size: int):
        self.parent = np.arange(size, dtype=np.int64)

    def roots(self, items: np.ndarray) -> np.ndarray:
        """The root of each item's group (pointer jumping, all items at once)."""
        found = self.parent[items]
        while True:
            up = self.parent[found]
            if np.array_equal(up, found):
                return found
            found = up

    def union(self, a: np.ndarray, b: np.ndarray) -> None:
        """Join the groups of each pair (a[n], b[n])."""
        if not len(a):
            return
        ra, rb = self.roots(a), self.roots(b)
        keep = ra != rb
        if not keep.any():
            return
        # The groups these pairs join, as the connected components of a graph of their
        # roots (few: at most two per pair), each hung under its smallest root.
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        ends = np.concatenate([ra[keep], rb[keep]])
        nodes, local = np.unique(ends, return_inverse=True)
        half = len(ends) // 2
        graph = coo_matrix((np.ones(half, dtype=np.int8), (local[:half], local[half:])), shape=(len(nodes), len(nodes)))
        count, labels = connected_components(graph, directed=False)
        smallest = np.full(count, len(self.parent), dtype=np.int64)
        np.minimum.at(smallest, labels, nodes)
        parent = self.parent
        parent[nodes] = smallest[labels]
        # Flatten the trees of the items just joined, so later lookups stay short.
        touched = np.concatenate([a, b])
        parent[touched] = self.roots(touched)

    def groups(self, among: np.ndarray | None = None) -> list[list[int]]:
        """Every group (or those holding an item of ``among``), each sorted, ordered by
        their smallest member."""
        size = len(self.parent)
        if not size:
            return []
        items = np.arange(size)
        labels = self.roots(items)
        if among is not None:  # (an update's few groups of hundreds of thousands of items)
            items = np.flatnonzero(np.isin(labels, labels[among]))
            labels = labels[items]
        # Each root is its group's smallest member: ordered by root, the groups are in
        # order, and a stable sort keeps each group's members in order.
        by_label = np.argsort(labels, kind="stable")
        order = items[by_label]
        bounds = np.flatnonzero(np.diff(labels[by_label])) + 1
        return [part.tolist() for part in np.split(order, bounds)] if len(order) else []


def _atom_of(atoms: list[list[int]], size: int) -> np.ndarray:
    """For each of ``size`` claims, the index of its atom."""
    atom_of = np.empty(size, dtype=np.int64)
    for a, atom in enumerate(atoms):
        atom_of[atom] = a
    return atom_of


def _atom_distances(pairs: np.ndarray, atoms: list[list[int]]) -> np.ndarray:
    """Distances between atoms (claims restating one figure in one sentence): the mean of
    their members' pair distances (``pairs``), leaving out pairs whose units cannot be
    compared.

    Only the upper triangle is meant to be read (as the linkage does), and it reads only
    ``pairs[i, j]`` with i's atom before j's: the other entries may hold anything finite."""
    if len(atoms) == len(pairs):  # every atom one claim, in order
        return pairs
    # Between one-claim atoms the mean is the pair itself (or APART): copied whole, then
    # the rows and columns of the few atoms of several claims are averaged.
    firsts = np.array([atom[0] for atom in atoms])
    distances = pairs[np.ix_(firsts, firsts)]
    atom_of = _atom_of(atoms, len(pairs))

    def by_atom(sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Per atom, the mean of the comparable pairs summed into ``sums`` and ``counts``
        (indexed by claim), APART where there is none."""
        sums, counts = np.bincount(atom_of, sums, len(atoms)), np.bincount(atom_of, counts, len(atoms))
        return np.where(counts > 0, sums / np.maximum(counts, 1), APART)

    for a, atom in enumerate(atoms):
        if len(atom) == 1:
            continue
        rows, cols = pairs[atom, :], pairs[:, atom]
        rows_comparable, cols_comparable = rows < APART, cols < APART
        after = by_atom(np.where(rows_comparable, rows, 0.0).sum(axis=0), rows_comparable.sum(axis=0))
        before = by_atom(np.where(cols_comparable, cols, 0.0).sum(axis=1), cols_comparable.sum(axis=1))
        distances[a, a + 1 :] = after[a + 1 :]
        distances[:a, a] = before[:a]
    np.fill_diagonal(distances, 0.0)
    return distances


def context_vectors(claims: list[TracedClaim], counts: TermCounts | None = None):
    """The claims' contexts (:func:`context_document`) as TF-IDF rows of unit length (a
    sparse matrix): the cosine similarity of two claims is the product of their rows.
    Words are weighed by ``counts`` (the corpus's) when given, else by these claims'."""
    return context_weighed(claims, counts)[0]


def context_weighed(claims: list[TracedClaim] | ClaimColumns, counts: TermCounts | None):
    """:func:`context_vectors` and the counts they were weighed by (``counts``, or the
    claims' own)."""
    analyze = context_analyzer()
    if isinstance(claims, ClaimColumns):  # (words as read, or of the claims held whole that keep none)
        documents = (terms if terms is not None else context_terms(claims[n], analyze) for n, terms in enumerate(claims.terms))
    else:
        documents = (context_terms(c, analyze) for c in claims)
    return weigh(documents, counts, sublinear=True)


@dataclass
class Weights:
    """The document counts words are weighed by: of claims' contexts and of articles'
    stories (None: count them in the claims at hand)."""

    context: TermCounts | None = None
    story: TermCounts | None = None
    # The last claim rowid whose words these count (when they were read from the store).
    through: int = 0


@dataclass
class Block:
    """A candidate group (:func:`candidate_groups`) and the figures it was cut into, as
    indices of the clustered claims: figures never cross blocks, so a block can be
    re-clustered alone when claims join it."""

    members: list[int]
    figures: list[list[int]]


def cluster_claims(
    claims: list[TracedClaim], threshold: float = DISTANCE_THRESHOLD
) -> list[list[int]]:
    """Indices of ``claims`` grouped into figures, each group in lineage order."""
    blocks, _ = cluster_blocks(claims, threshold)
    return [figure for block in blocks for figure in block.figures]


def cluster_blocks(
    claims: list[TracedClaim], threshold: float = DISTANCE_THRESHOLD, weights: Weights | None = None, marked: bool = False,
    progress: Progress | None = None, weighed: tuple | None = None,
) -> tuple[list[Block], Weights]:
    """``claims`` in blocks, each cut into figures (each in lineage order), and the word
    counts they were weighed by (``weights``, or those of these claims). ``marked``: the
    claims' :attr:`~TracedClaim.costated` are set already (from every claim of their
    sentences, which need not all be here). ``progress`` (stage, done, total) is told how
    far finding blocks (:data:`BLOCKING`, claims compared) and clustering them
    (:data:`CLUSTERING`, claims clustered) have come. ``weighed``: the claims' context rows
    and the word counts they were weighed by (:func:`context_weighed` of these claims with
    ``weights``' counts), when the caller has them already."""
    if not claims:
        return [], weights or Weights()
    if not marked:
        mark_costated(claims)
    weights = weights or Weights()
    vectors, context_counts = weighed or context_weighed(claims, weights.context)
    features = _Features(claims, weights.story)
    blocks, clustered = [], 0
    for group in candidate_groups(claims, vectors, threshold, features, progress):
        blocks.append(Block(group, _cluster_group(claims, group, features, vectors, threshold)))
        clustered += len(group)
        if progress:
            progress(CLUSTERING, clustered, len(claims))
    for block in blocks:
        block.figures = [sorted(f, key=lambda i: claims[i].order_key) for f in block.figures]
    return blocks, Weights(context_counts, features.story_counts)


def _cluster_group(claims, group: list[int], features: _Features, vectors, threshold: float) -> list[list[int]]:
    """One candidate group cut into figures by average linkage (in bounded parts)."""
    if len(group) == 1:
        return [group]
    figures = []
    atoms = _restatement_atoms([claims[i] for i in group])
    for part in bounded_parts([[group[i] for i in atom] for atom in atoms], features.comparable):
        members = [i for atom in part for i in atom]
        if len(part) == 1:  # one atom: one figure, nothing to cluster
            figures.append(members)
            continue
        local_atoms, start = [], 0
        for atom in part:
            local_atoms.append(list(range(start, start + len(atom))))
            start += len(atom)
        pairs = _group_distances(features, vectors, np.array(members), local_atoms)
        for cluster in average_linkage(_atom_distances(pairs, local_atoms), threshold):
            figures.append([i for a in cluster for i in part[a]])
    return figures


def bounded_parts(atoms: list[list[int]], values: np.ndarray, limit: int | None = None) -> list[list[list[int]]]:
    """``atoms`` (lists of claim indices that stay together) in parts of at most ``limit``
    claims (:data:`MAX_GROUP`), each cut made at the widest gap between the values (by
    ratio) of the atoms sorted by value, or, where all values are equal, in the middle.
    One part, ``atoms`` as given, when they are few enough; parts keep the atoms' order."""
    limit = limit or MAX_GROUP
    sizes = np.array([len(atom) for atom in atoms])
    if sizes.sum() <= limit:
        return [atoms]
    keys = np.array([values[atom[0]] for atom in atoms])
    order = np.argsort(keys, kind="stable")
    parts, pending = [], [order]
    while pending:
        run = pending.pop()
        counts = np.cumsum(sizes[run])
        if counts[-1] <= limit or len(run) == 1:
            parts.append(sorted(run.tolist()))
            continue
        low, high = keys[run[:-1]], keys[run[1:]]
        with np.errstate(divide="ignore", invalid="ignore"):
            gaps = np.where((low != 0) & (high != 0) & (np.sign(low) == np.sign(high)), np.abs(np.log(high / low)), np.inf)
        gaps = np.where(low == high, 0.0, gaps)
        cut = int(np.argmax(gaps)) + 1 if gaps.max() > 0 else int(np.searchsorted(counts, counts[-1] / 2)) + 1
        cut = min(max(cut, 1), len(run) - 1)
        pending.extend([run[cut:], run[:cut]])
    return [[atoms[a] for a in part] for part in sorted(parts)]


def _group_distances(features: _Features, vectors, members: np.ndarray, atoms: list[list[int]]) -> np.ndarray:
    """The pair distances of one candidate group that the clustering reads (see
    :func:`_atom_distances`): for each pair in two atoms, from the claim in the earlier atom
    to the one in the later; pairs too far apart in value to be one figure stay
    :data:`APART` without being computed. Holds two dense matrices of the group's size
    (the distances and every pair's cosine): groups are cut to :data:`MAX_GROUP` claims
    first (``bounded_parts``; only an atom larger than that, one sentence's restatements,
    can exceed it), ~64 MB at most; the pair distances are worked out a chunk at a time."""
    atom_of = _atom_of(atoms, len(members))
    sub = vectors[members]
    # Every pair's cosine and every pair of its articles' story similarity, once per group
    # (a group holds at most MAX_GROUP claims: 32 MB), not again for each chunk of pairs.
    cosines = (sub @ sub.T).toarray()
    pairs = np.full((len(members), len(members)), APART)
    with features.stories_of(members):
        for row, col in features.comparable_pairs(members, chunk=PAIR_CHUNK):
            earlier = atom_of[row] < atom_of[col]
            row, col = np.where(earlier, row, col), np.where(earlier, col, row)
            keep = atom_of[row] != atom_of[col]
            row, col = row[keep], col[keep]
            pairs[row, col] = features.pair_distances(members[row], members[col], np.clip(1.0 - cosines[row, col], 0.0, 1.0))
    np.fill_diagonal(pairs, 0.0)
    return pairs


def average_linkage(distances: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering (scikit-learn's ``AgglomerativeClustering``)
    of a precomputed distance matrix, cut at ``threshold``: the clusters, each sorted,
    ordered by their first member. Only the upper triangle is read.

    Two items need no tree: they are one cluster when closer than ``threshold``, as the
    clustering would decide; most groups are that small, and each call costs a millisecond."""
    size = len(distances)
    if size <= 2:
        return [list(range(size))] if size < 2 or distances[0, 1] < threshold else [[0], [1]]
    from sklearn.cluster import AgglomerativeClustering

    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=threshold
    ).fit_predict(distances)
    clusters: dict[int, list[int]] = {}
    for leaf, label in enumerate(labels.tolist()):
        clusters.setdefault(label, []).append(leaf)
    return list(clusters.values())


def _restatement_pairs(claims: list[TracedClaim]) -> list[tuple[int, int]]:
    """Pairs of claims that restate one figure in one sentence (only claims that share a
    sentence are compared)."""
    return [
        (i, j)
        for members in sentence_members(claims)
        for pos, i in enumerate(members)
        for j in members[pos + 1 :]
        if is_restatement(claims[i], claims[j])
    ]


def _restatement_atoms(claims: list[TracedClaim]) -> list[list[int]]:
    """Claims that restate one figure in one sentence, kept together through clustering."""
    links = _Links(len(claims))
    pairs = np.array(_restatement_pairs(claims), dtype=np.int64).reshape(-1, 2)
    links.union(pairs[:, 0], pairs[:, 1])
    return links.groups()
