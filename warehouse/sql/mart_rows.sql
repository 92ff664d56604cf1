-- Rows of one mart ($table, e.g. 'marts.claims_check').
SELECT count(*) FROM query_table($table)
