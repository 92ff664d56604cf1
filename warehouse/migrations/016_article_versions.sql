-- 016: articles become versioned and append-only. An edited article used to become a second row of
-- core.articles with the same article_id, so every query joining articles by article_id counted its
-- figures twice (marts.claims_check doubled). Now each distinct text of an article is a version, a
-- row of core.article_versions that is never changed; a version is current until the next one of the
-- same article begins (core.article_history), and core.articles is the current version of each
-- article, one row per article_id, so the queries that join it keep their meaning.
-- Figures and claims are read from one text: they carry the sha256 of that text (article_sha256),
-- and are those of the current version.
CREATE TABLE core.article_versions (
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
    first_seen TIMESTAMP NOT NULL,
    valid_from TIMESTAMP NOT NULL
);
-- rows written before: each distinct text was already a row; each becomes the version it was
INSERT INTO core.article_versions BY NAME SELECT *, first_seen AS valid_from FROM core.articles;
DROP TABLE core.articles;

COMMENT ON TABLE core.article_versions IS 'Append-only: one row per version of an article (its first text, and each later text that differs from the version before it, a text it returns to included). Rows are never updated or deleted; which version is current is derived in core.article_history and core.articles.';
COMMENT ON COLUMN core.article_versions.article_id IS 'First 16 hex digits of the sha256 of the article URL: the same for every version of the article.';
COMMENT ON COLUMN core.article_versions.source_id IS 'Article source in the catalog.';
COMMENT ON COLUMN core.article_versions.url IS 'URL the article was fetched from (an .invalid URL names a recorded copy with no known public URL).';
COMMENT ON COLUMN core.article_versions.title IS 'Title (first line of the text where the page has no title).';
COMMENT ON COLUMN core.article_versions.language IS 'ISO 639-1 language code.';
COMMENT ON COLUMN core.article_versions.published_at IS 'Publication date.';
COMMENT ON COLUMN core.article_versions.published_at_inferred IS 'TRUE when published_at was inferred from the content, not stated by the publisher.';
COMMENT ON COLUMN core.article_versions.text IS 'Article text of this version, verbatim, with a body repeated inside the page kept once.';
COMMENT ON COLUMN core.article_versions.sha256 IS 'sha256 of text.';
COMMENT ON COLUMN core.article_versions.repeated_chars_removed IS 'Characters dropped because the page repeated its own body (0 when none).';
COMMENT ON COLUMN core.article_versions.duplicate_of IS 'article_id of the same text fetched earlier from another URL; NULL when first.';
COMMENT ON COLUMN core.article_versions.raw_sha256 IS 'sha256 of the raw page body this version was read from (raw.fetches).';
COMMENT ON COLUMN core.article_versions.is_sample IS 'TRUE when the article is sample text, not a real article.';
COMMENT ON COLUMN core.article_versions.load_id IS 'Run (ops.runs.run_id) that stored this version.';
COMMENT ON COLUMN core.article_versions.first_seen IS 'UTC time the body of this version was received.';
COMMENT ON COLUMN core.article_versions.valid_from IS 'UTC time from which this text was the article''s current one: when it was received.';

CREATE VIEW core.article_history AS
SELECT
    v.*,
    row_number() OVER (PARTITION BY v.article_id ORDER BY v.valid_from, v.sha256) AS version,
    lead(v.valid_from) OVER (PARTITION BY v.article_id ORDER BY v.valid_from, v.sha256) AS valid_to
FROM core.article_versions AS v;
COMMENT ON VIEW core.article_history IS 'Every version of every article, numbered: each text is current from its valid_from until the next version of the same article begins (valid_to). Nothing is overwritten. The current versions: valid_to IS NULL, or core.articles.';

CREATE VIEW core.articles AS
SELECT * EXCLUDE (valid_to) FROM core.article_history WHERE valid_to IS NULL;
COMMENT ON VIEW core.articles IS 'News articles as they stand: the current version of each article (one row per article_id, its latest text). Earlier texts: core.article_history.';

