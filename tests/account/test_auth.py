import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, make_user

User = get_user_model()
pytestmark = pytest.mark.django_db


def logged_in_user(client):
    return client.get(reverse("dashboard")).wsgi_request.user


def log_in(client, username, password) -> bool:
    """Log in through the real login form (as a person would; django-axes watches it)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


@pytest.mark.parametrize("login_name", ["alice", "alice@example.com", "ALICE@Example.COM"])
def test_login_by_username_or_email_in_any_case(client, user, login_name):
    response = client.post(reverse("login"), {"username": login_name, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert logged_in_user(client) == user


def test_wrong_password_is_a_form_error_not_a_500(client, user):
    response = client.post(reverse("login"), {"username": "alice@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_inactive_user_cannot_log_in_by_email(client, user):
    user.is_active = False
    user.save()
    response = client.post(
        reverse("login"), {"username": "alice@example.com", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert not logged_in_user(client).is_authenticated


def test_login_honours_a_same_site_next(client, user):
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": PASSWORD, "next": "/account/edit/"},
    )
    assert response.url == "/account/edit/"


@pytest.mark.parametrize(
    "evil",
    ["https://evil.example/", "//evil.example/x", "http:\\\\evil.example", "javascript:alert(1)"],
)
def test_login_ignores_an_offsite_next(client, user, evil):
    page = client.get(reverse("login"), {"next": evil})
    assert evil not in page.content.decode()
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": evil}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_logout_by_get_does_not_log_out(auth_client, user):
    response = auth_client.get(reverse("logout"))
    assert response.status_code == 405
    assert logged_in_user(auth_client) == user


def test_logout_by_post_logs_out_and_says_so(auth_client):
    response = auth_client.post(reverse("logout"))
    assert response.status_code == 200
    assert "You are logged out" in response.content.decode()
    assert not logged_in_user(auth_client).is_authenticated


def test_dashboard_requires_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/account/"


def test_password_reset_mail_link_sets_a_new_password(client, user):
    response = client.post(reverse("password_reset"), {"email": "ALICE@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/reset/\S+/)", mail.outbox[0].body).group(1)

    confirm = client.get(link, follow=True)
    assert confirm.status_code == 200
    assert "Set a new password" in confirm.content.decode()
    form_url = confirm.redirect_chain[-1][0]
    done = client.post(
        form_url, {"new_password1": "a-brand-new-Passw0rd", "new_password2": "a-brand-new-Passw0rd"}
    )
    assert done.status_code == 302
    client.logout()
    assert log_in(client, "alice", "a-brand-new-Passw0rd")
    client.logout()
    assert not log_in(client, "alice", PASSWORD)


def test_password_reset_for_unknown_address_sends_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change(auth_client):
    response = auth_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-Str0ng-secret",
            "new_password2": "another-Str0ng-secret",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")


def test_email_backend_with_two_users_differing_only_by_blank_email(client, db):
    # Blank e-mails (e.g. social accounts without one) do not collide with each other.
    User.objects.create_user("nomail1", password=PASSWORD)
    User.objects.create_user("nomail2", password=PASSWORD)
    assert log_in(client, "nomail2", PASSWORD)


def test_registered_user_can_log_in_with_email_after_logout(client, db):
    make_user("carol", email="Carol@Example.com")
    assert log_in(client, "carol@example.com", PASSWORD)


def test_login_is_throttled_after_too_many_wrong_passwords(client, user, settings):
    import time_machine
    from django.utils import timezone

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
            response = client.post(reverse("login"), {"username": "alice", "password": "bad"})
            assert response.status_code == 200
        locked = client.post(reverse("login"), {"username": "alice", "password": "bad"})
        assert locked.status_code == 429
        assert "Too many failed logins" in locked.content.decode()
        # Even the right password is refused while the pause lasts, with the same message.
        right = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
        assert right.status_code == 429
        assert not logged_in_user(client).is_authenticated
    later = start + timezone.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES, seconds=5)
    with time_machine.travel(later, tick=False):
        assert log_in(client, "alice@example.com", PASSWORD)
