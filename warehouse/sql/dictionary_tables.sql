-- The data dictionary's tables and views: every one of the schemas core, raw, ops and marts, with its comment,
-- core first (what analysts read most), then marts, ops and raw.
SELECT schema_name, table_name, kind, comment
FROM (
    SELECT schema_name, table_name, 'table' AS kind, comment
    FROM duckdb_tables()
    WHERE database_name = current_database() AND schema_name IN ('core', 'raw', 'ops', 'marts')
    UNION ALL
    SELECT schema_name, view_name, 'view', comment
    FROM duckdb_views()
    WHERE database_name = current_database() AND schema_name IN ('core', 'raw', 'ops', 'marts') AND NOT internal
)
ORDER BY list_position(['core', 'marts', 'ops', 'raw'], schema_name), table_name
