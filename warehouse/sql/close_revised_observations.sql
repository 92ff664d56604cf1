-- Close the validity of every current row that the batch revises (never overwrite a value).
-- revised_obs holds the revised keys and the time the new value became valid.
UPDATE core.observations AS c
SET valid_to = r.new_valid_from
FROM revised_obs AS r
WHERE c.valid_to IS NULL
    AND c.indicator_id = r.indicator_id
    AND c.area = r.area
    AND c.counterpart_area = r.counterpart_area
    AND c.period = r.period
