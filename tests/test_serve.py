"""Datasette over a database built from the demo corpus, with the project's metadata."""

import asyncio

import pytest
import yaml
from datasette.app import Datasette

from pipeline.serve import PROJECT_METADATA


@pytest.fixture(scope="module")
def datasette(demo_db):
    metadata = yaml.safe_load(PROJECT_METADATA.read_text())
    # metadata.yml keys the database by its file stem, "news"
    return Datasette(immutables=[str(demo_db[0])], metadata=metadata)


def get(ds, path):
    return asyncio.run(ds.client.get(path))


def test_tables_have_descriptions_and_label_columns(datasette):
    response = get(datasette, "/news/claims.json?_shape=objects&_labels=on&_size=5")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows and isinstance(rows[0]["article_id"], dict)  # label_column gives titles
    assert rows[0]["article_id"]["label"]
    page = get(datasette, "/news/claims")
    assert "Every numeric figure stated in an article" in page.text


def test_canned_queries_take_parameters(datasette):
    response = get(datasette, "/news/claims_in_unit.json?unit=USD&_shape=objects")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows and all(r["surface"] for r in rows)
    values = [r["value"] for r in rows]
    assert values == sorted(values, reverse=True)
    response = get(datasette, "/news/mentions_of_entity.json?name=Nvidia&_shape=objects")
    rows = response.json()["rows"]
    assert rows and all("vidia" in r["sentence"].lower() for r in rows)


def test_full_text_search_on_sentences(datasette):
    response = get(datasette, "/news/sentences.json?_search=market+cap&_shape=objects")
    rows = response.json()["rows"]
    assert rows and all("market cap" in r["text"].lower() for r in rows)


def test_writes_are_refused(datasette):
    before = get(datasette, "/news.json?sql=select+count(*)+as+n+from+claims&_shape=objects")
    response = get(datasette, "/news.json?sql=delete+from+claims")
    assert response.status_code == 400
    assert not datasette.databases["news"].is_mutable
    after = get(datasette, "/news.json?sql=select+count(*)+as+n+from+claims&_shape=objects")
    assert after.json()["rows"] == before.json()["rows"] != [{"n": 0}]
