"""Defaults the library uses and the CLI shows in its help, in a module that imports nothing
heavy: ``analyze --help`` and ``analyze trace`` start without loading spaCy, trafilatura or
dateparser."""

# Files larger than this are skipped with an error (``--max-bytes``).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# How a date in digits whose day and month could swap is read (``--date-order``).
DATE_ORDERS = ("MDY", "DMY")
DEFAULT_DATE_ORDER = "MDY"
# The environment variable naming the spaCy model to load (``--model``).
MODEL_ENV_VAR = "FIGTRACE_SPACY_MODEL"
# How many matching figures ``trace`` shows unless asked for more (``--limit``): a common
# value ("$6m") matches dozens of figures in a large database.
TRACE_FIGURES = 10
