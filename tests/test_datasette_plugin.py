"""The Datasette plugin's hooks: figure SQL functions, the entry point, links and readable values in cells, the message for a figure it cannot read, searching figures, and the exception hook replacing Datasette's handler."""

import asyncio
import csv
import html
import importlib.metadata
import io
import json
import re
import urllib.parse

from datasette.utils import tilde_encode

from pipeline import datasette_plugin
from pipeline.claims.display import format_figure
from pipeline.datasette_plugin import figure_matches, figure_unit, figure_value, unreadable_figure

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


def render(datasette, row, column, table="claims"):
    """What the plugin's render_cell makes of ``row[column]`` (None: Datasette's own)."""
    return datasette_plugin.render_cell(
        row=row, value=row[column], column=column, table=table, database="news", datasette=datasette
    )


def test_values_are_written_as_figures_with_the_stored_number_on_hover(datasette):
    cases = [  # (row, column, what the cell reads)
        ({"value": 5e11, "unit": "USD", "kind": "money"}, "value", "$500 billion"),
        ({"value_high": 17.0, "unit": "percent", "kind": "percent"}, "value_high", "17%"),
        ({"value_low": 50000.0, "unit": "GPU", "kind": "count"}, "value_low", "50,000 GPUs"),
        ({"value": 1.0, "unit": "day", "kind": "duration"}, "value", "1 day"),
        ({"value": 2024.0, "unit": "year", "kind": "year"}, "value", "2024"),
        ({"canonical_value": 5576000.0, "unit": "USD"}, "canonical_value", "$5.576 million"),  # a figure: no kind
        ({"value_min": 2023.0, "unit": "year"}, "value_min", "2023"),
        ({"value_max": 45.0, "unit": "x"}, "value_max", "45x"),
    ]
    for row, column, written in cases:
        cell = str(render(datasette, row, column, table="figures" if "kind" not in row else "claims"))
        assert cell == f'<span class="figtrace-value" title="{row[column]!r}">{html.escape(written)}</span>', row
    # in query results too, when the row carries the unit
    assert "$500 billion" in str(render(datasette, {"value": 5e11, "unit": "USD", "claim_id": "c"}, "value", None))
    # no unit to write it in, or not a number: Datasette's own rendering
    assert render(datasette, {"value": 6.0}, "value") is None
    assert render(datasette, {"value": "six", "unit": "USD"}, "value") is None
    assert render(datasette, {"value": None, "unit": "USD"}, "value") is None


def test_pages_show_figures_while_json_and_csv_keep_the_numbers(datasette, db):
    claim_id, value, unit = db.execute(
        "select id, value, unit from claims where unit = 'USD' and value >= 1e9 order by value desc limit 1"
    ).fetchone()
    page = get(datasette, f"/news/claims/{tilde_encode(claim_id)}").text
    assert f'<span class="figtrace-value" title="{value!r}">{format_figure(value, unit)}</span>' in page
    [row] = rows(datasette, f"/news/claims/{tilde_encode(claim_id)}.json")
    assert row["value"] == value and isinstance(row["value"], float)
    exported = get(datasette, f"/news/claims.csv?id={urllib.parse.quote(claim_id)}").text
    [record] = list(csv.DictReader(io.StringIO(exported)))
    assert float(record["value"]) == value and record["value"] == repr(value)
    # every value of the claims table, and every canonical value of the figures table
    for table, column in (("claims", "value"), ("figures", "canonical_value")):
        page = get(datasette, f"/news/{table}?_size=max").text
        hover = re.findall(rf'<td class="col-{column} type-\w+"><span class="figtrace-value" title="([^"]+)">', page)
        stored = [r[0] for r in db.execute(f"select {column} from {table} where {column} is not null")]
        assert sorted(map(float, hover)) == sorted(stored), table


