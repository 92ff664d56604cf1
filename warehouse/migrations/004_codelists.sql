-- 004: code lists that name the codes in series codes (SDMX structure recorded with the data).
CREATE TABLE core.codes (
    source_id VARCHAR NOT NULL,
    codelist_id VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    name_en VARCHAR,
    load_id VARCHAR NOT NULL
);
COMMENT ON TABLE core.codes IS 'Code lists of each source (e.g. OECD EBOPS items: S, SI, SH), replaced whenever the source''s structure is read again.';
COMMENT ON COLUMN core.codes.source_id IS 'Source the code list belongs to.';
COMMENT ON COLUMN core.codes.codelist_id IS 'Code list id, e.g. CL_BOP6_SERVICES.';
COMMENT ON COLUMN core.codes.code IS 'Code, e.g. SI.';
COMMENT ON COLUMN core.codes.name_en IS 'Name of the code in English.';
COMMENT ON COLUMN core.codes.load_id IS 'Run that read it.';
