"""HTML files: the article's text and metadata, a page with no text, and the plain-text fallback for pages the extractor refuses."""

import pytest

from .helpers import only_article, only_error, write


HTML = """<html><head><title>Big news | Example Times</title>
<meta property="og:site_name" content="Example Times">
<link rel="canonical" href="https://example.com/a/big-news">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-02-12T10:00:00Z">
</head><body><nav>Home About Contact</nav><article><h1>Big news</h1>
<p>DeepSeek said the model cost $6 million to train, a figure many analysts dispute.</p>
<p>Nvidia lost $500 billion of market value in one day, the largest drop on record.</p>
</article><footer>Copyright Example Times</footer></body></html>"""


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html_text_and_metadata(tmp_path, suffix):
    path = write(tmp_path / f"page{suffix}", HTML)
    article = only_article(path)
    assert article.title == "Big news"
    assert article.published == "2025-02-12"
    assert article.source == "Example Times"
    assert article.url == "https://example.com/a/big-news"
    assert article.author == "Jane Doe"
    assert article.raw == path.read_bytes()
    lines = article.text.split("\n")
    assert (
        "DeepSeek said the model cost $6 million to train, a figure many analysts dispute." in lines
    )
    assert (
        "Nvidia lost $500 billion of market value in one day, the largest drop on record." in lines
    )
    assert "Home About Contact" not in article.text


def test_html_without_text(tmp_path):
    path = write(tmp_path / "empty.html", "<html><head><title>x</title></head><body></body></html>")
    assert only_error(path) == f"{path}: no article text found in HTML"


def test_html_too_deep_for_the_extractor_keeps_its_plain_text(tmp_path):
    depth = 10000
    html = (
        "<html><head><title>Deep page</title><style>p {color: red}</style></head><body>"
        + "<div>" * depth + "<p>Acme hired 40 engineers &amp; 3 chemists.</p><script>var x = 1;</script>"
        + "<p>Beta sold 7 cars.</p>" + "</div>" * depth + "</body></html>"
    )  # fmt: skip
    article = only_article(write(tmp_path / "deep.html", html))
    assert article.text == "Acme hired 40 engineers & 3 chemists.\n\nBeta sold 7 cars."
    assert article.title == "Deep page"


def test_a_page_date_comes_from_its_metadata_else_from_its_url(tmp_path):
    dated = only_article(write(tmp_path / "dated.html", HTML))
    assert (dated.published, dated.published_from) == ("2025-02-12", "html")
    undated = HTML.replace('<meta property="article:published_time" content="2025-02-12T10:00:00Z">', "").replace(
        "https://example.com/a/big-news", "https://example.com/2021/02/10/big-news"
    )
    from_url = only_article(write(tmp_path / "undated.html", undated))
    assert (from_url.published, from_url.published_from) in (("2021-02-10", "url"), ("2021-02-10", "html"))
