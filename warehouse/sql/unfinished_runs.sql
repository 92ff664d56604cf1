-- Runs still 'running' at the start of run $run_id, with the status repair_unfinished_runs.sql gives them.
SELECT run_id, CASE WHEN run_id = $published_run_id THEN $published_status ELSE 'abandoned' END AS status
FROM ops.runs
WHERE status = 'running' AND run_id <> $run_id
ORDER BY run_id
