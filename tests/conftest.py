import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from bookmarks.redis import REDIS_ERRORS, get_redis
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes uploads and thumbnails to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness (~0.3 s a user) would dominate tests that make hundreds of
    # users; the hasher is Django's business, not what these tests check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_redis():
    """Every test starts with the real test Redis (REDIS_URL, db 15) empty."""
    with contextlib.suppress(*REDIS_ERRORS):
        get_redis().flushdb()


@pytest.fixture
def redis_client():
    """The real Redis the site talks to in tests; it must answer."""
    client = get_redis()
    client.ping()
    return client


@pytest.fixture
def user(db):
    return make_user("alice", email="alice@example.com", first_name="Alice")


@pytest.fixture
def other_user(db):
    return make_user("bob", email="bob@example.com", first_name="Bob")


@pytest.fixture
def auth_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def allow_loopback_fetch(settings):
    """Let images.fetch download from the local test server (127.0.0.1/::1 only).

    Every other refused range stays refused. Returns `settings`, so a test can shorten the
    timeouts or limits it exercises.
    """
    settings.IMAGE_FETCH_ALLOW_LOOPBACK = True
    settings.IMAGE_FETCH_CONNECT_TIMEOUT = 2.0
    settings.IMAGE_FETCH_TOTAL_TIMEOUT = 5.0
    return settings


@pytest.fixture
def server_url(httpserver):
    """URLs on the local test server, written with 127.0.0.1 (its url_for says `localhost`)."""

    def url_for(path: str) -> str:
        return f"http://127.0.0.1:{httpserver.port}{path}"

    return url_for


@pytest.fixture
def redis_down(settings):
    """Redis unreachable: the site's client and Django's caches (the default one and the
    sessions' one) point at a closed port."""
    closed = "redis://127.0.0.1:1/0"
    settings.REDIS_URL = closed
    settings.CACHES = {
        alias: {**config, "LOCATION": closed} for alias, config in settings.CACHES.items()
    }
    return closed


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def start_worker(settings, allow_loopback_fetch):
    """Start real workers on the test database, Redis and media folder; all are SIGKILLed (with
    their work horses) at the end."""
    settings.JOBS_INLINE = False
    settings.JOB_RETRY_BACKOFF = [1, 1]  # stored in each job as it is queued
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": django_settings.REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "IMAGE_FETCH_ALLOW_LOOPBACK": "1",
        "JOBS_INLINE": "0",
        "JOB_RETRY_BACKOFF": "1,1",
        "JOB_HEARTBEAT_SECONDS": "1",
        "JOB_HEARTBEAT_GRACE": "3",
        "DOTENV_FILE": "",
    }
    started = []

    def start():
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "rqworker", "default", "--with-scheduler"],
            env=env,
            cwd=ROOT,
            start_new_session=True,  # its own process group: SIGKILL takes its work horse too
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        kill_group(process)


def kill_group(process):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@contextlib.contextmanager
def running_events_server(**env: str):
    """The event process (bookmarks/events.py) under a real uvicorn on a free loopback port,
    with the tests' settings (same SECRET_KEY, Redis and key prefix) plus `env`. Yields its
    base URL."""
    import os
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "uvicorn", "bookmarks.events:app", "--host", "127.0.0.1",
               "--port", str(port), "--no-access-log", "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"uvicorn exited: {process.stdout.read()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("uvicorn did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def events_server():
    with running_events_server() as url:
        yield url
