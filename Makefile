# Two commands for a fresh machine: `make demo` (renders the samples into out/) and `make test`.
# Each creates or updates the virtual environment in .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
AS_OF ?= $(shell date +%Y-%m-%d)

.PHONY: demo test bench docx-templates schemas clean system-libraries

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

demo: $(STAMP) system-libraries
	$(BIN)/python scripts/demo.py $(AS_OF)

test: $(STAMP) system-libraries
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

docx-templates: $(STAMP)
	$(BIN)/python scripts/build_docx_templates.py

schemas: $(STAMP)
	$(BIN)/python scripts/export_schema.py

clean:
	rm -rf out build dist .pytest_cache
