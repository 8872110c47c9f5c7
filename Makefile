# The README's two commands are `make run` and `make test`; both set everything up first.
PY_SYS ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup run test lint bench build eval clean

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

# Baseline reports (eval/reports/*.md + .png), each headed by the command that made it. COVID-QA's
# first run builds its index under var/eval/ (several minutes on 2 cores); later runs reuse it.
COVID_QA ?= ../shared/data/covid-qa/covid-qa-dev.json
# The configurations each blind held-out set is compared on.
HOLDOUT_COMPARE := production,production-highlight-cosine,production-noparts,production-noshorthand,production-packaged,dense-finetuned,production-noknown,production-before-coverage,production-coverage-known-terms,production-nocoverage,dense,bm25,hybrid
eval: setup
	$(VENV)/bin/qa eval --questions eval/questions.jsonl --split test --compare --report eval/reports/ours.md
	$(VENV)/bin/qa eval --questions eval/holdout.jsonl --split test --compare $(HOLDOUT_COMPARE) --report eval/reports/holdout.md
	$(VENV)/bin/qa eval --questions eval/holdout2.jsonl --split test --compare $(HOLDOUT_COMPARE) --report eval/reports/holdout2.md
	$(VENV)/bin/qa eval --questions eval/holdout3.jsonl --split test --compare $(HOLDOUT_COMPARE) --report eval/reports/holdout3.md
	$(VENV)/bin/qa eval --questions eval/holdout4.jsonl --split test --compare $(HOLDOUT_COMPARE) --report eval/reports/holdout4.md
	$(VENV)/bin/qa eval --questions eval/holdout5.jsonl --split test --compare $(HOLDOUT_COMPARE) --report eval/reports/holdout5.md
	$(VENV)/bin/qa eval --questions eval/messy_test.jsonl --split test --compare $(HOLDOUT_COMPARE) --report eval/reports/messy.md
	$(VENV)/bin/qa eval --questions $(COVID_QA) --split test --compare --report eval/reports/covid-qa-dev.md

bench: setup
	$(PY) eval/bench.py

clean:
	rm -rf index .pytest_cache
