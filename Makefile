# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
KBASE   = $(BIN)/kbase

.PHONY: demo test check lint docs docs-examples bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,docs]"
	touch $@

demo: $(VENV)/.installed
	@echo "== kbase check"
	$(KBASE) check
	@echo; echo "== kbase grades   (every claim, then the unsupported ones)"
	$(KBASE) grades
	@echo; echo "== kbase audit --min-severity warning"
	$(KBASE) audit --min-severity warning
	@echo; echo "== kbase evidence nmda-blockade"
	$(KBASE) evidence nmda-blockade
	@echo; echo "== kbase evidence relief-three-months"
	$(KBASE) evidence relief-three-months
	@echo; echo "== kbase audit examples/ketamine-draft.md   (a short draft with planted problems)"
	$(KBASE) audit examples/ketamine-draft.md --fail-on none
	@echo; echo "== kbase audit examples/ketamine-draft.docx   (the same draft as Word stores it, Zotero citations): the same findings"
	$(KBASE) audit examples/ketamine-draft.docx --fail-on none 2>&1 | tail -n 1
	@mkdir -p build
	@echo; echo "== the review a writer opens: the draft with its findings in place, as a web page and as Word comments"
	$(KBASE) audit examples/ketamine-draft.md --format html -o build/ketamine-draft-review.html --fail-on none
	$(KBASE) audit examples/ketamine-draft.docx --format docx -o build/ketamine-draft-reviewed.docx --fail-on none
	@echo; echo "== kbase table --article ketamine-chronic-pain --format html"
	$(KBASE) table --article ketamine-chronic-pain --format html -o build/ketamine-report.html
	@echo "open build/ketamine-report.html and build/ketamine-draft-review.html in a browser, build/ketamine-draft-reviewed.docx in Word"

test: $(VENV)/.installed   # the whole suite, as CI runs it
	$(BIN)/python -m pytest -q -n auto

lint: $(VENV)/.installed   # ruff's lint and format check, configured in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: $(VENV)/.installed  # the fast local loop: everything but the tests marked slow
	$(BIN)/python -m pytest -q -n auto -m "not slow"

docs: $(VENV)/.installed
	$(BIN)/mkdocs build --strict

docs-examples: $(VENV)/.installed   # re-run the example commands shown in docs/*.md
	$(BIN)/python docgen.py docs/*.md docs/outputs/*.md

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_load.py

clean:
	rm -rf $(VENV) site .pytest_cache
