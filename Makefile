# Two commands a new user needs: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The stamps make both commands quiet and fast when nothing changed: the venv is (re)installed
# only when the packaging (pyproject.toml, setup.py) is newer than the last install.
RUN_STAMP  := $(VENV)/.stamp-run
TEST_STAMP := $(VENV)/.stamp-test

.PHONY: run test lint format typecheck soak bench real-world bytecode installer clean screenshots translations

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml setup.py | $(BIN)/python
	@echo "Installing Retouch Desk into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@$(MAKE) --no-print-directory bytecode
	@touch $@

$(TEST_STAMP): pyproject.toml setup.py | $(BIN)/python
	@echo "Installing Retouch Desk with test tools into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@$(MAKE) --no-print-directory bytecode
	@touch $@ $(RUN_STAMP)

# Our own sources compiled once, as pip compiles the libraries: where PYTHONDONTWRITEBYTECODE is
# set (as on CI machines), every launch would otherwise compile them again (~0.2 s of start-up).
# A changed source is recompiled in memory by Python, so a stale cache is never wrong.
bytecode: | $(BIN)/python
	@$(BIN)/python -m compileall -q -j 0 retouchdesk app ui bench >/dev/null

run: $(RUN_STAMP)
	@$(BIN)/retouchdesk $(ARGS)

test: $(TEST_STAMP)
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not slow" $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	@$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

format: $(TEST_STAMP)
	@$(BIN)/ruff format . && $(BIN)/ruff check --fix .

soak: $(TEST_STAMP)
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m slow $(PYTEST_ARGS)

bench: $(TEST_STAMP) bytecode
	@$(BIN)/python -m bench.run_all

# A studio's day on a real line (bench/real_world.py): 27 camera-size files over 40 Mbit/s, about
# ten minutes with the files made on the first run; ARGS for its options (--skip-naive, ...).
real-world: $(TEST_STAMP) bytecode
	@$(BIN)/python -m bench.real_world $(ARGS)

# The Qt Linguist sources brought up to date with the code (new messages arrive unfinished).
translations: $(TEST_STAMP)
	@$(BIN)/python tools/update_translations.py

installer: $(TEST_STAMP)
	@bash installer/build-linux.sh

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

# The engine, API and CLI suites against each API variant the sandbox can speak, then all at once
# (`retouchdesk sandbox --dialect`): one summary line per variant, failing tests listed under it.
.PHONY: dialects
dialects: $(TEST_STAMP)
	@log=$$(mktemp); for dialect in $$($(BIN)/python -c "from app.sandbox.dialect import VARIANTS; print(*VARIANTS)") all; do \
		QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow" -rfE \
			tests/engine tests/api tests/cli --sandbox-dialect $$dialect $(PYTEST_ARGS) > $$log 2>&1; \
		echo "dialect $$dialect: $$(tail -n 1 $$log)"; \
		grep -E '^(FAILED|ERROR) ' $$log | sed 's/^/    /'; \
	done; rm -f $$log
