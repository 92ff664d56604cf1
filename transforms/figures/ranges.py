"""Ranges: 20–30 %, 2〜3兆円, "between 5 and 7 billion", 5-7割, "$5bn-$6bn", "5 bis 7 Prozent".

Why one row per range: the two ends are one claim ("20–30 %"), and a row for the upper end alone (as
before) lost the lower one. The row keeps `value` = the upper end, so the claims logic reads it as it
did, and adds `value_low`/`value_high` with the qualifier ``range``. The lower end borrows the scale
and unit of the upper one when it has none of its own (2〜3兆円: 2兆円 to 3兆円).

Why some "X to Y" are not ranges: "rose from 5 to 7 %" and "passé de 5 à 7 %" are a change from one
value to another; those give two figures (the first with the unit of the second), not a range.
"""

from __future__ import annotations

import re

#: A connector right after a number: dashes and tildes, or a word. Spaces are allowed around it.
CONNECTOR_RE = re.compile(
    r"[ \u00a0\u202f]*(?:(?P<dash>[-–—‐‑~〜～∼]|至)|(?P<word>to|à|bis|and|et|und|到|和|与|與))[ \u00a0\u202f]*"
)
#: First characters of a connector (spaces included): anything else after a number is not a range.
CONNECTOR_FIRST = frozenset(" \u00a0\u202f-–—‐‑~〜～∼至tàbaeu到和与與")
_BETWEEN = ("between", "entre", "zwischen", "介于", "介於", "在")
_BETWEEN_CONNECTORS = frozenset({"and", "et", "und", "和", "与", "與"})
_RANGE_WORDS_BEFORE_FROM = frozenset(
    {"ranging", "range", "ranges", "ranged", "anywhere", "varying", "varies", "vary", "varied", "spanning"}
)
_CHANGE_VERBS = frozenset(
    [
        "rose", "rise", "rises", "risen", "rising", "increased", "increase", "increases", "increasing", "grew", "grow",
        "grows", "grown", "growing", "climbed", "climb", "climbs", "jumped", "jump", "jumps", "fell", "fall", "falls",
        "fallen", "falling", "dropped", "drop", "drops", "declined", "decline", "declines", "decreased", "decrease",
        "decreases", "cut", "cuts", "raised", "raise", "raises", "raising", "lifted", "lift", "boosted", "boost",
        "reduced", "reduce", "reduces", "lowered", "lower", "slipped", "slid", "surged", "soared", "went", "moved",
        "changed", "revised", "up", "down", "passer", "passé", "passée", "passés", "passées", "passant", "passe",
        "passera", "passait", "passeront", "passent", "augmenté", "augmentée", "augmenter", "augmente", "grimpé",
        "chuté", "reculé", "baissé", "baissée", "progressé", "relevé", "relevée", "abaissé", "abaissée", "porté",
        "portée", "ramené", "ramenée", "réduit", "réduite",
    ]
)
_ZH_CHANGE_BEFORE = ("从", "從", "由")


def _words_before(text: str, pos: int, n: int) -> list[str]:
    return text[max(0, pos - 80) : pos].lower().replace("’", "'").split()[-n:]


def between_before(text: str, low_start: int) -> int | None:
    """Start of "between"/"entre"/"zwischen"/介于 right before the lower end, else None."""
    head = text[max(0, low_start - 12) : low_start]
    stripped = head.rstrip(" \u00a0")
    low = stripped.lower()
    for word in _BETWEEN:
        if low.endswith(word) and (not word.isascii() or not low[-len(word) - 1 : -len(word)].isalpha()):
            return low_start - (len(head) - len(stripped)) - len(word)
    return None


def connector_reading(text: str, low_start: int, dash: str | None, word: str | None) -> str | None:
    """How "X <connector> Y" reads: ``range``, ``change`` (from X to Y) or None (not joined)."""
    if dash is not None:
        if dash == "至" and text[max(0, low_start - 1) : low_start] in _ZH_CHANGE_BEFORE:
            return "change"
        return "range"
    if word is None:
        return None
    if word in _BETWEEN_CONNECTORS:
        return "range" if between_before(text, low_start) is not None else None
    if word == "到":
        return "change" if text[max(0, low_start - 1) : low_start] in _ZH_CHANGE_BEFORE else "range"
    before = _words_before(text, low_start, 8)
    if word == "to" and before and before[-1] == "from":
        if len(before) >= 2 and before[-2] in _RANGE_WORDS_BEFORE_FROM:
            return "range"
        return "change" if any(w.strip(",;:") in _CHANGE_VERBS for w in before[:-1]) else "range"
    if word == "à" and before and before[-1] in ("de", "d'"):
        return "change" if any(w.strip(",;:") in _CHANGE_VERBS for w in before[:-1]) else "range"
    if word == "à" and before and before[-1].startswith("d'"):
        return "range"
    return "range"
