-- Record the values the classified wave revised, with the value they replace.
INSERT INTO ops.revisions BY NAME
SELECT
    $run_id AS run_id, source_id, indicator_id, area, counterpart_area, period,
    previous_value AS old_value, value AS new_value, value - previous_value AS change,
    CASE WHEN previous_value IS NULL OR previous_value = 0 THEN NULL
         ELSE round(100.0 * (value - previous_value) / abs(previous_value), 4) END AS change_pct,
    valid_from
FROM classified
WHERE is_changed
