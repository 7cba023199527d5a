# The two everyday commands: `make serve` (the daemon with the default model) and `make test`.
# Both build a local virtual environment first. TORCH picks the torch build: the default is the CPU build
# these machines keep on disk; with a GPU, set TORCH="torch" (or install yours into .venv first).
VENV ?= .venv
# The Python that builds .venv: the first of these that pyproject.toml's requires-python admits. A newer one would
# build python-rtmidi from source (no wheel), which needs a compiler: scripts/python-check.py says what to install.
ifndef PYTHON
PYTHON := $(shell ./scripts/python-check.py --pick python3.12 python3.11 python3.10 python3 2>/dev/null || echo python3)
endif
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin

.PHONY: setup test-setup system-deps serve test test-stack demo data train eval
# setup: what serving needs; test-setup adds the test tools. System packages: scripts/system-deps.sh decides
# per platform (bridge/platform.py): serving installs nothing on macOS, nor on Linux with ALSA or JACK.
setup: $(VENV)/.installed
test-setup: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	@./scripts/python-check.py --check $(PYTHON)
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

# The tests on the torch, NumPy, numba and python-rtmidi that pip takes on another system with this Python
# (docs/platforms.json), in a venv of their own: STACK=x86_64-apple-darwin, Intel Macs, has the oldest versions the
# project admits, and STACK=x86_64-pc-windows-msvc the newest. Here torch comes from PyPI with its CUDA libraries
# (3 GB and more).
STACK ?= x86_64-apple-darwin
test-stack: test-setup system-deps
	$(PYTHON) -m venv .venv-$(STACK)
	.venv-$(STACK)/bin/pip install -q $$($(BIN)/python scripts/wheels.py --pins $(STACK)) -e ".[test]"
	.venv-$(STACK)/bin/pytest -q

data: setup
	$(BIN)/stylevae data

train: setup
	@echo "make train: the default model, 46 epochs or at most 180 minutes on one thread (the shipped one took three runs of 51, 42 and 32 min, sharing the cores); it prints its time when done"
	$(BIN)/stylevae train --config model/checkpoints/train_default.json

eval: setup
	$(BIN)/stylevae eval
