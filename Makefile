# The two everyday commands: `make serve` (the daemon with the default model) and `make test`.
# Both build a local virtual environment first. TORCH picks the torch build: the default is the CPU build
# these machines keep on disk; with a GPU, set TORCH="torch" (or install yours into .venv first).
VENV ?= .venv
PYTHON ?= python3
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin

.PHONY: setup test-setup system-deps serve test demo data train eval
# setup: what serving needs; test-setup adds the test tools. System packages: scripts/system-deps.sh decides
# per platform (bridge/platform.py): serving installs nothing on macOS, nor on Linux with ALSA or JACK.
setup: $(VENV)/.installed
test-setup: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install -q "$(TORCH)"
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e ".[test]"
	touch $@

system-deps:
	PYTHON=$(PYTHON) ./scripts/system-deps.sh test

serve: setup
	PYTHON=$(PYTHON) ./scripts/system-deps.sh serve
	$(BIN)/stylevae serve --start-jack

demo: setup
	PYTHON=$(PYTHON) ./scripts/system-deps.sh demo
	$(BIN)/stylevae demo

test: test-setup system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -q

data: setup
	$(BIN)/stylevae data

train: setup
	@echo "make train: the default model, up to 30 epochs or 95 minutes on this 2-core class of machine (the shipped run: 14 epochs, 51 min, cores shared); it prints its time when done"
	$(BIN)/stylevae train --config model/checkpoints/train_default.json

eval: setup
	$(BIN)/stylevae eval
