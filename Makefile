# fivestar — 五星支部创建管理平台. See README.md.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8000
PYTEST_ARGS ?= -n 2 --dist loadgroup
STAMP   = $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
TEST_STAMP = $(VENV)/.installed-test-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install static demo test test-fast serve worker bench clean system-deps

install: $(STAMP) static

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@rm -f $(VENV)/.installed-[0-9]*; touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-test-*; touch $@

# Static files are collected and compressed once per release (a no-op when already current); the demo
# serves them from the sources and does not need them.
static: $(STAMP)
	$(BIN)/fivestar collectstatic

demo: $(STAMP)
	PORT=$(PORT) $(BIN)/fivestar demo

system-deps:
	@bash scripts/system-deps.sh

test: $(TEST_STAMP) system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

serve: install
	$(BIN)/fivestar serve

worker: install
	$(BIN)/fivestar worker

# The supervision bench defaults to 1,000,000 problems (~12 min on PostgreSQL here); `make bench` runs a fifth of
# them on SQLite unless told otherwise (SUPERVISION_BENCH_ARGS=).
SUPERVISION_BENCH_ARGS ?= --problems 200000

bench: install
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/import_divisions.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/supervision.py $(SUPERVISION_BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis *.egg-info
