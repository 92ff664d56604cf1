-- Compare the staged batch (stage_obs) with the current rows of core.observations.
-- new: no current row for the key; changed: a current row with another value, unit, status or
-- sample flag; everything else is unchanged and writes nothing. new_valid_from never precedes the
-- start of the row it replaces, so validity intervals stay ordered.
CREATE OR REPLACE TEMP TABLE obs_batch AS
SELECT
    s.*,
    c.indicator_id IS NULL AS is_new,
    c.indicator_id IS NOT NULL AND (
        s.value IS DISTINCT FROM c.value
        OR s.unit IS DISTINCT FROM c.unit
        OR s.obs_status IS DISTINCT FROM c.obs_status
        OR s.is_sample IS DISTINCT FROM c.is_sample
    ) AS is_changed,
    CASE
        WHEN c.indicator_id IS NOT NULL AND s.valid_from <= c.valid_from
            THEN greatest(s.fetched_at, c.valid_from + INTERVAL 1 MICROSECOND)
        ELSE s.valid_from
    END AS new_valid_from
FROM stage_obs AS s
LEFT JOIN core.observations AS c
    ON c.valid_to IS NULL
    AND c.indicator_id = s.indicator_id
    AND c.area = s.area
    AND c.period = s.period
