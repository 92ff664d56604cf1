-- inputs: *
-- grain: indicator_id, area
-- unit value: [unit]
-- marts.indicator_latest: the latest current value of every indicator in every area, with what it means.
-- "Latest" is the greatest period that has a value, periods compared as text within one indicator
-- (YYYY, YYYY-MM, YYYY-Qn and YYYY-MM-DD sort in time order as text; an indicator mixing YYYY and
-- FYYYYY periods sorts FYYYYY after every YYYY).
CREATE OR REPLACE TABLE marts.indicator_latest AS
WITH current_rows AS (
    SELECT
        o.*,
        count(o.value) OVER (PARTITION BY o.indicator_id, o.area) AS periods_with_value,
        row_number() OVER (
            PARTITION BY o.indicator_id, o.area ORDER BY (o.value IS NOT NULL) DESC, o.period DESC
        ) AS pick
    FROM core.observations AS o
    WHERE o.valid_to IS NULL
)
SELECT
    c.indicator_id,
    c.area,
    i.name_en,
    i.name_ja,
    coalesce(i.unit, c.unit) AS unit,
    i.frequency,
    c.source_id,
    c.period AS latest_period,
    c.value,
    c.obs_status,
    c.valid_from AS vintage,
    c.periods_with_value,
    i.credit,
    c.is_sample
FROM current_rows AS c
LEFT JOIN core.indicators AS i USING (indicator_id)
WHERE c.pick = 1
ORDER BY c.indicator_id, c.area;

COMMENT ON TABLE marts.indicator_latest IS 'The latest current value of every indicator and area in core.observations (valid_to IS NULL), with the indicator''s names, unit, source and credit line.';
COMMENT ON COLUMN marts.indicator_latest.indicator_id IS 'Indicator (core.indicators.indicator_id).';
COMMENT ON COLUMN marts.indicator_latest.area IS 'ISO 3166-1 alpha-3 code of the economy.';
COMMENT ON COLUMN marts.indicator_latest.name_en IS 'Name of the indicator in English.';
COMMENT ON COLUMN marts.indicator_latest.name_ja IS 'Name of the indicator in Japanese.';
COMMENT ON COLUMN marts.indicator_latest.unit IS 'Canonical unit of value (JPY, USD, JPY per USD, LCU per USD).';
COMMENT ON COLUMN marts.indicator_latest.frequency IS 'monthly, quarterly or annual.';
COMMENT ON COLUMN marts.indicator_latest.source_id IS 'Source of the value (boj, worldbank, estat, oecd, published, ...).';
COMMENT ON COLUMN marts.indicator_latest.latest_period IS 'Greatest period with a non-NULL value, periods compared as text within the indicator (FYYYYY sorts after YYYY); when no period has a value, the greatest period (value NULL, obs_status says why).';
COMMENT ON COLUMN marts.indicator_latest.value IS 'Current value for latest_period in the canonical unit.';
COMMENT ON COLUMN marts.indicator_latest.obs_status IS 'Status of the value: NULL for a normal value; otherwise as the source says (provisional, missing, ...) or, for curated figures, the qualifier (approx, at_least, target, estimate, ...).';
COMMENT ON COLUMN marts.indicator_latest.vintage IS 'valid_from of the value: UTC time from which it is the one known (the source''s release date where it states one, else the fetch time).';
COMMENT ON COLUMN marts.indicator_latest.periods_with_value IS 'Number of current periods of the indicator and area that have a value.';
COMMENT ON COLUMN marts.indicator_latest.credit IS 'Credit line the source requires when its data is published (core.indicators.credit).';
COMMENT ON COLUMN marts.indicator_latest.is_sample IS 'TRUE when the value is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
