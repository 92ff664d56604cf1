"""Currencies: every common one under its own ISO code, from ``catalog/lexicons/figure_currencies.yaml``.

Why a data file: a currency is a code, its symbols and its names in five languages; reviewers add one
by editing YAML, not regexes. Why the context rules: several currencies share a name. A bare "$" or
"dollars" is the US dollar unless its sentence names another dollar ("Canadian dollar"); a name that
several countries use ("francs", "rupees", "crowns") is a figure only when its sentence names exactly
one of those countries, and no figure otherwise (a wrong currency is worse than a missing row).

Pure: the only file read is the lexicon, once per process (as ``transforms.claims`` does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from transforms.figures.tries import trie

LEXICON_PATH = Path(__file__).resolve().parents[2] / "catalog" / "lexicons" / "figure_currencies.yaml"
LANGS = ("en", "fr", "de", "ja", "zh")
_LATIN_LANGS = ("en", "fr", "de")
_SP_RUN = re.compile(r"[ \u00a0\u202f\u2009]+")
_LETTERS = "a-zà-öø-ÿß"


class CurrencyLexiconError(ValueError):
    """The currency lexicon is malformed; the message names the entry to fix."""


@dataclass(frozen=True)
class CurrencyTables:
    """Lookup tables built from the lexicon. Values are ISO codes, or ``~family`` for a shared name."""

    symbols: dict[str, str]  # exact, written before or after the number
    latin_names: dict[str, str]  # lower-case, single spaces
    cjk_names: dict[str, str]
    family_default: dict[str, str | None]
    named_dollar_re: re.Pattern[str]  # another dollar named in a sentence
    named_dollar: dict[str, str]  # lower-case name → code
    country_res: dict[str, tuple[re.Pattern[str], dict[str, str]]]  # family → (regex, lower word → code)
    sub_units: dict[str, tuple[int, frozenset[str]]]  # name → (per main unit, main codes)


def _latin_key(word: str) -> str:
    return _SP_RUN.sub(" ", word.strip()).lower()


def _words_re(words: list[str]) -> str:
    """Lower-case words as one trie: Latin words end on a letter boundary, CJK words are substrings.
    Searched in lower-cased text (a case-insensitive alternation cannot skip ahead)."""
    keys = {_latin_key(w) for w in words}
    if not keys:
        return "(?!)"
    return trie((w, False, f"(?![{_LETTERS}])" if ord(w[0]) < 0x3000 else "") for w in keys)


def _compile(raw: dict[str, Any], source: str) -> CurrencyTables:
    if not isinstance(raw, dict) or raw.get("version") != 1:
        raise CurrencyLexiconError(f"{source}: expected a mapping with version: 1")
    symbols: dict[str, str] = {}
    latin: dict[str, str] = {}
    cjk: dict[str, str] = {}
    defaults: dict[str, str | None] = {}
    dollar_names: dict[str, str] = {}
    countries: dict[str, dict[str, str]] = {}
    currencies = raw.get("currencies") or {}
    families = raw.get("families") or {}
    for code, entry in currencies.items():
        if not (isinstance(code, str) and len(code) == 3 and code.isupper()):
            raise CurrencyLexiconError(f"{source}: currencies.{code}: the key must be an ISO 4217 code")
        entry = entry or {}
        family = entry.get("family")
        if family is not None and family not in families:
            raise CurrencyLexiconError(f"{source}: currencies.{code}: unknown family {family!r}")
        symbols.setdefault(code, code)
        for s in entry.get("symbols") or []:
            symbols[str(s)] = code
        for lang, names in (entry.get("names") or {}).items():
            if lang not in LANGS:
                raise CurrencyLexiconError(f"{source}: currencies.{code}.names: unknown language {lang!r}")
            for name in names or []:
                name = str(name)
                if lang in _LATIN_LANGS or name.isascii():
                    latin[_latin_key(name)] = code
                else:
                    cjk[name] = code
                if family == "dollar":
                    dollar_names[_latin_key(name)] = code
        for word in entry.get("countries") or []:
            countries.setdefault(family or code, {})[_latin_key(str(word))] = code
    for fam, entry in families.items():
        default = entry.get("default")
        if default is not None and default not in currencies:
            raise CurrencyLexiconError(f"{source}: families.{fam}: default {default!r} is not a listed currency")
        if entry.get("resolve") not in ("named_currency", "country"):
            raise CurrencyLexiconError(f"{source}: families.{fam}: resolve must be named_currency or country")
        if default is None and fam not in countries:
            raise CurrencyLexiconError(f"{source}: families.{fam}: no default and no currency lists its countries")
        defaults[fam] = default
        marker = f"~{fam}"
        for s in entry.get("symbols") or []:
            symbols.setdefault(str(s), marker)
        for lang, names in (entry.get("names") or {}).items():
            for name in names or []:
                name = str(name)
                if lang in _LATIN_LANGS or name.isascii():
                    latin.setdefault(_latin_key(name), marker)
                else:
                    cjk.setdefault(name, marker)
    subs: dict[str, tuple[int, frozenset[str]]] = {}
    for entry in raw.get("sub_units") or []:
        per, of = int(entry["per_main"]), frozenset(entry["of"])
        unknown = of - set(currencies)
        if unknown:
            raise CurrencyLexiconError(f"{source}: sub_units {entry['names']}: unknown currencies {sorted(unknown)}")
        for name in entry["names"]:
            subs[str(name)] = (per, of)
    country_res = {
        fam: (re.compile(_words_re(list(words))), words) for fam, words in countries.items()
    }
    return CurrencyTables(
        symbols=symbols,
        latin_names=latin,
        cjk_names=cjk,
        family_default=defaults,
        named_dollar_re=re.compile(_words_re(list(dollar_names))),
        named_dollar=dollar_names,
        country_res=country_res,
        sub_units=subs,
    )


def _bounded(regex: re.Pattern[str], text: str):
    """Matches that do not start inside a word ("India" but not "Indiana"'s tail: a left boundary)."""
    for m in regex.finditer(text):
        if m.start() == 0 or not text[m.start() - 1].isalpha() or ord(text[m.start()]) >= 0x3000:
            yield m


@cache
def tables(path: Path = LEXICON_PATH) -> CurrencyTables:
    """The compiled currency lexicon (read once per process and path)."""
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return _compile(raw, str(path))


def resolve_family(
    marker: str, text: str, sent_start: int, sent_end: int, fig_start: int, fig_end: int
) -> tuple[str | None, str | None]:
    """Currency of a shared name (``~dollar``, ``~franc``) from its sentence → (code or None, note).

    The figure's own surface is not searched (the "$" of "C$5" is already read as CAD).
    """
    t = tables()
    fam = marker[1:]
    default = t.family_default.get(fam)
    sentence = (text[sent_start:fig_start] + " " + text[fig_end:sent_end]).lower()
    if default is not None:  # dollar: another dollar named in the sentence?
        named = {t.named_dollar.get(_SP_RUN.sub(" ", m.group())) for m in _bounded(t.named_dollar_re, sentence)}
        named.discard(None)
        named.discard(default)
        if len(named) == 1:
            code = named.pop()
            return code, f"bare {fam} read as {code}: the sentence names that {fam}"
        if named:
            return default, f"bare {fam} kept as {default}; the sentence also names {', '.join(sorted(named))}"
        return default, None
    found = t.country_res.get(fam)
    if found is None:
        return None, None
    regex, words = found
    codes = {words.get(_SP_RUN.sub(" ", m.group())) for m in _bounded(regex, sentence)}
    codes.discard(None)
    if len(codes) == 1:
        code = codes.pop()
        return code, f"'{fam}' read as {code}: the sentence names its country"
    return None, None
