# txng — the two commands that matter: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
# Where phones will reach the demo; its QR stamps point there. To scan a printed stamp with a
# phone on the same Wi-Fi: make demo HOST=0.0.0.0 BASE_URL=http://192.168.1.20:8000
BASE_URL ?= http://$(HOST):$(PORT)
# The hub emulator standing in for the national hubs (docs/national.md), loopback only.
HUB_PORT ?= 8765
HUB_ENV := HUB_EMULATOR_URL=http://127.0.0.1:$(HUB_PORT) \
	TXNG_HUB_NBC_CLIENT_ID=txng-demo TXNG_HUB_NBC_CLIENT_SECRET=txng-demo-secret \
	TXNG_HUB_NDATRACE_CLIENT_ID=txng-demo TXNG_HUB_NDATRACE_CLIENT_SECRET=txng-demo-secret

.PHONY: demo test lint format venv dev-venv migrate messages worker clean frontend optional-frontend

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.dev-installed

# Browser libraries from the npm registry, pinned by frontend/package-lock.json; only the built
# files the pages load are copied into static (not in git). Today: the ZXing barcode decoder for
# phones whose browser has no BarcodeDetector.
VENDOR := txng/static/txng/vendor
frontend: $(VENDOR)/.built
$(VENDOR)/.built: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(VENDOR)
	cp frontend/node_modules/zxing-wasm/dist/iife/reader/index.js $(VENDOR)/zxing-reader.js
	cp frontend/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm $(VENDOR)/zxing_reader.wasm
	cp frontend/node_modules/zxing-wasm/LICENSE $(VENDOR)/LICENSE-zxing-wasm
	touch $@

# Without npm the demo still runs: the camera scan then works only in browsers with
# BarcodeDetector (Chrome on Android), elsewhere people type the stamp code.
optional-frontend:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory frontend; \
	else echo "npm not found: camera scanning only where the browser has BarcodeDetector"; fi

# Fresh machine → running site on SQLite with demo data. Run it again: nothing is duplicated.
demo: venv optional-frontend
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py correct_event_identifiers
	DEBUG=1 SITE_DOMAIN=$(BASE_URL) $(HUB_ENV) $(PY) manage.py load_demo --base-url $(BASE_URL)
	@echo "Serving on $(BASE_URL)/  (Ctrl+C to stop); hub emulator on http://127.0.0.1:$(HUB_PORT)/"
	$(PY) -m txng.national.emulator --port $(HUB_PORT) & EMULATOR=$$!; \
	trap 'kill $$EMULATOR' EXIT INT TERM; \
	DEBUG=1 SITE_DOMAIN=$(BASE_URL) $(HUB_ENV) $(PY) manage.py run_demo --addrport $(HOST):$(PORT)

# The whole suite against a throwaway PostgreSQL cluster, browser tests included.
test: dev-venv
	bash scripts/test.sh $(ARGS)

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: dev-venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Recompile translations after editing txng/locale/*/LC_MESSAGES/django.po.
messages: venv
	DEBUG=1 $(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

worker: venv
	DEBUG=1 $(PY) manage.py resume_stamp_orders
	DEBUG=1 $(PY) manage.py db_worker

clean:
	rm -rf $(VENV) var staticfiles $(VENDOR) frontend/node_modules
