"""What the figures of an article claim (topic, indicator, area, period), and amounts given as equivalents.

`resolve_claims` links each figure of `transforms.figures.extract_figures` to what it is about, from
the lexicons in ``catalog/lexicons/claims.yaml`` (data, not code: keywords per topic and language,
area names, period expressions, equivalence and comparison words). The rules, in order:

* **Topic**: the closest keyword of a topic whose unit class fits the figure (money or percent), looked
  for in the figure's clause (between commas), then its sentence, then ±`window_chars` inside its
  paragraph; a keyword after the figure that follows a comparison word ("292,8 万円, en dessous du
  salaire médian") is about the compared quantity and does not count. With no keyword, a figure takes
  the topic of the previous figure of its paragraph ("762 億日圓" after "550 億円 de subventions").
* **Area**: an area name in the same sentence, at most `area_max_gap` characters away, not past a
  neighbouring figure, preferring the side the language attaches it to ("762 億日圓 de la Corée du
  Sud", "韓国の762億円"); else the home area (Japan) when the article is about Japan; else null. A
  topic with ``foreign_area_variant_of`` replaces the base topic for a foreign area (Korea's content
  support budget is not Japan's overseas-expansion budget).
* **Period**: a period expression in the clause, the sentence, then the window (there only one that
  fits the figure: a deadline for a target or estimate, a plain year otherwise); else the publication
  year (``inferred_from_publication``), except for a target, whose year cannot be guessed.
* **Definition**: for a topic with ``definitions`` (the digital deficit: ``including_hidden``), a
  definition word in the figure's sentence and not past a neighbouring figure ("le déficit numérique
  global ... 45兆円", "隠れデジタル赤字を含め45兆円"); an amount the article repeats (same topic,
  unit and value) takes the definition named at another of its occurrences. Null: the topic's
  default definition.
* A figure given as another's equivalent in another currency ("196,6 万円 (environ 40 000 TWD)")
  shares that figure's claim.

`check_equivalent_pairs` converts such pairs to yen and flags those more than 25 % apart.

Pure: the only file read is the lexicon, once per process.
"""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import polars as pl
import yaml

__all__ = [
    "CLAIM_SCHEMA",
    "LEXICON_PATH",
    "PAIR_SCHEMA",
    "Lexicon",
    "LexiconError",
    "check_equivalent_pairs",
    "load_lexicon",
    "resolve_claims",
]

LEXICON_PATH = Path(__file__).resolve().parent.parent / "catalog" / "lexicons" / "claims.yaml"

CLAIM_SCHEMA: dict[str, pl.DataType] = {
    "article_id": pl.String(),
    "figure_index": pl.Int64(),
    "topic": pl.String(),
    "indicator_id": pl.String(),
    "area": pl.String(),
    "period": pl.String(),  # YYYY or FYYYYY
    "period_kind": pl.String(),  # stated | target | inferred_from_publication
    "definition": pl.String(),  # a definition of the topic named near the figure (lexicon); null: the default
    "sentence": pl.String(),
    "confidence": pl.Float64(),
    "note": pl.String(),
}

PAIR_SCHEMA: dict[str, pl.DataType] = {
    "figure_index_a": pl.Int64(),
    "figure_index_b": pl.Int64(),
    "value_a_jpy": pl.Float64(),
    "value_b_jpy": pl.Float64(),
    "ratio": pl.Float64(),  # value_b_jpy / value_a_jpy
    "consistent": pl.Boolean(),  # null when a rate is missing
    "reason": pl.String(),
}

#: Two amounts given as equivalents may differ by this factor (rounding, rate date) and still agree.
EQUIVALENCE_TOLERANCE = 1.25

_LATIN = "A-Za-z0-9À-ÖØ-öø-ÿĀ-ſ"
_LATIN_LOWER = "a-zß-öø-ÿ"
_LATIN_CHAR_RE = re.compile(f"[{_LATIN}]")
_CJK_RE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_MASK = "\x00"
_SENTENCE_END_RE = re.compile(r"[。！？!?]+|\.(?=\s|$)|…")
_ABBREVIATION_TAIL_RE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_CLAUSE_SEP_RE = re.compile(r"[,;:，；：、\u3000]")
_SPACE_RUN_RE = re.compile(r"[ \t\u00a0]+")
_GAP_FILLER_RE = re.compile(r"[ \t\u00a0\u2009\u202f\u3000]+|[,，、:：]")
_ISO_CODE_RE = re.compile(r"[A-Z]{3}")
_PERCENT_UNITS = frozenset({"percent", "pp"})
_REGION_SLACK = 64  # matches may run this far past a searched region (a keyword cut at its edge)


class LexiconError(ValueError):
    """The lexicon file is malformed; the message names the entry."""


# --------------------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Topic:
    id: str
    unit_class: str  # money | percent | any
    indicator_id: str | None
    keywords: _Keywords
    weak_keywords: _Keywords
    variant_of: tuple[str, ...]
    definitions: tuple[tuple[str, _Keywords], ...] = ()  # definition id -> words that name it


