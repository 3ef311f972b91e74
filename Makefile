# Two commands for a newcomer: `make refresh` (full refresh, publishes warehouse/tlw.duckdb) and
# `make test`. Both create .venv from the committed lock file first; only Python 3.11+ and make
# are needed on the machine.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-from-lock

# In this workplace the official files are mirrored beside the clone (no internet here); a
# deployment with internet leaves TLW_MIRROR unset and fetches the official URLs.
WORKPLACE_MIRROR := $(wildcard ../shared/sources/mirror)
ifeq ($(origin TLW_MIRROR), undefined)
ifneq ($(WORKPLACE_MIRROR),)
export TLW_MIRROR := $(abspath $(WORKPLACE_MIRROR))
endif
endif

.PHONY: refresh test dev bench clean-venv

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

refresh: $(STAMP)
	$(VENV)/bin/tlw refresh

test: $(STAMP)
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

dev: $(STAMP)
	$(VENV)/bin/tlw dev

bench: $(STAMP)
	$(VENV)/bin/python bench/run_all.py

clean-venv:
	rm -rf $(VENV)
