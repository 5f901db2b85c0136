"""`make bench`: the site's main pages under gunicorn on PostgreSQL + Redis, driven by wrk.

For each data size (small, then large) it seeds a PostgreSQL database with `seed_demo`, starts
gunicorn (production settings, 2 workers) with bench.settings (the site + /bench/trivial/),
logs in as demo0001 over HTTP, and runs wrk on every page after a warm-up. SQL queries per
request are counted apart, with Django's test Client against the same database. The table goes
to stdout and bench/results.md.

Environment (all optional):
  BENCH_SMALL / BENCH_LARGE  "users,images,actions" (default 100,1000,1000 / 10000,100000,1000000)
  BENCH_QUICK=1              large becomes 2000,20000,200000 (database bookmarks_bench_medium)
  BENCH_FRESH=1              reseed the large database even if its sizes match
  BENCH_DURATION, BENCH_WARMUP, BENCH_THREADS, BENCH_CONNECTIONS   wrk: 10 s, 2 s, 2, 8
  BENCH_REPEAT  measured runs per page, the best (most req/s) is kept (default 2): other work
                on a shared machine only ever makes a run slower
  BENCH_PG     PostgreSQL server URL (default postgres://postgres@127.0.0.1:5432)
  BENCH_REDIS  Redis URL; flushed first (default redis://127.0.0.1:6379/9)
  BENCH_PORT   gunicorn's port on 127.0.0.1 (default 8765)
  BENCH_SMALL_DB  the small size's database name (default bookmarks_bench)
  BENCH_SMALL_ONLY=1  the small size only (no large database, no slow-server row): the table
                goes to stdout and bench/results-small.md, bench/results.md is left alone
"""

import datetime
import http.cookiejar
import http.server
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TMP = ROOT / "bench" / "tmp"
RESULTS = ROOT / "bench" / "results.md"
LUA = ROOT / "bench" / "report.lua"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
USERNAME, PASSWORD = "demo0001", "demo-password"
HOST = "127.0.0.1"  # benchmark traffic stays on this machine
SLOW_BOOKMARKS, SLOW_SECONDS = 20, 10  # the slow-server row: bookmarks in flight, server delay

PAGES = [  # (name, path); {detail}, {user}, {board} and {tag} are filled in per database
    ("trivial view", "/bench/trivial/"),
    ("login page", "/account/login/"),  # without cookies: a template render, no query
    ("dashboard", "/account/"),
    ("image list", "/images/"),
    ("image list p50 (AJAX)", "/images/?page=50&images_only=1"),
    ("image detail", "{detail}"),
    ("ranking", "/images/ranking/"),
    ("user list", "/account/users/"),
    ("user detail", "/account/users/{user}/"),
    ("board page", "{board}"),
    ("tag page", "/images/tag/{tag}/"),
    # Search (issue 18): demo descriptions hold "this" in 3 of 7 images; no demo text holds
    # "zebra" (the index answers from one posting list); "icy canyon" is 1 title in 500.
    ("search common word", "/search/?q=this"),
    ("search rare word", "/search/?q=zebra"),
    ("search phrase", "/search/?q=%22icy+canyon%22"),
    ("search tag", "/search/?q=%23{tag}"),
    ("search suggestions", "/search/suggest/?q=go"),
    # The REST API beside the matching HTML pages, with a personal access token (Bearer):
    # the image list (/images/), the feed (the dashboard's) and search (/search/?q=this).
    ("API image list", "/api/v1/images/?limit=8"),  # 8 a page, as the HTML list
    ("API feed", "/api/v1/feed/"),
    ("API search", "/api/v1/search/?q=this&limit=8"),
]
ANONYMOUS = {"login page"}  # fetched without cookies; every other page as the logged-in user
API = {name for name, _ in PAGES if name.startswith("API ")}  # sent with the Bearer token
BASELINE = "login page"  # the targets are relative to this page's throughput
TARGET_RATIO = 0.40  # every page's req/s at least this share of the baseline's
CPU_TARGET_MS = {"dashboard": 5.0}  # Python CPU per request; other pages: CPU_TARGET_DEFAULT_MS
CPU_TARGET_DEFAULT_MS = 3.0
PROFILES_MARK = "<!-- profiles: kept by bench/run.py when it rewrites the file -->"


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_sizes(name: str, default: str) -> tuple[int, int, int]:
    users, images, actions = (int(n) for n in (os.environ.get(name) or default).split(","))
    return users, images, actions


QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
SMALL_ONLY = os.environ.get("BENCH_SMALL_ONLY", "") not in ("", "0")
RESULTS_SMALL = ROOT / "bench" / "results-small.md"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")
PORT = env_int("BENCH_PORT", 8765)
DURATION = env_int("BENCH_DURATION", 10)
WARMUP = env_int("BENCH_WARMUP", 2)
THREADS = env_int("BENCH_THREADS", 2)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 8)
REPEAT = env_int("BENCH_REPEAT", 2)
WORKERS = 2
COST_BATCHES, COST_REQUESTS = 10, 10  # the CPU table: the fastest of 10 batches of 10


@dataclass
class Size:
    label: str
    database: str
    users: int
    images: int
    actions: int
    cached: bool  # keep the database between runs when it holds these sizes already
    results: dict = field(default_factory=dict)  # page name -> wrk numbers
    queries: dict = field(default_factory=dict)  # page name -> SQL queries per request
    costs: dict = field(default_factory=dict)  # page name -> in-process ms: wall, cpu, sql
    urls: dict = field(default_factory=dict)  # page name -> path
    seed_seconds: float | None = None
    load: list = field(default_factory=list)  # 1-minute load average before each page
    slow: dict = field(default_factory=dict)  # the slow-server row (small size only)
    token: str = ""  # the API rows' Bearer token


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def django_env(size: Size) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        HTTPS="0",
        SECRET_KEY="bench-secret-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS=HOST,
        STATIC_MANIFEST="1",
        STATIC_ROOT=str(TMP / "static"),
        MEDIA_ROOT=str(TMP / f"media-{size.database}"),
        DATABASE_URL=f"{PG}/{size.database}",
        REDIS_URL=REDIS,
        REDIS_KEY_PREFIX="bench:",
        LOG_LEVEL="WARNING",
        EMAIL_URL="console://",
        SITE_URL="",
        DEMO_APP="1",
        IMAGE_FETCH_ALLOW_LOOPBACK="1",  # the slow-server row's image server is on 127.0.0.1
        BOOKMARKS_IN_FLIGHT=str(SLOW_BOOKMARKS + 5),
    )
    return env


