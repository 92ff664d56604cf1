"""Pure functions from bytes/str to Polars frames: parsers per source, figure extraction, contracts.

Nothing in this package does network, file or DuckDB I/O, and nothing imports Prefect: every
function here can be tested with a literal payload and runs the same in a flow or a notebook.
"""
