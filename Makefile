# Two commands for a fresh machine: `make demo` (renders the samples into out/) and `make test`.
# Each creates or updates the virtual environment in .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
AS_OF ?= $(shell date +%Y-%m-%d)

.PHONY: demo test bench docx-templates schemas clean browser web-assets screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py $(AS_OF)

test: $(STAMP) browser
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# Debian's Chromium and its driver for the browser tests (never a browser download). Installed when we are root and
# have apt-get; otherwise the browser tests are skipped and say why.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing chromium and chromium-driver for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	    || echo "Could not install Chromium: the browser tests will be skipped."; \
	else echo "No Chromium, and no apt-get as root to install it: the browser tests will be skipped."; fi

# Copy GOV.UK Frontend (CSS/JS, without the crown and the GDS font) and axe-core from npm (the copies are committed).
web-assets: $(STAMP)
	$(BIN)/python scripts/vendor_govuk_frontend.py

# Screenshots of every web page at 1280 and 390 px wide into out/screenshots/ (needs Chromium: make browser).
screenshots: $(STAMP) browser
	$(BIN)/python scripts/screenshots.py out/screenshots

bench: $(STAMP)
	$(BIN)/python scripts/bench.py; status=$$?; $(BIN)/python scripts/bench_web.py && exit $$status

docx-templates: $(STAMP)
	$(BIN)/python scripts/build_docx_templates.py

schemas: $(STAMP)
	$(BIN)/python scripts/export_schema.py

clean:
	rm -rf out build dist .pytest_cache
