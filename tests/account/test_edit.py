import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse
from PIL import Image as PILImage

from account.models import Profile
from tests.factories import png_bytes
from tests.images.imagedata import (
    PeakMemory,
    make_gif_bomb,
    make_image_bytes,
    make_png_bomb,
    make_truncated_jpeg,
)

NOT_AN_IMAGE = "That is not a JPEG, PNG, GIF, WebP, HEIC or AVIF image"

pytestmark = pytest.mark.django_db


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def edit(client, **extra):
    data = {"first_name": "Alice", "last_name": "Liddell", "email": "alice@example.com"}
    data.update(extra)
    return client.post(reverse("edit"), data)


def test_edit_page_renders(auth_client):
    response = auth_client.get(reverse("edit"))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_edit_stores_a_real_png_photo(auth_client, user):
    photo = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    response = edit(auth_client, photo=photo, date_of_birth="1990-05-17")
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert profile.photo.name.endswith(".png")
    assert str(profile.date_of_birth) == "1990-05-17"
    with profile.photo.open("rb") as stored, PILImage.open(stored) as img:
        assert img.size == (120, 80)
    user.refresh_from_db()
    assert user.last_name == "Liddell"
    messages = [str(m) for m in auth_client.get(reverse("edit")).context["messages"]]
    assert "Your profile was updated." in messages


def test_text_file_renamed_jpg_is_a_form_error_and_old_photo_is_kept(auth_client, user):
    edit(auth_client, photo=SimpleUploadedFile("me.png", png_bytes(), content_type="image/png"))
    old_name = Profile.objects.get(user=user).photo.name
    fake = SimpleUploadedFile("cat.jpg", b"just some text, honest", content_type="image/jpeg")
    response = edit(auth_client, photo=fake, last_name="Changed")
    assert response.status_code == 400
    assert "photo" in response.context["profile_form"].errors
    assert Profile.objects.get(user=user).photo.name == old_name
    user.refresh_from_db()
    assert user.last_name == "Liddell"  # nothing of the refused submission was saved


