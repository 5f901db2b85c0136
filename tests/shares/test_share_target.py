"""The share target: what a phone's share sheet POSTs (multipart, no CSRF token) to /share/.

The phone's browser sends it with the person's cookies but without our CSRF token, so every
client here enforces CSRF as a browser would: the share itself is accepted, nothing is made
until the confirmation form (with its token) is posted.
"""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image as PILImage

from account.models import Profile
from boards.services import create_board
from images.models import Image
from shares.models import SharedPhoto
from tests.factories import PASSWORD, make_user, png_bytes


@pytest.fixture
def phone(user):
    """Alice's phone: logged in, and checking CSRF like a real browser."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def stranger(db):
    return Client(enforce_csrf_checks=True)


def photo(name="IMG_2041.png", content=None):
    return SimpleUploadedFile(name, content or png_bytes((320, 240)), content_type="image/png")


def share(client, **fields):
    """POST as Android's share sheet does: multipart, every field present, maybe empty."""
    data = {"title": "", "text": "", "url": "", **fields}
    return client.post("/share/", data)  # multipart/form-data is the test client's default


def csrf_post(client, url, data):
    token = client.cookies["csrftoken"].value
    return client.post(url, {"csrfmiddlewaretoken": token, **data})


def test_sharing_a_page_lands_on_the_prefilled_bookmark_form(phone):
    response = share(phone, title="Lighthouses", url="https://photos.example/lighthouse")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/images/create/"
    assert parse_qs(target.query) == {
        "url": ["https://photos.example/lighthouse"],
        "page": ["https://photos.example/lighthouse"],
        "title": ["Lighthouses"],
    }
    form = phone.get(response["Location"])
    assert form.status_code == 200
    assert form.context["form"].initial["url"] == "https://photos.example/lighthouse"
    assert form.context["form"].initial["page_url"] == "https://photos.example/lighthouse"
    assert form.context["form"].initial["title"] == "Lighthouses"
    assert Image.objects.count() == 0  # nothing is made before the person submits the form


def test_an_address_inside_the_text_is_found(phone):
    # Many apps send the page's address in `text`, after a sentence.
    response = share(phone, text="Look at this: https://photos.example/a/b.jpg?x=1.")
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["url"] == ["https://photos.example/a/b.jpg?x=1"]


def test_a_share_with_nothing_to_bookmark_is_refused(phone):
    response = share(phone, title="Hello", text="just words, javascript:alert(1)")
    assert response.status_code == 400
    assert "Nothing to bookmark" in response.content.decode()


def test_a_logged_out_share_of_a_page_asks_to_log_in_then_opens_the_form(stranger, user):
    response = share(stranger, url="https://photos.example/p")
    assert response.status_code == 302
    login = urlsplit(response["Location"])
    assert login.path == "/account/login/"
    next_url = parse_qs(login.query)["next"][0]
    assert next_url.startswith("/images/create/?")
    stranger.get("/account/login/")
    logged_in = csrf_post(
        stranger,
        "/account/login/?next=" + next_url,
        {"username": "alice", "password": PASSWORD, "next": next_url},
    )
    assert logged_in.status_code == 302
    assert logged_in["Location"] == next_url
    assert stranger.get(next_url).context["form"].initial["url"] == "https://photos.example/p"


def test_sharing_a_photo_creates_the_image_after_the_confirmation(phone, user):
    response = share(phone, image=photo(), text="From the beach https://beach.example/day")
    assert response.status_code == 302
    assert Image.objects.count() == 0  # only staged
    staged = SharedPhoto.objects.get()
    assert staged.user == user
    assert staged.page_url == "https://beach.example/day"
    assert staged.description == "From the beach"
    assert response["Location"] == f"/share/{staged.token}/"

    page = phone.get(response["Location"])
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert f"/share/{staged.token}/photo/" in html
    preview = phone.get(f"/share/{staged.token}/photo/")
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/png"
    assert preview["X-Content-Type-Options"] == "nosniff"

    done = csrf_post(
        phone,
        response["Location"],
        {"title": "Beach day", "description": "From the beach", "alt_text": "Sand and sea"},
    )
    image = Image.objects.get()
    assert done.status_code == 302 and done["Location"] == image.get_absolute_url()
    assert (image.user, image.title, image.alt_text) == (user, "Beach day", "Sand and sea")
    assert image.page_url == "https://beach.example/day"
    assert image.is_ready and image.image.name.endswith(".png") and image.thumbnails
    assert not SharedPhoto.objects.exists()  # the staged copy is gone


