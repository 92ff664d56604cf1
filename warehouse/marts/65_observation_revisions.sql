-- inputs: *
-- grain: indicator_id, area, period
-- unit first_value, latest_value, revision: [unit]
-- unit revision_pct: percent
-- marts.observation_revisions: for every indicator, area and period, the value first published beside the
-- latest, for charts of "first published vs latest".
-- core.observations is bitemporal: each vintage of a value is a row valid over [valid_from, valid_to); a
-- revision closes the old row and opens a new one (each step is also logged in ops.revisions, with the run
-- that loaded it). Here the first vintage is the row with the earliest valid_from and the latest is the
-- current row (valid_to IS NULL), or the last vintage if none is current. Values that were never revised
-- have one vintage and equal first and latest values, so a chart can show every period; filter on
-- revised for the revisions alone.
-- The first vintage is what the warehouse first recorded: its valid_from is the source's release date
-- where the source states one (BOJ LAST_UPDATE, World Bank lastupdated, a curated figure's publication
-- date), else the time it was first fetched, so a value published before the warehouse began is "first"
-- as of its earliest recording.
CREATE OR REPLACE TABLE marts.observation_revisions AS
WITH vintages AS (
    SELECT
        indicator_id,
        area,
        period,
        value,
        unit,
        source_id,
        valid_from,
        valid_to,
        is_sample,
        row_number() OVER (
            PARTITION BY indicator_id, area, period ORDER BY valid_from, valid_to NULLS LAST
        ) AS from_first,
        row_number() OVER (
            PARTITION BY indicator_id, area, period ORDER BY valid_to IS NULL DESC, valid_from DESC, valid_to DESC
        ) AS from_latest,
        count(*) OVER (PARTITION BY indicator_id, area, period) AS vintage_count
    FROM core.observations
),
first_vintage AS (
    SELECT * FROM vintages WHERE from_first = 1
),
latest_vintage AS (
    SELECT * FROM vintages WHERE from_latest = 1
)
SELECT
    f.indicator_id,
    i.name_en AS indicator_name_en,
    i.name_ja AS indicator_name_ja,
    f.area,
    f.period,
    coalesce(i.unit, l.unit) AS unit,
    l.source_id,
    f.value AS first_value,
    f.valid_from AS first_valid_from,
    l.value AS latest_value,
    l.valid_from AS latest_valid_from,
    f.vintage_count,
    l.value - f.value AS revision,
    100.0 * (l.value - f.value) / nullif(abs(f.value), 0) AS revision_pct,
    l.value IS DISTINCT FROM f.value AS revised,
    f.is_sample OR l.is_sample AS is_sample
FROM first_vintage AS f
JOIN latest_vintage AS l USING (indicator_id, area, period)
LEFT JOIN core.indicators AS i ON i.indicator_id = f.indicator_id
ORDER BY f.indicator_id, f.area, f.period;

COMMENT ON TABLE marts.observation_revisions IS 'First-published against latest value of every indicator, area and period in core.observations (bitemporal), for charts of revisions; each revision step is in ops.revisions. One row per (indicator_id, area, period), in that order. Rules: warehouse/marts/65_observation_revisions.sql.';
COMMENT ON COLUMN marts.observation_revisions.indicator_id IS 'Indicator (core.indicators.indicator_id).';
COMMENT ON COLUMN marts.observation_revisions.indicator_name_en IS 'English name of indicator_id (core.indicators.name_en).';
COMMENT ON COLUMN marts.observation_revisions.indicator_name_ja IS 'Japanese name of indicator_id (core.indicators.name_ja).';
COMMENT ON COLUMN marts.observation_revisions.area IS 'ISO 3166-1 alpha-3 code of the economy.';
COMMENT ON COLUMN marts.observation_revisions.period IS 'Period: YYYY, YYYY-MM, YYYY-Qn, FYYYYY or YYYY-MM-DD (as in core.observations).';
COMMENT ON COLUMN marts.observation_revisions.unit IS 'Canonical unit of the values (core.indicators.unit: JPY, USD, JPY per USD, ...).';
COMMENT ON COLUMN marts.observation_revisions.source_id IS 'Source of the latest value (boj, worldbank, estat, oecd, published, ...).';
COMMENT ON COLUMN marts.observation_revisions.first_value IS 'Value of the first vintage the warehouse holds (earliest valid_from), in unit.';
COMMENT ON COLUMN marts.observation_revisions.first_valid_from IS 'valid_from of the first vintage (UTC): the source''s release date where it states one, else when it was first fetched.';
COMMENT ON COLUMN marts.observation_revisions.latest_value IS 'Value of the latest vintage (the current row, valid_to IS NULL), in unit.';
COMMENT ON COLUMN marts.observation_revisions.latest_valid_from IS 'valid_from of the latest vintage (UTC); equals first_valid_from when the value has one vintage.';
COMMENT ON COLUMN marts.observation_revisions.vintage_count IS 'Number of vintages (rows in core.observations) of the value: 1 = never revised.';
COMMENT ON COLUMN marts.observation_revisions.revision IS 'latest_value - first_value, in unit (0 when never revised); NULL when either is NULL.';
COMMENT ON COLUMN marts.observation_revisions.revision_pct IS 'revision in percent of the absolute first_value, not rounded; NULL when first_value is 0 or NULL.';
COMMENT ON COLUMN marts.observation_revisions.revised IS 'TRUE when the latest value differs from the first published one (a value revised and revised back is FALSE; see vintage_count).';
COMMENT ON COLUMN marts.observation_revisions.is_sample IS 'TRUE when the first or the latest vintage is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
