-- inputs: boj, eurostat, worldbank, indicators
-- grain: year, item
-- unit japan_credit_jpy, eu_debit_jpy, credit_gap_jpy, japan_debit_jpy, eu_credit_jpy, debit_gap_jpy: JPY
-- unit japan_credit_eur, eu_debit_eur, japan_debit_eur, eu_credit_eur: EUR
-- unit credit_gap_pct, debit_gap_pct: percent
-- unit jpy_per_eur: JPY per EUR
-- marts.eu_japan_digital_mirror: the same flows seen from both ends. By year and item, Japan's credit
-- and debit with the EU as the BOJ reports them (quarterly regional series, the four quarters summed;
-- a year counts only when all four are there) beside the EU's debit and credit with Japan as Eurostat
-- reports them (bop_its6_det, annual). Japan's credit is the EU's debit and the other way round, so
-- the two should match; the asymmetry is what they do not.
-- Both sides are given in yen and in euro: yen per euro = (yen per USD) / (euro per USD), the World
-- Bank's official annual rates (PA.NUS.FCRF) for Japan and for the euro area (EMU), one source and one
-- definition for both currencies. Without both rates for a year the converted columns are NULL.
CREATE OR REPLACE TABLE marts.eu_japan_digital_mirror AS
WITH items(item, item_name, flow, boj_indicator, eurostat_indicator) AS (
    -- Japan's credit (receipts from the EU) mirrors the EU's debit (payments to Japan), and so on
    VALUES
        ('TCI', 'Telecommunications, computer and information services', 'japan_credit',
         'boj_jpn_eu_tci_credit', 'estat_eu_jpn_tci_debit'),
        ('TCI', 'Telecommunications, computer and information services', 'japan_debit',
         'boj_jpn_eu_tci_debit', 'estat_eu_jpn_tci_credit'),
        ('IP', 'Charges for the use of intellectual property', 'japan_credit',
         'boj_jpn_eu_ip_credit', 'estat_eu_jpn_ip_debit'),
        ('IP', 'Charges for the use of intellectual property', 'japan_debit',
         'boj_jpn_eu_ip_debit', 'estat_eu_jpn_ip_credit')
),
boj_year AS (
    SELECT
        i.item,
        i.flow,
        CAST(substr(o.period, 1, 4) AS INTEGER) AS year,
        sum(o.value) AS value_jpy,
        count(o.value) AS quarters,
        bool_or(o.is_sample) AS is_sample
    FROM core.observations AS o
    JOIN items AS i ON i.boj_indicator = o.indicator_id
    WHERE o.valid_to IS NULL AND o.area = 'JPN' AND o.counterpart_area = 'EU27_2020' AND o.period LIKE '____-Q_'
    GROUP BY ALL
    HAVING count(o.value) = 4 AND count(DISTINCT o.period) = 4
),
eurostat_year AS (
    SELECT
        i.item,
        i.flow,
        CAST(o.period AS INTEGER) AS year,
        o.value AS value_eur,
        o.obs_status,
        o.is_sample
    FROM core.observations AS o
    JOIN items AS i ON i.eurostat_indicator = o.indicator_id
    WHERE o.valid_to IS NULL AND o.area = 'EU27_2020' AND o.counterpart_area = 'JPN'
        AND regexp_full_match(o.period, '\d{4}') AND o.value IS NOT NULL
),
fx AS (
    SELECT
        CAST(jpn.period AS INTEGER) AS year,
        jpn.value / emu.value AS jpy_per_eur,
        jpn.is_sample OR emu.is_sample AS is_sample
    FROM core.observations AS jpn
    JOIN core.observations AS emu
        ON emu.indicator_id = jpn.indicator_id AND emu.period = jpn.period
        AND emu.area = 'EMU' AND emu.valid_to IS NULL AND emu.value > 0
    WHERE jpn.indicator_id = 'wb_fx_lcu_per_usd' AND jpn.area = 'JPN' AND jpn.valid_to IS NULL
        AND jpn.value > 0 AND regexp_full_match(jpn.period, '\d{4}')
),
sides AS (
    SELECT
        coalesce(b.item, e.item) AS item,
        coalesce(b.flow, e.flow) AS flow,
        coalesce(b.year, e.year) AS year,
        b.value_jpy AS boj_jpy,
        e.value_eur AS eurostat_eur,
        e.obs_status AS eurostat_status,
        coalesce(b.is_sample, FALSE) OR coalesce(e.is_sample, FALSE) AS is_sample
    FROM boj_year AS b
    FULL OUTER JOIN eurostat_year AS e USING (item, flow, year)
),
wide AS (
    SELECT
        s.year,
        s.item,
        max(s.boj_jpy) FILTER (WHERE s.flow = 'japan_credit') AS japan_credit_jpy,
        max(s.boj_jpy) FILTER (WHERE s.flow = 'japan_debit') AS japan_debit_jpy,
        max(s.eurostat_eur) FILTER (WHERE s.flow = 'japan_credit') AS eu_debit_eur,
        max(s.eurostat_eur) FILTER (WHERE s.flow = 'japan_debit') AS eu_credit_eur,
        string_agg(DISTINCT s.eurostat_status, ',' ORDER BY s.eurostat_status) AS eu_obs_status,
        bool_or(s.is_sample) AS is_sample
    FROM sides AS s
    GROUP BY s.year, s.item
),
names AS (
    SELECT DISTINCT item, item_name FROM items
)
SELECT
    w.year,
    w.item,
    n.item_name,
    w.japan_credit_jpy,
    w.eu_debit_eur * f.jpy_per_eur AS eu_debit_jpy,
    w.japan_credit_jpy - w.eu_debit_eur * f.jpy_per_eur AS credit_gap_jpy,
    round(100.0 * (w.japan_credit_jpy - w.eu_debit_eur * f.jpy_per_eur) / nullif(w.eu_debit_eur * f.jpy_per_eur, 0), 2)
        AS credit_gap_pct,
    w.japan_debit_jpy,
    w.eu_credit_eur * f.jpy_per_eur AS eu_credit_jpy,
    w.japan_debit_jpy - w.eu_credit_eur * f.jpy_per_eur AS debit_gap_jpy,
    round(100.0 * (w.japan_debit_jpy - w.eu_credit_eur * f.jpy_per_eur) / nullif(w.eu_credit_eur * f.jpy_per_eur, 0), 2)
        AS debit_gap_pct,
    w.japan_credit_jpy / f.jpy_per_eur AS japan_credit_eur,
    w.eu_debit_eur,
    w.japan_debit_jpy / f.jpy_per_eur AS japan_debit_eur,
    w.eu_credit_eur,
    f.jpy_per_eur,
    w.eu_obs_status,
    w.is_sample OR coalesce(f.is_sample, FALSE) AS is_sample
