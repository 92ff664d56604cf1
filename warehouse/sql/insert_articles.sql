-- Append a version for every staged article text that differs from the version before it: the
-- article's previous staged text in this batch (oldest first), else its current stored version. A
-- new URL is a new article (version 1); a text the article returns to is a new version again, so it
-- becomes current. Nothing is updated. A known text from a new URL is stored too, linked to the first
-- copy by duplicate_of.
INSERT INTO core.article_versions BY NAME
WITH staged AS (
    SELECT
        s.*,
        lag(s.sha256) OVER (PARTITION BY s.article_id ORDER BY s.first_seen, s.sha256) AS staged_before
    FROM stage_articles AS s
)
SELECT
    s.article_id, s.source_id, s.url, s.title, s.language, s.published_at, s.published_at_inferred, s.text,
    s.sha256, s.repeated_chars_removed,
    coalesce(
        s.duplicate_of,
        (SELECT min(a.article_id) FROM core.article_versions AS a WHERE a.sha256 = s.sha256 AND a.article_id <> s.article_id)
    ) AS duplicate_of,
    s.raw_sha256, s.is_sample, s.load_id, s.first_seen, s.first_seen AS valid_from
FROM staged AS s
LEFT JOIN core.articles AS c ON c.article_id = s.article_id
WHERE s.sha256 IS DISTINCT FROM coalesce(s.staged_before, c.sha256)
