-- One mart ($table) to a CSV file ($path; DuckDB writes UTF-8) with a header row, its rows in the same fixed
-- order as its Parquet file (grain columns first, then every other column).
COPY (
    SELECT * FROM query_table($table)
    ORDER BY COLUMNS(c -> list_contains($grain, c)), COLUMNS(c -> NOT list_contains($grain, c))
) TO $path (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')
