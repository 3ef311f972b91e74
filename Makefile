# Two commands for a newcomer: `make refresh` (full refresh, publishes warehouse/tlw.duckdb) and
# `make test`. Both create .venv from the committed lock file first; only Python 3.11+ and make
# are needed on the machine.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-from-lock

# `make` reads no setting itself: `tlw` reads the environment and tlw.toml (README,
# Configuration), so `make refresh ARGS=--all` and `.venv/bin/tlw refresh --all` agree.
ARGS ?=
PORT ?= 3000
# In this workplace the official files are mirrored beside the clone (no internet here): the first
# `make refresh` or `make dev` writes a repository tlw.toml naming that mirror, unless one exists. A
# deployment with internet has no such directory and fetches the official URLs.
WORKPLACE_MIRROR := $(wildcard ../shared/sources/mirror)
SETTINGS_SEED := $(if $(WORKPLACE_MIRROR),tlw.toml)

# requirements.lock is generated, never edited: `make lock` after changing pyproject.toml's
# dependencies (it keeps every pin it can and adds sha256 hashes of every file).
UV_VERSION := 0.13.8
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --all-extras --generate-hashes --python-version 3.11 -o requirements.lock
PIP := $(VENV)/bin/pip --disable-pip-version-check

.PHONY: refresh test dev bench lint lock clean-venv

# Every package with its hash checked; pip prints one line per package, so the first run's
# minute of installing is visible.
$(STAMP): requirements.lock pyproject.toml
	@echo "make: installing the $$(grep -c '^[A-Za-z]' requirements.lock) locked packages into $(VENV) (first run: a minute or two)"
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --progress-bar off --require-hashes --no-deps -r requirements.lock
	$(PIP) install --progress-bar off --no-deps -e .
	touch $(STAMP)
	@echo "make: $(VENV) ready"

lock: $(STAMP)
	$(PIP) install --quiet uv==$(UV_VERSION)
	$(LOCK)

lint: $(STAMP)
	$(VENV)/bin/ruff check pipelines tests bench
	$(VENV)/bin/sqlfluff lint sql

tlw.toml:
	printf '# Written by make: the official files mirrored beside the clone (README, Configuration).\nTLW_MIRROR = "%s"\n' "$(abspath $(WORKPLACE_MIRROR))" > $@

refresh: $(STAMP) | $(SETTINGS_SEED)
	$(VENV)/bin/tlw refresh $(ARGS)

test: $(STAMP)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

dev: $(STAMP) | $(SETTINGS_SEED)
	$(VENV)/bin/tlw dev --port $(PORT) $(ARGS)

bench: $(STAMP)
	$(VENV)/bin/python bench/run_all.py

clean-venv:
	rm -rf $(VENV)
