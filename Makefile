# Two entry points (see README): `make report` and `make test`.
# Each creates or refreshes the local virtual environment .venv by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/sample/my_tracker.xlsx
SAMPLE_AS_OF := 2025-06-30

.PHONY: report test sample bench notebooks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/jobstats summary $(SAMPLE) --as-of $(SAMPLE_AS_OF)

test: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python scripts/bench_analytics.py
	$(BIN)/python scripts/bench_xlsx_readers.py
	$(BIN)/python scripts/bench_loader.py

notebooks: $(STAMP)
	$(BIN)/python scripts/run_notebooks.py

sample: $(STAMP)
	$(BIN)/python scripts/make_sample_data.py

clean:
	rm -rf $(VENV) build src/*.egg-info
