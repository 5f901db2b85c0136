"""Images through the API: create from a URL (202 + status URL, the background queue and the
bookmark form's rules), upload, detail, list with cursor pages and filters, change, delete,
likes."""

import pytest
from django.core.files.storage import default_storage

from actions.models import Action, Verb
from actions.services import create_action
from api.models import Scope
from boards.models import BoardEntry
from boards.services import create_board
from images.models import Image
from tests.factories import make_image, png_bytes


@pytest.fixture
def png_server(httpserver, server_url, allow_loopback_fetch):
    httpserver.expect_request("/photo.png").respond_with_data(
        png_bytes((300, 200)), content_type="image/png"
    )
    return server_url("/photo.png")


def test_create_from_a_url_answers_202_with_a_status_url(api, user, png_server):
    board = create_board(owner=user, name="Sea")
    response = api.post(
        "/api/v1/images/",
        {"url": png_server, "title": "Waves", "page_url": "https://example.com/sea",
         "alt_text": "Grey waves", "board": board.pk},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 202, response.content
    body = response.json()
    image = Image.objects.get(pk=body["id"])
    assert body["status_url"] == f"http://testserver/api/v1/images/{image.pk}/"
    assert (image.title, image.alt_text, image.page_url) == (
        "Waves",
        "Grey waves",
        "https://example.com/sea",
    )
    assert BoardEntry.objects.filter(board=board, image=image).exists()
    status = api.get(body["status_url"]).json()
    assert status["status"] == "ready"  # tests run jobs inline
    assert status["file_url"].startswith("http://testserver/media/")


def test_create_is_queued_and_the_status_says_saving(api, user, png_server, settings):
    settings.JOBS_INLINE = False  # a real queue: nothing works on it in this test
    settings.RQ_QUEUES = {"default": {"URL": settings.REDIS_URL}}
    response = api.post(
        "/api/v1/images/", {"url": png_server, "title": "Later"}, content_type="application/json"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "saving"
    detail = api.get(body["status_url"]).json()
    assert detail["status"] == "saving" and detail["file_url"] is None


def test_create_refuses_what_the_form_refuses(api):
    for url in ("http://127.0.0.1/x.png", "ftp://example.com/a.png", "not a url"):
        response = api.post(
            "/api/v1/images/", {"url": url, "title": "x"}, content_type="application/json"
        )
        assert response.status_code == 422, url
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "url"
    assert not Image.objects.exists()


def test_create_twice_is_a_409_naming_the_first(api, user):
    first = make_image(user, url="https://pictures.example/same.png")
    response = api.post(
        "/api/v1/images/",
        {"url": "https://pictures.example/same.png", "title": "again"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response["Location"].endswith(f"/api/v1/images/{first.pk}/")


def test_create_onto_someone_elses_board_is_refused_before_anything_is_made(
    api, other_user, png_server
):
    board = create_board(owner=other_user, name="Theirs")
    response = api.post(
        "/api/v1/images/",
        {"url": png_server, "title": "x", "board": board.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Image.objects.exists()


def test_create_follows_the_bookmark_rate_limit(api, settings, png_server):
    settings.RATE_LIMITS = {"bookmark": (1, 600)}
    first = api.post(
        "/api/v1/images/", {"url": png_server, "title": "a"}, content_type="application/json"
    )
    assert first.status_code == 202
    second = api.post(
        "/api/v1/images/", {"url": png_server + "?2", "title": "b"}, content_type="application/json"
    )
    assert second.status_code == 429
    assert int(second["Retry-After"]) > 0
    assert second["Content-Type"] == "application/problem+json"


def test_create_private_and_by_default_per_profile(api, user, png_server):
    response = api.post(
        "/api/v1/images/",
        {"url": png_server, "title": "Mine only", "private": True},
        content_type="application/json",
    )
    assert Image.objects.get(pk=response.json()["id"]).private
    profile = user.profile
    profile.private_by_default = True
    profile.save()
    response = api.post(
        "/api/v1/images/", {"url": png_server + "?b", "title": "b"}, content_type="application/json"
    )
    assert Image.objects.get(pk=response.json()["id"]).private


def test_upload_goes_through_the_image_gate(api, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = SimpleUploadedFile("a.png", png_bytes((200, 150)), content_type="image/png")
    response = api.post("/api/v1/images/upload/", {"title": "Upload", "image": good})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "ready"
    fake = SimpleUploadedFile("b.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png")
    response = api.post("/api/v1/images/upload/", {"title": "Fake", "image": fake})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "image"
    assert Image.objects.count() == 1


def test_detail_and_tags_and_liked(api, user, other_user):
    image = make_image(other_user)
    image.tags.set(["sea", "blue"])
    body = api.get(f"/api/v1/images/{image.pk}/").json()
    assert body["tags"] == ["blue", "sea"] and body["liked"] is False
    assert api.post(f"/api/v1/images/{image.pk}/like/").json() == {"liked": True, "likes": 1}
    assert api.get(f"/api/v1/images/{image.pk}").json()["liked"] is True
    assert api.delete(f"/api/v1/images/{image.pk}/like/").json() == {"liked": False, "likes": 0}


def test_patch_changes_text_tags_and_privacy(api, user, django_capture_on_commit_callbacks):
    image = make_image(user)
    create_action(user, Verb.BOOKMARKED, image)
    old_name = image.image.name
    with django_capture_on_commit_callbacks(execute=True):  # the old files go after commit
        response = api.patch(
            f"/api/v1/images/{image.pk}/",
            {"title": "New", "tags": ["Sea", "sky"], "private": True},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    image.refresh_from_db()
    assert image.title == "New" and image.private
    assert sorted(image.tags.names()) == ["sea", "sky"]
    # As the site's form does: the files move to an unguessable folder and the old name is
    # gone, the actions about it are hidden from everyone else's feed.
    assert image.image.name.startswith("private/") and not default_storage.exists(old_name)
    assert not Action.objects.filter(target_id=image.pk, public=True).exists()
    bad = api.patch(
        f"/api/v1/images/{image.pk}/", {"tags": ["no spaces!"]}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "tags"


def test_delete_removes_the_image(api, user):
    image = make_image(user)
    assert api.delete(f"/api/v1/images/{image.pk}/").status_code == 204
    assert not Image.objects.filter(pk=image.pk).exists()


def test_list_pages_with_a_cursor_and_filters(api, user, other_user):
    mine = [make_image(user, title=f"mine {n}") for n in range(3)]
    theirs = [make_image(other_user, title=f"theirs {n}") for n in range(2)]
    theirs[0].tags.set(["sea"])
    seen, url = [], "/api/v1/images/?limit=2"
    while url:
        page = api.get(url).json()
        seen += [item["id"] for item in page["items"]]
        url = page["next"]
    everything = sorted(mine + theirs, key=lambda i: (i.created, i.pk), reverse=True)
    assert seen == [i.pk for i in everything]
    assert {i["id"] for i in api.get("/api/v1/images/?mine=true").json()["items"]} == {
        i.pk for i in mine
    }
    by_bob = api.get("/api/v1/images/?user=bob").json()["items"]
    assert {i["id"] for i in by_bob} == {i.pk for i in theirs}
    assert [i["id"] for i in api.get("/api/v1/images/?tag=sea").json()["items"]] == [theirs[0].pk]
    board = create_board(owner=other_user, name="B")
    BoardEntry.objects.create(board=board, image=mine[1], position=0)
    on_board = api.get(f"/api/v1/images/?board={board.pk}").json()["items"]
    assert [i["id"] for i in on_board] == [mine[1].pk]


def test_read_token_reads_but_cannot_write(client, user, make_token):
    secret = make_token(user, scope=Scope.READ)
    header = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/v1/images/", **header).status_code == 200
    response = client.post(
        "/api/v1/images/", {"url": "https://e.com/a.png", "title": "x"},
        content_type="application/json", **header,
    )  # fmt: skip
    assert response.status_code == 403
    assert "write" in response.json()["detail"]
