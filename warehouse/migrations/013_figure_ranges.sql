-- 013: a figure written as a range ("20-30 %", "2〜3兆円", "between 5 and 7 billion") keeps both ends.
-- value stays the upper end (the claims logic compares it as before); qualifier is 'range'.
ALTER TABLE core.figures ADD COLUMN value_low DOUBLE;
ALTER TABLE core.figures ADD COLUMN value_high DOUBLE;
COMMENT ON COLUMN core.figures.value_low IS 'Lower end of a range (qualifier range), in the unit of value; NULL for a single figure.';
COMMENT ON COLUMN core.figures.value_high IS 'Upper end of a range (qualifier range), equal to value; NULL for a single figure.';
COMMENT ON COLUMN core.figures.qualifier IS 'exact, approx, at_least, at_most, target, estimate or range (value_low..value_high; value is the upper end).';
