"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the whole tests/e2e package (a new context per test). "External" web sites are
pytest-httpserver pages on another port. Everything is on 127.0.0.1.
"""

import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from images.services import bookmark_image
from tests.factories import make_user

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("/tmp/shots")


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, on 127.0.0.1 rather than `localhost` (the network guard
    allows loopback addresses only, and the bookmarklet's origin checks want one spelling)."""
    server = LiveServer("127.0.0.1")
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser(tmp_path_factory):
    """One Chromium for the package. While Playwright's sync API runs, its event loop is
    running in this thread, so Django's ORM needs DJANGO_ALLOW_ASYNC_UNSAFE here (and only
    while the package runs: the variable is restored afterwards)."""
    home = tmp_path_factory.mktemp("chromium-home")
    names = ("DJANGO_ALLOW_ASYNC_UNSAFE", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(
        DJANGO_ALLOW_ASYNC_UNSAFE="true",
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(autouse=True)
def _site_for_browsers(settings, live_server, allow_loopback_fetch):
    """Media served by the live server; image fetches allowed from the local test server;
    fast password hashing for the users the tests make."""
    settings.ROOT_URLCONF = "tests.e2e.urls"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login_context(browser, live_server, user, **options):
    """A browser context logged in as `user` (the session cookie of a real login)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


@pytest.fixture
def alice(transactional_db):
    return make_user("alice", email="alice@example.com", first_name="Alice")


@pytest.fixture
def context(browser, live_server, alice):
    context = login_context(browser, live_server, alice)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def launcher(page, live_server):
    """The launcher's code, read from the "Bookmark it" link of the dashboard (its href minus
    `javascript:`, percent-decoded as the browser does). Run it with `page.evaluate`."""
    page.goto(live_server.url + "/account/")
    href = page.locator("a.bookmarklet-link").get_attribute("href")
    assert href.startswith("javascript:")
    return unquote(href.removeprefix("javascript:"))


class ExternalSite:
    """Somebody else's web site: HTML pages and real images on a local HTTP server."""

    def __init__(self, httpserver):
        self.server = httpserver

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"

    def image(self, path: str, size: tuple[int, int], fmt: str = "JPEG") -> str:
        content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}[fmt]
        body = distinct_picture(path, size, fmt)
        self.server.expect_request(path).respond_with_data(body, content_type=content_type)
        return self.url(path)

    def page(self, path: str, title: str, body: str, csp: str | None = None) -> str:
        headers = {"Content-Security-Policy": csp} if csp else {}
        html = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            "<style>body{font-family:Georgia,serif;margin:2rem;background:#fdf6e3}"
            "img{margin:4px;vertical-align:top} h1{color:#268bd2}"
            "button,div,li,ul,h2,p,img{border:3px dashed red !important}</style>"
            f"</head><body><h1>{title}</h1>{body}</body></html>"
        )
        self.server.expect_request(path).respond_with_data(
            html, content_type="text/html; charset=utf-8", headers=headers
        )
        return self.url(path)

    def requests_for(self, path: str) -> int:
        return sum(1 for request, _ in self.server.log if request.path == path)


@pytest.fixture
def site(httpserver):
    return ExternalSite(httpserver)


@pytest.fixture
def bookmark(site):
    """Bookmark an image for `user` the real way: bookmark_image downloads it from the local
    "external" site and makes its thumbnails."""

    def make(user, name: str, title: str, size=(400, 300)):
        url = site.image(f"/saved/{name}.jpg", size)
        return bookmark_image(user=user, url=url, title=title)

    return make


@pytest.fixture
def shot():
    """Save a screenshot under /tmp/shots/ (to look at; nothing compares them)."""

    def save(target, name: str, **options):
        SHOTS.mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(SHOTS / f"{name}.png"), **options)

    return save


def distinct_picture(seed: str, size: tuple[int, int], fmt: str = "JPEG") -> bytes:
    """A picture of its own for each `seed` (a few coloured blocks placed by it): the site keeps
    one copy of the same bytes and holds look-alikes (images.dedupe), so pictures of different
    addresses must neither be the same bytes nor look alike."""
    import io
    import random

    from PIL import Image as PILImage
    from PIL import ImageDraw

    rng = random.Random(seed)
    picture = PILImage.new("RGB", size, (40 + size[0] % 200, 90, 160))
    draw = ImageDraw.Draw(picture)
    width, height = size
    for _ in range(8):
        x, y = rng.randrange(width), rng.randrange(height)
        w = rng.randrange(width // 6, width // 2 + 1)
        h = rng.randrange(height // 6, height // 2 + 1)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle([x, y, x + w, y + h], fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt)
    return buffer.getvalue()
