# Bookmarks — the two front-door commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
EVENTS_PORT ?= 8001
PG_URL ?= postgres://postgres@127.0.0.1:5432/bookmarks
# The PostgreSQL pass's Redis db: it runs beside the SQLite pass (db 15, pyproject.toml).
PG_PASS_REDIS_URL ?= redis://127.0.0.1:6379/14
PYTEST := $(BIN)/python -m pytest

.PHONY: messages catalogues extension run serve worker events bench-live bench-similar bench-image-cost bench-export scale-check test test-sqlite test-pg test-e2e lint typecheck format chromium axe nginx collectstatic demo bench clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(BIN)/.dev-installed: requirements-dev.txt $(BIN)/.installed
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

## The checkout's local settings for manage.py (DEBUG=1, a generated SECRET_KEY), written once.
## Git-ignored; gunicorn never reads it, nor does manage.py when SECRET_KEY is in the environment.
.env:
	@umask 077; key=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))'); \
	printf '%s\n' "# Local development only, written by make run (git-ignored): read by manage.py" \
		"# when SECRET_KEY is not in the environment, never by gunicorn. See README." \
		"DEBUG=1" "SECRET_KEY=$$key" > $@
	@echo "Wrote .env (DEBUG=1, a new SECRET_KEY) for manage.py in this checkout."

## Serve the site on http://$(HOST):$(PORT) with local defaults (SQLite, embedded Redis if needed).
run: $(BIN)/.installed .env messages
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python -m bookmarks.devserver $(HOST):$(PORT)

## The same app under gunicorn, production-style (set SECRET_KEY, ALLOWED_HOSTS, ...), for
## nginx to proxy to (deploy/nginx.conf). Bookmarks are saved by background workers: run
## `make worker` (one or more, same variables) beside it. gunicorn's sync workers must never
## face clients directly, a slow one holds a worker. A HOST other than loopback is refused unless BEHIND_PROXY=1.
serve: $(BIN)/.installed messages
	@case "$(HOST)" in 127.*|localhost|::1|"[::1]") ;; *) test "$(BEHIND_PROXY)" = 1 || { \
		echo "make serve: HOST=$(HOST) would expose gunicorn bare; put nginx in front" \
			"(deploy/nginx.conf) and set BEHIND_PROXY=1 if only the proxy can reach it" >&2; \
		exit 2; } ;; esac
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/gunicorn bookmarks.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2} \
		--timeout 30 --graceful-timeout 20 --no-control-socket --access-logfile -

## A background worker (RQ) on REDIS_URL, with the same settings as the site: run as many as
## the jobs need, on any machine that reaches the same database, Redis and media store.
## (make run starts one itself.) Stops cleanly on SIGTERM/Ctrl+C, finishing the job in hand.
worker: $(BIN)/.installed
	$(BIN)/python manage.py rqworker default --with-scheduler

## The event stream (SSE, bookmarks/events.py) under uvicorn, for nginx's /events/ location:
## long-lived connections live here as coroutines, never in gunicorn's sync workers. Reads the
## same SECRET_KEY and REDIS_URL as the site; opens no database.
events: $(BIN)/.installed
	$(BIN)/uvicorn bookmarks.events:app --host $(HOST) --port $(EVENTS_PORT) \
		--no-access-log --timeout-graceful-shutdown 5

## The translations: locale/*/LC_MESSAGES/*.po compiled into the .mo files Django reads
## (never committed; only what changed is recompiled). msgfmt comes from Debian's gettext.
messages: $(BIN)/.installed
	@command -v msgfmt >/dev/null || apt-get install -y gettext || (apt-get update && apt-get install -y gettext)
	DEBUG=1 DOTENV_FILE= $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=tests -v 0

## After changing user-facing text: refresh locale/*.po from the code (then translate what is new).
catalogues: $(BIN)/.installed
	@command -v xgettext >/dev/null || apt-get install -y gettext || (apt-get update && apt-get install -y gettext)
	DOTENV_FILE= $(BIN)/python -m bookmarks.catalogues

