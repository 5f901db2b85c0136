import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "0",
    "HTTPS": "1",
    "SECRET_KEY": "x7#kQ9!vL2@pR5$wZ8^mN3&bT6*yH1(cF4)jD0_sG-eA+uI=oP",
    "ALLOWED_HOSTS": "bookmarks.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
    "STATIC_MANIFEST": "1",
}


def manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION and k not in ("EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"DOTENV_FILE": "", **base, **env},  # never a developer's own .env
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_off_without_secret_key_refuses_to_start():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    "weak_key",
    [
        "abc",  # what the review found only warned
        "x7#kQ9!vL2@pR5$wZ8^mN3&bT6*yH1(cF4)jD0_sG-eA+uI=o",  # 49 characters
        "abcd" * 20,  # long, but only 4 different characters
        "django-insecure-" + "x7#kQ9!vL2@pR5$wZ8^mN3&bT6*yH1(cF4)jD0_sG-eA+uI=oP",
    ],
)
def test_debug_off_with_a_weak_secret_key_refuses_to_start(weak_key):
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": weak_key})
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is too weak for DEBUG off" in result.stderr
    assert weak_key not in result.stderr  # the key itself is never printed


def test_debug_on_accepts_a_short_secret_key():
    result = manage("check", env={**PRODUCTION, "DEBUG": "1", "SECRET_KEY": "abc"})
    assert result.returncode == 0, result.stderr


HEADERS_SCRIPT = """
from django.test import Client
response = Client().get("/account/login/", secure=True, HTTP_HOST="bookmarks.example.com")
print("STATUS", response.status_code)
for name in ("Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy",
             "Content-Security-Policy", "X-Frame-Options", "Cross-Origin-Opener-Policy"):
    print("HEADER", name, "=", response.get(name, ""))
print("COOKIE", response.cookies["csrftoken"]["secure"], response.cookies["csrftoken"]["samesite"])
insecure = Client().get("/account/login/", HTTP_HOST="bookmarks.example.com")
print("INSECURE", insecure.status_code, insecure.get("Location", ""))
"""


def test_production_settings_send_the_security_headers():
    env = {**PRODUCTION, "STATIC_MANIFEST": "0"}  # no collectstatic in this test
    result = manage("shell", "-c", HEADERS_SCRIPT, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "STATUS 200" in out
    assert "Strict-Transport-Security = max-age=31536000; includeSubDomains; preload" in out
    assert "X-Content-Type-Options = nosniff" in out
    assert "Referrer-Policy = same-origin" in out
    assert "Content-Security-Policy = default-src 'self'; script-src 'self'" in out
    assert "X-Frame-Options = DENY" in out
    assert "COOKIE True Lax" in out
    assert "INSECURE 301 https://bookmarks.example.com/account/login/" in out


def test_admin_pages_answer(admin_client, db):
    for path in [
        "/admin/",
        "/admin/account/user/",
        "/admin/account/profile/",
        "/admin/account/contact/",
        "/admin/images/image/",
        "/admin/actions/action/",
    ]:
        assert admin_client.get(path).status_code == 200, path


SHOW = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)"


def local_dotenv(tmp_path) -> str:
    path = tmp_path / ".env"
    path.write_text(
        "# made by make run\nDEBUG=1\n"
        "SECRET_KEY='local-key-from-dotenv-made-by-make-run-0123456789abcdefghij'\n\n"
    )
    return str(path)


def test_manage_py_reads_the_local_dotenv_when_the_environment_has_no_secret_key(tmp_path):
    result = manage("shell", "-v", "0", "-c", SHOW, env={"DOTENV_FILE": local_dotenv(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "local-key-from-dotenv-made-by-make-run-0123456789abcdefghij",
    ]


def test_the_environment_wins_over_the_dotenv(tmp_path):
    env = {"DOTENV_FILE": local_dotenv(tmp_path), "DEBUG": "0", "ALLOWED_HOSTS": "x"}
    result = manage("shell", "-v", "0", "-c", SHOW, env=env)
    assert result.stdout.split() == [
        "False",
        "local-key-from-dotenv-made-by-make-run-0123456789abcdefghij",
    ]


def test_a_server_environment_ignores_a_leftover_dotenv(tmp_path):
    # A server sets SECRET_KEY (it must): a forgotten .env cannot turn DEBUG on there.
    env = {
        "DOTENV_FILE": local_dotenv(tmp_path),
        "SECRET_KEY": "the-servers-own-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    }
    result = manage("shell", "-v", "0", "-c", SHOW, env={**env, "ALLOWED_HOSTS": "x"})
    assert result.stdout.split() == [
        "False",
        "the-servers-own-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    ]


def test_axes_middleware_is_last_as_its_comment_says(settings):
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.MIDDLEWARE[0] == "bookmarks.clientip.TrustedProxyMiddleware"
    assert "account.social.SocialAuthExceptionMiddleware" in settings.MIDDLEWARE
