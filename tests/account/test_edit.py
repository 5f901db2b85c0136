import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from account.models import Profile
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


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
