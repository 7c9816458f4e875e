# frameloom: `make serve` and `make test` install what they need on first use.
# The virtualenv is rebuilt only when pyproject.toml changes (stamp file).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.frameloom-installed
MODELS := $(VENV)/.frameloom-diffusers-installed
ADK2   := $(VENV)/.frameloom-adk-installed
FUZZ   := $(VENV)/.frameloom-fuzz-installed
FUZZ_TARGETS := draft upload_type url_guard chat_planner
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 3
FAULT_RUNS ?= 20
SOAK_S ?= 600
ADK1_VENV := .venv-adk1
ADK1   := $(ADK1_VENV)/.frameloom-adk1-installed
ADK1_PIN := google-adk==1.39.1
HOST   ?= 127.0.0.1
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install bytecode serve test lint bench fuzz fuzz-smoke faults load soak clean

help:
	@echo "make serve   start the studio and the API on http://$(HOST):$(PORT) (docs at /docs)"
	@echo "make test    ruff + mypy + pytest"
	@echo "make lint    ruff + mypy only"
	@echo "make fuzz    each fuzz target for $(FUZZ_SECONDS) s with atheris (tests/fuzz; crashes kept in tests/fuzz/crashes)"
	@echo "make faults  SIGKILL of the server or the worker in $(FAULT_RUNS) runs of a mixed workload, then the outages (tests/faults; FAULT_SEED replays)"
	@echo "make load    50 concurrent clients on loopback: req/s, p50 and p99 (bench/load.py)"
	@echo "make soak    the mixed load for $(SOAK_S) s, the server's RSS growth printed"
	@echo "make bench   compose images, the API against bare FastAPI, the video compositor, text to video, the diffusers engine against its bare pipeline, the web studio in Chromium, media storage on local disk and S3, a 60 s 1080p export on 1 worker and split across 2"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# The [diffusers] extra, for tests and bench only, so that `make serve` stays free of torch.
# torch==2.13.0 resolves to the CPU wheel on this machine kind's disk (about 1 GB installed).
$(MODELS): pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,diffusers]'
	@touch $@

# google-adk for the chat tests only (never in `make serve`): 2.x as the [adk] extra in the
# venv, 1.x alone in a small venv of its own that the tests call as a subprocess.
$(ADK2): pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,adk]'
	@touch $@

# atheris for the fuzz targets (a prebuilt wheel): `make fuzz`, and the smoke in `make test`
$(FUZZ): pyproject.toml | $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,fuzz]'
	@touch $@

$(ADK1): Makefile
	$(PYTHON) -m venv $(ADK1_VENV)
	$(ADK1_VENV)/bin/python -m pip install --quiet '$(ADK1_PIN)'
	@touch $@

install: $(STAMP)

# An editable install leaves the sources uncompiled, and with PYTHONDONTWRITEBYTECODE set (as on
# the CI machine) every process would compile them again: a tenth of a second at each start.
# compileall writes only what changed.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null

serve: $(STAMP) bytecode
	$(BIN)/frameloom serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: lint bytecode $(MODELS) $(ADK2) $(ADK1) fuzz-smoke
	@scripts/test-tools.sh
	$(BIN)/python -m pytest

fuzz: $(FUZZ)
	@for target in $(FUZZ_TARGETS); do $(BIN)/python tests/fuzz/run.py $$target $(FUZZ_SECONDS) || exit 1; done

# a few seconds per target; a crash stops `make test` and names the command that finds it again
fuzz-smoke: $(FUZZ)
	@for target in $(FUZZ_TARGETS); do $(BIN)/python tests/fuzz/run.py $$target $(FUZZ_SMOKE_SECONDS) >/dev/null 2>&1 \
		|| { echo "fuzz target $$target crashed: make fuzz FUZZ_TARGETS=$$target"; exit 1; }; done; echo "fuzz smoke: ok"

bench: $(STAMP) $(MODELS) bytecode
	$(BIN)/python bench/run.py
	$(BIN)/python bench/api.py
	$(BIN)/python bench/video.py
	$(BIN)/python bench/jobs.py
	$(BIN)/python bench/engines.py
	$(BIN)/python bench/agent.py
	$(BIN)/python bench/chat.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/storage.py
	$(BIN)/python bench/policy.py
	$(BIN)/python bench/chunks.py
	$(BIN)/python bench/usage.py
	$(BIN)/python bench/media.py

# make test runs tests/faults too, with 2 SIGKILL runs (FAULT_RUNS defaults to 2 there)
faults: $(STAMP)
	FAULT_RUNS=$(FAULT_RUNS) $(BIN)/python -m pytest tests/faults -q -s

load: $(STAMP)
	$(BIN)/python bench/load.py

soak: $(STAMP)
	$(BIN)/python bench/load.py --soak $(SOAK_S)

clean:
	rm -rf $(VENV) $(ADK1_VENV) .pytest_cache .mypy_cache .ruff_cache build src/*.egg-info
