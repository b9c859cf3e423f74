# The README's two commands. Both set up what is missing first and redo nothing that is already done:
#   make run   install, fetch and verify the default models (building those built on the box), prepare the
#              database, serve on 0.0.0.0:8080
#   make test  the same set-up, then the whole test suite (offline: sockets outside loopback are blocked)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# llama-cpp-python compiles from source; the multimodal library is not needed. pip caches the built wheel.
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF
HOST ?= 0.0.0.0
PORT ?= 8080

.PHONY: run test lint setup models database clean-venv

run: setup models database
	$(BIN)/edgekit serve --host $(HOST) --port $(PORT)

test: $(VENV)/.test-deps models database
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-deps
	$(BIN)/ruff check edgekit tests benchmarks apps
	$(BIN)/ruff format --check edgekit tests benchmarks apps

setup: $(VENV)/.installed

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "edgekit needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

APPS := $(wildcard apps/*/pyproject.toml)

# Reinstall only when the project's dependencies change. The apps in apps/ are installed beside the core.
$(VENV)/.installed: pyproject.toml $(APPS) | $(VENV)/bin/python
	@echo "Installing edgekit (the first time, llama-cpp-python compiles: about 5-10 minutes on 2 cores)"
	$(BIN)/pip install --progress-bar off -e . $(foreach app,$(APPS),-e $(dir $(app)))
	@touch $@

$(VENV)/.test-deps: $(VENV)/.installed
	$(BIN)/pip install --progress-bar off -e '.[test]'
	@touch $@

# Idempotent: installed models whose files are unchanged since they were verified are skipped at once.
# Models built on the box (minilm-int8) need the build extra (torch, optimum): installed only when one is missing.
models: setup
	$(BIN)/edgekit models pull --defaults
	@$(BIN)/edgekit models build --defaults --check || { \
		echo "Installing the build tools (torch CPU, optimum) to build the missing models"; \
		$(BIN)/pip install --progress-bar off -e '.[build]' && \
		$(BIN)/edgekit models build --defaults; }

database: setup
	$(BIN)/edgekit db upgrade

clean-venv:
	rm -rf $(VENV)
