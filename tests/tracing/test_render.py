"""Render: terminal tables fitted to a width, and a figure's story in Markdown."""

from pipeline.tracing import fit_table, lineage_markdown, lineage_table
from pipeline.tracing.render import Column, statement

COLUMNS = [Column("date"), Column("source", drop=2), Column("as written"), Column("qualifier", drop=1)]
ROWS = [
    ["2025-02-12", "Financial Times", "50,000 Nvidia Hopper GPUs", "approx (around)"],
    ["undated", "A blog", "50,000 GPUs", "exact"],
]


def test_a_table_that_fits_is_one_line_a_row_and_none_means_whole():
    whole = fit_table(COLUMNS, ROWS, None).splitlines()
    assert len(whole) == 3 and "50,000 Nvidia Hopper GPUs" in whole[1]
    assert fit_table(COLUMNS, ROWS, 200).splitlines() == whole


def test_cells_wrap_between_words_and_columns_give_way_before_a_word_breaks():
    lines = fit_table(COLUMNS, ROWS, 48).splitlines()
    assert max(map(len, lines)) <= 48
    assert lines[0].split() == ["date", "source", "as", "written", "qualifier"]
    text = " ".join(lines)
    for word in ("Financial", "Times", "Nvidia", "Hopper", "GPUs", "(around)"):
        assert word in text.split()  # wrapped whole, never cut
    narrow = fit_table(COLUMNS, ROWS, 36).splitlines()
    assert max(map(len, narrow)) <= 36
    assert "qualifier" not in narrow[0] and "source" in narrow[0]  # the qualifier gives way first
    narrower = fit_table(COLUMNS, ROWS, 26).splitlines()
    assert "source" not in narrower[0] and max(map(len, narrower)) <= 26


def test_words_break_only_when_the_columns_that_stay_do_not_fit():
    lines = fit_table([Column("id", narrowest=6), Column("text")], [["fig-c1446e4ee5ee", "a long story"]], 16).splitlines()
    assert max(map(len, lines)) <= 16
    assert "fig-c1" in lines[1] and "".join(line.split()[0] for line in lines[1:] if line[0] != " ").startswith("fig-c1446e4ee5ee")


def test_text_below_a_row_is_wrapped_to_the_width_and_indented():
    below = ["qualifier 'around' dropped; credited to OpenAI instead of DeepSeek", ""]
    lines = fit_table(COLUMNS, ROWS, 40, below=below).splitlines()
    assert max(map(len, lines)) <= 40
    under = [line for line in lines if line.startswith(" " * 5) and line[5] != " "]
    assert " ".join(" ".join(under).split()) == below[0]


def _lineage(**origin):
    claim = {"id": "c1", "article_id": "a1", "path": "corpus/ft.txt", "title": "Chips [and] *stars*", "published": "2025-02-12",
             "source": None, "url": "https://example.org/ft?a=1", "surface": "50,000 GPUs", "qualifier": "approx",
             "qualifier_cue": "around", "attributed_to": "SemiAnalysis", "is_origin": True, "mutation": ["origin"],
             "detail": None, **origin}  # fmt: skip
    later = dict(claim, id="c2", article_id="a2", path="corpus/blog.txt", title="A blog", url="javascript:alert(1)",
                 published=None, surface="60,000 GPUs", is_origin=False, mutation=["inflated"], detail="inflated 20.0%")  # fmt: skip
    same = dict(later, id="c3", surface="50,000 GPUs", mutation=["same"], detail="same figure, same wording")
    return {"id": "fig-1", "subject": "Hopper GPUs", "unit": "GPU", "canonical_value": 50000.0, "attributed_origin": "SemiAnalysis",
            "origin_certainty": "some_undated", "origin_note": "uncertain: 1 undated article states it too and may be earlier",
            "origin": claim, "claims": [claim, later, same]}  # fmt: skip


def test_a_lineage_fits_the_width_with_each_change_whole_under_its_claim():
    lineage = _lineage()
    lines = lineage_table(lineage, 40).splitlines()
    assert max(map(len, lines)) <= 40
    assert any(line.strip() == "inflated 20.0%" for line in lines)
    assert len(lineage_table(lineage).splitlines()) == 2 + 3  # whole: a line a claim


