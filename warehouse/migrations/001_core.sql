-- 001: schemas and the core tables of the warehouse. Every table and column is commented: the
-- comments are the data dictionary analysts read (duckdb_tables() / duckdb_columns()).
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS ops;
CREATE SCHEMA IF NOT EXISTS marts;

CREATE TABLE core.indicators (
    indicator_id VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    name_ja VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    frequency VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    series_code VARCHAR NOT NULL,
    licence VARCHAR,
    credit VARCHAR
);
COMMENT ON TABLE core.indicators IS 'What each indicator means, from catalog/indicators.yaml; every observation''s indicator is here.';
COMMENT ON COLUMN core.indicators.indicator_id IS 'Stable id used by core.observations, e.g. bop_services_907_net.';
COMMENT ON COLUMN core.indicators.name_en IS 'Name in English.';
COMMENT ON COLUMN core.indicators.name_ja IS 'Name in Japanese (as the source names it where it does).';
COMMENT ON COLUMN core.indicators.definition IS 'What is measured, in words.';
COMMENT ON COLUMN core.indicators.unit IS 'Canonical unit of value (JPY, USD, JPY per USD, LCU per USD): yen, never 億円.';
COMMENT ON COLUMN core.indicators.frequency IS 'monthly, quarterly or annual.';
COMMENT ON COLUMN core.indicators.source_id IS 'Source in catalog/sources.yaml (boj, worldbank, ...).';
COMMENT ON COLUMN core.indicators.series_code IS 'The source''s own series code (BOJ series code, World Bank indicator code).';
COMMENT ON COLUMN core.indicators.licence IS 'Licence or terms of use of the source.';
COMMENT ON COLUMN core.indicators.credit IS 'Credit line the source requires when its data is published.';

CREATE TABLE core.observations (
    indicator_id VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    value DOUBLE,
    unit VARCHAR NOT NULL,
    obs_status VARCHAR,
    source_id VARCHAR NOT NULL,
    series_code VARCHAR NOT NULL,
    raw_sha256 VARCHAR NOT NULL,
    is_sample BOOLEAN NOT NULL,
    valid_from TIMESTAMP NOT NULL,
    valid_to TIMESTAMP,
    load_id VARCHAR NOT NULL
);
COMMENT ON TABLE core.observations IS 'Every value of every indicator, bitemporal: a revision closes the old row (valid_to) and opens a new one; nothing is overwritten. Current values: valid_to IS NULL.';
COMMENT ON COLUMN core.observations.indicator_id IS 'Indicator (core.indicators.indicator_id).';
COMMENT ON COLUMN core.observations.area IS 'ISO 3166-1 alpha-3 code of the economy (JPN, KOR, CHN, USA).';
COMMENT ON COLUMN core.observations.period IS 'Period: YYYY, YYYY-MM, YYYY-Qn, FYYYYY (Japanese fiscal year April-March) or YYYY-MM-DD.';
COMMENT ON COLUMN core.observations.value IS 'Value in the canonical unit (yen, not 億円); NULL when the source has none (see obs_status).';
COMMENT ON COLUMN core.observations.unit IS 'Canonical unit, equal to core.indicators.unit.';
COMMENT ON COLUMN core.observations.obs_status IS 'Status of the value: NULL for a normal value, missing, provisional, ... as the source says.';
COMMENT ON COLUMN core.observations.source_id IS 'Source the value came from.';
COMMENT ON COLUMN core.observations.series_code IS 'The source''s own series code.';
COMMENT ON COLUMN core.observations.raw_sha256 IS 'sha256 of the raw response body the value was parsed from (raw.fetches, data/raw/).';
COMMENT ON COLUMN core.observations.is_sample IS 'TRUE when the value comes from a sample snapshot, not from a recorded real response: do not quote it as fact.';
COMMENT ON COLUMN core.observations.valid_from IS 'UTC time from which this value was the one known: the source''s release date where it states one (BOJ LAST_UPDATE, World Bank lastupdated), else the fetch time.';
COMMENT ON COLUMN core.observations.valid_to IS 'UTC time at which a revision replaced this value (half-open [valid_from, valid_to)); NULL while current.';
COMMENT ON COLUMN core.observations.load_id IS 'Run (ops.runs.run_id) that wrote the row.';

