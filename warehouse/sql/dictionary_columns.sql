-- The data dictionary's columns: name, type and comment of every column of the schemas core, raw, ops and marts,
-- in table order.
SELECT schema_name, table_name, column_name, data_type, is_nullable, comment
FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name IN ('core', 'raw', 'ops', 'marts')
ORDER BY schema_name, table_name, column_index
