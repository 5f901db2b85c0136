"""The "Connect the extension" page: a token only for the person's own POST (CSRF), handed to
the page once, never cached, never made by a visit."""

import re

from django.test import Client

from api import tokens
from api.models import Token


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_a_visit_makes_no_token(user):
    client = csrf_client(user)
    page = client.get("/account/extension/connect/")
    assert page.status_code == 200
    assert "Connect the extension" in page.content.decode()
    assert "data-extension-token" not in page.content.decode()
    assert not Token.objects.exists()


def test_connect_makes_a_write_token_for_the_extension_to_read(user):
    client = csrf_client(user)
    client.get("/account/extension/connect/")
    page = client.post(
        "/account/extension/connect/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    secret = re.search(r'data-extension-token="(bm_[\w-]+)"', page.content.decode()).group(1)
    token = tokens.authenticate(secret)
    assert token.user == user and token.can_write
    assert token.name.startswith("Browser extension")


def test_another_site_cannot_make_one(user):
    client = csrf_client(user)
    assert client.post("/account/extension/connect/").status_code == 403
    assert not Token.objects.exists()


def test_logged_out_goes_to_the_login_page(client, db):
    response = client.get("/account/extension/connect/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/account/extension/connect/")


def test_too_many_tokens_is_a_clear_400(user, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_ACTIVE_TOKENS", 0)
    client = csrf_client(user)
    client.get("/account/extension/connect/")
    page = client.post(
        "/account/extension/connect/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert page.status_code == 400
    assert "revoke one" in page.content.decode()
