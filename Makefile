# Every target installs first when needed, so `make chat` or `make test` alone is enough.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install ingest chat staff eval bench test lint

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) && $(PY) -m pip install -q -e '.[dev]' && touch $(STAMP)

ingest: $(STAMP)
	$(PY) -m ingest

chat: $(STAMP)
	$(PY) -m bot.app

staff: $(STAMP)
	$(PY) -m bot.app --staff

eval: $(STAMP)
	$(PY) -m evals

bench: $(STAMP)
	$(PY) -m evals.bench

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .
