# Two commands: `make run` (set up everything and serve on SQLite with demo data) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app run
PORT ?= 8080
# two workers on SQLite (each has its own database file); the PostgreSQL run passes its own arguments (one
# process: workers would share one schema)
PYTEST_ARGS ?= -n 2

.PHONY: run setup test test-pg venv i18n-extract i18n-compile bench bench-national clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(BIN)/activate

venv: $(BIN)/activate

i18n-compile: venv
	@for po in translations/*/LC_MESSAGES/*.po; do \
	  $(BIN)/pybabel -q compile -i $$po -o $${po%.po}.mo -l $$(echo $$po | cut -d/ -f2) || exit 1; done

setup: venv i18n-compile
	$(FLASK) sanarip setup --demo

# the demo logins on every run (the password when DEMO_PASSWORD is set); another port: `make run PORT=8000`.
# SANARIP_JOBS_THREAD=1: the background jobs' consumer runs in a thread of the dev server (app/jobs.py, queue in
# instance/jobs.sqlite); production runs `huey_consumer app.jobs.huey` instead (README, Production)
run: setup
	@$(FLASK) sanarip demo-users
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl+C stops)"
	SANARIP_JOBS_THREAD=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: venv i18n-compile
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Extract the code's strings (and FAB's, translations/fab.pot) into every language's messages.po
i18n-extract: venv
	$(BIN)/python translations/update.py

bench: venv
	$(BIN)/python bench/run.py

# National scale (issue 14, bench/README.md): 7.3 M members × SCALE loaded by COPY into BENCH_DB (dropped and
# recreated), then the pages over HTTP through gunicorn as the national admin and as a rayon clerk
SCALE ?= 1.0
BENCH_DB ?= bench_national
BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/$(BENCH_DB)
bench-national: venv i18n-compile
	$(BIN)/python bench/national.py load --database-url $(BENCH_DATABASE_URL) --scale $(SCALE)
	$(BIN)/python bench/national.py measure --database-url $(BENCH_DATABASE_URL) --as admin --as clerk

clean:
	rm -rf $(VENV) instance .pytest_cache
