# cookiecutter-ai-app: every target with a "## " comment is listed by `make help`.
# Needs only Python 3.11+ and make: uv is installed into .tools/ when it is not on PATH.
.DEFAULT_GOAL := help
SHELL := /bin/bash

UV_VERSION := 0.13.9
BOOTSTRAP_UV := .tools/bin/uv
# A uv on PATH that answers (a pyenv shim may exist without a working uv behind it).
UV := $(or $(shell uv --version >/dev/null 2>&1 && command -v uv),$(BOOTSTRAP_UV))
PYTHON ?= python3
DEMO_DIR ?= build/demo
PORT ?= 8000
UI_PORT ?= 8501
# Pytest arguments, e.g. `make test ARGS="-k render"`; `-n auto` spreads tests over the cores.
ARGS ?=

.PHONY: help demo test test-fast lint docs

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BOOTSTRAP_UV):
	@echo "uv not found: installing uv $(UV_VERSION) into .tools/"
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked
	@touch .venv

demo: .venv ## Generate the default project into build/demo; start its API on PORT, UI on UI_PORT
	rm -rf $(DEMO_DIR)
	$(UV) run cookiecutter . --no-input --output-dir $(DEMO_DIR)
	cd $(DEMO_DIR)/ai-app && $(MAKE) run UV=$(abspath $(UV)) PORT=$(PORT) UI_PORT=$(UI_PORT)

test: .venv lint ## Run every template test, the generated projects' suites included
	$(UV) run pytest -n auto --dist loadgroup $(ARGS)

test-fast: .venv ## Only the quick tests (rendering, hooks); skips installing generated projects
	$(UV) run pytest -n auto --dist loadgroup -m "not slow" $(ARGS)

lint: .venv ## Lint and type-check the hooks, scripts and tests
	$(UV) run ruff check hooks scripts tests
	$(UV) run ruff format --check hooks scripts tests
	$(UV) run mypy

docs: .venv ## Regenerate the options reference (docs/options.md, the README table) from its sources
	$(UV) run python scripts/options_reference.py
