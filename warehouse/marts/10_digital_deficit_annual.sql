-- inputs: boj, worldbank, indicators
-- grain: year, definition, component
-- unit credit_jpy, debit_jpy, balance_jpy: JPY
-- unit credit_usd, debit_usd, balance_usd: USD
-- unit balance_yoy_pct, share_of_total_pct, credit_yoy_pct, debit_yoy_pct, deficit_yoy_pct: percent
-- unit credit_cagr_pct, debit_cagr_pct, deficit_cagr_pct, balance_pct_gdp: percent
-- marts.digital_deficit_annual: the digital deficit by calendar year, definition and component.
-- broad  = BOJ items 907 (telecom, computer and information services) + 9062 (copyrights) + 9082 (consulting)
-- narrow = 9072 (computer services) + 9062 + 9082.
-- Only years with all 12 months of every component (and of the USD/JPY rate) are kept.
--
-- Labels: component_name_en/_ja are the item's own segment of its net series' name in core.indicators
-- (catalog/indicators.yaml, named as in the BOJ metadata in catalog/reference/BP01.parquet:
-- 'Services: A / B / Net balance (BPM6, monthly)' -> B).
--
-- Deterministic (published files are byte-stable, #9): each monthly value is taken as whole yen and each
-- monthly USD amount as whole cents, in DECIMAL, so every sum is exact and cannot depend on the order in
-- which DuckDB's threads add rows (a parallel SUM of DOUBLE does: the last bits changed from run to run).
-- Nothing is lost: BOJ publishes these series in units of 100 million yen (at most one decimal), so the
-- DOUBLE values differ from whole yen only by the float error of the unit conversion (6509999999.999999
-- for 65.1 億円); a cent is 1e-8 of that unit. Values are converted back to DOUBLE once, at the end.
CREATE OR REPLACE TABLE marts.digital_deficit_annual AS
WITH definitions(definition, component, position, definition_en, definition_ja) AS (
    VALUES ('broad', '907', 1, 'broad definition', '広義'),
           ('broad', '9062', 2, 'broad definition', '広義'),
           ('broad', '9082', 3, 'broad definition', '広義'),
           ('narrow', '9072', 1, 'narrow definition', '狭義'),
           ('narrow', '9062', 2, 'narrow definition', '狭義'),
           ('narrow', '9082', 3, 'narrow definition', '狭義')
),
component_names AS (
    SELECT
        regexp_extract(indicator_id, '^bop_services_(\d+)_net$', 1) AS component,
        regexp_replace(list_extract(string_split(name_en, ' / '), -2), '^Services: ', '') AS component_name_en,
        list_extract(string_split(name_ja, '/'), -2) AS component_name_ja
    FROM core.indicators
    WHERE regexp_full_match(indicator_id, 'bop_services_\d+_net')
),
total_names AS (
    -- the total row is named after its definition and the items it adds up
    SELECT
        definition,
        'Digital deficit, ' || any_value(definition_en) || ' (BOJ items '
            || string_agg(component, ' + ' ORDER BY position) || ')' AS component_name_en,
        'デジタル赤字（' || any_value(definition_ja) || '：'
            || string_agg(component, '＋' ORDER BY position) || '）' AS component_name_ja
    FROM definitions
    GROUP BY definition
),
monthly AS (
    SELECT
        regexp_extract(o.indicator_id, '^bop_services_(\d+)_(credit|debit|net)$', 1) AS component,
        regexp_extract(o.indicator_id, '^bop_services_(\d+)_(credit|debit|net)$', 2) AS flow,
        o.period,
        CAST(o.value AS DECIMAL(38, 0)) AS value_jpy,
        o.is_sample
    FROM core.observations AS o
    WHERE o.valid_to IS NULL AND o.area = 'JPN' AND o.indicator_id LIKE 'bop_services_%'
),
fx AS (
    SELECT period, value AS jpy_per_usd, is_sample
    FROM core.observations
    WHERE valid_to IS NULL AND indicator_id = 'fx_usdjpy_monthly_avg' AND area = 'JPN'
),
component_month AS (
    SELECT
        d.definition,
        d.component,
        m.period,
        max(m.value_jpy) FILTER (WHERE m.flow = 'credit') AS credit_jpy,
        max(m.value_jpy) FILTER (WHERE m.flow = 'debit') AS debit_jpy,
        max(m.value_jpy) FILTER (WHERE m.flow = 'net') AS balance_jpy,
        bool_or(m.is_sample) AS is_sample
    FROM definitions AS d
    JOIN monthly AS m USING (component)
    GROUP BY d.definition, d.component, m.period
),
with_fx AS (
    -- each month in US dollars at that month's rate, as whole cents
    SELECT
        c.*,
        CAST(c.credit_jpy / f.jpy_per_usd AS DECIMAL(38, 2)) AS credit_usd,
        CAST(c.debit_jpy / f.jpy_per_usd AS DECIMAL(38, 2)) AS debit_usd,
        CAST(c.balance_jpy / f.jpy_per_usd AS DECIMAL(38, 2)) AS balance_usd,
        f.jpy_per_usd,
        c.is_sample OR coalesce(f.is_sample, FALSE) AS any_sample
    FROM component_month AS c
    LEFT JOIN fx AS f USING (period)
),
component_year AS (
    SELECT
        CAST(substr(period, 1, 4) AS INTEGER) AS year,
        definition,
        component,
        sum(credit_jpy) AS credit_jpy,
        sum(debit_jpy) AS debit_jpy,
        sum(balance_jpy) AS balance_jpy,
        sum(credit_usd) AS credit_usd,
        sum(debit_usd) AS debit_usd,
        sum(balance_usd) AS balance_usd,
        count(*) FILTER (WHERE balance_jpy IS NOT NULL AND jpy_per_usd IS NOT NULL) AS full_months,
        bool_or(any_sample) AS is_sample
    FROM with_fx
    GROUP BY 1, definition, component
),
definition_size AS (
    SELECT definition, count(*) AS components FROM definitions GROUP BY definition
),
complete_years AS (
    -- a year counts only when every component of the definition has 12 usable months
    SELECT c.year, c.definition
    FROM component_year AS c
    JOIN definition_size AS d USING (definition)
    GROUP BY c.year, c.definition, d.components
    HAVING min(c.full_months) = 12 AND count(*) = d.components
),
exact_rows AS (
    SELECT c.year, c.definition, c.component, c.credit_jpy, c.debit_jpy, c.balance_jpy,
           c.credit_usd, c.debit_usd, c.balance_usd, c.is_sample
    FROM component_year AS c
    JOIN complete_years USING (year, definition)
    UNION ALL
    SELECT c.year, c.definition, 'total', sum(c.credit_jpy), sum(c.debit_jpy), sum(c.balance_jpy),
           sum(c.credit_usd), sum(c.debit_usd), sum(c.balance_usd), bool_or(c.is_sample)
    FROM component_year AS c
    JOIN complete_years USING (year, definition)
    GROUP BY c.year, c.definition
),
rows AS (
    -- the exact sums, converted to DOUBLE once
    SELECT
        year, definition, component,
        CAST(credit_jpy AS DOUBLE) AS credit_jpy,
        CAST(debit_jpy AS DOUBLE) AS debit_jpy,
        CAST(balance_jpy AS DOUBLE) AS balance_jpy,
        CAST(credit_usd AS DOUBLE) AS credit_usd,
        CAST(debit_usd AS DOUBLE) AS debit_usd,
        CAST(balance_usd AS DOUBLE) AS balance_usd,
        is_sample
    FROM exact_rows
),
gdp AS (
    -- Japan's nominal GDP in yen: World Bank GDP in current US$ (NY.GDP.MKTP.CD) times the official rate
    -- (PA.NUS.FCRF) the World Bank converted it at, i.e. back in the yen it was measured in
    SELECT
        CAST(g.period AS INTEGER) AS year,
        g.value * r.value AS gdp_jpy,
        g.is_sample OR r.is_sample AS is_sample
    FROM core.observations AS g
    JOIN core.observations AS r
        ON r.valid_to IS NULL AND r.indicator_id = 'wb_fx_lcu_per_usd' AND r.area = g.area AND r.period = g.period
    WHERE g.valid_to IS NULL AND g.indicator_id = 'wb_gdp_usd' AND g.area = 'JPN'
        AND regexp_full_match(g.period, '[0-9]{4}') AND g.value > 0 AND r.value > 0
),
growth AS (
    SELECT
        r.*,
        lag(r.year) OVER w = r.year - 1 AS has_previous,
        lag(r.credit_jpy) OVER w AS previous_credit_jpy,
        lag(r.debit_jpy) OVER w AS previous_debit_jpy,
        lag(r.balance_jpy) OVER w AS previous_balance_jpy,
        first_value(r.year) OVER w AS base_year,
        first_value(r.credit_jpy) OVER w AS base_credit_jpy,
        first_value(r.debit_jpy) OVER w AS base_debit_jpy,
        first_value(r.balance_jpy) OVER w AS base_balance_jpy
    FROM rows AS r
    WINDOW w AS (PARTITION BY r.definition, r.component ORDER BY r.year)
)
SELECT
    g.year,
    g.definition,
    g.component,
    coalesce(n.component_name_en, t.component_name_en) AS component_name_en,
    coalesce(n.component_name_ja, t.component_name_ja) AS component_name_ja,
    g.credit_jpy,
    g.debit_jpy,
    g.balance_jpy,
    g.balance_usd,
    CASE WHEN g.has_previous THEN
        round(100.0 * (g.balance_jpy - g.previous_balance_jpy) / nullif(abs(g.previous_balance_jpy), 0), 2)
    END AS balance_yoy_pct,
    g.credit_usd,
    g.debit_usd,
    100.0 * g.balance_jpy
        / nullif(max(CASE WHEN g.component = 'total' THEN g.balance_jpy END) OVER (PARTITION BY g.year, g.definition), 0)
        AS share_of_total_pct,
    CASE WHEN g.has_previous AND g.previous_credit_jpy > 0 THEN
        100.0 * (g.credit_jpy / g.previous_credit_jpy - 1)
    END AS credit_yoy_pct,
    CASE WHEN g.has_previous AND g.previous_debit_jpy > 0 THEN
        100.0 * (g.debit_jpy / g.previous_debit_jpy - 1)
    END AS debit_yoy_pct,
    CASE WHEN g.has_previous AND g.balance_jpy < 0 AND g.previous_balance_jpy < 0 THEN
        100.0 * (g.balance_jpy / g.previous_balance_jpy - 1)
    END AS deficit_yoy_pct,
    g.base_year AS cagr_base_year,
    CASE WHEN g.year > g.base_year AND g.base_credit_jpy > 0 AND g.credit_jpy > 0 THEN
        100.0 * (power(g.credit_jpy / g.base_credit_jpy, 1.0 / (g.year - g.base_year)) - 1)
    END AS credit_cagr_pct,
    CASE WHEN g.year > g.base_year AND g.base_debit_jpy > 0 AND g.debit_jpy > 0 THEN
        100.0 * (power(g.debit_jpy / g.base_debit_jpy, 1.0 / (g.year - g.base_year)) - 1)
    END AS debit_cagr_pct,
    CASE WHEN g.year > g.base_year AND g.base_balance_jpy < 0 AND g.balance_jpy < 0 THEN
        100.0 * (power(g.balance_jpy / g.base_balance_jpy, 1.0 / (g.year - g.base_year)) - 1)
    END AS deficit_cagr_pct,
    100.0 * g.balance_jpy / p.gdp_jpy AS balance_pct_gdp,
    g.is_sample OR coalesce(p.is_sample, FALSE) AS is_sample
FROM growth AS g
LEFT JOIN component_names AS n ON n.component = g.component
LEFT JOIN total_names AS t ON t.definition = g.definition AND g.component = 'total'
LEFT JOIN gdp AS p ON p.year = g.year
ORDER BY g.definition, g.component, g.year;

COMMENT ON TABLE marts.digital_deficit_annual IS 'Japan''s digital deficit by calendar year, definition (broad: BOJ items 907+9062+9082; narrow: 9072+9062+9082) and component, from BOJ BP01 monthly services; only years with all 12 months. With names, growth (year on year and since the first year), shares and % of GDP. One row per (definition, component, year), in that order.';
COMMENT ON COLUMN marts.digital_deficit_annual.year IS 'Calendar year (January-December).';
COMMENT ON COLUMN marts.digital_deficit_annual.definition IS 'broad (907+9062+9082, as MOF/Nikkei/Jiji) or narrow (9072+9062+9082, as the MIC white paper headline).';
COMMENT ON COLUMN marts.digital_deficit_annual.component IS 'BOJ item code of the component (907, 9072, 9062, 9082) or total for the definition''s sum.';
COMMENT ON COLUMN marts.digital_deficit_annual.component_name_en IS 'English name of the BOJ item (its own level of the BOJ series name in core.indicators, e.g. Charges for the use of copyrights n.i.e.); on total rows, the definition and the items it adds up.';
COMMENT ON COLUMN marts.digital_deficit_annual.component_name_ja IS 'Japanese name of the BOJ item (its own level of the BOJ series name in core.indicators, e.g. 著作権等使用料); on total rows, the definition (広義/狭義) and the items it adds up.';
COMMENT ON COLUMN marts.digital_deficit_annual.credit_jpy IS 'Receipts from abroad in yen (sum of 12 months, each taken as whole yen; exact).';
COMMENT ON COLUMN marts.digital_deficit_annual.debit_jpy IS 'Payments abroad in yen (sum of 12 months, each taken as whole yen; exact).';
COMMENT ON COLUMN marts.digital_deficit_annual.balance_jpy IS 'Net balance in yen (BOJ net series, sum of 12 months, each taken as whole yen; negative = deficit).';
COMMENT ON COLUMN marts.digital_deficit_annual.balance_usd IS 'Net balance in US dollars: each month converted at that month''s average USD/JPY (BOJ FXERM07) and taken as whole cents, then summed exactly (so the value does not depend on summation order).';
COMMENT ON COLUMN marts.digital_deficit_annual.balance_yoy_pct IS 'Change of balance_jpy from the previous calendar year, percent of the previous year''s absolute balance, rounded to 2 decimals (negative = deficit grew). NULL in the first year or when the previous year is not in the mart.';
COMMENT ON COLUMN marts.digital_deficit_annual.credit_usd IS 'Receipts from abroad in US dollars: each month converted at that month''s average USD/JPY (BOJ FXERM07) and taken as whole cents, then summed exactly.';
COMMENT ON COLUMN marts.digital_deficit_annual.debit_usd IS 'Payments abroad in US dollars: each month converted at that month''s average USD/JPY (BOJ FXERM07) and taken as whole cents, then summed exactly.';
COMMENT ON COLUMN marts.digital_deficit_annual.share_of_total_pct IS 'balance_jpy of the component in percent of the definition''s total balance_jpy for the same year (not rounded; 100 on the total row). Components add up to 100; a component in surplus while the total is in deficit has a negative share. NULL when the total is 0.';
COMMENT ON COLUMN marts.digital_deficit_annual.credit_yoy_pct IS 'Year-on-year growth of receipts in yen: 100 * (credit_jpy / credit_jpy of the previous calendar year - 1), percent, not rounded. NULL in the first year, when the previous year is not in the mart, or when its receipts are not positive.';
COMMENT ON COLUMN marts.digital_deficit_annual.debit_yoy_pct IS 'Year-on-year growth of payments in yen: 100 * (debit_jpy / debit_jpy of the previous calendar year - 1), percent, not rounded. NULL in the first year, when the previous year is not in the mart, or when its payments are not positive.';
COMMENT ON COLUMN marts.digital_deficit_annual.deficit_yoy_pct IS 'Year-on-year growth of the deficit in yen: 100 * (balance_jpy / balance_jpy of the previous calendar year - 1), percent, not rounded; positive = the deficit grew. Only when both years are deficits (balance_jpy < 0), else NULL.';
COMMENT ON COLUMN marts.digital_deficit_annual.cagr_base_year IS 'First year of the component and definition in the mart (first complete calendar year): the base of the *_cagr_pct columns.';
COMMENT ON COLUMN marts.digital_deficit_annual.credit_cagr_pct IS 'Compound annual growth of receipts in yen since cagr_base_year: 100 * ((credit_jpy / credit_jpy of cagr_base_year)^(1 / (year - cagr_base_year)) - 1), percent, not rounded. NULL in the base year or when either value is not positive.';
COMMENT ON COLUMN marts.digital_deficit_annual.debit_cagr_pct IS 'Compound annual growth of payments in yen since cagr_base_year: 100 * ((debit_jpy / debit_jpy of cagr_base_year)^(1 / (year - cagr_base_year)) - 1), percent, not rounded. NULL in the base year or when either value is not positive.';
COMMENT ON COLUMN marts.digital_deficit_annual.deficit_cagr_pct IS 'Compound annual growth of the deficit in yen since cagr_base_year: 100 * ((balance_jpy / balance_jpy of cagr_base_year)^(1 / (year - cagr_base_year)) - 1), percent, not rounded; positive = the deficit grew. Only when both years are deficits, else NULL.';
COMMENT ON COLUMN marts.digital_deficit_annual.balance_pct_gdp IS 'balance_jpy in percent of Japan''s nominal GDP of the same calendar year (negative = deficit), not rounded: 100 * balance_jpy / (World Bank NY.GDP.MKTP.CD x World Bank PA.NUS.FCRF for JPN). The World Bank converts GDP from yen to current US$ at that official annual rate, so the product is GDP in yen again and the ratio is yen over yen, free of any exchange rate. NULL when the World Bank has no GDP for the year.';
COMMENT ON COLUMN marts.digital_deficit_annual.is_sample IS 'TRUE when any input value (BOJ series, the USD/JPY rate, or the World Bank GDP used by balance_pct_gdp) is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
