-- Adapters can name follow-up requests (the e-Stat table a list names, the articles a feed
-- links). A body skipped because it was parsed before must still lead to them.
ALTER TABLE raw.parsed_bodies ADD COLUMN follow VARCHAR;
COMMENT ON COLUMN raw.parsed_bodies.follow IS 'Follow-up requests the body named, as a JSON list of {source_id, url, label, step, trusted, required}; NULL when none.';
