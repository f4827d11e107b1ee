"""Helpers shared by the store tests: a hand-made article and its analysis (no spaCy needed), and the inputs table."""

from pipeline.records import Article, ArticleAnalysis, Claim, EntityMention, SentenceRecord


TEXT = "Acme raised $5 million. Acme hired 20 engineers."


def make_article(text=TEXT, path="a.txt", raw=None):
    return Article(path=path, text=text, raw=raw if raw is not None else text.encode(), title="T")


def analysis_for(text):
    """Sentences split at '. ', one claim per '$N million' / 'N engineers', entity 'Acme'."""
    sentences, start = [], 0
    for position, piece in enumerate(text.split(". ")):
        end = start + len(piece)
        sentences.append(SentenceRecord(position, text[start:end], start, end))
        start = end + 2
    claims = []
    for surface, value, unit in (("$5 million", 5e6, "USD"), ("20 engineers", 20, "engineer"), ("$7 million", 7e6, "USD")):
        at = text.find(surface)
        if at >= 0:
            claims.append(Claim(surface, at, at + len(surface), value, unit=unit))
    mentions = []
    at = text.find("Acme")
    while at >= 0:
        mentions.append(EntityMention("acme", "Acme", "ORG", at, at + 4, "Acme"))
        at = text.find("Acme", at + 1)
    return ArticleAnalysis(sentences, claims, mentions)


def inputs(db):
    return dict(db.execute("select path, article_id from inputs order by path").fetchall())
