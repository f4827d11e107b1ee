"""Copies: articles that reprint others whole or in part, found by paragraph fingerprints."""

import hashlib
import re

import pytest

from pipeline.copies import band_shape, find_copies, fingerprint
from pipeline.wrapping import PARAGRAPH_WORDS
from pipeline.runner import ingest_paths
from pipeline.store import open_db

STORY = [
    "Acme Robotics said on Tuesday it had raised $40 million from a group of investors led by Northwind Capital to expand its Ohio plant.",
    "The company, founded in 2015 by two former university researchers, makes warehouse robots that it sells to retailers across the Midwest.",
    "Chief executive Dana Reyes said the money would pay for a second assembly line and about 200 new jobs over the next two years.",
    "Analysts at Lakeside Securities estimated that the market for warehouse automation would reach $9 billion by the end of the decade.",
]
OTHER_STORY = [  # the same topic, in other words: no copy
    "Northwind Capital led a $40 million round in Acme Robotics, the Ohio maker of warehouse robots, according to a filing seen by this newspaper.",
    "Reyes, who runs the company, told our reporter that hiring for the new line would begin in the spring if permits arrive on time.",
    "Rivals in the warehouse automation business have raised larger sums this year, but few of them build their machines in the United States.",
]


def write_wire_and_reprint(corpus, reprinted="2025-03-04", wire_source="Wire"):
    """A folder holding a wire story (2025-03-01) and the Courier's reprint of it under a
    new headline and byline, on ``reprinted``."""
    corpus.mkdir(parents=True, exist_ok=True)
    source = f"source: {wire_source}\n" if wire_source else ""
    (corpus / "wire.txt").write_text(f"title: Acme raises $40 million\n{source}date: 2025-03-01\n\n" + "\n\n".join(STORY) + "\n")
    (corpus / "courier.txt").write_text(f"title: Robot maker raises money\nsource: Courier\ndate: {reprinted}\n\nBy Sam Lee\n\n"
                                        + "\n\n".join(STORY) + "\n")  # fmt: skip
    return corpus


def article(name, paragraphs, published, source="Wire"):
    text = "\n\n".join(paragraphs)
    return {"id": hashlib.sha256(name.encode()).hexdigest()[:16], "path": name, "title": name, "source": source,
            "published": published, "text": text, "content_hash": hashlib.sha256(name.encode() + text.encode()).hexdigest()}  # fmt: skip


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "news.db")
    yield database
    database.close()


def copies(db):
    names = dict(db.execute("select id, path from articles").fetchall())
    return {(names[a], names[b], kind) for a, b, kind in db.execute("select article_id, copy_of, kind from copies")}


def test_a_paragraph_is_a_line_of_enough_words_each_with_a_signature_and_a_key_per_band():
    paragraphs = fingerprint("Acme raises money\nBy Jo Smith\n\n" + STORY[0] + "\n" + STORY[1])
    assert [p.index for p in paragraphs] == [0, 1]  # the headline and byline are too short
    assert all(p.words >= PARAGRAPH_WORDS and len(p.keys) == band_shape()[0] for p in paragraphs)
    again = fingerprint(STORY[0])[0]
    assert (again.signature == paragraphs[0].signature).all() and again.keys == paragraphs[0].keys  # same every run


def test_reprints_and_rewrites_are_copies_of_the_earlier_article_and_a_same_topic_story_is_not(db):
    db["articles"].insert_all([
        article("wire", STORY, "2025-03-01"),
        article("reprint", ["Robot maker raises $40 million", "By Sam Lee, Daily Courier", *STORY], "2025-03-02", "Courier"),
        # a light edit of each paragraph: a word dropped
        article("edited", [p.replace(" on Tuesday", "").replace("about ", "") for p in STORY], "2025-03-03", "Herald"),
        article("rewrite", [STORY[0], STORY[2], OTHER_STORY[2]], "2025-03-04", "Gazette"),
        article("other", OTHER_STORY, "2025-03-02", "Times"),
    ])
    assert find_copies(db) == 5
    found = copies(db)
    assert {("reprint", "wire", "copy"), ("edited", "wire", "copy")} <= found
    assert ("rewrite", "wire", "partial") in found or ("rewrite", "wire", "copy") in found
    assert not any("other" in (a, b) for a, b, _ in found - {("rewrite", "other", "partial")})
    assert not any(b in ("reprint", "edited", "rewrite") and a == "wire" for a, b, _ in found)  # the earlier is the original
    shares = dict(db.execute("select a.path, c.similarity from copies c join articles a on a.id = c.article_id"
                             " join articles b on b.id = c.copy_of where b.path = 'wire'").fetchall())  # fmt: skip
    assert shares["reprint"] == 1.0 and 0.3 <= shares["rewrite"] < 1.0


