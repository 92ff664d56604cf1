-- What a run loaded, recorded after its load transaction; the status stays 'running' until the publication
-- is in place (finish_run.sql), so a run that dies while publishing is never recorded as succeeded.
UPDATE ops.runs
SET rows_parsed = $rows_parsed, rows_loaded = $rows_loaded, rows_revised = $rows_revised,
    rows_unchanged = $rows_unchanged, rows_quarantined = $rows_quarantined, error = $error,
    commit_retries = $commit_retries, lake_snapshot = $lake_snapshot
WHERE run_id = $run_id
