# The README's two commands. Both set up what is missing first and redo nothing that is already done:
#   make run   install, fetch and verify the default models (building those built on the box), prepare the
#              database, serve on 0.0.0.0:8080
#   make test  the same set-up, then the whole test suite (offline: sockets outside loopback are blocked)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# llama-cpp-python compiles from source. Built *portable*, never for the build machine alone: llama.cpp's default
# GGML_NATIVE=ON enables every instruction set the builder has (AVX-512, AMX ...), and the result crashes on a CPU
# that lacks them or only pretends to have them. The flags are chosen per architecture; a CMAKE_ARGS of your own wins.
#   x86-64: the AVX2 + FMA + F16C + BMI2 baseline (every x86 CPU since 2013-2015; no AVX-512, no AMX)
#   arm64 : armv8-a with NEON only, which both the Pi 4 (Cortex-A72) and the Pi 5 (Cortex-A76) run
LLAMA_CPP_VERSION := 0.3.36
ARCH := $(shell uname -m)
LLAMA_FLAGS_x86_64 := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
	-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
LLAMA_FLAGS_aarch64 := -DGGML_NATIVE=OFF -DGGML_CPU_ARM_ARCH=armv8-a
# Whether CMAKE_ARGS is ours (and a wheel from a pack may stand in for a build); exported for the sub-make.
ifeq ($(origin LLAMA_DEFAULT_FLAGS),undefined)
LLAMA_DEFAULT_FLAGS := $(if $(filter undefined,$(origin CMAKE_ARGS)),yes)
endif
export LLAMA_DEFAULT_FLAGS
CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DLLAMA_BUILD_TOOLS=OFF $(LLAMA_FLAGS_$(ARCH))
export CMAKE_ARGS
# The built wheel is kept under a key of version, architecture and flags: pip's own wheel cache is keyed by the
# source alone and would hand back a wheel built with other flags. `edgekit packs create --wheel` can carry it.
WHEEL_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/edgekit/wheels
LLAMA_WHEEL_DIR := $(WHEEL_CACHE)/llama-cpp-python-$(LLAMA_CPP_VERSION)-$(ARCH)-$(shell printf '%s' "$(CMAKE_ARGS)" | sha256sum | cut -c1-12)
# A box with no compiler takes the wheel from a signed pack: `edgekit packs import` verifies it, installs it and
# keeps it here. Used when nothing is built for these flags, unless you set CMAKE_ARGS yourself (then you want a build).
EDGEKIT_HOME ?= $(or $(XDG_DATA_HOME),$(HOME)/.local/share)/edgekit
PACK_WHEEL = $(lastword $(sort $(wildcard $(EDGEKIT_HOME)/wheels/llama_cpp_python-$(LLAMA_CPP_VERSION)-*$(ARCH).whl)))
USE_PACK_WHEEL = $(if $(LLAMA_DEFAULT_FLAGS),$(PACK_WHEEL))
HOST ?= 0.0.0.0
PORT ?= 8080

.PHONY: run test lint typecheck setup models database clean-venv llama-wheel print-%

run: setup models database
	$(BIN)/edgekit serve --host $(HOST) --port $(PORT)

# Through tests/run_suite.py: should pytest itself die of a native crash, it names the test it died in.
test: $(VENV)/.test-deps models database
	$(BIN)/python -m tests.run_suite $(PYTEST_ARGS)

lint: $(VENV)/.test-deps
	$(BIN)/ruff check edgekit tests benchmarks apps
	$(BIN)/ruff format --check edgekit tests benchmarks apps

# Strict on the modules listed in pyproject.toml ([tool.mypy]), the defaults elsewhere; about a minute on 2 cores.
typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

setup: $(VENV)/.installed

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "edgekit needs Python 3.11 or newer (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

APPS := $(wildcard apps/*/pyproject.toml)

# Reinstall only when the project's dependencies change. The apps in apps/ are installed beside the core.
$(VENV)/.installed: pyproject.toml $(APPS) Makefile | $(VENV)/bin/python
	@$(MAKE) --no-print-directory llama-wheel
	@if ls $(LLAMA_WHEEL_DIR)/llama_cpp_python-*.whl >/dev/null 2>&1 || [ -z "$(USE_PACK_WHEEL)" ]; then \
		echo "$(BIN)/pip install --no-deps --no-index --find-links $(LLAMA_WHEEL_DIR) llama-cpp-python==$(LLAMA_CPP_VERSION)"; \
		$(BIN)/pip install --progress-bar off --no-deps --no-index --find-links $(LLAMA_WHEEL_DIR) \
			llama-cpp-python==$(LLAMA_CPP_VERSION); \
	else \
		echo "$(BIN)/pip install --no-deps --no-index $(USE_PACK_WHEEL)"; \
		$(BIN)/pip install --progress-bar off --no-deps --no-index "$(USE_PACK_WHEEL)"; \
	fi
	$(BIN)/pip install --progress-bar off -e . $(foreach app,$(APPS),-e $(dir $(app)))
	@touch $@

# Build once per flag set; a box with no compiler installs the same wheel from a signed pack instead.
llama-wheel: | $(VENV)/bin/python
	@if ls $(LLAMA_WHEEL_DIR)/llama_cpp_python-*.whl >/dev/null 2>&1; then \
		echo "llama-cpp-python $(LLAMA_CPP_VERSION): using the portable build in $(LLAMA_WHEEL_DIR)"; \
	elif [ -n "$(USE_PACK_WHEEL)" ]; then \
		echo "llama-cpp-python $(LLAMA_CPP_VERSION): using the wheel imported from a pack, $(USE_PACK_WHEEL)"; \
	else \
		echo "Building llama-cpp-python $(LLAMA_CPP_VERSION) for $(ARCH) (about 5-10 minutes on 2 cores)"; \
		echo "  CMAKE_ARGS=$(CMAKE_ARGS)"; \
		$(BIN)/pip wheel --progress-bar off --no-cache-dir --no-deps -w $(LLAMA_WHEEL_DIR).tmp \
			llama-cpp-python==$(LLAMA_CPP_VERSION) && \
		printf '%s\n' "$(CMAKE_ARGS)" > $(LLAMA_WHEEL_DIR).tmp/CMAKE_ARGS && \
		rm -rf $(LLAMA_WHEEL_DIR) && mv $(LLAMA_WHEEL_DIR).tmp $(LLAMA_WHEEL_DIR); \
	fi

$(VENV)/.test-deps: $(VENV)/.installed
	$(BIN)/pip install --progress-bar off -e '.[test]'
	@touch $@

# Idempotent: installed models whose files are unchanged since they were verified are skipped at once.
# Models built on the box (minilm-int8) need the build extra (torch, optimum): installed only when one is missing.
# The tests generate with the 0.5B chat model (and gemma): on a big machine the RAM rule would pull the 1.5B one.
test: MODELS_ENV = EDGEKIT_CHAT_MODEL=qwen2.5-0.5b-instruct
models: setup
	$(MODELS_ENV) $(BIN)/edgekit models pull --defaults
	@$(BIN)/edgekit models build --defaults --check || { \
		echo "Installing the build tools (torch CPU, optimum) to build the missing models"; \
		$(BIN)/pip install --progress-bar off -e '.[build]' && \
		$(BIN)/edgekit models build --defaults; }

database: setup
	$(BIN)/edgekit db upgrade

clean-venv:
	rm -rf $(VENV)

# For scripts (tests/field, benchmarks): `make -s print-LLAMA_FLAGS_aarch64` prints the flags they build with.
print-%:
	@printf '%s\n' '$($*)'

