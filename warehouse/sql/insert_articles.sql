-- Store articles not seen before (same URL and same text = same article); a known text from a new
-- URL is stored too, linked to the first copy by duplicate_of.
INSERT INTO core.articles BY NAME
SELECT
    s.article_id, s.source_id, s.url, s.title, s.language, s.published_at, s.published_at_inferred, s.text,
    s.sha256, s.repeated_chars_removed,
    coalesce(
        s.duplicate_of,
        (SELECT min(a.article_id) FROM core.articles AS a WHERE a.sha256 = s.sha256 AND a.article_id <> s.article_id)
    ) AS duplicate_of,
    s.raw_sha256, s.is_sample, s.load_id, s.first_seen
FROM stage_articles AS s
WHERE NOT EXISTS (SELECT 1 FROM core.articles AS a WHERE a.article_id = s.article_id AND a.sha256 = s.sha256)
