# Backstage: every target sets up what it needs, from a machine with Python 3.11, Node 20 and apt.
#   make book    build the book strictly into _build/html
#   make test    lint, unit tests, strict book build, browser tests of the built site
# See README.md for the rest.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HTML   := _build/html
PORT   ?= 8000
JB_FLAGS := --all -W -n --keep-going

.PHONY: help book student serve lab test lint unit build-check student-check browser bench clean distclean requirements

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# --- environment -------------------------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

# The book's packages (what Binder installs) and the project itself, editable.
$(VENV)/.book-deps: requirements.txt pyproject.toml | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# Test tools on top.
$(VENV)/.dev-deps: requirements-dev.txt $(VENV)/.book-deps
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt
	touch $@

# Debian's Chromium for the browser tests (never `playwright install`, which downloads a browser).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core fonts-noto-color-emoji >/dev/null

requirements:  ## re-pin requirements.txt and requirements-dev.txt from the .in files
	$(BIN)/uv pip compile --python-version 3.11 --quiet requirements.in -o requirements.txt
	$(BIN)/uv pip compile --python-version 3.11 --quiet requirements-dev.in -o requirements-dev.txt

# --- the book ----------------------------------------------------------------------------------------------------

# jupyter-cache re-runs a chapter only when its own code changes; the figures also depend on sim/ and widgets/,
# so a change there (or in the pinned packages) empties the cache and every chapter runs again.
CODE_HASH = $(shell cat pyproject.toml requirements.txt $$(find sim widgets book/_ext -name '*.py' | sort) | sha256sum | cut -c1-16)

book: $(VENV)/.book-deps  ## set up and build the book strictly (every cell run, any warning fatal)
	@if [ "$$(cat _build/.code-hash 2>/dev/null)" != "$(CODE_HASH)" ]; then \
	  echo "sim/, widgets/ or the pins changed since the last build: every chapter runs again"; \
	  rm -rf _build/.jupyter_cache; fi
	$(BIN)/jupyter-book build $(JB_FLAGS) .
	@echo $(CODE_HASH) > _build/.code-hash
	@echo
	@echo "The book is in $(HTML)/index.html. Serve it with: make serve  (http://127.0.0.1:$(PORT)/)"

student: $(VENV)/.book-deps  ## build the student edition (no solutions) into _build/student/_build/html
	rm -rf _build/student
	BACKSTAGE_STUDENT=1 $(BIN)/jupyter-book build $(JB_FLAGS) --path-output _build/student .
	@echo
	@echo "The student edition is in _build/student/_build/html/index.html"

serve:  ## serve the built book on 127.0.0.1
	@test -f $(HTML)/index.html || { echo "No built book in $(HTML): run make book first"; exit 1; }
	@echo "Serving $(HTML) at http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

# JupyterLab opens the chapters' .md files as notebooks (jupytext), set in this environment only.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
LAB_PORT ?= 8888
LAB_ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)  # containers and CI run as root
lab: $(VENV)/.book-deps  ## JupyterLab on the book: the live labs
	mkdir -p $(dir $(LAB_OVERRIDES))
	cp tools/lab-overrides.json $(LAB_OVERRIDES)
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(LAB_PORT) --notebook-dir=. $(LAB_ROOT_FLAG) book/intro.md

# --- tests -------------------------------------------------------------------------------------------------------

test: lint unit build-check student-check browser  ## set up and run every test: lint, unit, strict build, student edition, browser
	@echo "make test: all passed"

lint: $(VENV)/.dev-deps  ## ruff on everything, mypy on sim/
	$(BIN)/ruff check .
	$(BIN)/mypy

unit: $(VENV)/.dev-deps  ## pytest, without the browser tests
	$(BIN)/python -m pytest -m "not browser and not student"

student-check: student $(VENV)/.dev-deps  ## build the student edition and search it for answers it must not give
	$(BIN)/python -m pytest -m student

build-check: book  ## the strict book build (`make book`)

browser: $(VENV)/.dev-deps $(CHROMIUM)  ## the built site in headless Chromium, every outside request blocked
	@test -f $(HTML)/index.html || { echo "No built book in $(HTML): run make book first"; exit 1; }
	$(BIN)/python -m pytest -m browser

bench: $(VENV)/.dev-deps $(CHROMIUM) book  ## performance figures: simulator, labs, page weight (printed, not asserted)
	$(BIN)/python bench/bench_sim.py
	@echo
	$(BIN)/python bench/bench_scale.py
	@echo
	$(BIN)/python bench/bench_lab.py
	@echo
	$(BIN)/python bench/bench_pages.py

clean:  ## remove the built book and caches (keeps .venv)
	rm -rf _build .pytest_cache .ruff_cache .mypy_cache .hypothesis

distclean: clean  ## also remove the environment
	rm -rf $(VENV)
