"""Passes over the figures found: currencies from context, and restatements that do not add up.

Why after the scan: both need the other figures of the text (the nearest money figure of a sentence,
the text's dominant currency, the figure a restatement restates), which the scan only knows once it
has read them all.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from transforms.figures.lexicon import JPY_PER_UNIT, MONEY_CUES, RESTATEMENT_TOLERANCE
from transforms.figures.patterns import PERCENT_UNITS, sentence_bounds
from transforms.figures.scan import Figures


def infer_currencies(text: str, figs: Figures) -> None:
    """Give "55 milliards" the currency of its context, or drop it when the context is unclear.

    Nearest currency-bearing figure in the same sentence first; otherwise the text's dominant
    currency (≥ 60 % of its money figures), and then only if the sentence talks about money.
    """
    if not figs.word_amounts:
        return
    money = [i for i, u in enumerate(figs.unit) if u is not None and u not in PERCENT_UNITS]
    counts = Counter(figs.unit[i] for i in money)
    dominant = None
    if counts:
        code, n = counts.most_common(1)[0]
        if n / len(money) >= 0.6:
            dominant = code
    money_starts = [figs.start[i] for i in money]
    keep = [True] * len(figs.start)
    for i in figs.word_amounts:
        start, end = figs.start[i], figs.end[i]
        s, e = sentence_bounds(text, start, end)
        lo, hi = bisect_left(money_starts, s), bisect_left(money_starts, e)
        near = money[lo:hi]
        if near:
            best = min(near, key=lambda j: min(abs(figs.start[j] - end), abs(start - figs.end[j])))
            unit = figs.unit[best]
        elif dominant is not None and any(cue in text[s:e].lower() for cue in MONEY_CUES):
            unit = dominant
        else:
            keep[i] = False
            continue
        figs.unit[i] = unit
        figs.add_note(i, f"currency inferred from context: {unit}")
    if not all(keep):
        figs.keep(keep)
    else:
        figs.word_amounts = []


def check_restatements(text: str, figs: Figures) -> None:
    """Flag "X (≈ Y)" restatements in another currency that are off by more than 3x.

    The seed gives 196,6 万円 as "environ 40 000 TWD", about a tenth of the real equivalent; the
    rates are rough on purpose (an order-of-magnitude check, not a conversion).
    """
    units, values, starts, ends = figs.unit, figs.value, figs.start, figs.end
    for b in range(1, len(units)):
        a = b - 1
        ua, ub = units[a], units[b]
        if ua == ub or ua not in JPY_PER_UNIT or ub not in JPY_PER_UNIT:
            continue
        between = text[ends[a] : starts[b]]
        if len(between) > 25 or ("(" not in between and "（" not in between) or ")" in between:
            continue
        if values[a] == 0 or values[b] == 0:
            continue
        expected = values[a] * JPY_PER_UNIT[ua] / JPY_PER_UNIT[ub]
        ratio = expected / values[b]
        if ratio > RESTATEMENT_TOLERANCE or ratio < 1 / RESTATEMENT_TOLERANCE:
            figs.ambiguous[b] = True
            figs.add_note(
                b,
                f"given as the {ub} equivalent of {text[starts[a] : ends[a]]}, which is about "
                f"{expected:,.0f} {ub}: off by about {ratio:.1f}x",
            )
