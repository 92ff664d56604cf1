-- The ten largest revisions of a run, by relative change.
SELECT source_id, indicator_id, area, period, old_value, new_value, change, change_pct
FROM ops.revisions
WHERE run_id = $run_id
ORDER BY abs(change_pct) DESC NULLS LAST, abs(change) DESC
LIMIT 10
