"""Tracing: grouping claims about one quantity into figures, lineage and mutations.

A *figure* is one real-world quantity about one subject as reported across sources
("DeepSeek-V3 training cost"), whatever each source wrote ("$5,576,000", "around $6
million", "a little under $6mn").

How claims are grouped (scikit-learn's TF-IDF vectors and agglomerative clustering):

1. Two claims can be the same figure only when their units agree (counted nouns such as
   "card" and "GPU" agree at a cost; two physical units of one dimension once converted;
   a fraction as the percentage it is) and their values agree within rounding or within
   :data:`MAX_VALUE_RATIO`; or when one sentence restates a figure in another unit
   ("lost 17% of its market cap, or nearly $600 billion"). Claims said of different places
   (``claims.scope``), and two values of one sentence, are never one figure.
2. Each claim's context (its subject, the words of its sentence, the entities named there)
   becomes a TF-IDF vector; the distance of a pair is the cosine distance of those vectors
   plus penalties for a value gap, a unit mismatch, one claim owned and the other not, and
   two articles that name little in common (a figure travels within a story; figures any
   story may state need it most). Two claims whose sentences each state another value, the
   same in both, are taken as one source's figures however they are worded (their context
   distance is at most :data:`COSTATED_CONTEXT`).
3. Average-linkage agglomerative clustering with a distance threshold cuts each group of
   candidates into figures (a group larger than :data:`MAX_GROUP` is first cut at its
   widest value gaps, which bounds the memory the clustering takes). Inputs are sorted
   first, so the same claims always give the same figures with the same ids.

Lineage order (documented, stable): claims with a known publication date first, oldest
first; then claims from undated articles, by article path; within an article, by position.
The first claim is the figure's origin in this corpus.

What lives where (each module imports only those above it):

- ``values``: the claim record (:class:`TracedClaim`), the tuning constants, rounding and
  significant digits, when two values or two units can be one figure, restatements;
- ``columns``: many claims as the lists comparing them reads, without an object each
  (the stored claims an update compares its new ones with);
- ``vectors``: TF-IDF rows of contexts and stories, weighed by counts that can be stored;
- ``distance``: the distance of two claims, for one pair and as arrays over many;
- ``clustering``: candidate groups (blocking), TF-IDF contexts, average-linkage clustering
  of each group in bounded memory;
- ``mutations``: how sure a figure's origin is, what changed from it to each later claim;
- ``figures``: figures, their subjects and ids, loading claims, and the full rebuild (its
  rows go to :func:`pipeline.store.replace_figures`);
- ``maintain``: the update after each ingest, at the cost of the blocks new claims join
  (:func:`update_figures`; its rows go to :func:`pipeline.store.update_figures`);
- ``queries``: ``analyze trace``, a figure's lineage, the most mutated figures;
- ``render``: lineage tables and figures written as news writes them.
"""

import importlib

# Each name the package offers, under the module that defines it. A module is imported
# when one of its names is first asked for: `analyze trace` reads lineages without loading
# the clustering (numpy, scikit-learn) that building figures needs.
_EXPORTS = {
    ".values": (
        "agree_within_rounding", "APART", "COSTATED_CONTEXT", "DISTANCE_THRESHOLD",
        "EXACT_KIND_PENALTY", "EXACT_KINDS", "GENERIC_DENOMINATORS", "is_counted_thing",
        "is_restatement", "is_vague", "MAX_VALUE_RATIO", "MEASURE_KINDS", "related_units",
        "round_significant", "rounds_to", "SAME_ARTICLE_CONTEXT", "significant_digits",
        "SMALL_COUNT", "TRACE_TOLERANCE", "TracedClaim", "UNIT_MISMATCH_PENALTY", "unit_penalty",
        "VAGUE_PENALTY", "value_gap", "VALUE_GAP_PENALTY",
    ),
    ".distance": ("_Features", "context_document", "pair_distance", "story_penalty", "story_vectors"),
    ".clustering": (
        "_restatement_atoms", "_atom_distances", "average_linkage", "bounded_parts",
        "candidate_groups", "CHUNK_ROWS", "Block", "cluster_blocks", "cluster_claims",
        "context_vectors", "reaching_groups", "Weights", "MAX_GROUP", "PAIR_CHUNK",
    ),
    ".mutations": (
        "classify_mutation", "content_words", "ORIGIN_CERTAINTIES", "origin_certainty", "origin_note",
    ),
    ".figures": (
        "build_figures", "Figure", "figure_id_for", "figures_are_stale", "figures_in_blocks",
        "load_claims", "load_claims_by_rowid", "rebuild_figures", "representative_subject",
    ),
    ".maintain": (
        "needs_rebuild", "REBUILD_SHARE", "UPDATE_FROM_CLAIMS", "update_blocks", "update_figures",
    ),
    ".queries": (
        "figure_lineage", "FigureQuery", "find_figures", "most_mutated", "no_match_message",
        "trace",
    ),
    ".render": (
        "figures_table", "fit_table", "format_figure", "lineage_markdown", "lineage_table",
    ),
    "..claims.vocabulary": ("CURRENCY_SIGNS",),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    """A name of :data:`_EXPORTS`, imported from its module the first time it is asked for."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The names defined so far and those :func:`__getattr__` can import."""
    return sorted(set(globals()) | set(_MODULE_OF))
