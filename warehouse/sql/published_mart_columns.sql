-- The columns of one mart ($mart), in table order, with type and COMMENT ON text.
SELECT column_name, data_type, comment
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'marts' AND table_name = $mart
ORDER BY column_index
