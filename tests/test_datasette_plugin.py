"""The Datasette plugin's hooks: figure SQL functions, the entry point, links in cells, and the exception hook replacing Datasette's handler."""

import asyncio
import importlib.metadata
import json
import re

from pipeline import datasette_plugin
from pipeline.datasette_plugin import figure_matches, figure_unit, figure_value

from .helpers import get, rows, v3_training_cost


# --------------------------------------------------------------------------- SQL functions


def test_sql_functions_are_the_normaliser():
    assert figure_value("$6M") == 6_000_000
    assert figure_unit("$6M") == "USD"
    assert figure_matches("$6M", 5_576_000, "$5,576,000", "USD", "money", "exact", None, None) == 1
    assert figure_matches("$6M", 8_000_000, "$8 million", "USD", "money", "exact", None, None) == 0
    assert figure_matches("6M GPUs", 6_000_000, "$6 million", "USD", "money", "exact", None, None) == 0
    # text without a figure (or not text) matches nothing instead of failing the query
    assert figure_value("no figure") is None and figure_value(None) is None
    assert figure_matches("no figure", 6e6, "$6M", "USD", "money", "exact", None, None) == 0


def test_sql_functions_in_datasette(datasette):
    sql = (
        "select figure_value('$6M') as v, figure_unit('$6M') as u, "
        "figure_matches('$6M', 5576000, '$5,576,000', 'USD', 'money', 'exact', null, null) as m, "
        "figure_window_low('$6M') <= 5576000 and 5576000 <= figure_window_high('$6M') as w, "
        "figure_value('nothing') as none"
    )
    [row] = rows(datasette, "/news.json?sql=" + sql.replace(" ", "+").replace("$", "%24"))
    assert row == {"v": 6_000_000, "u": "USD", "m": 1, "w": 1, "none": None}


def test_plugin_is_a_datasette_entry_point(datasette):
    [entry] = [e for e in importlib.metadata.entry_points(group="datasette") if e.name == "figtrace"]
    assert entry.value == "pipeline.datasette_plugin"
    plugins = get(datasette, "/-/plugins.json").json()
    [ours] = [p for p in plugins if p["name"] in ("figtrace", "pipeline.datasette_plugin")]
    assert {"prepare_connection", "render_cell", "register_routes", "extra_template_vars"} <= set(ours["hooks"])


def test_plugin_module_documents_its_functions():
    for name in ("figure_value", "figure_unit", "figure_matches", "lineage_chart", "claim_page", "render_cell"):
        assert getattr(datasette_plugin, name).__doc__, name
    assert json.dumps(sorted(datasette_plugin.SQL_FUNCTIONS))


# --------------------------------------------------------------------------- cells


def test_cells_link_to_claims_in_articles_and_figures(datasette, db):
    page = get(datasette, "/news/claims?surface=%245%2C576%2C000")
    assert re.search(r'<a href="/-/figtrace/claim/news/[^"]+#claim" title="show in the article">\$5,576,000</a>', page.text)
    page = get(datasette, "/news/trace_figure?figure=%246M")
    figure_id = v3_training_cost(db)
    assert f'<a href="/news/figures/{figure_id}"' in page.text
    assert "/-/figtrace/claim/news/" in page.text and '<a href="/news/claims/' in page.text
    page = get(datasette, f"/news/entities_around_figure?figure={figure_id}")
    assert '<a href="/news/entities/' in page.text


# --------------------------------------------------------------------------- errors


def test_error_pages_never_call_rich(datasette, monkeypatch):
    """Datasette's default handler prints every exception with rich's local variables
    (about a second of CPU each); the plugin's handler answers instead, rich untouched."""
    import datasette.handle_exception as default_handler

    calls = []

    class Rich:
        @staticmethod
        def get_console():
            calls.append("rich")
            raise AssertionError("Datasette's default exception handler ran")

    monkeypatch.setattr(default_handler, "rich", Rich)
    for path in ("/nope", "/foo/bar/baz/qux", "/-/figtrace/claim/news/nope", "/news/claims/nope",
                 "/news/figures/fig-doesnotexist", "/news.json?sql=select+nope", "/news.json?sql=delete+from+claims"):  # fmt: skip
        assert get(datasette, path).status_code in (400, 404), path
    assert calls == []


def test_the_exception_hook_answers_with_figtrace_s_handler(datasette):
    from datasette.plugins import pm
    from datasette.utils.asgi import NotFound, Request

    request = Request.fake("/nope")
    answers = pm.hook.handle_exception(datasette=datasette, request=request, exception=NotFound("gone"))
    assert [a.__module__ for a in answers] == ["pipeline.datasette_plugin"]  # the default's is dropped
    response = asyncio.run(answers[0]())
    assert response.status == 404 and "gone" in response.body