CREATE TABLE core.articles (
    article_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    title VARCHAR,
    language VARCHAR,
    published_at DATE,
    published_at_inferred BOOLEAN NOT NULL,
    text VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    repeated_chars_removed BIGINT NOT NULL,
    duplicate_of VARCHAR,
    raw_sha256 VARCHAR NOT NULL,
    is_sample BOOLEAN NOT NULL,
    load_id VARCHAR NOT NULL,
    first_seen TIMESTAMP NOT NULL
);
COMMENT ON TABLE core.articles IS 'News articles as ingested: one row per distinct article text.';
COMMENT ON COLUMN core.articles.article_id IS 'First 16 hex digits of the sha256 of the article URL.';
COMMENT ON COLUMN core.articles.source_id IS 'Article source in the catalog.';
COMMENT ON COLUMN core.articles.url IS 'URL the article was fetched from (an .invalid URL names a recorded copy with no known public URL).';
COMMENT ON COLUMN core.articles.title IS 'Title (first line of the text where the page has no title).';
COMMENT ON COLUMN core.articles.language IS 'ISO 639-1 language code.';
COMMENT ON COLUMN core.articles.published_at IS 'Publication date.';
COMMENT ON COLUMN core.articles.published_at_inferred IS 'TRUE when published_at was inferred from the content, not stated by the publisher.';
COMMENT ON COLUMN core.articles.text IS 'Article text, verbatim, with a body repeated inside the page kept once.';
COMMENT ON COLUMN core.articles.sha256 IS 'sha256 of text.';
COMMENT ON COLUMN core.articles.repeated_chars_removed IS 'Characters dropped because the page repeated its own body (0 when none).';
COMMENT ON COLUMN core.articles.duplicate_of IS 'article_id of the same article fetched earlier from another URL; NULL when first.';
COMMENT ON COLUMN core.articles.raw_sha256 IS 'sha256 of the raw page body (raw.fetches).';
COMMENT ON COLUMN core.articles.is_sample IS 'TRUE when the article is sample text, not a real article.';
COMMENT ON COLUMN core.articles.load_id IS 'Run that first stored the article.';
COMMENT ON COLUMN core.articles.first_seen IS 'UTC time the article was first stored.';

CREATE TABLE raw.fetches (
    run_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    http_status INTEGER NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    content_type VARCHAR,
    from_snapshot BOOLEAN NOT NULL,
    is_sample BOOLEAN NOT NULL
);
COMMENT ON TABLE raw.fetches IS 'Every response received, one row per request and run; the body is stored unchanged at data/raw/<sha256[0:2]>/<sha256>.';
COMMENT ON COLUMN raw.fetches.run_id IS 'Run that made the request.';
COMMENT ON COLUMN raw.fetches.source_id IS 'Source requested.';
COMMENT ON COLUMN raw.fetches.url IS 'Request URL with secrets (appId, keys) replaced by REDACTED.';
COMMENT ON COLUMN raw.fetches.http_status IS 'HTTP status of the response.';
COMMENT ON COLUMN raw.fetches.fetched_at IS 'UTC time the response was received (or replayed).';
COMMENT ON COLUMN raw.fetches.sha256 IS 'sha256 of the body: its address in the raw archive.';
COMMENT ON COLUMN raw.fetches.bytes IS 'Body size in bytes.';
COMMENT ON COLUMN raw.fetches.content_type IS 'Content-Type header of the response.';
COMMENT ON COLUMN raw.fetches.from_snapshot IS 'TRUE when replayed from snapshots/, FALSE when fetched live.';
COMMENT ON COLUMN raw.fetches.is_sample IS 'TRUE when the snapshot is labelled sample in snapshots/PROVENANCE.yaml.';

