# Two commands on a fresh machine: `make run` and `make test`. Each sets itself up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.13: a working python3.13 on PATH first (a pyenv shim may be on PATH and not work), then pyenv's 3.13.0.
PYTHON ?= $(shell for p in "$$(command -v python3.13 2>/dev/null)" "$$(PYENV_VERSION=3.13.0 pyenv which python3.13 2>/dev/null)"; do \
	[ -n "$$p" ] && "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null && echo "$$p" && break; done)
VENV := .venv
SAM_VENV := .venv-sam
CHECKOV_VENV := .venv-checkov
PY := $(VENV)/bin/python
PIP_FLAGS := --quiet --disable-pip-version-check
FN ?=
EVENT ?=
# make deploy: the samconfig.toml environment, and whether sam deploy asks its questions. Guided
# when DEPLOY_GUIDED=1, or when samconfig.toml has no deploy parameters for SAM_ENV yet (a new
# environment's first deploy); otherwise it deploys with what samconfig.toml holds.
SAM_ENV ?= default
DEPLOY_GUIDED ?= $(shell [ -n "$(PYTHON)" ] && "$(PYTHON)" -c 'import sys, tomllib; \
	config = tomllib.load(open("samconfig.toml", "rb")); \
	print("" if config.get(sys.argv[1], {}).get("deploy", {}).get("parameters") else "1")' "$(SAM_ENV)")

.PHONY: help venv run test lint unit fast integration e2e invoke openapi bench deploy clean console-screenshots examples-deps

help:
	@echo "make run      start the local stack on http://127.0.0.1:3000/api"
	@echo "make test     lint + the whole test suite (what CI runs)"
	@echo "make lint     ruff, mypy, cfn-lint, sam validate --lint, no cycle once SAM transforms, asl-validator"
	@echo "make invoke FN=<FunctionLogicalId> EVENT=events/<file>.json"
	@echo "make openapi  regenerate openapi.yaml from the routes, then the clients' types from it (Python models, JS schema and build)"
	@echo "make console-screenshots  retake docs/console/*.png (the web console, in headless chromium)"
	@echo "make deploy   sam build + sam deploy to AWS (DEPLOY_GUIDED=1 asks; SAM_ENV=<samconfig env>)"
	@echo "make bench    cold imports, SciFact search vs bm25s/tantivy, reranked hybrid, grouped results, a 50,000-item filter, apply scaling, ingest, file extraction, upload to searchable, kb sync -> docs/benchmarks.md"

$(VENV)/.installed: requirements-dev.txt requirements-nodeps.txt constraints.txt layers/kb/requirements.txt clients/python/pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.13 is needed: install it (e.g. 'pyenv install 3.13.0') or put python3.13 on PATH."; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install $(PIP_FLAGS) -r requirements-dev.txt -c constraints.txt
	$(VENV)/bin/pip install $(PIP_FLAGS) --no-deps -r requirements-nodeps.txt
	@touch $@

$(SAM_VENV)/.installed: requirements-sam.txt
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.13 is needed: install it (e.g. 'pyenv install 3.13.0') or put python3.13 on PATH."; exit 1; fi
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install $(PIP_FLAGS) -r requirements-sam.txt
	@touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt constraints-checkov.txt
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.13 is needed: install it (e.g. 'pyenv install 3.13.0') or put python3.13 on PATH."; exit 1; fi
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install $(PIP_FLAGS) -r requirements-checkov.txt -c constraints-checkov.txt
	@touch $@

# The console's browser tests and screenshots drive Debian's chromium through Playwright (a test
# tool's own browser download is not used).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	$$([ "$$(id -u)" = 0 ] || echo sudo) env DEBIAN_FRONTEND=noninteractive sh -c 'apt-get install -y -qq chromium || { apt-get update -qq && apt-get install -y -qq chromium; }'

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	@touch $@

# The JavaScript client has its own package.json and lock (tsc, openapi-typescript: dev only).
JS_CLIENT := clients/js
$(JS_CLIENT)/node_modules/.installed: $(JS_CLIENT)/package.json $(JS_CLIENT)/package-lock.json
	cd $(JS_CLIENT) && npm ci --silent --no-audit --no-fund
	@touch $@

# What examples/ need: curl and jq, and Mono's C# compiler with HttpClient and
# JavaScriptSerializer (Debian's packages) where they are missing.
EXAMPLE_PACKAGES := curl jq mono-mcs mono-runtime libmono-system-net-http4.0-cil libmono-system-web-extensions4.0-cil
examples-deps:
	@command -v curl >/dev/null && command -v jq >/dev/null && command -v mcs >/dev/null && command -v mono >/dev/null \
	  && [ -f /usr/lib/mono/4.5/System.Net.Http.dll ] && [ -f /usr/lib/mono/4.5/System.Web.Extensions.dll ] || { \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -qq \
	  && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(EXAMPLE_PACKAGES); }

venv: $(VENV)/.installed

run: $(VENV)/.installed
	$(PY) -m local

invoke: $(VENV)/.installed
	@if [ -z "$(FN)" ] || [ -z "$(EVENT)" ]; then echo "usage: make invoke FN=<FunctionLogicalId> EVENT=events/<file>.json"; exit 2; fi
	$(PY) -m local.invoke $(FN) $(EVENT)

# openapi.yaml from the routes, then the clients' types from it (one command after a merge):
# the Python SDK's models, the JavaScript client's schema.ts and its build.
openapi: $(VENV)/.installed $(JS_CLIENT)/node_modules/.installed
	$(PY) scripts/generate_openapi.py > openapi.yaml
	$(PY) scripts/generate_client_models.py
	cd $(JS_CLIENT) && npm run --silent generate

# Each script prints its own section; docs/benchmarks.md is replaced only when all of them succeeded.
bench: $(VENV)/.installed
	{ echo "# Benchmarks"; echo; $(PY) bench/import_time.py --before 2cea6a9; echo; $(PY) bench/search/scifact.py; echo; \
	  $(PY) bench/search/rerank_scifact.py; echo; \
	  $(PY) bench/search/grouped.py; echo; $(PY) bench/search/large_filter.py; echo; \
	  $(PY) bench/search/apply_scaling.py; echo; $(PY) bench/ingest.py; echo; $(PY) bench/files/extraction.py; echo; \
	  $(PY) bench/files/upload_to_searchable.py; echo; $(PY) bench/clients/kb_sync.py; echo; $(PY) bench/limits.py; echo; $(PY) bench/answers/streaming.py; echo; \
	  $(PY) bench/analytics.py; } > .bench.md.tmp && mv .bench.md.tmp docs/benchmarks.md

lint: $(VENV)/.installed $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/actionlint examples/github-actions/*.yml
	$(VENV)/bin/cfn-lint template.yaml
	$(SAM_VENV)/bin/sam validate --lint --region us-east-1 --template-file template.yaml
	$(SAM_VENV)/bin/python scripts/check_template_cycles.py
	npx --no-install asl-validator --json-path statemachines/run.asl.json --json-path statemachines/apply.asl.json --json-path statemachines/import.asl.json --json-path statemachines/train.asl.json
	$(CHECKOV_VENV)/bin/checkov --quiet --compact --config-file .checkov.yaml

# sam build runs the python3.13 it finds first on PATH: put the interpreter make found there.
deploy: $(SAM_VENV)/.installed
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.13 is needed: install it (e.g. 'pyenv install 3.13.0') or put python3.13 on PATH."; exit 1; fi
	PATH="$(dir $(PYTHON)):$$PATH" $(SAM_VENV)/bin/sam build --config-env $(SAM_ENV)
	$(SAM_VENV)/bin/sam deploy --config-env $(SAM_ENV)$(if $(filter 1,$(DEPLOY_GUIDED)), --guided)

unit: $(VENV)/.installed $(JS_CLIENT)/node_modules/.installed
	$(PY) -m pytest tests/unit

# Repositories and domain services in-process against moto's in-memory AWS: seconds, no stack.
fast: $(VENV)/.installed
	$(PY) -m pytest tests/fast

integration: $(VENV)/.installed
	$(PY) -m pytest tests/integration

e2e: $(VENV)/.installed $(CHROMIUM) examples-deps
	$(PY) -m pytest tests/e2e

console-screenshots: $(VENV)/.installed $(CHROMIUM)
	$(PY) scripts/console_screenshots.py

# The quick tiers run alongside the tiers that start a stack (whose slowest tests are listed): the
# stack's emulator keeps about one core busy, the quick tiers take the other, and CI must stay
# under 30 minutes. The quick tiers' own temporary directory keeps pytest's clean-up of old ones
# away from the running stack's; their output follows the stack tiers'.
test: lint $(CHROMIUM) $(JS_CLIENT)/node_modules/.installed examples-deps
	@$(PY) -m pytest tests/unit tests/fast -p no:cacheprovider --basetemp=.pytest-quick > .pytest-quick.log 2>&1 & quick=$$!; \
	stack=0; $(PY) -m pytest tests/integration tests/e2e --durations=25 || stack=$$?; \
	quick_status=0; wait $$quick || quick_status=$$?; \
	echo "== the unit and fast tiers (run alongside)"; cat .pytest-quick.log; \
	test $$stack -eq 0 && test $$quick_status -eq 0

clean:
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) node_modules .local .mypy_cache .ruff_cache .pytest_cache .pytest-quick .pytest-quick.log
