-- Every body already parsed, by parser version: what parsing it gave (paging, follow-ups and notes),
-- so a run can skip a body it received unchanged.
SELECT parser, sha256, any_value(next_page), any_value(follow), any_value(notes)
FROM raw.parsed_bodies
GROUP BY parser, sha256
