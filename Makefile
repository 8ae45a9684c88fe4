# innercircle: `make demo` to see it work, `make test` to run the suite.
# The newest of Python 3.13, 3.12, 3.11 that runs here (pyenv shims that exist but do not
# run are skipped); override with `make PYTHON=/path/to/python3.x demo`.
SUPPORTED := import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	$$p -c '$(SUPPORTED)' 2>/dev/null && { command -v $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test test-fast lint dev run top clean

# The demo's run is recorded in the instance `make dev` opens, so the UI shows it.
demo: $(STAMP)  ## Set up, serve the sample web on 127.0.0.x, run the nightly job, show the ranking
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/.dagster_home} ; mkdir -p $$DAGSTER_HOME ; \
	DAGSTER_HOME=$$DAGSTER_HOME $(BIN)/innercircle demo

# One worker per core, each given whole files (their module fixtures are built once), in
# the order tests/conftest.py sorts them (files with slow tests first), not by test count.
# (A worker more than there are cores was measured, issue 12: no clear gain, more CPU.)
XDIST := -n auto --dist loadfile --no-loadscope-reorder

test: $(STAMP)  ## Run the whole test suite (what CI runs)
	$(BIN)/python -m pytest -q $(XDIST)

test-fast: $(STAMP)  ## The suite without the tests that run the whole pipeline or start Dagster/Chromium
	$(BIN)/python -m pytest -q $(XDIST) -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .

dev: $(STAMP)  ## Dagster UI + daemon on http://127.0.0.1:3000
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/.dagster_home} ; mkdir -p $$DAGSTER_HOME ; \
	cp -n dagster.yaml $$DAGSTER_HOME/dagster.yaml ; \
	DAGSTER_HOME=$$DAGSTER_HOME $(BIN)/dagster dev -h 127.0.0.1 -p 3000

run: $(STAMP)
	$(BIN)/innercircle run

top: $(STAMP)
	$(BIN)/innercircle top

$(STAMP): pyproject.toml requirements/spacy-model.txt
	@test -n "$(PYTHON)" || { echo "innercircle needs Python 3.11, 3.12 or 3.13; none of python3.13, python3.12, python3.11, python3 is one (python3 is $$(python3 --version 2>&1))"; exit 1; }
	@$(PYTHON) -c '$(SUPPORTED)' || \
		{ echo "innercircle needs Python 3.11, 3.12 or 3.13; $(PYTHON) is $$($(PYTHON) --version 2>&1)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,celery]'
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/spacy-model.txt
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
