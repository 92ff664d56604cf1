-- DuckDB alone on BOJ getDataCode JSON bodies ($files): every point of every series into obs.
INSERT INTO obs
WITH s AS (SELECT unnest(RESULTSET) AS r FROM read_json($files, maximum_object_size = 1000000000))
SELECT r.SERIES_CODE, 'JPN', unnest(r."VALUES".SURVEY_DATES)::VARCHAR, unnest(r."VALUES"."VALUES")::DOUBLE * 1e8
FROM s
