-- Health of every source, for the manifest and `mieruka status`.
SELECT source_id, last_success, last_error_at, last_error, consecutive_failures
FROM ops.source_health
ORDER BY source_id
