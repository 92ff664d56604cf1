-- Per source: rows inserted for new keys, revised, and unchanged in this batch.
SELECT
    source_id,
    count(*) FILTER (WHERE is_new) AS loaded,
    count(*) FILTER (WHERE is_changed) AS revised,
    count(*) FILTER (WHERE NOT is_new AND NOT is_changed) AS unchanged
FROM obs_batch
GROUP BY source_id
