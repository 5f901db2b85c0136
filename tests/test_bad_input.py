"""Hundreds of bad inputs across every form and endpoint: none is a 500, and none that is
refused changes a row in any table (sessions and the login-throttling log aside)."""

import itertools

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import make_image

pytestmark = pytest.mark.django_db

# Tables that may change on a refused request by design.
BOOKKEEPING = {"sessions.session", "axes.accessattempt", "axes.accessfailurelog", "axes.accesslog"}

GARBAGE_IDS = [
    "", "0", "-1", "abc", "1.5", "1e3", "99999999", "9" * 30, " ", "null", "[]",
    "１２", "٣", "0x10", "<script>", "' OR 1=1 --", "\x00", "💥",
]  # fmt: skip
GARBAGE_TEXT = ["", " ", "x" * 10_000, "\u202e\u0000odd", "💥" * 300, "<b>", "\ud7ff" * 3]
BAD_URLS = [
    "", "not a url", "ftp://x.example/a.png", "file:///etc/passwd", "javascript:alert(1)",
    "http://127.0.0.1:1/a.png", "http://10.0.0.1/a.png", "http://169.254.169.254/latest/",
    "http://[::1]/a.png", "http://0.0.0.0/a.png", "https://x.example/" + "a" * 2100,
    "http://user:pw@x.example/a.png", "http://[::ffff:10.0.0.1]/a.png", "https://",
]  # fmt: skip


def table_counts():
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label not in BOOKKEEPING and model._meta.managed:  # django-rq's admin entry has none
            counts[label] = model._default_manager.count()
    return counts


