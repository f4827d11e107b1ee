"""weblinks: the one rule for what may become a link."""

import pytest

from pipeline.datasette_guards import web_url
from pipeline.ingest.html import page_links
from pipeline.tracing.render import link_url
from pipeline.weblinks import is_web_address


@pytest.mark.parametrize(
    "url, linked",
    [("https://example.com/a", True), ("HTTP://Example.com", True), ("http://[::1]:8001/x", True),
     ("javascript:alert(1)", False), ("data:text/html,x", False), ("//example.com/x", False), ("/news", False),
     ("https://", False), ("http://user@/x", False), ("http://[oops/x", False), ("", False), (None, False)],
)  # fmt: skip
def test_an_http_address_with_a_host_is_a_web_address(url, linked):
    assert is_web_address(url) is linked


def test_every_link_figtrace_makes_or_keeps_follows_the_one_rule():
    # A user without a host: every medium refuses it (the ingest and the HTML filter took
    # any netloc before, the Markdown link a host).
    assert link_url("http://user@/x") is None and web_url("http://user@/x") is None
    page = '<article><p><a href="http://user@/x">a</a> <a href="https://ok.example/b">b</a></p></article>'
    assert page_links(page, "https://news.example/story") == ("https://ok.example/b",)
    # Each medium keeps its own care: Markdown percent-encodes a space, HTML refuses it.
    assert link_url("https://example.org/a b") == "https://example.org/a%20b"
    assert web_url("https://example.org/a b") is None
