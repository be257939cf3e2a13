# Two commands: `make demo` runs the product (PORT=5000 by default), `make test` runs the tests.
# Both start from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000

.PHONY: demo test lint typecheck check install clean bench graphviz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Journey diagrams are drawn by Graphviz: installed with the system's packages where we may
# (root with apt-get), else the studio shows them as Mermaid text and says so.
graphviz:
	@command -v dot >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
	  && apt-get update -qq && apt-get install -y -qq graphviz >/dev/null; } \
	  || echo "Note: Graphviz (dot) is not installed, so journey diagrams show as Mermaid text. Install it (e.g. apt-get install graphviz) for drawn diagrams."

demo: $(STAMP) graphviz
	$(BIN)/kcc db upgrade
	$(BIN)/kcc journeys load journeys/definitions --publish
	$(BIN)/kcc demo-data
	@echo "Serving on http://127.0.0.1:$(PORT) (make demo PORT=... for another port)"
	$(BIN)/kcc serve --host 127.0.0.1 --port $(PORT)

test: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
