from urllib.parse import unquote

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def launcher_from_dashboard(client, **extra) -> str:
    page = client.get(reverse("dashboard"), **extra).content.decode()
    start = page.index('href="javascript:') + len('href="')
    return unquote(page[start : page.index('"', start)])


def test_launcher_uses_the_request_host_when_site_url_is_not_set(auth_client, settings):
    settings.SITE_URL = ""
    code = launcher_from_dashboard(auth_client)
    assert "http://testserver" in code
    assert "static/js/bookmarklet.js" in code


def test_launcher_uses_site_url_scheme_and_host(auth_client, settings):
    settings.SITE_URL = "https://bookmarks.example.com"
    code = launcher_from_dashboard(auth_client)
    assert "https://bookmarks.example.com" in code
    assert "http://testserver" not in code


def test_launcher_is_small_and_carries_the_fallback_rules(auth_client):
    code = launcher_from_dashboard(auth_client)
    assert code.startswith("javascript:")
    assert len(code) < 4000
    assert "/images/pick/" in code
    assert "postMessage" in code