def test_markdown_story_links_only_web_addresses_and_escapes_markup():
    text = lineage_markdown(_lineage())
    assert text.startswith("## Hopper GPUs: 50,000 GPUs\n")
    assert "**First appeared** as “50,000 GPUs” in [*Chips \\[and\\] \\*stars\\**](<https://example.org/ft?a=1>), 2025-02-12" in text
    assert "(origin uncertain: 1 undated article states it too and may be earlier)" in text
    assert "**Credited to** SemiAnalysis." in text and "**Stated** 3 times in 2 articles." in text
    assert "- undated, *A blog*: “60,000 GPUs”: inflated 20.0%." in text
    assert "javascript:" not in text  # not a link
    assert "Repeated unchanged 1 time: *A blog*." in text


def test_a_statement_is_the_most_precise_value_and_the_span_of_all():
    assert statement({"unit": "USD", "canonical_value": 5_576_000.0, "value_min": 5_576_000.0, "value_max": 6e6}) == "$5.576 million ($5.58M–$6M)"
    assert statement({"unit": "percent", "canonical_value": 17.0, "value_min": 17.0, "value_max": 17.0}) == "17%"
    assert statement({"unit": "parameter", "canonical_value": 6.71e11, "value_min": 6.71e11, "value_max": 6.85e11}) == (
        "671 billion parameters (671B–685B parameters)")
    assert statement({"unit": None, "canonical_value": None, "value_min": None, "value_max": None}) == "(no value)"


def test_a_lineage_head_is_wrapped_to_the_width_even_when_its_table_fits():
    lineage = _lineage(attributed_to="")
    lineage["subject"] = "a subject long enough to make the first line of the lineage run past sixty characters"
    lines = lineage_table(lineage, 100).splitlines()
    assert max(map(len, lines)) <= 100 and len(lines) > 2 + 3


def test_a_column_of_nothing_still_fits():
    assert fit_table([Column("", narrowest=1), Column("a")], [["", "x"]], 40).splitlines()[1].strip() == "x"


def test_markdown_keeps_each_statement_on_its_line_and_each_link_whole():
    lineage = _lineage(surface="$6\nmillion", title="Chips\n=== and\n- stars", url="https://example.org/a b<c>\nd")
    text = lineage_markdown(lineage)
    assert text.startswith("## Hopper GPUs: $6 million\n")
    assert "[*Chips === and - stars*](<https://example.org/a%20b%3Cc%3E%0Ad>)" in text
    assert not any(line.startswith(("=", "- stars")) for line in text.splitlines())
    assert "**Most precise statement:** 50,000 GPUs." in text


def test_citations_follow_the_table_once_each_wrapped_to_the_width_and_are_a_markdown_section():
    lineage = _lineage()
    lineage["claims"][1]["source"] = "Daily Example"
    lineage["citations"] = [
        {"from": "a2", "to": "a1", "kind": "link", "evidence": "https://example.org/ft"},
        {"from": "a2", "to": "a1", "kind": "link", "evidence": "https://example.org/ft?again"},
        {"from": "a2", "to": "a1", "kind": "copy", "evidence": 0.9},  # told on the rows, not here
        {"from": "a2", "to": "zz", "kind": "attribution", "evidence": "c9"},  # outside the lineage
    ]
    wide = lineage_table(lineage).splitlines()
    assert wide[-1] == "cites: Daily Example (undated) links to ft (2025-02-12)"
    assert sum("cites:" in line for line in wide) == 1
    narrow = lineage_table(lineage, 30).splitlines()
    assert max(map(len, narrow)) <= 30 and narrow[-1].startswith(" " * 7)
    text = lineage_markdown(lineage)
    assert text.split("### Who cites whom\n\n")[1].split("\n")[0] == (
        "- Daily Example (undated) links to [*Chips \\[and\\] \\*stars\\**](<https://example.org/ft?a=1>) (2025-02-12).")


def test_a_credit_carried_from_elsewhere_in_the_article_says_so():
    lineage = _lineage()
    lineage["claims"][1]["attributed_from"] = "article"
    lineage["claims"][0]["attributed_from"] = "sentence"
    rows = lineage_table(lineage).splitlines()
    assert "SemiAnalysis" in rows[2] and "elsewhere" not in rows[2]
    assert "SemiAnalysis (elsewhere in the article)  inflated" in rows[3]
