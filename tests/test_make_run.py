"""`make run` from a fresh clone, as a newcomer would: it makes .venv, installs, migrates and
serves the site; then a person registers, logs out and logs in again with their e-mail."""

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


def test_make_run_from_a_fresh_clone_serves_the_site(tmp_path):
    clone = tmp_path / "bookmarks"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=60)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The newcomer's environment: none of the test suite's settings.
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
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
        assert (clone / ".venv" / "bin" / "python").exists()
        assert (clone / "db.sqlite3").exists()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
