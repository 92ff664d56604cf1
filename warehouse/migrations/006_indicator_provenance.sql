-- 006: provenance of curated indicators as columns, so marts never parse names or id suffixes.
ALTER TABLE core.indicators ADD COLUMN topic VARCHAR;
ALTER TABLE core.indicators ADD COLUMN publisher VARCHAR;
ALTER TABLE core.indicators ADD COLUMN source_url VARCHAR;
ALTER TABLE core.indicators ADD COLUMN only_source_is_article BOOLEAN;
COMMENT ON COLUMN core.indicators.topic IS 'For curated published figures: the topic (catalog/curated/topics.yaml), e.g. content_overseas_sales; NULL for statistical series.';
COMMENT ON COLUMN core.indicators.publisher IS 'For curated published figures: who published it and who reported it, e.g. MOF via Jiji; NULL for statistical series.';
COMMENT ON COLUMN core.indicators.source_url IS 'For curated published figures: the page the figure was taken from (an article when only_source_is_article).';
COMMENT ON COLUMN core.indicators.only_source_is_article IS 'TRUE when the only source of the figure is a news article: a claim in that article is never checked against it (circular). FALSE for statistical series.';
