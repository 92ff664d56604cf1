-- Every body already parsed, by parser version: what parsing it gave (paging and follow-ups), so a
-- run can skip a body it received unchanged.
SELECT parser, sha256, any_value(next_page), any_value(follow)
FROM raw.parsed_bodies
GROUP BY parser, sha256
