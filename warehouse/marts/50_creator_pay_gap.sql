-- inputs: estat, published, indicators
-- grain: age_group, year
-- unit national_annual_pay_jpy, arts_occupation_annual_pay_jpy, animator_annual_pay_jpy, gap_jpy: JPY
-- unit gap_pct: percent
-- marts.creator_pay_gap: what animators are reported to earn against the national pay of the same age.
-- National and arts-occupation annual pay come from e-Stat's Basic Survey on Wage Structure (00450091):
-- scheduled monthly cash earnings x 12 + annual bonuses and other special earnings, general workers, both
-- sexes, firms with 10+ employees: a mean, not a median. Animator pay is the curated JAniCA figure as
-- reported (catalog/curated/published_figures.csv). A year with an animator figure and no e-Stat figure
-- is compared with the latest e-Stat year before it (national_year says which).
CREATE OR REPLACE TABLE marts.creator_pay_gap AS
WITH animator_series(indicator_id, age_group, age_note) AS (
    VALUES ('pub_animator_annual_income_20_24_seed', '20-24', NULL),
           ('pub_animator_annual_income_25_30_seed', '25-29',
            'animator figure covers ages 25-30 (JAniCA as reported), the e-Stat group ages 25-29')
),
wage_rows AS (
    SELECT
        regexp_extract(indicator_id, '^wage_(scheduled_monthly|annual_bonus)_(all|arts)_([0-9]{2})_([0-9]{2})$', 1)
            AS measure,
        regexp_extract(indicator_id, '^wage_(scheduled_monthly|annual_bonus)_(all|arts)_([0-9]{2})_([0-9]{2})$', 2)
            AS occupation,
        regexp_extract(indicator_id, '^wage_(scheduled_monthly|annual_bonus)_(all|arts)_([0-9]{2})_([0-9]{2})$', 3)
            || '-'
            || regexp_extract(indicator_id, '^wage_(scheduled_monthly|annual_bonus)_(all|arts)_([0-9]{2})_([0-9]{2})$', 4)
            AS age_group,
        TRY_CAST(period AS INTEGER) AS year,
        value,
        is_sample
    FROM core.observations
    WHERE valid_to IS NULL AND area = 'JPN'
        AND regexp_full_match(indicator_id, 'wage_(scheduled_monthly|annual_bonus)_(all|arts)_[0-9]{2}_[0-9]{2}')
        AND regexp_full_match(period, '[0-9]{4}')
),
annual_pay AS (
    -- one row per occupation group, age group and survey year; NULL pay when either part is missing
    SELECT
        occupation,
        age_group,
        year,
        12 * max(value) FILTER (WHERE measure = 'scheduled_monthly')
            + max(value) FILTER (WHERE measure = 'annual_bonus') AS annual_pay_jpy,
        bool_or(is_sample) AS is_sample
    FROM wage_rows
    GROUP BY occupation, age_group, year
),
animator AS (
    SELECT
        s.age_group,
        TRY_CAST(regexp_extract(o.period, '^(FY)?([0-9]{4})$', 2) AS INTEGER) AS year,
        o.value AS animator_annual_pay_jpy,
        o.indicator_id AS animator_indicator_id,
        i.name_en AS animator_indicator_name_en,
        i.name_ja AS animator_indicator_name_ja,
        i.publisher AS animator_source,
        i.only_source_is_article AS animator_only_source_is_article,
        s.age_note,
        o.is_sample
    FROM animator_series AS s
    JOIN core.observations AS o USING (indicator_id)
    JOIN core.indicators AS i USING (indicator_id)
    WHERE o.valid_to IS NULL AND o.value IS NOT NULL
),
grid AS (
    SELECT DISTINCT age_group, year FROM annual_pay
    UNION
    SELECT age_group, year FROM animator WHERE year IS NOT NULL
),
matched AS (
    SELECT
        g.age_group,
        g.year,
        (SELECT max(n.year) FROM annual_pay AS n
         WHERE n.occupation = 'all' AND n.age_group = g.age_group AND n.year <= g.year
            AND n.annual_pay_jpy IS NOT NULL) AS national_year
    FROM grid AS g
)
SELECT
    m.age_group,
    m.year,
    m.national_year,
    nat.annual_pay_jpy AS national_annual_pay_jpy,
    'mean (not a median): e-Stat Basic Survey on Wage Structure, general workers, all occupations, both sexes, '
        || 'firms with 10+ employees; scheduled monthly cash earnings x 12 + annual bonuses and other special earnings'
        AS national_measure,
    arts.annual_pay_jpy AS arts_occupation_annual_pay_jpy,
    a.animator_annual_pay_jpy,
    a.animator_indicator_id,
    a.animator_indicator_name_en,
    a.animator_indicator_name_ja,
    a.animator_source,
    a.animator_annual_pay_jpy - nat.annual_pay_jpy AS gap_jpy,
    100.0 * (a.animator_annual_pay_jpy - nat.annual_pay_jpy) / nullif(nat.annual_pay_jpy, 0) AS gap_pct,
    nullif(concat_ws('; ',
        CASE WHEN a.animator_annual_pay_jpy IS NOT NULL THEN a.age_note END,
        CASE WHEN m.national_year IS NULL THEN 'no e-Stat national pay for this age group up to this year'
             WHEN m.national_year <> m.year
             THEN 'no e-Stat figure for ' || CAST(m.year AS VARCHAR) || ': e-Stat pay of '
                  || CAST(m.national_year AS VARCHAR) || ' used' END,
        CASE WHEN m.national_year IS NOT NULL AND arts.annual_pay_jpy IS NULL
             THEN 'e-Stat gives no arts-occupation pay for this age group and year' END
    ), '') AS note,
    CASE WHEN a.animator_annual_pay_jpy IS NOT NULL THEN a.animator_only_source_is_article END
        AS only_source_is_article,
    coalesce(nat.is_sample, FALSE) OR coalesce(arts.is_sample, FALSE) OR coalesce(a.is_sample, FALSE) AS is_sample