def test_the_confirmation_saves_to_the_chosen_board(phone, user):
    board = create_board(owner=user, name="Beaches")
    confirm = share(phone, image=photo())["Location"]
    phone.get(confirm)
    csrf_post(phone, confirm, {"title": "Beach", "board": str(board.pk)})
    assert list(board.entries.values_list("image__title", flat=True)) == ["Beach"]


def test_a_shared_photo_follows_make_my_new_bookmarks_private(phone, user):
    Profile.objects.filter(user=user).update(private_by_default=True)
    confirm = share(phone, image=photo())["Location"]
    phone.get(confirm)
    csrf_post(phone, confirm, {"title": "Only mine"})
    image = Image.objects.get()
    assert image.private and image.image.name.startswith("private/")


def test_the_confirmation_needs_the_csrf_token(phone):
    confirm = share(phone, image=photo())["Location"]
    response = phone.post(confirm, {"title": "Forged"})
    assert response.status_code == 403
    assert Image.objects.count() == 0


def test_a_logged_out_photo_share_is_kept_across_the_login(stranger, user):
    response = share(stranger, image=photo())
    staged = SharedPhoto.objects.get()
    assert staged.user is None
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    assert next_url == f"/share/{staged.token}/"
    stranger.get("/account/login/")
    csrf_post(
        stranger, "/account/login/", {"username": "alice", "password": PASSWORD, "next": next_url}
    )
    assert stranger.get(next_url).status_code == 200
    staged.refresh_from_db()
    assert staged.user == user
    csrf_post(stranger, next_url, {"title": "After login"})
    assert Image.objects.get().title == "After login"


def test_someone_elses_shared_photo_is_not_found(phone, db):
    confirm = share(phone, image=photo())["Location"]
    bob = Client(enforce_csrf_checks=True)
    bob.force_login(make_user("bob"))
    assert bob.get(confirm).status_code == 404
    assert bob.get(confirm + "photo/").status_code == 404
    bob.get("/account/")
    assert csrf_post(bob, confirm, {"title": "Mine now"}).status_code == 404
    assert Image.objects.count() == 0


def test_a_logged_out_share_cannot_be_claimed_from_another_session(stranger, db):
    share(stranger, image=photo())
    staged = SharedPhoto.objects.get()
    bob = Client()
    bob.force_login(make_user("bob"))
    assert bob.get(f"/share/{staged.token}/").status_code == 404
    staged.refresh_from_db()
    assert staged.user is None


def test_a_staged_photo_expires_after_an_hour(phone):
    confirm = share(phone, image=photo())["Location"]
    SharedPhoto.objects.update(created=timezone.now() - timedelta(hours=1, minutes=1))
    assert phone.get(confirm).status_code == 404


def test_a_file_that_is_not_an_image_is_refused_and_not_kept(phone):
    fake = SimpleUploadedFile("x.png", b"<html><script>alert(1)</script>", "image/png")
    response = share(phone, image=fake)
    assert response.status_code == 400
    assert "cannot be bookmarked" in response.content.decode()
    assert not SharedPhoto.objects.exists()


def test_a_photo_over_the_size_cap_is_refused_before_it_is_read(phone, settings):
    settings.IMAGE_MAX_BYTES = 1000
    response = share(phone, image=photo(content=png_bytes((600, 600))))
    assert response.status_code == 400
    assert not SharedPhoto.objects.exists()


def test_staging_is_rate_limited(phone, settings, redis_client):
    settings.RATE_LIMITS = {"share": (2, 600)}
    assert share(phone, image=photo()).status_code == 302
    assert share(phone, image=photo()).status_code == 302
    refused = share(phone, image=photo())
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert SharedPhoto.objects.count() == 2


def test_a_get_of_the_share_target_is_refused(phone):
    assert phone.get("/share/").status_code == 405


def test_the_manifest_names_the_share_target_and_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    target = manifest["share_target"]
    assert target["action"] == "/share/" and target["method"] == "POST"
    assert target["enctype"] == "multipart/form-data"
    assert target["params"]["url"] == "url" and target["params"]["text"] == "text"
    assert target["params"]["files"][0]["name"] == "image"
    assert "image/*" in target["params"]["files"][0]["accept"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        with PILImage.open(path) as png:
            assert f"{png.width}x{png.height}" == icon["sizes"] and png.format == "PNG"
    assert client.get("/account/login/").content.decode().count('rel="manifest"') == 1


def test_the_service_worker_and_offline_page_name_nobody(auth_client):
    worker = auth_client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    assert "/offline/" in worker.content.decode()
    offline = auth_client.get("/offline/")
    assert offline.status_code == 200
    assert "Alice" not in offline.content.decode() and "alice" not in offline.content.decode()
