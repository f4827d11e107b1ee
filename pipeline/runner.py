"""An ingest run: files → articles → NLP → store, with counts for the run summary."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .claims.display import counted
from .ingest import DEFAULT_MAX_BYTES, iter_input_files, parse_file
from .ingest.dates import DEFAULT_DATE_ORDER
from .ingest.feeds import with_page
from .ingest.files import PageUrl, is_url
from .ingest.parse import is_feed
from .ingest.urls import FetchedPage, fetch_pages, parse_page
from .parallel import make_backend
from .records import Article, ArticleAnalysis, InputError, InputWarning, ParsedFile
from .database import StoreError, check_database_file, checkpoints_alongside, describe_database_error, write_transaction
from .store import (
    DEFAULT_DB,
    article_id_for,
    count_claims,
    finish_run,
    input_article,
    open_db,
    plan_article,
    records_gone,
    redate_articles,
    set_run_model,
    start_run,
    store_articles,
)
from .copies import find_copies
from .store.copies import count_to_fingerprint
from .tracing import figures_are_stale, rebuild_figures, update_figures

DEFAULT_BATCH_SIZE = 32
# The stage name progress shows while articles are fingerprinted for copies.
COPIES = "finding copies"


@dataclass
class IngestSummary:
    """What one ingest run did; ``errors`` holds the one-line messages of failed inputs."""

    run_id: int | None = None
    files: int = 0
    pages: int = 0  # URLs given (--urls, arguments): each fetched, or found stored already
    articles: int = 0
    new: int = 0
    unchanged: int = 0
    redated: int = 0  # unchanged content whose date reads otherwise now (another --date-order)
    updated: int = 0
    duplicate: int = 0  # inputs whose bytes another input already holds: one article
    removed: int = 0  # records their JSON file no longer holds
    not_refetched: int = 0  # URLs stored already, not fetched again (--refetch fetches them)
    claims: int = 0
    entities: int = 0
    figures: int | None = None  # None when nothing changed and figures were not rebuilt
    kept_claims: int = 0  # claims of the unchanged articles, kept as they were
    fingerprinted: int = 0  # articles whose paragraphs were fingerprinted (pipeline.copies)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # inputs stored all the same (an unreadable date)
    seconds: float = 0.0
    model: str | None = None

    def line(self) -> str:
        """The one-line summary printed at the end of ``analyze ingest``: what was stored,
        what was kept as it was (so a re-ingest does not read as data gone) and what failed."""
        if self.run_id is None:
            return f"nothing ingested: no input file found, {counted(len(self.errors), 'error')}"
        states = [(self.new, "new"), (self.unchanged, "unchanged"), (self.updated, "updated"), (self.redated, "redated"),
                  (self.duplicate, "duplicate"), (self.removed, "removed"), (self.not_refetched, "not refetched")]  # fmt: skip
        told = ", ".join(f"{n} {word}" for n, word in states if n) or "0 new"
        if self.unchanged or self.not_refetched:
            told += f": {counted(self.kept_claims, 'claim')} kept"
        stored = f"{counted(self.claims, 'claim')} and {counted(self.entities, 'entity mention')} stored"
        if not (self.claims or self.entities or self.new or self.updated):
            stored = "nothing new stored"
        inputs = [counted(self.files, "file")] if self.files or not self.pages else []
        if self.pages:
            inputs.append(counted(self.pages, "web page"))
        return (
            f"{' and '.join(inputs)}, {counted(self.articles, 'article')} ({told}), {stored}, "
            + (f"{counted(self.figures, 'figure')}, " if self.figures is not None else "")
            + counted(len(self.errors), "error")
            + (f", {counted(len(self.warnings), 'warning')}" if self.warnings else "")
            + f" in {self.seconds:.1f}s"
        )


@dataclass
class _Batch:
    """Articles to store together (those whose content is not stored yet are analysed),
    and the files whose articles are all in this or an earlier batch (done, for progress,
    once this batch is stored)."""

    articles: list[Article]
    files: list[Path]
    analyse: list[bool] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # records no longer in their file
    redate: list[Article] = field(default_factory=list)  # unchanged content, dated otherwise now


def ingest_paths(
    paths: Iterable[str | Path],
    db_path: str | Path = DEFAULT_DB,
    *,
    model: str | None = None,
    nlp=None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    dask: str | None = None,
    date_order: str = DEFAULT_DATE_ORDER,
    url_lists: Iterable[str | Path] = (),
    refetch: bool = False,
    fetch: bool = False,
    on_error: Callable[[InputError], None] | None = None,
    on_warning: Callable[[InputWarning], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[Path, IngestSummary], None] | None = None,
    on_lock_wait: Callable[[], None] | None = None,
    on_figures: Callable[[str, int, int], None] | None = None,
) -> IngestSummary:
    """Ingest files, folders and web pages into the database at ``db_path``.

    A ``paths`` item starting ``http://`` or ``https://`` is a web page to fetch, as is each
    URL listed in the ``url_lists`` files (:mod:`pipeline.ingest.urls`); a URL stored
    already is not fetched again unless ``refetch`` (a re-ingest stays offline). A URL
    serving a feed is read as a feed file is, and fetched on every run (a feed is a window
    on a stream; its unchanged entries are counted unchanged). With
    ``fetch`` a feed entry linking to an http(s) page takes the page's text, fetched alike
    (an entry stored already is not fetched again unless ``refetch``; a page that fails
    leaves the entry as the feed gave it, with a warning).

    Unchanged inputs are recognised by their content hash before any NLP runs, so a
    re-ingest of the same corpus does no model work (the model is loaded only when
    something needs analysing). The NLP runs here (``workers=1``), in ``workers`` local
    processes, or on a Dask cluster (``dask="local"`` or a scheduler address); this
    process alone writes the database, each batch of articles in one transaction, so a
    crash leaves no half-stored article (nor half a batch). A bad input is reported through ``on_error`` and the
    run goes on; an input stored all the same with something amiss (a date that cannot be
    read: the article is stored undated) through ``on_warning``. Dates written in digits
    whose day and month could swap are read in ``date_order`` ("MDY" or "DMY"). ``on_start`` receives the number of files found and ``on_file`` is
    called as each file's articles are stored, for progress display; ``on_lock_wait``
    when a write waits for another process's (a concurrent ingest); ``on_figures`` (stage,
    done, total) follows the figure rebuild an ingest may end with
    (:func:`~pipeline.tracing.rebuild_figures`).

    Raises :class:`~pipeline.database.StoreError` (one line) when the database cannot be
    used: not SQLite, read-only, or a disk that filled up mid-run (what was committed
    stays, the run is marked failed, and a rerun continues).
    """
    started = time.perf_counter()
    summary = IngestSummary()
    # Found before the database is opened: inputs that are all missing or unreadable
    # create nothing (no database, no run recorded).
    files = list(iter_input_files(paths, url_lists))
    if files and all(isinstance(item, InputError) for item in files):
        for item in files:
            summary.errors.append(str(item))
            if on_error:
                on_error(item)
        summary.seconds = time.perf_counter() - started
        return summary
    db = open_db(db_path, on_lock_wait=on_lock_wait)

    def report(problem: InputError | InputWarning) -> None:
        if isinstance(problem, InputWarning):
            summary.warnings.append(str(problem))
            if on_warning:
                on_warning(problem)
            return
        summary.errors.append(str(problem))
        if on_error:
            on_error(problem)

    status, failure = "failed", None
    backend = None
    try:
        if on_start:
            on_start(sum(1 for item in files if not isinstance(item, InputError)))
        # One process: the log is folded into the database beside the analysis, not in
        # its commits (no thread runs when worker processes are forked).
        with checkpoints_alongside(db) if workers == 1 and dask is None else nullcontext():
            summary.run_id = start_run(db, __version__)
            # Backends start workers (and load the model) only when a batch needs analysing.
            backend = make_backend(workers, dask, model, nlp)
            # (closed here when the run stops early, so the pages fetched ahead let their
            # threads go in this thread, not whenever and wherever they are collected)
            with closing(_batches(files, db, summary, report, batch_size, max_bytes, date_order, refetch, fetch)) as batches:
                for batch, analyses in backend.map_ordered(batches, _texts):
                    if summary.model is None and any(batch.analyse):
                        summary.model, version = backend.model_info()
                        set_run_model(db, summary.run_id, summary.model, version)
                    _store_batch(db, batch, analyses, summary, backend)
                    if on_file:
                        for path in batch.files:
                            on_file(path, summary)
            changed = summary.new or summary.updated or summary.duplicate or summary.removed or summary.redated
            summary.fingerprinted = find_copies(db, (lambda done, total: on_figures(COPIES, done, total)) if on_figures else None)
            if changed or figures_are_stale(db):
                # Under the write lock from the first read: claims stored by a concurrent
                # ingest meanwhile would otherwise be missing from, or break, the figures.
                with write_transaction(db):
                    summary.figures = update_figures(db, on_figures)
        status = "finished"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except sqlite3.Error as exc:
        failure = describe_database_error(db_path, exc)
        stored = summary.new + summary.updated + summary.duplicate
        raise StoreError(
            f"{failure}: {stored} article{'s' if stored != 1 else ''} stored, rerun to continue"
        ) from None
    except StoreError as exc:
        failure = str(exc)
        raise
    except BaseException as exc:
        failure = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        if backend is not None:
            backend.close()
        summary.seconds = time.perf_counter() - started
        _finish(db, summary, status, failure)
        db.close()
    return summary


def _finish(db, summary: IngestSummary, status: str, failure: str | None) -> None:
    """Record the run's end; when the database itself is failing (a full disk) the row
    stays ``running`` and the next run marks it ``interrupted``."""
    if summary.run_id is None:
        return
    try:
        finish_run(
            db,
            summary.run_id,
            status=status,
            error=failure,
            files=summary.files + summary.pages,
            articles=summary.articles,
            errors=len(summary.errors),
            articles_new=summary.new,
            articles_unchanged=summary.unchanged,
            articles_updated=summary.updated,
            claims=summary.claims,
            entities=summary.entities,
            seconds=round(summary.seconds, 3),
        )
    except (sqlite3.Error, StoreError):
        pass


def _texts(batch: _Batch) -> list[str]:
    return [article.text for article, analyse in zip(batch.articles, batch.analyse) if analyse]


def _batches(files, db, summary: IngestSummary, report, batch_size: int, max_bytes: int, date_order: str, refetch: bool = False,
             fetch: bool = False):  # fmt: skip
    """Parse files in order into batches of articles to store; unchanged articles are
    counted here and never analysed, nor are articles whose content is stored already
    (under another input, or earlier in the batch). Web pages are fetched ahead, in the
    background; those stored already are not fetched at all unless ``refetch``. With
    ``fetch``, so are the pages feed entries link to (:func:`_fetch_entries`)."""
    # Decided before any fetch, so the pages to fetch can be fetched ahead of the parsing.
    urls = [item for item in files if isinstance(item, PageUrl)]
    stored = _stored_inputs(db, urls, refetch)
    pages = fetch_pages([url for url in urls if url not in stored], max_bytes)
    pending: list[Article] = []
    analyse: list[bool] = []
    pending_hashes: set[str] = set()  # content analysed earlier in this batch
    done_files: list[Path] = []
    gone: list[str] = []
    redate: list[Article] = []
    kept: set[str] = set()  # unchanged articles, their claims counted
    for item in files:
        if isinstance(item, InputError):
            report(item)
            continue
        if isinstance(item, PageUrl):
            summary.pages += 1
        else:
            summary.files += 1
        if isinstance(item, PageUrl) and item in stored:
            _not_refetched(db, summary, kept, stored[item])
            parsed = ParsedFile(item)
        elif isinstance(item, PageUrl):
            page = next(pages)
            parsed = parse_page(page, date_order)
            if fetch and isinstance(page, FetchedPage) and page.is_feed:
                _fetch_entries(parsed, db, summary, kept, max_bytes, date_order, refetch)
        else:
            parsed = parse_file(item, max_bytes=max_bytes, date_order=date_order)
            if fetch and is_feed(item):
                _fetch_entries(parsed, db, summary, kept, max_bytes, date_order, refetch)
        for problem in [*parsed.errors, *parsed.warnings]:
            report(problem)
        gone.extend(_records_gone(db, parsed))
        for article in parsed.articles:
            summary.articles += 1
            plan = plan_article(db, article)
            if plan.status == "unchanged":
                summary.unchanged += 1
                _keep_claims(db, summary, kept, article_id_for(plan.hash_hex))
                continue
            if plan.status == "redated":
                summary.redated += 1
                redate.append(article)
                continue
            pending.append(article)
            fresh = plan.analyse and plan.hash_hex not in pending_hashes
            analyse.append(fresh)
            if fresh:
                pending_hashes.add(plan.hash_hex)
        done_files.append(item)
        # Files with nothing to analyse pass straight through, so progress keeps moving.
        if len(pending) >= batch_size or not pending:
            yield _Batch(pending, done_files, analyse, gone, redate)
            pending, analyse, done_files, gone, redate = [], [], [], [], []
            pending_hashes = set()
    if pending or done_files:
        yield _Batch(pending, done_files, analyse, gone, redate)


def _not_refetched(db, summary: IngestSummary, kept: set[str], article_id: str) -> None:
    """Count an input stored already and not fetched again, its claims kept."""
    summary.articles += 1
    summary.not_refetched += 1
    _keep_claims(db, summary, kept, article_id)


def _keep_claims(db, summary: IngestSummary, kept: set[str], article_id: str) -> None:
    """Count the claims of a stored article kept as they were, once however many inputs
    hold it (``kept``: the articles counted so far)."""
    if article_id not in kept:
        kept.add(article_id)
        summary.kept_claims += count_claims(db, article_id)


def _stored_inputs(db, keys, refetch: bool) -> dict[str, str]:
    """Of the input ``keys`` to fetch (URLs, feed entries), those stored already, with the
    article each holds: decided before any fetch, and none with ``refetch``."""
    return {} if refetch else {key: held for key in keys if (held := input_article(db, key)) is not None}


def _fetch_entries(parsed: ParsedFile, db, summary: IngestSummary, kept: set[str], max_bytes: int, date_order: str, refetch: bool) -> None:
    """``--fetch``: each entry of the feed ``parsed`` that links to an http(s) page takes the
    page's text (:func:`~pipeline.ingest.feeds.with_page`), the pages fetched as URLs are.
    As for URLs, an entry stored already is decided on by its key before any fetch: not
    fetched (nor stored again) unless ``refetch``."""
    linked = {article.path: article.url for article in parsed.articles if article.url and is_url(article.url)}
    stored = _stored_inputs(db, linked, refetch)
    articles = []
    # In entry order, fetched ahead of the loop below as it takes them.
    with closing(fetch_pages([url for key, url in linked.items() if key not in stored], max_bytes)) as pages:
        for article in parsed.articles:
            if article.path in stored:
                _not_refetched(db, summary, kept, stored[article.path])
                continue
            if article.path in linked:
                article, warnings = with_page(article, parse_page(next(pages), date_order))
                parsed.warnings.extend(warnings)
            articles.append(article)
    parsed.articles = articles


def _records_gone(db, parsed: ParsedFile) -> list[str]:
    """Records a JSON / JSON Lines file held when last stored and holds no longer (it lost
    lines). A record that is now broken keeps its stored version, as a broken file does."""
    if not parsed.path.lower().endswith((".json", ".jsonl")):
        return []
    present = {article.path for article in parsed.articles}
    present.update(f"{parsed.path}#{error.line}" for error in parsed.errors if error.line)
    present.update(error.path for error in parsed.errors if "#" in error.path)
    if any(not error.line and error.path == parsed.path for error in parsed.errors):
        return []  # the whole file failed: keep what it held
    return records_gone(db, parsed.path, present)


def _store_batch(db, batch: _Batch, analyses: list[ArticleAnalysis], summary: IngestSummary, backend) -> None:
    """Store a batch's articles in one transaction (entity names refreshed in it too).

    An article sent without analysis because its content was stored may find it gone (a
    file it was copied from changed in an earlier batch, or another ingest removed it):
    it is analysed now and stored in a second transaction."""
    redate_articles(db, batch.redate)
    found = iter(analyses)
    items = [(article, next(found) if analyse else None) for article, analyse in zip(batch.articles, batch.analyse)]
    statuses = store_articles(db, items, run_id=summary.run_id, gone=batch.gone)
    summary.removed += len(batch.gone)
    late = [i for i, status in enumerate(statuses) if status == "needs_analysis"]
    if late:
        articles = [items[i][0] for i in late]
        ((_, analyses_late),) = backend.map_ordered([_Batch(articles, [], [True] * len(articles))], _texts)
        late_statuses = store_articles(db, list(zip(articles, analyses_late)), run_id=summary.run_id)
        for i, analysis, status in zip(late, analyses_late, late_statuses):
            items[i], statuses[i] = (items[i][0], analysis), status
    for status, (_, analysis) in zip(statuses, items):
        setattr(summary, status, getattr(summary, status) + 1)
        if status in ("new", "updated") and analysis is not None:
            summary.claims += len(analysis.claims)
            summary.entities += len(analysis.mentions)


@dataclass
class RebuildSummary:
    """What ``analyze rebuild`` did."""

    figures: int
    claims: int
    seconds: float


def rebuild_database(
    db_path: str | Path, on_lock_wait: Callable[[], None] | None = None, progress: Callable[[str, int, int], None] | None = None
) -> RebuildSummary:
    """Recompute every figure of the database at ``db_path`` from its claims, as one run
    over all of them would (the canonical result that updates after each ingest
    approximate where blocks are large), and count words afresh for later updates; then
    fingerprint for copies the articles not fingerprinted yet.

    Runs under the write lock in one transaction: a concurrent ingest waits, and a run
    stopped midway leaves the figures as they were. Raises
    :class:`~pipeline.database.StoreError` (one line) for a missing or unusable database.
    ``progress`` (stage, done, total) follows it (see :func:`~pipeline.tracing.rebuild_figures`).
    """
    check_database_file(db_path, must_exist=True)
    started = time.perf_counter()
    db = open_db(db_path, on_lock_wait=on_lock_wait)
    try:
        with write_transaction(db):
            figures = rebuild_figures(db, progress)
        # (articles not fingerprinted yet: a database made before copies, or whose
        # paragraphs the current rules read otherwise; none, most times)
        if count_to_fingerprint(db)[0]:
            find_copies(db, (lambda done, total: progress(COPIES, done, total)) if progress else None)
        claims = db.execute("select count(*) from claims").fetchone()[0]
    except sqlite3.Error as exc:
        raise StoreError(describe_database_error(db_path, exc)) from None
    finally:
        db.close()
    return RebuildSummary(figures, claims, time.perf_counter() - started)
