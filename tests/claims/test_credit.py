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


def test_the_work_a_sentence_names_decides_whom_the_report_points_back_to(nlp):
    # The first source after the claim is Oxfam; the report, though, is the IMF's.
    found = credits(nlp, "The report warns that debt reached 92% of output. "
                         "Oxfam said the news worried aid groups. "
                         "A new IMF report published on Monday covers 190 countries.")  # fmt: skip
    assert found["92%"] == ("IMF", "sentence")
    # With no source named with a report, the first credited after it stands.
    found = credits(nlp, "The report warns that debt reached 92% of output. "
                         "Oxfam said the news worried aid groups.")  # fmt: skip
    assert found["92%"][0] == "Oxfam"


def test_a_source_whose_survey_another_outlet_reports_is_the_one_credited(nlp):
    found = credits(nlp, "The Financial Times, citing a survey by the Pew Research Center, reported the change. "
                         "About 41% of adults use the service.")  # fmt: skip
    assert found["41%"] == ("Pew Research Center", "article")


def test_sentences_that_name_where_figures_come_from_or_suggest_credit_their_source(nlp):
    found = credits(nlp, "These figures come from the Cambridge Centre for Alternative Finance. "
                         "Mining draws about 120 TWh a year.")  # fmt: skip
    assert found["120 TWh a year"] == ("Cambridge Centre for Alternative Finance", "article")
    found = credits(nlp, "Oxford University suggests farms now use more water than cities.\n\n"
                         "They draw 70% of the supply.")  # fmt: skip
    assert found["70%"] == ("Oxford University", "article")


def test_a_place_whose_name_holds_a_reporting_verb_credits_nothing(nlp):
    found = credits(nlp, "Exports to the United States rose 12% in March. Tariffs stayed at 25%.")
    assert found["12%"] == (None, None) and found["25%"] == (None, None)


def test_a_lede_figure_is_credited_to_the_source_the_next_sentence_names(nlp):
    found = credits(nlp, "Robots could take over a fifth of warehouse jobs by 2030.\n\n"
                         "The forecast was published by McKinsey on Tuesday.")  # fmt: skip
    assert found["a fifth"] == ("McKinsey", "article")
    # Further down the article, the source named later is not the figure's.
    found = credits(nlp, "Robots could take over a fifth of warehouse jobs. Warehouses are large. "
                         "Most are in towns. The forecast was published by McKinsey on Tuesday.")  # fmt: skip
    assert found["a fifth"] == (None, None)


def test_the_company_is_a_company_credited_before_it_never_a_person_or_one_named_later(nlp):
    # No company credited before "the company": it stays as written, not the chief
    # executive (a person) nor the bank whose analysts speak paragraphs later.
    found = credits(nlp, "Zorblat will cut 4,500 jobs over the next two years, the company said on Monday.\n\n"
                         "Chief executive Maria Lopez said the plan would save $800 million a year.\n\n"
                         "Analysts at Barclays said the target looked ambitious.")  # fmt: skip
    assert found["4,500 jobs"] == ("the company", "sentence")
    assert found["$800 million a year"][0] == "Maria Lopez"
    # A company credited before it, with a person between: the company.
    found = credits(nlp, "Goldman Sachs said it would hire staff. Chief executive Maria Lopez said hiring was slow.\n\n"
                         "It will add 300 bankers in London, the bank said.")  # fmt: skip
    assert found["300 bankers"][0] == "Goldman Sachs"
    # A person's credit ("the spokeswoman") is the person credited before it, not the company.
    found = credits(nlp, "Maria Lopez, a spokeswoman, said demand was weak. Goldman Sachs said sales fell.\n\n"
                         "Sales fell 12% in May, the spokeswoman said.")  # fmt: skip
    assert found["12%"][0] == "Maria Lopez"


def test_the_company_falls_back_on_the_source_credited_before_it_whatever_its_label(nlp):
    # spaCy reads some companies as people: "the company" is still the one credited before.
    found = credits(nlp, "Ericsson said sales rose 5% in the quarter. Its shares rose.\n\n"
                         "Sales of 5G equipment jumped 22%, the company said.")  # fmt: skip
    assert found["22%"][0] == "Ericsson"
    found = credits(nlp, "Acme Corp said revenue rose 20% last year. Shares rose.\n\n"
                         "Sales reached $5 billion, the company's spokeswoman said.")  # fmt: skip
    assert found["$5 billion"][0] == "Acme Corp"
