-- The text of every stored article that has figures (the newest version per article).
SELECT a.article_id, a.text
FROM core.articles AS a
WHERE a.article_id IN (SELECT DISTINCT article_id FROM core.figures)
QUALIFY row_number() OVER (PARTITION BY a.article_id ORDER BY a.first_seen DESC) = 1
