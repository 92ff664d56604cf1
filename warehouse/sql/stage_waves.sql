-- The waves of the staged observations, in order: 0 for most bodies; older recordings of one URL
-- replayed in this run come first (0, 1, ...) and its latest answer last.
SELECT DISTINCT wave FROM staged_obs ORDER BY wave
