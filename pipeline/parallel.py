"""Where the NLP stage runs: in this process, in local worker processes, or on Dask.

Every backend runs the same function, :func:`analyze_batch`, on batches of article
texts and hands the results back in submission order, so the single SQLite writer in
the main process stores the same rows whichever backend did the work. At most
``window`` batches are in flight, so memory stays flat however large the corpus.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from multiprocessing import get_all_start_methods, get_context
from typing import Any, TypeVar

from .nlp import analyze_texts, load_pipeline, model_info
from .records import ArticleAnalysis

Item = TypeVar("Item")


@lru_cache(maxsize=2)
def _worker_pipeline(model: str | None):
    """The pipeline of a worker process, loaded once and reused for every batch."""
    return load_pipeline(model)


def analyze_batch(texts: list[str], model: str | None = None) -> list[ArticleAnalysis]:
    """Analyse a batch of texts with this process's copy of the pipeline (the unit of work
    that worker processes and Dask workers run)."""
    return analyze_texts(_worker_pipeline(model), texts)


def worker_model_info(model: str | None = None) -> tuple[str, str]:
    """The model name and version a worker loads (recorded in ``runs``)."""
    return model_info(_worker_pipeline(model))


class BackendUnavailable(RuntimeError):
    """The requested place to run the NLP cannot be used (e.g. Dask is not installed)."""


class _Done:
    """A finished result with the interface of a future."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class Backend:
    """Runs :func:`analyze_batch` somewhere; subclasses say where."""

    #: batches in flight at once (bounded, so a huge corpus never piles up in memory)
    window = 1

    def submit(self, fn: Callable, *args) -> Any:
        raise NotImplementedError

    def model_info(self) -> tuple[str, str]:
        raise NotImplementedError

    def map_ordered(self, items: Iterable[Item], texts_of: Callable[[Item], list[str]]) -> Iterator[tuple[Item, list]]:
        """Yield ``(item, analyses)`` for each item, in order, keeping ``window`` in flight."""
        in_flight: deque = deque()
        for item in items:
            texts = texts_of(item)
            # Nothing to analyse: no worker (nor model) is needed, but order is kept.
            future = self.submit(analyze_batch, texts, self.model) if texts else _Done([])
            in_flight.append((item, future))
            if len(in_flight) >= self.window:
                done, future = in_flight.popleft()
                yield done, future.result()
        while in_flight:
            done, future = in_flight.popleft()
            yield done, future.result()

    def close(self) -> None:
        """Release workers; the backend is not used afterwards."""


class InProcess(Backend):
    """Everything in this process, with a pipeline given or loaded on first use."""

    def __init__(self, model: str | None = None, nlp=None):
        self.model = model
        self._nlp = nlp

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = load_pipeline(self.model)
        return self._nlp

    def submit(self, fn, texts, model=None):
        # The work of ``fn`` (analyze_batch), with this backend's own pipeline.
        return _Done(analyze_texts(self.nlp, texts))

    def model_info(self):
        return model_info(self.nlp)


class ProcessPool(Backend):
    """``workers`` local processes, each loading the model once."""

    def __init__(self, workers: int, model: str | None = None):
        self.model = model
        self.workers = workers
        self.window = workers * 2
        self._pool = None

    @property
    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:  # started on first use: a run with nothing new starts none
            # fork where there is one: spawn would re-run the caller's main module in every
            # worker, which breaks scripts that call ingest_paths without a __main__ guard.
            method = "fork" if "fork" in get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context(method))
        return self._pool

    def submit(self, fn, *args) -> Future:
        return self.pool.submit(fn, *args)

    def model_info(self):
        return self.pool.submit(worker_model_info, self.model).result()

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


class DaskCluster(Backend):
    """A Dask distributed cluster: ``"local"`` starts a LocalCluster of ``workers``
    processes; anything else is a scheduler address (``tcp://host:8786``)."""

    def __init__(self, scheduler: str, workers: int = 2, model: str | None = None):
        self.scheduler = scheduler
        self.workers = workers
        self.model = model
        self.window = 2 * workers
        self._client = None
        self._cluster = None

    @property
    def client(self):
        if self._client is None:  # connected on first use, like the process pool
            try:
                from distributed import Client, LocalCluster
            except ImportError as error:  # an optional extra
                raise BackendUnavailable(
                    "Dask is not installed: pip install 'figtrace[dask]' (or distributed)"
                ) from error
            if self.scheduler == "local":
                self._cluster = LocalCluster(
                    n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(self.scheduler)
            self.window = max(2, 2 * len(self._client.scheduler_info().get("workers", {})))
        return self._client

    def submit(self, fn, *args):
        # pure=False: two batches with equal texts are still two tasks to hand back.
        return self.client.submit(fn, *args, pure=False)

    def model_info(self):
        return self.client.submit(worker_model_info, self.model, pure=False).result()

    def close(self):
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_backend(workers: int = 1, dask: str | None = None, model: str | None = None, nlp=None) -> Backend:
    """The backend for ``analyze ingest --workers N [--dask ...]``."""
    if dask:
        return DaskCluster(dask, workers=max(workers, 2) if dask == "local" else workers, model=model)
    if workers > 1:
        return ProcessPool(workers, model)
    return InProcess(model, nlp)
