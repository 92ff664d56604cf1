-- 015: a run rebuilds only the marts whose inputs changed (warehouse/marts/*.sql declare them with
-- `-- inputs:`), and says which.
ALTER TABLE ops.runs ADD COLUMN marts_rebuilt VARCHAR;
COMMENT ON COLUMN ops.runs.marts_rebuilt IS 'Marts the run rebuilt, comma-separated (the others'' declared inputs did not change, so their rows were kept); empty when none; NULL for runs before this column or that did not reach the marts.';
