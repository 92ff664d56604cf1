-- 017: a claim names the definition of its topic when the article does ("le déficit numérique global",
-- "隠れデジタル赤字"), so that marts.claims_check compares it with the series of that definition:
-- METI's 45兆円 upper bound including the hidden digital deficit is not the 28兆円 services-only scenario.
ALTER TABLE core.claims ADD COLUMN definition VARCHAR;
ALTER TABLE ops.staged_claims ADD COLUMN definition VARCHAR;
COMMENT ON COLUMN ops.staged_claims.definition IS 'Definition of the topic the article names for this figure (see core.claims.definition).';
COMMENT ON COLUMN core.claims.definition IS 'Definition of the topic the article names for this figure (catalog/lexicons/claims.yaml, topics.<topic>.definitions), e.g. including_hidden (the digital deficit including software and services embedded in imported goods); NULL: the topic''s default definition (for the digital deficit, the services items).';
