-- Whether the catalog's indicators (stage_indicators) differ from those stored: every mart shows their
-- names, so a changed catalog rebuilds every mart.
WITH staged AS (
    SELECT indicator_id, name_en, name_ja, definition, unit, frequency, source_id, series_code, licence, credit,
           topic, publisher, source_url, only_source_is_article
    FROM stage_indicators
),
stored AS (
    SELECT indicator_id, name_en, name_ja, definition, unit, frequency, source_id, series_code, licence, credit,
           topic, publisher, source_url, only_source_is_article
    FROM core.indicators
)
SELECT EXISTS (SELECT * FROM (SELECT * FROM staged EXCEPT SELECT * FROM stored))
    OR EXISTS (SELECT * FROM (SELECT * FROM stored EXCEPT SELECT * FROM staged))