def cases(image_id, user_id, other_id):
    """(description, method, path, data, files, extra) tuples."""
    like, follow = reverse("images:like"), reverse("user_follow")
    ajax = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    for value, action in itertools.product(GARBAGE_IDS, ["like", "love", ""]):
        yield "like id", "post", like, {"id": value, "action": action}, None, ajax
    for action in ["", "LIKE", "unlike ", "delete", "x" * 5000]:
        yield "like action", "post", like, {"id": str(image_id), "action": action}, None, ajax
    for value, action in itertools.product(GARBAGE_IDS, ["follow", "stalk"]):
        yield "follow id", "post", follow, {"id": value, "action": action}, None, ajax
    yield "follow self", "post", follow, {"id": str(user_id), "action": "follow"}, None, ajax
    for action in ["", "FOLLOW", "block"]:
        yield "follow action", "post", follow, {"id": str(other_id), "action": action}, None, {}
    for path in (like, follow):
        yield "GET", "get", path, {}, None, {}
        for method in ("put", "delete", "patch"):
            yield method, method, path, {}, None, {}

    create = reverse("images:create")
    for url in BAD_URLS:
        yield "create url", "post", create, {"title": "ok", "url": url}, None, {}
    for title in GARBAGE_TEXT:
        data = {"title": title, "url": "ftp://x.example/a.png", "description": title}
        yield "create title", "post", create, data, None, {}
    yield (
        "create huge title",
        "post",
        create,
        {"title": "t" * 10_000, "url": "https://x.example/a.png"},
        None,
        {},
    )  # noqa: E501
    yield (
        "create huge description",
        "post",
        create,
        {"title": "t", "url": "https://x.example/a.png", "description": "d" * 10_001},
        None,
        {},
    )  # noqa: E501
    for url in ["x" * 5000, "javascript:alert(1)", "%00", "💥"]:
        yield "create GET", "get", create, {"url": url, "title": url}, None, {}

    register = reverse("register")
    base = {"username": "newbie", "first_name": "N", "email": "n@example.com",
            "password": "purple-elephant-42", "password2": "purple-elephant-42"}  # fmt: skip
    variants = [
        {"username": ""}, {"username": "x" * 200}, {"username": "bad name!"},
        {"username": "ALICE"}, {"email": "ALICE@EXAMPLE.COM"}, {"email": "nope"},
        {"email": "x" * 300 + "@example.com"}, {"password": "1"}, {"password2": "other-thing-77"},
        {"password": "newbie", "password2": "newbie"}, {"first_name": "f" * 10_000},
        {"username": "\u0000"}, {"email": ""}, {"password": "", "password2": ""},
    ]  # fmt: skip
    for change in variants:
        yield "register", "post", register, {**base, **change}, None, {}

    edit = reverse("edit")
    profile = {"first_name": "Alice", "last_name": "", "email": "alice@example.com"}
    fake_images = [
        ("cat.jpg", b"just text", "image/jpeg"),
        ("cat.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
        ("cat.gif", b"GIF89a", "image/gif"),
        ("page.html", b"<html></html>", "text/html"),
        ("empty.png", b"", "image/png"),
        ("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
    ]
    for name, content, kind in fake_images:
        files = {"photo": SimpleUploadedFile(name, content, content_type=kind)}
        yield "edit photo", "post", edit, {**profile}, files, {}
    for change in [{"email": "bob@example.com"}, {"email": "BOB@example.com"}, {"email": "bad"},
                   {"email": ""}, {"date_of_birth": "31/31/2020"}, {"date_of_birth": "99999-01-01"},
                   {"date_of_birth": "💥"}, {"first_name": "f" * 10_000}]:  # fmt: skip
        yield "edit", "post", edit, {**profile, **change}, None, {}

    login = reverse("login")
    for username, password in itertools.product(["", "alice", "x" * 5000, "💥@x"], ["", "bad"]):
        yield "login", "post", login, {"username": username, "password": password}, None, {}
    for next_url in ["https://evil.example/", "//evil.example", "javascript:alert(1)"]:
        yield "login next", "get", login, {"next": next_url}, None, {}
    reset = reverse("password_reset")
    for email in ["", "nope", "x" * 5000, "nobody@example.com"]:
        yield "reset", "post", reset, {"email": email}, None, {}
    yield "reset confirm", "get", "/account/reset/garbage/set-password/", {}, None, {}
    yield "reset confirm", "get", "/account/reset/💥/x/", {}, None, {}
    yield "logout GET", "get", reverse("logout"), {}, None, {}

    for page in ["-1", "0", "x", "9" * 40, "1.5", "💥"]:
        yield "list page", "get", reverse("images:list"), {"page": page}, None, {}
        yield (
            "list more",
            "get",
            reverse("images:list"),
            {"page": page, "images_only": "1"},
            None,
            {},
        )  # noqa: E501
        yield (
            "dashboard more",
            "get",
            reverse("dashboard"),
            {"page": page, "actions_only": "1"},
            None,
            {},
        )  # noqa: E501
        yield "users page", "get", reverse("user_list"), {"page": page}, None, {}
    for value in [*GARBAGE_IDS, image_id]:  # someone else's image, or none at all
        for name in ("images:retry", "images:remove"):
            yield name, "post", reverse(name), {"id": value}, None, {}
            yield name, "post", reverse(name), {"id": value}, None, ajax
    for path in [f"/images/status/{image_id}/", "/images/status/0/"]:
        yield "status of another's image", "get", path, {}, None, {}
    for period in ["", "month", "<script>", "💥"]:
        yield "ranking", "get", reverse("images:ranking"), {"period": period}, None, {}
    for path in ["/images/detail/0/x/", "/images/detail/99999999999999999999999/x/",
                 f"/images/detail/{image_id}/%F0%9F%92%A5/", "/account/users/%F0%9F%92%A5/",
                 "/account/users/" + "x" * 300 + "/", "/images/detail/1/"]:  # fmt: skip
        yield "odd path", "get", path, {}, None, {}


def test_hundreds_of_bad_inputs_never_500_and_change_nothing(user, other_user, capsys):
    image = make_image(other_user, title="Target")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    tried = 0
    before = table_counts()
    for label, method, path, data, files, extra in cases(image.id, user.id, other_user.id):
        payload = {**data, **(files or {})}
        if method == "get":
            response = client.get(path, data, **extra)
        elif method == "post":
            response = client.post(path, payload, **extra)
        else:
            response = getattr(client, method)(path, **extra)
        tried += 1
        assert response.status_code < 500, (label, path, data, response.status_code)
        if method != "get" and response.status_code != 302:
            assert 400 <= response.status_code < 500 or response.status_code == 200, label
        assert table_counts() == before, (label, path, data)
    with capsys.disabled():
        print(f"\n[bad input] {tried} bad inputs tried, no 500, no row changed")
    assert tried >= 200


def test_every_post_endpoint_refuses_a_missing_csrf_token(user, other_user):
    image = make_image(other_user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    before = table_counts()
    posts = [
        (reverse("images:like"), {"id": image.id, "action": "like"}),
        (reverse("images:retry"), {"id": image.id}),
        (reverse("images:remove"), {"id": image.id}),
        (reverse("user_follow"), {"id": other_user.id, "action": "follow"}),
        (reverse("images:create"), {"title": "t", "url": "https://x.example/a.png"}),
        (reverse("edit"), {"first_name": "Changed", "email": "alice@example.com"}),
        (reverse("logout"), {}),
        (reverse("password_change"), {"old_password": "x"}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 403, path
    anonymous = Client(enforce_csrf_checks=True)
    for path, data in [
        (reverse("login"), {"username": "alice", "password": "x"}),
        (reverse("register"), {"username": "n"}),
        (reverse("password_reset"), {"email": "alice@example.com"}),
        ("/social-auth/login/google-oauth2/", {}),
    ]:
        assert anonymous.post(path, data).status_code == 403, path
    assert table_counts() == before