@dataclass(frozen=True)
class _PeriodPattern:
    id: str
    period_type: str  # period | target_period
    fiscal: bool
    year_offset: int
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    """The compiled lexicons of ``catalog/lexicons/claims.yaml``."""

    settings: dict[str, Any]
    topics: tuple[_Topic, ...]
    foreign_variant: dict[str, str]  # base topic -> topic used when the figure is about a foreign area
    area_names: tuple[tuple[str, _Keywords], ...]
    area_adjectives: tuple[tuple[str, _Keywords], ...]
    periods: tuple[_PeriodPattern, ...]
    equivalence: re.Pattern[str]  # one marker, anchored where it is tried
    equivalence_after: re.Pattern[str]
    comparison: _Keywords
    abbreviations: frozenset[str]


def _keyword_fragment(keyword: str) -> tuple[bool, str]:
    """(starts on a Latin word boundary, regex) for one keyword, by the rules at the top of the YAML file.

    The boundary before the keyword is left to the caller, which puts one look-behind in front of all
    such keywords: the same regex with a look-behind per alternative is several times slower.
    """
    kw = " ".join(str(keyword).replace("’", "'").split())
    if not kw:
        raise LexiconError("empty keyword")
    if _CJK_RE.search(kw):
        return False, r"\s*".join(re.escape(part) for part in kw.split(" "))
    body = r"\s+".join(re.escape(part) for part in kw.split(" "))
    case_sensitive = sum(c.isupper() for c in kw) >= 2
    if _LATIN_CHAR_RE.match(kw[-1]):
        body += ("s?" if case_sensitive else f"[{_LATIN_LOWER}]{{0,2}}") + f"(?![{_LATIN}])"
    fragment = f"(?-i:{body})" if case_sensitive else body
    return _LATIN_CHAR_RE.match(kw[0]) is not None, fragment


@dataclass(frozen=True)
class _Keywords:
    """Keywords compiled into one regex, with lower-case probes: no probe in the text, no match."""

    regex: re.Pattern[str]
    probes: tuple[str, ...]

    def may_occur(self, lowered: str) -> bool:
        return any(p in lowered for p in self.probes)


def _alternation(keywords: list[str], where: str) -> _Keywords:
    unique = sorted({" ".join(str(k).replace("’", "'").split()) for k in keywords}, key=len, reverse=True)
    if not unique:
        return _Keywords(re.compile(r"(?!x)x"), ())  # matches nothing
    fragments = [_keyword_fragment(k) for k in unique]
    bounded = "|".join(f"(?:{f})" for head, f in fragments if head)
    parts = ([f"(?<![{_LATIN}])(?:{bounded})"] if bounded else []) + [f"(?:{f})" for head, f in fragments if not head]
    try:
        regex = re.compile("|".join(parts), re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"{where}: {exc}") from exc
    return _Keywords(regex, tuple(sorted({k.split(" ")[0].lower() for k in unique})))


def _words_by_language(entry: Any, where: str) -> list[str]:
    if entry is None:
        return []
    if not isinstance(entry, dict):
        raise LexiconError(f"{where}: expected a mapping of language -> list of words")
    words: list[str] = []
    for lang, items in entry.items():
        if not isinstance(items, list) or not all(isinstance(w, str) for w in items):
            raise LexiconError(f"{where}.{lang}: expected a list of strings")
        words.extend(items)
    return words


def _compile_lexicon(raw: dict[str, Any], source: str) -> Lexicon:
    if not isinstance(raw, dict) or not isinstance(raw.get("topics"), dict):
        raise LexiconError(f"{source}: no 'topics' mapping")
    settings = dict(raw.get("settings") or {})
    topics: list[_Topic] = []
    foreign: dict[str, str] = {}
    for topic_id, entry in raw["topics"].items():
        where = f"{source}: topics.{topic_id}"
        if not isinstance(entry, dict):
            raise LexiconError(f"{where}: expected a mapping")
        unit_class = entry.get("unit_class", "any")
        if unit_class not in ("money", "percent", "any"):
            raise LexiconError(f"{where}: unit_class must be money, percent or any, not {unit_class!r}")
        variant_of = tuple(entry.get("foreign_area_variant_of") or ())
        for base in variant_of:
            foreign[base] = topic_id
        words = _words_by_language(entry.get("keywords"), f"{where}.keywords")
        weak = _words_by_language(entry.get("weak_keywords"), f"{where}.weak_keywords")
        definitions = entry.get("definitions") or {}
        if not isinstance(definitions, dict):
            raise LexiconError(f"{where}.definitions: expected a mapping of definition id -> words per language")
        named = tuple(
            (str(d), _alternation(_words_by_language(ws, f"{where}.definitions.{d}"), f"{where}.definitions.{d}"))
            for d, ws in definitions.items()
        )
        topics.append(
            _Topic(
                topic_id,
                unit_class,
                entry.get("indicator_id"),
                _alternation(words, where),
                _alternation(weak, where),
                variant_of,
                named,
            )
        )
    known = {t.id for t in topics}
    for base, variant in foreign.items():
        if base not in known:
            raise LexiconError(f"{source}: topics.{variant}: foreign_area_variant_of names unknown topic {base!r}")

    names: list[tuple[str, _Keywords]] = []
    adjectives: list[tuple[str, _Keywords]] = []
    for code, entry in (raw.get("areas") or {}).items():
        where = f"{source}: areas.{code}"
        if not isinstance(entry, dict):
            raise LexiconError(f"{where}: expected a mapping")
        names.append((code, _alternation(_words_by_language(entry.get("names"), where), where)))
        adjectives.append((code, _alternation(_words_by_language(entry.get("adjectives"), where), where)))

    periods: list[_PeriodPattern] = []
    for i, entry in enumerate(raw.get("periods") or []):
        where = f"{source}: periods[{i}]"
        try:
            regex = re.compile(entry["pattern"], re.IGNORECASE)
        except (KeyError, TypeError, re.error) as exc:
            raise LexiconError(f"{where}: bad pattern: {exc}") from exc
        if not ({"year", "era_year"} & set(regex.groupindex)):
            raise LexiconError(f"{where}: the pattern needs a group named year or era_year")
        period_type = entry.get("period_type", "period")
        if period_type not in ("period", "target_period"):
            raise LexiconError(f"{where}: period_type must be period or target_period")
        periods.append(
            _PeriodPattern(
                str(entry.get("id", i)),
                period_type,
                bool(entry.get("fiscal", False)),
                int(entry.get("year_offset", 0)),
                regex,
            )
        )

    markers = dict(raw.get("equivalence_markers") or {})
    after = markers.pop("after", []) or []
    equivalence = _alternation([w for ws in markers.values() for w in (ws or [])], f"{source}: equivalence_markers")
    equivalence_after = _alternation(list(after), f"{source}: equivalence_markers.after")
    comparison = _alternation(
        _words_by_language(raw.get("comparison_markers"), "comparison_markers"), f"{source}: comparison_markers"
    )
    return Lexicon(
        settings=settings,
        topics=tuple(topics),
        foreign_variant=foreign,
        area_names=tuple(names),
        area_adjectives=tuple(adjectives),
        periods=tuple(periods),
        equivalence=equivalence.regex,
        equivalence_after=equivalence_after.regex,
        comparison=comparison,
        abbreviations=frozenset(str(a) for a in raw.get("abbreviations") or ()),
    )


