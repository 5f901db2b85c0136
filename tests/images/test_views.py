import json

import pytest
from django.urls import reverse

from images.models import Image
from tests.factories import PASSWORD, make_image, make_user
from tests.images.imagedata import make_image_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def image(user):
    return make_image(user, title="Sunset over the bay")


def like(client, image_id, action="like", ajax=True, **extra):
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if ajax else {}
    return client.post(
        reverse("images:like"), {"id": image_id, "action": action, **extra}, **headers
    )


# --- create -------------------------------------------------------------------------------


def test_create_requires_login_and_comes_back(client):
    url = reverse("images:create") + "?url=https%3A%2F%2Fx.example%2Fa.jpg&title=A"
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")
    assert "images/create/" in response.url
    login = client.get(response.url)
    assert "Log in to save the image you picked" in login.content.decode()
    make_user("bea")
    back = client.post(response.url, {"username": "bea", "password": PASSWORD})
    assert back.url == url
    form = client.get(back.url).content.decode()
    assert 'value="https://x.example/a.jpg"' in form


def test_create_form_is_prefilled_with_a_preview(auth_client):
    response = auth_client.get(
        reverse("images:create"), {"url": "https://x.example/a.jpg?w=800", "title": "A <b>cat</b>"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="https://x.example/a.jpg?w=800"' in page
    assert "A &lt;b&gt;cat&lt;/b&gt;" in page
    assert '<img src="https://x.example/a.jpg?w=800"' in page


def test_create_fetches_saves_and_redirects_to_detail(
    auth_client, user, httpserver, server_url, allow_loopback_fetch
):
    httpserver.expect_request("/photo.jpg").respond_with_data(
        make_image_bytes("JPEG", (800, 600)), content_type="image/jpeg"
    )
    url = server_url("/photo.jpg?w=800")
    response = auth_client.post(
        reverse("images:create"), {"title": "Bridge", "url": url, "description": "At night"}
    )
    image = Image.objects.get()
    assert response.status_code == 302
    assert response.url == image.get_absolute_url()
    assert (image.user, image.title, image.url, image.slug) == (user, "Bridge", url, "bridge")
    assert image.image.name.endswith(".jpg")
    assert image.image.storage.exists(image.thumbnails["list"]["name"])
    assert image.image.storage.exists(image.thumbnails["detail"]["name"])
    detail = auth_client.get(response.url)
    assert "Image bookmarked." in detail.content.decode()


def test_fetch_failure_shows_the_reason_with_retry_and_remove_to_the_owner_only(
    auth_client, client, other_user, httpserver, server_url, allow_loopback_fetch
):
    httpserver.expect_request("/page").respond_with_data(
        "<html>hi</html>", content_type="text/html"
    )
    response = auth_client.post(
        reverse("images:create"), {"title": "Nope", "url": server_url("/page")}
    )
    image = Image.objects.get()
    assert (image.status, image.failure) == ("failed", "That is not an image (text/html)")
    assert response.status_code == 302 and response.url == image.get_absolute_url()
    page = auth_client.get(response.url).content.decode()
    assert "That is not an image (text/html)" in page
    assert ">Retry</button>" in page and ">Remove</button>" in page
    assert (
        "That is not an image (text/html)"
        in auth_client.get(reverse("images:list")).content.decode()
    )
    client.force_login(other_user)
    assert client.get(image.get_absolute_url()).status_code == 404
    assert "Nope" not in client.get(reverse("images:list")).content.decode()
    assert client.get(reverse("images:status", args=[image.id])).status_code == 404


def test_private_address_is_refused_on_the_form(auth_client):
    response = auth_client.post(
        reverse("images:create"), {"title": "Meta", "url": "http://169.254.169.254/latest/"}
    )
    assert response.status_code == 400
    assert "That address is not reachable from here" in response.content.decode()
    assert Image.objects.count() == 0


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "url": "https://x.example/a.png"},
        {"title": "x" * 10_000, "url": "https://x.example/a.png"},
        {"title": "ok", "url": "not a url"},
        {"title": "ok", "url": "ftp://x.example/a.png"},
        {"title": "ok", "url": "https://x.example/" + "a" * 2100},
        {"title": "ok", "url": "https://x.example/a.png", "description": "d" * 6000},
    ],
)
def test_bad_create_input_is_a_form_error(auth_client, data):
    response = auth_client.post(reverse("images:create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert Image.objects.count() == 0


def test_duplicate_bookmark_redirects_to_the_existing_image(auth_client, user):
    existing = make_image(user, url="https://x.example/dup.png")
    response = auth_client.post(
        reverse("images:create"),
        {"title": "Again", "url": "https://x.example/dup.png"},
        follow=True,
    )
    assert response.redirect_chain[0][0] == existing.get_absolute_url()
    assert "You saved this already — here it is." in response.content.decode()
    assert Image.objects.count() == 1
    # Opening the bookmarklet's form again for a saved URL goes there at once.
    response = auth_client.get(reverse("images:create"), {"url": "https://x.example/dup.png"})
    assert response.url == existing.get_absolute_url()


def test_same_url_may_be_saved_by_two_users(client, user, other_user):
    make_image(user, url="https://x.example/shared.png")
    make_image(other_user, url="https://x.example/shared.png")
    assert Image.objects.count() == 2


# --- detail -------------------------------------------------------------------------------


def test_detail_shows_the_image(client, image, redis_client):
    response = client.get(image.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 Firefox/140")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sunset over the bay" in page
    assert image.detail_thumbnail.url in page
    assert '1</strong> <span class="muted">view' in page


def test_detail_with_a_wrong_slug_redirects_to_the_right_one(client, image):
    response = client.get(reverse("images:detail", args=[image.id, "wrong"]))
    assert response.status_code == 301
    assert response.url == image.get_absolute_url()


@pytest.mark.parametrize(
    "path", ["/images/detail/999999/x/", "/images/detail/99999999999999999999/x/"]
)
def test_detail_of_a_missing_image_is_404(client, path):
    assert client.get(path).status_code == 404


def test_unicode_title_gets_a_usable_slug(user, client):
    image = make_image(user, title="日本の夕焼け")
    assert (
        image.slug == "日本の夕焼け"
    )  # its own letters (issue 22; tests/images/test_unicode_slugs.py)
    assert client.get(image.get_absolute_url()).status_code == 200


def test_user_written_text_on_detail_is_escaped(client, user):
    image = make_image(user, title="<script>alert(1)</script>")
    image.description = "<img src=x onerror=alert(1)>"
    image.save()
    page = client.get(image.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x onerror" not in page


# --- likes --------------------------------------------------------------------------------


def test_like_and_unlike_json_contract(auth_client, image, user):
    response = like(auth_client, image.id)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "likes": 1}
    image.refresh_from_db()
    assert list(image.users_like.all()) == [user]
    assert image.total_likes == 1
    assert like(auth_client, image.id).json() == {"status": "ok", "likes": 1}  # idempotent
    assert like(auth_client, image.id, "unlike").json() == {"status": "ok", "likes": 0}
    image.refresh_from_db()
    assert image.total_likes == 0


@pytest.mark.parametrize(
    "data",
    [
        {"id": "", "action": "like"},
        {"id": "abc", "action": "like"},
        {"id": "-1", "action": "like"},
        {"id": "999999", "action": "like"},
        {"id": "99999999999999999999999", "action": "like"},
        {"action": "like"},
        {"id": "IMAGE", "action": "love"},
        {"id": "IMAGE"},
    ],
)
def test_like_bad_input_is_400_json(auth_client, image, data):
    data = {k: (str(image.id) if v == "IMAGE" else v) for k, v in data.items()}
    response = auth_client.post(
        reverse("images:like"), data, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error"
    assert body["message"]
    image.refresh_from_db()
    assert image.total_likes == 0


def test_like_by_get_is_405(auth_client):
    assert auth_client.get(reverse("images:like")).status_code == 405


def test_like_needs_login(client, image):
    response = like(client, image.id)
    assert response.status_code == 401
    assert response.json()["status"] == "error"


def test_like_needs_csrf(user, image):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert like(strict, image.id).status_code == 403
    image.refresh_from_db()
    assert image.total_likes == 0


def test_like_without_js_redirects_back(auth_client, image):
    response = like(auth_client, image.id, ajax=False, next=image.get_absolute_url())
    assert response.status_code == 302
    assert response.url == image.get_absolute_url()
    image.refresh_from_db()
    assert image.total_likes == 1


def test_like_without_js_ignores_an_offsite_next(auth_client, image):
    response = like(auth_client, image.id, ajax=False, next="https://evil.example/")
    assert response.status_code == 302
    assert response.url == "/"


def test_total_likes_follows_every_write_path(image, user, other_user):
    user.images_liked.add(image)
    image.users_like.add(other_user)
    image.refresh_from_db()
    assert image.total_likes == 2
    user.images_liked.clear()
    image.refresh_from_db()
    assert image.total_likes == 1
    image.users_like.clear()
    image.refresh_from_db()
    assert image.total_likes == 0


def test_detail_shows_likers_and_like_state(auth_client, image, user, other_user):
    like(auth_client, image.id)
    page = auth_client.get(image.get_absolute_url()).content.decode()
    assert 'value="unlike"' in page
    assert f'title="{user.display_name}"' in page


# --- list ---------------------------------------------------------------------------------


def test_list_is_newest_first_8_a_page_with_infinite_scroll(client, user):
    images = [make_image(user, title=f"Picture {n}") for n in range(10)]
    first = client.get(reverse("images:list"))
    assert first.status_code == 200
    assert [i.id for i in first.context["page"].object_list] == [i.id for i in images[::-1][:8]]
    assert 'data-next-page="2"' in first.content.decode()

    more = client.get(reverse("images:list"), {"page": 2, "images_only": 1})
    assert more.status_code == 200
    html = more.content.decode()
    assert "Picture 1" in html and "Picture 0" in html and "Picture 2" not in html
    assert "<html" not in html

    past_end = client.get(reverse("images:list"), {"page": 3, "images_only": 1})
    assert past_end.status_code == 200
    assert past_end.content.strip() == b""


@pytest.mark.parametrize(
    ("page", "status"), [("abc", 200), ("-5", 404), ("0", 404), ("999999999999999999999", 404)]
)
def test_list_with_odd_page_numbers_is_page_one_or_no_such_page(client, user, page, status):
    make_image(user)
    response = client.get(reverse("images:list"), {"page": page})
    assert response.status_code == status


def test_empty_list_says_so(client, db):
    response = client.get(reverse("images:list"))
    assert "Nobody has bookmarked an image yet" in response.content.decode()


# --- deleting -----------------------------------------------------------------------------


def test_deleting_an_image_removes_its_files(user, django_capture_on_commit_callbacks):
    image = make_image(user)
    storage = image.image.storage
    names = [image.image.name] + [t["name"] for t in image.thumbnails.values()]
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not any(storage.exists(name) for name in names)


def test_json_error_body_is_json(auth_client):
    response = auth_client.post(reverse("images:like"), {"id": "x"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert json.loads(response.content)["status"] == "error"


# --- like rate limit ----------------------------------------------------------------------


@pytest.fixture
def two_likes_a_minute(settings, redis_client):
    settings.RATE_LIMITS = {"like": (2, 60)}


@pytest.mark.parametrize("ajax", [True, False])
def test_likes_past_the_limit_are_429_and_change_nothing(
    two_likes_a_minute, auth_client, user, other_user, ajax
):
    from actions.models import Action

    first, second, third = (make_image(other_user, title=t) for t in ("One", "Two", "Three"))
    assert like(auth_client, first.id).status_code == 200
    assert like(auth_client, second.id, "unlike").status_code == 200  # unliking counts too
    actions_before = Action.objects.count()

    response = like(auth_client, third.id, ajax=ajax, next=third.get_absolute_url())

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    if ajax:
        assert response.json()["status"] == "error"
        message = response.json()["message"]
    else:
        message = response.content.decode()
        assert 'href="' + third.get_absolute_url() + '"' in message  # a way back
    assert "Too many attempts. Please try again in" in message
    third.refresh_from_db()
    assert third.total_likes == 0
    assert not third.users_like.exists()
    assert Action.objects.count() == actions_before


def test_the_like_limit_is_per_person(two_likes_a_minute, auth_client, user, other_user):
    image = make_image(user)
    for action in ("like", "unlike"):
        like(auth_client, image.id, action)
    assert like(auth_client, image.id).status_code == 429
    auth_client.force_login(other_user)
    assert like(auth_client, image.id).json() == {"status": "ok", "likes": 1}


def test_likers_are_drawn_with_their_avatar_link_and_escaped_name(auth_client, user):
    image = make_image(user)
    liker = make_user("liker", first_name='<b>"Q"</b>')
    image.users_like.add(liker)
    page = auth_client.get(image.get_absolute_url()).content.decode()
    assert (
        f'<li data-liker="{liker.pk}"><a href="{liker.get_absolute_url()}" '
        'title="&lt;b&gt;&quot;Q&quot;&lt;/b&gt;">'
        '<span class="avatar-initial avatar-36" aria-hidden="true">&lt;</span>'
        '<span class="sr-only">&lt;b&gt;&quot;Q&quot;&lt;/b&gt;</span></a></li>'
    ) in page
    assert '<b>"Q"' not in page


def test_an_ordinary_login_says_nothing_about_images(client):
    assert "image you picked" not in client.get(reverse("login")).content.decode()


def test_the_page_an_image_came_from_is_kept_and_shown_as_its_source(
    auth_client, user, httpserver, server_url, allow_loopback_fetch
):
    httpserver.expect_request("/photo.jpg").respond_with_data(
        make_image_bytes("JPEG", (800, 600)), content_type="image/jpeg"
    )
    url, page_url = server_url("/photo.jpg"), "https://blog.example/2026/harbour?x=1&y=2"
    form = auth_client.get(reverse("images:create"), {"url": url, "page": page_url})
    assert 'name="page_url" value="https://blog.example/2026/harbour?x=1&amp;y=2"' in (
        form.content.decode()
    )
    response = auth_client.post(
        reverse("images:create"), {"title": "Harbour", "url": url, "page_url": page_url}
    )
    image = Image.objects.get()
    assert (image.url, image.page_url, image.source_url) == (url, page_url, page_url)
    detail = auth_client.get(response.url).content.decode()
    assert 'href="https://blog.example/2026/harbour?x=1&amp;y=2"' in detail
    assert "Source: https://blog.example/2026/harbour" in detail
    assert f'href="{url}"' in detail  # the image file, too


@pytest.mark.parametrize(
    "page_url", ["javascript:alert(1)", "ftp://x.example/", "https://x.example/" + "a" * 2100]
)
def test_a_bad_page_address_is_a_form_error(auth_client, page_url):
    response = auth_client.post(
        reverse("images:create"),
        {"title": "ok", "url": "https://x.example/a.png", "page_url": page_url},
    )
    assert response.status_code == 400
    assert "page_url" in response.context["form"].errors
    assert Image.objects.count() == 0


def test_an_upload_has_no_source_link(client, user):
    image = make_image(user)
    Image.objects.filter(pk=image.pk).update(url="")
    assert "Source:" not in client.get(image.get_absolute_url()).content.decode()


def test_the_admin_image_list_shows_thumbnails(client, user):
    image = make_image(user, title="In the admin")
    admin_user = make_user("root")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    listing = client.get(reverse("admin:images_image_changelist")).content.decode()
    assert f'<img src="{image.list_thumbnail.url}"' in listing
    change = client.get(reverse("admin:images_image_change", args=[image.pk])).content.decode()
    assert f'<img src="{image.detail_thumbnail.url}"' in change
