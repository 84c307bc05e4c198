# The README's two commands: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test test-fast install install-dev system-deps js-deps lint types pytest seed clean

run: install
	$(BIN)/sarto seed --if-empty
	$(BIN)/sarto serve

test: install-dev system-deps js-deps lint types pytest

# The quick loop while working: every test that needs no seeded shop, server process, browser or
# PostgreSQL (marked `fast` by tests/conftest.py). `make test` still runs everything.
test-fast: install-dev
	$(BIN)/pytest -m fast -q

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

# Reinstall only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The browser tests drive Debian's Chromium; install it only when it is missing (needs root).
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "installing chromium (Debian package)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# The JavaScript clients of the streaming contract tests, pinned by the lock file.
js-deps:
	@if [ -f tests/contract/package-lock.json ] && [ ! -d tests/contract/node_modules ]; then \
		cd tests/contract && npm ci --no-audit --no-fund --loglevel=error; \
	fi

# ruff, then the architecture contracts in pyproject.toml (a broken contract fails here).
lint:
	$(BIN)/ruff check agent tools prompts catalog_seed evals tests
	$(BIN)/lint-imports

types:
	$(BIN)/mypy agent tools prompts catalog_seed evals

pytest:
	$(BIN)/pytest

seed: install
	$(BIN)/sarto seed

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
