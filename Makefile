# The same targets run locally and in CI (.ci/run calls `make lint test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install lock demo test lint bench clean

install: $(VENV)/.installed

# Installs exactly the pinned set in requirements.lock, then the project itself without resolving anything.
$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "moratorium needs Python >= 3.11 (set PYTHON=...)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# Re-resolve every dependency of .[dev] in a fresh venv and rewrite requirements.lock (commit the result).
lock:
	$(PYTHON) scripts/lock.py

demo: install
	$(BIN)/moratorium run history-2019-2026 --out demo-out/history
	$(BIN)/moratorium run inspections-2021 --out demo-out/inspections
	@echo "Reports and maps written (open them in a browser; they work offline):"
	@find demo-out -name report.html -o -name 'map*.html' -o -name 'map-*.png' -o -name timeline.png | sort | sed 's/^/  /'

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy src

bench: install
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) demo-out build dist src/*.egg-info .mypy_cache .ruff_cache .pytest_cache
