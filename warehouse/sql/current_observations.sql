-- The current rows of core.observations for the keys in the staged batch (stage_obs).
SELECT c.indicator_id, c.area, c.counterpart_area, c.period, c.value, c.unit, c.obs_status, c.is_sample, c.valid_from
FROM core.observations AS c
SEMI JOIN stage_obs AS s USING (indicator_id, area, counterpart_area, period)
WHERE c.valid_to IS NULL
