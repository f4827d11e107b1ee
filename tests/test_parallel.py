"""The NLP stage on worker processes and on Dask stores exactly what one process stores."""

import pytest
import sqlite_utils

from pipeline.parallel import InProcess, analyze_batch, make_backend
from pipeline.runner import ingest_paths

@pytest.fixture(scope="module")
def reference(demo_db, fingerprint):
    return fingerprint(demo_db[0])


def test_map_ordered_keeps_order_and_skips_empty_batches(nlp):
    backend = InProcess(nlp=nlp)
    batches = [["Acme hired 40 engineers."], [], ["Beta sold 7 cars.", "Gamma lost $5 million."]]
    results = list(backend.map_ordered(batches, lambda texts: texts))
    assert [batch for batch, _ in results] == batches
    assert [len(analyses) for _, analyses in results] == [1, 0, 2]
    assert results[2][1][1].claims[0].surface == "$5 million"


def test_a_backend_with_nothing_to_do_loads_no_model():
    backend = make_backend(workers=1, model="no_such_model")
    assert list(backend.map_ordered([[]], lambda texts: texts)) == [([], [])]


def test_analyze_batch_is_the_unit_of_work(nlp):
    [analysis] = analyze_batch(["Tesla lost 12% of its market value."])
    assert [c.surface for c in analysis.claims] == ["12%"]


def test_two_worker_processes_store_the_same_rows(tmp_path, demo_corpus, reference, fingerprint):
    db_path = tmp_path / "news.db"
    summary = ingest_paths([demo_corpus], db_path, workers=2, batch_size=2)
    assert (summary.new, summary.errors) == (5, [])
    assert fingerprint(db_path) == reference
    [run] = sqlite_utils.Database(db_path).query("select model, model_version from runs")
    assert run["model"] and run["model_version"]


def test_a_two_worker_dask_cluster_stores_the_same_rows(tmp_path, demo_corpus, reference, fingerprint):
    pytest.importorskip("distributed")
    db_path = tmp_path / "news.db"
    summary = ingest_paths([demo_corpus], db_path, workers=2, dask="local", batch_size=2)
    assert (summary.new, summary.errors) == (5, [])
    assert fingerprint(db_path) == reference
