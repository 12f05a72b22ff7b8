# The commands README gives. Tools run from .venv/bin, so no activation is needed.
# DATABASE_URL and REDIS_URL are read from the environment when set; without them the
# app uses SQLite (db.sqlite3) and runs Celery tasks in-process.

VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check
PYTEST_ARGS ?=

.PHONY: demo serve test lint format services services-stop worker beat messages compilemessages

$(BIN)/python:
	python3 -m venv $(VENV)

demo: $(BIN)/python
	$(PIP) install -r requirements.txt
	$(BIN)/python manage.py migrate
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py company_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The site as production serves it: gunicorn (config/gunicorn.py) on 127.0.0.1:8000.
serve: $(BIN)/python
	$(PIP) install -r requirements.txt
	$(BIN)/python manage.py migrate
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	GUNICORN_BIND=127.0.0.1:8000 $(BIN)/gunicorn -c config/gunicorn.py config.wsgi

test: $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(BIN)/python
	$(PIP) install -r requirements-dev.txt
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# Local PostgreSQL 15 (127.0.0.1:54329) and Redis (127.0.0.1:63799); see scripts/services.sh.
services:
	@bash scripts/services.sh start
	@echo '# Export the two lines above, or run: eval "$$(scripts/services.sh env)"'

services-stop:
	@bash scripts/services.sh stop

worker: $(BIN)/python
	@test -n "$$REDIS_URL" || { echo 'REDIS_URL is not set: without it tasks run in-process and a worker has nothing to do (see make services)' >&2; exit 1; }
	$(BIN)/celery -A config worker -l info

beat: $(BIN)/python
	@test -n "$$REDIS_URL" || { echo 'REDIS_URL is not set: beat would send its tasks nowhere (see make services)' >&2; exit 1; }
	@mkdir -p tmp
	$(BIN)/celery -A config beat -l info -s tmp/celerybeat-schedule

# Translations: source strings are English; Chinese lives in locale/zh_Hans (see web/README.md).
messages: $(BIN)/python
	$(BIN)/python manage.py makemessages -l zh_Hans -l en -i ".venv/*" -i "tmp/*" -i "staticfiles/*" -i "bench/*" -i "tests/*"

compilemessages: $(BIN)/python
	$(BIN)/python manage.py compilemessages -i ".venv"
