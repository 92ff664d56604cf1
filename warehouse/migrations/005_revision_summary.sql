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
