-- One mart ($table, e.g. 'marts.claims_check') to a Parquet file ($path), byte-stable: rows in a fixed order
-- (the grain columns $grain first, which contract.py keeps in table order, then every other column as
-- a tie-breaker), and only
-- run-independent key-value metadata ($kv: description, grain, columns with units), never a run id or a time.
COPY (
    SELECT * FROM query_table($table)
    ORDER BY COLUMNS(c -> list_contains($grain, c)), COLUMNS(c -> NOT list_contains($grain, c))
) TO $path (FORMAT parquet, COMPRESSION zstd, KV_METADATA $kv)
