-- The same text fetched from another URL is stored (linked by duplicate_of) but its figures count
-- once: the copy keeps no figures or claims of its own.
DELETE FROM core.figures WHERE article_id IN (SELECT article_id FROM core.articles WHERE duplicate_of IS NOT NULL);
DELETE FROM core.claims WHERE article_id IN (SELECT article_id FROM core.articles WHERE duplicate_of IS NOT NULL)
