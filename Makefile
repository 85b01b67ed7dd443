# The two commands of the quick start, `make demo` and `make test`, each work on a fresh
# Debian machine with Python: they make the virtual environment and install what is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.presskit-installed
SAMPLE_SLUG := 2012-12-28-magnitsky-acquittal

.PHONY: setup system demo test bench clean

# Python here may be told not to write bytecode (PYTHONDONTWRITEBYTECODE): compile presskit
# once, so that no command, fork server or worker compiles it again on every start. The tests
# run with bytecode allowed, so that pytest keeps its rewritten test modules (each worker
# would otherwise rewrite every assert of the suite at each start, seconds of CPU), and with
# one worker more than the cores: a test waiting for a server, a child or the clock (an
# embargo's lift) then leaves no core idle.
setup: system $(STAMP)
	@$(BIN)/python -m compileall -q presskit bench
	@sh scripts/web-deps.sh

system:
	@sh scripts/system-deps.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  echo "Cannot create a virtual environment: install it with 'apt-get install python3-venv'" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

demo: setup
	$(BIN)/presskit check
	$(BIN)/presskit build
	$(BIN)/presskit kit --year 2012
	$(BIN)/presskit send $(SAMPLE_SLUG) --to demo-journalists --dry-run
	@echo
	@echo "Done. Open the PDFs in dist/releases/ and dist/kits/, the messages in dist/outbox/."

test: setup
	$(BIN)/ruff check presskit tests bench
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n $$(($$(nproc) + 1)) --dist worksteal

bench: setup
	$(BIN)/python -m bench
	$(BIN)/python -m bench.site 1000

clean:
	rm -rf dist .presskit
