-- The marts to publish: every table of schema marts (views are not published), with its COMMENT ON text.
SELECT table_name, comment
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'marts'
ORDER BY table_name
