-- Remove the figures, claims and pairs of the articles being re-extracted (stage_article_ids): they
-- are derived from the text that is current after this load, re-read and inserted again.
DELETE FROM core.figures WHERE article_id IN (SELECT article_id FROM stage_article_ids);
DELETE FROM core.claims WHERE article_id IN (SELECT article_id FROM stage_article_ids);
DELETE FROM core.figure_pairs WHERE article_id IN (SELECT article_id FROM stage_article_ids)
