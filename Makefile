# Two commands for a fresh machine: `make demo` (renders the samples into out/) and `make test`.
# Each creates or updates the virtual environment in .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
AS_OF ?= $(shell date +%Y-%m-%d)

.PHONY: demo test bench docx-templates schemas clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py $(AS_OF)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

docx-templates: $(STAMP)
	$(BIN)/python scripts/build_docx_templates.py

schemas: $(STAMP)
	$(BIN)/python scripts/export_schema.py

clean:
	rm -rf out build dist .pytest_cache
