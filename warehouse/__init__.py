"""Everything SQL: schema migrations, the bitemporal load, marts and publishing.

SQL lives in `.sql` files next to this module (`migrations/`, `sql/`, `marts/`) and is run with
parameters, never built from data. Code here is called by `flows/` with an open connection.
"""
