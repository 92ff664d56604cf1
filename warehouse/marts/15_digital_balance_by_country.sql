-- inputs: oecd, boj, worldbank, indicators, marts.digital_deficit_annual
-- grain: year, area, definition
-- unit balance_usd, gdp_usd: USD
-- unit balance_pct_gdp: percent
-- marts.digital_balance_by_country: Japan's digital-services balance beside Korea's, China's and the United
-- States', in US dollars and in percent of GDP, by calendar year and definition.
--
-- Definitions (one row per area, year and definition; `definition` says which, `definition_note` how):
--   oecd_si     OECD Trade in services (DSD_BOP@DF_TIS), EBOPS item SI (telecommunications, computer and
--               information services), balance with the world, US dollars at exchange rates;
--   oecd_sh     the same for item SH (charges for the use of intellectual property n.i.e.);
--   oecd_si_sh  SI + SH, only when both are there: the same definition for every economy. SH covers all
--               IP charges (patents and industrial property too), not only copyrights as BOJ item 9062:
--               Japan earns a surplus on SH, so its SI + SH is not the deficit MOF and the press report;
--   boj_broad   Japan only: marts.digital_deficit_annual, broad total (BOJ items 907 + 9062 + 9082);
--   boj_narrow  Japan only: the narrow total (9072 + 9062 + 9082).
-- Item and area names come from the OECD code lists recorded with the data (core.codes), the BOJ names
-- from marts.digital_deficit_annual (core.indicators).
--
-- Percent of GDP, converted consistently:
--   OECD rows: 100 * balance_usd / World Bank GDP in current US$ (NY.GDP.MKTP.CD). Both are annual values
--              converted from national currency at annual-average market rates (the OECD at its exchange
--              rates, the World Bank at the official rate PA.NUS.FCRF), so the ratio is close to the ratio
--              in national currency;
--   BOJ rows:  as marts.digital_deficit_annual.balance_pct_gdp: yen balance over GDP in yen (World Bank GDP
--              in US$ x PA.NUS.FCRF, the rate it was converted at), free of exchange rates.
-- Deterministic: no aggregate over DOUBLE (SI + SH is one addition of two values), a fixed row order.
CREATE OR REPLACE TABLE marts.digital_balance_by_country AS
WITH oecd_items(indicator_id, item, codelist_id) AS (
    VALUES ('oecd_ict_services_balance_usd', 'SI', 'CL_BOP6_SERVICES'),
           ('oecd_ip_charges_balance_usd', 'SH', 'CL_BOP6_SERVICES')
),
item_names AS (
    SELECT
        x.item,
        coalesce(c.name_en, i.name_en, x.item) AS item_name_en
    FROM oecd_items AS x
    LEFT JOIN core.codes AS c ON c.source_id = 'oecd' AND c.codelist_id = x.codelist_id AND c.code = x.item
    LEFT JOIN core.indicators AS i ON i.indicator_id = x.indicator_id
),
oecd AS (
    SELECT
        o.area,
        CAST(o.period AS INTEGER) AS year,
        x.item,
        o.value AS balance_usd,
        o.is_sample
    FROM core.observations AS o
    JOIN oecd_items AS x USING (indicator_id)
    WHERE o.valid_to IS NULL AND o.value IS NOT NULL AND regexp_full_match(o.period, '[0-9]{4}')
),
oecd_rows AS (
    SELECT
        o.area,
        o.year,
        'oecd_' || lower(o.item) AS definition,
        o.item AS items,
        'OECD ' || o.item || ': ' || n.item_name_en AS definition_name_en,
        'oecd' AS source_id,
        o.balance_usd,
        CAST(NULL AS DOUBLE) AS balance_jpy,
        o.is_sample
    FROM oecd AS o
    JOIN item_names AS n USING (item)
    UNION ALL
    SELECT
        si.area,
        si.year,
        'oecd_si_sh',
        'SI+SH',
        'OECD SI + SH: ' || nsi.item_name_en || ' + ' || nsh.item_name_en,
        'oecd',
        si.balance_usd + sh.balance_usd,
        CAST(NULL AS DOUBLE),
        si.is_sample OR sh.is_sample
    FROM oecd AS si
    JOIN oecd AS sh ON sh.area = si.area AND sh.year = si.year AND sh.item = 'SH'
    JOIN item_names AS nsi ON nsi.item = 'SI'
    JOIN item_names AS nsh ON nsh.item = 'SH'
    WHERE si.item = 'SI'
),
boj_rows AS (
    SELECT
        'JPN' AS area,
        year,
        'boj_' || definition AS definition,
        CASE definition WHEN 'broad' THEN '907+9062+9082' WHEN 'narrow' THEN '9072+9062+9082' END AS items,
        component_name_en AS definition_name_en,
        'boj' AS source_id,
        balance_usd,
        balance_jpy,
        is_sample
    FROM marts.digital_deficit_annual
    WHERE component = 'total'
),
gdp AS (
    SELECT
        g.area,
        CAST(g.period AS INTEGER) AS year,
        g.value AS gdp_usd,
        g.value * r.value AS gdp_lcu,
        g.is_sample OR coalesce(r.is_sample, FALSE) AS is_sample
    FROM core.observations AS g
    LEFT JOIN core.observations AS r
        ON r.valid_to IS NULL AND r.indicator_id = 'wb_fx_lcu_per_usd' AND r.area = g.area AND r.period = g.period
        AND r.value > 0
    WHERE g.valid_to IS NULL AND g.indicator_id = 'wb_gdp_usd' AND regexp_full_match(g.period, '[0-9]{4}')
        AND g.value > 0
),
area_names AS (
    SELECT code AS area, name_en FROM core.codes WHERE source_id = 'oecd' AND codelist_id = 'CL_AREA'
),
all_rows AS (
    SELECT * FROM oecd_rows
    UNION ALL
    SELECT * FROM boj_rows
)
SELECT
    r.year,
    r.area,
    coalesce(a.name_en, r.area) AS area_name_en,
    r.definition,
    r.items,
    r.definition_name_en,
    CASE
        WHEN r.definition = 'oecd_si_sh' THEN
            'OECD Trade in services, balance with the world, US$ at exchange rates: SI + SH. SH covers every '
            || 'charge for the use of intellectual property (patents too), not only copyrights (BOJ 9062): '
            || 'Japan earns a surplus on SH, so this is not the digital deficit MOF reports. '
            || '% of GDP: balance_usd / World Bank GDP in current US$.'
        WHEN r.source_id = 'oecd' THEN
            'OECD Trade in services, balance with the world, US$ at exchange rates: item ' || r.items
            || '. % of GDP: balance_usd / World Bank GDP in current US$.'
        ELSE
            'BOJ balance of payments, ' || r.definition_name_en || ' (marts.digital_deficit_annual): '
            || 'US$ at each month''s BOJ average USD/JPY; % of GDP: yen balance / World Bank GDP in yen '
            || '(current US$ x PA.NUS.FCRF).'
    END AS definition_note,
    r.source_id,
    r.balance_usd,
    g.gdp_usd,
    CASE
        WHEN r.source_id = 'boj' THEN 100.0 * r.balance_jpy / g.gdp_lcu
        ELSE 100.0 * r.balance_usd / g.gdp_usd
    END AS balance_pct_gdp,
    r.is_sample OR coalesce(g.is_sample, FALSE) AS is_sample
