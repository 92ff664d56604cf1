"""Word lists as regex tries: one branch per first character, so that `re` skips a non-matching
position after one check instead of one per word (see `trie`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

SP = "[ \u00a0\u202f\u2009]"


def optional(pattern: str) -> str:
    """``pattern`` or nothing, greedy, as ``(?:pattern|)`` rather than ``(?:pattern)?``.

    Why: `re` runs an optional group of more than one character as a repeat, which allocates a
    repeat context on every attempt; an alternation with an empty branch tries the same two things
    in the same order (the pattern first, then nothing) without it. The figure regex tries several
    optional groups after every number, so this is a large share of its time.
    """
    return f"(?:{pattern}|)"


def trie(entries: Iterable[tuple[str, bool, str]]) -> str:
    """Regex for a set of words as a trie: (word, fold_case, suffix asserted at the word's end).

    Python's `re` tries alternatives one by one; a trie branches on the first character, so a number
    followed by an ordinary word costs a handful of checks instead of one per unit word. Longer words
    are tried first.
    """
    root: dict[str, dict] = {}
    for word, fold, suffix in entries:
        node = root
        for ch in word:
            if ch == " ":
                key = SP
            elif fold and len(ch.upper()) == 1 and ch.lower() != ch.upper():
                key = f"[{re.escape(ch.lower())}{re.escape(ch.upper())}]"
            else:
                key = re.escape(ch)
            node = node.setdefault(key, {})
        node.setdefault("", set()).add(suffix)

    def build(node: dict) -> str:
        alts = [key + build(child) for key, child in sorted(node.items()) if key]
        ends = sorted(node.get("", ()))
        alts.extend(e for e in ends if e)
        can_end = "" in ends
        if not alts:
            return ""
        if can_end:  # "(?:a|b|)", not "(?:a|b)?": the same tries in the same order, see `optional`
            return "(?:" + "|".join(alts) + "|)"
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(root)
