"""E-mail addresses: confirmation links, changing the address, and the mails' limits and URLs
(review items 4, 13, 14 and 15)."""

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, make_user

User = get_user_model()
SALT = "account.email-confirmation"  # account.confirmation.SALT (imported in the tests, so
# that each test of this file fails on its own against the code before confirmation existed)
pytestmark = pytest.mark.django_db

REGISTRATION = {
    "username": "dora",
    "first_name": "Dora",
    "email": "dora@example.com",
    "password": "purple-elephant-42",
    "password2": "purple-elephant-42",
}


def confirmation_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/account/email/confirm/\S+/)", message.body).group(1)


def register(client, **changes):
    return client.post(reverse("register"), {**REGISTRATION, **changes})


# --- item 4: a confirmation link on registration, its state on the profile page ------------


def test_registration_mails_a_link_that_confirms_the_address(client):
    register(client)
    user = User.objects.get(username="dora")
    assert not user.email_confirmed
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dora@example.com"]
    path = confirmation_path(mail.outbox[0])

    page = client.get(path)  # a mail scanner following the link confirms nothing
    assert page.status_code == 200
    assert "Confirm dora@example.com" in page.content.decode()
    user.refresh_from_db()
    assert not user.email_confirmed

    response = client.post(path, follow=True)
    assert response.redirect_chain[-1][0] == reverse("edit")
    user.refresh_from_db()
    assert user.email_confirmed
    assert "Thank you: dora@example.com is confirmed." in [
        str(m) for m in response.context["messages"]
    ]


def test_the_profile_page_shows_the_state_and_resends_the_link(auth_client, user):
    html = auth_client.get(reverse("edit")).content.decode()
    assert "Not confirmed" in html
    assert f'action="{reverse("email_confirm_resend")}"' in html
    response = auth_client.post(reverse("email_confirm_resend"))
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["alice@example.com"]
    auth_client.post(confirmation_path(mail.outbox[-1]))
    html = auth_client.get(reverse("edit")).content.decode()
    assert "Confirmed" in html
    assert "Not confirmed" not in html
    assert f'action="{reverse("email_confirm_resend")}"' not in html


