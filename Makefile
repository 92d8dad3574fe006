# Smart Village Platform — the two commands of the quick start are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: api-contract run serve worker test test-postgres test-browser lint format check messages migrate demo bench bench-pages bench-pages-smoke bench-smoke bench-market bench-tourism bench-api bench-api-smoke clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: $(VENV)/.installed
	@$(MANAGE) compilemessages --ignore=.venv --ignore=var >/dev/null

migrate: messages
	@mkdir -p var
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo
	$(MANAGE) load_market_demo
	$(MANAGE) load_tourism_demo
	$(MANAGE) load_api_demo
	$(MANAGE) load_indicator_demo
	$(MANAGE) rebuild_search_index

## make run: install, migrate SQLite, load the demo, print the logins, serve on :8000 with a task worker
## and the periodic scheduler (expired stock holds, stale payments)
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@$(MANAGE) db_worker --interval 2 & worker=$$!; \
	$(MANAGE) run_periodic & periodic=$$!; \
	trap "kill $$worker $$periodic 2>/dev/null" EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

## make worker: TASK_WORKERS (2) task workers for the configured backend, until stopped: N `db_worker`
## processes (the database queue), or with TASKS_BACKEND=rq one `rqworker-pool` of N RQ workers
## (production settings unless DJANGO_SETTINGS_MODULE says otherwise)
TASK_WORKERS ?= 2
worker: $(VENV)/.installed
	@if [ "$${TASKS_BACKEND:-database}" = rq ]; then \
		DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.production} \
			exec $(MANAGE) rqworker-pool default --num-workers $(TASK_WORKERS); \
	else \
		pids=""; \
		for i in $$(seq $(TASK_WORKERS)); do $(MANAGE) db_worker & pids="$$pids $$!"; done; \
		trap 'kill $$pids 2>/dev/null' INT TERM; \
		wait; \
	fi

## make test: the whole suite (SQLite unless DATABASE_URL is set; browser tests when Chromium is there)
test: messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: messages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/1} \
		$(VENV)/bin/pytest $(PYTEST_ARGS)

## make api-contract: schemathesis against a running demo app and its /api/schema/ (no server errors,
## no undocumented status codes, bodies as documented)
api-contract: messages
	bash .ci/api-contract

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: messages
	$(MANAGE) makemigrations --check --dry-run
	SECRET_KEY=ci-check-$$(date +%s)-not-secret-at-all-but-long-enough-for-the-check ALLOWED_HOSTS=example.org \
		DJANGO_SETTINGS_MODULE=config.settings.production $(MANAGE) check --deploy --fail-level WARNING

## make bench-pages: gunicorn (production settings) on the demo data; req/s, p50/p95 vs a bare view, page weight
bench-pages: messages
	$(PY) bench/pages.py

bench-pages-smoke: messages
	$(PY) bench/pages.py --smoke

## make bench: national scale on PostgreSQL (500 communes, 5,000 villages, 100,000 products, 10,000 services,
## 200,000 bookings, 1,000 partners; seeded once into database svp_bench_national, reused after), gunicorn
## with production settings and Redis (db 3), locust per endpoint; one table vs the bare view (bench/national.py)
bench: messages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(PY) bench/national.py --scale national

## make bench-smoke: the same at small scale in a fresh database svp_bench_smoke (dropped after); a few
## minutes; exits non-zero on any error, never on speed (CI)
bench-smoke: messages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(PY) bench/national.py --scale smoke --fresh --drop

## make bench-market: catalogue and product pages vs a bare view with 10,000 products, checkout p95
## (PostgreSQL database svp_bench_market when DATABASE_URL is set, else SQLite)
bench-market: messages
	$(PY) bench/market.py

## make bench-tourism: search-by-dates and stay quote p95 vs a bare view with 1,000 services and 20,000
## bookings, and 50-way booking contention (PostgreSQL database svp_bench_tourism when DATABASE_URL is set)
bench-tourism: messages
	$(PY) bench/tourism.py

## make bench-api: partner API lists (products, guides; 50 per page) and a 304 revalidation vs a bare DRF
## view with 10,000 products (PostgreSQL database svp_bench_api when DATABASE_URL is set, else SQLite)
bench-api: messages
	$(PY) bench/api.py

bench-api-smoke: messages
	$(PY) bench/api.py --smoke

## make bench-matching: the matching engine and the search, in-process and warm, on PostgreSQL: one demand
## against 100,000 listings, one new listing against 10,000 subscriptions and 10,000 demands, search over
## 100,000 products; p50/p95/p99 vs the targets (database svp_bench_matching, seeded once and reused after;
## Redis db 9); `bench/matching.py --smoke` is the small CI run (bench/matching.py)
.PHONY: bench-matching
bench-matching: messages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(PY) bench/matching.py

## make bench-matching-smoke: the same at small scale (2,000 listings, 200 demands and subscriptions), in CI:
## fails on errors, not on speed
.PHONY: bench-matching-smoke
bench-matching-smoke: messages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(PY) bench/matching.py --smoke

clean:
	rm -rf var $(VENV)
