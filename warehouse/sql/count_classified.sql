-- Per source: rows of the classified wave that are new, revised and unchanged.
SELECT
    source_id,
    count(*) FILTER (WHERE is_new) AS loaded,
    count(*) FILTER (WHERE is_changed) AS revised,
    count(*) FILTER (WHERE NOT is_new AND NOT is_changed) AS unchanged
FROM classified
GROUP BY source_id
