"""Prefect flows and tasks: the only code in mieruka that does I/O (HTTP, files, DuckDB writes)."""
