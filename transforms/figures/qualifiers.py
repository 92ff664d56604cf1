"""Qualifiers of a figure from the words around it: exact, approx, at_least, at_most, target, estimate.

Why words before, characters after, then the clause: "about 5 %", "5兆円超" and "5 % or more" are
read at the figure; targets and estimates are often stated several words earlier ("avec pour objectif
de faire passer les ventes ... à 20兆円", "目標 ... 20兆円") and are looked for in the clause only when
a cue calls for it, so the common case costs a few string checks.
"""

from __future__ import annotations

import re

from transforms.figures.lexicon import (
    CJK_AFTER,
    CJK_AFTER_CUE,
    CJK_BEFORE,
    CJK_LONG_RANGE,
    ELISIONS,
    LATIN_AFTER,
    LONG_RANGE,
    QUALIFIER_BY_WORDS,
)
from transforms.figures.tries import trie

#: Any long-range trigger, in lower-cased text: a line without one skips the clause-level search.
LATIN_CUES = ("objecti", "faire passer", "target", "goal", "aim", "ziel", "estimat", "prévision", "forecast",
              "projection", "schätzung", "prognose")

QUALIFIERS = frozenset({"exact", "approx", "at_least", "at_most", "target", "estimate", "range"})

_CJK_BEFORE_ANY = (*(m for _, ms in CJK_BEFORE for m in ms), "近")
CJK_BEFORE_LAST = frozenset(m[-1] for m in _CJK_BEFORE_ANY)
_CJK_AFTER_ANY = tuple(m for _, ms in CJK_AFTER for m in ms)
CJK_AFTER_FIRST = frozenset(m[0] for m in _CJK_AFTER_ANY)
_LATIN_AFTER_SECOND = frozenset(c for _, ms in LATIN_AFTER for m in ms for c in (m[1], m[1].upper()))
_LONG_CONNECTORS = frozenset().union(*(c for _, _, c in LONG_RANGE))
CJK_LONG_RE = re.compile(trie((t, False, "") for _, ts in CJK_LONG_RANGE for t in ts))
_CJK_LONG_QUALIFIER = {t: q for q, ts in CJK_LONG_RANGE for t in ts}
#: Last words of the qualifier phrases: if the word before a figure is not one, skip the lookups.
_QUALIFIER_LAST_WORDS = frozenset(k[-1] for k in QUALIFIER_BY_WORDS)
_STRIP_CHARS = '(«“"[,;:'


def _last_words(before: str) -> list[str]:
    """Up to the last three words before a figure, lower-cased, elisions stripped (d’environ → environ)."""
    words = before[-48:].lower().replace("’", "'").split()[-3:]
    out = []
    for w in words:
        w = w.strip(_STRIP_CHARS)
        if "'" in w:
            head, _, rest = w.partition("'")
            if head in ELISIONS and rest:
                w = rest
        if w:
            out.append(w)
    return out


def _clause(text: str, start: int, window_start: int) -> str:
    """The clause before a figure: at most 150 characters, not across a sentence end or a figure."""
    clause = text[max(window_start, start - 150) : start]
    cut = max(
        clause.rfind(". "),
        clause.rfind("。"),
        clause.rfind("\n"),
        clause.rfind("! "),
        clause.rfind("? "),
        clause.rfind("！"),
        clause.rfind("？"),
    )
    return clause[cut + 1 :] if cut >= 0 else clause


def _last_word(tight: str) -> str:
    """The word just before a figure, normalised like `_last_words` (fast path: one lookup)."""
    w = tight[tight.rfind(" ") + 1 :].lower()
    if w in _QUALIFIER_LAST_WORDS or w.isalpha():
        return w
    w = w.replace("’", "'").strip(_STRIP_CHARS)
    if "'" in w:
        head, _, rest = w.partition("'")
        if head in ELISIONS and rest:
            w = rest
    return w


def qualifier(text: str, start: int, end: int, window_start: int, cjk: bool, cjk_cues: bool) -> str:
    """Qualifier from the words before the figure, the characters after it, then clause-level cues.

    `cjk_cues` says whether the figure's line has a clause-level cue at all (目標, 見通し, objectif,
    target, Prognose...): without one, the clause is not searched.

    Called once per figure, so the common case (nothing qualifies) costs a few C-level string
    checks and set lookups; phrase lookups and clause-level searches run only when a cue calls for them.
    """
    ws = start - 48
    if ws < window_start:
        ws = window_start
    tight = text[ws:start].rstrip()
    if "\n" in tight:
        tight = tight[tight.rfind("\n") + 1 :]
    # 1. CJK marker glued before the figure: 約5兆円, 超过5%, 近3万亿元 (but not 最近).
    if tight[-1:] in CJK_BEFORE_LAST and tight.endswith(_CJK_BEFORE_ANY):
        for qualifier, markers in CJK_BEFORE:
            if tight.endswith(markers):
                return qualifier
        if not tight.endswith(("最近", "付近")):
            return "approx"
    # 2. Words before the figure, longest phrase first ("no more than" before "more than").
    last = "" if cjk else _last_word(tight)
    if last in _QUALIFIER_LAST_WORDS:
        words = _last_words(tight)
        get = QUALIFIER_BY_WORDS.get
        q = (
            (len(words) >= 3 and get(tuple(words[-3:])))
            or (len(words) >= 2 and get(tuple(words[-2:])))
            or get(tuple(words[-1:]))
        )
        if q:
            return q
    # 3. Right after the figure: 5兆円超, 5 % or more, 45兆円に達する見通し.
    after = text[end : end + 16]
    head = after[:1]
    if head in CJK_AFTER_FIRST and after.startswith(_CJK_AFTER_ANY):
        for qualifier, markers in CJK_AFTER:
            if after.startswith(markers):
                return qualifier
    if head == " ":
        if after[1:2] in _LATIN_AFTER_SECOND:
            low_after = after.lower()
            for qualifier, markers in LATIN_AFTER:
                if low_after.startswith(markers):
                    return qualifier
    elif cjk and cjk_cues:  # only lines that name a target or an estimate somewhere
        m = CJK_AFTER_CUE.match(text, end, end + 24)
        if m:
            return str(m.lastgroup)
    # 4. Clause-level cues: "objectif de faire passer ... à 20兆円", "目標 ... 20兆円".
    if cjk and cjk_cues:
        clause = _clause(text, start, window_start)
        if window_start > start - 150 and window_start > 0 and len(clause) == start - window_start:
            # Another figure earlier in the sentence: a cue before its comma belongs to that figure
            # (13兆円に引き上げる目標で、成長率は3.8ポイント); otherwise the cue scopes over the comma
            # (预计到2030年，市场将达到3万亿元).
            clause = clause[max(clause.rfind("、"), clause.rfind("，"), clause.rfind(",")) + 1 :]
        m = CJK_LONG_RE.search(clause)
        if m:
            return _CJK_LONG_QUALIFIER[m.group()]
    elif not cjk and cjk_cues and last in _LONG_CONNECTORS:
        low_clause = _clause(text, start, window_start).lower()
        for qualifier, trigger, connectors in LONG_RANGE:
            if last in connectors and trigger.search(low_clause):
                return qualifier
    return "exact"

