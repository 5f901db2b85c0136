"""deploy/render.py fills the nginx template's placeholders and refuses anything that would
leave one empty or smuggle nginx syntax in through a value."""

import subprocess
import sys

import pytest

from .conftest import ROOT

VALUES = {
    "SERVER_NAME": "bookmarks.example.com",
    "HTTP_LISTEN": "80",
    "HTTPS_LISTEN": "443",
    "APP": "127.0.0.1:8000",
    "EVENTS": "127.0.0.1:8001",
    "TLS_CERTIFICATE": "/etc/ssl/bookmarks.pem",
    "TLS_CERTIFICATE_KEY": "/etc/ssl/bookmarks.key",
    "STATIC_ROOT": "/srv/bookmarks/staticfiles",
    "MEDIA_ROOT": "/srv/bookmarks/media",
}


def render(values):
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "render.py"), str(ROOT / "deploy" / "nginx.conf")]
        + [f"{key}={value}" for key, value in values.items()],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_every_placeholder_is_filled():
    result = render(VALUES)
    assert result.returncode == 0, result.stderr
    assert "@" not in result.stdout.replace("@…@", "")
    assert "server_name bookmarks.example.com;" in result.stdout
    assert "alias /srv/bookmarks/media/$1;" in result.stdout


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({k: v for k, v in VALUES.items() if k != "MEDIA_ROOT"}, "missing: MEDIA_ROOT"),
        ({**VALUES, "ROOT": "/srv"}, "not in the template: ROOT"),
        ({**VALUES, "SERVER_NAME": "a.example; include /etc/passwd"}, "SERVER_NAME"),
        ({**VALUES, "MEDIA_ROOT": "/srv/media/ { autoindex on; }"}, "MEDIA_ROOT"),
        ({**VALUES, "APP": ""}, "APP"),
    ],
)
def test_a_bad_value_is_refused(values, message):
    result = render(values)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
