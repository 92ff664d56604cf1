-- inputs: *
-- grain: article_id, figure_index
-- unit value: [unit]
-- unit official_value: [unit]
-- unit pair_value_jpy: JPY
-- unit relative_difference: fraction
-- marts.claims_check: one row per figure an article claims (core.claims + core.figures of the current
-- version of each article, core.articles), checked against the official or published value as known on
-- the article's publication date; a figure the article gives with an equivalent amount in another
-- currency (core.figure_pairs) carries that pair's check in the pair_* columns, on both figures' rows.
-- A figure of a disagreeing pair has a row even when it claims nothing else.
--
-- What a claim is compared with (the series of a claim):
--   * the catalog indicator of its topic (core.claims.indicator_id, e.g. gdp -> wb_gdp_usd); monthly
--     and quarterly series are summed over the year (averaged for rates, units "X per Y") and count
--     only when every month or quarter of the year is there;
--   * topic digital_deficit, past period: the BOJ computed total of marts.digital_deficit_annual,
--     broad definition (907 + 9062 + 9082), the one MOF, Nikkei and Jiji quote;
--   * curated published figures (source 'published'), by the topic table below: claim topic ->
--     curated indicator ids (LIKE patterns). kind 'actual' holds realised values, 'target'
--     government targets (compared like any value), 'projection' forecasts (verdict projection).
--     A claim looks at 'target' and 'projection' series when it is forward-looking (period kind
--     target, a year after the article's year, or qualifier target), at 'actual' series otherwise.
--     same_definition FALSE marks a series that is about the topic but measures something else than
--     what the claim names (verdict definition_differs, with the note as reason).
--   * the definition a claim names (core.claims.definition, from the lexicon: "le déficit numérique
--     global", "隠れデジタル赤字" -> including_hidden) picks the series of that definition
--     (claim_definition below; NULL is the topic's default definition): a digital deficit including
--     the hidden part is compared with METI's upper bound of that definition first, the services-only
--     scenarios are then of another definition (same_definition FALSE), and the other way round.
--
-- Circular sources: a curated indicator with only_source_is_article was curated from a news article and
-- that article is its only source (catalog/curated/published_figures.csv, only_source_is_article).
-- (core.indicators.only_source_is_article): such a series is never compared
-- with. It is "this article" when its figure is dated the article's publication date (curated rows
-- from an article carry the article's date as published_at). A claim whose value matches such a
-- figure (same area and period, within the claim's tolerance) is that figure, and is unverifiable
-- even when other series of the topic exist; so is a claim for which only such series exist.
--
-- Choosing among series: same area (or any, when the claim names none), the claim's period, else the
-- nearest year (the reason says so; no period: the latest period known on the article's date), then
-- catalog indicators and BOJ before curated figures, a series of the claim's definition first, one
-- already published on the article's date first, then the value nearest the claim.
--
-- Values as known on the article's date: core.observations_as_of(published_at); a value with no
-- vintage yet on that date is taken from its earliest vintage (known_later = TRUE). The BOJ digital
-- deficit is a mart of current values: its year counts as known when every month of every broad
-- component had a vintage by then (known_later otherwise).
--
-- Balances (digital deficit and the other balance topics): articles state a deficit as a positive
-- amount; when the claim is positive and the official balance negative, the deficit's magnitude is
-- compared, and official_value is that magnitude.
--
-- A figure repeated in the article (same topic, unit and value) whose own sentence gives no year
-- takes the year stated at its nearest other occurrence (e.g. "le déficit numérique de 45兆円"
-- after "45兆円 ... d'ici 2035").
--
-- Tolerance by qualifier: exact and range 5 % (a range: the official value between its ends), approx 15 %,
-- estimate and target 25 %; at_least and at_most
-- state a bound: at_least is consistent when claim <= official x 1.05 (a lower bound must not exceed
-- the fact), at_most when claim >= official x 0.95.
--
-- Verdicts, first that applies: inconsistent_within_article (the figure and the amount the article
-- gives as its equivalent disagree: core.figure_pairs.consistent = FALSE; the check against the official
-- value is still made, and the reason gives both), unverifiable (no topic; circular as above),
-- projection (the chosen series is a projection: official_value is the projection of the claim's
-- definition nearest the claim; the reason says when the claim repeats it, lists the projections of
-- that definition and names those of another; or a future period with nothing to compare with),
-- unverifiable (nothing to compare with), definition_differs (another unit, or same_definition FALSE),
-- consistent or differs.
--
-- A figure in two pairs (a ≈ b ≈ c) carries one: a disagreeing one first, then the one it opens.
--
-- claims_check_amount writes amounts as people read them (5.536兆円, 550億円, 455万円) in reasons;
-- a TEMP macro, so nothing of it is stored in the warehouse.
CREATE OR REPLACE TEMP MACRO claims_check_amount(v, u) AS
    CASE
        WHEN v IS NULL THEN 'no value'
        WHEN u = 'JPY' AND abs(v) >= 1e12 THEN printf('%g兆円', round(v / 1e12, 4))
        WHEN u = 'JPY' AND abs(v) >= 1e8 THEN printf('%g億円', round(v / 1e8, 2))
        WHEN u = 'JPY' AND abs(v) >= 1e4 THEN printf('%g万円', round(v / 1e4, 2))
        WHEN u = 'JPY' THEN printf('%g円', round(v, 2))
        WHEN u = 'percent' THEN printf('%g %%', round(v, 4))
        WHEN u = 'pp' THEN printf('%g pp', round(v, 4))
        WHEN abs(v) >= 1e6 THEN printf('%,.0f %s', v, u)
        ELSE printf('%g %s', round(v, 4), u)
    END;

CREATE OR REPLACE TABLE marts.claims_check AS
WITH topic_series(topic, claim_definition, kind, id_pattern, id_exclude, same_definition, definition_note) AS (
    VALUES
        -- the digital deficit: services-only projections (METI PIVOT base and pessimistic scenarios) and
        -- the upper bound including the hidden digital deficit (pub_digital_deficit_projection_*_incl_hidden)
        ('digital_deficit', NULL, 'projection', 'pub_digital_deficit_projection_%', '%_incl_hidden', TRUE, NULL),
        ('digital_deficit', NULL, 'projection', 'pub_digital_deficit_projection_%_incl_hidden', NULL, FALSE,
         'the series adds the hidden digital deficit (software and services embedded in imported goods); '
         || 'the claim names no such part'),
        ('digital_deficit', 'including_hidden', 'projection', 'pub_digital_deficit_projection_%_incl_hidden', NULL,
         TRUE, NULL),
        ('digital_deficit', 'including_hidden', 'projection', 'pub_digital_deficit_projection_%', '%_incl_hidden',
         FALSE, 'the claim includes the hidden digital deficit (software and services embedded in imported '
         || 'goods); the series counts services only'),
        ('ai_investment_budget', NULL, 'actual', 'pub_ai_investment_%', NULL, TRUE, NULL),
        ('content_overseas_support_budget', NULL, 'actual', 'pub_content_support_budget_seed', NULL, TRUE, NULL),
        ('content_overseas_support_budget', NULL, 'actual', 'pub_content_support_budget_previous_seed', NULL, TRUE, NULL),
        ('content_support_budget', NULL, 'actual', 'pub_content_support_budget_%', NULL, TRUE, NULL),
        ('content_overseas_sales', NULL, 'actual', 'pub_content_overseas_sales_%', 'pub_content_overseas_sales_target_%',
         TRUE, NULL),
        ('content_overseas_sales', NULL, 'target', 'pub_content_overseas_sales_target_%', NULL, TRUE, NULL),
        ('content_market_size', NULL, 'actual', 'pub_content_domestic_market_%', NULL, FALSE,
         'the claim is the size of the whole content market; the only published series is the domestic market'),
        ('anime_industry_market', NULL, 'actual', 'pub_anime_industry_market_%', NULL, TRUE, NULL),
        ('animator_annual_wage', NULL, 'actual', 'pub_animator_annual_income_%', NULL, TRUE, NULL),
        ('median_annual_wage', NULL, 'actual', 'pub_median_annual_wage_%', NULL, TRUE, NULL),
        ('current_account_balance', NULL, 'actual', 'pub_current_account_balance_%', NULL, TRUE, NULL),
        ('goods_services_balance', NULL, 'actual', 'pub_goods_services_balance_%', NULL, TRUE, NULL),
        ('usd_jpy_rate', NULL, 'actual', 'pub_fx_jpy_per_usd_%', NULL, TRUE, NULL)
),
balance_topics(topic) AS (
    VALUES ('digital_deficit'), ('current_account_balance'), ('goods_services_balance'),
           ('ict_services_balance'), ('copyright_charges_balance'), ('consulting_services_balance')
),
pair_sides AS (
    -- each pair from both of its figures: the other figure, and the two amounts in yen
    SELECT article_id, figure_index_a AS figure_index, figure_index_b AS other_index, value_b_jpy AS other_value_jpy,
           consistent, reason, 0 AS side
    FROM core.figure_pairs
    UNION ALL
    SELECT article_id, figure_index_b, figure_index_a, value_a_jpy, consistent, reason, 1
    FROM core.figure_pairs
),
figure_pair AS (
    -- one pair per figure: a disagreeing one first, then the one the figure opens
    SELECT *
    FROM pair_sides
    QUALIFY row_number() OVER (
        PARTITION BY article_id, figure_index
        ORDER BY consistent IS NOT DISTINCT FROM FALSE DESC, side, other_index
    ) = 1
),
claim_rows AS (
    -- the figures of each article's current text that claim something, or that disagree with their pair
    SELECT
        f.article_id,
        f.figure_index,
        f.surface,
        c.sentence,
        f.qualifier,
        f.value,
        f.value_low,
        f.unit,
        f.ambiguous,
        f.note AS figure_note,
        c.topic,
        c.definition AS claim_definition,
        c.indicator_id AS claim_indicator_id,
        c.area,
        c.period,
        c.period_kind,
        a.published_at AS article_published_at,
        a.is_sample AS article_is_sample
    FROM core.figures AS f
    JOIN core.articles AS a ON a.article_id = f.article_id AND coalesce(f.article_sha256, a.sha256) = a.sha256
    LEFT JOIN core.claims AS c
        ON c.article_id = f.article_id AND c.figure_index = f.figure_index
        AND coalesce(c.article_sha256, a.sha256) = a.sha256
    LEFT JOIN figure_pair AS p ON p.article_id = f.article_id AND p.figure_index = f.figure_index
    WHERE c.figure_index IS NOT NULL OR p.consistent = FALSE
),
repeated AS (
    -- the nearest other occurrence, with a stated or target year, of the same figure on the same topic
    SELECT
        r.article_id,
        r.figure_index,
        s.period,
        s.period_kind,
        s.figure_index AS from_index,
        row_number() OVER (
            PARTITION BY r.article_id, r.figure_index ORDER BY abs(s.figure_index - r.figure_index), s.figure_index
        ) AS rn
    FROM claim_rows AS r
    JOIN claim_rows AS s
        ON s.article_id = r.article_id AND s.topic = r.topic AND s.unit = r.unit AND s.value = r.value
        AND s.figure_index <> r.figure_index
    WHERE coalesce(r.period_kind, '') NOT IN ('stated', 'target') AND s.period_kind IN ('stated', 'target')
),
claims AS (
    SELECT
        r.*,
        coalesce(p.period, r.period) AS eff_period,
        coalesce(p.period_kind, r.period_kind) AS eff_period_kind,
        p.from_index AS period_from_index,
        year(r.article_published_at) AS article_year,
        TRY_CAST(regexp_extract(coalesce(p.period, r.period), '^(FY)?([0-9]{4})$', 2) AS INTEGER) AS claim_year,
        CASE r.qualifier
            WHEN 'exact' THEN 0.05
            WHEN 'approx' THEN 0.15
            WHEN 'estimate' THEN 0.25
            WHEN 'target' THEN 0.25
            ELSE 0.05
        END AS tolerance,
        bt.topic IS NOT NULL AS balance_topic
    FROM claim_rows AS r
    LEFT JOIN repeated AS p ON p.article_id = r.article_id AND p.figure_index = r.figure_index AND p.rn = 1
    LEFT JOIN balance_topics AS bt ON bt.topic = r.topic
),
claims_ready AS (
    SELECT
        *,
        coalesce(eff_period_kind = 'target' OR claim_year > article_year, FALSE) AS future_period,
        coalesce(eff_period_kind = 'target' OR claim_year > article_year, FALSE) OR qualifier = 'target'
            AS forward_looking
    FROM claims
),
series AS (
    -- curated series by topic
    SELECT
        c.article_id,
        c.figure_index,
        ts.kind,
        2 AS priority,
        ts.same_definition,
        ts.definition_note,
        i.indicator_id AS series_id
    FROM claims_ready AS c
    JOIN topic_series AS ts ON ts.topic = c.topic AND ts.claim_definition IS NOT DISTINCT FROM c.claim_definition
    JOIN core.indicators AS i
        ON i.source_id = 'published' AND i.indicator_id LIKE ts.id_pattern
        AND (ts.id_exclude IS NULL OR i.indicator_id NOT LIKE ts.id_exclude)
    UNION ALL
    -- the catalog indicator the claim's topic is
    SELECT c.article_id, c.figure_index, 'actual', 1, TRUE, NULL, i.indicator_id
    FROM claims_ready AS c
    JOIN core.indicators AS i ON i.indicator_id = c.claim_indicator_id
),
wanted AS (
    SELECT DISTINCT s.article_id, c.article_published_at, s.series_id
    FROM series AS s
    JOIN claims_ready AS c ON c.article_id = s.article_id AND c.figure_index = s.figure_index
),
article_dates AS (
    SELECT DISTINCT article_id, article_published_at FROM wanted WHERE article_published_at IS NOT NULL
),
as_of AS (
    -- every value of the wanted series as known at the end of the article's publication day
    SELECT d.article_id, o.indicator_id, o.area, o.period, o.value, o.valid_from, o.is_sample
    FROM article_dates AS d, LATERAL core.observations_as_of(d.article_published_at) AS o
    WHERE o.indicator_id IN (SELECT series_id FROM wanted)
),
earliest AS (
    SELECT
        indicator_id,
        area,
        period,
        arg_min(value, valid_from) AS value,
        min(valid_from) AS valid_from,
        arg_min(is_sample, valid_from) AS is_sample
    FROM core.observations
    WHERE indicator_id IN (SELECT series_id FROM wanted)
    GROUP BY indicator_id, area, period
),
current_rows AS (
    SELECT indicator_id, area, period, value, valid_from, is_sample
    FROM core.observations
    WHERE valid_to IS NULL AND indicator_id IN (SELECT series_id FROM wanted)
),
vintage_parts AS (
    -- per article, series, area and period: the value known on the article's date, else the earliest
    -- vintage (known_later); for an article with no date, the current value (known_later NULL)
    SELECT
        w.article_id,
        e.indicator_id,
        e.area,
        e.period,
        CASE
            WHEN w.article_published_at IS NULL THEN cur.value
            WHEN a.indicator_id IS NOT NULL THEN a.value
            ELSE e.value
        END AS value,
        CASE
            WHEN w.article_published_at IS NULL THEN cur.valid_from
            WHEN a.indicator_id IS NOT NULL THEN a.valid_from
            ELSE e.valid_from
        END AS valid_from,
        CASE
            WHEN w.article_published_at IS NULL THEN cur.is_sample
            WHEN a.indicator_id IS NOT NULL THEN a.is_sample
            ELSE e.is_sample
        END AS is_sample,
        CASE WHEN w.article_published_at IS NOT NULL THEN a.indicator_id IS NULL END AS known_later
    FROM wanted AS w
    JOIN earliest AS e ON e.indicator_id = w.series_id
    LEFT JOIN as_of AS a
        ON a.article_id = w.article_id AND a.indicator_id = e.indicator_id AND a.area = e.area AND a.period = e.period
    LEFT JOIN current_rows AS cur
        ON cur.indicator_id = e.indicator_id AND cur.area = e.area AND cur.period = e.period
),
series_values AS (
    -- monthly and quarterly series as calendar years (all parts needed); annual series as they are
    SELECT
        v.article_id,
        v.indicator_id,
        v.area,
        CASE WHEN i.frequency IN ('monthly', 'quarterly') THEN substr(v.period, 1, 4) ELSE v.period END AS period,
        -- summed (averaged) as DECIMAL to a millionth of the unit: exact, so independent of summation order
        CAST(CASE
            WHEN i.unit LIKE '% per %' THEN avg(CAST(v.value AS DECIMAL(38, 6)))
            ELSE sum(CAST(v.value AS DECIMAL(38, 6)))
        END AS DOUBLE) AS value,
        max(v.valid_from) AS valid_from,
        bool_or(v.known_later) AS known_later,
        bool_or(v.is_sample) AS is_sample,
        count(v.value) AS parts,
        CASE i.frequency WHEN 'monthly' THEN 12 WHEN 'quarterly' THEN 4 ELSE 1 END AS parts_needed
    FROM vintage_parts AS v
    JOIN core.indicators AS i ON i.indicator_id = v.indicator_id
    GROUP BY
        v.article_id, v.indicator_id, v.area,
        CASE WHEN i.frequency IN ('monthly', 'quarterly') THEN substr(v.period, 1, 4) ELSE v.period END,
        i.unit, i.frequency
),
boj_broad_series AS (
    SELECT DISTINCT 'bop_services_' || component || '_net' AS indicator_id
    FROM marts.digital_deficit_annual
    WHERE definition = 'broad' AND component <> 'total'
),
boj_year_known AS (
    -- a year of the computed deficit exists once every month of every component has a vintage
    SELECT year, max(first_valid_from) AS valid_from
    FROM (
        SELECT CAST(substr(o.period, 1, 4) AS INTEGER) AS year, min(o.valid_from) AS first_valid_from
        FROM core.observations AS o
        JOIN boj_broad_series AS b ON b.indicator_id = o.indicator_id
        WHERE o.area = 'JPN'
        GROUP BY o.indicator_id, o.period
    ) AS keys
    GROUP BY year
),
candidates AS (
    SELECT
        s.article_id,
        s.figure_index,
        s.kind,
        s.priority,
        s.same_definition,
        s.definition_note,
        s.series_id,
        i.source_id,
        -- curated figures name their publisher; catalog series are named by their code
        coalesce(i.publisher, i.series_code) AS publisher_label,
        i.definition,
        coalesce(nullif(regexp_extract(i.definition, 'Definition used: (.*)\.$', 1), ''), i.name_en)
            AS short_definition,
        i.unit AS series_unit,
        coalesce(i.only_source_is_article, FALSE) AS only_article_source,
        v.area,
        v.period,
        v.value,
        v.valid_from,
        v.known_later,
        v.is_sample
    FROM series AS s
    JOIN core.indicators AS i ON i.indicator_id = s.series_id
    JOIN series_values AS v ON v.article_id = s.article_id AND v.indicator_id = s.series_id
    WHERE v.parts = v.parts_needed
    UNION ALL
    SELECT
        c.article_id,
        c.figure_index,
        'actual',
        1,
        c.claim_definition IS NULL,
        CASE WHEN c.claim_definition IS NOT NULL THEN
            'the claim names the definition ' || c.claim_definition || '; the BOJ broad total counts services only'
        END,
        'marts.digital_deficit_annual:broad',
        'boj',
        'Bank of Japan balance of payments, computed by marts.digital_deficit_annual',
        'Digital deficit, broad definition: net balance of BOJ items 907 (telecommunications, computer and '
            || 'information services) + 9062 (charges for the use of copyrights) + 9082 (professional and '
            || 'management consulting services), calendar year (January-December).',
        'BOJ broad total 907 + 9062 + 9082',
        'JPY',
        FALSE,
        'JPN',
        CAST(d.year AS VARCHAR),
        d.balance_jpy,
        k.valid_from,
        CASE
            WHEN c.article_published_at IS NOT NULL
                THEN coalesce(k.valid_from >= CAST(c.article_published_at AS TIMESTAMP) + INTERVAL 1 DAY, TRUE)
        END,
        d.is_sample
    FROM claims_ready AS c
    JOIN marts.digital_deficit_annual AS d
        ON c.topic = 'digital_deficit' AND d.definition = 'broad' AND d.component = 'total'
    LEFT JOIN boj_year_known AS k ON k.year = d.year
),
applicable AS (
    -- candidates of the right kind and area, with the official value in the claim's terms
    SELECT
        k.*,
        CASE
            WHEN c.balance_topic AND c.value > 0 AND k.value < 0 THEN -k.value
            ELSE k.value
        END AS official_cmp,
        c.balance_topic AND c.value > 0 AND k.value < 0 AS as_magnitude,
        TRY_CAST(regexp_extract(k.period, '^(FY)?([0-9]{4})$', 2) AS INTEGER) AS series_year,
        c.eff_period,
        c.claim_year,
        c.value AS claim_value,
        c.tolerance,
        c.area AS claim_area,
        c.article_published_at
    FROM candidates AS k
    JOIN claims_ready AS c ON c.article_id = k.article_id AND c.figure_index = k.figure_index
    WHERE (k.area = c.area OR c.area IS NULL)
        AND CASE WHEN c.forward_looking THEN k.kind IN ('target', 'projection') ELSE k.kind = 'actual' END
),
circular AS (
    -- the claim is one of the figures curated from an article (same area, period and value): circular
    SELECT
        article_id,
        figure_index,
        arg_min(series_id, {'distance': abs(claim_value - official_cmp), 'series_id': series_id}) AS series_id,
        bool_or(CAST(valid_from AS DATE) = article_published_at) AS same_date
    FROM applicable
    WHERE only_article_source
        AND period = eff_period
        AND abs(claim_value - official_cmp) <= tolerance * abs(official_cmp)
    GROUP BY article_id, figure_index
),
circular_only AS (
    -- series exist for the claim, but all of them come from an article
    SELECT
        article_id,
        figure_index,
        string_agg(DISTINCT series_id, ', ' ORDER BY series_id) AS series_ids,
        bool_or(CAST(valid_from AS DATE) = article_published_at) AS same_date
    FROM applicable
    GROUP BY article_id, figure_index
    HAVING bool_and(only_article_source)
),
ranked AS (
    SELECT
        a.*,
        row_number() OVER (
            PARTITION BY a.article_id, a.figure_index
            ORDER BY
                a.area IS NOT DISTINCT FROM a.claim_area DESC,
                a.period IS NOT DISTINCT FROM a.eff_period DESC,
                abs(a.series_year - a.claim_year) ASC NULLS LAST,
                a.priority ASC,
                a.same_definition DESC,
                a.known_later ASC NULLS LAST,
                a.series_year DESC NULLS LAST,
                abs(a.claim_value - a.official_cmp) ASC NULLS LAST,
                a.series_id
        ) AS rn
    FROM applicable AS a
    WHERE NOT a.only_article_source
),
chosen AS (
    SELECT * FROM ranked WHERE rn = 1
),
projection_range AS (
    -- every projection of the chosen year, for the reason: those of the chosen one's definition, and the others
    SELECT
        ch.article_id,
        ch.figure_index,
        min(a.official_cmp) FILTER (WHERE a.same_definition = ch.same_definition) AS low,
        max(a.official_cmp) FILTER (WHERE a.same_definition = ch.same_definition) AS high,
        count(*) FILTER (WHERE a.same_definition = ch.same_definition) AS n,
        string_agg(
            claims_check_amount(a.official_cmp, a.series_unit) || ' (' || a.short_definition || ', '
                || a.publisher_label || ')',
            ', ' ORDER BY a.official_cmp, a.series_id
        ) FILTER (WHERE a.same_definition = ch.same_definition) AS listed,
        string_agg(
            claims_check_amount(a.official_cmp, a.series_unit) || ' (' || a.short_definition || ', '
                || a.publisher_label || ')',
            ', ' ORDER BY a.official_cmp, a.series_id
        ) FILTER (WHERE a.same_definition <> ch.same_definition) AS other_listed
    FROM chosen AS ch
    JOIN applicable AS a
        ON a.article_id = ch.article_id AND a.figure_index = ch.figure_index AND a.kind = 'projection'
        AND a.period = ch.period AND NOT a.only_article_source
    WHERE ch.kind = 'projection'
    GROUP BY ch.article_id, ch.figure_index
),
judged AS (
    SELECT
        c.*,
        ch.series_id,
        ch.kind AS series_kind,
        ch.definition AS series_definition,
        ch.short_definition,
        ch.source_id || ': ' || ch.publisher_label AS source_label,
        ch.series_unit,
        ch.same_definition,
        ch.definition_note,
        ch.period AS series_period,
        ch.official_cmp AS official_value,
        ch.as_magnitude,
        ch.value AS official_as_stated,
        ch.valid_from AS official_valid_from,
        ch.known_later,
        ch.is_sample AS official_is_sample,
        (c.value - ch.official_cmp) / nullif(abs(ch.official_cmp), 0) AS relative_difference,
        ch.series_unit = c.unit OR ch.series_unit LIKE c.unit || ' per %' AS unit_matches,
        CASE c.qualifier
            WHEN 'at_least' THEN c.value <= ch.official_cmp * (1 + c.tolerance)
            WHEN 'at_most' THEN c.value >= ch.official_cmp * (1 - c.tolerance)
            -- a range holds the official value when it lies between its ends, give or take the tolerance
            WHEN 'range' THEN ch.official_cmp
                BETWEEN least(c.value_low, c.value) - c.tolerance * abs(ch.official_cmp)
                AND greatest(c.value_low, c.value) + c.tolerance * abs(ch.official_cmp)
            ELSE abs(c.value - ch.official_cmp) <= c.tolerance * abs(ch.official_cmp)
        END AS within_tolerance,
        ci.series_id AS circular_series,
        ci.same_date AS circular_same_date,
        co.series_ids AS circular_only_series,
        co.same_date AS circular_only_same_date,
        pr.low AS projection_low,
        pr.high AS projection_high,
        pr.n AS projection_count,
        pr.listed AS projection_listed,
        pr.other_listed AS projection_other_listed,
        fp.other_index AS pair_figure_index,
        fo.surface AS pair_surface,
        fp.other_value_jpy AS pair_value_jpy,
        fp.consistent AS pair_consistent,
        fp.reason AS pair_reason
    FROM claims_ready AS c
    LEFT JOIN chosen AS ch ON ch.article_id = c.article_id AND ch.figure_index = c.figure_index
    LEFT JOIN circular AS ci ON ci.article_id = c.article_id AND ci.figure_index = c.figure_index
    LEFT JOIN circular_only AS co ON co.article_id = c.article_id AND co.figure_index = c.figure_index
    LEFT JOIN projection_range AS pr ON pr.article_id = c.article_id AND pr.figure_index = c.figure_index
    LEFT JOIN figure_pair AS fp ON fp.article_id = c.article_id AND fp.figure_index = c.figure_index
    LEFT JOIN core.figures AS fo ON fo.article_id = fp.article_id AND fo.figure_index = fp.other_index
),
official_verdicts AS (
    -- the check against the official or published value
    SELECT
        *,
        CASE
            WHEN topic IS NULL AND claim_indicator_id IS NULL THEN 'unverifiable'
            WHEN circular_series IS NOT NULL OR circular_only_series IS NOT NULL THEN 'unverifiable'
            WHEN series_kind = 'projection' THEN 'projection'
            WHEN series_id IS NULL AND future_period THEN 'projection'
            WHEN series_id IS NULL THEN 'unverifiable'
            WHEN NOT unit_matches THEN 'definition_differs'
            WHEN NOT same_definition THEN 'definition_differs'
            WHEN official_value IS NULL THEN 'unverifiable'
            WHEN within_tolerance THEN 'consistent'
            ELSE 'differs'
        END AS official_verdict
    FROM judged
),
verdicts AS (
    -- a figure that disagrees with the amount the article gives as its equivalent: that comes first
    SELECT
        *,
        CASE WHEN pair_consistent = FALSE THEN 'inconsistent_within_article' ELSE official_verdict END AS verdict
    FROM official_verdicts
),
compared_flag AS (
    -- an unverifiable claim was compared with nothing: its comparison columns stay empty
    SELECT *, official_verdict <> 'unverifiable' AND series_id IS NOT NULL AS compared FROM verdicts
),
described AS (
    SELECT
        *,
        'article: ' || surface
            || CASE
                WHEN eff_period IS NULL THEN ' (' || qualifier || ', no period stated)'
                WHEN eff_period_kind = 'target' THEN ' (' || qualifier || ') by ' || eff_period
                ELSE ' (' || qualifier || ') for ' || eff_period
            END AS claim_words,
        claims_check_amount(official_value, series_unit) || ' for ' || coalesce(series_period, '?') || ' ('
            || short_definition || '; ' || source_label || ')' AS official_words,
        concat_ws('; ',
            CASE WHEN period_from_index IS NOT NULL THEN
                'the sentence gives no year: ' || eff_period || ' taken from figure ' || period_from_index
                || ', the same figure where the article states it'
            END,
            CASE WHEN compared AND eff_period IS NULL THEN
                'no period stated: compared with the latest period known on the article''s date, ' || series_period
            END,
            CASE
                WHEN compared AND starts_with(eff_period, 'FY') AND series_period = substr(eff_period, 3) THEN
                    'fiscal year ' || eff_period || ' (April-March) compared with calendar year ' || series_period
                WHEN compared AND eff_period IS NOT NULL AND series_period <> eff_period THEN
                    'no figure for ' || eff_period || ': nearest period ' || series_period || ' used'
            END,
            CASE WHEN compared AND as_magnitude THEN
                'deficit stated as a positive amount: compared with the magnitude of the balance ('
                || claims_check_amount(official_as_stated, series_unit) || ')'
            END,
            CASE WHEN compared AND known_later THEN
                'not yet published on ' || CAST(article_published_at AS VARCHAR) || ': the earliest vintage, valid from '
                || CAST(CAST(official_valid_from AS DATE) AS VARCHAR) || ', is used'
            END,
            CASE WHEN compared AND known_later IS NULL THEN
                'article date unknown: current value used'
            END,
            CASE WHEN ambiguous THEN 'reading of the figure is ambiguous: ' || coalesce(figure_note, 'see core.figures') END
        ) AS notes
    FROM compared_flag
),
claim_checks AS (
    SELECT
        article_id,
        figure_index,
        surface,
        sentence,
        qualifier,
        value,
        unit,
        topic,
        claim_definition,
        CASE WHEN compared THEN series_id ELSE claim_indicator_id END AS indicator_id,
        area,
        eff_period AS period,
        CASE WHEN compared THEN series_definition END AS definition,
        article_published_at,
        CASE WHEN compared THEN official_value END AS official_value,
        CASE WHEN compared THEN source_label END AS official_source,
        CASE WHEN compared THEN official_valid_from END AS official_valid_from,
        CASE WHEN compared THEN known_later END AS known_later,
        CASE WHEN compared AND unit_matches THEN relative_difference END AS relative_difference,
        verdict,
        concat_ws('; ',
            CASE WHEN verdict = 'inconsistent_within_article' THEN
                'inconsistent within the article: ' || pair_reason || '; against the official value: '
                || official_verdict
            END,
            CASE
                WHEN topic IS NULL AND claim_indicator_id IS NULL THEN
                    'no topic or indicator resolved for this figure: nothing to compare with'
                WHEN circular_series IS NOT NULL AND circular_same_date THEN
                    'only source is this article (circular): the figure is ' || circular_series
                    || ', curated from this article (only_source_is_article), never compared with'
                WHEN circular_series IS NOT NULL THEN
                    'only source is a news article (circular): the figure is ' || circular_series
                    || ', curated from an article (only_source_is_article), never compared with'
                WHEN circular_only_series IS NOT NULL AND circular_only_same_date THEN
                    'only source is this article (circular): the only published figures for ' || topic || ' ('
                    || circular_only_series || ') were curated from this article (only_source_is_article)'
                WHEN circular_only_series IS NOT NULL THEN
                    'only source is a news article (circular): the only published figures for ' || topic || ' ('
                    || circular_only_series || ') were curated from an article (only_source_is_article)'
                WHEN series_kind = 'projection' AND same_definition AND within_tolerance THEN
                    'projection: ' || claim_words || ' repeats the published projection of the same definition, '
                    || official_words || printf(' (%+.1f %%)', 100.0 * relative_difference)
                    || coalesce('; projections of another definition: ' || projection_other_listed, '')
                WHEN series_kind = 'projection' THEN
                    'projection: ' || claim_words || '; published projections for ' || series_period
                    || CASE WHEN same_definition THEN '' ELSE ' (none of the claim''s definition: ' || definition_note || ')' END
                    || ': ' || projection_listed || '; the claim is '
                    || CASE
                        WHEN value > projection_high THEN
                            printf('above the highest by %.0f %%', 100.0 * (value - projection_high) / abs(projection_high))
                        WHEN value < projection_low THEN
                            printf('below the lowest by %.0f %%', 100.0 * (projection_low - value) / abs(projection_low))
                        ELSE 'within their range'
                    END
                    || '; official_value is the nearest, ' || claims_check_amount(official_value, series_unit)
                    || coalesce('; projections of another definition: ' || projection_other_listed, '')
                WHEN series_id IS NULL AND future_period THEN
                    'projection: ' || claim_words || ' is a future period and no published projection or target of '
                    || coalesce(topic, claim_indicator_id) || ' exists to compare with'
                WHEN series_id IS NULL AND forward_looking THEN
                    'unverifiable: ' || claim_words || ' is a target and no published target of '
                    || coalesce(topic, claim_indicator_id) || ' exists to compare with'
                WHEN series_id IS NULL THEN
                    'unverifiable: no official or published series of ' || coalesce(topic, claim_indicator_id)
                    || CASE WHEN area IS NOT NULL THEN ' for ' || area ELSE '' END || ' to compare with'
                WHEN NOT unit_matches THEN
                    'definition differs: ' || claim_words || ' is in ' || unit || ', the series in ' || series_unit
                    || ' (not converted): ' || official_words
                WHEN NOT same_definition THEN
                    'definition differs: ' || claim_words || ' vs ' || official_words || ': ' || definition_note
                    || printf(' (%+.1f %%)', 100.0 * relative_difference)
                WHEN official_value IS NULL THEN
                    'unverifiable: the series has no value for ' || series_period || ' (' || source_label || ')'
                ELSE
                    claim_words || ' vs ' || official_words || printf(': %+.1f %%', 100.0 * relative_difference)
                    || CASE qualifier
                        WHEN 'at_least' THEN printf(
                            ', a lower bound, consistent when it does not exceed the official value by more than %g %%',
                            100 * tolerance)
                        WHEN 'at_most' THEN printf(
                            ', an upper bound, consistent when it is not below the official value by more than %g %%',
                            100 * tolerance)
                        ELSE printf(', tolerance %g %% for %s', 100 * tolerance, qualifier)
                    END
                    || CASE WHEN within_tolerance THEN ': consistent' ELSE ': differs' END
            END,
            nullif(notes, '')
        ) AS reason,
        pair_figure_index,
        pair_surface,
        pair_value_jpy,
        pair_consistent,
        pair_reason,
        article_is_sample OR (compared AND coalesce(official_is_sample, FALSE)) AS is_sample
    FROM described
),
computed_names AS (
    -- the BOJ computed series is named as the digital-deficit mart names its broad total
    SELECT
        'marts.digital_deficit_annual:broad' AS indicator_id,
        any_value(component_name_en) AS name_en,
        any_value(component_name_ja) AS name_ja
    FROM marts.digital_deficit_annual
    WHERE definition = 'broad' AND component = 'total'
)
SELECT
    c.* EXCLUDE (is_sample),
    coalesce(i.name_en, n.name_en) AS indicator_name_en,
    coalesce(i.name_ja, n.name_ja) AS indicator_name_ja,
    c.is_sample
FROM claim_checks AS c
LEFT JOIN core.indicators AS i ON i.indicator_id = c.indicator_id
LEFT JOIN computed_names AS n ON n.indicator_id = c.indicator_id
ORDER BY c.article_id, c.figure_index;

COMMENT ON TABLE marts.claims_check IS 'One row per figure an article claims (of each article''s current text), checked against the official or published value as known on the article''s date (consistent, differs, definition_differs, projection, unverifiable), or inconsistent_within_article when it disagrees with the amount the article gives as its equivalent (that pair''s check in the pair_* columns). Rules: warehouse/marts/80_claims_check.sql.';
COMMENT ON COLUMN marts.claims_check.article_id IS 'Article (core.articles.article_id).';
COMMENT ON COLUMN marts.claims_check.figure_index IS 'Figure of the claim (core.figures.figure_index): one row per figure.';
COMMENT ON COLUMN marts.claims_check.surface IS 'The figure as written.';
COMMENT ON COLUMN marts.claims_check.sentence IS 'Sentence the figure came from (core.claims.sentence); NULL for a figure that claims nothing but disagrees with its pair.';
COMMENT ON COLUMN marts.claims_check.qualifier IS 'exact, approx, at_least, at_most, target, estimate or range (core.figures.qualifier); sets the tolerance.';
COMMENT ON COLUMN marts.claims_check.value IS 'Value the article states, in the canonical unit (yen, not 億円; deficits as the article writes them, usually positive).';
COMMENT ON COLUMN marts.claims_check.unit IS 'Unit of value: ISO 4217 currency code, percent or pp.';
COMMENT ON COLUMN marts.claims_check.topic IS 'Topic of the claim (core.claims.topic), e.g. digital_deficit; NULL when none was resolved.';
COMMENT ON COLUMN marts.claims_check.claim_definition IS 'Definition of the topic the article names for the figure (core.claims.definition), e.g. including_hidden (the digital deficit including software and services embedded in imported goods); NULL: the topic''s default definition. The series of that definition are compared with first.';
COMMENT ON COLUMN marts.claims_check.indicator_id IS 'Series compared with: a catalog indicator, a curated published indicator (pub_*) or marts.digital_deficit_annual:broad (BOJ computed); the claim''s own indicator when nothing was compared; never an *_seed series.';
COMMENT ON COLUMN marts.claims_check.area IS 'ISO 3166-1 alpha-3 code of the economy the claim is about.';
COMMENT ON COLUMN marts.claims_check.period IS 'Period the claim is about (YYYY or FYYYYY); a repeated figure whose sentence gives no year takes the year stated at its nearest other occurrence (see reason).';
COMMENT ON COLUMN marts.claims_check.definition IS 'Definition of the compared series (core.indicators.definition, or the BOJ broad definition); NULL when nothing was compared.';
COMMENT ON COLUMN marts.claims_check.article_published_at IS 'Publication date of the article: the date the official value is taken as known on.';
COMMENT ON COLUMN marts.claims_check.official_value IS 'Official or published value compared with, in the claim''s terms: the deficit as a positive amount when the article states it so and the balance is negative; for projection, the projection of the claim''s definition nearest the claim. NULL when nothing was compared.';
COMMENT ON COLUMN marts.claims_check.official_source IS 'Source of official_value: source_id and publisher label (boj: ..., published: MOF via Jiji, ...).';
COMMENT ON COLUMN marts.claims_check.official_valid_from IS 'valid_from of the value compared with (for the BOJ computed deficit, when the last month of the year first had a vintage).';
COMMENT ON COLUMN marts.claims_check.known_later IS 'TRUE when no vintage of the value existed at the end of the article''s publication day, so its earliest vintage was used; FALSE when it was known then; NULL when nothing was compared or the article has no date.';
COMMENT ON COLUMN marts.claims_check.relative_difference IS '(value - official_value) / |official_value|, a fraction (0.1 = 10 % above); NULL when nothing was compared.';
COMMENT ON COLUMN marts.claims_check.verdict IS 'inconsistent_within_article (the figure and the amount the article gives as its equivalent disagree: pair_consistent FALSE; comes first), consistent (within tolerance: exact and range 5 %, approx 15 %, estimate/target 25 %; at_least consistent when value <= official x 1.05, at_most when value >= official x 0.95), differs (outside it), definition_differs (the series measures something else than the claim names, or another unit), projection (a future period, compared with the published projections of the claim''s definition where they exist), unverifiable (nothing to compare with, or the only source is an article: circular).';
COMMENT ON COLUMN marts.claims_check.reason IS 'The verdict in words: the claim, the official value with its period, definition and source, the difference and tolerance, and how the comparison was chosen; for inconsistent_within_article, the pair''s reason first, then the check against the official value.';
COMMENT ON COLUMN marts.claims_check.pair_figure_index IS 'The other figure of the pair the article gives as equivalents (core.figure_pairs), e.g. 40 000 TWD for 196,6 万円; NULL when the figure has no equivalent. A figure in two pairs: the disagreeing one, else the one it opens.';
COMMENT ON COLUMN marts.claims_check.pair_surface IS 'The other figure of the pair as written; NULL when none.';
COMMENT ON COLUMN marts.claims_check.pair_value_jpy IS 'The other figure of the pair in yen, at the warehouse FX rate; NULL when none or no rate.';
COMMENT ON COLUMN marts.claims_check.pair_consistent IS 'FALSE when the figure and its pair differ by more than 25 % in yen (verdict inconsistent_within_article); TRUE when they agree; NULL when there is no pair or no rate.';
COMMENT ON COLUMN marts.claims_check.pair_reason IS 'The pair''s check in words, with the rate used (core.figure_pairs.reason); NULL when none.';
COMMENT ON COLUMN marts.claims_check.indicator_name_en IS 'English name of indicator_id (core.indicators.name_en; for marts.digital_deficit_annual:broad, the name of that mart''s broad total); NULL when indicator_id is NULL.';
COMMENT ON COLUMN marts.claims_check.indicator_name_ja IS 'Japanese name of indicator_id (core.indicators.name_ja; for marts.digital_deficit_annual:broad, the name of that mart''s broad total); NULL when indicator_id is NULL.';
COMMENT ON COLUMN marts.claims_check.is_sample IS 'TRUE when the article or the value compared with is sample data (see snapshots/PROVENANCE.yaml): do not quote as fact.';
