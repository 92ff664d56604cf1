-- The final status of a run, written once its publication is in place or has failed: succeeded, partial
-- (some sources failed, the rest published), failed (all sources failed, or nothing was published).
UPDATE ops.runs
SET finished_at = $finished_at, status = $status, error = $error
WHERE run_id = $run_id
