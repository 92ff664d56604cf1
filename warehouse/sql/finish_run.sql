UPDATE ops.runs
SET finished_at = $finished_at, status = $status, rows_parsed = $rows_parsed, rows_loaded = $rows_loaded,
    rows_revised = $rows_revised, rows_unchanged = $rows_unchanged, rows_quarantined = $rows_quarantined,
    error = $error
WHERE run_id = $run_id
