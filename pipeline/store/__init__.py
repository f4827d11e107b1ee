"""The SQLite store, written through sqlite-utils: the one package that writes tables
(the figure rebuild computes its rows in :mod:`pipeline.tracing` and hands them here).

The tables and columns created here are a public contract: users write SQL against
them. Add columns freely; do not rename these.

Identity: an article is its content hash (of the exact input it came from); an input is
its key (a file's path, or ``file.jsonl#N`` for a record), and the ``inputs`` table says
which article each input holds now. Re-ingesting an unchanged input stores nothing. Two
inputs with identical bytes are one article (both are in ``inputs``; ``articles.path`` is
the smallest of them). An input whose content changed is re-pointed to the article of its
new content (analysed if it is not stored yet); an article no input holds any more is removed
with everything derived from it, in the same transaction, so no row keeps text that is no
longer in its file.

Writers take SQLite's write lock up front (``BEGIN IMMEDIATE``, :func:`write_transaction`),
so concurrent ingests wait their turn instead of failing with "database is locked".

What lives where (each module imports only those above it):

- ``schema``: the tables' columns, open_db, ensure_schema, the full-text indexes and triggers, insert_sql;
- ``entities``: entity names and labels from their mentions (refresh_entity_names), orphan entities;
- ``articles``: content hash and article id, plan/store/delete articles, inputs, the batch's row writing;
- ``figures``: replace_figures and update_figures: figures, mutations, claim assignments and word counts;
- ``runs``: the runs table: start_run, set_run_model, finish_run.

Every name other code uses is re-exported here; to monkeypatch one, patch the module
that holds it (``pipeline.store.articles._sentence_index``), not this package.
"""

from __future__ import annotations

from ..database import StoreError, write_transaction
from .schema import (
    ARTICLE_COLUMNS,
    CLAIM_COLUMNS,
    DEFAULT_DB,
    ENTITY_COLUMNS,
    FIGURE_COLUMNS,
    FTS_COLUMNS,
    INPUT_COLUMNS,
    MENTION_COLUMNS,
    MUTATION_COLUMNS,
    RUN_COLUMNS,
    SENTENCE_COLUMNS,
    TABLES,
    TRACE_TERM_COLUMNS,
    ensure_schema,
    insert_sql,
    open_db,
    utc_now,
)
from .entities import delete_orphan_entities, refresh_entity_names
from .articles import (
    ARTICLE_ID_LENGTH,
    StorePlan,
    _sentence_index,
    article_id_for,
    article_status,
    content_hash,
    count_claims,
    delete_article,
    find_article_by_hash,
    input_article,
    plan_article,
    records_gone,
    redate_articles,
    store_article,
    store_articles,
)
from .figures import replace_figures, update_figures
from .runs import finish_run, set_run_model, start_run

# The re-exports (a literal list, so pyflakes counts them as used).
__all__ = [
    "ARTICLE_COLUMNS", "ARTICLE_ID_LENGTH", "CLAIM_COLUMNS", "DEFAULT_DB", "ENTITY_COLUMNS",
    "FIGURE_COLUMNS", "FTS_COLUMNS", "INPUT_COLUMNS", "MENTION_COLUMNS", "MUTATION_COLUMNS",
    "RUN_COLUMNS", "SENTENCE_COLUMNS", "TABLES", "TRACE_TERM_COLUMNS", "StoreError", "StorePlan", "_sentence_index",
    "article_id_for", "article_status", "content_hash", "count_claims", "delete_article", "delete_orphan_entities",
    "ensure_schema", "find_article_by_hash", "finish_run", "input_article", "insert_sql", "open_db",
    "plan_article", "records_gone", "redate_articles", "refresh_entity_names", "replace_figures", "set_run_model",
    "start_run", "store_article", "store_articles", "update_figures", "utc_now", "write_transaction",
]  # fmt: skip
