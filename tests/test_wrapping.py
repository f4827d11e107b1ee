"""Hard-wrapped text: the line breaks a wrap made are found and undone; every other kind of
short line (lists, headlines, rules, indented paragraphs, verse, text without spaces) is
left as written."""

import textwrap

import pytest

from pipeline.wrapping import unwrap

STORY = [
    "The central bank raised its benchmark interest rate by a quarter of a percentage point on Wednesday, the third increase this year, "
    "and signalled that more could follow if inflation does not slow.",
    "Policymakers voted seven to two for the move, with the two dissenters arguing that the economy was already cooling faster than "
    "expected and that the full effect of earlier increases had yet to be felt.",
    "Markets had largely priced in the decision, and the currency was little changed after the announcement, while government bond "
    "yields edged up by a few basis points in afternoon trading.",
]


@pytest.mark.parametrize("width", [60, 70, 72, 76])
def test_wrapped_paragraphs_become_one_line_each(width):
    wrapped = "\n\n".join(textwrap.fill(p, width) for p in STORY) + "\n"
    assert unwrap(wrapped) == "\n\n".join(STORY) + "\n"


def test_a_headline_byline_rule_or_address_above_the_story_stays_its_own_line():
    story = textwrap.fill("WASHINGTON (Reuters) - " + STORY[0], 72) + "\n\n" + textwrap.fill(STORY[1], 72) + "\n"
    for top in ("Central bank raises interest rates for the third time this year", "By Sam Lee",
                "-" * 76, "Source: https://www.example.com/news/2024/03/central-bank-rates-q1.html"):  # fmt: skip
        unwrapped = unwrap(f"{top}\n{story}")
        assert unwrapped.split("\n")[0] == top, top
        assert "WASHINGTON (Reuters) - " + STORY[0] in unwrapped and STORY[1] in unwrapped


def test_indented_paragraphs_keep_their_breaks_and_lose_their_indents_inside():
    indented = "".join(textwrap.fill(p, 72, initial_indent="    ") + "\n" for p in STORY)
    assert unwrap(indented) == "".join("    " + p + "\n" for p in STORY)
    block = "".join(textwrap.indent(textwrap.fill(p, 68), "    ") + "\n\n" for p in STORY)
    assert unwrap(block) == "".join("    " + p + "\n\n" for p in STORY)


@pytest.mark.parametrize("text", [
    # Lists, with markers or without (a timeline), each item a line of its own.
    STORY[0] + "\n- Inflation rose to 3.2 percent in March from 2.9 percent in February\n- Core inflation, which excludes "
    "food and energy, held at 2.8 percent\n- Services inflation climbed to the highest level since early 2023\n"
    "- The central bank meets again in May and will publish new forecasts then\n",
    "## Key figures\nInflation rose to 3.2 percent in March from 2.9 percent in February and\n"
    "## Outlook\nThe central bank meets again in May and will publish new forecasts then for\n## Markets\nYields rose.\n",
    # One-line paragraphs ending in quotes, guillemets, ideographic full stops.
    "".join(f"The minister said: ‘We will cut {n},000 jobs over the next two years at the agency.’\n" for n in range(2, 7)),
    "".join(f"Le ministre a déclaré que l'agence supprimerait {n} 000 emplois « au cours des deux ans »\n" for n in range(2, 7)),
    "".join(f"中央银行周三将基准利率上调了二十五个基点，这是今年第{n}次加息，并表示如果通胀不放缓可能会进一步加息。\n" for n in range(2, 7)),
    # Short paragraphs a line each, and a table.
    "Acme rose 3%.\nBeta fell 2%.\nGamma was flat.\nDelta rose 1%.\n",
    "| Country | Rate |\n| --- | --- |\n| Chile | 11.25% in March, up from 11% at the start of the year |\n"
    "| Peru | 7.75% after a cut of a quarter point in the spring meeting |\n",
])  # fmt: skip
def test_text_that_is_not_wrapped_is_left_as_written(text):
    assert unwrap(text) == text


def test_a_timeline_without_markers_is_a_list_and_stays_one_item_a_line():
    timeline = ("2019 The company is founded in Berlin by two former bankers and a designer\n"
                "2020 It raises 10 million euros in its first funding round from investors\n"
                "2021 Revenue reaches 50 million euros and its staff grows to 300 people\n"
                "2022 It expands to France, Spain and Italy, with 600 staff in all offices\n"
                "2023 Revenue doubles to 100 million euros and its losses narrow sharply\n")  # fmt: skip
    wrapped = textwrap.fill(STORY[0], 72) + "\n\n" + timeline + "\n" + textwrap.fill(STORY[1], 72) + "\n"
    assert unwrap(wrapped) == STORY[0] + "\n\n" + timeline + "\n" + STORY[1] + "\n"
