# `make demo` sets up .venv, runs the baseline, prints its summary and writes its report; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-deps bench clean clean-kernels

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/circsim run scenarios/baseline.toml --report

# the dashboard's browser test needs Chromium + chromedriver (Debian packages, installed when
# running as root) and solara's front-end files (fetched from npm when the CDN is unreachable)
test-deps: $(STAMP)
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else \
	    echo "chromium/chromedriver missing and not root: the dashboard browser test will be skipped"; \
	  fi; \
	fi
	PY=$(BIN)/python bash tools/fetch_solara_cdn.sh

test: $(STAMP) test-deps
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/circsim bench --members 1000000 --days 60

# numba caches each kernel under its own file's date only: after editing a helper that kernels
# in other files inline (sim/rng.py, sim/kernels/chunks.py, intrinsics.py ...), drop the cache
clean-kernels:
	find sim -name '*.nbi' -delete -o -name '*.nbc' -delete

clean: clean-kernels
	rm -rf $(VENV) .pytest_cache
