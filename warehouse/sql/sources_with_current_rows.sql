-- Which of the given sources already have observations (none: every staged row is new).
SELECT DISTINCT source_id FROM core.observation_versions WHERE list_contains($sources, source_id)
