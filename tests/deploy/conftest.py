"""The production pieces, run for real: `make serve` (gunicorn) and Debian's nginx with the
shipped deploy/nginx.conf, each started in a folder of its own and stopped by its pid."""

import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.factories import png_bytes

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET_KEY = "deploy-test-secret-key-not-for-production-0123456789-abcdefghijklmnopqrstuvwxyz"
# Requests straight to gunicorn say what nginx would (HTTPS is on, as in production).
AS_IF_PROXIED = {"X-Forwarded-Proto": "https"}
PNG = png_bytes((32, 24))
# Files an attacker would like the site to serve from its own origin.
NOT_IMAGES = {
    "evil.html": b"<!doctype html><script>alert(document.domain)</script>",
    "evil.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "evil.txt": b"<script>alert(1)</script>",
    "noextension": b"<script>alert(1)</script>",
}
HTML_NAMED_PNG = b"<!doctype html><html><script>alert(document.domain)</script></html>"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(answers, what: str, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"{what} exited ({process.returncode}): {output[-4000:]}")
        try:
            if answers():
                return
        except (requests.ConnectionError, requests.Timeout, OSError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not answer within {timeout} s")
        time.sleep(0.3)


def stop(process: subprocess.Popen, *, group: bool) -> None:
    if process.poll() is not None:
        return
    if group:
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL) if group else process.kill()
        process.wait(timeout=10)


@dataclass
class Served:
    url: str
    port: int
    media_root: Path
    static_root: Path


@pytest.fixture(scope="package")
def served(tmp_path_factory):
    """`make serve` as production runs it (DEBUG off, HTTPS on, hashed static files, local
    media), on 127.0.0.1 with 2 sync workers and its own SQLite database."""
    home = tmp_path_factory.mktemp("serve")
    media_root = home / "media"
    (media_root / "images" / "2026" / "12" / "01").mkdir(parents=True)
    (media_root / "images" / "2026" / "12" / "01" / "picture.png").write_bytes(PNG)
    (media_root / "users").mkdir()
    (media_root / "users" / "face.JPG").write_bytes(PNG)  # type comes from the extension
    (media_root / "fake.png").write_bytes(HTML_NAMED_PNG)
    for name, content in NOT_IMAGES.items():
        (media_root / name).write_bytes(content)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env.update(
        DEBUG="0",
        HTTPS="1",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{home / 'db.sqlite3'}",
        REDIS_URL=os.environ["REDIS_URL"],
        REDIS_KEY_PREFIX=os.environ.get("REDIS_KEY_PREFIX", "test:"),
        MEDIA_ROOT=str(media_root),
        STATIC_ROOT=str(home / "staticfiles"),
        TRUSTED_PROXIES="127.0.0.1",
        WEB_CONCURRENCY="2",
        EMAIL_URL="console://",
        LOG_LEVEL="WARNING",
    )
    process = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: (
                requests.get(url + "/account/login/", headers=AS_IF_PROXIED, timeout=2).status_code
                == 200
            ),
            "make serve",
            process,
        )
        yield Served(url, port, media_root, home / "staticfiles")
    finally:
        stop(process, group=True)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)),
        None,
    )


MAIN_CONF = """\
# What Debian's /etc/nginx/nginx.conf gives a site file, in a folder of our own.
{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/bookmarks.conf;
}}
"""


@dataclass
class Nginx:
    url: str  # https
    http_url: str
    port: int
    tls: ssl.SSLContext  # trusts the test certificate
    ca_file: Path


def render_site(values: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "render.py"), str(ROOT / "deploy" / "nginx.conf")]
        + [f"{key}={value}" for key, value in values.items()],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="package")
def nginx(served, events_server, tmp_path_factory):
    """Debian's nginx running the shipped deploy/nginx.conf (rendered, TLS with a certificate
    made for 127.0.0.1), in front of `make serve`."""
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed (`make nginx` installs Debian's)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (needed for the test's TLS certificate)")
    prefix = tmp_path_factory.mktemp("nginx")
    (prefix / "tmp").mkdir()
    cert, key = prefix / "cert.pem", prefix / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port, http_port = free_port(), free_port()
    site = render_site(
        {
            "SERVER_NAME": "127.0.0.1",
            "HTTP_LISTEN": f"127.0.0.1:{http_port}",
            "HTTPS_LISTEN": f"127.0.0.1:{port}",
            "APP": f"127.0.0.1:{served.port}",
            "EVENTS": events_server.removeprefix("http://"),
            "TLS_CERTIFICATE": str(cert),
            "TLS_CERTIFICATE_KEY": str(key),
            "STATIC_ROOT": str(served.static_root),
            "MEDIA_ROOT": str(served.media_root),
        }
    )
    (prefix / "bookmarks.conf").write_text(site)
    # As root, nginx's workers would otherwise run as `nobody`, who cannot read pytest's folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(MAIN_CONF.format(prefix=prefix, user=user))
    command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    command += ["-e", str(prefix / "error.log")]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"https://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: requests.get(url + "/account/login/", verify=str(cert), timeout=2).ok,
            "nginx",
            process,
            timeout=30,
        )
        tls = ssl.create_default_context(cafile=str(cert))
        yield Nginx(url, f"http://127.0.0.1:{http_port}", port, tls, cert)
    finally:
        stop(process, group=False)
