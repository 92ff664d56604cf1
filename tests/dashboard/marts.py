"""Small marts in the published shape (the columns the dashboard reads), for the pure dashboard tests.

Values are made up but shaped like the real ones (yen in yen, percent in percent, the same codes), so that
a test can state what the page must show for them.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

T = 1e12


def deficit() -> pl.DataFrame:
    rows = []
    for year, parts in ((2023, {"907": -2.0, "9072": -1.5, "9062": -1.6, "9082": -1.9}),
                        (2024, {"907": -2.5, "9072": -2.0, "9062": -1.8, "9082": -2.4})):
        for definition, items in (("broad", ("907", "9062", "9082")), ("narrow", ("9072", "9062", "9082"))):
            for comp in items:
                rows.append({"year": year, "definition": definition, "component": comp,
                             "component_name_en": f"item {comp}", "component_name_ja": f"項目{comp}",
                             "balance_jpy": parts[comp] * T, "balance_usd": parts[comp] * T / 150, "is_sample": True})
            total = sum(parts[c] for c in items) * T
            rows.append({"year": year, "definition": definition, "component": "total", "component_name_en": "Total",
                         "component_name_ja": "合計", "balance_jpy": total, "balance_usd": total / 150,
                         "is_sample": True})
    return pl.DataFrame(rows)


def content() -> pl.DataFrame:
    rows = []
    for year, sales, latest in ((2020, 2.1446 * T, False), (2023, 5.7769 * T, True)):
        for target_year, target in ((2028, 10 * T), (2033, 20 * T)):
            growth = 100 * ((target / sales) ** (1 / (target_year - year)) - 1)
            rows.append({"year": year, "overseas_sales_jpy": sales, "target_year": target_year, "target_jpy": target,
                         "required_growth_pct": growth, "is_latest": latest, "source": "Human Media",
                         "target_source": "Cabinet Office via ascii.jp", "is_sample": False})
    return pl.DataFrame(rows)


def budgets() -> pl.DataFrame:
    return pl.DataFrame([
        {"indicator_id": "pub_ai", "area": "JPN", "program": "ai_investment_budget",
         "program_name_en": "Public AI investment (announced)", "period": "2025", "amount_jpy": 1e12,
         "amount_usd": 1e12 / 150, "only_source_is_article": True, "source": "Government of Japan via article",
         "is_sample": True},
        {"indicator_id": "pub_usa", "area": "USA", "program": "content_support_budget",
         "program_name_en": "Public support for the content industry", "period": "2025", "amount_jpy": 6.176e11,
         "amount_usd": 6.176e11 / 150, "only_source_is_article": True, "source": "US via article", "is_sample": True},
        {"indicator_id": "pub_jpn", "area": "JPN", "program": "content_overseas_support_budget",
         "program_name_en": "Support for content overseas expansion (Japan)", "period": "2025", "amount_jpy": 5.5e10,
         "amount_usd": 5.5e10 / 150, "only_source_is_article": False, "source": "Cabinet Office", "is_sample": False},
    ])


def ai_investment() -> pl.DataFrame:
    return pl.DataFrame([
        {"indicator_id": "pub_ai", "area": "JPN", "year": y, "amount_jpy": 2e11, "amount_usd": 2e11 / 150,
         "announced_period": "2025", "announced_total_jpy": 1e12, "span_years": 5, "only_source_is_article": True,
         "source": "Government of Japan via article", "is_sample": True}
        for y in range(2026, 2031)
    ])


def pay() -> pl.DataFrame:
    rows = []
    for age in ("20-24", "25-29", "30-34"):
        for year in (2020, 2023, 2024):
            animator = {("20-24", 2023): 1.966e6, ("25-29", 2023): 2.928e6}.get((age, year))
            national = 3.0e6 + 1e5 * (year - 2020)
            note = None
            if (age, year) == ("20-24", 2020):
                note = "e-Stat gives no arts-occupation pay for this age group and year"
            if (age, year) == ("25-29", 2023):
                note = "animator figure covers ages 25-30"
            rows.append({
                "age_group": age, "year": year, "national_year": year, "national_annual_pay_jpy": national,
                "national_measure": "mean (not a median)", "arts_occupation_annual_pay_jpy": national * 0.9,
                "animator_annual_pay_jpy": animator, "animator_source": "JAniCA via article" if animator else None,
                "gap_pct": None if animator is None else 100 * (animator / national - 1), "note": note,
                "only_source_is_article": True if animator else None, "is_sample": True,
            })
    return pl.DataFrame(rows)


def revisions() -> pl.DataFrame:
    rows = []
    first, latest = datetime(2026, 2, 9), datetime(2026, 11, 10)
    for indicator, revised_months in (("bop_a_credit", {"2025-02", "2025-03"}), ("bop_b_net", set())):
        for month in ("2025-01", "2025-02", "2025-03", "2025-04"):
            value = 8e10
            changed = month in revised_months
            rows.append({
                "indicator_id": indicator, "indicator_name_en": f"Services / Item {indicator} / Credit (BPM6, monthly)",
                "area": "JPN", "period": month, "unit": "JPY", "source_id": "boj", "first_value": value,
                "first_valid_from": first, "latest_value": value * (0.985 if changed else 1.0),
                "latest_valid_from": latest if changed else first, "vintage_count": 2 if changed else 1,
                "revision": value * -0.015 if changed else 0.0, "revision_pct": -1.5 if changed else 0.0,
                "revised": changed, "is_sample": True,
            })
    return pl.DataFrame(rows)


def mirror() -> pl.DataFrame:
    rows = []
    for year, status in ((2022, None), (2023, None), (2024, "p")):
        for item, name in (("TCI", "Telecommunications, computer and information services"),
                           ("IP", "Charges for the use of intellectual property")):
            rows.append({
                "year": year, "item": item, "item_name": name, "japan_credit_jpy": 2e11, "eu_debit_jpy": 1.9e11,
                "credit_gap_jpy": 1e10, "credit_gap_pct": 5.26, "japan_debit_jpy": 5e11, "eu_credit_jpy": 6e11,
                "debit_gap_jpy": -1e11, "debit_gap_pct": -16.67, "jpy_per_eur": 150.0, "eu_obs_status": status,
                "is_sample": True,
            })
    return pl.DataFrame(rows)


def countries() -> pl.DataFrame:
    rows = []
    for area, name in (("JPN", "Japan"), ("KOR", "Korea"), ("CHN", "China"), ("USA", "United States")):
        for year in (2022, 2023):
            for definition in ("oecd_si", "oecd_si_sh", "boj_broad"):
                if definition == "boj_broad" and area != "JPN":
                    continue
                rows.append({"year": year, "area": area, "area_name_en": name, "definition": definition,
                             "items": "SI+SH", "source_id": "oecd", "balance_usd": 1e9 * (year - 2020),
                             "gdp_usd": 4e12, "balance_pct_gdp": 0.05 * (year - 2020), "is_sample": True})
    return pl.DataFrame(rows)


def claims() -> pl.DataFrame:
    base = {"article_id": "a1", "sentence": "Le salaire est de 196,6 万円 (environ 40 000 TWD).", "qualifier": "approx",
            "unit": "JPY", "area": "JPN", "period": "2023", "is_sample": False, "indicator_name_en": None,
            "indicator_id": None, "topic": None, "official_value": None, "relative_difference": None}
    return pl.DataFrame([
        {**base, "figure_index": 5, "surface": "45兆円", "value": 4.5e13, "topic": "digital_deficit",
         "indicator_id": "pub_digital_deficit_projection_meti_pessimistic",
         "indicator_name_en": "Digital deficit, projection — METI via newton-consulting summary",
         "official_value": 2.8e13, "relative_difference": 0.607, "verdict": "projection", "reason": "projection"},
        {**base, "figure_index": 20, "surface": "196,6 万円", "value": 1.966e6, "topic": "animator_annual_wage",
         "verdict": "unverifiable", "reason": "only source is this article"},
        {**base, "figure_index": 20, "surface": "196,6 万円 ≈ 40 000 TWD", "value": 1.966e6,
         "topic": "animator_annual_wage", "official_value": 192059.26, "relative_difference": 9.24,
         "verdict": "inconsistent_within_article", "reason": "40 000 TWD ≈ 192 059 JPY: off by 10.2x"},
        {**base, "figure_index": 25, "surface": "20兆円", "value": 2e13, "topic": "content_overseas_sales",
         "indicator_id": "pub_content_overseas_sales_target_cabinet",
         "indicator_name_en": "Japanese content, overseas sales target — Cabinet Office via ascii.jp",
         "official_value": 2e13, "relative_difference": 0.0, "verdict": "consistent", "reason": "consistent"},
    ])


def all_marts() -> dict[str, pl.DataFrame]:
    return {
        "digital_deficit_annual": deficit(), "content_exports_vs_target": content(), "support_budgets": budgets(),
        "ai_investment": ai_investment(), "creator_pay_gap": pay(), "observation_revisions": revisions(),
        "eu_japan_digital_mirror": mirror(), "digital_balance_by_country": countries(), "claims_check": claims(),
    }


def manifest(**sources: dict) -> dict:
    return {
        "manifest_version": 2, "run_id": "20261201T000000Z-abcdef", "mode": "replay",
        "generated_at": "2026-12-01T00:00:05Z", "is_sample": True,
        "source_vintages": {"boj": "2026-11-10T00:00:00Z", "estat": "2025-03-26T00:00:00Z",
                            "eurostat": "2026-10-15T00:00:00Z", "oecd": "2026-12-01T02:43:19Z",
                            "published": "2025-12-19T00:00:00Z", "worldbank": "2026-07-01T00:00:00Z"},
        "sources": sources,
        "credits": {"boj": "BOJ credit line", "eurostat": "Source: Eurostat, International trade in services."},
        "tables": {},
    }
