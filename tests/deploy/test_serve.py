"""`make serve` on its own, with its defaults (DEBUG off, local disk): it shows images — only
images, never sniffable, sandboxed (review item 8) — and refuses to face the network bare
(review item 6)."""

import os
import subprocess

import requests

from .conftest import AS_IF_PROXIED, NOT_IMAGES, PNG, ROOT


def test_make_serve_shows_uploaded_images(served):
    answer = requests.get(
        served.url + "/media/images/2026/12/01/picture.png", headers=AS_IF_PROXIED, timeout=10
    )
    assert answer.status_code == 200
    assert answer.content == PNG
    assert answer.headers["Content-Type"] == "image/png"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_make_serve_never_serves_media_that_is_not_an_image(served):
    for name in [*NOT_IMAGES, "images/", "images/2026/12/01/", "..%2f..%2fdb.sqlite3"]:
        answer = requests.get(served.url + "/media/" + name, headers=AS_IF_PROXIED, timeout=10)
        assert answer.status_code == 404, name
        assert "evil" not in answer.text, name
    fake = requests.get(served.url + "/media/fake.png", headers=AS_IF_PROXIED, timeout=10)
    assert fake.headers["Content-Type"] == "image/png"
    assert fake.headers["X-Content-Type-Options"] == "nosniff"


def test_make_serve_refuses_a_public_address_without_a_proxy():
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    result = subprocess.run(
        ["make", "--no-print-directory", "serve", "HOST=0.0.0.0", "PORT=1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "would expose gunicorn bare" in result.stderr
    assert "Applying" not in result.stdout  # refused before migrating anything