def test_the_earlier_article_is_the_original_whichever_came_in_first(db):
    db["articles"].insert(article("late", STORY, "2025-05-01"))
    find_copies(db)
    db["articles"].insert(article("early", STORY, "2025-04-01"))  # a backfilled archive
    assert find_copies(db) == 1
    assert copies(db) == {("late", "early", "copy")}
    db.execute("update articles set published = '2025-06-01' where path = 'early'")  # redated
    assert copies(db) == {("early", "late", "copy")}


def test_the_articles_not_fingerprinted_are_read_from_the_first_of_them_wherever_it_is(db):
    from pipeline.store.copies import count_to_fingerprint

    db["articles"].insert_all([article(f"a{n}", STORY, f"2025-03-0{n + 1}") for n in range(4)])
    assert count_to_fingerprint(db) == (4, 0)
    assert find_copies(db) == 4 and count_to_fingerprint(db) == (0, 0)
    second = db.execute("select rowid, id from articles where path = 'a1'").fetchone()
    db.execute("delete from article_fingerprints where article_id = ?", [second[1]])  # (as a run stopped before it)
    db["articles"].insert(article("a4", STORY, "2025-03-05"))
    assert count_to_fingerprint(db) == (2, second[0] - 1)
    assert find_copies(db) == 2 and count_to_fingerprint(db) == (0, 0)


def test_fingerprints_go_with_their_article_and_are_made_once(db):
    db["articles"].insert_all([article("wire", STORY, "2025-03-01"), article("reprint", STORY, "2025-03-02")])
    assert find_copies(db) == 2 and find_copies(db) == 0
    before = {t: db[t].count for t in ("paragraph_signatures", "paragraph_keys", "article_overlaps")}
    assert all(before.values())
    db.execute("delete from articles where path = 'reprint'")
    assert copies(db) == set()
    after = {t: db[t].count for t in ("paragraph_signatures", "paragraph_keys", "article_overlaps")}
    assert after["article_overlaps"] == 0 and after["paragraph_signatures"] == before["paragraph_signatures"] // 2


def test_an_ingest_finds_copies_and_a_reingest_changes_nothing(nlp, tmp_path):
    corpus = write_wire_and_reprint(tmp_path / "corpus", "2025-03-02", wire_source=None)
    db_path = tmp_path / "news.db"
    first = ingest_paths([corpus], db_path, nlp=nlp)
    assert first.fingerprinted == 2
    db = open_db(db_path)
    assert copies(db) == {(str(corpus / "courier.txt"), str(corpus / "wire.txt"), "copy")}
    again = ingest_paths([corpus], db_path, nlp=nlp)
    assert again.fingerprinted == 0 and copies(db) == {(str(corpus / "courier.txt"), str(corpus / "wire.txt"), "copy")}


def test_a_lineage_marks_the_statements_its_copies_make_and_counts_independent_articles(nlp, tmp_path):
    from pipeline.tracing import lineage_markdown, lineage_table, trace

    corpus = write_wire_and_reprint(tmp_path / "corpus")
    # Its own words: the same figure, stated independently.
    (corpus / "times.txt").write_text("title: Acme funding\nsource: Times\ndate: 2025-03-05\n\n" + "\n\n".join(OTHER_STORY) + "\n")
    ingest_paths([corpus], tmp_path / "news.db", nlp=nlp)
    [lineage] = trace(open_db(tmp_path / "news.db"), "$40 million")["figures"]
    by_source = {c["source"]: c for c in lineage["claims"]}
    assert by_source["Wire"]["copy_of"] is None and by_source["Times"]["copy_of"] is None
    assert by_source["Courier"]["copy_of"]["source"] == "Wire" and by_source["Courier"]["copy_of"]["kind"] == "copy"
    assert (lineage["n_articles"], lineage["n_independent"]) == (3, 2)
    table = lineage_table(lineage, 100)
    assert "3 articles, 2 independent" in table and "copy of Wire, 3 days later" in table
    assert "**Stated** 3 times in 3 articles, 2 independent." in lineage_markdown(lineage)


