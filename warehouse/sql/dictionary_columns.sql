-- The data dictionary's columns: name, type and comment of every column of the schemas core, raw, ops and marts,
-- in table order. A view's columns are described in ops.view_column_comments (a DuckLake cannot comment them).
SELECT c.schema_name, c.table_name, c.column_name, c.data_type, c.is_nullable, coalesce(c.comment, v.comment)
FROM duckdb_columns() AS c
LEFT JOIN ops.view_column_comments AS v
    ON v.schema_name = c.schema_name AND v.view_name = c.table_name AND v.column_name = c.column_name
WHERE c.database_name = current_database() AND c.schema_name IN ('core', 'raw', 'ops', 'marts')
ORDER BY c.schema_name, c.table_name, c.column_index
