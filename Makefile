# Two commands for a fresh machine: `make demo` (renders the samples into out/demo/) and `make test`.
# Each creates or updates the virtual environment in .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The samples show their cases as of Monday 23 November 2026; the demo is pinned to that date so that its output
# never decays (pass AS_OF=YYYY-MM-DD to see another day). DEMO_OUT is the demo's own folder.
AS_OF ?= 2026-11-23
DEMO_OUT ?= out/demo

CINVAL_VENV := .venv-cinvalidator
CINVAL_STAMP := $(CINVAL_VENV)/.installed-stamp
PYTHON311 ?= python3.11

DEV_STAMP := $(VENV)/.dev-installed-stamp

.PHONY: demo test bench docx-templates schemas clean cinvalidator browser web-assets screenshots system-libraries \
	lint typecheck mutation

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# WeasyPrint subsets the fonts it embeds in every PDF with libharfbuzz-subset when the system has it, and otherwise
# with fontTools, which makes each PDF about 1.7 times slower. Installed here when missing and we may (root with
# apt-get: a container or CI); otherwise the README says what to install. Checking costs one `ldconfig -p`.
system-libraries:
	@if ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset\.so\.0'; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing libharfbuzz-subset0 (fast font subsetting for PDFs)"; \
	  apt-get install -y -qq --no-install-recommends libharfbuzz-subset0 >/dev/null 2>&1 \
	  || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends libharfbuzz-subset0 >/dev/null; }; \
	else \
	  echo "Note: libharfbuzz-subset0 is not installed, so PDFs take about 1.7 times longer. Ask your IT team to"; \
	  echo "      install it (Debian/Ubuntu: sudo apt-get install libharfbuzz-subset0; Fedora: harfbuzz)."; \
	fi

# The developer tools (ruff, mypy, mutmut): only the targets that use them install them.
$(DEV_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(DEV_STAMP)

demo: $(STAMP) system-libraries
	$(BIN)/python scripts/demo.py $(AS_OF) $(DEMO_OUT)

test: $(STAMP) cinvalidator system-libraries browser
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

# Style and likely bugs (rules in pyproject.toml [tool.ruff]); the format check reports files `ruff format` would change.
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Types: strict on the calendar, the policies, the checks and input loading; lenient elsewhere ([tool.mypy]).
typecheck: $(DEV_STAMP)
	$(BIN)/mypy

# Mutation testing (mutmut, [tool.mutmut] in pyproject.toml): small changes to the calendar, the engine, the checks,
# input loading and the render safety modules, each run against their fast tests; prints the score and every
# surviving mutant. Not part of `make test`: about 10 minutes on 2 cores. Starts afresh each time, so a result never
# comes from an older version of the code or the tests. `$(BIN)/mutmut show <name>` shows a mutant's diff.
mutation: $(DEV_STAMP)
	rm -rf mutants && mkdir mutants
	@echo "mutmut run: progress in mutants/run.log"
	@# A private temporary folder: pytest's shared /tmp/pytest-of-$$USER clean-up fails when another run uses it.
	tmp=$$(mktemp -d) && TMPDIR=$$tmp nice -n 10 $(BIN)/mutmut run --max-children $(shell nproc) > mutants/run.log 2>&1; \
	  status=$$?; rm -rf $$tmp; [ $$status -eq 0 ] || { tail -n 40 mutants/run.log; exit 1; }
	$(BIN)/python scripts/mutation_score.py

bench: $(STAMP)
	$(BIN)/python scripts/bench.py; status=$$?; $(BIN)/python scripts/bench_web.py && exit $$status

# The DfE census rules as published by data-to-insight (csc-validator-be-cin), in their own environment: the
# validator pins pandas<2 and needs Python 3.11. If it cannot be built, tests/test_census_validator.py says why
# and skips; the rest of the suite still runs.
cinvalidator: $(CINVAL_STAMP)

$(CINVAL_STAMP):
	@rm -rf $(CINVAL_VENV) && $(PYTHON311) -m venv $(CINVAL_VENV) > $(CINVAL_VENV).log 2>&1 \
	  && $(CINVAL_VENV)/bin/python -m pip install --quiet 'csc-validator-be-cin==0.1.13' 'numpy<2' pytest \
	     >> $(CINVAL_VENV).log 2>&1 \
	  && touch $(CINVAL_STAMP) \
	  || echo "Could not build $(CINVAL_VENV) (see $(CINVAL_VENV).log); the census validator test will be skipped."

docx-templates: $(STAMP)
	$(BIN)/python scripts/build_docx_templates.py

schemas: $(STAMP)
	$(BIN)/python scripts/export_schema.py

clean:
	rm -rf out/demo build dist .pytest_cache mutants $(CINVAL_VENV) $(CINVAL_VENV).log
