-- 010: where a response really came from. Redirects are followed only after checking the target
-- (no internal addresses), and the final URL is kept beside the requested one.
ALTER TABLE raw.fetches ADD COLUMN final_url VARCHAR;
COMMENT ON COLUMN raw.fetches.final_url IS 'URL the response came from after redirects (secrets REDACTED); equal to url when there was no redirect, NULL for fetches recorded before this column existed.';
