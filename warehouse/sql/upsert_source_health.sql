-- One row per source: success resets the failure count, a failure increments it.
INSERT INTO ops.source_health BY NAME
SELECT $source_id AS source_id, NULL::TIMESTAMP AS last_success, NULL::TIMESTAMP AS last_error_at,
       NULL AS last_error, 0 AS consecutive_failures
WHERE NOT EXISTS (SELECT 1 FROM ops.source_health WHERE source_id = $source_id)
