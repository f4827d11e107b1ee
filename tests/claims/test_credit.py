"""Credit across an article: credits named by their source, credits that point back
resolved, and reported passages carried (marked as carried)."""

from pipeline.nlp import analyze_texts


def credits(nlp, text):
    (analysis,) = analyze_texts(nlp, [text])
    return {c.surface: (c.attributed_to, c.attributed_from) for c in analysis.claims}


def test_a_credit_is_named_by_the_source_it_holds_in_its_fullest_form(nlp):
    found = credits(nlp, "Economists at Morgan Stanley published the forecast on Monday. "
                         "A deeper look by Morgan Stanley shows that the firm runs 4,000 stores. "
                         "Morgan said the chain will open 120 more.")  # fmt: skip
    assert found["4,000 stores"][0] == "Morgan Stanley"
    assert found["120"][0] == "Morgan Stanley"


def test_a_credit_that_points_back_names_the_source_credited_before_it(nlp):
    found = credits(nlp, "A report by the International Energy Agency was published on Tuesday. "
                         "The report says solar output rose 24% last year.")  # fmt: skip
    assert found["24%"] == ("International Energy Agency", "sentence")


def test_a_reported_passage_carries_its_credit_and_says_it_was_carried(nlp):
    found = credits(nlp, "The International Energy Agency said solar output rose 24% last year. "
                         "Its staff work in Paris.\n\nWind output grew 9% in the same period.")  # fmt: skip
    assert found["24%"] == ("International Energy Agency", "sentence")
    assert found["9%"] == ("International Energy Agency", "article")


def test_a_credit_that_names_nobody_and_points_back_to_nothing_stays_as_written(nlp):
    found = credits(nlp, "Unverified reports suggest the fund holds 3,000 servers.")
    assert found["3,000 servers"] == ("unverified reports", "sentence")
    assert credits(nlp, "The fund holds 3,000 servers.")["3,000 servers"] == (None, None)