-- (a DuckLake cannot comment a view's columns: they are described in ops.view_column_comments, 014)
INSERT INTO ops.view_column_comments VALUES
    ('core', 'article_history', 'article_id', 'First 16 hex digits of the sha256 of the article URL: the same for every version of the article.'),
    ('core', 'article_history', 'source_id', 'Article source in the catalog.'),
    ('core', 'article_history', 'url', 'URL the article was fetched from (an .invalid URL names a recorded copy with no known public URL).'),
    ('core', 'article_history', 'title', 'Title (first line of the text where the page has no title).'),
    ('core', 'article_history', 'language', 'ISO 639-1 language code.'),
    ('core', 'article_history', 'published_at', 'Publication date.'),
    ('core', 'article_history', 'published_at_inferred', 'TRUE when published_at was inferred from the content, not stated by the publisher.'),
    ('core', 'article_history', 'text', 'Article text of this version, verbatim, with a body repeated inside the page kept once.'),
    ('core', 'article_history', 'sha256', 'sha256 of text.'),
    ('core', 'article_history', 'repeated_chars_removed', 'Characters dropped because the page repeated its own body (0 when none).'),
    ('core', 'article_history', 'duplicate_of', 'article_id of the same text fetched earlier from another URL; NULL when first.'),
    ('core', 'article_history', 'raw_sha256', 'sha256 of the raw page body this version was read from (raw.fetches).'),
    ('core', 'article_history', 'is_sample', 'TRUE when the article is sample text, not a real article.'),
    ('core', 'article_history', 'load_id', 'Run (ops.runs.run_id) that stored this version.'),
    ('core', 'article_history', 'first_seen', 'UTC time the body of this version was received.'),
    ('core', 'article_history', 'valid_from', 'UTC time from which this text was the article''s current one: when it was received.'),
    ('core', 'article_history', 'version', 'Version number of the article: 1 for its first text, then 2, 3, ... in order of valid_from.'),
    ('core', 'article_history', 'valid_to', 'UTC time at which the next version replaced this text (half-open [valid_from, valid_to)); NULL while current.'),
    ('core', 'articles', 'article_id', 'First 16 hex digits of the sha256 of the article URL.'),
    ('core', 'articles', 'source_id', 'Article source in the catalog.'),
    ('core', 'articles', 'url', 'URL the article was fetched from (an .invalid URL names a recorded copy with no known public URL).'),
    ('core', 'articles', 'title', 'Title (first line of the text where the page has no title).'),
    ('core', 'articles', 'language', 'ISO 639-1 language code.'),
    ('core', 'articles', 'published_at', 'Publication date.'),
    ('core', 'articles', 'published_at_inferred', 'TRUE when published_at was inferred from the content, not stated by the publisher.'),
    ('core', 'articles', 'text', 'Current text of the article, verbatim, with a body repeated inside the page kept once.'),
    ('core', 'articles', 'sha256', 'sha256 of text.'),
    ('core', 'articles', 'repeated_chars_removed', 'Characters dropped because the page repeated its own body (0 when none).'),
    ('core', 'articles', 'duplicate_of', 'article_id of the same text fetched earlier from another URL; NULL when first.'),
    ('core', 'articles', 'raw_sha256', 'sha256 of the raw page body the current text was read from (raw.fetches).'),
    ('core', 'articles', 'is_sample', 'TRUE when the article is sample text, not a real article.'),
    ('core', 'articles', 'load_id', 'Run (ops.runs.run_id) that stored the current version.'),
    ('core', 'articles', 'first_seen', 'UTC time the body of the current version was received.'),
    ('core', 'articles', 'valid_from', 'UTC time from which the current text was the article''s: when it was received.'),
    ('core', 'articles', 'version', 'Version number of the current text: 1 when the article was never edited.');

-- the text each figure and claim was read from (also on the tables the lake's serialized step applies)
ALTER TABLE core.figures ADD COLUMN article_sha256 VARCHAR;
ALTER TABLE core.claims ADD COLUMN article_sha256 VARCHAR;
ALTER TABLE ops.staged_figures ADD COLUMN article_sha256 VARCHAR;
ALTER TABLE ops.staged_claims ADD COLUMN article_sha256 VARCHAR;
COMMENT ON COLUMN ops.staged_figures.article_sha256 IS 'sha256 of the article text the figure was read from.';
COMMENT ON COLUMN ops.staged_claims.article_sha256 IS 'sha256 of the article text the claim was resolved in.';
UPDATE core.figures AS f SET article_sha256 = a.sha256 FROM core.articles AS a WHERE a.article_id = f.article_id;
UPDATE core.claims AS c SET article_sha256 = a.sha256 FROM core.articles AS a WHERE a.article_id = c.article_id;
COMMENT ON COLUMN core.figures.article_sha256 IS 'sha256 of the article text the figure was read from (core.article_versions.sha256): the offsets point into that text. Figures are those of the current version (core.articles).';
COMMENT ON COLUMN core.claims.article_sha256 IS 'sha256 of the article text the claim was resolved in (core.article_versions.sha256). Claims are those of the current version (core.articles).';
COMMENT ON COLUMN core.figures.start_offset IS 'Character offset of the figure in the text it was read from (core.article_versions.text of article_sha256; 0-based, inclusive).';
