-- The body each request URL answered last (a body is skipped only when it is that same one again,
-- so a source that reverts to an older body makes its values current again).
SELECT source_id, url, arg_max(sha256, fetched_at)
FROM raw.fetches
GROUP BY source_id, url
