-- Open a row for every new key and every revised value (obs_to_write, classified in Polars).
INSERT INTO core.observations BY NAME
SELECT
    indicator_id, area, counterpart_area, period, value, unit, obs_status, source_id, series_code, raw_sha256,
    is_sample, valid_from, NULL::TIMESTAMP AS valid_to, load_id
FROM obs_to_write
