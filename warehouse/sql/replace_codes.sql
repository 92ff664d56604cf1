-- The code lists of each source in the batch replace that source's earlier ones.
DELETE FROM core.codes WHERE source_id IN (SELECT DISTINCT source_id FROM stage_codes);
INSERT INTO core.codes BY NAME SELECT source_id, codelist_id, code, name_en, load_id FROM stage_codes