FROM matched AS m
LEFT JOIN annual_pay AS nat ON nat.occupation = 'all' AND nat.age_group = m.age_group AND nat.year = m.national_year
LEFT JOIN annual_pay AS arts ON arts.occupation = 'arts' AND arts.age_group = m.age_group AND arts.year = m.national_year
LEFT JOIN animator AS a ON a.age_group = m.age_group AND a.year = m.year
ORDER BY m.age_group, m.year;

COMMENT ON TABLE marts.creator_pay_gap IS 'Animators'' reported annual pay against the national and arts-occupation annual pay of the same age group (e-Stat Basic Survey on Wage Structure), per age group and year.';
COMMENT ON COLUMN marts.creator_pay_gap.age_group IS 'Age group of the e-Stat survey: 20-24, 25-29, 30-34, 35-39 or 40-44.';
COMMENT ON COLUMN marts.creator_pay_gap.year IS 'Year: an e-Stat survey year, or the year of an animator figure.';
COMMENT ON COLUMN marts.creator_pay_gap.national_year IS 'e-Stat survey year the national and arts pay come from: year itself, or the latest survey year before it when e-Stat has none for year yet. NULL when no earlier year exists.';
COMMENT ON COLUMN marts.creator_pay_gap.national_annual_pay_jpy IS 'National annual pay in yen: scheduled monthly cash earnings of all occupations x 12 + annual bonuses and other special earnings (e-Stat, general workers, both sexes, firms with 10+ employees, national_year). A mean, not a median; overtime pay is not included.';
COMMENT ON COLUMN marts.creator_pay_gap.national_measure IS 'What national_annual_pay_jpy measures, in words: a mean, not a median.';
COMMENT ON COLUMN marts.creator_pay_gap.arts_occupation_annual_pay_jpy IS 'The same annual pay for the e-Stat occupation group artists, designers, photographers and film camera operators (the group that includes animators), national_year; NULL where e-Stat suppresses it.';
COMMENT ON COLUMN marts.creator_pay_gap.animator_annual_pay_jpy IS 'Animators'' annual income in yen from the JAniCA survey as reported (curated figure of the same year: 20-24 from the 20-24 figure, 25-29 from the 25-30 figure); NULL when there is none.';
COMMENT ON COLUMN marts.creator_pay_gap.animator_indicator_id IS 'Curated indicator of the animator figure, e.g. pub_animator_annual_income_20_24_seed.';
COMMENT ON COLUMN marts.creator_pay_gap.animator_indicator_name_en IS 'English name of animator_indicator_id (core.indicators.name_en).';
COMMENT ON COLUMN marts.creator_pay_gap.animator_indicator_name_ja IS 'Japanese name of animator_indicator_id (core.indicators.name_ja).';
COMMENT ON COLUMN marts.creator_pay_gap.animator_source IS 'Who published the animator figure and who reported it (publisher via reporter), from the curated catalog.';
COMMENT ON COLUMN marts.creator_pay_gap.gap_jpy IS 'animator_annual_pay_jpy - national_annual_pay_jpy, in yen (negative = animators earn less).';
COMMENT ON COLUMN marts.creator_pay_gap.gap_pct IS 'gap_jpy in percent of national_annual_pay_jpy (not rounded).';
COMMENT ON COLUMN marts.creator_pay_gap.note IS 'Caveats of the comparison: age bands that do not match (the animator 25-30 figure against e-Stat 25-29), an earlier e-Stat year used, arts pay missing; NULL when none.';
COMMENT ON COLUMN marts.creator_pay_gap.only_source_is_article IS 'For the animator figure: TRUE when its only source is a news article (core.indicators.only_source_is_article); NULL when the row has no animator figure.';
COMMENT ON COLUMN marts.creator_pay_gap.is_sample IS 'TRUE when any input (e-Stat pay or the animator figure) is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
