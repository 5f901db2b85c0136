"""`make run` from a fresh clone, as a newcomer would: it makes .venv, installs, migrates and
serves the site with a background worker; then a person registers, logs out and logs in again
with their e-mail, and bookmarks an image from a local server, which the worker saves. After
it, Django's own commands work with no extra variables (make run wrote a local .env): a
superuser made with plain `manage.py createsuperuser --noinput` uses every page, while the
gunicorn entry point still refuses to start without a real SECRET_KEY."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite" or shutil.which("git") is None,
    reason="runs once, in the SQLite pass (make run uses SQLite)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def csrf(session, url) -> str:
    page = session.get(url, timeout=10)
    assert page.status_code == 200, url
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_make_run_from_a_fresh_clone_serves_the_site(tmp_path, httpserver):
    clone = tmp_path / "bookmarks"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=60)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The newcomer's environment: none of the test suite's settings (but its own Redis db, so
    # that the pages visited here write nowhere else).
    keep = ("PATH", "HOME", "LANG", "TMPDIR", "REDIS_URL")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["IMAGE_FETCH_ALLOW_LOOPBACK"] = "1"  # the picture below comes from a local server
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                if requests.get(base + "/account/login/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "make run did not serve /account/login/"
            time.sleep(1)

        person = requests.Session()
        token = csrf(person, base + "/account/register/")
        registered = person.post(
            base + "/account/register/",
            data={
                "csrfmiddlewaretoken": token,
                "username": "newcomer",
                "first_name": "Nova",
                "email": "Nova@Example.com",
                "password": "a-long-and-new-passphrase",
                "password2": "a-long-and-new-passphrase",
            },
            timeout=20,
        )
        assert registered.url == base + "/account/"
        assert "Hello, Nova" in registered.text

        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', registered.text).group(1)
        out = person.post(
            base + "/account/logout/", data={"csrfmiddlewaretoken": token}, timeout=10
        )
        assert "You are logged out" in out.text

        token = csrf(person, base + "/account/login/")
        back = person.post(
            base + "/account/login/",
            data={
                "csrfmiddlewaretoken": token,
                "username": "nova@example.com",
                "password": "a-long-and-new-passphrase",
            },
            timeout=20,
        )
        assert back.url == base + "/account/"
        assert "Hello, Nova" in back.text
        bookmark_is_saved_by_the_worker(person, base, httpserver)
        events_started_with_the_site(person, port, back.text)
        assert (clone / ".venv" / "bin" / "python").exists()
        assert (clone / "db.sqlite3").exists()

        django_habits_work_in_the_checkout(clone, env, base)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def bookmark_is_saved_by_the_worker(person, base, httpserver) -> None:
    from tests.images.imagedata import make_image_bytes

    httpserver.expect_request("/cat.jpg").respond_with_data(
        make_image_bytes("JPEG", (400, 300)), content_type="image/jpeg"
    )
    token = csrf(person, base + "/images/create/")
    url = f"http://127.0.0.1:{httpserver.port}/cat.jpg"
    saved = person.post(
        base + "/images/create/",
        data={"csrfmiddlewaretoken": token, "title": "Cat", "url": url},
        timeout=20,
    )
    image_id = re.search(r"/images/detail/(\d+)/", saved.url).group(1)
    deadline = time.monotonic() + 60
    while (status := person.get(f"{base}/images/status/{image_id}/", timeout=10).json())[
        "status"
    ] == "saving":
        assert time.monotonic() < deadline, "the worker of make run did not save the image"
        time.sleep(0.5)
    assert status["status"] == "ready", status
    assert "Cat" in person.get(base + "/images/", timeout=10).text


def events_started_with_the_site(person, port: int, dashboard: str) -> None:
    """`make run` also started the event process on the next port, which the page names."""
    events = f"http://127.0.0.1:{port + 1}/events/"
    assert f'data-events-url="{events}"' in dashboard
    assert requests.get(events, timeout=5).status_code == 401  # no login, no stream
    origin = f"http://127.0.0.1:{port}"
    with person.get(events, stream=True, timeout=5, headers={"Origin": origin}) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.headers["access-control-allow-origin"] == origin


PAGES = [
    "/account/",
    "/images/",
    "/images/ranking/",
    "/account/users/",
    "/account/users/{username}/",
    "/account/edit/",
    "/admin/",
]


def django_habits_work_in_the_checkout(clone: Path, env: dict, base: str) -> None:
    python = str(clone / ".venv" / "bin" / "python")
    dotenv = (clone / ".env").read_text()
    assert "DEBUG=1" in dotenv and "SECRET_KEY=" in dotenv
    ignored = subprocess.run(
        ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True
    )
    assert ignored.stdout == "", ignored.stdout  # .env (and the rest) are git-ignored

    def manage(*args: str, **extra: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [python, "manage.py", *args], cwd=clone, env={**env, **extra},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip

    admin = {
        "DJANGO_SUPERUSER_USERNAME": "root.admin",
        "DJANGO_SUPERUSER_EMAIL": "root@example.com",
        "DJANGO_SUPERUSER_PASSWORD": "another-long-passphrase",
    }
    made = manage("createsuperuser", "--noinput", **admin)
    assert made.returncode == 0, made.stdout + made.stderr
    checked = manage("check")
    assert checked.returncode == 0 and "no issues" in checked.stdout, checked.stderr

    boss = requests.Session()
    token = csrf(boss, base + "/account/login/")
    logged_in = boss.post(
        base + "/account/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": admin["DJANGO_SUPERUSER_USERNAME"],
            "password": admin["DJANGO_SUPERUSER_PASSWORD"],
        },
        timeout=20,
    )
    assert logged_in.url == base + "/account/"
    for page in PAGES:
        url = base + page.format(username=admin["DJANGO_SUPERUSER_USERNAME"])
        response = boss.get(url, timeout=20)
        assert response.status_code == 200, url
        assert response.url == url, url  # not sent to a login page

    # The production entry point never reads .env: without SECRET_KEY it refuses to start.
    wsgi = subprocess.run(
        [python, "-c", "import bookmarks.wsgi"], cwd=clone, env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert wsgi.returncode != 0 and "SECRET_KEY must be set" in wsgi.stderr
