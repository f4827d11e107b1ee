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

