# The README's two commands are `make run` and `make test`; both set everything up first.
PY_SYS ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test lint bench build clean

setup: $(STAMP)

# torch first, from the local CPU wheel: a bare torch requirement would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PY_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: setup
	$(VENV)/bin/qa build

run: setup
	$(PY) app.py

test: setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check qa tests app.py eval
	$(VENV)/bin/ruff format --check qa tests app.py eval

bench: setup
	$(PY) eval/bench.py

clean:
	rm -rf index .pytest_cache
