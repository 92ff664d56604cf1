# Two commands do everything on a fresh machine with Python 3.11 + pip: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP  := $(VENV)/.installed

.PHONY: run status shell test lint serve bench clean lock

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --compile-bytecode -e .
	touch $(STAMP)

run: $(STAMP)  ## run the whole pipeline on the recorded snapshots (no network)
	$(BIN)/mieruka run

status: $(STAMP)  ## per-source health of data/ (reads only)
	$(BIN)/mieruka status

shell: $(STAMP)  ## the DuckDB shell on the published copy, read-only
	$(BIN)/duckdb -readonly data/mieruka.duckdb

# On both cores, one module per worker at a time, in file order: the slow flows/ and reliability/ modules
# start first and the many quick ones fill in at the end (xdist's default puts big modules first).
test: $(STAMP)  ## run the test suite
	$(BIN)/python -m pytest -n 2 --dist loadscope --no-loadscope-reorder

lint: $(STAMP)
	$(BIN)/ruff check .

serve: $(STAMP)  ## run the schedule on this machine (Prefect server and UI on 127.0.0.1:4200)
	$(BIN)/mieruka serve

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_load.py

lock:  ## re-resolve requirements.lock from pyproject.toml (needs uv)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra bench --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) data
