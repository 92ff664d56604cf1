-- Close the validity of every current row that the batch revises (never overwrite a value).
UPDATE core.observations AS c
SET valid_to = b.new_valid_from
FROM obs_batch AS b
WHERE b.is_changed
    AND c.valid_to IS NULL
    AND c.indicator_id = b.indicator_id
    AND c.area = b.area
    AND c.period = b.period