FROM wide AS w
JOIN names AS n USING (item)
LEFT JOIN fx AS f USING (year)
ORDER BY w.item, w.year;

COMMENT ON TABLE marts.eu_japan_digital_mirror IS 'Japan''s trade with the EU in telecommunications, computer and information services (TCI) and in charges for the use of intellectual property (IP), by year: as the BOJ reports it (quarterly regional balance of payments, four quarters summed, complete years only) beside the mirror flows the EU reports with Japan (Eurostat bop_its6_det, EU27_2020), in yen and euro (World Bank official rates through USD), with the mirror asymmetry. Japan''s credit should equal the EU''s debit, and Japan''s debit the EU''s credit.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.year IS 'Calendar year.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.item IS 'TCI (BOJ item 96 / EBOPS SI) or IP (BOJ item 95 / EBOPS SH).';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.item_name IS 'Name of the item.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.japan_credit_jpy IS 'Japan''s receipts from the EU in yen, BOJ (BPBP6QSCEU96 / BPBP6QSCEU95), sum of the four quarters; NULL when a quarter is missing.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.eu_debit_jpy IS 'The EU''s payments to Japan (Eurostat debit, the mirror of japan_credit) in yen: eu_debit_eur × jpy_per_eur.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.credit_gap_jpy IS 'japan_credit_jpy − eu_debit_jpy: how much more Japan reports receiving from the EU than the EU reports paying to Japan (negative: less).';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.credit_gap_pct IS 'credit_gap_jpy in percent of eu_debit_jpy, rounded to 2 decimals (the same in euro).';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.japan_debit_jpy IS 'Japan''s payments to the EU in yen, BOJ (BPBP6QSDEU96 / BPBP6QSDEU95), sum of the four quarters; NULL when a quarter is missing.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.eu_credit_jpy IS 'The EU''s receipts from Japan (Eurostat credit, the mirror of japan_debit) in yen: eu_credit_eur × jpy_per_eur.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.debit_gap_jpy IS 'japan_debit_jpy − eu_credit_jpy: how much more Japan reports paying to the EU than the EU reports receiving from Japan (negative: less).';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.debit_gap_pct IS 'debit_gap_jpy in percent of eu_credit_jpy, rounded to 2 decimals (the same in euro).';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.japan_credit_eur IS 'japan_credit_jpy in euro: japan_credit_jpy / jpy_per_eur.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.eu_debit_eur IS 'The EU''s payments to Japan in euro, Eurostat (stk_flow DEB), as published.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.japan_debit_eur IS 'japan_debit_jpy in euro: japan_debit_jpy / jpy_per_eur.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.eu_credit_eur IS 'The EU''s receipts from Japan in euro, Eurostat (stk_flow CRE), as published.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.jpy_per_eur IS 'Yen per euro for the year: World Bank PA.NUS.FCRF for Japan (yen per USD) divided by that for the euro area EMU (euro per USD); NULL when either is missing.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.eu_obs_status IS 'Eurostat flags of the year''s two EU values (p provisional, e estimated, ...), comma-separated; NULL when none.';
COMMENT ON COLUMN marts.eu_japan_digital_mirror.is_sample IS 'TRUE when any input (BOJ quarter, Eurostat value or exchange rate) is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
