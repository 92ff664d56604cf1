"""BOJ unit labels → (canonical unit, factor), in English (``UNIT``) and Japanese (``UNIT_J``).

Real BOJ answers write the same unit many ways: ``100 million Yen`` (BP01) and ``100 million yen``
(MD10), ``Yen per U.S. Dollar``, ``1ドルにつき円`` and ``￥／＄`` (FM08), ``%ポイント`` (Tankan).
Labels are therefore compared after `normalize` (NFKC, so full-width ``％`` is ``%``; case folded;
whitespace and the katakana word separator ``・`` removed), and read by rules over small tables
rather than listed one by one:

- a fixed label (`FIXED`): percent, percent per annum, percentage points, an empty label;
- an amount: an optional scale and a currency (``Billion Yen`` → JPY x1e9, ``百万ドル`` → USD x1e6);
- a count: an optional scale and a count word (``100 cases``, ``百口`` → count x100);
- a rate: ``<A> per [n] <B>``, ``[n]<B>につき<A>`` or ``<A>/<B>`` with currencies A and B
  (``Yen per 100 Won`` → ``JPY per KRW`` x0.01: canonical rates are per one unit);
- an index: ``<base>=100`` → ``index (<base>=100)``, with the base date written the same way
  whichever language the label is in (``Jan.4.1999`` and ``1999/1/4日`` → ``1999-01-04``).

Values are stored in the canonical unit, so a parser multiplies by the factor once. Canonical
names follow `catalog/indicators.yaml` (``JPY``, ``USD``, ``JPY per USD``), which
`transforms.observations.conform_observations` compares with what a parser emits.

The tests walk every unit label in the BOJ metadata shipped in ``catalog/reference/`` (BP01,
FM08) and the real answers recorded for MD10 and the Tankan (CO).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

#: Canonical unit of the empty label. The BOJ leaves UNIT empty for its seasonal factors (BP01
#: ``... (Seasonal factors)``): pure numbers, not amounts, so they get a unit of their own that no
#: money indicator declares, rather than passing as the catalog's unit.
EMPTY_UNIT = "dimensionless"

#: Currency names (English and Japanese, as BOJ labels write them, and symbols) → ISO 4217 code.
#: Codes of currencies replaced by the euro are kept for the discontinued FM08 series.
CURRENCIES: dict[str, str] = {
    "yen": "JPY", "円": "JPY", "¥": "JPY",
    "u.s.dollar": "USD", "usdollar": "USD", "dollar": "USD", "ドル": "USD", "米ドル": "USD", "$": "USD",
    "euro": "EUR", "ユーロ": "EUR",
    "poundsterling": "GBP", "pound": "GBP", "ポンド": "GBP", "英ポンド": "GBP",
    "won": "KRW", "ウォン": "KRW",
    "renminbiyuan": "CNY", "yuan": "CNY", "人民元": "CNY",
    "australiandollar": "AUD", "オーストラリアドル": "AUD",
    "canadiandollar": "CAD", "カナダドル": "CAD",
    "singaporeandollar": "SGD", "singaporedollar": "SGD", "シンガポールドル": "SGD",
    "swissfranc": "CHF", "スイスフラン": "CHF",
    "danishkrone": "DKK", "デンマーククローネ": "DKK",
    "norwegiankrone": "NOK", "ノルウェークローネ": "NOK",
    "swedishkrona": "SEK", "スウェーデンクローナ": "SEK",
    "deutschemark": "DEM", "ドイツマルク": "DEM", "マルク": "DEM",
    "frenchfranc": "FRF", "フランスフラン": "FRF",
    "belgianfranc": "BEF", "ベルギーフラン": "BEF",
    "netherlandsguilder": "NLG", "オランダギルダー": "NLG",
    "italianlira": "ITL", "イタリアリラ": "ITL",
    "austrianschilling": "ATS", "オーストリアシリング": "ATS",
    "spanishpeseta": "ESP", "スペインペセタ": "ESP",
    "portugueseescudo": "PTE", "ポルトガルエスクード": "PTE",
}

#: Scale words before an amount or a count (English, then Japanese numerals) → factor.
SCALES: dict[str, float] = {
    "": 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "十": 10.0, "百": 1e2, "千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "億": 1e8, "十億": 1e9,
    "百億": 1e10, "千億": 1e11, "兆": 1e12,
}

#: Count words (BOJ: ``100 cases`` / ``百口``, numbers of deposit accounts in MD10) → canonical unit.
COUNT_WORDS: dict[str, str] = {"cases": "count", "case": "count", "口": "count", "件": "count"}

#: Labels that are not amounts, counts, rates or indices, in their normalised form.
FIXED: dict[str, tuple[str, float]] = {
    "": (EMPTY_UNIT, 1.0),
    "%": ("percent", 1.0),
    "percent": ("percent", 1.0),
    "percentperannum": ("percent per annum", 1.0),
    "%perannum": ("percent per annum", 1.0),
    "年%": ("percent per annum", 1.0),
    "%ポイント": ("pp", 1.0),
    "%points": ("pp", 1.0),
    "%point": ("pp", 1.0),
    "percentagepoints": ("pp", 1.0),
    "percentagepoint": ("pp", 1.0),
}

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_NUMBER = r"(?P<n>[0-9]{1,9})"  # a multiplier such as the 100 of "100 million yen"; longer is no unit
_AMOUNT = re.compile(rf"^{_NUMBER}?(?P<rest>.+)$")
_RATE_JA = re.compile(rf"^{_NUMBER}?(?P<b>.+)につき(?P<a>.+)$")
_RATE_SLASH = re.compile(r"^(?P<a>[^/]+)/(?P<b>[^/]+)$")
_INDEX = re.compile(r"^(?P<base>.+)=100$")
_EN_DAY = re.compile(r"^(?P<m>[a-z]{3})[a-z]*\.?(?P<d>[0-9]{1,2})[.,]?(?P<y>[0-9]{4})$")
_JA_DAY = re.compile(r"^(?P<y>[0-9]{4})[/年](?P<m>[0-9]{1,2})[/月](?P<d>[0-9]{1,2})日?$")
_YEAR = re.compile(r"^(cy)?(?P<y>[0-9]{4})(年|average|年平均)?$")
_FISCAL_YEAR = re.compile(r"^(fy(?P<y1>[0-9]{4})|(?P<y2>[0-9]{4})年度)(average|平均)?$")


def normalize(label: str) -> str:
    """The form labels are compared in: NFKC, case folded, without whitespace or ``・``."""
    folded = unicodedata.normalize("NFKC", label).casefold()
    return "".join(folded.split()).replace("・", "")


def canonical_unit(label: str, extra: Mapping[str, tuple[str, float]] | None = None) -> tuple[str, float] | None:
    """(canonical unit, factor) of a BOJ unit label, or None when no rule reads it.

    `extra` maps further labels (compared normalised too) and wins over the rules, so a catalog
    can state a unit this module does not know.
    """
    key = normalize(label)
    if extra:
        for known, mapped in extra.items():
            if normalize(known) == key:
                return mapped
    return FIXED.get(key) or _amount_or_count(key) or _rate(key) or _index(key)


def _amount_or_count(key: str) -> tuple[str, float] | None:
    """``100millionyen`` → (JPY, 1e8), ``millionu.s.dollars`` → (USD, 1e6), ``百口`` → (count, 100)."""
    match = _AMOUNT.match(key)
    if not match:
        return None
    multiplier = float(match["n"]) if match["n"] else 1.0
    rest = match["rest"]
    for scale, factor in SCALES.items():
        if not rest.startswith(scale):
            continue
        unit = _currency(rest[len(scale):]) or COUNT_WORDS.get(rest[len(scale):])
        if unit:
            return unit, multiplier * factor
    return None


def _currency(name: str) -> str | None:
    """ISO code of a currency name; English plurals (``dollars``) are read as the singular."""
    return CURRENCIES.get(name) or (CURRENCIES.get(name[:-1]) if name.endswith("s") else None)


def _rate(key: str) -> tuple[str, float] | None:
    """``<A> per [n] <B>`` / ``[n]<B>につき<A>`` / ``<A>/<B>`` → (``A per B``, 1/n)."""
    for quote_name, per, base_name in _rate_splits(key):
        quote, base = _currency(quote_name), _currency(base_name)
        if quote and base and per > 0:
            return f"{quote} per {base}", 1.0 / per
    return None


def _rate_splits(key: str) -> list[tuple[str, int, str]]:
    """Every (quote, per, base) reading of a label; English ``per`` is tried wherever it occurs."""
    splits = []
    for pattern in (_RATE_JA, _RATE_SLASH):
        match = pattern.match(key)
        if match:
            splits.append((match["a"], int(match.groupdict().get("n") or 1), match["b"]))
    for at in range(1, len(key) - 3):
        if key.startswith("per", at):
            rest = _AMOUNT.match(key[at + 3 :])
            if rest:
                splits.append((key[:at], int(rest["n"] or 1), rest["rest"]))
    return splits


def _index(key: str) -> tuple[str, float] | None:
    """``jan.4.1999=100`` and ``1999/1/4日=100`` → (``index (1999-01-04=100)``, 1)."""
    match = _INDEX.match(key)
    if not match:
        return None
    return f"index ({_index_base(match['base'])}=100)", 1.0


def _index_base(base: str) -> str:
    """The base period of an index in one spelling: ISO date, ``YYYY`` or ``FYYYYY``; else as written."""
    day = _EN_DAY.match(base)
    if day and day["m"] in _MONTHS:
        return f"{day['y']}-{_MONTHS[day['m']]:02d}-{int(day['d']):02d}"
    day = _JA_DAY.match(base)
    if day:
        return f"{day['y']}-{int(day['m']):02d}-{int(day['d']):02d}"
    year = _YEAR.match(base)
    if year:
        return year["y"]
    fiscal = _FISCAL_YEAR.match(base)
    if fiscal:
        return f"FY{fiscal['y1'] or fiscal['y2']}"
    return base