def test_photo_over_5_mb_is_refused(auth_client, user, settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 1000
    photo = SimpleUploadedFile("big.png", png_bytes((400, 400)), content_type="image/png")
    response = edit(auth_client, photo=photo)
    assert response.status_code == 400
    assert "or smaller" in " ".join(response.context["profile_form"].errors["photo"])
    assert not Profile.objects.get(user=user).photo


def test_email_posted_to_the_profile_form_changes_nothing(auth_client, user, other_user):
    # The address changes only through the e-mail page (password + confirmation link).
    response = edit(auth_client, email="someone-else@example.com")
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("alice@example.com", "")


def test_edit_creates_a_missing_profile(client, django_user_model):
    # Users made outside our services (e.g. createsuperuser) get their profile on first edit.
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456789")
    client.force_login(admin)
    assert client.get(reverse("edit")).status_code == 200
    assert Profile.objects.filter(user=admin).count() == 1


def test_admin_created_user_gets_a_profile(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456789")
    client.force_login(admin)
    response = client.post(
        reverse("admin:account_user_add"),
        {
            "username": "eve",
            "password1": "xyzzy-Plugh-42",
            "password2": "xyzzy-Plugh-42",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Profile.objects.filter(user__username="eve").count() == 1


# --- photos get the checks of every image (security review, items 2, 7 and 9) ------------------

MB = 1024 * 1024


def photo_upload(content: bytes, name: str, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_photo_gets_its_extension_from_its_content(auth_client, user):
    gif = make_image_bytes("GIF", (120, 80))
    for name in ("me.pdf", "me.ps", "me.tif", "me"):
        response = edit(auth_client, photo=photo_upload(gif, name))
        assert response.status_code == 302, name
        profile = Profile.objects.get(user=user)
        assert profile.photo.name.endswith(".gif"), (name, profile.photo.name)
        assert profile.photo_thumbnails["avatar"]["name"].endswith(".png")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (make_image_bytes("TIFF", (120, 80)), NOT_AN_IMAGE),
        (make_image_bytes("BMP", (120, 80)), NOT_AN_IMAGE),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            NOT_AN_IMAGE,
        ),
        (make_truncated_jpeg(), "The image is damaged or incomplete"),
    ],
    ids=["tiff", "bmp", "svg", "truncated"],
)
def test_photo_that_is_not_jpeg_png_gif_or_webp_is_refused(auth_client, user, content, message):
    response = edit(auth_client, photo=photo_upload(content, "me.png"))
    assert response.status_code == 400
    assert response.context["profile_form"].errors["photo"] == [message]
    assert not Profile.objects.get(user=user).photo


def test_photo_with_too_many_pixels_is_refused_from_its_header(auth_client, user, settings):
    settings.IMAGE_MAX_PIXELS = 4_000_000
    # 108 bytes, 3000×3000 × 3 frames (the review's was 9000×9000: 16 s and 2.9 GB).
    bomb = make_gif_bomb(3000, 3000, frames=3)
    with PeakMemory() as memory:
        response = edit(auth_client, photo=photo_upload(bomb, "me.gif"))
    assert response.status_code == 400
    assert response.context["profile_form"].errors["photo"] == [
        "The image is too large (3000×3000 pixels)"
    ]
    assert memory.grown < 20 * MB
    assert not Profile.objects.get(user=user).photo


def test_pillow_guard_is_at_our_cap_and_its_warning_is_an_error(tmp_path):
    # In a fresh process as the site starts (pytest manages warning filters in its own).
    bomb = tmp_path / "just-over.png"
    bomb.write_bytes(make_png_bomb(8000, 5001))  # 40.008 MP: Pillow only warns by default
    script = (
        "import django; django.setup()\n"
        "from PIL import Image\n"
        "print(Image.MAX_IMAGE_PIXELS)\n"
        "try:\n"
        "    Image.open(sys.argv[1])\n"
        "except Image.DecompressionBombWarning:\n"
        "    print('refused')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bookmarks.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import sys\n" + script, str(bomb)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["40000000", "refused"]


def test_png_photo_bomb_is_refused(auth_client, user, settings):
    bomb = make_png_bomb(12_000, 12_000)  # ~15 kB (the review's 17.5 kB PNG took 771 MB)
    with PeakMemory() as memory:
        response = edit(auth_client, photo=photo_upload(bomb, "me.png"))
    assert response.status_code == 400
    assert response.context["profile_form"].errors["photo"] == [
        "The image is too large (over 40,000,000 pixels)"
    ]
    assert memory.grown < 20 * MB
    assert stored_files(settings) == []


def test_animated_photo_is_thumbnailed_from_its_first_frame_outside_the_worker(auth_client, user):
    bomb = make_gif_bomb(3000, 3000, frames=3)  # accepted: 27 MP in all
    with PeakMemory() as memory:
        response = edit(auth_client, photo=photo_upload(bomb, "me.gif"))
    assert response.status_code == 302
    assert memory.grown < 40 * MB  # before: every frame resized here (+300 MB)
    avatar = Profile.objects.get(user=user).photo_thumbnails["avatar"]
    assert (avatar["width"], avatar["height"]) == (96, 96)


def test_replacing_a_photo_removes_the_old_files_and_keeps_the_new(
    auth_client, user, settings, django_capture_on_commit_callbacks
):
    edit(auth_client, photo=photo_upload(png_bytes(), "one.png"))
    first = Profile.objects.get(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        edit(auth_client, photo=photo_upload(make_image_bytes("JPEG", (200, 200)), "two.png"))
    second = Profile.objects.get(user=user)
    assert second.photo.name.endswith(".jpg")
    names = {p.relative_to(settings.MEDIA_ROOT).as_posix() for p in stored_files(settings)}
    assert names == {second.photo.name, second.photo_thumbnails["avatar"]["name"]}
    assert first.photo.name not in names


def test_clearing_the_photo_removes_its_files(
    auth_client, user, settings, django_capture_on_commit_callbacks
):
    edit(auth_client, photo=photo_upload(png_bytes(), "one.png"))
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(auth_client, **{"photo-clear": "on"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=user)
    assert not profile.photo and profile.photo_thumbnails == {}
    assert stored_files(settings) == []


def test_database_failure_leaves_no_new_photo_file(auth_client, user, settings):
    def refuse_profile_update(execute, sql, params, many, context):
        if sql.startswith('UPDATE "account_profile"'):
            raise OperationalError("database is gone for a moment")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_profile_update), pytest.raises(OperationalError):
        edit(auth_client, photo=photo_upload(png_bytes(), "me.png"))
    assert stored_files(settings) == []
    assert not Profile.objects.get(user=user).photo


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_avatar_is_made(auth_client, monkeypatch):
    work = []
    real_resize, real_fork = PILImage.Image.resize, os.fork

    def resize(self, *args, **kwargs):
        work.append(("resize in the worker", connection.in_atomic_block))
        return real_resize(self, *args, **kwargs)

    def fork():
        work.append(("fork a contained child", connection.in_atomic_block))
        return real_fork()

    monkeypatch.setattr(PILImage.Image, "resize", resize)
    monkeypatch.setattr(os, "fork", fork)
    response = edit(auth_client, photo=photo_upload(make_gif_bomb(1500, 1500, 5), "me.gif"))
    assert response.status_code == 302
    assert work, "no image work seen at all"
    assert [step for step in work if step[1]] == []


def test_the_photo_field_shows_the_current_photo_not_its_path(auth_client, user):
    edit(auth_client, photo=SimpleUploadedFile("me.png", png_bytes(), content_type="image/png"))
    photo = Profile.objects.get(user=user).photo
    page = auth_client.get(reverse("edit")).content.decode()
    assert f'<img class="avatar avatar-72" src="{photo.url}" alt="Your current photo"' in page
    assert "Remove this photo" in page
    assert f">{photo.name}</a>" not in page  # Django's "Currently: <path>"
    # The box still clears it.
    response = auth_client.post(
        reverse("edit"), {"first_name": user.first_name, "photo-clear": "on"}
    )
    assert response.status_code == 302
    assert not Profile.objects.get(user=user).photo
