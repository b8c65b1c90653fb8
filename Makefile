PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
WAREHOUSE := data/warehouse.duckdb
SNAPSHOT  := $(wildcard data/snapshot/*.csv) indicators/catalog.toml data/publishers.toml

.PHONY: run test setup warehouse bench clean

# One command: set up, build the warehouse from the embedded snapshot if needed, start the app.
run: setup warehouse
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.headless true

# One command: set up and run every test.
test: setup
	$(PY) -m pytest -q

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Rebuilt when missing or older than any snapshot file.
warehouse: $(WAREHOUSE)

$(WAREHOUSE): $(SNAPSHOT)
	$(PY) -m etl build

bench: setup warehouse
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) $(WAREHOUSE)
