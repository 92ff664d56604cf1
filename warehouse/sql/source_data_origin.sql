-- Per source, for `mieruka status`: what the latest run that included it did (succeeded, failed or
-- skipped), whether its current data are samples, and whether its latest fetch was a replayed
-- snapshot; so that replayed samples are never shown as fresh.
WITH last_run AS (
    SELECT rs.source_id, arg_max(rs.status, r.started_at) AS last_status, max(r.started_at) AS last_run_at
    FROM ops.run_sources AS rs
    JOIN ops.runs AS r USING (run_id)
    GROUP BY rs.source_id
),
current_rows AS (
    SELECT source_id, is_sample FROM core.observations WHERE valid_to IS NULL
    UNION ALL
    SELECT source_id, is_sample FROM core.articles
),
samples AS (
    SELECT source_id, bool_or(is_sample) AS is_sample, count(*) AS current_rows
    FROM current_rows
    GROUP BY source_id
),
last_fetch AS (
    SELECT source_id, arg_max(from_snapshot, fetched_at) AS replayed
    FROM raw.fetches
    GROUP BY source_id
)
SELECT l.source_id, l.last_status, l.last_run_at, coalesce(s.is_sample, false) AS is_sample,
       coalesce(s.current_rows, 0) AS current_rows, f.replayed
FROM last_run AS l
LEFT JOIN samples AS s USING (source_id)
LEFT JOIN last_fetch AS f USING (source_id)
ORDER BY l.source_id