def test_a_figure_that_cannot_be_read_is_said_so(datasette, db):
    for example in datasette_plugin.FIGURE_EXAMPLES:  # the examples it suggests do read
        assert figure_value(example) is not None, example
    assert unreadable_figure("abc") == "cannot read a figure in 'abc' (try e.g. '$6M', '50,000 GPUs', '17%')"
    for readable in ("$6M", "50,000 GPUs", "", "  ", None, v3_training_cost(db)):
        assert unreadable_figure(readable) is None, readable
    page = get(datasette, "/news/trace_figure?figure=abc")
    assert page.status_code == 200
    [notice] = re.findall(r'<p class="message-error figtrace-notice">(.*?)</p>', page.text)
    assert html.unescape(notice) == unreadable_figure("abc")
    for fine in ("/news/trace_figure?figure=%246M", "/news/trace_figure", f"/news/entities_around_figure?figure={v3_training_cost(db)}"):
        assert 'class="message-error figtrace-notice"' not in get(datasette, fine).text, fine
    assert 'class="message-error figtrace-notice"' in get(datasette, "/news/entities_around_figure?figure=abc").text
    hostile = get(datasette, "/news/trace_figure?figure=%3Cscript%3Efigtrace_xss()%3C/script%3E").text
    assert "cannot read a figure in &#39;&lt;script&gt;figtrace_xss()" in hostile and "<script>figtrace_xss" not in hostile


def test_trace_results_say_undated_and_how_sure_the_origin_is(datasette, db):
    found = rows(datasette, "/news/trace_figure.json?figure=%246M&_size=max")
    undated = [r for r in found if r["date"] is None]
    assert undated and len(undated) < len(found)  # the demo has both
    certainty = dict(db.execute("select id, origin_certainty from figures").fetchall())
    for r in found:
        assert r["origin_certainty"] == (certainty[r["figure_id"]] if r["mutation"] == "origin" else None)
    page = get(datasette, "/news/trace_figure?figure=%246M").text
    assert page.count('<td class="col-date"><span class="figtrace-undated">undated</span></td>') == len(undated)
    shown = re.findall(r'<td class="col-origin_certainty"><span class="figtrace-certainty" data-certainty="(\w+)"', page)
    assert shown == [r["origin_certainty"] for r in found if r["mutation"] == "origin"]
    first = rows(datasette, "/news/first_appearance.json?_size=max")
    page = get(datasette, "/news/first_appearance").text
    assert page.count('<span class="figtrace-undated">undated</span>') == sum(r["date"] is None for r in first)
    assert re.findall(r'<td class="col-origin"><span class="figtrace-certainty" data-certainty="(\w+)"', page) == [
        r["origin"] for r in first
    ]


# --------------------------------------------------------------------------- searching figures


def test_figures_are_found_by_subject_and_by_the_ways_they_are_stated(datasette, db):
    figure_id = v3_training_cost(db)
    subject = db["figures"].get(figure_id)["subject"]
    for text in (subject.split()[-1], "$6 million", "$5,576,000"):
        found = [r["id"] for r in rows(datasette, f"/news/figures.json?_search={urllib.parse.quote(text)}&_size=max")]
        assert figure_id in found, text
    stating = [r[0] for r in db.execute("select distinct figure_id from claims where surface = '$5,576,000'")]
    assert [r["id"] for r in rows(datasette, "/news/figures.json?_search=%245%2C576%2C000")] == stating == [figure_id]
    assert rows(datasette, "/news/figures.json?_search=zyzzyva") == []
    assert '<input id="_search" type="search" name="_search"' in get(datasette, "/news/figures").text


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


def test_a_query_of_its_own_with_odd_value_and_unit_columns_still_renders(datasette):
    for sql in ("select 5 as value, 3 as unit", "select 1e999 as value, 'USD' as unit", "select 2.5 as value, x'ab' as unit"):
        page = get(datasette, "/news?" + urllib.parse.urlencode({"sql": sql}))
        assert page.status_code == 200, (sql, page.text[:300])
    assert "inf" in get(datasette, "/news?" + urllib.parse.urlencode({"sql": "select 1e999 as value, 'USD' as unit"})).text
