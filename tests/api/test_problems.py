"""Acceptance 3: each kind of bad input gets its 4xx problem document (RFC 9457); and no input
makes a 500 (garbage thrown at every endpoint)."""

import json

import pytest

from api.models import Scope
from tests.api.test_auth import ENDPOINTS, world  # noqa: F401  (the fixture)
from tests.factories import make_image


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"}
    assert body["status"] == status and body["detail"]
    return body


def test_malformed_json_is_400(api):
    for raw in ("{bad", '{"title": "x",}', "\xff\xfe", "[" * 60_000):
        response = api.post("/api/v1/boards/", raw, content_type="application/json")
        assert_problem(response, 400)


def test_wrong_types_are_422_naming_the_field(api):
    body = assert_problem(
        api.post("/api/v1/boards/", {"name": 5}, content_type="application/json"), 422
    )
    assert body["errors"] == [
        {"field": "name", "in": "body", "message": body["errors"][0]["message"]}
    ]
    assert_problem(api.post("/api/v1/boards/", [1, 2], content_type="application/json"), 422)
    assert_problem(api.post("/api/v1/boards/", "null", content_type="application/json"), 422)
    assert_problem(api.get("/api/v1/images/?limit=lots"), 422)
    assert_problem(api.get("/api/v1/images/?limit=0"), 422)
    assert_problem(api.get("/api/v1/images/99999999999999999999/"), 422)


def test_unknown_fields_are_422(api):
    body = assert_problem(
        api.post(
            "/api/v1/boards/", {"name": "b", "colour": "red"}, content_type="application/json"
        ),
        422,
    )
    assert body["errors"][0] == {"field": "colour", "in": "body", "message": "Unknown field."}


def test_missing_fields_are_422(api):
    body = assert_problem(api.post("/api/v1/images/", {}, content_type="application/json"), 422)
    assert {e["field"] for e in body["errors"]} == {"url", "title"}


def test_a_body_over_the_cap_is_413(api):
    big = json.dumps({"name": "b", "description": "x" * 70_000})
    assert_problem(api.post("/api/v1/boards/", big, content_type="application/json"), 413)


def test_an_upload_over_the_cap_is_413_before_it_is_read(api, settings):
    settings.IMAGE_MAX_BYTES = 1000
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.png", b"x" * 200_000, content_type="image/png")
    assert_problem(api.post("/api/v1/images/upload/", {"title": "t", "image": upload}), 413)


def test_others_private_objects_are_404(api, other_user):
    image = make_image(other_user)
    image.private = True
    image.save()
    assert_problem(api.get(f"/api/v1/images/{image.pk}/"), 404)


def test_revoked_expired_and_scope(client, user, make_token):
    from api.models import Token

    secret = make_token(user, scope=Scope.READ)
    assert_problem(
        client.post("/api/v1/boards/", {"name": "b"}, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {secret}"),
        403,
    )  # fmt: skip
    Token.objects.update(expires="2020-01-01T00:00Z")
    body = assert_problem(client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}"), 401)
    assert body["detail"] == "This token has expired."


def test_a_bad_cursor_is_400(api):
    for cursor in ("nonsense", "bm90IGEgY3Vyc29y", "MjAyNi0wMS0wMXwx"):
        assert_problem(api.get(f"/api/v1/images/?cursor={cursor}"), 400)


def test_unknown_addresses_and_methods(api):
    assert_problem(api.get("/api/v1/nothing/"), 404)
    assert_problem(api.put("/api/v1/me/"), 405)
    assert_problem(api.get("/api/v1/images/1/like/"), 405)


def test_a_nul_in_the_address_is_400(api):
    assert_problem(api.get("/api/v1/search/?q=%00"), 400)
    assert_problem(api.get("/api/v1/users/a%00b/"), 400)


def test_both_forms_of_an_address_answer(api, user):
    for path in ("/api/v1/me", "/api/v1/images", "/api/v1/boards", "/api/v1/feed",
                 "/api/v1/notifications", "/api/v1/search?q=x"):  # fmt: skip
        assert api.get(path).status_code == 200, path
        assert api.get(path.replace("?", "/?") if "?" in path else path + "/").status_code == 200
    made = api.post("/api/v1/boards", {"name": "No slash"}, content_type="application/json")
    assert made.status_code == 201  # a POST without the slash is served, body and all
    assert api.get("/api/v1/docs").status_code == 200
    assert api.get("/api/v1/openapi.json").status_code == 200


GARBAGE_BODIES = [
    "", "null", "[]", "0", '"text"', "{", '{"a":', "\x00", '{"\x00": 1}',
    '{"title": "\\u0000", "name": "\\u0000", "url": "\\u0000", "description": "\\u0000"}',
    '{"title": 1e999, "name": [], "url": {}, "image": 99999999999999999999999, "position": -1}',
    '{"image": "1", "position": "x", "tags": "sea", "private": "maybe", "board": 0}',
    '{"tags": [1, null, {}], "title": ""}', '{"url": "javascript:alert(1)", "title": "x"}',
    '{"url": "http://[::1]/a.png", "title": "x"}',
    '{"url": "http://169.254.169.254/", "title": "x"}',
    json.dumps({"name": "x" * 5000, "title": "y" * 5000, "tags": ["t"] * 500}),
    '{"image": 1, "image": 2}', '{"__proto__": {}}',
]  # fmt: skip
GARBAGE_QUERIES = [
    "?limit=-1", "?limit=1e9", "?cursor=%ff%fe", "?cursor=" + "A" * 190, "?page=0",
    "?page=99999999999999999999", "?user=" + "x" * 149, "?tag=%E2%80%AE", "?tag=a b",
    "?board=abc", "?board=99999999999999999999", "?mine=perhaps", "?q=" + "%25" * 60, "?q=",
    "?user=../../etc", "?tag=" + "a" * 99,
]  # fmt: skip


@pytest.mark.parametrize("method,path,body,write", ENDPOINTS)
def test_garbage_never_makes_a_500(api, world, method, path, body, write):  # noqa: F811
    path = path.split("?")[0].format(**world)
    answers = []
    for raw in GARBAGE_BODIES:
        answers.append(api.generic(method, path, raw, content_type="application/json"))
        answers.append(api.generic(method, path, raw.encode(), content_type="text/plain"))
    for query in GARBAGE_QUERIES:
        answers.append(api.generic(method, path + query))
    answers.append(api.post(path, {"title": "t", "image": "not a file"}))  # multipart, no file
    answers.append(
        api.generic(method, path, b"--x\r\nbroken", content_type="multipart/form-data; boundary=x")
    )
    for response in answers:
        assert response.status_code < 500, (path, response.content[:300])
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json", response.content[:200]
