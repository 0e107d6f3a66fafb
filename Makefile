# Two commands for a fresh machine: `make demo` (renders the samples into out/) and `make test`.
# Each creates or updates the virtual environment in .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.dev-installed-stamp
AS_OF ?= $(shell date +%Y-%m-%d)

.PHONY: demo test bench docx-templates schemas clean lint typecheck mutation

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The developer tools (ruff, mypy, mutmut): only the targets that use them install them.
$(DEV_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py $(AS_OF)

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

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
	nice -n 10 $(BIN)/mutmut run --max-children $(shell nproc) > mutants/run.log 2>&1 || { tail -n 40 mutants/run.log; exit 1; }
	$(BIN)/python scripts/mutation_score.py

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

docx-templates: $(STAMP)
	$(BIN)/python scripts/build_docx_templates.py

schemas: $(STAMP)
	$(BIN)/python scripts/export_schema.py

clean:
	rm -rf out build dist .pytest_cache mutants