@functools.cache
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """The compiled lexicon (read once per process and path)."""
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return _compile_lexicon(raw, str(path))


# --------------------------------------------------------------------------------------------------
# Text geometry: paragraphs, sentences, clauses
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fig:
    index: int
    start: int
    end: int
    unit: str | None
    qualifier: str | None
    value: float | None
    surface: str


def _unit_class(unit: str | None) -> str | None:
    if unit in _PERCENT_UNITS:
        return "percent"
    if isinstance(unit, str) and _ISO_CODE_RE.fullmatch(unit):
        return "money"
    return None


def _normalise_lang(lang: str | None) -> str:
    return re.split(r"[-_]", lang or "", maxsplit=1)[0].lower()


class _Geometry:
    """Paragraph, sentence and clause boundaries of a (masked) text, found once, queried by bisection."""

    def __init__(self, norm: str, masked: str, lexicon: Lexicon) -> None:
        self.n = len(masked)
        self.breaks = [m.start() for m in re.finditer("\n", masked)]
        ends = []
        for m in _SENTENCE_END_RE.finditer(masked):
            if m.group() == ".":
                tail = _ABBREVIATION_TAIL_RE.search(masked, max(0, m.start() - 12), m.start())
                word = tail.group(1) if tail else ""
                if word in lexicon.abbreviations or (len(word) == 1 and word.isupper()):
                    continue
            ends.append(m.end())
        self.sentence_ends = ends
        seps = [m.start() for m in _CLAUSE_SEP_RE.finditer(masked)]
        # A space between two CJK characters separates clauses (headlines: "AIに1兆円 アニメに550億円").
        seps += [
            m.start()
            for m in _SPACE_RUN_RE.finditer(norm)
            if m.start() > 0 and _CJK_RE.match(norm, m.start() - 1) and _CJK_RE.match(norm, m.end())
        ]
        self.clause_seps = sorted(seps)

    def paragraph(self, start: int, end: int) -> tuple[int, int]:
        i = bisect_left(self.breaks, start)
        lo = self.breaks[i - 1] + 1 if i > 0 else 0
        j = bisect_left(self.breaks, end)
        hi = self.breaks[j] if j < len(self.breaks) else self.n
        return lo, max(hi, end)

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        p_lo, p_hi = self.paragraph(start, end)
        i = bisect_right(self.sentence_ends, start)
        lo = self.sentence_ends[i - 1] if i > 0 else 0
        j = bisect_left(self.sentence_ends, end + 1)
        hi = self.sentence_ends[j] if j < len(self.sentence_ends) else self.n
        return max(lo, p_lo), max(min(hi, p_hi), end)

    def clause(self, start: int, end: int) -> tuple[int, int]:
        s_lo, s_hi = self.sentence(start, end)
        i = bisect_left(self.clause_seps, start)
        lo = self.clause_seps[i - 1] + 1 if i > 0 else 0
        j = bisect_left(self.clause_seps, end)
        hi = self.clause_seps[j] if j < len(self.clause_seps) else self.n
        return max(lo, s_lo), max(min(hi, s_hi), end)


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    label: str  # topic id, area code or period ("2035", "FY2024")
    role: str = ""  # period_type for period hits; "weak" for a weak topic keyword
    surface: str = ""


