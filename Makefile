# The two everyday commands: `make serve` (the daemon with the default model) and `make test`.
# Both build a local virtual environment first. TORCH picks the torch build: the default is the CPU build
# these machines keep on disk; with a GPU, set TORCH="torch" (or install yours into .venv first).
VENV ?= .venv
PYTHON ?= python3
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin

.PHONY: setup system-deps serve test lint data train eval
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install -q "$(TORCH)"
	$(BIN)/pip install -q -e ".[test]"
	touch $@

system-deps:
	./scripts/system-deps.sh

serve: setup system-deps
	$(BIN)/stylevae serve --start-jack

test: setup system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -q

data: setup
	$(BIN)/stylevae data

train: setup
	$(BIN)/stylevae train --config model/checkpoints/train_default.json

eval: setup
	$(BIN)/stylevae eval
