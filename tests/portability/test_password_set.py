"""Set a first password, for people who joined with Google or Facebook only."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.account.test_social import google, google_login, google_user  # noqa: F401

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW = "a-brand-new-password-42"


def social_person(client):
    google_login(client, google_user())
    return User.objects.get(email="new.person@example.com")


def test_the_profile_page_offers_it_only_without_a_password(google, user):  # noqa: F811
    url = reverse("portability:password_set")
    with_password = Client()
    with_password.force_login(user)
    assert url not in with_password.get(reverse("edit")).content.decode()
    client = Client()
    social_person(client)
    assert url in client.get(reverse("edit")).content.decode()


def test_a_social_only_person_sets_a_password_after_logging_in_again(client, google):  # noqa: F811
    person = social_person(client)
    page = client.get(reverse("portability:password_set"))
    assert "Log in again with Google" in page.content.decode()
    data = {"new_password1": NEW, "new_password2": NEW}
    assert client.post(reverse("portability:password_set"), data).status_code == 403
    person.refresh_from_db()
    assert not person.has_usable_password()

    client.logout()
    google_login(client, google_user(), next_url=reverse("portability:password_set"))
    form = client.get(reverse("portability:password_set")).content.decode()
    assert 'name="new_password1"' in form
    response = client.post(reverse("portability:password_set"), data)
    assert response.status_code == 302 and response["Location"] == reverse("edit")
    person.refresh_from_db()
    assert person.check_password(NEW)
    assert client.get(reverse("edit")).status_code == 200  # still logged in
    fresh = Client()
    login = fresh.post(reverse("login"), {"username": person.username, "password": NEW})
    assert login.status_code == 302 and fresh.get(reverse("edit")).status_code == 200


def test_mismatched_or_weak_passwords_are_refused_with_reasons(client, google):  # noqa: F811
    social_person(client)
    client.logout()
    google_login(client, google_user())
    url = reverse("portability:password_set")
    response = client.post(url, {"new_password1": NEW, "new_password2": NEW + "x"})
    assert response.status_code == 400
    assert "didn’t match" in response.content.decode()
    response = client.post(url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not User.objects.get(email="new.person@example.com").has_usable_password()


def test_someone_with_a_password_is_sent_to_change_it(auth_client):
    response = auth_client.get(reverse("portability:password_set"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


def test_password_set_needs_csrf(google):  # noqa: F811
    strict = Client(enforce_csrf_checks=True)
    person = User.objects.create_user("socialite")
    strict.force_login(person)
    response = strict.post(
        reverse("portability:password_set"), {"new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 403