@pytest.mark.parametrize(("reprinted", "words"), [
    ("2025-03-01", "(the same day: which ran first is not known)"),  # (either may be named: the lineage's order chose)
    (None, "same text as Wire (one undated: which ran first is not known)"),
])  # fmt: skip
def test_a_copy_the_dates_cannot_order_says_which_ran_first_is_not_known(nlp, tmp_path, reprinted, words):
    from pipeline.tracing import trace
    from pipeline.tracing.render import lineage_table

    corpus = write_wire_and_reprint(tmp_path / "corpus", reprinted or "2025-03-04")
    if reprinted is None:  # the reprint undated
        courier = corpus / "courier.txt"
        courier.write_text(courier.read_text().replace("date: 2025-03-04\n", ""))
    ingest_paths([corpus], tmp_path / "news.db", nlp=nlp)
    [lineage] = trace(open_db(tmp_path / "news.db"), "$40 million")["figures"]
    marked = [c for c in lineage["claims"] if c["copy_of"]]
    assert len(marked) == 1 and marked[0]["copy_of"]["ordered"] is False
    table = lineage_table(lineage, None)
    assert "same text as " in table and words in table and "copy of" not in table
    assert (lineage["n_articles"], lineage["n_independent"]) == (2, 1)  # (one of them copies the other, whichever)


def test_text_hard_wrapped_at_60_columns_keeps_its_paragraphs_and_a_headline_before_a_story_is_none_of_them():
    import textwrap

    from pipeline.wrapping import paragraph_spans

    wrapped = "ACME RAISES $40 MILLION\nBy Sam Lee\n\n" + "\n\n".join(textwrap.fill(p, 60) for p in STORY) + "\n"
    paragraphs = [words for _, _, words in paragraph_spans(wrapped) if words]
    assert [" ".join(p) for p in paragraphs] == [" ".join(w.lower() for w in re.findall(r"\w+", p)) for p in STORY]
    assert len(fingerprint(wrapped)) == len(fingerprint("\n\n".join(STORY))) == 4
    # Lines that are not wrapped stay apart: a headline right above its story, short paragraphs.
    unwrapped = "Acme news\n" + "\n".join(STORY) + "\nShort one.\n"
    assert [words is not None for _, _, words in paragraph_spans(unwrapped)] == [False, True, True, True, True, False]


def test_a_hard_wrapped_reprint_is_a_copy_and_a_database_fingerprinted_before_finds_it_again(nlp, tmp_path):
    import textwrap

    corpus = write_wire_and_reprint(tmp_path / "corpus")
    courier = corpus / "courier.txt"
    header, body = courier.read_text().split("\n\n", 1)
    body_wrapped = "\n\n".join(textwrap.fill(p, 60) for p in body.split("\n\n"))
    courier.write_text(header + "\n\n" + body_wrapped)
    db_path = tmp_path / "news.db"
    ingest_paths([corpus], db_path, nlp=nlp)
    db = open_db(db_path)
    found = {(str(courier), str(corpus / "wire.txt"), "copy")}
    assert copies(db) == found
    # As an earlier version stored it (still wrapped) and fingerprinted it (a line a
    # paragraph): no paragraph, no copy.
    courier_id = db.execute("select id from articles where path = ?", [str(courier)]).fetchone()[0]
    with db.conn:
        db.execute("update articles set text = ? where id = ?", [body_wrapped, courier_id])
        db.execute("drop table fingerprint_rules")
        db.execute("delete from paragraph_signatures where article_id = ?", [courier_id])
        db.execute("delete from paragraph_keys where article_id = ?", [courier_id])
        db.execute("delete from article_overlaps")
        db.execute("update article_fingerprints set paragraphs = 0, words = 0 where article_id = ?", [courier_id])
    db.close()
    again = ingest_paths([corpus], db_path, nlp=nlp)
    assert again.fingerprinted == 1  # (the wrapped one only)
    assert copies(open_db(db_path)) == found


