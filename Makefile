PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
WAREHOUSE := data/warehouse.duckdb
# The build's inputs (etl/build.py): the catalogue, the curated and live files, the sources' metadata and the code
# and parameters that turn them into tables.
INPUTS    := indicators/catalog.toml $(wildcard indicators/*.toml indicators/*.py etl/*.py data/curated/*.csv data/live/rows/*.csv \
                                           data/live/*.csv etl/sources/*/source.toml)

STREAMLIT_FLAGS := --server.port $(PORT) --server.headless true
# Public read-only mode: no error details in the browser, toolbar in viewer mode (the pages hide the SQL console).
ifeq ($(MONITOR_MODE),public)
STREAMLIT_FLAGS += --client.showErrorDetails=none --client.toolbarMode=viewer
endif

.PHONY: run test setup browser warehouse bench clean serve nginx publish

# One command: set up, build the warehouse from the committed data files if needed, start the app.
run: setup warehouse
	MONITOR_MODE=$(MONITOR_MODE) $(PY) deploy/streamlit_server.py run app.py $(STREAMLIT_FLAGS)

# One command: set up and run every test (browser tests use Debian's chromium, installed here when missing).
test: setup browser nginx
	$(PY) -m ruff check --quiet .
	$(PY) -m pytest -q -n 2 --dist loadgroup

browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is not installed: the browser tests will be skipped (sudo apt-get install chromium)"; fi; }

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# uv installs the same pins in parallel (about 25 s instead of 75 s on this machine); plain pip if uv fails
	$(PY) -m pip install --quiet --disable-pip-version-check "$$(grep -m1 '^uv==' requirements.txt)" \
	  && $(PY) -m uv pip install --quiet --python $(PY) --compile-bytecode -r requirements.txt \
	  || $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Rebuilt when missing or older than any input (the build itself also skips when the inputs hash is unchanged).
warehouse: $(WAREHOUSE)

$(WAREHOUSE): $(INPUTS)
	$(PY) -m etl build

bench: setup warehouse nginx
	$(PY) bench/run.py
	$(PY) bench/load.py

# Open data: data/published/ from the warehouse (CSV, JSON-stat, Parquet, datapackage.json, DCAT-AP-NO catalog.ttl);
# docs/publishing.md. MONITOR_PUBLISH_BASE_URL names where the folder is served (default http://localhost:8000/).
publish: setup warehouse
	$(PY) -m etl publish

# The public view in production: REPLICAS Streamlit replicas (default one per core) behind nginx on PORT (default
# 8080 here), sticky sessions, one read-only warehouse; Ctrl-C stops everything. deploy/README.md has the details.
serve: SERVE_PORT := $(if $(filter command line environment,$(origin PORT)),$(PORT),8080)
serve: setup warehouse nginx
	$(PY) deploy/serve.py --port $(SERVE_PORT) $(if $(REPLICAS),--replicas $(REPLICAS))

# Debian's nginx for `make serve`, the failover test and the load benchmark (run as our own process, never as the
# system service: that one is stopped and disabled if the package started it).
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null \
	    && { ! [ -d /run/systemd/system ] || systemctl disable --now nginx >/dev/null 2>&1 || true; }; \
	  else echo "nginx is not installed: make serve needs it, the failover test will be skipped (sudo apt-get install nginx)"; fi; }

# The warehouse is derived: deleting it loses nothing (data/curated and data/live are committed inputs).
clean:
	rm -rf $(VENV) $(WAREHOUSE)
