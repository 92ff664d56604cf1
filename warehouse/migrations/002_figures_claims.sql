-- 002: figures read from articles, what they claim, and pairs an article gives as equivalents.
CREATE TABLE core.figures (
    article_id VARCHAR NOT NULL,
    figure_index INTEGER NOT NULL,
    surface VARCHAR NOT NULL,
    start_offset BIGINT NOT NULL,
    end_offset BIGINT NOT NULL,
    value DOUBLE NOT NULL,
    unit VARCHAR NOT NULL,
    qualifier VARCHAR NOT NULL,
    ambiguous BOOLEAN NOT NULL,
    note VARCHAR,
    language VARCHAR,
    load_id VARCHAR NOT NULL
);
COMMENT ON TABLE core.figures IS 'Every money and percent figure written in an article, in canonical units (yen, not 億円; percent as 26.0).';
COMMENT ON COLUMN core.figures.article_id IS 'Article (core.articles.article_id).';
COMMENT ON COLUMN core.figures.figure_index IS 'Order of the figure in the article text (0-based).';
COMMENT ON COLUMN core.figures.surface IS 'The figure exactly as written, e.g. 550 億円.';
COMMENT ON COLUMN core.figures.start_offset IS 'Character offset of the figure in core.articles.text (0-based, inclusive).';
COMMENT ON COLUMN core.figures.end_offset IS 'Character offset just after the figure: text[start_offset:end_offset] = surface.';
COMMENT ON COLUMN core.figures.value IS 'Value in the canonical unit: yen for 億円/兆円, 26.0 for 26 %.';
COMMENT ON COLUMN core.figures.unit IS 'ISO 4217 currency code (JPY, USD, EUR, TWD, KRW, CNY), percent, or pp (percentage points).';
COMMENT ON COLUMN core.figures.qualifier IS 'exact, approx, at_least, at_most, target or estimate, from the words around the figure.';
COMMENT ON COLUMN core.figures.ambiguous IS 'TRUE when the reading is uncertain (e.g. French "trillion" next to yen, 元 without a country); see note.';
COMMENT ON COLUMN core.figures.note IS 'Why the figure is ambiguous or what was inferred (e.g. currency taken from context); NULL otherwise.';
COMMENT ON COLUMN core.figures.language IS 'Language the figure was read in (ISO 639-1).';
COMMENT ON COLUMN core.figures.load_id IS 'Run that extracted it.';

CREATE TABLE core.claims (
    article_id VARCHAR NOT NULL,
    figure_index INTEGER NOT NULL,
    topic VARCHAR,
    indicator_id VARCHAR,
    area VARCHAR,
    period VARCHAR,
    period_kind VARCHAR,
    sentence VARCHAR,
    confidence DOUBLE,
    note VARCHAR,
    load_id VARCHAR NOT NULL
);
COMMENT ON TABLE core.claims IS 'What a figure claims, where it could be resolved: topic or indicator, area and period, from lexicons in catalog/lexicons/.';
COMMENT ON COLUMN core.claims.article_id IS 'Article (core.articles.article_id).';
COMMENT ON COLUMN core.claims.figure_index IS 'Figure (core.figures.figure_index) the claim is made with.';
COMMENT ON COLUMN core.claims.topic IS 'Topic the figure is about, e.g. digital_deficit, ai_investment_budget, content_overseas_sales.';
COMMENT ON COLUMN core.claims.indicator_id IS 'Catalog indicator the topic maps to, when one exists.';
COMMENT ON COLUMN core.claims.area IS 'ISO 3166-1 alpha-3 code of the economy the figure is about.';
COMMENT ON COLUMN core.claims.period IS 'Period the figure is about: YYYY or FYYYYY.';
COMMENT ON COLUMN core.claims.period_kind IS 'stated (en 2024), target (d''ici 2035, by 2030) or inferred_from_publication (nothing near: the publication year).';
COMMENT ON COLUMN core.claims.sentence IS 'The sentence the figure came from (trimmed to 400 characters).';
COMMENT ON COLUMN core.claims.confidence IS 'How sure the resolution is, 0 to 1.';
COMMENT ON COLUMN core.claims.note IS 'How the claim was resolved, in words.';
COMMENT ON COLUMN core.claims.load_id IS 'Run that resolved it.';

CREATE TABLE core.figure_pairs (
    article_id VARCHAR NOT NULL,
    figure_index_a INTEGER NOT NULL,
    figure_index_b INTEGER NOT NULL,
    value_a_jpy DOUBLE,
    value_b_jpy DOUBLE,
    ratio DOUBLE,
    consistent BOOLEAN,
    reason VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL
);
COMMENT ON TABLE core.figure_pairs IS 'Amounts an article gives as equivalents (e.g. 196,6 万円 (environ 40 000 TWD)), converted to yen and checked: more than 25 % apart is inconsistent.';
COMMENT ON COLUMN core.figure_pairs.article_id IS 'Article.';
COMMENT ON COLUMN core.figure_pairs.figure_index_a IS 'First figure of the pair.';
COMMENT ON COLUMN core.figure_pairs.figure_index_b IS 'Figure given as its equivalent.';
COMMENT ON COLUMN core.figure_pairs.value_a_jpy IS 'First figure in yen.';
COMMENT ON COLUMN core.figure_pairs.value_b_jpy IS 'Second figure in yen, at the warehouse FX rate (curated where no series exists).';
COMMENT ON COLUMN core.figure_pairs.ratio IS 'value_b_jpy / value_a_jpy.';
COMMENT ON COLUMN core.figure_pairs.consistent IS 'FALSE when the two differ by more than 25 %; NULL when no rate was available.';
COMMENT ON COLUMN core.figure_pairs.reason IS 'The check in words, with the rate used.';
COMMENT ON COLUMN core.figure_pairs.load_id IS 'Run that checked it.';
