-- 005: per run and source, rows added, revised and unchanged next to the revision detail.
CREATE VIEW ops.revision_summary AS
SELECT
    s.run_id,
    s.source_id,
    s.rows_loaded AS rows_added,
    s.rows_revised,
    s.rows_unchanged,
    max(abs(r.change_pct)) AS largest_change_pct
FROM ops.run_sources AS s
LEFT JOIN ops.revisions AS r USING (run_id, source_id)
GROUP BY ALL;
COMMENT ON VIEW ops.revision_summary IS 'Per run and source: rows added, revised (detail in ops.revisions) and unchanged.';
COMMENT ON COLUMN ops.revision_summary.run_id IS 'Run.';
COMMENT ON COLUMN ops.revision_summary.source_id IS 'Source.';
COMMENT ON COLUMN ops.revision_summary.rows_added IS 'Rows for keys not seen before.';
COMMENT ON COLUMN ops.revision_summary.rows_revised IS 'Rows whose value changed (old row closed, new one opened).';
COMMENT ON COLUMN ops.revision_summary.rows_unchanged IS 'Rows equal to the value already current.';
COMMENT ON COLUMN ops.revision_summary.largest_change_pct IS 'Largest absolute revision of the run for the source, in percent.';
