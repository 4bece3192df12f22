.PHONY: run test setup bench lint

# Set up, load the demo district and serve at http://127.0.0.1:8000
run:
	scripts/run.sh

# Set up and run every test, on SQLite and PostgreSQL
test:
	scripts/test.sh

setup:
	scripts/setup.sh test

bench:
	.venv/bin/python benchmarks/ingest.py

lint:
	.venv/bin/ruff check src tests benchmarks scripts
	.venv/bin/ruff format src tests benchmarks scripts
	.venv/bin/lint-imports --no-logo