def test_a_confirmation_link_works_from_another_browser(client, user):
    from account.confirmation import make_token

    token = make_token(user=user, email=user.email)
    response = client.post(reverse("email_confirm", args=[token]))
    assert response.status_code == 302
    assert response.url == reverse("login")
    user.refresh_from_db()
    assert user.email_confirmed


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        signing.dumps({"u": 1, "e": "alice@example.com"}, salt="another.purpose"),
        signing.dumps({"u": 1, "e": "alice@example.com"}),  # no salt
        signing.dumps(["not", "a", "dict"], salt=SALT),
    ],
)
def test_forged_or_foreign_tokens_confirm_nothing(client, user, token):
    from account.confirmation import SALT as salt

    assert salt == SALT
    response = client.post(reverse("email_confirm", args=[token]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    user.refresh_from_db()
    assert not user.email_confirmed


def test_an_expired_link_confirms_nothing(client, user):
    from account.confirmation import MAX_AGE, make_token

    token = make_token(user=user, email=user.email)
    with time_machine.travel(timezone.now() + MAX_AGE + timezone.timedelta(minutes=1)):
        response = client.post(reverse("email_confirm", args=[token]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    user.refresh_from_db()
    assert not user.email_confirmed


def test_a_link_for_another_address_confirms_nothing(client, user):
    from account.confirmation import make_token

    token = make_token(user=user, email="someone.else@example.com")
    response = client.post(reverse("email_confirm", args=[token]))
    assert response.status_code == 400
    user.refresh_from_db()
    assert (user.email, user.email_confirmed) == ("alice@example.com", False)


def test_a_password_reset_through_the_mailed_link_confirms_the_address(client, user):
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    link = re.search(r"http://testserver(/account/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "N3w-secret-words", "new_password2": "N3w-secret-words"}
    )
    user.refresh_from_db()
    assert user.email_confirmed


# --- item 14: changing the address asks for the password and waits for the new link -------


def change(client, **data):
    return client.post(reverse("email_change"), data)


def test_changing_the_email_needs_the_current_password(auth_client, user):
    response = change(auth_client, email="new@example.com", password="wrong-password")
    assert response.status_code == 400
    assert "not your current password" in response.content.decode()
    response = change(auth_client, email="new@example.com")
    assert response.status_code == 400
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("alice@example.com", "")
    assert mail.outbox == []


def test_the_new_address_takes_effect_only_once_confirmed(auth_client, user):
    response = change(auth_client, email="New@Example.com", password=PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("alice@example.com", "New@example.com")
    assert mail.outbox[-1].to == ["New@example.com"]
    assert "New@example.com" in auth_client.get(reverse("edit")).content.decode()

    auth_client.post(confirmation_path(mail.outbox[-1]))
    user.refresh_from_db()
    assert (user.email, user.pending_email, user.email_confirmed) == (
        "New@example.com",
        "",
        True,
    )


def test_a_new_address_replaces_a_confirmed_one_only_when_confirmed(auth_client, user):
    User.objects.filter(pk=user.pk).update(email_confirmed=True)
    change(auth_client, email="new@example.com", password=PASSWORD)
    user.refresh_from_db()
    assert (user.email, user.email_confirmed) == ("alice@example.com", True)


def test_an_older_pending_link_is_void_once_another_address_is_asked_for(auth_client, user):
    change(auth_client, email="first@example.com", password=PASSWORD)
    first = confirmation_path(mail.outbox[-1])
    change(auth_client, email="second@example.com", password=PASSWORD)
    assert auth_client.post(first).status_code == 400
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("alice@example.com", "second@example.com")


def test_a_pending_address_taken_meanwhile_is_not_given(auth_client, user):
    change(auth_client, email="wanted@example.com", password=PASSWORD)
    path = confirmation_path(mail.outbox[-1])
    make_user("quick", email="wanted@example.com")
    response = auth_client.post(path)
    assert response.status_code == 400
    assert "Another account uses this e-mail address" in response.content.decode()
    user.refresh_from_db()
    assert user.email == "alice@example.com"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("BOB@example.com", "already exists"),
        ("alice@example.com", "already your e-mail"),
        ("not-an-address", "valid email"),
        ("", "required"),
    ],
)
def test_refused_addresses(auth_client, user, other_user, email, message):
    response = change(auth_client, email=email, password=PASSWORD)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["email"])
    user.refresh_from_db()
    assert user.pending_email == ""


def test_an_address_spelled_like_someones_username_is_refused(auth_client, user):
    User.objects.create_user("carol@example.com", password=PASSWORD)  # an old, odd username
    response = change(auth_client, email="Carol@example.com", password=PASSWORD)
    assert response.status_code == 400


def test_an_account_without_a_password_must_log_in_again_with_its_provider(client, settings):
    settings.SOCIAL_AUTH_GOOGLE_OAUTH2_KEY = "google-client-id"
    settings.SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET = "google-secret"
    social = User.objects.create_user("sol", email="sol@example.com")  # no usable password
    social.social_auth.create(provider="google-oauth2", uid="g-sol")
    client.force_login(social)
    page = client.get(reverse("email_change"))
    assert "First, confirm it" in page.content.decode()
    assert 'action="/social-auth/login/google-oauth2/"' in page.content.decode()
    response = change(client, email="new@example.com")
    assert response.status_code == 403
    social.refresh_from_db()
    assert social.pending_email == ""

    session = client.session
    session["account:reauthenticated_at"] = timezone.now().timestamp()
    session.save()
    assert "password" not in client.get(reverse("email_change")).context["form"].fields
    assert change(client, email="new@example.com").status_code == 302
    social.refresh_from_db()
    assert social.pending_email == "new@example.com"


# --- item 13: limits on mails and sign-ups, 429 with a message -----------------------------


def test_password_reset_mails_to_one_address_are_limited(client, user):
    answers = [
        client.post(
            reverse("password_reset"),
            {"email": "alice@example.com"},
            REMOTE_ADDR=f"203.0.113.{n}",  # from different clients: the address still counts
        ).status_code
        for n in range(10)
    ]
    assert answers == [302] * 3 + [429] * 7
    assert len(mail.outbox) == 3


def test_the_reset_limit_answers_alike_for_unknown_addresses(client, user):
    known = [
        client.post(
            reverse("password_reset"), {"email": "alice@example.com"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
        for n in range(4)
    ]  # noqa: E501
    unknown = [
        client.post(
            reverse("password_reset"),
            {"email": "nobody@example.com"},
            REMOTE_ADDR=f"198.51.100.{n}",
        )
        for n in range(10, 14)
    ]  # noqa: E501
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302] * 3 + [429]

    # Alike but for the CSRF tokens of the page's forms (masked afresh on every page).
    def page(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert page(known[-1]) == page(unknown[-1])
    assert known[-1]["Retry-After"]


def test_password_reset_requests_from_one_client_are_limited(client, user):
    answers = [
        client.post(reverse("password_reset"), {"email": f"n{n}@example.com"}).status_code
        for n in range(7)
    ]
    assert answers == [302] * 5 + [429] * 2
    page = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert page.status_code == 429
    assert "Too many attempts" in page.content.decode()
    assert mail.outbox == []


def test_registrations_from_one_client_are_limited(client):
    for n in range(5):
        assert register(client, username=f"user{n}", email=f"u{n}@example.com").status_code == 302
        client.logout()
    refused = register(client, username="user5", email="u5@example.com")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert not User.objects.filter(username="user5").exists()
    # Another client may still sign up.
    data = {**REGISTRATION, "username": "user6", "email": "u6@example.com"}
    other = client.post(reverse("register"), data, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


def test_confirmation_resends_are_limited(auth_client, user):
    answers = [auth_client.post(reverse("email_confirm_resend")).status_code for _ in range(7)]
    assert answers == [302] * 5 + [429] * 2
    assert len(mail.outbox) == 5


def test_email_changes_count_against_the_confirmation_limit(auth_client, user):
    for n in range(5):
        change(auth_client, email=f"new{n}@example.com", password=PASSWORD)
    response = change(auth_client, email="new9@example.com", password=PASSWORD)
    assert response.status_code == 429
    user.refresh_from_db()
    assert user.pending_email == "new4@example.com"
    assert len(mail.outbox) == 5


# --- item 15: links in mails use SITE_URL ---------------------------------------------------


def test_reset_links_use_site_url(client, user, settings):
    settings.SITE_URL = "https://bookmarks.example.com"
    client.post(reverse("password_reset"), {"email": "alice@example.com"}, HTTP_HOST="127.0.0.1")
    assert "https://bookmarks.example.com/account/reset/" in mail.outbox[0].body
    assert "127.0.0.1" not in mail.outbox[0].body


def test_confirmation_links_use_site_url(auth_client, settings):
    settings.SITE_URL = "https://bookmarks.example.com"
    auth_client.post(reverse("email_confirm_resend"), HTTP_HOST="127.0.0.1")
    assert "https://bookmarks.example.com/account/email/confirm/" in mail.outbox[0].body
    assert "127.0.0.1" not in mail.outbox[0].body


def test_links_use_the_request_host_without_site_url(client, user, settings):
    settings.SITE_URL = ""
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert "http://testserver/account/reset/" in mail.outbox[0].body


# --- a mail server that does not answer ------------------------------------------------------


@pytest.fixture
def mail_server_down(settings):
    """The real SMTP backend, pointed at a closed port on loopback."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def test_registration_without_a_mail_server_still_makes_the_account(client, mail_server_down):
    response = register(client)
    assert response.status_code == 302
    texts = [str(m) for m in client.get(reverse("dashboard")).context["messages"]]
    assert any("could not send the link" in text for text in texts)
    assert User.objects.filter(username="dora", email_confirmed=False).exists()


def test_email_change_without_a_mail_server_changes_nothing(auth_client, user, mail_server_down):
    response = change(auth_client, email="new@example.com", password=PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.pending_email == ""
    texts = [str(m) for m in auth_client.get(reverse("edit")).context["messages"]]
    assert any("was not changed" in text for text in texts)
    assert auth_client.post(reverse("email_confirm_resend")).status_code == 302


# --- CSRF and bad input on the new pages -----------------------------------------------------


def test_the_email_pages_refuse_a_missing_csrf_token(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)
    for path, data in [
        (reverse("email_change"), {"email": "new@example.com", "password": PASSWORD}),
        (reverse("email_confirm_resend"), {}),
        (reverse("email_confirm", args=[token]), {}),
    ]:
        assert client.post(path, data).status_code == 403, path
    user.refresh_from_db()
    assert (user.pending_email, user.email_confirmed) == ("", False)
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path",
    ["/account/email/confirm/%F0%9F%92%A5/", "/account/email/confirm/" + "x" * 3000 + "/",
     "/account/email/confirm/a:b:c/", "/account/email/confirm/.eJwAAA:1:2/"],
)  # fmt: skip
def test_garbage_confirmation_links_are_a_400(client, user, path):
    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400


@pytest.mark.parametrize(
    "data",
    [{"email": "x" * 300 + "@example.com", "password": PASSWORD}, {"email": "\x00@x.y"},
     {"email": "a@b.c", "password": "x" * 10_000}, {}],
)  # fmt: skip
def test_bad_email_change_input_is_a_400(auth_client, user, data):
    assert auth_client.post(reverse("email_change"), data).status_code == 400
    user.refresh_from_db()
    assert user.pending_email == ""


def test_resend_and_change_need_a_login(client):
    assert client.post(reverse("email_confirm_resend")).status_code == 302
    assert client.get(reverse("email_change")).status_code == 302
    assert client.get(reverse("email_confirm_resend")).status_code in (302, 405)


def test_the_admin_shows_the_confirmation_state(client, django_user_model, user):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456789")
    client.force_login(admin)
    page = client.get(reverse("admin:account_user_change", args=[user.pk]))
    assert page.status_code == 200
    assert "E-mail confirmation" in page.content.decode()
