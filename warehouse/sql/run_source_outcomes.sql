-- How each source of the run (stage_run) ended, as its load recorded it in ops.run_sources, with the
-- notes its adapter gave.
SELECT source_id, status, error, notes
FROM ops.run_sources
WHERE run_id = (SELECT run_id FROM stage_run)
ORDER BY source_id
