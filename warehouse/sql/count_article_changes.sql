-- Per source: staged articles that are new (to be inserted) and those already stored.
SELECT
    s.source_id,
    count(*) FILTER (WHERE a.article_id IS NULL) AS loaded,
    0 AS revised,
    count(*) FILTER (WHERE a.article_id IS NOT NULL) AS unchanged
FROM stage_articles AS s
LEFT JOIN core.articles AS a ON a.article_id = s.article_id AND a.sha256 = s.sha256
GROUP BY s.source_id
