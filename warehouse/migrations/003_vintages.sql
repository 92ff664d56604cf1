-- 003: "as known on date D" and the record of what each run revised.
CREATE MACRO core.observations_as_of(d) AS TABLE
    SELECT *
    FROM core.observations
    WHERE valid_from < CAST(d AS DATE) + INTERVAL 1 DAY
        AND (valid_to IS NULL OR valid_to >= CAST(d AS DATE) + INTERVAL 1 DAY);

CREATE TABLE ops.revisions (
    run_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    indicator_id VARCHAR NOT NULL,
    area VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    old_value DOUBLE,
    new_value DOUBLE,
    change DOUBLE,
    change_pct DOUBLE,
    valid_from TIMESTAMP NOT NULL
);
COMMENT ON TABLE ops.revisions IS 'Every value a run revised: old and new value and the change. Rows added and unchanged per run are counted in ops.run_sources (rows_loaded, rows_unchanged).';
COMMENT ON COLUMN ops.revisions.run_id IS 'Run that loaded the revision.';
COMMENT ON COLUMN ops.revisions.source_id IS 'Source.';
COMMENT ON COLUMN ops.revisions.indicator_id IS 'Indicator.';
COMMENT ON COLUMN ops.revisions.area IS 'Area (ISO3).';
COMMENT ON COLUMN ops.revisions.period IS 'Period.';
COMMENT ON COLUMN ops.revisions.old_value IS 'Value before the revision.';
COMMENT ON COLUMN ops.revisions.new_value IS 'Value after the revision.';
COMMENT ON COLUMN ops.revisions.change IS 'new_value - old_value.';
COMMENT ON COLUMN ops.revisions.change_pct IS 'Change in percent of the absolute old value (NULL when the old value is 0 or NULL).';
COMMENT ON COLUMN ops.revisions.valid_from IS 'When the new value became the one known (the old row''s valid_to).';
