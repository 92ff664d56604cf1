-- Open a row for every new key and every revised value.
INSERT INTO core.observations BY NAME
SELECT
    indicator_id, area, period, value, unit, obs_status, source_id, series_code, raw_sha256, is_sample,
    new_valid_from AS valid_from, NULL::TIMESTAMP AS valid_to, load_id
FROM obs_batch
WHERE is_new OR is_changed