class _Hits:
    """Matches sorted by start, for region queries."""

    def __init__(self, hits: list[_Hit]) -> None:
        self.hits = sorted(hits, key=lambda h: (h.start, -(h.end - h.start)))
        self.starts = [h.start for h in self.hits]

    def within(self, lo: int, hi: int) -> list[_Hit]:
        i = bisect_left(self.starts, lo)
        j = bisect_left(self.starts, hi)
        return [h for h in self.hits[i:j] if h.end <= hi]

    def any_between(self, lo: int, hi: int) -> bool:
        return bool(self.within(lo, hi))


def _mask(text: str, figs: list[_Fig]) -> str:
    """The text with ’ as ' and every figure's surface blanked (same length, so offsets hold)."""
    chars = list(text.replace("’", "'"))
    for f in figs:
        chars[f.start : f.end] = _MASK * (f.end - f.start)
    return "".join(chars)


def _gap(fig: _Fig, hit: _Hit) -> int:
    if hit.start >= fig.end:
        return hit.start - fig.end
    if hit.end <= fig.start:
        return fig.start - hit.end
    return 0


def _figures_from_frame(text: str, figures: pl.DataFrame) -> list[_Fig]:
    """Figures with a usable span, in text order (rows with a null or impossible span are skipped)."""
    n = len(text)
    cols = set(figures.columns)
    starts = figures.get_column("start").to_list() if "start" in cols else [None] * figures.height
    ends = figures.get_column("end").to_list() if "end" in cols else [None] * figures.height
    units = figures.get_column("unit").to_list() if "unit" in cols else [None] * figures.height
    quals = figures.get_column("qualifier").to_list() if "qualifier" in cols else [None] * figures.height
    values = figures.get_column("value").to_list() if "value" in cols else [None] * figures.height
    out: list[_Fig] = []
    for i, (s, e, u, q, v) in enumerate(zip(starts, ends, units, quals, values, strict=True)):
        if not isinstance(s, int) or not isinstance(e, int) or not 0 <= s < e <= n:
            continue
        value = float(v) if isinstance(v, int | float) else None
        out.append(
            _Fig(i, s, e, u if isinstance(u, str) else None, q if isinstance(q, str) else None, value, text[s:e])
        )
    out.sort(key=lambda f: (f.start, f.end))
    # Overlapping spans: keep the first (a figure frame should not have them).
    kept: list[_Fig] = []
    for f in out:
        if kept and f.start < kept[-1].end:
            continue
        kept.append(f)
    return kept


# --------------------------------------------------------------------------------------------------
# Equivalent pairs
# --------------------------------------------------------------------------------------------------


def _is_equivalence_gap(gap: str, after: str, lexicon: Lexicon) -> bool:
    """True when `gap` is only equivalence markers, spaces and commas, with at least one marker."""
    if "\n" in gap or len(gap) > 40:
        return False
    pos, marker = 0, False
    while pos < len(gap):
        m = lexicon.equivalence.match(gap, pos)
        if m and m.end() > pos:
            marker, pos = True, m.end()
            continue
        m = _GAP_FILLER_RE.match(gap, pos)
        if m is None:
            return False
        pos = m.end()
    if not marker:
        marker = lexicon.equivalence_after.match(after.lstrip(" \u3000")) is not None
    return marker


def _equivalent_pairs(norm: str, figs: list[_Fig], lexicon: Lexicon) -> list[tuple[_Fig, _Fig]]:
    """Consecutive money figures in different currencies, the second given as the first's equivalent."""
    pairs = []
    for a, b in pairwise(figs):
        if _unit_class(a.unit) != "money" or _unit_class(b.unit) != "money" or a.unit == b.unit:
            continue
        if _is_equivalence_gap(norm[a.end : b.start], norm[b.end : b.end + 8], lexicon):
            pairs.append((a, b))
    return pairs


def _fmt_amount(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.4g}"


def check_equivalent_pairs(text: str, figures: pl.DataFrame, fx_to_jpy: dict[str, float]) -> pl.DataFrame:
    """Amounts written as equivalents in two currencies, converted to yen and compared (`PAIR_SCHEMA`).

    A pair is two consecutive money figures of one sentence in different currencies, with only
    equivalence words between them ("196,6 万円 (environ 40 000 TWD)", "1兆円、約67億ドル").
    `fx_to_jpy` gives yen per unit of each currency (JPY is always 1.0). ``consistent`` is false when
    the two differ by more than 25 %, null when a rate is missing (then the pair is not flagged).
    """
    lexicon = load_lexicon()
    figs = _figures_from_frame(text, figures)
    norm = text.replace("’", "'")
    rows: list[dict[str, Any]] = []
    for a, b in _equivalent_pairs(norm, figs, lexicon):
        rate_a, rate_b = _rate(a.unit, fx_to_jpy), _rate(b.unit, fx_to_jpy)
        row: dict[str, Any] = {
            "figure_index_a": a.index,
            "figure_index_b": b.index,
            "value_a_jpy": None,
            "value_b_jpy": None,
            "ratio": None,
            "consistent": None,
        }
        if rate_a is None or rate_b is None:
            missing = [str(u) for u, r in ((a.unit, rate_a), (b.unit, rate_b)) if r is None]
            row["reason"] = (
                f"no JPY rate for {', '.join(dict.fromkeys(missing))}: {a.surface} and {b.surface} not compared"
            )
            rows.append(row)
            continue
        if a.value is None or b.value is None or not math.isfinite(a.value) or not math.isfinite(b.value):
            row["reason"] = f"{a.surface} or {b.surface} has no value: not compared"
            rows.append(row)
            continue
        va, vb = a.value * rate_a, b.value * rate_b
        row["value_a_jpy"], row["value_b_jpy"] = va, vb
        if va <= 0 or vb <= 0:
            row["reason"] = f"{a.surface} or {b.surface} is not a positive amount: not compared"
            rows.append(row)
            continue
        ratio = vb / va
        off = max(ratio, 1 / ratio)
        row["ratio"] = ratio
        row["consistent"] = off <= EQUIVALENCE_TOLERANCE
        desc_a, desc_b = _describe(a, va, rate_a), _describe(b, vb, rate_b)
        if row["consistent"]:
            row["reason"] = f"{desc_a} and {desc_b}: within 25 % (ratio {ratio:.2f})"
        else:
            row["reason"] = f"{desc_b}, but {desc_a}: off by {off:.1f}x"
        rows.append(row)
    return pl.DataFrame(rows, schema=PAIR_SCHEMA) if rows else pl.DataFrame(schema=PAIR_SCHEMA)


