"""figtrace: trace numeric claims across news articles.

Stages, one module each: ``ingest`` (files to articles), ``nlp`` (spaCy model and
entities), ``claims`` (numeric claims and the figure normaliser), ``store``
(SQLite through sqlite-utils), ``cli`` (the ``analyze`` command).
"""

__version__ = "0.1.0"
