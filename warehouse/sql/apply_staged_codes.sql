-- The run's serialized step (stage_run holds its run_id): the code lists a source read in this run
-- (ops.staged_codes) replace that source's earlier ones.
DELETE FROM core.codes WHERE source_id IN (
    SELECT DISTINCT source_id FROM ops.staged_codes WHERE load_id = (SELECT run_id FROM stage_run)
);
INSERT INTO core.codes BY NAME
SELECT source_id, codelist_id, code, name_en, load_id
FROM ops.staged_codes
WHERE load_id = (SELECT run_id FROM stage_run)
