UPDATE ops.source_health
SET last_error_at = $at, last_error = $error, consecutive_failures = consecutive_failures + 1
WHERE source_id = $source_id
