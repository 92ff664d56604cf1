-- inputs: published, boj, indicators
-- grain: indicator_id, area, year, announced_period
-- unit amount_jpy, cumulative_jpy, announced_total_jpy: JPY
-- unit amount_usd: USD
-- unit jpy_per_usd: JPY per USD
-- unit span_years: years
-- marts.ai_investment: announced public AI investment as a yearly path.
-- Each curated figure of topic ai_investment_budget (catalog/curated/published_figures.csv, source
-- 'published'; topic read from the indicator's name '<topic name_en> — <publisher> via <reporter>') is an
-- announced total over a span the definition states ("over five years"). No yearly split is published, so
-- the total is spread evenly over the span_years fiscal years after the announcement year. A figure whose
-- definition states no span stays whole in its announcement year. Other economies appear as soon as the
-- curated file has an ai_investment_budget figure for them (none today).
CREATE OR REPLACE TABLE marts.ai_investment AS
WITH number_words(word, n) AS (
    VALUES ('one', 1), ('two', 2), ('three', 3), ('four', 4), ('five', 5),
           ('six', 6), ('seven', 7), ('eight', 8), ('nine', 9), ('ten', 10)
),
plans AS (
    SELECT
        o.indicator_id,
        i.name_en AS indicator_name_en,
        i.name_ja AS indicator_name_ja,
        o.area,
        o.period AS announced_period,
        TRY_CAST(regexp_extract(o.period, '^(FY)?([0-9]{4})$', 2) AS INTEGER) AS announced_year,
        o.value AS announced_total_jpy,
        coalesce(o.obs_status, 'exact') AS qualifier,
        i.publisher AS source,
        i.only_source_is_article,
        regexp_extract(lower(i.definition), 'over ([a-z0-9]+) years?', 1) AS span_text,
        o.is_sample
    FROM core.observations AS o
    JOIN core.indicators AS i USING (indicator_id)
    WHERE o.valid_to IS NULL AND o.source_id = 'published' AND o.value IS NOT NULL AND o.unit = 'JPY'
        AND i.topic = 'ai_investment_budget'
),
spans AS (
    SELECT p.*, coalesce(TRY_CAST(p.span_text AS INTEGER), w.n) AS span_years
    FROM plans AS p
    LEFT JOIN number_words AS w ON w.word = p.span_text
    WHERE p.announced_year IS NOT NULL
),
fx_annual AS (
    -- calendar years with all 12 monthly averages of BOJ FXERM07; averaged as DECIMAL (BOJ states the rate to
    -- 2 decimals, 6 are kept) so that the mean is exact and does not depend on summation order
    SELECT
        TRY_CAST(substr(period, 1, 4) AS INTEGER) AS year,
        CAST(avg(CAST(value AS DECIMAL(18, 6))) AS DOUBLE) AS jpy_per_usd,
        bool_or(is_sample) AS is_sample
    FROM core.observations
    WHERE valid_to IS NULL AND indicator_id = 'fx_usdjpy_monthly_avg' AND area = 'JPN' AND value IS NOT NULL
        AND regexp_full_match(period, '[0-9]{4}-[0-9]{2}')
    GROUP BY 1
    HAVING count(DISTINCT period) = 12
),
fx_curated AS (
    SELECT
        TRY_CAST(regexp_extract(period, '^(FY)?([0-9]{4})$', 2) AS INTEGER) AS year,
        value AS jpy_per_usd,
        is_sample
    FROM core.observations
    WHERE valid_to IS NULL AND indicator_id = 'pub_fx_jpy_per_usd_boj' AND value IS NOT NULL
),
fx AS (
    -- the latest complete BOJ year; the latest curated rate only when BOJ has no complete year
    SELECT year, jpy_per_usd, is_sample, fx_basis
    FROM (
        SELECT year, jpy_per_usd, is_sample, 'boj_latest_complete_year' AS fx_basis, 1 AS priority FROM fx_annual
        UNION ALL
        SELECT year, jpy_per_usd, is_sample, 'curated_latest' AS fx_basis, 2 AS priority FROM fx_curated
    ) AS candidates
    ORDER BY priority, year DESC
    LIMIT 1
),
path AS (
    SELECT s.*, CAST(s.announced_year + r.k AS INTEGER) AS year, s.announced_total_jpy / s.span_years AS amount_jpy
    FROM spans AS s
    JOIN range(1, 101) AS r(k) ON r.k <= s.span_years
    UNION ALL
    SELECT s.*, s.announced_year AS year, s.announced_total_jpy AS amount_jpy
    FROM spans AS s
    WHERE s.span_years IS NULL OR s.span_years < 1
)
SELECT
    p.indicator_id,
    p.indicator_name_en,
    p.indicator_name_ja,
    p.area,
    p.year,
    p.amount_jpy,
    -- the running total as a product, not a running SUM: exact and independent of summation order
    CASE
        WHEN p.span_years >= 1 THEN p.announced_total_jpy * (p.year - p.announced_year) / p.span_years
        ELSE p.announced_total_jpy
    END AS cumulative_jpy,
    p.amount_jpy / nullif(f.jpy_per_usd, 0) AS amount_usd,
    f.jpy_per_usd,
    f.year AS fx_year,
    f.fx_basis,
    p.announced_period,
    p.announced_total_jpy,
    p.span_years,
    CASE
        WHEN p.span_years >= 1 THEN 'announced total spread evenly; no yearly split published'
        ELSE 'announced total with no span stated; shown whole in the announcement year'
    END AS basis,
    p.qualifier,
    p.source,
    p.only_source_is_article,
    p.is_sample OR coalesce(f.is_sample, FALSE) AS is_sample
FROM path AS p
LEFT JOIN fx AS f ON TRUE
ORDER BY p.area, p.indicator_id, p.announced_period, p.year;

COMMENT ON TABLE marts.ai_investment IS 'Announced public AI investment as a yearly path: each announced total (curated topic ai_investment_budget) spread evenly over the fiscal years of its stated span, because no yearly split is published. Japan: 1 trillion yen over five years announced in 2025, i.e. 2026-2030. Other economies get rows as soon as the curated file holds an ai_investment_budget figure for them; it holds none today.';
COMMENT ON COLUMN marts.ai_investment.indicator_id IS 'Curated indicator of the announcement (core.indicators), e.g. pub_ai_investment_plan_seed.';
COMMENT ON COLUMN marts.ai_investment.indicator_name_en IS 'English name of indicator_id (core.indicators.name_en).';
COMMENT ON COLUMN marts.ai_investment.indicator_name_ja IS 'Japanese name of indicator_id (core.indicators.name_ja).';
COMMENT ON COLUMN marts.ai_investment.area IS 'ISO 3166-1 alpha-3 code of the government that announced it (only JPN today: the warehouse has no peer figures).';
COMMENT ON COLUMN marts.ai_investment.year IS 'Fiscal year of the path: the span_years fiscal years after the announcement year (announced in 2025 over five years: 2026 to 2030). The announcement does not say which years; this assumes the span starts the year after. When no span is stated: the announcement year.';
COMMENT ON COLUMN marts.ai_investment.amount_jpy IS 'announced_total_jpy / span_years, in yen: an even split, not a published yearly budget.';
COMMENT ON COLUMN marts.ai_investment.cumulative_jpy IS 'Sum of amount_jpy from the first year of the path up to this year, in yen, computed as announced_total_jpy x (year - announced year) / span_years (equals announced_total_jpy in the last year; announced_total_jpy when no span is stated).';
COMMENT ON COLUMN marts.ai_investment.amount_usd IS 'amount_jpy / jpy_per_usd, in US dollars, at one rate for every year (future years have no rate yet).';
COMMENT ON COLUMN marts.ai_investment.jpy_per_usd IS 'Yen per US dollar: mean of the 12 monthly averages of BOJ FXERM07 in the latest complete calendar year; the latest curated pub_fx_jpy_per_usd_boj figure when BOJ has no complete year.';
COMMENT ON COLUMN marts.ai_investment.fx_year IS 'Calendar year of the rate in jpy_per_usd.';
COMMENT ON COLUMN marts.ai_investment.fx_basis IS 'boj_latest_complete_year (BOJ FXERM07) or curated_latest (curated pub_fx_jpy_per_usd_boj, when BOJ has no complete year).';
COMMENT ON COLUMN marts.ai_investment.announced_period IS 'Period of the announcement as published (YYYY or FYYYYY).';
COMMENT ON COLUMN marts.ai_investment.announced_total_jpy IS 'Total announced over the whole span, in yen.';
COMMENT ON COLUMN marts.ai_investment.span_years IS 'Number of years the total is announced over, read from the indicator definition ("over five years"); NULL when none is stated.';
COMMENT ON COLUMN marts.ai_investment.basis IS 'How the yearly amount was obtained, in words.';
COMMENT ON COLUMN marts.ai_investment.qualifier IS 'exact, approx, at_least, at_most, target or estimate, as the announcement was worded.';
COMMENT ON COLUMN marts.ai_investment.source IS 'Who announced it and who reported it (publisher via reporter), from the curated catalog.';
COMMENT ON COLUMN marts.ai_investment.only_source_is_article IS 'TRUE when the only source of the announcement is a news article (never check that article against it). From core.indicators.only_source_is_article (the curated file''s column).';
COMMENT ON COLUMN marts.ai_investment.is_sample IS 'TRUE when the announcement or the exchange rate used is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
