"""Branded error pages: 404, 403, 400, 500 and the CSRF failure show the site's header and a way
home, with DEBUG off and, for our own 404s and the CSRF page, with DEBUG on (make run)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

BRAND = 'class="topbar"'


@pytest.fixture(autouse=True)
def _failing_views(settings):
    settings.ROOT_URLCONF = "tests.bookmarks.error_urls"


def assert_branded(response, status, words):
    page = response.content.decode()
    assert response.status_code == status
    assert BRAND in page and 'class="brand"' in page, page[:300]  # the way home
    assert words in page
    assert "DEBUG" not in page and "Traceback" not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("debug", [False, True])
def test_a_missing_image_is_our_404_with_debug_on_or_off(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/images/detail/999/nothing/")
    assert_branded(response, 404, "We can't find that page")


def test_an_unknown_address_is_our_404(client):
    assert_branded(client.get("/no/such/page/"), 404, "We can't find that page")


def test_with_debug_on_djangos_own_404_page_keeps_its_styles(client, settings):
    settings.DEBUG = True
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "style-src 'self' 'unsafe-inline'" in response["Content-Security-Policy"]
    assert "script-src 'self';" in response["Content-Security-Policy"]
    ok = client.get(reverse("login"))
    assert "'unsafe-inline'" not in ok["Content-Security-Policy"]


def test_forbidden_bad_request_and_server_error_pages(client):
    assert_branded(client.get("/fail/403/"), 403, "You can't open this page")
    assert_branded(client.get("/fail/400/"), 400, "didn't make sense")
    broken = Client(raise_request_exception=False)
    assert_branded(broken.get("/fail/500/"), 500, "Something went wrong on our side")


@pytest.mark.parametrize("debug", [False, True])
def test_a_csrf_failure_says_the_form_expired_and_offers_to_try_again(settings, debug):
    settings.DEBUG = debug
    client = Client(enforce_csrf_checks=True)
    login = reverse("login")
    response = client.post(
        login, {"username": "x", "password": "y"}, HTTP_REFERER="http://testserver" + login
    )
    assert_branded(response, 403, "This form expired")
    assert f'href="http://testserver{login}">Try again' in response.content.decode()


def test_the_csrf_page_never_links_to_another_site(settings):
    client = Client(enforce_csrf_checks=True)
    user = make_user("carol")
    client.force_login(user)
    response = client.post(reverse("logout"), HTTP_REFERER="https://evil.example/phish")
    assert_branded(response, 403, "This form expired")
    assert "evil.example" not in response.content.decode()
    assert 'href="/">Try again' in response.content.decode()
