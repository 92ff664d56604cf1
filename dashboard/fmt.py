"""Formatting for people (pure): yen the way Japanese sources write them, escaped HTML, dates."""

from __future__ import annotations

import html
import math

TRILLION = 1e12  # 兆
OKU = 1e8  # 億
MAN = 1e4  # 万


def e(value: object) -> str:
    """Escape any value for HTML text or an attribute (None becomes an empty string)."""
    return html.escape("" if value is None else str(value))


def missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fmt_yen(value: float | None) -> str:
    """Yen in 兆円, 億円 or 万円, so that figures compare at a glance with the sources' own."""
    if missing(value):
        return "—"
    assert value is not None
    size = abs(value)
    if size >= TRILLION:
        return f"{value / TRILLION:,.2f} 兆円"
    if size >= OKU:
        return f"{value / OKU:,.0f} 億円"
    if size >= MAN:
        return f"{value / MAN:,.1f} 万円"
    return f"{value:,.0f} 円"


def fmt_usd(value: float | None) -> str:
    if missing(value):
        return "—"
    assert value is not None
    if abs(value) >= 1e9:
        return f"US$ {value / 1e9:,.2f} bn"
    return f"US$ {value / 1e6:,.1f} m"


def fmt_num(value: object, digits: int = 1, suffix: str = "") -> str:
    if missing(value):
        return "—"
    if isinstance(value, int | float):
        return f"{value:,.{digits}f}{suffix}"
    return e(value)


def fmt_value(value: float | None, unit: str | None) -> str:
    """A figure in its unit: yen in 兆/億/万円, percent with %, other currencies with their code."""
    if missing(value):
        return "—"
    assert value is not None
    if unit == "JPY":
        return fmt_yen(value)
    if unit == "USD":
        return fmt_usd(value)
    if unit == "percent":
        return fmt_num(value, 1, " %")
    if unit == "pp":
        return fmt_num(value, 1, " pp")
    return f"{fmt_num(value, 2 if abs(value) < 1000 else 0)} {e(unit)}".strip()


def fmt_relative(value: float | None) -> str:
    """A fraction (0.05 = 5 %) as a signed percent."""
    return "—" if missing(value) else f"{value:+.1%}"


def fmt_when(value: str | None) -> str:
    """A manifest timestamp (`2026-11-10T00:00:00Z`) for people: the date alone when it is midnight (a
    release date), else date and time to the minute with UTC."""
    if not value:
        return "—"
    text = str(value).rstrip("Z").replace("T", " ")
    if text.endswith(" 00:00:00") or len(text) == 10:
        return text[:10]
    return f"{text[:16]} UTC"


ACRONYMS = {"ai": "AI", "usd": "USD", "jpy": "JPY", "gdp": "GDP", "it": "IT"}


def humanize(code: str | None) -> str:
    """`animator_annual_wage` -> `Animator annual wage`: a readable label for a code that has no name."""
    if not code:
        return ""
    words = [ACRONYMS.get(w, w) for w in str(code).replace("_", " ").split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]
