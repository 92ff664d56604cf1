-- grain: year, definition, component
-- unit credit_jpy, debit_jpy, balance_jpy: JPY
-- unit credit_usd, debit_usd, balance_usd: USD
-- unit balance_yoy_pct, share_of_total_pct: percent
-- marts.digital_deficit_annual: the digital deficit by calendar year, definition and component.
-- broad  = BOJ items 907 (telecom, computer and information services) + 9062 (copyrights) + 9082 (consulting)
-- narrow = 9072 (computer services) + 9062 + 9082.
-- Only years with all 12 months of every component (and of the USD/JPY rate) are kept.
CREATE OR REPLACE TABLE marts.digital_deficit_annual AS
WITH definitions(definition, component) AS (
    VALUES ('broad', '907'), ('broad', '9062'), ('broad', '9082'),
           ('narrow', '9072'), ('narrow', '9062'), ('narrow', '9082')
),
monthly AS (
    SELECT
        regexp_extract(o.indicator_id, '^bop_services_(\d+)_(credit|debit|net)$', 1) AS component,
        regexp_extract(o.indicator_id, '^bop_services_(\d+)_(credit|debit|net)$', 2) AS flow,
        o.period,
        o.value,
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
        max(m.value) FILTER (WHERE m.flow = 'credit') AS credit_jpy,
        max(m.value) FILTER (WHERE m.flow = 'debit') AS debit_jpy,
        max(m.value) FILTER (WHERE m.flow = 'net') AS balance_jpy,
        bool_or(m.is_sample) AS is_sample
    FROM definitions AS d
    JOIN monthly AS m USING (component)
    GROUP BY ALL
),
with_fx AS (
    SELECT c.*, f.jpy_per_usd, c.is_sample OR coalesce(f.is_sample, FALSE) AS any_sample
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
        sum(credit_jpy / jpy_per_usd) AS credit_usd,
        sum(debit_jpy / jpy_per_usd) AS debit_usd,
        sum(balance_jpy / jpy_per_usd) AS balance_usd,
        count(*) FILTER (WHERE balance_jpy IS NOT NULL AND jpy_per_usd IS NOT NULL) AS full_months,
        bool_or(any_sample) AS is_sample
    FROM with_fx
    GROUP BY ALL
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
rows AS (
    SELECT c.year, c.definition, c.component, c.credit_jpy, c.debit_jpy, c.balance_jpy,
           c.credit_usd, c.debit_usd, c.balance_usd, c.is_sample
    FROM component_year AS c
    JOIN complete_years USING (year, definition)
    UNION ALL
    SELECT c.year, c.definition, 'total', sum(c.credit_jpy), sum(c.debit_jpy), sum(c.balance_jpy),
           sum(c.credit_usd), sum(c.debit_usd), sum(c.balance_usd), bool_or(c.is_sample)
    FROM component_year AS c
    JOIN complete_years USING (year, definition)
    GROUP BY ALL
)
SELECT
    year,
    definition,
    component,
    credit_jpy,
    debit_jpy,
    balance_jpy,
    balance_usd,
    round(100.0 * (balance_jpy - lag(balance_jpy) OVER w) / abs(lag(balance_jpy) OVER w), 2) AS balance_yoy_pct,
    credit_usd,
    debit_usd,
    100.0 * balance_jpy
        / nullif(max(CASE WHEN component = 'total' THEN balance_jpy END) OVER (PARTITION BY year, definition), 0)
        AS share_of_total_pct,
    is_sample
FROM rows
WINDOW w AS (PARTITION BY definition, component ORDER BY year)
ORDER BY definition, component, year;

COMMENT ON TABLE marts.digital_deficit_annual IS 'Japan''s digital deficit by calendar year, definition (broad: BOJ items 907+9062+9082; narrow: 9072+9062+9082) and component, from BOJ BP01 monthly services; only years with all 12 months.';
COMMENT ON COLUMN marts.digital_deficit_annual.year IS 'Calendar year (January-December).';
COMMENT ON COLUMN marts.digital_deficit_annual.definition IS 'broad (907+9062+9082, as MOF/Nikkei/Jiji) or narrow (9072+9062+9082, as the MIC white paper headline).';
COMMENT ON COLUMN marts.digital_deficit_annual.component IS 'BOJ item code of the component (907, 9072, 9062, 9082) or total for the definition''s sum.';
COMMENT ON COLUMN marts.digital_deficit_annual.credit_jpy IS 'Receipts from abroad in yen (sum of 12 months).';
COMMENT ON COLUMN marts.digital_deficit_annual.debit_jpy IS 'Payments abroad in yen (sum of 12 months).';
COMMENT ON COLUMN marts.digital_deficit_annual.balance_jpy IS 'Net balance in yen (BOJ net series; negative = deficit).';
COMMENT ON COLUMN marts.digital_deficit_annual.balance_usd IS 'Net balance in US dollars: each month converted at that month''s average USD/JPY (BOJ FXERM07), then summed.';
COMMENT ON COLUMN marts.digital_deficit_annual.balance_yoy_pct IS 'Change of balance_jpy from the previous year, percent of the previous year''s absolute balance (negative = deficit grew).';
COMMENT ON COLUMN marts.digital_deficit_annual.credit_usd IS 'Receipts from abroad in US dollars: each month converted at that month''s average USD/JPY (BOJ FXERM07), then summed.';
COMMENT ON COLUMN marts.digital_deficit_annual.debit_usd IS 'Payments abroad in US dollars: each month converted at that month''s average USD/JPY (BOJ FXERM07), then summed.';
COMMENT ON COLUMN marts.digital_deficit_annual.share_of_total_pct IS 'balance_jpy of the component in percent of the definition''s total balance_jpy for the same year (not rounded; 100 on the total row). Components add up to 100; a component in surplus while the total is in deficit has a negative share. NULL when the total is 0.';
COMMENT ON COLUMN marts.digital_deficit_annual.is_sample IS 'TRUE when any input value is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
