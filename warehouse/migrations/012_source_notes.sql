-- 012: what an adapter says about an answer besides rows ("no records: HTTP 404 ...", the table a
-- discovery chose) is recorded, per body, per run and source, and as the source's latest word.
-- A body skipped because it was parsed before still brings its notes (raw.parsed_bodies.notes).
ALTER TABLE raw.parsed_bodies ADD COLUMN notes VARCHAR;
COMMENT ON COLUMN raw.parsed_bodies.notes IS 'Notes the adapter gave for the body (one per line), e.g. "no records: ..."; NULL when none.';
ALTER TABLE ops.run_sources ADD COLUMN notes VARCHAR;
COMMENT ON COLUMN ops.run_sources.notes IS 'Notes of the source''s answers in this run (one per line): an empty answer ("no records: ..."), a choice the adapter made; NULL when none.';
ALTER TABLE ops.source_health ADD COLUMN notes VARCHAR;
COMMENT ON COLUMN ops.source_health.notes IS 'Notes of the source''s latest run (ops.run_sources.notes), e.g. "no records: HTTP 404 ..." for a query that matched no data; NULL when it had none.';
