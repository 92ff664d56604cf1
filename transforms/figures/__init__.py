"""Money and percent figures in article text (en, fr, de, ja, zh), as people really write them.

Why this design:

* Articles state the figures the catalog cross-checks (``1兆円``, ``550 億円``, ``26 %``) in five
  languages with different separators (``6,650.6`` / ``196,6`` / ``1 238`` / ``1.238`` / ``７，５００``),
  scale words whose meaning depends on the language (``billion`` is 1e9 in English, 1e12 in French and
  German), CJK scale characters (``6兆6506億円``), words (``quinze pour cent``), counters (``8割``,
  ``打八折``) and every common currency. A general quantity parser (quantulum3) reads 0.03 MB/s and gets
  ``bn``/``tn``/``US$`` wrong, so we use one compiled regex over the whole text and do Python work only
  per match (see ``benchmarks/figures.py``).
* One module per family of writing: `scan` (digits and CJK numerals: the main pass), `words`
  (amounts in words), `fractions` (割/成/折), `subunits` ("4 dollars 20 cents"), `ranges` (20–30 %),
  `spread` ("3  万  円"), `exclusions` (no figures inside URLs, e-mail addresses, file names, code),
  `currencies` (ISO codes from ``catalog/lexicons/figure_currencies.yaml``), `qualifiers`, `context`
  (currency from context, restatement checks), `language`, `numbers`.
* Only money, percent and percentage-point figures come out. Years, dates, ages, counts and
  product names are not figures: a bare number needs a currency, a percent word or a scale word
  used as an amount, or it is dropped. A currency name that several countries use gives no row
  unless its sentence says which (a wrong currency is worse than a missing row).
* When a reading is a guess, the row says so: ``ambiguous`` is true when the text supports two
  readings (``元`` = CNY or TWD; French ``trillion`` next to yen), and ``note`` gives the reason and
  anything that was inferred (currency taken from context, what 割 is a fraction of).
* A text can hold any number of figures; `read_figures` takes a cap and says how many candidates
  lie beyond it, so the caller can store the first ones and quarantine the rest with a reason.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import polars as pl

from transforms.figures.context import check_restatements, infer_currencies
from transforms.figures.exclusions import SpanFilter, protected_spans
from transforms.figures.language import SUPPORTED_LANGUAGES, LineLanguage, detect_language, normalise_lang
from transforms.figures.patterns import COUNT_RE
from transforms.figures.scan import Figures, scan
from transforms.figures.words import scan_words

__all__ = [
    "FIGURE_SCHEMA",
    "SUPPORTED_LANGUAGES",
    "FigureExtraction",
    "detect_language",
    "extract_figures",
    "read_figures",
]

#: One row per figure. ``value`` is in the canonical unit (yen, not 億円; 26 % → 26.0).
FIGURE_SCHEMA: dict[str, pl.DataType] = {
    "surface": pl.String(),  # exact substring: text[start:end] == surface
    "start": pl.Int64(),
    "end": pl.Int64(),
    "value": pl.Float64(),  # for a range, its upper end (so a claim reads a range like its top)
    "unit": pl.String(),  # ISO 4217 code, "percent" or "pp"
    "qualifier": pl.String(),  # exact | approx | at_least | at_most | target | estimate | range
    "ambiguous": pl.Boolean(),
    "note": pl.String(),  # why ambiguous / what was inferred or rescaled; null otherwise
    "value_low": pl.Float64(),  # a range's lower end; null unless qualifier == "range"
    "value_high": pl.Float64(),  # a range's upper end (= value); null unless qualifier == "range"
}


@dataclass(frozen=True)
class FigureExtraction:
    """The figures of a text, at most `max_figures` of them, and what lies beyond the cap.

    `frame` holds every figure that starts before `stopped_at` (all of them when the cap was not
    reached). `candidates_beyond` counts what lies from `stopped_at` on: the figures read but cut by
    the cap, plus the regex matches the scan never read that carry a currency, percent or scale (an
    estimate of the figures left: cheap to count, no reading done).
    """

    frame: pl.DataFrame
    max_figures: int | None
    stopped_at: int | None  # offset of the first figure not read; None when nothing was cut
    candidates_beyond: int

    @property
    def truncated(self) -> bool:
        return self.stopped_at is not None

    @property
    def overflow_reason(self) -> str | None:
        """Why figures are missing, for a quarantine row; None when none are."""
        if self.stopped_at is None:
            return None
        return (
            f"figure cap reached: {self.frame.height} figures kept (max_figures={self.max_figures}); "
            f"about {self.candidates_beyond} more figure candidates from character {self.stopped_at} on were not read"
        )


def _count_candidates(text: str, pos: int) -> int:
    """Matches from `pos` that carry a unit, scale or CJK form: counted, not read (constant memory)."""
    return sum(1 for _ in COUNT_RE.finditer(text, pos))


def _merge(figs: Figures, extra: Figures) -> None:
    """Add the figures of another pass, in text order, dropping any that overlaps a figure already read."""
    if not extra.start:
        return
    starts, ends = figs.start, figs.end  # in text order, as the scan reads
    keep = []
    for s, e in zip(extra.start, extra.end, strict=True):
        i = bisect_right(starts, s)
        overlap = (i > 0 and ends[i - 1] > s) or (i < len(starts) and starts[i] < e)
        keep.append(not overlap)
    if not all(keep):
        extra.keep(keep)
    # Both passes are in text order and the second one is short: splice its rows in (list slicing
    # in C) instead of sorting every row again.
    at = [bisect_right(figs.start, s) for s in extra.start]
    for name in Figures.COLUMNS:
        column, added = getattr(figs, name), getattr(extra, name)
        merged: list = []
        prev = 0
        for pos, value in zip(at, added, strict=True):
            merged.extend(column[prev:pos])
            merged.append(value)
            prev = pos
        merged.extend(column[prev:])
        setattr(figs, name, merged)
    figs.word_amounts = [i + bisect_right(at, i) for i in figs.word_amounts]


def read_figures(text: str, lang: str | None = None, *, max_figures: int | None = None) -> FigureExtraction:
    """Figures of `text` (see `extract_figures`), with a cap on how many are read.

    With `max_figures`, reading stops at the figure after the cap: the frame has the figures before
    it, and `candidates_beyond` / `overflow_reason` say what was left, cheaply (the rest of the text is
    only scanned by the regex, not read), so a caller can quarantine the overflow with its reason.
    """
    if max_figures is not None and max_figures < 0:
        raise ValueError(f"max_figures must be >= 0 or None, got {max_figures}")
    language = normalise_lang(lang)
    spans = protected_spans(text)
    protected = SpanFilter(spans) if spans else None
    lines = LineLanguage(text, language)  # shared, so that each line's language is judged once
    figs, scan_stop = scan(text, language, protected, max_figures, lines)
    infer_currencies(text, figs)
    taken = list(zip(figs.start, figs.end, strict=True))
    words = scan_words(text, language, SpanFilter(spans) if spans else None, scan_stop, taken, lines)
    _merge(figs, words)
    stopped_at = scan_stop
    cut_count = 0
    if max_figures is not None and len(figs.start) > max_figures:
        cut = figs.start[max_figures]
        cut_count = len(figs.start) - max_figures
        stopped_at = cut
        figs.keep([s < cut for s in figs.start])
    check_restatements(text, figs)
    # Beyond the cap: the figures read but cut, plus the candidates the scan never read.
    beyond = cut_count + (_count_candidates(text, scan_stop) if scan_stop is not None else 0)
    return FigureExtraction(_frame(text, figs), max_figures, stopped_at, beyond)


def _frame(text: str, figs: Figures) -> pl.DataFrame:
    columns = {
        "surface": [text[s:e] for s, e in zip(figs.start, figs.end, strict=True)],
        "start": figs.start,
        "end": figs.end,
        "value": figs.value,
        "unit": figs.unit,
        "qualifier": figs.qualifier,
        "ambiguous": figs.ambiguous,
        "note": figs.note,
        "value_low": figs.low,
        "value_high": figs.high,
    }
    # One Series per column: about half the cost of a dict with a schema, which matters for the many
    # short texts (one call per article).
    return pl.DataFrame([pl.Series(name, columns[name], dtype=dtype) for name, dtype in FIGURE_SCHEMA.items()])


def extract_figures(text: str, lang: str | None = None, *, max_figures: int | None = None) -> pl.DataFrame:
    """Money, percent and percentage-point figures of `text`, one row per figure (`FIGURE_SCHEMA`).

    `lang` is en, fr, de, ja or zh (``zh-Hant`` etc. accepted); None detects it per line, falling
    back to the whole text, so a corpus of mixed articles reads each line with its own separators
    and scale words. `max_figures` caps the rows (the first ones in text order); use `read_figures`
    to learn how many were left beyond the cap. Pure: no I/O but the currency lexicon (read once per
    process), never raises on text input.
    """
    return read_figures(text, lang, max_figures=max_figures).frame
