-- Yen per unit of each currency the warehouse can convert, from the latest rates it holds:
-- USD from the BOJ monthly average (latest complete year), else the curated annual rate;
-- KRW and CNY from World Bank official rates (LCU per USD); TWD from the curated CBC rate.
WITH usd_boj AS (
    -- the mean over DECIMAL is exact, so it does not depend on the order rows are read in (a DOUBLE sum
    -- does, in its last digits, and the lake and the file read them in different orders)
    SELECT substr(period, 1, 4) AS year, avg(CAST(value AS DECIMAL(18, 6)))::DOUBLE AS jpy_per_usd
    FROM core.observations
    WHERE valid_to IS NULL AND indicator_id = 'fx_usdjpy_monthly_avg' AND value IS NOT NULL
    GROUP BY year
    HAVING count(*) = 12
),
usd_curated AS (
    SELECT period AS year, value AS jpy_per_usd
    FROM core.observations
    WHERE valid_to IS NULL AND indicator_id = 'pub_fx_jpy_per_usd_boj'
),
usd AS (
    SELECT jpy_per_usd FROM (SELECT * FROM usd_boj UNION ALL SELECT * FROM usd_curated)
    ORDER BY year DESC LIMIT 1
),
lcu AS (
    SELECT area, value AS lcu_per_usd
    FROM core.observations
    WHERE valid_to IS NULL AND value IS NOT NULL
        AND ((indicator_id = 'wb_fx_lcu_per_usd' AND area IN ('KOR', 'CHN'))
             OR indicator_id = 'pub_fx_twd_per_usd_cbc')
    QUALIFY row_number() OVER (PARTITION BY area ORDER BY period DESC) = 1
)
SELECT 'USD' AS currency, jpy_per_usd AS jpy_per_unit FROM usd
UNION ALL
SELECT CASE lcu.area WHEN 'KOR' THEN 'KRW' WHEN 'CHN' THEN 'CNY' WHEN 'TWN' THEN 'TWD' END,
       usd.jpy_per_usd / lcu.lcu_per_usd
FROM lcu CROSS JOIN usd
