-- 014: one schema for the embedded file and the DuckLake (catalog in PostgreSQL, data in Parquet), and
-- the bookkeeping of concurrent writers.
--
-- A DuckLake cannot hold a comment on a view's column (COMMENT ON COLUMN of a view fails there), so the
-- columns of views are described in ops.view_column_comments on both backends; the data dictionary
-- (published/dictionary.md) reads them from there. Migrations 005 and 009 used to comment them in place.
CREATE TABLE ops.view_column_comments (
    schema_name VARCHAR NOT NULL,
    view_name VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL,
    comment VARCHAR NOT NULL
);
COMMENT ON TABLE ops.view_column_comments IS 'What each column of a view means (the table comments of views are on the views themselves). Kept as rows because a DuckLake cannot comment a view''s columns; published/dictionary.md merges them in.';
COMMENT ON COLUMN ops.view_column_comments.schema_name IS 'Schema of the view.';
COMMENT ON COLUMN ops.view_column_comments.view_name IS 'View.';
COMMENT ON COLUMN ops.view_column_comments.column_name IS 'Column of the view.';
COMMENT ON COLUMN ops.view_column_comments.comment IS 'What the column means.';
INSERT INTO ops.view_column_comments VALUES
    ('ops', 'revision_summary', 'run_id', 'Run.'),
    ('ops', 'revision_summary', 'source_id', 'Source.'),
    ('ops', 'revision_summary', 'rows_added', 'Rows for keys not seen before.'),
    ('ops', 'revision_summary', 'rows_revised', 'Rows whose value changed (old row closed, new one opened).'),
    ('ops', 'revision_summary', 'rows_unchanged', 'Rows equal to the value already current.'),
    ('ops', 'revision_summary', 'largest_change_pct', 'Largest absolute revision of the run for the source, in percent.'),
    ('core', 'observations', 'indicator_id', 'Indicator (core.indicators.indicator_id).'),
    ('core', 'observations', 'area', 'Economy the value is about (the reporter): ISO 3166-1 alpha-3 code (JPN, KOR, CHN, USA) or an aggregate code (EU27_2020).'),
    ('core', 'observations', 'counterpart_area', 'Partner economy of the value: W00 (the world) for a series that is not bilateral; else ISO 3166-1 alpha-3 (JPN) or an aggregate code (EU27_2020, the EU of 27 members from 2020).'),
    ('core', 'observations', 'period', 'Period: YYYY, YYYY-MM, YYYY-Qn, FYYYYY (Japanese fiscal year April-March) or YYYY-MM-DD.'),
    ('core', 'observations', 'value', 'Value in the canonical unit (yen, not 億円); NULL when the source has none (see obs_status).'),
    ('core', 'observations', 'unit', 'Canonical unit, equal to core.indicators.unit.'),
    ('core', 'observations', 'obs_status', 'Status of the value: NULL for a normal value, missing, provisional, ... as the source says.'),
    ('core', 'observations', 'source_id', 'Source the value came from.'),
    ('core', 'observations', 'series_code', 'The source''s own series code.'),
    ('core', 'observations', 'raw_sha256', 'sha256 of the raw response body the value was parsed from (raw.fetches, data/raw/).'),
    ('core', 'observations', 'is_sample', 'TRUE when the value comes from a sample snapshot, not from a recorded real response: do not quote it as fact.'),
    ('core', 'observations', 'valid_from', 'UTC time from which this value was the one known: the source''s release date where it states one (BOJ LAST_UPDATE, World Bank lastupdated), else the fetch time.'),
    ('core', 'observations', 'valid_to', 'UTC time at which the next version replaced this value (half-open [valid_from, valid_to)); NULL while current.'),
    ('core', 'observations', 'load_id', 'Run (ops.runs.run_id) that wrote the version.');

-- Parallel source loads only append; what replaces earlier rows is staged here by each source's load and
-- applied by the run's one serialized step (warehouse/load.py apply_run). Kept after they are applied:
-- they also say what each run extracted.
CREATE TABLE ops.staged_articles (
    article_id VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL
);
COMMENT ON TABLE ops.staged_articles IS 'Articles whose text a run read (again): their figures and claims are replaced by the ones that run extracted.';
COMMENT ON COLUMN ops.staged_articles.article_id IS 'Article (core.articles.article_id).';
COMMENT ON COLUMN ops.staged_articles.load_id IS 'Run that read it.';
CREATE TABLE ops.staged_figures AS SELECT * FROM core.figures LIMIT 0;
COMMENT ON TABLE ops.staged_figures IS 'Figures as each run extracted them (columns of core.figures), applied to core.figures by the run''s serialized step.';
CREATE TABLE ops.staged_claims AS SELECT * FROM core.claims LIMIT 0;
COMMENT ON TABLE ops.staged_claims IS 'Claims as each run resolved them (columns of core.claims), applied to core.claims by the run''s serialized step.';
CREATE TABLE ops.staged_codes AS SELECT * FROM core.codes LIMIT 0;
COMMENT ON TABLE ops.staged_codes IS 'Code lists as each run read them (columns of core.codes), applied to core.codes by the run''s serialized step.';

