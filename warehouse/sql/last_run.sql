-- The last run started, for `mieruka status`.
SELECT run_id, mode, status, finished_at FROM ops.runs ORDER BY started_at DESC LIMIT 1
