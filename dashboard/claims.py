"""The claims table: one row per figure of an article, filterable by verdict, with readable names.

A figure given in two currencies ("196,6 万円 (about 40 000 TWD)") is checked twice in marts.claims_check:
against the statistics, and as a pair within the article (`inconsistent_within_article`). Both checks are
shown in the figure's one row; the row carries every verdict it has, so the filter finds it under either.
"""

from __future__ import annotations

import polars as pl

from dashboard.fmt import e, fmt_relative, fmt_value, humanize

PAIR_VERDICT = "inconsistent_within_article"
VERDICTS = {
    "consistent": ("#2e7d32", "within the tolerance of its qualifier (exact 5 %, approx 15 %, estimate/target 25 %)"),
    "differs": ("#c62828", "outside the tolerance for the same indicator, period and definition"),
    "definition_differs": ("#ef6c00", "compared with a series of another definition: not the same thing"),
    "projection": ("#1565c0", "a projection, compared with the published projection"),
    "unverifiable": ("#616161", "nothing independent to compare with (or the only source is the article itself)"),
    PAIR_VERDICT: ("#6a1b9a", "two figures of the article that should be equal are not"),
}


def badge(verdict: str | None) -> str:
    if not verdict:
        return "—"
    colour = VERDICTS.get(verdict, ("#455a64", ""))[0]
    return f"<span class=\"badge verdict\" style=\"background:{colour}\">{e(verdict)}</span>"


def official_unit(row: dict, units: dict[str, str]) -> str | None:
    """The unit official_value is in: that of the indicator compared with (it may differ from the
    claim's, e.g. TWD vs JPY), else the claim's. (A pair checked within the article is in the pair_*
    columns, in yen; official_value stays the official one.)"""
    return units.get(str(row.get("indicator_id")), row.get("unit"))


def about(row: dict) -> str:
    """What the figure is about, in words: the indicator's name, else the topic (no series compared)."""
    name = row.get("indicator_name_en")
    if name:
        return f"<span title='{e(row.get('indicator_id'))}'>{e(name)}</span>"
    if row.get("indicator_id"):
        return f"<span title='{e(row.get('indicator_id'))}'>{e(humanize(row.get('indicator_id')))}</span>"
    if row.get("topic"):
        return f"{e(humanize(row.get('topic')))} <span class='muted'>(topic; no series compared)</span>"
    return "—"


def figures(frame: pl.DataFrame) -> list[tuple[dict, list[dict]]]:
    """(main check, pair checks) per figure, in article and figure order."""
    keys = [c for c in ("article_id", "figure_index") if c in frame.columns]
    rows = frame.sort(keys) if keys else frame
    grouped: dict[tuple, list[dict]] = {}
    for row in rows.iter_rows(named=True):
        grouped.setdefault(tuple(row.get(k) for k in keys) or (id(row),), []).append(row)
    out = []
    for checks in grouped.values():
        pairs = [c for c in checks if c.get("verdict") == PAIR_VERDICT]
        others = [c for c in checks if c.get("verdict") != PAIR_VERDICT]
        main = others[0] if others else pairs.pop(0)
        out.append((main, others[1:] + pairs))
    return out


def _cells(row: dict, units: dict[str, str], several: bool) -> str:
    cells = [e(row.get("article_id"))] if several else []
    cells += [
        e(row.get("figure_index")),
        f"<b>{e(row.get('surface'))}</b>",
        e(row.get("qualifier")),
        fmt_value(row.get("value"), row.get("unit")),
        about(row),
        e(row.get("period")),
        fmt_value(row.get("official_value"), official_unit(row, units)),
        fmt_relative(row.get("relative_difference")),
    ]
    classes = ([""] if several else []) + ["num", "", "", "num", "about", "", "num", "num"]
    return "".join(f"<td class='{c}'>{v}</td>" for c, v in zip(classes, cells, strict=True))


def _pair_detail(row: dict) -> str:
    """The amount the article gives as this figure's equivalent, and whether the two agree (pair_* columns)."""
    if row.get("pair_figure_index") is None:
        return ""
    agree = row.get("pair_consistent")
    verdict = "agree" if agree else ("disagree" if agree is False else "cannot be compared (no rate)")
    return (
        f"<div class='pair'>{badge(PAIR_VERDICT) if agree is False else ''} equivalent given in the article: "
        f"<b>{e(row.get('pair_surface'))}</b> (figure #{e(row.get('pair_figure_index'))}, "
        f"{fmt_value(row.get('pair_value_jpy'), 'JPY')}): the two {verdict}. "
        f"<span class='reason'>{e(row.get('pair_reason'))}</span></div>"
    )


def claims_html(frame: pl.DataFrame, units: dict[str, str]) -> str:
    groups = figures(frame)
    several = "article_id" in frame.columns and frame["article_id"].n_unique() > 1
    head = (["article"] if several else []) + [
        "#", "figure as written", "qualifier", "claimed", "about", "period", "official", "difference", "verdict",
        "reason",
    ]
    counts: dict[str, int] = {}
    bodies = []
    for main, extra in groups:
        verdicts = list(dict.fromkeys(str(c.get("verdict")) for c in [main, *extra] if c.get("verdict")))
        for v in verdicts:
            counts[v] = counts.get(v, 0) + 1
        checks = "".join(
            f"<div class='pair'>{badge(c.get('verdict'))} <b>{e(c.get('surface'))}</b>: "
            f"{fmt_value(c.get('value'), c.get('unit'))} against "
            f"{fmt_value(c.get('official_value'), official_unit(c, units))}"
            f" ({fmt_relative(c.get('relative_difference'))}). <span class='reason'>{e(c.get('reason'))}</span></div>"
            for c in extra
        ) + _pair_detail(main)
        figure_key = f"{main.get('article_id')}:{main.get('figure_index')}"
        bodies.append(
            f"<tbody class='claim' data-figure='{e(figure_key)}' data-verdicts='{e(' '.join(verdicts))}'>"
            f"<tr class='main'>{_cells(main, units, several)}<td class='verdicts'>"
            f"{' '.join(badge(v) for v in verdicts)}</td><td class='reason'>{e(main.get('reason'))}</td></tr>"
            f"<tr class='detail'><td colspan='{len(head)}'>{checks}<span class='sentence'>Sentence: « "
            f"{e(main.get('sentence') or '—')} »</span></td></tr></tbody>"
        )
    order = [v for v in VERDICTS if v in counts] + sorted(v for v in counts if v not in VERDICTS)
    buttons = [f"<button type='button' class='verdict-filter' data-verdict='' aria-pressed='true'>"
               f"all figures <span class='count'>{len(groups)}</span></button>"]
    buttons += [
        f"<button type='button' class='verdict-filter' data-verdict='{e(v)}' aria-pressed='false' "
        f"title='{e(VERDICTS.get(v, ('', ''))[1])}'>{badge(v)} <span class='count'>{counts[v]}</span></button>"
        for v in order
    ]
    return (
        f"<div class='claims-filter' role='group' aria-label='Filter by verdict'>Show: {''.join(buttons)}</div>"
        f"<p class='note' id='claims-shown' aria-live='polite'>{len(groups)} of {len(groups)} figures shown.</p>"
        f"<table class='claims'><thead><tr>{''.join(f'<th>{e(h)}</th>' for h in head)}</tr></thead>"
        f"{''.join(bodies)}</table>"
    )
