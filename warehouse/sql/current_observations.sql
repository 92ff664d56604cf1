-- The current version of every key in the staged batch (stage_obs): the newest of its versions.
SELECT v.indicator_id, v.area, v.counterpart_area, v.period, v.value, v.unit, v.obs_status, v.is_sample, v.valid_from
FROM core.observation_versions AS v
SEMI JOIN stage_obs AS s USING (indicator_id, area, counterpart_area, period)
QUALIFY row_number() OVER (
    PARTITION BY v.indicator_id, v.area, v.counterpart_area, v.period ORDER BY v.valid_from DESC, v.recorded_at DESC
) = 1
