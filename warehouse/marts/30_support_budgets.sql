-- inputs: published, boj, indicators
-- grain: indicator_id, area, period
-- unit amount_jpy: JPY
-- unit amount_usd: USD
-- unit jpy_per_usd: JPY per USD
-- marts.support_budgets: public money for content and AI as published, in yen and US dollars.
-- Rows are the curated topics content_overseas_support_budget, content_overseas_support_budget_previous,
-- content_support_budget and ai_investment_budget (catalog/curated/published_figures.csv, source
-- 'published'; core.indicators.topic).
-- Yen to dollars: the BOJ FXERM07 mean of the figure's year when all 12 months are in, else of the latest
-- complete year, else the curated pub_fx_jpy_per_usd_boj (its figure of that year, else its latest).
CREATE OR REPLACE TABLE marts.support_budgets AS
WITH topics(program, program_name_en) AS (
    VALUES ('content_overseas_support_budget', 'Support for content overseas expansion (Japan)'),
           ('content_overseas_support_budget_previous', 'Support for content overseas expansion, previous budget (Japan)'),
           ('content_support_budget', 'Public support for the content industry'),
           ('ai_investment_budget', 'Public AI investment (announced)')
),
budgets AS (
    SELECT
        o.indicator_id,
        i.name_en AS indicator_name_en,
        i.name_ja AS indicator_name_ja,
        o.area,
        t.program,
        t.program_name_en,
        o.period,
        TRY_CAST(regexp_extract(o.period, '^(FY)?([0-9]{4})$', 2) AS INTEGER) AS year,
        o.value AS amount_jpy,
        coalesce(o.obs_status, 'exact') AS qualifier,
        i.publisher AS source,
        i.only_source_is_article,
        o.is_sample
    FROM core.observations AS o
    JOIN core.indicators AS i USING (indicator_id)
    JOIN topics AS t ON i.topic = t.program
    WHERE o.valid_to IS NULL AND o.source_id = 'published' AND o.value IS NOT NULL AND o.unit = 'JPY'
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
fx_latest AS (
    SELECT year, jpy_per_usd, is_sample FROM fx_annual ORDER BY year DESC LIMIT 1
),
fx_curated AS (
    SELECT
        TRY_CAST(regexp_extract(period, '^(FY)?([0-9]{4})$', 2) AS INTEGER) AS year,
        value AS jpy_per_usd,
        is_sample
    FROM core.observations
    WHERE valid_to IS NULL AND indicator_id = 'pub_fx_jpy_per_usd_boj' AND value IS NOT NULL
),
fx_curated_latest AS (
    SELECT year, jpy_per_usd, is_sample FROM fx_curated ORDER BY year DESC LIMIT 1
),
converted AS (
    SELECT
        b.*,
        CASE
            WHEN same.year IS NOT NULL THEN 'boj_year'
            WHEN latest.year IS NOT NULL THEN 'boj_latest_complete_year'
            WHEN csame.year IS NOT NULL THEN 'curated_year'
            WHEN clatest.year IS NOT NULL THEN 'curated_latest'
        END AS fx_basis,
        coalesce(same.year, latest.year, csame.year, clatest.year) AS fx_year,
        coalesce(same.jpy_per_usd, latest.jpy_per_usd, csame.jpy_per_usd, clatest.jpy_per_usd) AS jpy_per_usd,
        coalesce(same.is_sample, latest.is_sample, csame.is_sample, clatest.is_sample, FALSE) AS fx_is_sample
    FROM budgets AS b
    LEFT JOIN fx_annual AS same ON same.year = b.year
    LEFT JOIN fx_latest AS latest ON TRUE
    LEFT JOIN fx_curated AS csame ON csame.year = b.year
    LEFT JOIN fx_curated_latest AS clatest ON TRUE
)
SELECT
    indicator_id,
    indicator_name_en,
    indicator_name_ja,
    area,
    program,
    program_name_en,
    period,
    amount_jpy,
    qualifier,
    fx_year,
    jpy_per_usd,
    fx_basis,
    amount_jpy / nullif(jpy_per_usd, 0) AS amount_usd,
    CASE
        WHEN program <> 'ai_investment_budget'
            THEN rank() OVER (PARTITION BY program = 'ai_investment_budget' ORDER BY amount_jpy DESC)
    END AS rank_jpy,
    only_source_is_article,
    source,
    is_sample OR fx_is_sample AS is_sample
FROM converted
ORDER BY program = 'ai_investment_budget', amount_jpy DESC, indicator_id, area, period;

COMMENT ON TABLE marts.support_budgets IS 'Public support budgets for content (Japan''s overseas expansion support, its previous budget, other governments'' content industry support) and announced public AI investment, as published, in yen and US dollars; one row per amount (curated indicator and period).';
COMMENT ON COLUMN marts.support_budgets.indicator_id IS 'Curated indicator (core.indicators), e.g. pub_content_support_budget_seed.';
COMMENT ON COLUMN marts.support_budgets.indicator_name_en IS 'English name of indicator_id (core.indicators.name_en).';
COMMENT ON COLUMN marts.support_budgets.indicator_name_ja IS 'Japanese name of indicator_id (core.indicators.name_ja).';
COMMENT ON COLUMN marts.support_budgets.area IS 'ISO 3166-1 alpha-3 code of the government that spends it (JPN, KOR, CHN, USA).';
COMMENT ON COLUMN marts.support_budgets.program IS 'Curated topic: content_overseas_support_budget, content_overseas_support_budget_previous, content_support_budget or ai_investment_budget (catalog/curated/topics.yaml).';
COMMENT ON COLUMN marts.support_budgets.program_name_en IS 'English name of the topic (catalog/curated/topics.yaml).';
COMMENT ON COLUMN marts.support_budgets.period IS 'Period of the amount as published: YYYY or FYYYYY (for an announced multi-year plan, the year of the announcement).';
COMMENT ON COLUMN marts.support_budgets.amount_jpy IS 'Amount in yen as published (other currencies as the reporter converted them to yen).';
COMMENT ON COLUMN marts.support_budgets.qualifier IS 'exact, approx, at_least, at_most, target or estimate, as the publisher worded the amount (at_least: "more than").';
COMMENT ON COLUMN marts.support_budgets.fx_year IS 'Calendar year whose yen-per-dollar rate converts the amount (see fx_basis).';
COMMENT ON COLUMN marts.support_budgets.jpy_per_usd IS 'Yen per US dollar used: mean of the 12 monthly averages of BOJ FXERM07 in fx_year, or the curated pub_fx_jpy_per_usd_boj figure when the warehouse has no complete BOJ year.';
COMMENT ON COLUMN marts.support_budgets.fx_basis IS 'Which rate was used: boj_year (BOJ mean of the amount''s own year; a fiscal year uses the calendar year it starts in), boj_latest_complete_year (the amount''s year is not complete in BOJ FXERM07), curated_year or curated_latest (no complete BOJ year: curated pub_fx_jpy_per_usd_boj of the same year, else its latest).';
COMMENT ON COLUMN marts.support_budgets.amount_usd IS 'amount_jpy / jpy_per_usd, in US dollars.';
COMMENT ON COLUMN marts.support_budgets.rank_jpy IS 'Rank by amount_jpy among the content-support rows (every program except ai_investment_budget), largest = 1, ties share a rank; NULL on ai_investment_budget rows. Rows of different years are ranked together.';
COMMENT ON COLUMN marts.support_budgets.only_source_is_article IS 'TRUE when the only source of the amount is a news article (never check that article against it). From core.indicators.only_source_is_article (the curated file''s column).';
COMMENT ON COLUMN marts.support_budgets.source IS 'Who published the amount and who reported it (publisher via reporter), from the curated catalog.';
COMMENT ON COLUMN marts.support_budgets.is_sample IS 'TRUE when the amount or the exchange rate used is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
