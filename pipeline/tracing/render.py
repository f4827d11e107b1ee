"""Render: lineages as terminal tables (figures in words come from :mod:`pipeline.claims.display`)."""

from __future__ import annotations

from pathlib import Path

from ..claims.display import format_figure  # noqa: F401  (re-exported: figures in words)


def _cell(value, width: int) -> str:
    """A table cell cut to ``width`` characters (0: never cut)."""
    text = "" if value is None else " ".join(str(value).split())
    return text if not width or len(text) <= width else text[: width - 1] + "…"


def lineage_table(lineage: dict) -> str:
    """A figure's lineage as a plain-text table for the terminal, the origin marked ``*``."""
    head = (
        f"{lineage['subject'] or '(no subject)'} [{lineage['unit'] or 'no unit'}] "
        f"{lineage['id']}: {len(lineage['claims'])} claims"
    )
    if lineage.get("attributed_origin"):
        head += f", credited to {lineage['attributed_origin']}"
    if lineage.get("origin_certainty") not in (None, "certain"):
        head += f"; origin {lineage['origin_note']}"
    # The mutation comes last and whole: it is what the reader came for.
    columns = [("", 1), ("date", 10), ("source", 26), ("surface", 24), ("qualifier", 20),
               ("credited to", 22), ("mutation", 0)]  # fmt: skip
    lines = [head, "  ".join(name.ljust(width) for name, width in columns).rstrip()]
    for claim in lineage["claims"]:
        qualifier = claim["qualifier"] if not claim["qualifier_cue"] else f"{claim['qualifier']} ({claim['qualifier_cue']})"
        mutation = "origin" if claim["is_origin"] else claim["detail"] or ", ".join(claim["mutation"])
        cells = ["*" if claim["is_origin"] else "", claim["published"] or "undated",
                 claim["source"] or Path(claim["path"]).name, claim["surface"], qualifier,
                 claim["attributed_to"] or "", mutation]  # fmt: skip
        lines.append("  ".join(_cell(c, w).ljust(w) for c, (_, w) in zip(cells, columns)).rstrip())
    return "\n".join(lines)