def manage(size: Size, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=django_env(size),
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def pg_admin(sql: str) -> list:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def database_exists(name: str) -> bool:
    return bool(pg_admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def demo_status(size: Size) -> dict:
    """What `manage.py demo_status` says: demo users, images, actions, most liked image."""
    return json.loads(manage(size, "demo_status", capture=True).strip().splitlines()[-1])


def has_sizes(size: Size) -> bool:
    """Does the kept database hold exactly these demo sizes (and nothing half-done)?"""
    status = demo_status(size)
    return (status["users"], status["images"], status["actions"]) == (
        size.users,
        size.images,
        size.actions,
    )


def prepare_database(size: Size) -> None:
    fresh = not size.cached or os.environ.get("BENCH_FRESH", "") not in ("", "0")
    if not fresh and database_exists(size.database):
        manage(size, "migrate", "--noinput", "-v", "0")
        if has_sizes(size):
            log(f"{size.label}: reusing database {size.database}")
            return
    log(f"{size.label}: creating database {size.database}")
    pg_admin(f'DROP DATABASE IF EXISTS "{size.database}" WITH (FORCE)')
    pg_admin(f'CREATE DATABASE "{size.database}"')
    manage(size, "migrate", "--noinput", "-v", "0")
    started = time.monotonic()
    manage(
        size,
        "seed_demo",
        f"--users={size.users}",
        f"--images={size.images}",
        f"--actions={size.actions}",
    )
    size.seed_seconds = time.monotonic() - started


PRIVATE_SQL = """
-- A tenth of the images private and a tenth of the boards secret (issue 17), as people
-- would have them: never the bench person's own boards nor the most liked image (pages
-- measured below), and the actions about them hidden as the services would. Idempotent:
-- a kept database gets the same rows again.
UPDATE images_image SET private = true
 WHERE mod(id, 10) = 3
   AND id <> (SELECT id FROM images_image ORDER BY total_likes DESC, id LIMIT 1);
UPDATE boards_board SET visibility = 'secret'
 WHERE mod(id, 10) = 3
   AND owner_id <> (SELECT id FROM account_user WHERE username = %(user)s);
UPDATE actions_action a SET public = false
  FROM django_content_type ct, images_image i
 WHERE a.target_ct_id = ct.id AND ct.app_label = 'images' AND ct.model = 'image'
   AND a.target_id = i.id AND i.private AND a.public;
UPDATE actions_action a SET public = false
  FROM django_content_type ct, boards_board b
 WHERE a.target_ct_id = ct.id AND ct.app_label = 'boards' AND ct.model = 'board'
   AND a.target_id = b.id AND b.visibility = 'secret' AND a.public;
"""


def mark_private(size: Size) -> None:
    """Mix private images and secret boards into the seeded data (see PRIVATE_SQL)."""
    import psycopg

    with psycopg.connect(f"{PG}/{size.database}", autocommit=True) as conn:
        for statement in filter(str.strip, PRIVATE_SQL.split(";")):
            conn.execute(statement, {"user": USERNAME} if "%(user)s" in statement else None)


def prepare_redis(size: Size) -> None:
    """Empty the bench Redis db, then give demo images their views again (the ranking page)."""
    import redis

    redis.Redis.from_url(REDIS).flushdb()  # the bench's own db (REDIS), nobody else's
    manage(size, "seed_demo", "--views-only")


def fill_urls(size: Size) -> None:
    # The most liked image: its detail page shows a full row of likers in both sizes; demo0001's
    # first board (20 entries at both sizes) and the most used tag (BENCH_FRESH=1 once for a
    # large database seeded before boards existed).
    status = demo_status(size)
    detail, board, tag = status["most_liked_url"], status["first_board_url"], status["top_tag"]
    for name, path in PAGES:
        size.urls[name] = path.format(detail=detail, user=USERNAME, board=board, tag=tag)


def api_token(size: Size) -> str:
    """A new read token of demo0001 for the API rows (made through the product's service)."""
    code = (
        "from api.tokens import create_token; from account.models import User; "
        f"print(create_token(user=User.objects.get(username={USERNAME!r}), name='bench')[1])"
    )
    return manage(size, "shell", "-c", code, capture=True).strip().splitlines()[-1]


def headers_for(name: str, cookie: str, token: str) -> dict:
    if name in ANONYMOUS:
        return {}
    if name in API:
        return {"Authorization": f"Bearer {token}"}
    return {"Cookie": cookie}


def count_queries(size: Size) -> None:
    """SQL queries per request of each page: Django's test Client with CaptureQueriesContext,
    against the same database, as the same user; the second request of each page counts (the
    first fills per-process caches such as content types, and Redis-backed blocks such as
    "recently viewed" on the dashboard)."""
    out = subprocess.run(
        [PYTHON, "-m", "bench.run", "--count-queries", json.dumps(size.urls), size.token],
        cwd=ROOT,
        env=django_env(size),
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    ).stdout
    measured = json.loads(out.strip().splitlines()[-1])
    size.queries, size.costs = measured["queries"], measured["costs"]


def _count_queries_here(urls: dict, token: str) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous, logged_in = Client(HTTP_HOST=HOST), Client(HTTP_HOST=HOST)
    logged_in.force_login(get_user_model().objects.get(username=USERNAME))
    with_token = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Bearer {token}")

    def client_for(name):
        return anonymous if name in ANONYMOUS else with_token if name in API else logged_in

    for name, url in urls.items():  # as wrk sees them: after a first visit of every page
        client = client_for(name)
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} did not answer 200")
    counts, costs = {}, {}
    for name, url in urls.items():
        client = client_for(name)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[name] = len(queries.captured_queries)
        # Where one request's time goes, in one process: the Python work (CPU time of this
        # process) and the time spent waiting for SQL. Other work on a shared machine only
        # ever adds to these, so of COST_BATCHES batches of COST_REQUESTS the fastest counts.
        best = None
        for _ in range(COST_BATCHES):
            sql = [0.0]

            def timed(execute, *args, sql=sql):
                started = time.perf_counter()
                try:
                    return execute(*args)
                finally:
                    sql[0] += time.perf_counter() - started

            wall, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timed):
                for _ in range(COST_REQUESTS):
                    client.get(url)
            batch = {
                "wall": (time.perf_counter() - wall) / COST_REQUESTS * 1000,
                "cpu": (time.process_time() - cpu) / COST_REQUESTS * 1000,
                "sql": sql[0] / COST_REQUESTS * 1000,
            }
            if best is None or batch["cpu"] < best["cpu"]:
                best = batch
        costs[name] = best
    print(json.dumps({"queries": counts, "costs": costs}))


