-- DuckDB alone on World Bank v2 JSON pages ($files): [paging, rows] -> rows into obs (baselines.md d2).
INSERT INTO obs
SELECT r.indicator.id, r.countryiso3code, r.date, r.value
FROM (
    SELECT unnest(from_json(
        json,
        '[{"indicator":{"id":"VARCHAR"},"countryiso3code":"VARCHAR","date":"VARCHAR","value":"DOUBLE"}]'
    )) AS r
    FROM read_json($files, format = 'unstructured', records = false, maximum_object_size = 1000000000)
    WHERE json_type(json) = 'ARRAY'
)
