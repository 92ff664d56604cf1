"""Every chart of the page, in page order, with what it needs, where its data come from and what it shows.

Each chart's `build` gets the marts and returns a `Drawn` (figure + the rows drawn) or None (nothing to
plot); `dashboard.page` puts the source line, the CSV link and the definition under it.
"""

from __future__ import annotations

from dashboard.charts import budgets, content, countries, deficit, mirror, pay, revisions
from dashboard.charts.base import ChartSpec, Drawn, csv_bytes

CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "digital-deficit",
        "Digital deficit by component",
        ("digital_deficit_annual",),
        {"digital_deficit_annual": ("year", "definition", "component", "balance_jpy")},
        ("boj",),
        "The digital deficit is the net balance (receipts minus payments) of the BOJ services items for "
        "computer and information services, copyright charges and consulting, summed over each calendar year.",
        deficit.build,
    ),
    ChartSpec(
        "countries",
        "Japan vs Korea, China and the United States",
        ("digital_balance_by_country",),
        {"digital_balance_by_country": ("year", "area", "definition", "balance_usd", "balance_pct_gdp")},
        ("oecd", "worldbank"),
        "Each economy's balance with the world in OECD items SI (telecommunications, computer and information "
        "services) plus SH (charges for the use of intellectual property, patents included), in US dollars and "
        "as a share of its GDP.",
        countries.build,
    ),
    ChartSpec(
        "eu-japan-mirror",
        "EU–Japan mirror",
        ("eu_japan_digital_mirror",),
        {"eu_japan_digital_mirror": ("year", "item", "japan_credit_jpy", "eu_debit_jpy", "japan_debit_jpy",
                                     "eu_credit_jpy")},
        ("boj", "eurostat", "worldbank"),
        "The same flows reported twice: what Japan books as receipts from (payments to) the EU against what the "
        "EU books as payments to (receipts from) Japan, for two digital items, in yen.",
        mirror.build,
    ),
    ChartSpec(
        "revisions",
        "Revisions",
        ("observation_revisions",),
        {"observation_revisions": ("indicator_id", "area", "period", "first_value", "latest_value", "revised")},
        ("boj",),
        "A revision is the change between the value a source first published for a period and the value it "
        "publishes now for the same period.",
        revisions.build,
    ),
    ChartSpec(
        "content-exports",
        "Content exports vs target",
        ("content_exports_vs_target",),
        {"content_exports_vs_target": ("year", "overseas_sales_jpy", "target_year", "target_jpy")},
        ("published",),
        "Overseas sales of Japanese content (anime, games, publishing, music, film) in yen, against the Cabinet "
        "Office targets, with the constant yearly growth each target needs from the latest actual year.",
        content.build,
    ),
    ChartSpec(
        "support-budgets",
        "Support budgets",
        ("support_budgets",),
        {"support_budgets": ("area", "program", "period", "amount_jpy")},
        ("published", "boj"),
        "Public money for content in one budget year, and announced AI investment divided evenly over the years "
        "it is announced for, in yen and in US dollars at the BOJ average rate of the year.",
        budgets.build,
        optional_marts=("ai_investment",),
    ),
    ChartSpec(
        "pay-gap",
        "Creator pay gap",
        ("creator_pay_gap",),
        {"creator_pay_gap": ("age_group", "year", "animator_annual_pay_jpy", "national_annual_pay_jpy")},
        ("estat", "published"),
        "Annual pay is twelve times scheduled monthly earnings plus the year's bonuses, as a mean per age group; "
        "the animators' figure is the mean annual income their association's survey reports.",
        pay.build,
    ),
)

CHART_IDS: dict[str, str] = {spec.chart_id: spec.div_id for spec in CHARTS}

__all__ = ["CHARTS", "CHART_IDS", "ChartSpec", "Drawn", "csv_bytes"]
