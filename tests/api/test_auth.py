"""Acceptance 1: every endpoint with a token of the right scope, the wrong scope, a revoked
token and none; and the session (same-site JavaScript) with and without its CSRF token."""

import json

import pytest

from api.models import Scope, Token
from api.v1 import api as ninja_api
from boards.models import BoardEntry
from boards.services import create_board
from tests.factories import make_image, png_bytes

# (method, path, JSON body or None, needs the write scope). {image}: alice's image, {theirs}:
# bob's, {board}: alice's board with {image} on it.
ENDPOINTS = [
    ("GET", "/api/v1/me/", None, False),
    ("GET", "/api/v1/images/", None, False),
    ("POST", "/api/v1/images/", {"url": "https://pictures.example/new.png", "title": "n"}, True),
    ("POST", "/api/v1/images/upload/", "multipart", True),
    ("GET", "/api/v1/images/{image}/", None, False),
    ("PATCH", "/api/v1/images/{image}/", {"title": "Changed"}, True),
    ("DELETE", "/api/v1/images/{image}/", None, True),
    ("POST", "/api/v1/images/{theirs}/like/", None, True),
    ("DELETE", "/api/v1/images/{theirs}/like/", None, True),
    ("GET", "/api/v1/boards/", None, False),
    ("POST", "/api/v1/boards/", {"name": "New board"}, True),
    ("GET", "/api/v1/boards/{board}/", None, False),
    ("PATCH", "/api/v1/boards/{board}/", {"description": "d"}, True),
    ("DELETE", "/api/v1/boards/{board}/", None, True),
    ("GET", "/api/v1/boards/{board}/entries/", None, False),
    ("POST", "/api/v1/boards/{board}/entries/", {"image": "{theirs}"}, True),
    ("DELETE", "/api/v1/boards/{board}/entries/{image}/", None, True),
    ("POST", "/api/v1/boards/{board}/entries/{image}/move/", {"position": 0}, True),
    ("GET", "/api/v1/users/bob/", None, False),
    ("POST", "/api/v1/users/bob/follow/", None, True),
    ("DELETE", "/api/v1/users/bob/follow/", None, True),
    ("GET", "/api/v1/feed/", None, False),
    ("GET", "/api/v1/notifications/", None, False),
    ("POST", "/api/v1/notifications/read/", None, True),
    ("GET", "/api/v1/tags/?q=s", None, False),
    ("GET", "/api/v1/search/?q=red", None, False),
]


@pytest.fixture
def world(user, other_user):
    image = make_image(user, title="A red square")
    theirs = make_image(other_user, title="Their red square")
    board = create_board(owner=user, name="Mine")
    BoardEntry.objects.create(board=board, image=image, position=0)
    return {"image": image.pk, "theirs": theirs.pk, "board": board.pk}


def send(client, method, path, body, world, **headers):
    path = path.format(**world)
    if body == "multipart":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
        return client.post(path, {"title": "Up", "image": upload}, **headers)
    data = json.dumps(body).replace('"{theirs}"', str(world["theirs"])) if body else None
    call = getattr(client, method.lower())
    if data is None:
        return call(path, **headers)
    return call(path, data, content_type="application/json", **headers)


def test_the_list_covers_every_operation_of_the_schema():
    schema = ninja_api.get_openapi_schema()
    operations = {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}
    names = {"{image}": "{image_id}", "{theirs}": "{image_id}", "{board}": "{board_id}",
             "bob": "{username}"}  # fmt: skip
    listed = set()
    for method, path, _, _ in ENDPOINTS:
        path = path.split("?")[0]
        for placeholder, name in names.items():
            path = path.replace(placeholder, name)
        listed.add((method, path))
    assert operations == listed


@pytest.mark.parametrize("method,path,body,write", ENDPOINTS)
def test_right_scope_is_served(client, user, world, make_token, method, path, body, write):
    secret = make_token(user, scope=Scope.WRITE if write else Scope.READ)
    response = send(client, method, path, body, world, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert 200 <= response.status_code < 300, response.content


@pytest.mark.parametrize("method,path,body,write", [e for e in ENDPOINTS if e[3]])
def test_a_read_token_cannot_write(client, user, world, make_token, method, path, body, write):
    secret = make_token(user, scope=Scope.READ)
    response = send(client, method, path, body, world, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 403


@pytest.mark.parametrize("method,path,body,write", ENDPOINTS)
def test_a_revoked_token_is_refused(client, user, world, make_token, method, path, body, write):
    secret = make_token(user, scope=Scope.WRITE)
    Token.objects.filter(user=user).update(revoked="2026-01-01T00:00Z")
    response = send(client, method, path, body, world, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response.json()["detail"] == "This token was revoked."
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("method,path,body,write", ENDPOINTS)
def test_no_token_is_refused(client, world, method, path, body, write):
    response = send(client, method, path, body, world)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("method,path,body,write", ENDPOINTS)
def test_an_unknown_token_is_refused(client, world, method, path, body, write):
    response = send(client, method, path, body, world, HTTP_AUTHORIZATION="Bearer bm_nope")
    assert response.status_code == 401


def test_the_session_works_with_csrf_and_not_without(user, world):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/v1/me/").json()["scope"] == "write"
    refused = browser.post("/api/v1/boards/", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    page = browser.get("/account/edit/")
    token = page.cookies["csrftoken"].value
    made = browser.post(
        "/api/v1/boards/", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert made.status_code == 201


def test_a_malformed_authorization_header_is_401(client, world):
    for header in ("Basic YTpi", "Bearer", "Token abc", "bm_only"):
        response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header


def test_per_token_rate_limit_is_429_with_retry_after(client, user, make_token, settings):
    settings.RATE_LIMITS = {"api": (3, 60)}
    first, second = make_token(user), make_token(user)
    for _ in range(3):
        assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 200
    refused = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {first}")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["status"] == 429
    # The limit is per token: another token of the same person is still served.
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {second}").status_code == 200