class Gunicorn:
    def __init__(self, size: Size):
        self.size = size
        self.log_path = TMP / f"gunicorn-{size.database}.log"
        self.process = None

    def __enter__(self):
        args = [
            GUNICORN, "bookmarks.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", str(WORKERS),
            "--no-control-socket", "--env", "DJANGO_SETTINGS_MODULE=bench.settings",
            "--log-level", "warning",
        ]  # fmt: skip
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=django_env(self.size), stdout=self.log_file, stderr=self.log_file
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log_path}")
            try:
                urllib.request.urlopen(f"http://{HOST}:{PORT}/bench/trivial/", timeout=2).read()
                return self
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer in 30 s; see {self.log_path}")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login_cookie(username: str = USERNAME) -> str:
    """Log in through the login form, as a browser would; returns the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    base = f"http://{HOST}:{PORT}"
    page = opener.open(f"{base}/account/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    try:
        opener.open(f"{base}/account/login/", data=form, timeout=30)
        raise SystemExit("login did not redirect: wrong password?")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise SystemExit(f"login answered {answer.code}") from None
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit("login set no session cookie")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def check_pages(size: Size, cookie: str) -> None:
    """Every page answers 200 with content to the logged-in user (a redirect to the login page
    would be a fast, meaningless 302 for wrk)."""
    for name, url in size.urls.items():
        headers = headers_for(name, cookie, size.token)
        request = urllib.request.Request(f"http://{HOST}:{PORT}{url}", headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{size.label} {name} {url} answered {error.code}") from None
        if not body.strip():
            raise SystemExit(f"{size.label} {name} {url} answered an empty page")


def wrk(url: str, cookie: str | None, seconds: int, *, headers: dict | None = None) -> dict:
    if headers is None:
        headers = {"Cookie": cookie} if cookie else {}
    sent = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    command = [
        "wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
        "--latency", "-s", str(LUA), *sent, f"http://{HOST}:{PORT}{url}",
    ]  # fmt: skip
    output = subprocess.run(command, check=True, text=True, capture_output=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    numbers = {k: int(v) for k, v in (item.split("=") for item in line.split()[1:])}
    if numbers["status_errors"] or numbers["socket_errors"]:
        log(f"  {url}: {numbers['status_errors']} bad statuses, {numbers['socket_errors']} errors")
    return {
        "rps": numbers["requests"] / (numbers["duration_us"] / 1e6),
        "p50": numbers["p50_us"] / 1000,
        "p95": numbers["p95_us"] / 1000,
        "p99": numbers["p99_us"] / 1000,
        "errors": numbers["status_errors"] + numbers["socket_errors"],
    }


def bench_size(size: Size) -> None:
    prepare_database(size)
    mark_private(size)
    prepare_redis(size)
    fill_urls(size)
    size.token = api_token(size)
    count_queries(size)
    with Gunicorn(size):
        cookie = login_cookie()
        check_pages(size, cookie)
        for name, url in size.urls.items():
            size.load.append(os.getloadavg()[0])
            headers = headers_for(name, cookie, size.token)
            wrk(url, None, WARMUP, headers=headers)
            runs = [wrk(url, None, DURATION, headers=headers) for _ in range(REPEAT)]
            size.results[name] = r = max(runs, key=lambda run: run["rps"])
            log(
                f"{size.label:5} {name:22} {r['rps']:7.1f} req/s  p50 {r['p50']:6.1f} ms  "
                f"p95 {r['p95']:6.1f} ms  {size.queries.get(name, 0)} queries"
            )
        if not size.cached and not SMALL_ONLY:
            bench_slow_servers(size, cookie)


class _SlowImages(http.server.BaseHTTPRequestHandler):
    """A remote image server that answers after SLOW_SECONDS."""

    body = b""

    def do_GET(self):  # noqa: N802
        time.sleep(SLOW_SECONDS)
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def bench_slow_servers(size: Size, cookie: str) -> None:
    """The slow-server row: SLOW_BOOKMARKS bookmarks of URLs whose server answers after
    SLOW_SECONDS, all in flight (queued or being fetched by two background workers), while
    wrk measures the image list; its p95 against the same page with nothing in flight. Another
    person bookmarks (demo0002), so the page wrk reads shows the same images in both runs (the
    bookmarker's own list would show their Saving cards)."""
    import io

    from PIL import Image as PILImage

    picture = io.BytesIO()
    PILImage.new("RGB", (320, 240), (90, 140, 200)).save(picture, "JPEG")
    _SlowImages.body = picture.getvalue()
    images = http.server.ThreadingHTTPServer((HOST, 0), _SlowImages)
    threading.Thread(target=images.serve_forever, daemon=True).start()
    workers = [
        subprocess.Popen(
            [PYTHON, "manage.py", "rqworker", "default", "--with-scheduler"],
            cwd=ROOT,
            env=django_env(size),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(2)
    ]
    try:
        url = size.urls["image list"]
        wrk(url, cookie, WARMUP)
        quiet = wrk(url, cookie, DURATION)
        answers = []
        bookmarker = login_cookie("demo0002")
        token = re.search(r"csrftoken=([^;]+)", bookmarker)
        for n in range(SLOW_BOOKMARKS):
            started = time.monotonic()
            form = urllib.parse.urlencode({
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "title": f"Slow {n}", "url": f"http://{HOST}:{images.server_port}/slow/{n}.jpg",
            }).encode()  # fmt: skip
            request = urllib.request.Request(
                f"http://{HOST}:{PORT}/images/create/", data=form, headers={"Cookie": bookmarker}
            )
            try:
                urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
                status = 200
            except urllib.error.HTTPError as answer:
                status = answer.code
            answers.append((status, time.monotonic() - started))
        loaded = wrk(url, cookie, DURATION)
        size.slow = {
            "quiet_p95": quiet["p95"], "loaded_p95": loaded["p95"],
            "ratio": loaded["p95"] / quiet["p95"] if quiet["p95"] else float("inf"),
            "accepted": sum(1 for status, _ in answers if status == 302),
            "slowest_answer_ms": max(seconds for _, seconds in answers) * 1000,
        }  # fmt: skip
        log(f"slow servers: image list p95 {quiet['p95']:.1f} -> {loaded['p95']:.1f} ms")
    finally:
        images.shutdown()
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
    pg_version = pg_admin("SHOW server_version")[0][0]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
    return (
        f"{os.cpu_count()} CPUs ({model.group(1) if model else platform.processor()}), "
        f"{int(mem.group(1)) / 1024 / 1024:.1f} GiB RAM; Python {platform.python_version()}, "
        f"PostgreSQL {pg_version}, {' '.join(wrk_version[:2]) if wrk_version else 'wrk'}"
    )


def cpu_target(name: str) -> float:
    return CPU_TARGET_MS.get(name, CPU_TARGET_DEFAULT_MS)


def table(small: Size, large: Size) -> tuple[str, list[str]]:
    """The results table (Markdown) and the targets missed."""
    rows = [
        "| page | queries S / L | req/s S | req/s L | p50 S ms | p95 S ms | p50 L ms | p95 L ms "
        "| vs login S | vs login L | p95 L/S |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    missed = []
    baseline = {s.label: s.results[BASELINE]["rps"] for s in (small, large)}
    for name, _ in PAGES:
        s, lg = small.results[name], large.results[name]
        qs, ql = small.queries[name], large.queries[name]
        ratio_s, ratio_l = s["rps"] / baseline["small"], lg["rps"] / baseline["large"]
        growth = lg["p95"] / s["p95"]
        rows.append(
            f"| {name} | {qs} / {ql} | {s['rps']:.0f} | {lg['rps']:.0f} | {s['p50']:.1f} "
            f"| {s['p95']:.1f} | {lg['p50']:.1f} | {lg['p95']:.1f} | {ratio_s:.0%} | {ratio_l:.0%} "
            f"| {growth:.2f} |"
        )
        if name in ("trivial view", BASELINE):
            continue
        if min(ratio_s, ratio_l) < TARGET_RATIO:
            missed.append(f"{name}: {min(ratio_s, ratio_l):.0%} of the {BASELINE}'s throughput")
        if growth > 1.3:
            missed.append(f"{name}: p95 large/small {growth:.2f} > 1.3")
        if qs != ql:
            missed.append(f"{name}: {qs} queries small, {ql} large")
        cpu = max(small.costs[name]["cpu"], large.costs[name]["cpu"])
        if cpu > cpu_target(name):
            missed.append(f"{name}: {cpu:.2f} ms Python CPU per request > {cpu_target(name):g} ms")
    return "\n".join(rows), missed


def cost_table(small: Size, large: Size) -> str:
    """Where a request's time goes, measured in one process (Django's test Client)."""
    rows = [
        "| page | wall S | Python CPU S | SQL S | wall L | Python CPU L | SQL L | CPU target |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, _ in PAGES:
        s, lg = small.costs[name], large.costs[name]
        target = "" if name in ("trivial view", BASELINE) else f"≤ {cpu_target(name):g}"
        rows.append(
            f"| {name} | {s['wall']:.2f} | {s['cpu']:.2f} | {s['sql']:.2f} | {lg['wall']:.2f} "
            f"| {lg['cpu']:.2f} | {lg['sql']:.2f} | {target} |"
        )
    return "\n".join(rows)


def kept_profiles() -> str:
    """The hand-written profile notes below PROFILES_MARK in the results file, if any."""
    if not RESULTS.exists():
        return ""
    text = RESULTS.read_text()
    at = text.find(PROFILES_MARK)
    return "" if at < 0 else "\n" + text[at:].rstrip() + "\n"


def slow_row(size: Size) -> str:
    if not size.slow:
        return "Slow servers: not measured (the small database was kept from before)."
    r = size.slow
    return (
        f"Slow servers ({size.label}): {SLOW_BOOKMARKS} bookmarks of URLs whose server answers "
        f"after {SLOW_SECONDS} s, all in flight ({r['accepted']} accepted, the slowest answer "
        f"{r['slowest_answer_ms']:.0f} ms), two background workers: image list p95 "
        f"{r['quiet_p95']:.1f} ms quiet, {r['loaded_p95']:.1f} ms with them in flight "
        f"({r['ratio']:.2f}×)."
    )


def write_results(small: Size, large: Size, command: str, started: float) -> str:
    body, missed = table(small, large)
    if small.slow and small.slow["ratio"] > 1.3:
        missed.append(f"slow servers: image list p95 {small.slow['ratio']:.2f}× > 1.3")

    def describe(size: Size) -> str:
        seeded = (
            f", seeded in {size.seed_seconds:.0f} s" if size.seed_seconds else ", kept from before"
        )
        return (
            f"{size.label}: {size.users:,} users, {size.images:,} images, {size.actions:,} "
            f"actions (database `{size.database}`{seeded})"
        )

    text = f"""# Benchmark results

- date: {datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")}, \
{(time.monotonic() - started) / 60:.1f} min in all
- command: `{command}`
- machine: {machine()}
- server: gunicorn, {WORKERS} sync workers, DEBUG=0, STATIC_MANIFEST=1, PostgreSQL and Redis \
on the same machine; logged in as {USERNAME} (the login page: no cookies)
- load: wrk -t{THREADS} -c{CONNECTIONS}, {WARMUP} s warm-up then the best of {REPEAT} runs of \
{DURATION} s per page, from the same machine (wrk shares the {os.cpu_count()} CPUs with \
gunicorn, PostgreSQL and Redis); 1-minute load average before the pages: small \
{min(small.load):.1f}–{max(small.load):.1f}, large {min(large.load):.1f}–{max(large.load):.1f}
- {describe(small)}
- {describe(large)}
- queries: Django test Client + CaptureQueriesContext on the same database, second request

{body}

Milliseconds per request, one request at a time in one process (test Client, same database;
the fastest of {COST_BATCHES} batches of {COST_REQUESTS} requests): the wall time, the Python \
work in it (process CPU time), and the time spent in cursor.execute (SQL round trips, including \
psycopg's own share of the CPU time).

{cost_table(small, large)}

Targets: every page ≥ {TARGET_RATIO:.0%} of the {BASELINE}'s req/s (GET /account/login/ without
cookies: a template render, no query), measured in the same run; Python CPU per request
≤ {CPU_TARGET_DEFAULT_MS:g} ms ({", ".join(f"{k} ≤ {v:g} ms" for k, v in CPU_TARGET_MS.items())});
p95 large/small ≤ 1.3; the same number of queries at both sizes; with slow servers, p95
≤ 1.3 × the quiet one.

{slow_row(small)}
"""
    text += (
        "Missed:\n\n" + "\n".join(f"- {m}" for m in missed) + "\n"
        if missed
        else "All targets met.\n"
    )
    text += kept_profiles()
    RESULTS.write_text(text)
    return text


def small_results(small: Size, command: str, started: float) -> str:
    """BENCH_SMALL_ONLY: the small size's table (each page against the login page's req/s)."""
    baseline = small.results[BASELINE]["rps"]
    rows = [
        "| page | queries | req/s | p50 ms | p95 ms | vs login | Python CPU ms |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name, _ in PAGES:
        r = small.results[name]
        rows.append(
            f"| {name} | {small.queries[name]} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} "
            f"| {r['rps'] / baseline:.0%} | {small.costs[name]['cpu']:.2f} |"
        )
    return (
        f"# Benchmark results, small size only\n\n- date: "
        f"{datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}, "
        f"{(time.monotonic() - started) / 60:.1f} min\n- command: `BENCH_SMALL_ONLY=1 {command}`\n"
        f"- machine: {machine()}\n- load average before the pages: "
        f"{min(small.load):.1f}–{max(small.load):.1f}\n- {small.users:,} users, "
        f"{small.images:,} images, {small.actions:,} actions; wrk -t{THREADS} -c{CONNECTIONS}, "
        f"best of {REPEAT} × {DURATION} s; API rows with a Bearer token, pages with the session\n\n"
        + "\n".join(rows)
        + "\n"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--count-queries":
        _count_queries_here(json.loads(sys.argv[2]), sys.argv[3])
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench does it)")
    started = time.monotonic()
    command = "make bench" + (" BENCH_QUICK=1" if QUICK else "")
    for name in ("BENCH_SMALL", "BENCH_LARGE", "BENCH_DURATION", "BENCH_CONNECTIONS"):
        if os.environ.get(name):
            command = f"{name}={shlex.quote(os.environ[name])} {command}"
    small_db = os.environ.get("BENCH_SMALL_DB") or "bookmarks_bench"
    small = Size("small", small_db, *env_sizes("BENCH_SMALL", "100,1000,1000"), False)
    database, default = (
        ("bookmarks_bench_medium", "2000,20000,200000")
        if QUICK
        else ("bookmarks_bench_large", "10000,100000,1000000")
    )
    large = Size("large", database, *env_sizes("BENCH_LARGE", default), True)
    TMP.mkdir(parents=True, exist_ok=True)
    log("collectstatic")
    manage(small, "collectstatic", "--noinput", "--clear", "-v", "0")
    if SMALL_ONLY:
        bench_size(small)
        text = small_results(small, command, started)
        RESULTS_SMALL.write_text(text)
        print(text)
        log(f"written to {RESULTS_SMALL.relative_to(ROOT)}")
        return
    for size in (small, large):
        bench_size(size)
    print(write_results(small, large, command, started))
    log(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
