-- Append a version for every new key and every revised value of the classified wave. Nothing is
-- updated: the version before a revised one ends where this one begins (core.observations).
INSERT INTO core.observation_versions BY NAME
SELECT
    indicator_id, area, counterpart_area, period, value, unit, obs_status, source_id, series_code, raw_sha256,
    is_sample, valid_from, fetched_at AS recorded_at, load_id
FROM classified
WHERE is_new OR is_changed
