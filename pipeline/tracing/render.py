"""Render: lineages as terminal tables and figures written as news writes them."""

from __future__ import annotations

from pathlib import Path


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


CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_SCALE_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def format_figure(value: float | None, unit: str | None = None) -> str:
    """A value in base units written the way news writes it, readable back by
    :func:`~pipeline.claims.parse_figure`: (6e6, "USD") -> "$6 million",
    (17, "percent") -> "17%", (50000, "GPU") -> "50,000 GPU"."""
    if value is None:
        return ""
    number = abs(value)
    # Scale words go with amounts and counts; "17%" and "45x" keep their digits.
    scale = None if unit in ("percent", "x") else next((s for s in _SCALE_WORDS if number >= s[0]), None)
    if scale:
        digits = f"{number / scale[0]:.6g} {scale[1]}"
    elif float(number).is_integer():
        digits = f"{int(number):,}"
    else:
        digits = f"{number:.6g}"
    sign = "-" if value < 0 else ""
    if unit in CURRENCY_SIGNS:
        return f"{sign}{CURRENCY_SIGNS[unit]}{digits}"
    if unit == "percent":
        return f"{sign}{digits}%"
    if unit == "x":
        return f"{sign}{digits}x"
    return f"{sign}{digits} {unit}" if unit else f"{sign}{digits}"
