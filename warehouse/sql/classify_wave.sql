-- One wave of the staged observations (staged_obs), each row against the current version of its key:
-- new (no version yet), changed (value, unit, status or sample flag differ) or unchanged. A changed
-- row is valid from its own release date, or just after the version it follows when the source
-- dates it earlier (a revised body with an unchanged LAST_UPDATE), so a key's versions stay in order.
CREATE OR REPLACE TEMP TABLE classified AS
WITH wave AS (
    SELECT * EXCLUDE (wave) FROM staged_obs WHERE wave = $wave
),
current_version AS (
    SELECT v.indicator_id, v.area, v.counterpart_area, v.period, v.value, v.unit, v.obs_status, v.is_sample,
           v.valid_from
    FROM core.observation_versions AS v
    SEMI JOIN wave AS w USING (indicator_id, area, counterpart_area, period)
    QUALIFY row_number() OVER (
        PARTITION BY v.indicator_id, v.area, v.counterpart_area, v.period ORDER BY v.valid_from DESC, v.recorded_at DESC
    ) = 1
)
SELECT
    w.indicator_id, w.area, w.counterpart_area, w.period, w.value, w.unit, w.obs_status, w.source_id,
    w.series_code, w.raw_sha256, w.is_sample, w.fetched_at, w.load_id,
    CASE WHEN c.valid_from IS NOT NULL AND w.valid_from <= c.valid_from
         THEN greatest(w.fetched_at, c.valid_from + INTERVAL 1 MICROSECOND)
         ELSE w.valid_from END AS valid_from,
    c.valid_from IS NULL AS is_new,
    c.valid_from IS NOT NULL AND (
        w.value IS DISTINCT FROM c.value OR w.unit IS DISTINCT FROM c.unit
        OR w.obs_status IS DISTINCT FROM c.obs_status OR w.is_sample IS DISTINCT FROM c.is_sample
    ) AS is_changed,
    c.value AS previous_value
FROM wave AS w
LEFT JOIN current_version AS c
    ON c.indicator_id = w.indicator_id AND c.area = w.area AND c.counterpart_area = w.counterpart_area
    AND c.period = w.period
