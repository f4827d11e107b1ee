"""The figure page's chart in a real browser: headless Chromium on ``analyze serve`` over
the demo database (the server, Chromium and their flags come from :mod:`tests.test_browser`).

The training cost DeepSeek-V3's `$6M` traces to has upper bounds ("less than $6m",
"sub-$6M"); NVIDIA's lost market cap (`600 billion`) has a restatement in percent (17%).
Their pages must draw those as bounds and off the value axis, and at 1280 px nothing of the
figure section may run past the window or out of the chart: the page is measured by a
script added to a saved copy of it (the served page itself has none), opened from a file
with its styles from the server. Skips without Chromium, unless ``FIGTRACE_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
import urllib.request

import pytest

from .test_browser import WINDOW, chromium, fetch_json, png_size, run_chromium, server  # noqa: F401  (fixtures)

# Added to a copy of the page: once it is laid out, what overflows, as JSON in a <pre>.
MEASURE = """<script>
window.addEventListener("load", () => {
  const svg = document.querySelector("svg.figtrace-chart"), wrap = svg.parentElement;
  const box = (el) => el.getBoundingClientRect();
  const inside = (el) => { const b = el.getBBox(); return [el.textContent, b.x, b.x + b.width]; };
  const found = {
    viewport: window.innerWidth,
    page: document.documentElement.scrollWidth,
    viewBox: svg.viewBox.baseVal.width,
    chart: [wrap.scrollWidth, wrap.clientWidth, box(svg).right, box(wrap).right],
    legend: [...svg.querySelectorAll(".legend-item")].map(inside),
    texts: [...svg.querySelectorAll("text")].map(inside),
    boxes: [...document.querySelectorAll(".figtrace-table-wrap, .table-wrapper, .figtrace-hint")]
      .map((el) => [el.className, box(el).right, el.scrollWidth, el.clientWidth]),
  };
  const out = document.createElement("pre");
  out.id = "figtrace-measured";
  out.textContent = JSON.stringify(found);
  document.body.appendChild(out);
});
</script>"""


def figure_claims(server: str, query: str) -> dict[str, list[dict]]:
    """Figures a typed figure traces to, each with its stored claims, as a user finds them."""
    found = fetch_json(f"{server}/news/trace_figure.json?" + urllib.parse.urlencode({"figure": query, "_shape": "array"}))
    figures = dict.fromkeys(r["figure_id"] for r in found)
    return {f: fetch_json(f"{server}/news/claims.json?" + urllib.parse.urlencode({"figure_id": f, "_shape": "array", "_size": "max"}))
            for f in figures}  # fmt: skip


def claim_group(dom: str, claim_id: str) -> str:
    """A claim's column in the chart, as markup."""
    match = re.search(rf'<g class="claim [^"]*" data-claim-id="{re.escape(claim_id)}"[^>]*>.*?</g>', dom, re.S)
    assert match, claim_id
    return match.group(0)


@pytest.fixture(scope="module")
def cost(server):
    """The training cost: its figure id and claims."""
    figure_id, claims = next(iter(figure_claims(server, "$6M").items()))
    return figure_id, claims


@pytest.fixture(scope="module")
def market_cap(server):
    """NVIDIA's lost market cap in dollars, restated in percent."""
    return next((f, c) for f, c in figure_claims(server, "600 billion").items()
                if {r["unit"] for r in c} >= {"USD", "percent"})  # fmt: skip


def test_bounds_are_drawn_as_bounds_in_chromium(chromium, server, cost, tmp_path):
    figure_id, claims = cost
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", f"{server}/news/figures/{figure_id}").stdout
    under = [c for c in claims if c["qualifier"] == "under"]
    assert len(under) >= 2  # "less than $6m", "sub-$6M", "a little under $6mn"
    for claim in under:
        group = claim_group(dom, claim["id"])
        assert 'data-bound="upper"' in group and '<path class="bound upper"' in group
        assert len(re.findall(r'<circle class="point"', group)) == 1
    exact = next(c for c in claims if c["qualifier"] == "exact")
    assert 'class="bound' not in claim_group(dom, exact["id"])
    # the relative scale: percent gridlines, the gap beside its point, the axis said to be zoomed
    assert re.search(r'class="tick percent">0%</text>', dom)
    precise = next(c for c in claims if c["surface"] == "$5,576,000")
    assert 'class="delta">−7.1%</text>' in claim_group(dom, precise["id"])
    hint = html.unescape(dom[dom.index('class="figtrace-scale"') :].split("</p>")[0])
    assert 'data-zero-based="no"' in hint and "zoomed in" in hint and "the largest here is 7.1%" in hint
    assert "an arrow down from a dot an upper bound" in html.unescape(dom)


def test_a_restatement_sits_off_the_value_axis_in_chromium(chromium, server, market_cap, tmp_path):
    figure_id, claims = market_cap
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", f"{server}/news/figures/{figure_id}").stdout
    percent = next(c for c in claims if c["unit"] == "percent")
    group = claim_group(dom, percent["id"])
    assert 'class="point other-unit"' in group and '<circle class="point"' not in group
    assert 'class="other-value">17%</text>' in group
    assert 'class="other-unit-strip"' in dom
    assert "Claims in another unit (17%)" in html.unescape(dom)
    on_axis = [c for c in claims if c["unit"] == "USD"]
    assert len(re.findall(r'<circle class="point"', dom)) == len(on_axis)


@pytest.mark.parametrize("which", ["cost", "market_cap"])
def test_nothing_overflows_at_1280_px_in_chromium(chromium, server, which, request, tmp_path):
    figure_id, _ = request.getfixturevalue(which)
    url = f"{server}/news/figures/{figure_id}"
    with urllib.request.urlopen(url, timeout=10) as response:
        page = response.read().decode()
    copy = tmp_path / "figure.html"
    copy.write_text(page.replace("<head>", f'<head><base href="{server}/">', 1).replace("</body>", MEASURE + "</body>", 1))
    dom = run_chromium(chromium, tmp_path / "profile", f"--window-size={WINDOW[0]},{WINDOW[1]}", "--virtual-time-budget=5000",
                       "--dump-dom", copy.as_uri()).stdout  # fmt: skip
    found = re.search(r'<pre id="figtrace-measured">(.*?)</pre>', dom, re.S)
    assert found, "the measuring script did not run"
    measured = json.loads(html.unescape(found.group(1)))
    assert measured["viewport"] == WINDOW[0]
    assert measured["page"] <= measured["viewport"]  # no horizontal scrolling of the page
    scroll, client, chart_right, wrap_right = measured["chart"]
    assert scroll <= client and chart_right <= wrap_right <= measured["viewport"]  # the chart fits its box
    width = measured["viewBox"]
    assert measured["legend"] and all(left >= 0 and right <= width for _, left, right in measured["legend"]), measured["legend"]
    clipped = [t for t in measured["texts"] if t[1] < 0 or t[2] > width]
    assert not clipped  # every label drawn within the chart
    for name, right, scroll, client in measured["boxes"]:  # the lineage table, "This row", the hint
        assert right <= measured["viewport"] and scroll <= client, name

    screenshot = tmp_path / "figure.png"
    run_chromium(chromium, tmp_path / "profile", f"--screenshot={screenshot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", url)
    assert png_size(screenshot) == WINDOW and screenshot.stat().st_size > 20_000