## Debian's nginx for the deployment tests (tests/deploy/ run it with their own config and prefix).
nginx:
	@test -x /usr/sbin/nginx || apt-get install -y nginx || (apt-get update && apt-get install -y nginx)

## Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@test -x /usr/bin/chromium || apt-get install -y chromium || (apt-get update && apt-get install -y chromium)

## The browser extension for the site at SITE_URL (default http://127.0.0.1:8000, `make run`):
## dist/bookmarks-chromium.zip and dist/bookmarks-firefox.zip, and both unpacked beside them.
extension: $(BIN)/.installed
	$(BIN)/python extension/build.py --site "$${SITE_URL:-http://$(HOST):$(PORT)}" --out dist

## axe-core for the accessibility tests (tests/e2e/test_accessibility.py), from the npm registry
## into a test-only folder, pinned by its package-lock.json; never served, never committed.
AXE := tests/e2e/vendor/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE): tests/e2e/vendor/package.json tests/e2e/vendor/package-lock.json
	@command -v npm >/dev/null || apt-get install -y npm || (apt-get update && apt-get install -y npm)
	cd tests/e2e/vendor && npm ci --no-audit --no-fund --silent
	touch $@

## Everything: the whole suite on SQLite and again on PostgreSQL, the two passes side by side
## (a core each, each on its own Redis db), each pass's output printed whole when it ends.
test: $(BIN)/.dev-installed chromium axe nginx messages
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-pg

test-sqlite: $(BIN)/.dev-installed chromium axe nginx messages
	$(PYTEST) $(PYTEST_ARGS)

test-pg: $(BIN)/.dev-installed chromium axe nginx messages
	DATABASE_URL=$(PG_URL) REDIS_URL=$(PG_PASS_REDIS_URL) $(PYTEST) $(PYTEST_ARGS)

lint: $(BIN)/.dev-installed typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 DOTENV_FILE= $(BIN)/python manage.py makemigrations --check --dry-run

## mypy + django-stubs on the services, selectors and I/O modules (files in pyproject.toml).
typecheck: $(BIN)/.dev-installed
	DEBUG=1 $(BIN)/mypy

format: $(BIN)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

## Demo data in the `make run` database: users with avatars, pictures, likes, follows, activity.
## Log in as demo0001 / demo-password. DEMO_ARGS="--users 200 --images 2000 --reset" to resize.
demo: $(BIN)/.installed .env
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo $(DEMO_ARGS)

## Several instances on shared engines, on this machine (bench/scale.py): PostgreSQL database
## bookmarks_scale, Redis, moto's S3 server, 2 gunicorn instances behind nginx, 2 workers, a
## minute of mixed load with one instance and one worker SIGKILLed half way; writes bench/scale.md.
scale-check: $(BIN)/.installed nginx
	@$(BIN)/python -c "import moto" 2>/dev/null || $(BIN)/python -m pip install -q "moto[server]==5.2.5"
	PG_URL=$(PG_URL) $(BIN)/python -m bench.scale

## Pages under gunicorn + PostgreSQL + Redis, driven by wrk (Debian's, installed if missing);
## writes bench/results.md. BENCH_QUICK=1 for a medium "large" size (see bench/run.py).
bench: $(BIN)/.installed
	@command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	$(BIN)/python -m bench.run

## One export of 2,000 images (about 1 GB) streamed to a file: its peak memory (RSS), its size
## and time; appends them to bench/results.md (see bench/export.py). EXPORT_IMAGES=200 to shrink.
bench-export: $(BIN)/.installed
	$(BIN)/python -m bench.export

## The event process with 1,000 idle SSE connections: event latency p50/p95 and its memory;
## writes bench/live-results.md (see bench/live.py).
bench-similar: $(BIN)/.installed
	$(BIN)/python -m bench.similar

bench-image-cost: $(BIN)/.installed
	$(BIN)/python -m bench.image_cost

bench-live: $(BIN)/.installed
	$(BIN)/python -m bench.live
