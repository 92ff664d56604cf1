-- inputs: published, indicators
-- grain: year, target_year
-- unit overseas_sales_jpy, target_jpy, gap_jpy: JPY
-- unit multiple_needed: ratio
-- unit required_growth_pct: percent per year
-- unit sales_yoy_pct: percent
-- unit sales_cagr_pct: percent per year
-- marts.content_exports_vs_target: overseas sales of Japanese content against the government's targets.
-- Actuals are the curated topic content_overseas_sales, targets the topic content_overseas_sales_target
-- (catalog/curated/published_figures.csv, loaded as source 'published'; core.indicators.topic).
-- When two publishers give the same year, one figure is kept: an exact one before a qualified one,
-- then the latest published, then the smallest indicator_id.
CREATE OR REPLACE TABLE marts.content_exports_vs_target AS
WITH curated AS (
    SELECT
        i.topic,
        o.indicator_id,
        TRY_CAST(regexp_extract(o.period, '^(FY)?([0-9]{4})$', 2) AS INTEGER) AS year,
        o.value,
        o.obs_status,
        o.valid_from,
        o.is_sample,
        i.publisher AS source
    FROM core.observations AS o
    JOIN core.indicators AS i USING (indicator_id)
    WHERE o.valid_to IS NULL AND o.source_id = 'published' AND o.area = 'JPN' AND o.value IS NOT NULL
        AND i.topic IN ('content_overseas_sales', 'content_overseas_sales_target')
),
ranked AS (
    SELECT
        *,
        row_number() OVER (
            PARTITION BY topic, year ORDER BY (obs_status IS NULL) DESC, valid_from DESC, indicator_id
        ) AS pick
    FROM curated
    WHERE year IS NOT NULL
),
actual AS (
    SELECT
        year,
        value AS overseas_sales_jpy,
        indicator_id,
        source,
        is_sample,
        year = max(year) OVER () AS is_latest,
        lag(year) OVER w = year - 1 AS has_previous,
        lag(value) OVER w AS previous_sales_jpy,
        first_value(year) OVER w AS base_year,
        first_value(value) OVER w AS base_sales_jpy
    FROM ranked
    WHERE topic = 'content_overseas_sales' AND pick = 1
    WINDOW w AS (ORDER BY year)
),
target AS (
    SELECT year AS target_year, value AS target_jpy, indicator_id, source, is_sample
    FROM ranked
    WHERE topic = 'content_overseas_sales_target' AND pick = 1
)
SELECT
    a.year,
    a.overseas_sales_jpy,
    CASE WHEN a.has_previous AND a.previous_sales_jpy > 0 THEN
        100.0 * (a.overseas_sales_jpy / a.previous_sales_jpy - 1)
    END AS sales_yoy_pct,
    a.base_year AS cagr_base_year,
    CASE WHEN a.year > a.base_year AND a.base_sales_jpy > 0 AND a.overseas_sales_jpy > 0 THEN
        100.0 * (power(a.overseas_sales_jpy / a.base_sales_jpy, 1.0 / (a.year - a.base_year)) - 1)
    END AS sales_cagr_pct,
    t.target_year,
    t.target_jpy,
    t.target_jpy - a.overseas_sales_jpy AS gap_jpy,
    t.target_jpy / nullif(a.overseas_sales_jpy, 0) AS multiple_needed,
    CASE
        WHEN t.target_year > a.year AND a.overseas_sales_jpy > 0 AND t.target_jpy > 0
            THEN 100.0 * (power(t.target_jpy / a.overseas_sales_jpy, 1.0 / (t.target_year - a.year)) - 1)
    END AS required_growth_pct,
    a.is_latest,
    a.source,
    t.source AS target_source,
    a.indicator_id AS actual_indicator_id,
    ai.name_en AS actual_indicator_name_en,
    ai.name_ja AS actual_indicator_name_ja,
    t.indicator_id AS target_indicator_id,
    ti.name_en AS target_indicator_name_en,
    ti.name_ja AS target_indicator_name_ja,
    a.is_sample OR t.is_sample AS is_sample
FROM actual AS a
CROSS JOIN target AS t
LEFT JOIN core.indicators AS ai ON ai.indicator_id = a.indicator_id
LEFT JOIN core.indicators AS ti ON ti.indicator_id = t.indicator_id
ORDER BY t.target_year, a.year;

