# The README's two commands. Each installs what is missing (Debian packages, .venv, the
# checkers' npm packages), quietly and only once, then does its job.
VENV := .venv
PYTHON := $(VENV)/bin/python
NODE_MODULES := tools/node_modules

# Never let a tool download a browser of its own: the checkers use Debian's Chromium.
export PUPPETEER_SKIP_DOWNLOAD := 1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: publish test setup system

publish: setup
	$(PYTHON) -m pipeline publish

test: setup
	$(VENV)/bin/ruff check pipeline tests
	$(VENV)/bin/ruff format --check pipeline tests
	$(VENV)/bin/mypy pipeline
	$(PYTHON) -m pytest -q -n 2 --dist loadfile

setup: system $(VENV)/.installed $(NODE_MODULES)/.installed

system:
	@bash tools/ensure-system-packages.sh

$(VENV)/.installed: pyproject.toml
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	@$(PYTHON) -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

$(NODE_MODULES)/.installed: tools/package.json tools/package-lock.json
	@cd tools && npm ci --silent --no-audit --no-fund
	@touch $@
