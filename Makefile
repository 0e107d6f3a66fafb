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

.PHONY: demo test bench docx-templates schemas clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py $(AS_OF) $(DEMO_OUT)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

docx-templates: $(STAMP)
	$(BIN)/python scripts/build_docx_templates.py

schemas: $(STAMP)
	$(BIN)/python scripts/export_schema.py

clean:
	rm -rf out/demo build dist .pytest_cache
