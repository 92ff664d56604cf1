-- The sources whose rows this run (stage_run) changed: new or revised observations or articles.
SELECT source_id
FROM ops.run_sources
WHERE run_id = (SELECT run_id FROM stage_run) AND rows_loaded + rows_revised > 0
