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

# Another process (unattended-upgrades, someone else's install) may hold the package manager's
# locks; plain apt-get then fails at once. apt_get waits for them, at most APT_LOCK_WAIT seconds:
# `-o DPkg::Lock::Timeout` makes apt-get wait for dpkg's lock, but `apt-get update` does not wait
# for its lists lock (apt 2.6 fails at once), so a run that failed on a lock ("Could not get
# lock", in English under LC_ALL=C) is tried again every 5 s until the time is up; any other
# failure stops it at once. (pip takes no such lock and retries its downloads itself: the
# install in $(STAMP) is left as it is.)
APT_LOCK_WAIT ?= 300
APT_GET_FUNCTION = apt_get() { \
	  deadline=$$(( $$(date +%s) + $(APT_LOCK_WAIT) )); \
	  while :; do \
	    { errors=$$(LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_WAIT) "$$@" 2>&1 1>&3); status=$$?; } 3>&1; \
	    [ $$status = 0 ] && return 0; \
	    printf '%s\n' "$$errors" >&2; \
	    if printf '%s' "$$errors" | grep -q 'Could not get lock' && [ $$(date +%s) -lt $$deadline ]; then \
	      echo "apt-get: another process holds the package manager's lock; trying again in 5 s" >&2; sleep 5; \
	    else return $$status; fi; \
	  done; \
	}

# the dashboard's browser test needs Chromium + chromedriver (Debian packages, installed when
# running as root) and solara's front-end files (fetched from npm when the CDN is unreachable)
test-deps: $(STAMP)
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    $(APT_GET_FUNCTION); \
	    apt_get update -qq && apt_get install -y -qq chromium chromium-driver; \
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
# in other files inline (sim/core/rng.py, sim/kernels/chunks.py, intrinsics.py, money_rules.py ...),
# drop the cache
clean-kernels:
	find sim -name '*.nbi' -delete -o -name '*.nbc' -delete

clean: clean-kernels
	rm -rf $(VENV) .pytest_cache
