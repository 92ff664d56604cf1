-- The current text of every article that has figures (core.articles: one row per article).
SELECT a.article_id, a.text
FROM core.articles AS a
WHERE a.article_id IN (SELECT DISTINCT article_id FROM core.figures)
