-- Which credit lines the published data requires: one row per distinct line, with the sources it covers.
SELECT credit, string_agg(DISTINCT source_id, ', ' ORDER BY source_id) AS sources
FROM core.indicators
WHERE nullif(trim(credit), '') IS NOT NULL
GROUP BY credit
ORDER BY sources
