# Every target installs first when needed, so `make chat` or `make test` alone is enough.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Where torch comes from: auto (Linux: PyTorch's CPU index, then pip's own sources; macOS and
# Windows: PyPI), pypi, or a package index URL. See tools/install_torch.py and the README.
TORCH_INDEX ?= auto

.PHONY: install ingest chat staff eval bench test lint

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV) && TORCH_INDEX=$(TORCH_INDEX) $(PY) -m tools.install_torch && $(PY) -m pip install -q -e '.[dev]' && touch $(STAMP)

ingest: $(STAMP)
	$(PY) -m ingest && $(PY) -m bot.safety train

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
