-- How each source flow run of a fanned-out run ended, as its own load recorded it in ops.run_sources
-- (flows/workers.py reads these once every flow run has ended).
SELECT source_id, status, error, requests, bytes, bodies_skipped, rows_parsed, rows_quarantined,
       rows_loaded, rows_revised, rows_unchanged, coalesce(commit_retries, 0)
FROM ops.run_sources WHERE run_id = $run_id
