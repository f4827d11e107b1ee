"""Entities: removed when nobody mentions them any more, named by their most frequent spelling and label, ties broken in binary order."""

from pipeline.records import ArticleAnalysis, EntityMention, SentenceRecord
import json

from pipeline.store import open_db, store_article

from .helpers import TEXT, analysis_for, make_article


def test_entities_nobody_mentions_any_more_are_removed(db):
    store_article(db, make_article(), analysis_for(TEXT))
    edited = "Nobody raised $5 million."
    assert store_article(db, make_article(edited), analysis_for(edited)) == "updated"
    assert db["entities"].count == 0
    assert db["entity_mentions"].count == 0


def test_entity_takes_its_most_frequent_spelling_and_label(db):
    text = "ACME sued Acme. Acme won."
    analysis = ArticleAnalysis(
        [SentenceRecord(0, text, 0, len(text))],
        [],
        [EntityMention("acme", "ACME", "PERSON", 0, 4, "ACME"),
         EntityMention("acme", "Acme", "ORG", 10, 14, "Acme"),
         EntityMention("acme", "Acme", "ORG", 16, 20, "Acme")],
    )
    store_article(db, make_article(text), analysis)
    assert list(db.query("select name, label from entities")) == [{"name": "Acme", "label": "ORG"}]


def test_entity_name_ties_go_to_the_first_in_binary_order(db):
    text = "Acme, ACME, ACME and Acme, Ácme."
    spellings = [("Acme", "ORG", 0), ("ACME", "PERSON", 6), ("ACME", "ORG", 12), ("Acme", "PERSON", 21), ("Ácme", "GPE", 27)]
    analysis = ArticleAnalysis(
        [SentenceRecord(0, text, 0, len(text))],
        [],
        [EntityMention("acme", name, label, at, at + 4, name) for name, label, at in spellings],
    )
    store_article(db, make_article(text), analysis)
    assert list(db.query("select name, label from entities")) == [{"name": "ACME", "label": "ORG"}]


def _article_names(db):
    return {article_id: json.loads(ids) for article_id, ids in db.execute("select article_id, entity_ids from article_names")}


def test_an_article_keeps_its_names_once_each_in_order_of_first_mention_and_they_go_with_it(db):
    text = "Beta met Acme. Acme met Gamma and Beta."
    # Mentions given out of order: the stored order is the text's.
    mentions = [EntityMention(key, key.title(), "ORG", at, at + len(key), key.title())
                for key, at in (("gamma", 26), ("acme", 9), ("beta", 0), ("acme", 15), ("beta", 36))]  # fmt: skip
    store_article(db, make_article(text), ArticleAnalysis([SentenceRecord(0, text, 0, len(text))], [], mentions))
    store_article(db, make_article("Nobody raised $5 million.", path="b.txt"), analysis_for("Nobody raised $5 million."))
    (first, _), (second, _) = db.execute("select id, path from articles order by path").fetchall()
    assert _article_names(db) == {first: ["beta", "acme", "gamma"], second: []}
    edited = "Nobody raised $7 million."
    store_article(db, make_article(edited), analysis_for(edited))  # a.txt edited: its old article goes
    assert first not in _article_names(db) and len(_article_names(db)) == 2


def test_a_database_made_before_article_names_gets_them_from_its_mentions(db, tmp_path):
    store_article(db, make_article(), analysis_for(TEXT))
    store_article(db, make_article("Nobody raised $5 million.", path="b.txt"), analysis_for("Nobody raised $5 million."))
    before = _article_names(db)
    db.execute("drop table article_names")
    db.conn.commit()
    path = db.conn.execute("pragma database_list").fetchone()[2]
    db.close()
    reopened = open_db(path)
    assert _article_names(reopened) == before and sorted(map(len, before.values())) == [0, 1]
    reopened.close()


def _spellings(db):
    return sorted(db.execute("select entity_id, surface, label, mentions from entity_spellings").fetchall())


def _counted_from_mentions(db):
    return sorted(db.execute(
        "select entity_id, surface, label, count(*) from entity_mentions group by entity_id, surface, label"
    ).fetchall())  # fmt: skip


def _acme_article(text, labels, path="a.txt"):
    """An article naming Acme at each "Acme"/"ACME" of ``text``, with ``labels`` in turn."""
    mentions, at = [], 0
    for label in labels:
        at = text.lower().find("acme", at)
        mentions.append(EntityMention("acme", text[at : at + 4], label, at, at + 4, text[at : at + 4]))
        at += 4
    return make_article(text, path=path), ArticleAnalysis([SentenceRecord(0, text, 0, len(text))], [], mentions)


def test_spellings_follow_mentions_as_articles_come_are_edited_and_go(db):
    """An entity's name is read from its counted spellings: they follow every mention stored
    or removed, so a majority that moves with an edit moves the name."""
    store_article(db, *_acme_article("ACME sued ACME and Acme.", ["PERSON", "PERSON", "ORG"]))
    store_article(db, *_acme_article("Acme won.", ["ORG"], path="b.txt"))
    assert _spellings(db) == _counted_from_mentions(db) == [("acme", "ACME", "PERSON", 2), ("acme", "Acme", "ORG", 2)]
    assert list(db.query("select name, label from entities")) == [{"name": "ACME", "label": "ORG"}]  # 2-2 ties: binary order
    # a.txt edited: its three mentions go, one comes; b.txt's stays.
    store_article(db, *_acme_article("Acme lost.", ["ORG"]))
    assert _spellings(db) == _counted_from_mentions(db) == [("acme", "Acme", "ORG", 2)]
    assert list(db.query("select name, label from entities")) == [{"name": "Acme", "label": "ORG"}]
    store_article(db, make_article("Nobody raised $5 million."), analysis_for("Nobody raised $5 million."))
    store_article(db, make_article("Nobody raised $7 million.", path="b.txt"), analysis_for("Nobody raised $7 million."))
    assert _spellings(db) == [] and db["entities"].count == 0


def test_a_database_made_before_spellings_were_counted_counts_its_mentions_once(db):
    store_article(db, *_acme_article("ACME sued Acme and Acme.", ["PERSON", "ORG", "ORG"]))
    before = _spellings(db)
    db.execute("drop trigger entity_mentions_spelled")
    db.execute("drop trigger entity_mentions_unspelled")
    db.execute("drop table entity_spellings")
    db.conn.commit()
    path = db.conn.execute("pragma database_list").fetchone()[2]
    db.close()
    reopened = open_db(path)
    assert _spellings(reopened) == before == [("acme", "ACME", "PERSON", 1), ("acme", "Acme", "ORG", 2)]
    store_article(reopened, *_acme_article("Acme won.", ["ORG"], path="b.txt"))  # and counts on from there
    assert _spellings(reopened) == _counted_from_mentions(reopened)
    reopened.close()
