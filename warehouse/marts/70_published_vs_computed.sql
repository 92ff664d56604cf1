-- inputs: published, boj, indicators, marts.digital_deficit_annual
-- grain: period, indicator_id
-- unit published_jpy, computed_jpy, difference_jpy: JPY
-- unit difference_pct: percent
-- marts.published_vs_computed: each published digital-deficit statement beside the value computed
-- from the BOJ series for the same calendar year and definition (marts.digital_deficit_annual).
-- Published statements are the current rows of the curated indicators pub_digital_deficit_*
-- (source 'published', catalog/curated/published_figures.csv); projections
-- (pub_digital_deficit_projection_*, topic digital_deficit_projection) are statements about the
-- future and are left out. The definition a publisher used is the text after "Definition used:" in
-- core.indicators.definition (the loader writes it there from the CSV's definition column):
--   broad  when it says broad, five items or BOJ review (items 907 + 9062 + 9082);
--   narrow when it says narrow or computer (items 9072 + 9062 + 9082);
--   NULL   otherwise (unstated, or a count of items without saying which): compared with broad,
--          and the reason says so.
-- Fiscal-year periods (FYyyyy, April-March) have no computed value: the mart is by calendar year.
CREATE OR REPLACE TABLE marts.published_vs_computed AS
WITH published AS (
    SELECT
        o.indicator_id,
        i.name_en AS indicator_name_en,
        i.name_ja AS indicator_name_ja,
        o.period,
        o.value AS published_jpy,
        CAST(o.valid_from AS DATE) AS published_at,
        o.is_sample,
        coalesce(i.publisher, i.name_en) AS publisher_label,
        coalesce(nullif(regexp_extract(i.definition, 'Definition used: (.*)\.$', 1), ''), i.definition)
            AS definition_stated
    FROM core.observations AS o
    JOIN core.indicators AS i USING (indicator_id)
    WHERE o.valid_to IS NULL
        AND o.source_id = 'published'
        AND o.unit = 'JPY'
        AND starts_with(o.indicator_id, 'pub_digital_deficit_')
        AND NOT starts_with(o.indicator_id, 'pub_digital_deficit_projection_')
),
matched AS (
    SELECT
        p.*,
        CASE
            WHEN lower(p.definition_stated) LIKE '%broad%'
                OR lower(p.definition_stated) LIKE '%five items%'
                OR lower(p.definition_stated) LIKE '%boj review%' THEN 'broad'
            WHEN lower(p.definition_stated) LIKE '%narrow%'
                OR lower(p.definition_stated) LIKE '%computer%' THEN 'narrow'
        END AS matched_definition,
        TRY_CAST(regexp_extract(p.period, '^([0-9]{4})$', 1) AS INTEGER) AS calendar_year
    FROM published AS p
),
compared AS (
    SELECT
        m.*,
        d.balance_jpy AS computed_jpy,
        d.is_sample AS computed_is_sample
    FROM matched AS m
    LEFT JOIN marts.digital_deficit_annual AS d
        ON d.year = m.calendar_year
        AND d.definition = coalesce(m.matched_definition, 'broad')
        AND d.component = 'total'
)
SELECT
    period,
    indicator_id,
    indicator_name_en,
    indicator_name_ja,
    publisher_label,
    definition_stated,
    matched_definition,
    published_jpy,
    computed_jpy,
    published_jpy - computed_jpy AS difference_jpy,
    round(100.0 * (published_jpy - computed_jpy) / nullif(abs(computed_jpy), 0), 2) AS difference_pct,
    published_at,
    CASE
        WHEN calendar_year IS NULL AND starts_with(period, 'FY') THEN
            'fiscal year ' || period || ' (April-March): marts.digital_deficit_annual is by calendar year, '
            || 'so no value is computed'
        WHEN calendar_year IS NULL THEN
            'period ' || period || ' is not a calendar year: no value is computed'
        WHEN computed_jpy IS NULL THEN
            'no complete calendar year ' || period || ' of the BOJ series ('
            || coalesce(matched_definition, 'broad') || ' definition) in the warehouse'
        WHEN matched_definition IS NULL THEN
            'definition not stated as broad or narrow ("' || definition_stated || '"): compared with the broad '
            || 'definition (BOJ items 907 + 9062 + 9082) for ' || period
        WHEN matched_definition = 'broad' THEN
            'stated definition "' || definition_stated || '" is the broad one: compared with BOJ items '
            || '907 + 9062 + 9082 for ' || period
        ELSE
            'stated definition "' || definition_stated || '" is the narrow one: compared with BOJ items '
            || '9072 + 9062 + 9082 for ' || period
    END AS reason,
    is_sample OR coalesce(computed_is_sample, FALSE) AS is_sample
FROM compared
ORDER BY period, indicator_id;

COMMENT ON TABLE marts.published_vs_computed IS 'Each published digital-deficit statement (curated pub_digital_deficit_*, current rows; projections left out) beside the value computed from BOJ series (marts.digital_deficit_annual) for the same calendar year and definition.';
COMMENT ON COLUMN marts.published_vs_computed.period IS 'Period of the statement: YYYY (calendar year) or FYYYYY (Japanese fiscal year, April-March).';
COMMENT ON COLUMN marts.published_vs_computed.indicator_id IS 'Curated indicator of the statement (core.indicators, source published): one publisher or reporter and definition.';
COMMENT ON COLUMN marts.published_vs_computed.indicator_name_en IS 'English name of indicator_id (core.indicators.name_en).';
COMMENT ON COLUMN marts.published_vs_computed.indicator_name_ja IS 'Japanese name of indicator_id (core.indicators.name_ja).';
COMMENT ON COLUMN marts.published_vs_computed.publisher_label IS 'Who stated it: the publisher (and reporter) part of core.indicators.name_en, e.g. MOF via Jiji.';
COMMENT ON COLUMN marts.published_vs_computed.definition_stated IS 'Definition the publisher used, as curated (text after "Definition used:" in core.indicators.definition); unstated when the source does not say.';
COMMENT ON COLUMN marts.published_vs_computed.matched_definition IS 'BOJ definition the statement is matched to: broad (907+9062+9082; stated as broad, five items or BOJ review) or narrow (9072+9062+9082; stated as narrow or computer); NULL when the statement does not say (then compared with broad, see reason).';
COMMENT ON COLUMN marts.published_vs_computed.published_jpy IS 'Published balance in yen (negative = deficit), as the curated row states it.';
COMMENT ON COLUMN marts.published_vs_computed.computed_jpy IS 'Balance computed from BOJ series for the same calendar year and definition (broad when none is stated): marts.digital_deficit_annual total, current values; NULL for fiscal years or years not complete in the warehouse.';
COMMENT ON COLUMN marts.published_vs_computed.difference_jpy IS 'published_jpy - computed_jpy in yen (negative = the published deficit is larger).';
COMMENT ON COLUMN marts.published_vs_computed.difference_pct IS 'difference_jpy in percent of the absolute computed balance, rounded to 2 decimals.';
COMMENT ON COLUMN marts.published_vs_computed.published_at IS 'Date the statement was published (valid_from of the curated row; inferred for some rows, see catalog/curated/published_figures.csv).';
COMMENT ON COLUMN marts.published_vs_computed.reason IS 'Which computed value the statement is compared with and why, or why none is, in words.';
COMMENT ON COLUMN marts.published_vs_computed.is_sample IS 'TRUE when the published row or any BOJ input of the computed value is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