COMMENT ON TABLE marts.content_exports_vs_target IS 'Overseas sales of Japanese content (curated topic content_overseas_sales) against each government target year (topic content_overseas_sales_target, the new Cool Japan strategy): one row per actual year and target year, with the gap and the annual growth needed.';
COMMENT ON COLUMN marts.content_exports_vs_target.year IS 'Year of the actual overseas sales figure (calendar year as published; a fiscal year FYYYYY is taken as its starting year).';
COMMENT ON COLUMN marts.content_exports_vs_target.overseas_sales_jpy IS 'Overseas sales of Japanese content that year, in yen, as published (current value in core.observations).';
COMMENT ON COLUMN marts.content_exports_vs_target.sales_yoy_pct IS 'Year-on-year growth of overseas sales in yen: 100 * (overseas_sales_jpy / overseas_sales_jpy of the previous year - 1), percent, not rounded. NULL when the previous year has no actual figure.';
COMMENT ON COLUMN marts.content_exports_vs_target.cagr_base_year IS 'First year with an actual figure: the base of sales_cagr_pct.';
COMMENT ON COLUMN marts.content_exports_vs_target.sales_cagr_pct IS 'Compound annual growth of overseas sales achieved since cagr_base_year: 100 * ((overseas_sales_jpy / overseas_sales_jpy of cagr_base_year)^(1 / (year - cagr_base_year)) - 1), percent, not rounded; compare with required_growth_pct. NULL in the base year.';
COMMENT ON COLUMN marts.content_exports_vs_target.target_year IS 'Year the government target is set for (2028 and 2033 in the new Cool Japan strategy).';
COMMENT ON COLUMN marts.content_exports_vs_target.target_jpy IS 'Target overseas sales for target_year, in yen.';
COMMENT ON COLUMN marts.content_exports_vs_target.gap_jpy IS 'target_jpy - overseas_sales_jpy: how much more a year must be sold abroad by target_year, in yen.';
COMMENT ON COLUMN marts.content_exports_vs_target.multiple_needed IS 'target_jpy / overseas_sales_jpy: how many times that year''s sales the target is.';
COMMENT ON COLUMN marts.content_exports_vs_target.required_growth_pct IS 'Constant annual growth, in percent (not rounded), that takes that year''s sales to the target by target_year: ((target_jpy / overseas_sales_jpy)^(1 / (target_year - year)) - 1) * 100. The headline is the is_latest row. NULL when target_year is not after year.';
COMMENT ON COLUMN marts.content_exports_vs_target.is_latest IS 'TRUE on the rows of the latest year with an actual figure: their required_growth_pct is the growth needed from now on.';
COMMENT ON COLUMN marts.content_exports_vs_target.source IS 'Who published the actual figure and who reported it (publisher via reporter), from the curated catalog.';
COMMENT ON COLUMN marts.content_exports_vs_target.target_source IS 'Who set the target and who reported it (publisher via reporter), from the curated catalog.';
COMMENT ON COLUMN marts.content_exports_vs_target.actual_indicator_id IS 'Curated indicator of the actual figure (core.indicators), e.g. pub_content_overseas_sales_human_media.';
COMMENT ON COLUMN marts.content_exports_vs_target.target_indicator_id IS 'Curated indicator of the target (core.indicators), e.g. pub_content_overseas_sales_target_cabinet.';
COMMENT ON COLUMN marts.content_exports_vs_target.actual_indicator_name_en IS 'English name of actual_indicator_id (core.indicators.name_en).';
COMMENT ON COLUMN marts.content_exports_vs_target.actual_indicator_name_ja IS 'Japanese name of actual_indicator_id (core.indicators.name_ja).';
COMMENT ON COLUMN marts.content_exports_vs_target.target_indicator_name_en IS 'English name of target_indicator_id (core.indicators.name_en).';
COMMENT ON COLUMN marts.content_exports_vs_target.target_indicator_name_ja IS 'Japanese name of target_indicator_id (core.indicators.name_ja).';
COMMENT ON COLUMN marts.content_exports_vs_target.is_sample IS 'TRUE when the actual figure or the target is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
