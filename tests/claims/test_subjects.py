"""Attribution: who a sentence credits with its figure."""

import pytest

from .helpers import one_claim


@pytest.mark.parametrize(
    "text,surface,who",
    [
        ("Acme says it spent $4 million on the campaign.", "$4 million", "Acme"),
        ("According to Gartner, sales reached 9,000 units.", "9,000 units", "Gartner"),
        ("Unverified reports suggest the fund holds 3,000 servers.", "3,000 servers", "unverified reports"),
        ("A new study has shown that 40% of users churn.", "40%", "a new study"),
        ("The startup reportedly raised $70 million.", "$70 million", "unnamed reports"),
    ],
)
def test_component_attribution(nlp, text, surface, who):
    assert one_claim(nlp, text, surface).attributed_to == who



@pytest.mark.parametrize(
    "text,surface,scope",
    [
        ("Mining is spread out, with roughly 40% in China, just under 12% in Russia and 9% in Kazakhstan.", "12%", "Russia"),
        ("Mining is spread out, with roughly 40% in China, just under 12% in Russia and 9% in Kazakhstan.", "9%", "Kazakhstan"),
        ("About two-thirds of jobs in the United States and Europe are exposed.", "two-thirds", "United States; Europe"),
        ("The grid uses more than Chile (80.2 TWh) and Peru (57.1 TWh) do.", "80.2 TWh", "Chile"),
        ("The grid uses more than Chile (80.2 TWh) and Peru (57.1 TWh) do.", "57.1 TWh", "Peru"),
        ("Portugal's 48.5 TWh was a record.", "48.5 TWh", "Portugal"),
        ("With 7% of it being in Canada, the rest is spread out.", "7%", "Canada"),
        # the agent of the clause is not where the figure is: it is said of jobs
        ("Automation could replace a quarter of current jobs, Acme said.", "a quarter", None),
        ("The cards come with 40GB of memory.", "40GB", None),
    ],
)  # fmt: skip
def test_the_places_and_owners_a_figure_is_said_of(nlp, text, surface, scope):
    assert one_claim(nlp, text, surface).scope == scope


@pytest.mark.parametrize(
    "text,surface,subject",
    [
        ("Some 7% of positions in the US could be replaced.", "7%", "positions"),
        ("Eighteen percent of jobs worldwide are at risk.", "Eighteen percent", "jobs"),
        ("AI could boost global GDP by 7% over ten years.", "7%", "global GDP"),
        ("The firm spent $40 million on new servers.", "$40 million", "new servers"),
        ("Prices rose 5% last month.", "5%", "Prices"),
        # a noun phrase or nothing: never the bare verb ("rise") or the sign ("%")
        ("It rose 5%.", "5%", None),
    ],
)  # fmt: skip
def test_the_subject_is_a_noun_phrase_that_says_what_is_measured(nlp, text, surface, subject):
    assert one_claim(nlp, text, surface).subject == subject


@pytest.mark.parametrize(
    "text,surface,who",
    [
        ("Payrolls grew by 200,000, according to data from the Labor Department.", "200,000", "the Labor Department"),
        ("According to a deeper look by SemiAnalysis, the firm has 50,000 GPUs.", "50,000 GPUs", "SemiAnalysis"),
        ("Robots could do 40% of tasks, according to estimates in a report published by the bank.", "40%", "the bank"),
        ("According to Gartner, sales reached 9,000 units.", "9,000 units", "Gartner"),
    ],
)  # fmt: skip
def test_the_credit_is_who_is_behind_what_is_cited(nlp, text, surface, who):
    assert one_claim(nlp, text, surface).attributed_to == who