COMMENT ON COLUMN ops.staged_figures.article_id IS 'Article (core.articles.article_id).';
COMMENT ON COLUMN ops.staged_figures.figure_index IS 'Order of the figure in the article text (0-based).';
COMMENT ON COLUMN ops.staged_figures.surface IS 'The figure exactly as written, e.g. 550 億円.';
COMMENT ON COLUMN ops.staged_figures.start_offset IS 'Character offset of the figure in core.articles.text (0-based, inclusive).';
COMMENT ON COLUMN ops.staged_figures.end_offset IS 'Character offset just after the figure: text[start_offset:end_offset] = surface.';
COMMENT ON COLUMN ops.staged_figures.value IS 'Value in the canonical unit: yen for 億円/兆円, 26.0 for 26 %.';
COMMENT ON COLUMN ops.staged_figures.unit IS 'ISO 4217 currency code (JPY, USD, EUR, TWD, KRW, CNY), percent, or pp (percentage points).';
COMMENT ON COLUMN ops.staged_figures.qualifier IS 'exact, approx, at_least, at_most, target or estimate, from the words around the figure.';
COMMENT ON COLUMN ops.staged_figures.ambiguous IS 'TRUE when the reading is uncertain (e.g. French "trillion" next to yen, 元 without a country); see note.';
COMMENT ON COLUMN ops.staged_figures.note IS 'Why the figure is ambiguous or what was inferred (e.g. currency taken from context); NULL otherwise.';
COMMENT ON COLUMN ops.staged_figures.language IS 'Language the figure was read in (ISO 639-1).';
COMMENT ON COLUMN ops.staged_figures.load_id IS 'Run that extracted it.';
COMMENT ON COLUMN ops.staged_claims.article_id IS 'Article (core.articles.article_id).';
COMMENT ON COLUMN ops.staged_claims.figure_index IS 'Figure (core.figures.figure_index) the claim is made with.';
COMMENT ON COLUMN ops.staged_claims.topic IS 'Topic the figure is about, e.g. digital_deficit, ai_investment_budget, content_overseas_sales.';
COMMENT ON COLUMN ops.staged_claims.indicator_id IS 'Catalog indicator the topic maps to, when one exists.';
COMMENT ON COLUMN ops.staged_claims.area IS 'ISO 3166-1 alpha-3 code of the economy the figure is about.';
COMMENT ON COLUMN ops.staged_claims.period IS 'Period the figure is about: YYYY or FYYYYY.';
COMMENT ON COLUMN ops.staged_claims.period_kind IS 'stated (en 2024), target (d''ici 2035, by 2030) or inferred_from_publication (nothing near: the publication year).';
COMMENT ON COLUMN ops.staged_claims.sentence IS 'The sentence the figure came from (trimmed to 400 characters).';
COMMENT ON COLUMN ops.staged_claims.confidence IS 'How sure the resolution is, 0 to 1.';
COMMENT ON COLUMN ops.staged_claims.note IS 'How the claim was resolved, in words.';
COMMENT ON COLUMN ops.staged_claims.load_id IS 'Run that resolved it.';
COMMENT ON COLUMN ops.staged_codes.source_id IS 'Source the code list belongs to.';
COMMENT ON COLUMN ops.staged_codes.codelist_id IS 'Code list id, e.g. CL_BOP6_SERVICES.';
COMMENT ON COLUMN ops.staged_codes.code IS 'Code, e.g. SI.';
COMMENT ON COLUMN ops.staged_codes.name_en IS 'Name of the code in English.';
COMMENT ON COLUMN ops.staged_codes.load_id IS 'Run that read it.';

ALTER TABLE ops.runs ADD COLUMN commit_retries INTEGER;
COMMENT ON COLUMN ops.runs.commit_retries IS 'Transactions of this run run again because a concurrent writer won (a DuckLake transaction conflict, or the embedded file held by another process), over its source loads and its serialized step; 0 when none, NULL for runs before this column.';
ALTER TABLE ops.runs ADD COLUMN lake_snapshot BIGINT;
COMMENT ON COLUMN ops.runs.lake_snapshot IS 'DuckLake snapshot id the run published its marts from (the one manifest.json names); NULL on the embedded file.';
ALTER TABLE ops.run_sources ADD COLUMN commit_retries INTEGER;
COMMENT ON COLUMN ops.run_sources.commit_retries IS 'Times the source''s load transaction was run again after a conflict (0 when none; NULL when it was loaded together with the other sources in one transaction, or before this column).';
ALTER TABLE ops.run_sources ADD COLUMN lock_waits INTEGER;
COMMENT ON COLUMN ops.run_sources.lock_waits IS 'Times the source''s load found its lake lock held by another writer of the same source and waited (0 when none; NULL outside a fanned-out lake run).';
COMMENT ON COLUMN ops.staged_figures.value_low IS 'Lower end of a range (qualifier range), in the unit of value; NULL for a single figure.';
COMMENT ON COLUMN ops.staged_figures.value_high IS 'Upper end of a range (qualifier range), equal to value; NULL for a single figure.';