FROM all_rows AS r
LEFT JOIN gdp AS g ON g.area = r.area AND g.year = r.year
LEFT JOIN area_names AS a ON a.area = r.area
ORDER BY r.definition, r.area, r.year;

COMMENT ON TABLE marts.digital_balance_by_country IS 'Japan''s digital-services balance beside Korea''s, China''s and the United States'', in US dollars and percent of GDP: OECD EBOPS items SI and SH and their sum for every economy (the same definition for all), and for Japan also the BOJ broad and narrow totals of marts.digital_deficit_annual. One row per (definition, area, year), in that order. Rules: warehouse/marts/15_digital_balance_by_country.sql.';
COMMENT ON COLUMN marts.digital_balance_by_country.year IS 'Calendar year.';
COMMENT ON COLUMN marts.digital_balance_by_country.area IS 'ISO 3166-1 alpha-3 code of the economy (JPN, KOR, CHN, USA).';
COMMENT ON COLUMN marts.digital_balance_by_country.area_name_en IS 'Name of the economy as the OECD code list names it (core.codes, CL_AREA); the code itself when the code list is not loaded.';
COMMENT ON COLUMN marts.digital_balance_by_country.definition IS 'Which balance the row is: oecd_si (OECD EBOPS SI, telecommunications, computer and information services), oecd_sh (SH, charges for the use of intellectual property), oecd_si_sh (SI + SH, both required), boj_broad (Japan, BOJ items 907 + 9062 + 9082) or boj_narrow (Japan, 9072 + 9062 + 9082). Compare economies within one definition.';
COMMENT ON COLUMN marts.digital_balance_by_country.items IS 'The items added up: SI, SH, SI+SH (OECD EBOPS 2010 codes) or the BOJ item codes.';
COMMENT ON COLUMN marts.digital_balance_by_country.definition_name_en IS 'The definition in words: OECD item names from the OECD code list (core.codes, CL_BOP6_SERVICES), the BOJ total as named in marts.digital_deficit_annual.';
COMMENT ON COLUMN marts.digital_balance_by_country.definition_note IS 'Source, currency conversion and %-of-GDP method of the row, and the caveat of SI + SH against the BOJ definitions, in words.';
COMMENT ON COLUMN marts.digital_balance_by_country.source_id IS 'Source of balance_usd: oecd (Trade in services, balance with the world) or boj (computed in marts.digital_deficit_annual).';
COMMENT ON COLUMN marts.digital_balance_by_country.balance_usd IS 'Net balance in US dollars (negative = deficit): OECD rows as published (US$ at exchange rates; SI + SH is the sum of the two); BOJ rows each month converted at that month''s BOJ average USD/JPY (marts.digital_deficit_annual.balance_usd).';
COMMENT ON COLUMN marts.digital_balance_by_country.gdp_usd IS 'GDP of the economy in current US dollars, World Bank NY.GDP.MKTP.CD, same year; NULL when the World Bank has none.';
COMMENT ON COLUMN marts.digital_balance_by_country.balance_pct_gdp IS 'Balance in percent of GDP (negative = deficit), not rounded. OECD rows: 100 * balance_usd / gdp_usd (both annual values at annual-average market rates). BOJ rows: 100 * yen balance / (gdp_usd x World Bank PA.NUS.FCRF), i.e. yen over yen, equal to marts.digital_deficit_annual.balance_pct_gdp. NULL when GDP is missing.';
COMMENT ON COLUMN marts.digital_balance_by_country.is_sample IS 'TRUE when the balance or the GDP (or rate) used is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