def _rate(unit: str | None, fx_to_jpy: dict[str, float]) -> float | None:
    if unit == "JPY":
        return 1.0
    rate = fx_to_jpy.get(unit) if unit else None
    if isinstance(rate, int | float) and math.isfinite(rate) and rate > 0:
        return float(rate)
    return None


def _describe(f: _Fig, jpy: float, rate: float) -> str:
    if f.unit == "JPY":
        return f"{f.surface} = {_fmt_amount(jpy)} JPY"
    return f"{f.surface} ≈ {_fmt_amount(jpy)} JPY at {rate:g} JPY/{f.unit}"


# --------------------------------------------------------------------------------------------------
# Claims
# --------------------------------------------------------------------------------------------------


@dataclass
class _Claim:
    sentence: tuple[int, int]
    base_topic: str | None = None  # before the foreign-area variant is applied
    topic_how: str = ""
    topic_score: float = 0.0
    from_keyword: bool = False
    area: str | None = None
    area_how: str = ""
    area_named: bool = False
    period: str | None = None
    period_kind: str | None = None
    period_how: str = ""
    period_factor: float = 0.85
    definition: str | None = None
    definition_how: str = ""


def _merge(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(regions):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _find(
    pattern: re.Pattern[str] | _Keywords, masked: str, regions: list[tuple[int, int]], lowered: str = ""
) -> list[re.Match[str]]:
    """Non-empty matches starting inside `regions` (a match may run past a region's end)."""
    if isinstance(pattern, _Keywords):
        if not pattern.may_occur(lowered):
            return []
        regex = pattern.regex
    else:
        regex = pattern
    found: dict[tuple[int, int], re.Match[str]] = {}
    for lo, hi in regions:
        for m in regex.finditer(masked, lo, min(len(masked), hi + _REGION_SLACK)):
            if m.start() < hi and m.end() > m.start():
                found.setdefault(m.span(), m)
    return list(found.values())


def _scan(
    masked: str, lexicon: Lexicon, regions: list[tuple[int, int]]
) -> tuple[_Hits, _Hits, _Hits, _Hits, _Hits, Counter[str]]:
    """Keyword, area, period, comparison and definition matches near the figures, and area mentions of
    the article. A definition hit's label is the definition, its role the topic it belongs to."""
    lowered = masked.lower()  # only to skip keyword sets absent from the text
    topics = [
        _Hit(m.start(), m.end(), t.id, role, m.group())
        for t in lexicon.topics
        for keywords, role in ((t.keywords, ""), (t.weak_keywords, "weak"))
        for m in _find(keywords, masked, regions, lowered)
    ]
    areas = [
        _Hit(m.start(), m.end(), code, surface=m.group())
        for code, names in lexicon.area_names
        for m in _find(names, masked, regions, lowered)
    ]
    # What the article is about: area names and adjectives in its opening.
    opening = [(0, min(len(masked), int(lexicon.settings.get("about_sample_chars", 20000))))]
    mentions: Counter[str] = Counter()
    for code, words in (*lexicon.area_names, *lexicon.area_adjectives):
        mentions[code] += len(_find(words, masked, opening, lowered))
    comparisons = [_Hit(m.start(), m.end(), "cmp") for m in _find(lexicon.comparison, masked, regions, lowered)]
    definitions = [
        _Hit(m.start(), m.end(), definition, t.id, m.group())
        for t in lexicon.topics
        for definition, words in t.definitions
        for m in _find(words, masked, regions, lowered)
    ]
    periods = _Hits(_period_hits(masked, lexicon, regions))
    return _Hits(topics), _Hits(areas), periods, _Hits(comparisons), _Hits(definitions), mentions


def _period_hits(masked: str, lexicon: Lexicon, regions: list[tuple[int, int]]) -> list[_Hit]:
    found: list[tuple[int, int, int, _Hit]] = []
    for order, p in enumerate(lexicon.periods):
        for m in _find(p.regex, masked, regions):
            groups = m.groupdict()
            try:
                if groups.get("year") is not None:
                    year = int(groups["year"])
                elif groups.get("era_year") is not None:
                    era = groups["era_year"]
                    year = (1 if era == "元" else int(era)) + p.year_offset
                else:
                    continue
            except ValueError:
                continue
            if not 1900 <= year <= 2100:
                continue
            label = f"FY{year}" if p.fiscal else str(year)
            hit = _Hit(m.start(), m.end(), label, p.period_type, m.group())
            found.append((m.start(), -(m.end() - m.start()), order, hit))
    found.sort(key=lambda t: t[:3])
    kept: list[_Hit] = []
    for _, _, _, hit in found:  # overlapping matches: the longest (then the earlier pattern) wins
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def _about_home(mentions: Counter[str], lang: str, figs: list[_Fig], settings: dict[str, Any]) -> bool:
    home = settings.get("home_area")
    if not home:
        return False
    home_count = mentions.get(home, 0)
    other = max((c for code, c in mentions.items() if code != home), default=0)
    if home_count < other:
        return False
    if home_count > 0 or lang in (settings.get("home_languages") or ()):
        return True
    money = [f.unit for f in figs if _unit_class(f.unit) == "money"]
    home_money = sum(1 for u in money if u in (settings.get("home_currencies") or ()))
    return bool(money) and home_money / len(money) >= 0.5


def _fits(topic_class: str, fig_class: str | None) -> bool:
    return topic_class == "any" or fig_class is None or topic_class == fig_class


def _side(fig: _Fig, hit: _Hit) -> str:
    gap = _gap(fig, hit)
    if gap == 0:
        return "touching"
    return f"{gap} chars {'after' if hit.start >= fig.end else 'before'}"


class _Resolver:
    """Everything found once per article; `resolve` fills one figure's claim."""

    def __init__(self, text: str, figs: list[_Fig], lang: str, published_year: int | None) -> None:
        self.lexicon = lexicon = load_lexicon()
        self.settings = lexicon.settings
        self.figs = figs
        self.lang = _normalise_lang(lang)
        self.published_year = published_year
        masked = _mask(text, figs)
        self.geo = geo = _Geometry(text.replace("’", "'"), masked, lexicon)
        self.window = window = int(self.settings.get("window_chars", 120))
        # Only the text around figures is searched: their sentences and windows.
        regions = []
        for f in figs:
            s_lo, s_hi = geo.sentence(f.start, f.end)
            p_lo, p_hi = geo.paragraph(f.start, f.end)
            regions.append((min(s_lo, max(p_lo, f.start - window)), max(s_hi, min(p_hi, f.end + window))))
        scanned = _scan(masked, lexicon, _merge(regions))
        self.topic_hits, self.area_hits, self.period_hits, self.comparisons, self.definition_hits, mentions = scanned
        self.about_home = _about_home(mentions, self.lang, figs, self.settings)
        self.topic_class = {t.id: t.unit_class for t in lexicon.topics}

    def _compared(self, fig: _Fig, hit: _Hit, sent: tuple[int, int]) -> bool:
        """An after-figure match past a comparison word of the same sentence is about the compared quantity."""
        return hit.start >= fig.end and hit.end <= sent[1] and self.comparisons.any_between(fig.end, hit.start)

    def resolve(self, k: int, prev_topic: tuple[_Fig, str] | None) -> _Claim:
        fig = self.figs[k]
        para = self.geo.paragraph(fig.start, fig.end)
        sent = self.geo.sentence(fig.start, fig.end)
        clause = self.geo.clause(fig.start, fig.end)
        win = (max(para[0], fig.start - self.window), min(para[1], fig.end + self.window))
        claim = _Claim(sentence=sent)
        self._topic(claim, fig, para, sent, clause, win, prev_topic)
        self._area(claim, k, sent, clause)
        self._period(claim, fig, sent, clause, win)
        return claim

    def _topic(
        self,
        claim: _Claim,
        fig: _Fig,
        para: tuple[int, int],
        sent: tuple[int, int],
        clause: tuple[int, int],
        win: tuple[int, int],
        prev_topic: tuple[_Fig, str] | None,
    ) -> None:
        fig_class = _unit_class(fig.unit)
        attach = (self.settings.get("topic_attachment") or {}).get(self.lang, "either")
        penalty = int(self.settings.get("topic_direction_penalty", 15))

        def distance(h: _Hit) -> int:
            side = "after" if h.start >= fig.end else "before"
            return _gap(fig, h) + (penalty if attach in ("before", "after") and side != attach else 0)

        for tier, (lo, hi), score in (("same clause", clause, 0.9), ("same sentence", sent, 0.8), ("nearby", win, 0.6)):
            cands = [
                h
                for h in self.topic_hits.within(lo, hi)
                if _fits(self.topic_class[h.label], fig_class) and not self._compared(fig, h, sent)
            ]
            if cands:
                strong = [h for h in cands if h.role != "weak"]
                best = min(strong or cands, key=lambda h: (distance(h), -(h.end - h.start), h.start >= fig.end))
                claim.base_topic, claim.from_keyword = best.label, True
                claim.topic_score = score - min(_gap(fig, best), 200) / 1000 - (0.1 if best.role == "weak" else 0.0)
                weak = " (a generic word)" if best.role == "weak" else ""
                claim.topic_how = f"topic {best.label} from '{best.surface}'{weak} ({tier}, {_side(fig, best)})"
                return
        if prev_topic is not None:
            pfig, ptopic = prev_topic
            if (
                self.geo.paragraph(pfig.start, pfig.end) == para
                and fig.start - pfig.end <= int(self.settings.get("continuity_max_gap", 300))
                and _fits(self.topic_class[ptopic], fig_class)
            ):
                claim.base_topic, claim.topic_score = ptopic, 0.4
                claim.topic_how = f"topic {ptopic} continued from the previous figure {pfig.surface} (no keyword near)"

    def definition(self, k: int, topic: str, sent: tuple[int, int]) -> tuple[str, str] | None:
        """(definition, how) named for figure `k` of `topic`: the nearest definition word of the topic in
        its sentence, not past a neighbouring figure nor a comparison word after it."""
        fig = self.figs[k]
        lo = max(sent[0], self.figs[k - 1].end if k > 0 else 0)
        hi = min(sent[1], self.figs[k + 1].start if k + 1 < len(self.figs) else sent[1])
        cands = [
            h for h in self.definition_hits.within(lo, hi) if h.role == topic and not self._compared(fig, h, sent)
        ]
        if not cands:
            return None
        best = min(cands, key=lambda h: (_gap(fig, h), h.start))
        return best.label, f"definition {best.label} from '{best.surface}' ({_side(fig, best)})"

    def _area(self, claim: _Claim, k: int, sent: tuple[int, int], clause: tuple[int, int]) -> None:
        fig, settings = self.figs[k], self.settings
        prev_end = self.figs[k - 1].end if k > 0 else 0
        next_start = self.figs[k + 1].start if k + 1 < len(self.figs) else sent[1]
        attach = (settings.get("area_attachment") or {}).get(self.lang, "either")
        max_gap = int(settings.get("area_max_gap", 40))
        dir_penalty = int(settings.get("area_direction_penalty", 20))
        clause_penalty = int(settings.get("area_clause_penalty", 30))
        strict = self.lang in (settings.get("area_same_clause_on_other_side") or ())
        best, best_score = None, math.inf
        for h in self.area_hits.within(max(sent[0], prev_end), min(sent[1], next_start)):
            gap = _gap(fig, h)
            if gap > max_gap or self._compared(fig, h, sent):
                continue
            other_side = attach in ("before", "after") and ("after" if h.start >= fig.end else "before") != attach
            in_clause = clause[0] <= h.start and h.end <= clause[1]
            if strict and other_side and not in_clause:
                continue  # "…5.8兆円 韓国は…": the next clause's subject
            score = gap + (dir_penalty if other_side else 0) + (0 if in_clause else clause_penalty)
            if score < best_score:
                best, best_score = h, score
        if best is not None:
            claim.area, claim.area_named = best.label, True
            claim.area_how = f"area {best.label} from '{best.surface}' ({_side(fig, best)})"
        elif self.about_home and settings.get("home_area"):
            claim.area = settings["home_area"]
            claim.area_how = f"area {claim.area} by default (the article is about it; no other area named near)"
        else:
            claim.area_how = "no area named near, and the article is not about the home area"

    def _period(
        self, claim: _Claim, fig: _Fig, sent: tuple[int, int], clause: tuple[int, int], win: tuple[int, int]
    ) -> None:
        target_like = fig.qualifier in ("target", "estimate")
        tiers = (("same clause", clause, 1.0, False), ("same sentence", sent, 1.0, False), ("nearby", win, 0.9, True))
        for tier, (lo, hi), factor, must_fit in tiers:
            cands = self.period_hits.within(lo, hi)
            if must_fit:  # outside the sentence, only a deadline for a target/estimate, a plain year otherwise
                cands = [h for h in cands if (h.role == "target_period") == target_like]
            if cands:
                best = min(cands, key=lambda h: (_gap(fig, h), (h.role == "target_period") != target_like))
                claim.period = best.label
                claim.period_kind = "target" if best.role == "target_period" or fig.qualifier == "target" else "stated"
                claim.period_factor = factor
                claim.period_how = f"period {best.label} from '{best.surface}' ({claim.period_kind}, {tier})"
                return
        if fig.qualifier == "target":
            claim.period_how = "no target year stated near the figure"
        elif self.published_year is not None:
            claim.period, claim.period_kind = str(self.published_year), "inferred_from_publication"
            claim.period_factor = 0.8
            claim.period_how = f"period {self.published_year}: no year near the figure, publication year used"
        else:
            claim.period_how = "no period stated and no publication year"


def _share(claim: _Claim, src: _Claim, how: str, factor: float) -> None:
    """`claim` is about the same quantity as `src`: take its topic, area and period."""
    claim.base_topic, claim.topic_score = src.base_topic, src.topic_score * factor
    claim.topic_how = f"{how}: same claim ({src.topic_how})"
    claim.area, claim.area_named, claim.area_how = src.area, src.area_named, src.area_how
    if src.period is not None or claim.period is None:
        claim.period, claim.period_kind = src.period, src.period_kind
        claim.period_factor, claim.period_how = src.period_factor, src.period_how


def resolve_claims(
    text: str, figures: pl.DataFrame, lang: str, article_id: str, published_year: int | None
) -> pl.DataFrame:
    """One row per figure that can be linked to a topic, a named area or a stated period (`CLAIM_SCHEMA`).

    `figures` is the frame of `transforms.figures.extract_figures` for `text` (only start, end, unit,
    qualifier and value are read); ``figure_index`` is its row index. Rows whose span does not fit the
    text are skipped. `lang` (ISO 639-1) decides on which side of a figure an area name attaches.
    """
    figs = _figures_from_frame(text, figures)
    if not figs:
        return pl.DataFrame(schema=CLAIM_SCHEMA)
    resolver = _Resolver(text, figs, lang, published_year)
    lexicon, settings = resolver.lexicon, resolver.settings
    pairs = {b.index: a for a, b in _equivalent_pairs(text.replace("’", "'"), figs, lexicon)}

    claims: list[_Claim] = []
    by_index: dict[int, _Claim] = {}
    prev_topic: tuple[_Fig, str] | None = None
    for k, fig in enumerate(figs):
        claim = resolver.resolve(k, prev_topic)
        source = pairs.get(fig.index)
        if source is not None and by_index[source.index].base_topic is not None:
            _share(claim, by_index[source.index], f"given as the equivalent of {source.surface}", 0.95)
        claims.append(claim)
        by_index[fig.index] = claim
        if claim.base_topic is not None:
            prev_topic = (fig, claim.base_topic)

    # A figure with no topic that restates an amount resolved elsewhere (a heading repeating "20兆円").
    resolved = {(f.value, f.unit): c for f, c in zip(figs, claims, strict=True) if c.from_keyword and f.value}
    for fig, claim in zip(figs, claims, strict=True):
        src = resolved.get((fig.value, fig.unit))
        if claim.base_topic is None and src is not None and not claim.area_named:
            _share(claim, src, f"same amount as another figure of the article, {fig.surface}", 0.5)

    indicator = {t.id: t.indicator_id for t in lexicon.topics}
    home = settings.get("home_area")
    max_sentence = int(settings.get("sentence_max_chars", 400))
    topics: list[str | None] = []
    for claim in claims:
        topic = claim.base_topic
        if topic is not None and claim.area_named and claim.area != home:
            variant = lexicon.foreign_variant.get(topic)
            if variant is not None:
                topic = variant
                claim.topic_how += f"; {variant} for a figure about {claim.area}"
        topics.append(topic)
    _definitions(resolver, figs, claims, topics)
    rows: list[dict[str, Any]] = []
    for fig, claim, topic in zip(figs, claims, topics, strict=True):
        if topic is None and not claim.area_named and claim.period_kind not in ("stated", "target"):
            continue  # nothing links this figure
        confidence = (claim.topic_score if topic is not None else 0.3) * claim.period_factor
        confidence *= 1.0 if claim.area_named else (0.95 if claim.area else 0.9)
        rows.append(
            {
                "article_id": article_id,
                "figure_index": fig.index,
                "topic": topic,
                "indicator_id": indicator.get(topic) if topic else None,
                "area": claim.area,
                "period": claim.period,
                "period_kind": claim.period_kind,
                "definition": claim.definition,
                "sentence": _sentence_text(text, claim.sentence, fig, max_sentence),
                "confidence": round(min(1.0, max(0.0, confidence)), 3),
                "note": "; ".join(
                    h for h in (claim.topic_how or "no topic keyword near", claim.area_how, claim.period_how,
                                claim.definition_how) if h
                ),
            }
        )
    rows.sort(key=lambda r: r["figure_index"])
    return pl.DataFrame(rows, schema=CLAIM_SCHEMA) if rows else pl.DataFrame(schema=CLAIM_SCHEMA)


def _definitions(resolver: _Resolver, figs: list[_Fig], claims: list[_Claim], topics: list[str | None]) -> None:
    """Set the definition each claim's sentence names; an amount repeated in the article (same topic,
    unit and value) with none of its own takes the one named at its nearest other occurrence."""
    with_definitions = {t.id for t in resolver.lexicon.topics if t.definitions}
    named: dict[tuple[str, str | None, float | None], list[int]] = {}
    for k, (claim, topic) in enumerate(zip(claims, topics, strict=True)):
        if topic not in with_definitions:
            continue
        found = resolver.definition(k, topic, claim.sentence)
        if found is not None:
            claim.definition, claim.definition_how = found
            named.setdefault((topic, figs[k].unit, figs[k].value), []).append(k)
    for k, (claim, topic) in enumerate(zip(claims, topics, strict=True)):
        if claim.definition is not None or topic not in with_definitions or figs[k].value is None:
            continue
        others = named.get((topic, figs[k].unit, figs[k].value))
        if others:
            j = min(others, key=lambda i: (abs(i - k), i))
            claim.definition = claims[j].definition
            claim.definition_how = (
                f"definition {claim.definition} from figure {figs[j].index}, the same amount where the article names it"
            )


def _sentence_text(text: str, sent: tuple[int, int], fig: _Fig, limit: int) -> str:
    lo, hi = sent
    stripped = text[lo:hi].strip()
    if len(stripped) <= limit:
        return stripped
    # Too long: the `limit` characters around the figure.
    centre = (fig.start + fig.end) // 2
    start = max(lo, min(centre - limit // 2, hi - limit))
    return text[start : start + limit].strip()