CREATE TABLE raw.parsed_bodies (
    sha256 VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    parser VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    rows_parsed BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    next_page BIGINT,
    parsed_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE raw.parsed_bodies IS 'Bodies already parsed and loaded: a body seen again with the same parser version is not parsed again.';
COMMENT ON COLUMN raw.parsed_bodies.sha256 IS 'sha256 of the body.';
COMMENT ON COLUMN raw.parsed_bodies.source_id IS 'Source of the body.';
COMMENT ON COLUMN raw.parsed_bodies.parser IS 'Parser and its version, e.g. boj_api@1.';
COMMENT ON COLUMN raw.parsed_bodies.run_id IS 'Run that parsed it.';
COMMENT ON COLUMN raw.parsed_bodies.rows_parsed IS 'Rows the parser produced (accepted + quarantined).';
COMMENT ON COLUMN raw.parsed_bodies.rows_quarantined IS 'Rows sent to ops.quarantine.';
COMMENT ON COLUMN raw.parsed_bodies.next_page IS 'Next page the body pointed to (BOJ NEXTPOSITION, World Bank page), so a skipped body still pages on.';
COMMENT ON COLUMN raw.parsed_bodies.parsed_at IS 'UTC time of the parse.';

CREATE TABLE ops.runs (
    run_id VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    mode VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    sources VARCHAR[] NOT NULL,
    rows_parsed BIGINT,
    rows_loaded BIGINT,
    rows_revised BIGINT,
    rows_unchanged BIGINT,
    rows_quarantined BIGINT,
    error VARCHAR
);
COMMENT ON TABLE ops.runs IS 'One row per pipeline run. Counts reconcile: rows_parsed = rows_loaded + rows_revised + rows_unchanged + rows_quarantined.';
COMMENT ON COLUMN ops.runs.run_id IS 'Run id (UTC timestamp plus a random suffix).';
COMMENT ON COLUMN ops.runs.started_at IS 'UTC start time.';
COMMENT ON COLUMN ops.runs.finished_at IS 'UTC end time; NULL while running or after a crash.';
COMMENT ON COLUMN ops.runs.mode IS 'replay, live or record.';
COMMENT ON COLUMN ops.runs.status IS 'running, succeeded, partial (some sources failed) or failed.';
COMMENT ON COLUMN ops.runs.sources IS 'Sources the run was asked to process.';
COMMENT ON COLUMN ops.runs.rows_parsed IS 'Rows produced by parsers in this run (bodies parsed before are skipped and not counted).';
COMMENT ON COLUMN ops.runs.rows_loaded IS 'New rows inserted into core tables (new keys).';
COMMENT ON COLUMN ops.runs.rows_revised IS 'Rows whose value changed: the old row closed, a new one opened.';
COMMENT ON COLUMN ops.runs.rows_unchanged IS 'Rows identical to the current value: nothing written.';
COMMENT ON COLUMN ops.runs.rows_quarantined IS 'Rows rejected to ops.quarantine.';
COMMENT ON COLUMN ops.runs.error IS 'One line per failed source, NULL when none failed.';

CREATE TABLE ops.run_sources (
    run_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    requests INTEGER NOT NULL,
    bytes BIGINT NOT NULL,
    bodies_skipped INTEGER NOT NULL,
    rows_parsed BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_revised BIGINT NOT NULL,
    rows_unchanged BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    error VARCHAR
);
COMMENT ON TABLE ops.run_sources IS 'Per run and source: what was fetched, parsed, loaded and quarantined.';
COMMENT ON COLUMN ops.run_sources.run_id IS 'Run.';
COMMENT ON COLUMN ops.run_sources.source_id IS 'Source.';
COMMENT ON COLUMN ops.run_sources.status IS 'succeeded or failed.';
COMMENT ON COLUMN ops.run_sources.requests IS 'HTTP requests made (or replayed), pages included.';
COMMENT ON COLUMN ops.run_sources.bytes IS 'Bytes received.';
COMMENT ON COLUMN ops.run_sources.bodies_skipped IS 'Bodies not parsed because the same body was parsed before.';
COMMENT ON COLUMN ops.run_sources.rows_parsed IS 'Rows produced by the parser.';
COMMENT ON COLUMN ops.run_sources.rows_loaded IS 'New rows inserted.';
COMMENT ON COLUMN ops.run_sources.rows_revised IS 'Revised rows (old closed, new opened).';
COMMENT ON COLUMN ops.run_sources.rows_unchanged IS 'Rows equal to the current value.';
COMMENT ON COLUMN ops.run_sources.rows_quarantined IS 'Rows rejected to ops.quarantine.';
COMMENT ON COLUMN ops.run_sources.error IS 'Why the source failed, NULL when it did not.';

CREATE TABLE ops.quarantine (
    run_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    raw_sha256 VARCHAR,
    series_code VARCHAR,
    row_ref VARCHAR,
    reason VARCHAR NOT NULL,
    raw_value VARCHAR,
    quarantined_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE ops.quarantine IS 'Every rejected row or payload with the reason; never silently dropped.';
COMMENT ON COLUMN ops.quarantine.run_id IS 'Run that rejected it.';
COMMENT ON COLUMN ops.quarantine.source_id IS 'Source.';
COMMENT ON COLUMN ops.quarantine.raw_sha256 IS 'Body it came from (data/raw/), NULL when no body was received.';
COMMENT ON COLUMN ops.quarantine.series_code IS 'Series code where known.';
COMMENT ON COLUMN ops.quarantine.row_ref IS 'Where in the payload (e.g. RESULTSET[2].VALUES[17]); NULL for a whole payload.';
COMMENT ON COLUMN ops.quarantine.reason IS 'Why it was rejected, in words.';
COMMENT ON COLUMN ops.quarantine.raw_value IS 'The offending value as text (truncated).';
COMMENT ON COLUMN ops.quarantine.quarantined_at IS 'UTC time.';

CREATE TABLE ops.source_health (
    source_id VARCHAR NOT NULL,
    last_success TIMESTAMP,
    last_error_at TIMESTAMP,
    last_error VARCHAR,
    consecutive_failures INTEGER NOT NULL
);
COMMENT ON TABLE ops.source_health IS 'Per source: last success, last error and consecutive failures (read by mieruka status).';
COMMENT ON COLUMN ops.source_health.source_id IS 'Source.';
COMMENT ON COLUMN ops.source_health.last_success IS 'UTC time of the last run in which the source loaded.';
COMMENT ON COLUMN ops.source_health.last_error_at IS 'UTC time of the last failure.';
COMMENT ON COLUMN ops.source_health.last_error IS 'Message of the last failure.';
COMMENT ON COLUMN ops.source_health.consecutive_failures IS 'Failures since the last success.';
