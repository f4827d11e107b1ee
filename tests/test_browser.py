"""A real browser on a real server: ``analyze serve`` on the demo database, headless
Chromium opening the figure page of DeepSeek-V3's training cost (the figure ``$6M``
traces to), a claim in its article, the database page's trace box and the claims table
at 1280x800.

Chromium is driven by its own command-line flags (``--dump-dom``, ``--screenshot``), so
nothing beyond Debian's ``chromium`` package is needed and nothing is fetched. Without
Chromium the tests skip, unless ``FIGTRACE_REQUIRE_BROWSER=1`` (set by ``.ci/run``, which
installs it) makes them fail instead. ``FIGTRACE_UPDATE_SCREENSHOT=1`` also copies the
screenshot to ``docs/datasette.png`` for the README.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# No network, no first-run work, nothing persisted outside a throwaway profile.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
WINDOW = (1280, 1400)


def find_chromium() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


@pytest.fixture(scope="module")
def chromium():
    path = find_chromium()
    if path is None:
        message = "no chromium on PATH (apt-get install chromium); .ci/run installs it"
        if os.environ.get("FIGTRACE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    """``analyze serve`` on the demo database, as a user starts it; yields its base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "serve", "--db", str(demo_db[0]), "--port", str(port)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch_json(f"{base}/-/versions.json")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"analyze serve did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_chromium(chromium: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def png_rows(path: Path) -> list[list[tuple[int, int, int]]]:
    """The pixels of an 8-bit RGB or RGBA PNG (what Chromium's screenshots are), as rows of
    (r, g, b): the PNG filters undone with the standard library, so no imaging package."""
    data = path.read_bytes()
    width, height = png_size(path)
    at, idat, channels = 8, b"", None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            depth, colour, interlace = body[8], body[9], body[12]
            assert depth == 8 and colour in (2, 6) and interlace == 0, "not an 8-bit RGB(A) PNG"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - channels] if x >= channels else 0
            up, up_left = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - up_left
                nearest = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - up_left), 2, up_left))
                line[x] = (line[x] + nearest[2]) & 255
        rows.append([tuple(line[x : x + 3]) for x in range(0, stride, channels)])
        previous = line
    return rows


def table_row_rules(path: Path, colour=(0xAA, 0xAA, 0xAA), share=0.5) -> list[int]:
    """The y of every line of a screenshot at least ``share`` of whose width is ``colour``:
    Datasette draws each table cell's top border 1px #aaa, so a data row on screen draws one
    across the table (nothing else on its pages does)."""
    return [y for y, row in enumerate(png_rows(path)) if sum(pixel == colour for pixel in row) >= share * len(row)]


@pytest.fixture(scope="module")
def v3_figure(server):
    """The figure `$6M` traces to first, found as a user would: the Trace a figure query."""
    query = urllib.parse.urlencode({"figure": "$6M", "_shape": "array", "_size": "max"})
    found = fetch_json(f"{server}/news/trace_figure.json?{query}")
    figure_id = found[0]["figure_id"]
    return figure_id, [r for r in found if r["figure_id"] == figure_id]


def test_figure_page_renders_chart_and_lineage_in_chromium(chromium, server, v3_figure, tmp_path):
    figure_id, claims = v3_figure
    url = f"{server}/news/figures/{figure_id}"
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", url).stdout
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="figtrace-chart"' in dom
    # one point per claim, the origin drawn as such
    assert len(re.findall(r'<circle class="point"', dom)) == len(claims)
    assert 'class="claim origin"' in dom
    lineage = dom[dom.index("figtrace-lineage") :]
    lineage = lineage[: lineage.index("</table>")]
    assert len(re.findall(r"<tr class=", lineage)) == len(claims)
    assert "$5,576,000" in lineage and "origin" in lineage

    screenshot = tmp_path / "figure.png"
    run_chromium(
        chromium, tmp_path / "profile", f"--screenshot={screenshot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", url
    )
    assert png_size(screenshot) == WINDOW
    assert screenshot.stat().st_size > 20_000  # a rendered page, not a blank one
    if os.environ.get("FIGTRACE_UPDATE_SCREENSHOT") == "1":
        shutil.copy(screenshot, ROOT / "docs" / "datasette.png")


def test_claim_opens_highlighted_in_its_article_in_chromium(chromium, server, v3_figure, tmp_path):
    _, claims = v3_figure
    precise = next(r for r in claims if r["surface"] == "$5,576,000")
    dom = run_chromium(
        chromium, tmp_path / "profile", "--dump-dom", f"{server}/-/figtrace/claim/news/{precise['claim_id']}"
    ).stdout
    assert re.search(r'<mark class="sentence">[^<]*<mark class="figure" id="claim">\$5,576,000</mark>', dom)


def test_database_page_trace_box_shows_the_figure_in_chromium(chromium, server, v3_figure, tmp_path):
    figure_id, claims = v3_figure
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", f"{server}/news").stdout
    form = re.search(r'<form class="figtrace-trace" action="([^"]+)" method="get"[^>]*>(.*?)</form>', dom, re.S)
    assert form, "no trace box on the database page"
    assert re.search(r'<input type="search" id="figtrace-figure" name="figure"', form.group(2))
    # What pressing Enter in it does: a GET of the form's action with its one field.
    url = urllib.parse.urljoin(f"{server}/news", form.group(1)) + "?" + urllib.parse.urlencode({"figure": "$6M"})
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", url).stdout
    assert f'<a href="/news/figures/{figure_id}"' in dom
    assert "$5,576,000" in dom and "message-error figtrace-notice" not in dom
    shown = re.findall(r'<td class="col-claim_id"><a href="/news/claims/([^"]+)"', dom)
    assert [c["claim_id"] for c in claims] == shown[: len(claims)]  # its lineage, in order
    # A figure it cannot read is said so.
    url = urllib.parse.urljoin(f"{server}/news", form.group(1)) + "?figure=abc"
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", url).stdout
    assert "cannot read a figure in 'abc'" in dom


def test_claims_table_shows_rows_above_the_fold_in_chromium(chromium, server, tmp_path):
    url = f"{server}/news/claims"
    dom = run_chromium(chromium, tmp_path / "profile", "--dump-dom", url).stdout
    # The descriptions are folded away: in a <details> that is not open.
    folded = re.search(r"<details([^>]*)>\s*<summary>Column descriptions</summary>(.*?)</details>", dom, re.S)
    assert folded and "open" not in folded.group(1)
    assert dom.count('<dl class="column-descriptions">') == 1 and '<dl class="column-descriptions">' in folded.group(2)
    assert re.search(r'<td class="col-value type-float"><span class="figtrace-value" title="[\d.e+]+">', dom)

    screenshot = tmp_path / "claims.png"
    run_chromium(chromium, tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1280,800", url)
    assert png_size(screenshot) == (1280, 800)
    rules = table_row_rules(screenshot)
    assert rules and rules[0] < 800 - 30, f"no table row on the first screen (row rules at {rules})"
    # The same page in a window too short for the rows shows none: the check sees rows, not noise.
    short = tmp_path / "short.png"
    run_chromium(chromium, tmp_path / "profile", f"--screenshot={short}", "--window-size=1280,400", url)
    assert table_row_rules(short) == []
