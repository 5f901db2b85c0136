import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from account.models import Profile

User = get_user_model()
pytestmark = pytest.mark.django_db

VALID = {
    "username": "dora",
    "first_name": "Dora",
    "email": "dora@example.com",
    "password": "purple-elephant-42",
    "password2": "purple-elephant-42",
}


def post(client, **changes):
    return client.post(reverse("register"), {**VALID, **changes})


def test_register_creates_user_and_one_profile_and_logs_in(client):
    response = post(client)
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    user = User.objects.get(username="dora")
    assert Profile.objects.filter(user=user).count() == 1
    assert user.check_password("purple-elephant-42")
    assert client.get(reverse("dashboard")).wsgi_request.user == user


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "123", "password2": "123"}, "password", "too short"),
        ({"password": "password", "password2": "password"}, "password", "too common"),
        ({"password2": "something-else-99"}, "password2", "don't match"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": ""}, "email", "required"),
        ({"username": ""}, "username", "required"),
    ],
)
def test_invalid_registration_is_a_form_error_and_creates_nothing(client, changes, field, message):
    response = post(client, **changes)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert User.objects.count() == 0
    assert Profile.objects.count() == 0


def test_duplicate_username_in_other_case_is_refused(client, user):
    response = post(client, username="ALICE")
    assert "username" in response.context["form"].errors
    assert User.objects.count() == 1


def test_duplicate_email_in_other_case_is_refused(client, user):
    response = post(client, email="Alice@EXAMPLE.com")
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].errors["email"])
    assert User.objects.count() == 1
    assert Profile.objects.count() == 1


def test_database_refuses_duplicate_email_in_other_case(user):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("alice2", email="ALICE@example.com")


def test_user_written_text_is_escaped(client):
    post(client, first_name="<script>alert(1)</script>")
    page = client.get(reverse("dashboard")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- usernames never read as anybody's e-mail (review item 16) --------------------------


@pytest.mark.parametrize("username", ["bob@example.com", "BOB@EXAMPLE.COM", "someone@else"])
def test_a_username_that_looks_like_an_email_is_refused(client, other_user, username):
    response = post(client, username=username)
    assert response.status_code == 400
    assert "cannot contain" in " ".join(response.context["form"].errors["username"])
    assert not User.objects.filter(username__iexact=username).exists()


def test_an_email_spelled_like_someones_username_is_refused(client, db):
    User.objects.create_user("carol@example.com", password="x-long-password-1")  # legacy name
    response = post(client, email="Carol@Example.com")
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].errors["email"])


def test_sign_up_shows_the_password_rules_up_front(client, db):
    page = client.get(reverse("register")).content.decode()
    assert "at least 8 characters" in page
    assert "can’t be entirely numeric" in page


def test_a_refused_sign_up_reports_every_error_and_keeps_what_was_typed_but_passwords(client, user):
    response = client.post(
        reverse("register"),
        {
            "username": "alice",  # taken
            "first_name": "Zoë",
            "email": "not-an-address",
            "password": "123",
            "password2": "123",
        },
    )
    form = response.context["form"]
    assert response.status_code == 400
    assert set(form.errors) >= {"username", "email", "password"}
    page = response.content.decode()
    assert 'value="Zoë"' in page and 'value="not-an-address"' in page
    assert 'value="123"' not in page
