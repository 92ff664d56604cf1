-- Which of the given sources already have current observations (none: every staged row is new).
SELECT DISTINCT source_id FROM core.observations WHERE valid_to IS NULL AND list_contains($sources, source_id)
