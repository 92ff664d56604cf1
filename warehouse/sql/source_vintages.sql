-- Latest data vintage per source: the newest valid_from among its observations.
SELECT source_id, max(valid_from) AS vintage FROM core.observations GROUP BY source_id ORDER BY source_id