def test_a_paragraph_many_articles_repeat_is_read_a_bounded_number_of_times(db, monkeypatch):
    import pipeline.store.copies as store

    monkeypatch.setattr(store, "CANDIDATES_PER_KEY", 2)
    db["articles"].insert_all([article(f"run{n}", STORY, f"2025-03-0{n + 1}") for n in range(6)])
    find_copies(db)
    last = db.execute("select id from articles where path = 'run5'").fetchone()[0]
    partners = {r[0] for r in db.execute("select other_id from article_overlaps where article_id = ?", [last])}
    assert len(partners) == 2  # (of the five earlier articles holding every paragraph)
    assert len({b for a, b, _ in copies(db) if a == "run5"}) == 2  # still a copy, of two of them


def test_a_database_whose_copies_view_predates_ordered_is_traced_as_it_is(nlp, tmp_path):
    from pipeline.tracing import trace

    corpus = write_wire_and_reprint(tmp_path / "corpus")
    ingest_paths([corpus], tmp_path / "news.db", nlp=nlp)
    db = open_db(tmp_path / "news.db")
    view = db.execute("select sql from sqlite_master where name = 'copies'").fetchone()[0]
    with db.conn:  # the view as an earlier version wrote it: no ordered column
        db.execute("drop view copies")
        db.execute(re.sub(r",\s*coalesce\(a\.published > b\.published, 0\) as ordered", "", view))
    assert "ordered" not in db.execute("select sql from sqlite_master where name = 'copies'").fetchone()[0]
    [lineage] = trace(db, "$40 million")["figures"]
    assert [c["copy_of"]["ordered"] for c in lineage["claims"] if c["copy_of"]] == [True]


def test_a_rebuild_fingerprints_the_articles_not_fingerprinted_yet(nlp, tmp_path):
    from pipeline.runner import rebuild_database

    corpus = write_wire_and_reprint(tmp_path / "corpus")
    ingest_paths([corpus], tmp_path / "news.db", nlp=nlp)
    db = open_db(tmp_path / "news.db")
    found = copies(db)
    with db.conn:  # (as a database made before copies)
        for table in ("article_fingerprints", "paragraph_signatures", "paragraph_keys", "article_overlaps"):
            db.execute(f"delete from {table}")
    assert copies(db) == set()
    rebuild_database(tmp_path / "news.db")
    assert copies(db) == found and found


def test_candidates_read_64_keys_a_statement_are_those_read_key_by_key_each_once(db):
    from pipeline.store.copies import KEYS_AT_ONCE, paragraph_candidates

    earlier = [article("a", STORY, "2025-03-01"), article("b", OTHER_STORY, "2025-03-02"),
               article("c", STORY[:2] + OTHER_STORY[1:], "2025-03-03")]  # fmt: skip
    db["articles"].insert_all(earlier)
    find_copies(db)
    # More keys than one statement probes, those that match nothing first: what is found,
    # the second statement (and the third, padded) finds.
    paragraphs = fingerprint("\n\n".join(STORY + OTHER_STORY + [p.replace(" the ", " a ") for p in STORY]))
    keys = [*range(KEYS_AT_ONCE + 3), *sorted({key for paragraph in paragraphs for key in paragraph.keys})]
    assert len(keys) > 2 * KEYS_AT_ONCE
    key_by_key = set()
    for key in keys:
        key_by_key |= set(db.execute(
            "select k.article_id, k.paragraph, s.words, s.signature, f.words from paragraph_keys k"
            " join paragraph_signatures s on s.article_id = k.article_id and s.paragraph = k.paragraph"
            " join article_fingerprints f on f.article_id = k.article_id where k.key = ?", [key]).fetchall())  # fmt: skip
    found = paragraph_candidates(db, keys, "new")
    assert len(found) == len(set(found)) and set(found) == key_by_key
    assert {row[0] for row in found} == {a["id"] for a in earlier}
    # An article's own paragraphs are not its candidates.
    assert {row[0] for row in paragraph_candidates(db, keys, earlier[0]["id"])} == {earlier[1]["id"], earlier[2]["id"]}
