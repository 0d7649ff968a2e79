# lrlab: `make book` builds the static site, `make test` runs every test.
# Both set up everything they need on a fresh machine (a .venv, the npm assets, Chromium).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
# nbval and the book run notebooks with the venv's kernel, never one from elsewhere.
export JUPYTER_PATH := $(abspath $(VENV))/share/jupyter
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Progress bars print their final line only (the book's renderer would show every update).
export LRLAB_PROGRESS_INTERVAL := 3600

.PHONY: all venv assets browser browser-tests test lint unit notebooks robust book book-student book-ko pot check-translations check-exercises exercises bench slides lab clean

all: test

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

# Local copies of MathJax, require.js, the widget manager and reveal.js (npm): nothing from a CDN.
assets: $(STAMP)
	bash scripts/install_assets.sh

# Debian's Chromium for the real-browser tests (skipped with a reason where it cannot be installed).
browser:
	bash scripts/install_browser.sh

# ruff: lint (pyflakes, pycodestyle, import order, pyupgrade, bugbear) and the format check,
# configured in pyproject.toml (line length 100).
LINTED := src tests bench scripts book/_ext
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

unit: $(STAMP)
	$(BIN)/pytest -n 2 tests

# nbval: every chapter, solution and exercise notebook; --dist loadfile keeps a notebook in one kernel.
notebooks: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env notebooks solutions exercises

# The text's claims under two other seed offsets (LRLAB_SEED), another CPU's arithmetic and one
# thread: every hidden assert must hold, and every output nbval compares must come out the same.
# Not part of `make test` (it runs every notebook four times); .ci/run runs it after `make test`.
robust: $(STAMP)
	$(PY) scripts/robust.py notebooks solutions

check-exercises: $(STAMP)
	$(PY) scripts/make_exercises.py --check

exercises: $(STAMP)
	$(PY) scripts/make_exercises.py

book: $(STAMP) assets
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(PY) scripts/check_offline.py

# The student edition: the site without the Solutions part, into _build/student/_build/html.
book-student: $(STAMP) assets
	$(PY) scripts/build_student.py

# The Korean edition (한국어판), from the same source: gettext catalogs in locales/ko/LC_MESSAGES,
# one per page (scripts/book_i18n.py). `make pot` extracts the English messages of every page
# (no notebook is run) and merges them into the catalogs: a new English paragraph appears there
# untranslated, a changed one fuzzy (stale). `make book-ko` builds the Korean site into
# _build/ko/html with the same strictness as `make book`, reusing its execution cache.
pot: $(STAMP)
	$(PY) scripts/book_i18n.py pot

book-ko: $(STAMP) assets
	$(PY) scripts/book_i18n.py build
	$(PY) scripts/check_offline.py _build/ko/html

# Fails on a missing, untranslated or stale message of a page declared translated
# (locales/ko/TRANSLATED); counts the others. After `make pot`, so that English edits count.
check-translations: pot
	$(BIN)/pytest -q tests/test_translations.py

# The real-browser tests: the explorers, the slides and every page of the built site.
browser-tests: $(STAMP) browser
	$(BIN)/pytest -m browser --run-browser tests

test: $(STAMP) lint assets browser check-exercises check-translations unit notebooks book book-ko book-student browser-tests

# The course in JupyterLab, for learners: the venv's kernel, jupyterlab-myst rendering the chapters'
# MyST (inline {eval} numbers of your own run, admonitions, maths, links), progress bars live,
# nothing fetched from the internet (no announcements, no PyPI listing of extensions).
# LAB_ARGS adds options (e.g. LAB_ARGS="--no-browser --port 8890").
LAB_ARGS ?=
lab: $(STAMP)
	env -u LRLAB_PROGRESS_INTERVAL $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" \
		--LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
		--LabApp.extension_manager=readonly $(if $(filter 0,$(shell id -u)),--allow-root) \
		$(LAB_ARGS) notebooks/00_why_schedule.ipynb

bench: $(STAMP)
	$(PY) bench/run.py

slides: $(STAMP) assets
	$(PY) scripts/make_slides.py

clean:
	rm -rf _build
