-- 008: observations of bilateral series (Japan's services with the EU, the EU's with Japan) carry the
-- partner economy. The key of an observation, and so of a revision, becomes
-- (indicator_id, area, counterpart_area, period). Every series loaded before is the world's: W00.
-- core.observations_as_of (003) selects *, so it returns the new column as it is. (No SET NOT NULL:
-- a DuckLake cannot add it to a column; 009 declares the append-only table's column NOT NULL.)
ALTER TABLE core.observations ADD COLUMN counterpart_area VARCHAR DEFAULT 'W00';
COMMENT ON COLUMN core.observations.counterpart_area IS 'Partner economy of the value: W00 (the world) for a series that is not bilateral; else ISO 3166-1 alpha-3 (JPN) or an aggregate code (EU27_2020, the EU of 27 members from 2020). area reports the value about its dealings with counterpart_area.';

ALTER TABLE ops.revisions ADD COLUMN counterpart_area VARCHAR DEFAULT 'W00';
COMMENT ON COLUMN ops.revisions.counterpart_area IS 'Partner economy of the revised value (core.observations.counterpart_area); W00 the world.';
COMMENT ON COLUMN core.observations.area IS 'Economy the value is about (the reporter): ISO 3166-1 alpha-3 code (JPN, KOR, CHN, USA) or an aggregate code (EU27_2020).';
