# gknlp developer commands. Quick start: `make demo`, then `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
DEMO_REPORT ?= corpora/samples/qinghe_2021_gb18030.txt

.PHONY: demo test lint typecheck install install-test install-check eval bench e2e clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# The stamp files make reinstalling cheap when nothing changed.
$(VENV)/.installed: $(PY) pyproject.toml
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	$(VENV)/bin/gknlp extract $(DEMO_REPORT)

lint: install-test
	$(VENV)/bin/ruff check nlp tests

typecheck: install-test
	$(VENV)/bin/mypy nlp/gknlp

test: lint typecheck
	$(VENV)/bin/pytest -q

# A non-editable install into a fresh virtualenv must carry rules/ and models/.
install-check: install-test
	bash scripts/install_check.sh $(DEMO_REPORT)

# Scores on every gold set (the figures in the README).
eval: install
	$(VENV)/bin/gknlp eval corpora/gold --reports corpora/samples
	$(VENV)/bin/gknlp eval corpora/gold-heldout --reports corpora/heldout
	$(VENV)/bin/gknlp eval corpora/gold-heldout2 --reports corpora/heldout2
	$(VENV)/bin/gknlp eval corpora/gold-heldout3 --reports corpora/heldout3
	$(VENV)/bin/gknlp eval corpora/gold-heldout4 --reports corpora/heldout4
	@if [ -d ../shared/spec/gold-seeds ]; then $(VENV)/bin/gknlp eval ../shared/spec/gold-seeds --reports ../shared/seeds; fi

# Speed and memory figures for the README (about two minutes on 2 cores).
bench: install-test
	$(PY) bench/bench.py
	$(PY) bench/bench_search.py

# The web UI once in headless Chromium, with a screenshot to look at (needs Debian's chromium).
e2e: install-test
	bash scripts/e2e_screenshot.sh

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
