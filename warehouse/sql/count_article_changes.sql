-- Per source: staged article texts that are a new article (loaded), a new version of a stored
-- article (revised: its text differs from the current one) or its current text again (unchanged).
-- Compared with the current version as stored before this batch, as insert_articles appends.
SELECT
    s.source_id,
    count(*) FILTER (WHERE c.article_id IS NULL) AS loaded,
    count(*) FILTER (WHERE c.article_id IS NOT NULL AND c.sha256 <> s.sha256) AS revised,
    count(*) FILTER (WHERE c.sha256 = s.sha256) AS unchanged
FROM stage_articles AS s
LEFT JOIN core.articles AS c ON c.article_id = s.article_id
GROUP BY s.source_id
