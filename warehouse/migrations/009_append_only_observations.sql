-- 009: observations become append-only. A revision used to UPDATE the old row's valid_to; now
-- every version of a value is a row of core.observation_versions that is never changed, and a
-- version's validity ends where the next version of the same key begins. Appends never conflict
-- between concurrent writers (DuckLake) and a crashed run leaves nothing half-updated; the view
-- core.observations keeps the columns (valid_to included) that every query already uses.
CREATE TABLE core.observation_versions (
    indicator_id VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    counterpart_area VARCHAR NOT NULL DEFAULT 'W00',
    period VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR NOT NULL,
    obs_status VARCHAR,
    source_id VARCHAR NOT NULL,
    series_code VARCHAR NOT NULL,
    raw_sha256 VARCHAR NOT NULL,
    is_sample BOOLEAN NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    load_id VARCHAR NOT NULL
);
-- rows written before: each kept as the version it was (recorded when it became valid)
INSERT INTO core.observation_versions BY NAME
SELECT * EXCLUDE (valid_to), valid_from AS recorded_at FROM core.observations;
DROP TABLE core.observations;

COMMENT ON TABLE core.observation_versions IS 'Append-only: one row per version of a value (a new key, or a value that differs from the version before it). Rows are never updated or deleted; validity is derived in core.observations.';
COMMENT ON COLUMN core.observation_versions.indicator_id IS 'Indicator (core.indicators.indicator_id).';
COMMENT ON COLUMN core.observation_versions.area IS 'Economy the value is about (the reporter): ISO 3166-1 alpha-3 code (JPN, KOR, CHN, USA) or an aggregate code (EU27_2020).';
COMMENT ON COLUMN core.observation_versions.counterpart_area IS 'Partner economy of the value: W00 (the world) for a series that is not bilateral; else ISO 3166-1 alpha-3 (JPN) or an aggregate code (EU27_2020, the EU of 27 members from 2020).';
COMMENT ON COLUMN core.observation_versions.period IS 'Period: YYYY, YYYY-MM, YYYY-Qn, FYYYYY (Japanese fiscal year April-March) or YYYY-MM-DD.';
COMMENT ON COLUMN core.observation_versions.value IS 'Value in the canonical unit (yen, not 億円); NULL when the source has none (see obs_status).';
COMMENT ON COLUMN core.observation_versions.unit IS 'Canonical unit, equal to core.indicators.unit.';
COMMENT ON COLUMN core.observation_versions.obs_status IS 'Status of the value: NULL for a normal value, missing, provisional, ... as the source says.';
COMMENT ON COLUMN core.observation_versions.source_id IS 'Source the value came from.';
COMMENT ON COLUMN core.observation_versions.series_code IS 'The source''s own series code.';
COMMENT ON COLUMN core.observation_versions.raw_sha256 IS 'sha256 of the raw response body the value was parsed from (raw.fetches, data/raw/).';
COMMENT ON COLUMN core.observation_versions.is_sample IS 'TRUE when the value comes from a sample snapshot, not from a recorded real response: do not quote it as fact.';
COMMENT ON COLUMN core.observation_versions.valid_from IS 'UTC time from which this version was the one known: the source''s release date where it states one (BOJ LAST_UPDATE, World Bank lastupdated), else the fetch time; always after the previous version''s.';
COMMENT ON COLUMN core.observation_versions.recorded_at IS 'UTC time mieruka received the body this version came from (transaction time).';
COMMENT ON COLUMN core.observation_versions.load_id IS 'Run (ops.runs.run_id) that appended the row.';

CREATE VIEW core.observations AS
SELECT
    v.indicator_id, v.area, v.counterpart_area, v.period, v.value, v.unit, v.obs_status, v.source_id,
    v.series_code, v.raw_sha256, v.is_sample, v.valid_from,
    lead(v.valid_from) OVER (
        PARTITION BY v.indicator_id, v.area, v.counterpart_area, v.period ORDER BY v.valid_from, v.recorded_at
    ) AS valid_to,
    v.load_id
FROM core.observation_versions AS v;
-- (a DuckLake cannot comment a view's columns: they are described in ops.view_column_comments, 014)
COMMENT ON VIEW core.observations IS 'Every value of every indicator, bitemporal: each version is valid from its valid_from until the next version of the same key begins (valid_to); nothing is overwritten. Current values: valid_to IS NULL.';
