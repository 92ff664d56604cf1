-- The run's serialized step (stage_run holds its run_id): the figures and claims its sources extracted
-- (appended to ops.staged_* by each source's load) replace those of the same articles; the figures of
-- an article that repeats another's text are not kept (the first copy's count once).
DELETE FROM core.figures WHERE article_id IN (
    SELECT article_id FROM ops.staged_articles WHERE load_id = (SELECT run_id FROM stage_run)
    UNION SELECT article_id FROM ops.staged_figures WHERE load_id = (SELECT run_id FROM stage_run)
);
DELETE FROM core.claims WHERE article_id IN (
    SELECT article_id FROM ops.staged_articles WHERE load_id = (SELECT run_id FROM stage_run)
    UNION SELECT article_id FROM ops.staged_claims WHERE load_id = (SELECT run_id FROM stage_run)
);
DELETE FROM core.figure_pairs WHERE article_id IN (
    SELECT article_id FROM ops.staged_articles WHERE load_id = (SELECT run_id FROM stage_run)
);
INSERT INTO core.figures BY NAME
SELECT * FROM ops.staged_figures WHERE load_id = (SELECT run_id FROM stage_run);
INSERT INTO core.claims BY NAME
SELECT * FROM ops.staged_claims WHERE load_id = (SELECT run_id FROM stage_run);
DELETE FROM core.figures WHERE article_id IN (SELECT article_id FROM core.articles WHERE duplicate_of IS NOT NULL);
DELETE FROM core.claims WHERE article_id IN (SELECT article_id FROM core.articles WHERE duplicate_of IS NOT NULL)
