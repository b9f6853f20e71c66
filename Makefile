# Two entry points (see README): `make report` and `make test`.
# Each creates or refreshes the local virtual environment .venv by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE := data/sample/my_tracker.xlsx
SAMPLE_AS_OF := 2025-06-30

.PHONY: report test browser java sample bench notebooks clean

# An editable install has no bytecode: compileall writes it, as a wheel's install does
# (under PYTHONDONTWRITEBYTECODE every run would otherwise compile jobstats again).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/jobstats summary $(SAMPLE) --as-of $(SAMPLE_AS_OF)

# The whole suite (notebooks and browser tests included) on every core: pytest-xdist,
# one test file per worker at a time (--dist loadfile keeps a notebook's cells on one
# kernel in order and builds each module's fixtures once), the slowest files first
# (tests/conftest.py: SLOWEST_FIRST). `pytest` alone runs it serially.
# -p tests.quick_start: skip a 2 s grammar build per process (see that file).
test: $(STAMP) browser java
	$(BIN)/python -m pytest -p tests.quick_start --nbval-lax --nbval-current-env -p no:cacheprovider -n auto --dist loadfile --no-loadscope-reorder

# Debian's chromium for tests/test_report_browser.py (the report in a real browser).
# Installed with apt-get when missing and we are root; otherwise those tests skip
# and say why. Playwright drives this browser; it never downloads one.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (apt-get) for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	      || echo "could not install chromium: the browser tests will skip"; \
	  else \
	    echo "chromium missing and not root: the browser tests will skip (apt-get install chromium)"; \
	  fi; }

# Spark's tests (tests/test_engine_spark.py) need a Java runtime. On a fresh
# Debian machine (CI runs as root on a clean clone) install Debian's OpenJDK;
# elsewhere say how, and those tests skip with that reason.
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing a Java runtime for the Spark tests (default-jre-headless)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null; \
	  else \
	    echo "No Java runtime: Spark tests will be skipped (apt-get install default-jre-headless)"; \
	  fi; }

# Benchmarks (not part of `make test`): see benchmarks/README.md. BENCH_ARGS=--quick,
# --only duckdb, --with-100m ... (python -m benchmarks --help)
bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

notebooks: $(STAMP)
	$(BIN)/python scripts/run_notebooks.py

sample: $(STAMP)
	$(BIN)/python scripts/make_sample_data.py

clean:
	rm -rf $(VENV) build src/*.egg-info
