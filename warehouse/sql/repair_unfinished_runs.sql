-- Runs still 'running' at the start of run $run_id died without recording their end (the caller holds the
-- warehouse lock, so none of them is alive): killed, crashed, or their final write failed (a full disk).
-- The run the current publication names ($published_run_id, from published/manifest.json) did publish: it
-- gets the status it published with. Any other is 'abandoned'. The reason is appended to error.
-- (unfinished_runs.sql lists them first, in the same transaction: a DuckLake UPDATE has no RETURNING.)
UPDATE ops.runs
SET status = CASE WHEN run_id = $published_run_id THEN $published_status ELSE 'abandoned' END,
    finished_at = CASE WHEN run_id = $published_run_id THEN $published_at ELSE finished_at END,
    error = concat_ws(chr(10), error, CASE
        WHEN run_id = $published_run_id THEN
            'repaired by run ' || $run_id || ': its publication completed (published/manifest.json names it) but '
            || 'the process ended before recording its final status'
        ELSE
            'abandoned: the process ended (killed, crashed, or its last write failed) before the run recorded '
            || 'its end; its publication did not complete; found by run ' || $run_id
        END)
WHERE status = 'running' AND run_id <> $run_id
