UPDATE ops.source_health SET last_success = $at, consecutive_failures = 0 WHERE source_id = $source_id
