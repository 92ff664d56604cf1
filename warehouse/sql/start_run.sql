INSERT INTO ops.runs (run_id, started_at, mode, status, sources)
VALUES ($run_id, $started_at, $mode, 'running', $sources)
