"""Plain text and Markdown files: one article after an optional header, Markdown cleaned, the title found, no text or a bad header an error."""

from pipeline.ingest import parse_file

from .helpers import BODY, only_article, only_error, write


# --- text files ----------------------------------------------------------------------------


def test_txt_without_header(tmp_path):
    path = write(tmp_path / "a.txt", "\ufeffShort headline\r\n\r\nBody line.\r\n\n  \n")
    article = only_article(path)
    assert article.path == str(path)
    assert article.text == "Short headline\n\nBody line."
    assert article.title == "Short headline"
    assert article.published is None
    assert article.raw == path.read_bytes()


def test_txt_with_header_block(tmp_path):
    path = write(
        tmp_path / "a.txt",
        f"Title: Costs\nDate: Feb 12 2025\nSource: Ex\nURL: https://ex.com\nAuthor: Jo\n\n{BODY}\n",
    )
    article = only_article(path)
    assert (article.title, article.published, article.source, article.url, article.author) == (
        "Costs",
        "2025-02-12",
        "Ex",
        "https://ex.com",
        "Jo",
    )
    assert article.text == BODY


def test_txt_header_without_title_takes_title_from_body(tmp_path):
    article = only_article(write(tmp_path / "a.txt", f"date: 2025-02-12\n\n{BODY}"))
    assert article.title == BODY


def test_txt_inline_date_form(tmp_path):
    article = only_article(write(tmp_path / "a.txt", f"  date 2025-02-12 {BODY}\n\nMore.\n"))
    assert article.published == "2025-02-12"
    assert article.text == f"{BODY}\n\nMore."


def test_malformed_header_reaches_parse_file_as_one_error(tmp_path):
    path = write(tmp_path / "x.txt", "title: T\nThis line is prose\n\nBody.")
    assert only_error(path) == (
        f"{path}:2: malformed header: 'This line is prose' is not a 'key: value' line (end the header with a blank line)"
    )


def test_an_unreadable_header_date_stores_the_article_undated_with_one_warning(tmp_path):
    path = write(tmp_path / "x.txt", "title: T\ndate: next tuesday\n\nBody.")
    parsed = parse_file(path)
    assert [(a.title, a.published, a.published_from) for a in parsed.articles] == [("T", None, "none")]
    assert parsed.errors == []
    assert [str(w) for w in parsed.warnings] == [f"{path}: date 'next tuesday' is not a readable date; stored undated"]


def test_header_without_body_is_an_error(tmp_path):
    assert only_error(write(tmp_path / "x.txt", "title: T\n")).endswith(": no article text found")


# --- markdown files ------------------------------------------------------------------------


def test_markdown_front_matter_and_cleanup(tmp_path):
    md = (
        "---\n"
        "title: 'Front title'\n"
        "published: 2025-02-12\n"
        "---\n"
        "# The heading\n"
        "\n"
        "<!-- editor note -->A **bold** claim and *an aside*, "
        'per [Reuters](https://r.com/a_(b) "R").\n'
        "![chart](img/chart.png)\n"
        "* bullet item with snake_case_name and 2 * 3 = 6\n"
        "## Section ##\n"
        "__strong__ and _em_ text.\n"
    )
    article = only_article(write(tmp_path / "a.md", md))
    assert article.title == "Front title"
    assert article.published == "2025-02-12"
    assert article.text == (
        "The heading\n"
        "\n"
        "A bold claim and an aside, per Reuters.\n"
        "\n"
        "* bullet item with snake_case_name and 2 * 3 = 6\n"
        "Section\n"
        "strong and em text."
    )


def test_markdown_heading_is_title(tmp_path):
    article = only_article(
        write(tmp_path / "a.markdown", "\n# DeepSeek *R1* [explained](http://x)\n\nBody text.\n")
    )
    assert article.title == "DeepSeek R1 explained"
    assert article.text == "DeepSeek R1 explained\n\nBody text."


def test_markdown_header_block_and_hashtag_not_heading(tmp_path):
    article = only_article(write(tmp_path / "a.md", "title: T\n\n#hashtag stays\n"))
    assert (article.title, article.text) == ("T", "#hashtag stays")


def test_markdown_with_only_markup_has_no_text(tmp_path):
    assert only_error(write(tmp_path / "a.md", "![img](a.png)\n<!-- c -->\n")).endswith(
        ": no article text found"
    )


def test_a_hard_wrapped_text_is_stored_a_paragraph_a_line_and_its_sentences_whole(tmp_path):
    import textwrap

    paragraphs = [
        "Acme Robotics will cut 4,500 jobs worldwide over the next two years as demand for its machines slows, the company said.",
        "The cuts amount to roughly 12% of the workforce of the Boston-based firm, which employed about 37,000 people last year.",
        "Chief executive Maria Lopez said the restructuring would save $800 million a year by 2027 and keep the drones coming.",
    ]
    wrapped = "title: Cuts\n\nBy Sam Lee\n\n" + "\n\n".join(textwrap.fill(p, 60) for p in paragraphs) + "\n"
    assert only_article(write(tmp_path / "wrapped.txt", wrapped)).text == "By Sam Lee\n\n" + "\n\n".join(paragraphs)
    # Short lines that are no wrap stay as they are: a list, a poem.
    listing = "Results:\nAcme rose 3%.\nBeta fell 2%.\nGamma was flat.\nDelta rose 1%.\n"
    assert only_article(write(tmp_path / "list.txt", listing)).text == listing.strip()
