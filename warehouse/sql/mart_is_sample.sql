-- Whether any row of one mart ($table, which has an is_sample column) holds sample data.
SELECT coalesce(bool_or(is_sample), FALSE) FROM query_table($table)
