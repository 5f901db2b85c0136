"""Log in with Google and Facebook, driven through our URLs with only the providers' HTTP
endpoints faked (token + user info, the URLs social-core 7.0 calls)."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import responses
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse
from social_django.models import UserSocialAuth
from social_django.utils import load_backend, load_strategy

from account.models import Profile
from account.social import SocialAuthExceptionMiddleware
from actions.models import Action, Verb
from tests.factories import make_user

User = get_user_model()
pytestmark = pytest.mark.django_db

GOOGLE_AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URL = "https://accounts.google.com/o/oauth2/token"
GOOGLE_USERINFO_URL = "https://www.googleapis.com/oauth2/v3/userinfo"
FACEBOOK_AUTHORIZE_URL = "https://www.facebook.com/v24.0/dialog/oauth"
FACEBOOK_TOKEN_URL = "https://graph.facebook.com/v24.0/oauth/access_token"
FACEBOOK_ME_URL = "https://graph.facebook.com/v24.0/me"


@pytest.fixture
def google(settings):
    settings.SOCIAL_AUTH_GOOGLE_OAUTH2_KEY = "google-client-id"
    settings.SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET = "google-secret"


@pytest.fixture
def facebook(settings):
    settings.SOCIAL_AUTH_FACEBOOK_KEY = "facebook-app-id"
    settings.SOCIAL_AUTH_FACEBOOK_SECRET = "facebook-secret"


def google_user(sub="g-1001", email="new.person@example.com", verified=True):
    return {
        "sub": sub,
        "email": email,
        "email_verified": verified,
        "name": "New Person",
        "given_name": "New",
        "family_name": "Person",
    }


def begin(client, backend, **data):
    """POST the login button; return the provider URL we were sent to and its query."""
    response = client.post(reverse("social:begin", args=[backend]), data)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    return f"{location.scheme}://{location.netloc}{location.path}", query


def callback(client, backend, **params):
    return client.get(reverse("social:complete", args=[backend]), params, follow=True)


def google_login(client, userinfo, *, next_url=None):
    """The whole round trip; Google's two endpoints answer as in production."""
    _, query = begin(client, "google-oauth2", **({"next": next_url} if next_url else {}))
    with responses.RequestsMock() as provider:
        token = provider.post(
            GOOGLE_TOKEN_URL,
            json={"access_token": "g-token", "token_type": "Bearer", "expires_in": 3599},
        )
        provider.get(GOOGLE_USERINFO_URL, json=userinfo)
        response = callback(client, "google-oauth2", state=query["state"], code="abc")
        assert "code=abc" in token.calls[0].request.body
    return response


def facebook_login(client, me):
    _, query = begin(client, "facebook")
    with responses.RequestsMock() as provider:
        provider.get(
            FACEBOOK_TOKEN_URL,
            json={"access_token": "fb-token", "token_type": "bearer", "expires_in": 5183944},
        )
        provider.get(FACEBOOK_ME_URL, json=me)
        return callback(client, "facebook", state=query["state"], code="abc")


def current_user(client):
    return client.get(reverse("login")).wsgi_request.user


def landed_on(response):
    """The path a followed response finally shows (social-auth may redirect to absolute URLs)."""
    assert response.redirect_chain, "expected a redirect"
    return response.request["PATH_INFO"]


def message_texts(response):
    return [str(message) for message in response.context["messages"]]


def error_texts(response):
    """Error-level messages, shown in red (their tags are exactly "error")."""
    return [str(m) for m in response.context["messages"] if m.tags == "error"]


def assert_on_login_page_with_message(response, *, containing):
    assert response.status_code == 200
    assert landed_on(response) == reverse("login")
    assert any(containing in text for text in error_texts(response)), message_texts(response)


# --- 1 and 2: a new user logs in, and the next time is the same user -----------------------


def test_google_button_redirects_to_google_with_client_id_email_scope_and_state(client, google):
    url, query = begin(client, "google-oauth2")
    assert url == GOOGLE_AUTHORIZE_URL
    assert query["client_id"] == "google-client-id"
    assert "email" in query["scope"].split()
    assert query["state"]
    assert query["redirect_uri"] == "http://testserver/social-auth/complete/google-oauth2/"


def test_login_start_answers_get_with_405(client, google, facebook):
    assert client.get(reverse("social:begin", args=["google-oauth2"])).status_code == 405
    assert client.get(reverse("social:begin", args=["facebook"])).status_code == 405


def test_google_login_creates_a_user_with_a_profile_and_lands_on_dashboard(client, google):
    response = google_login(client, google_user())
    assert landed_on(response) == reverse("dashboard")
    user = current_user(client)
    assert user.is_authenticated
    assert user.email == "new.person@example.com"
    assert (user.first_name, user.last_name) == ("New", "Person")
    assert not user.has_usable_password()
    assert Profile.objects.filter(user=user).exists()
    assert UserSocialAuth.objects.get(user=user).uid == "g-1001"
    assert list(Action.objects.filter(user=user).values_list("verb", flat=True)) == [Verb.JOINED]


def test_second_google_login_is_the_same_user(client, google):
    google_login(client, google_user())
    first = current_user(client)
    client.logout()
    google_login(client, google_user())
    assert current_user(client) == first
    assert User.objects.count() == 1
    assert Action.objects.filter(user=first).count() == 1


def test_facebook_button_redirects_to_facebook_with_app_id_email_scope_and_state(client, facebook):
    url, query = begin(client, "facebook")
    assert url == FACEBOOK_AUTHORIZE_URL
    assert query["client_id"] == "facebook-app-id"
    assert query["scope"].split(",") == ["email"]
    assert query["state"]


def test_facebook_login_creates_a_user_with_a_profile_and_again_is_the_same_user(client, facebook):
    me = {"id": "fb-77", "name": "Fay Book", "email": "fay@example.com"}
    response = facebook_login(client, me)
    assert landed_on(response) == reverse("dashboard")
    user = current_user(client)
    assert user.is_authenticated
    assert (user.email, user.first_name, user.last_name) == ("fay@example.com", "Fay", "Book")
    assert Profile.objects.filter(user=user).exists()
    client.logout()
    facebook_login(client, me)
    assert current_user(client) == user
    assert User.objects.count() == 1


def test_the_social_button_works_with_csrf_checks_on(google):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login")).content.decode()
    form = re.search(
        r'<form method="post" action="(/social-auth/login/google-oauth2/)">.*?'
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        page,
        re.S,
    )
    assert form, page
    response = client.post(form[1], {"csrfmiddlewaretoken": form[2]})
    assert response.status_code == 302
    assert response["Location"].startswith(GOOGLE_AUTHORIZE_URL)


def test_same_site_next_is_kept_through_the_login(client, google):
    response = google_login(client, google_user(), next_url="/account/edit/")
    assert landed_on(response) == reverse("edit")


def test_next_to_another_site_is_dropped(client, google):
    response = google_login(client, google_user(), next_url="https://evil.example.com/")
    assert landed_on(response) == reverse("dashboard")
    assert current_user(client).is_authenticated


# --- 3: failures end on the login page with a message ----------------------------------------


def test_wrong_state_is_refused_with_a_message(client, google):
    begin(client, "google-oauth2")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as provider:
        token = provider.post(GOOGLE_TOKEN_URL, json={"access_token": "g-token"})
        response = callback(client, "google-oauth2", state="not-the-state-we-sent", code="abc")
    assert_on_login_page_with_message(response, containing="Please try again")
    assert token.call_count == 0  # the code is never redeemed
    assert not current_user(client).is_authenticated
    assert not User.objects.exists()


def test_callback_without_state_is_refused_with_a_message(client, google):
    begin(client, "google-oauth2")
    response = callback(client, "google-oauth2", code="abc")
    assert_on_login_page_with_message(response, containing="Please try again")
    assert not current_user(client).is_authenticated


def test_user_who_cancels_at_google_is_back_on_login_page(client, google):
    _, query = begin(client, "google-oauth2")
    response = callback(client, "google-oauth2", state=query["state"], error="access_denied")
    assert_on_login_page_with_message(response, containing="was cancelled")
    assert not current_user(client).is_authenticated


def test_user_who_cancels_at_facebook_is_back_on_login_page(client, facebook):
    _, query = begin(client, "facebook")
    response = callback(client, "facebook", state=query["state"], error="access_denied")
    assert_on_login_page_with_message(response, containing="was cancelled")


@pytest.mark.parametrize("body", [{"json": {"error": "server_error"}}, {"body": "Oops"}])
def test_token_endpoint_answering_500_ends_on_login_page(client, google, body):
    _, query = begin(client, "google-oauth2")
    with responses.RequestsMock() as provider:
        provider.post(GOOGLE_TOKEN_URL, status=500, **body)
        response = callback(client, "google-oauth2", state=query["state"], code="abc")
    assert_on_login_page_with_message(response, containing="Please try again later")
    assert not current_user(client).is_authenticated


def test_unreachable_facebook_ends_on_login_page(client, facebook):
    _, query = begin(client, "facebook")
    with responses.RequestsMock() as provider:
        provider.get(FACEBOOK_TOKEN_URL, body=requests.ConnectionError("no route"))
        response = callback(client, "facebook", state=query["state"], code="abc")
    assert_on_login_page_with_message(response, containing="Please try again later")


def test_raw_requests_error_on_a_social_view_becomes_a_message(google):
    # social-core wraps its own HTTP errors; this is the safety net for any that escape it.
    request = RequestFactory().get("/social-auth/complete/google-oauth2/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.user = AnonymousUser()
    request.social_strategy = load_strategy(request)
    request.backend = load_backend(request.social_strategy, "google-oauth2", redirect_uri=None)
    middleware = SocialAuthExceptionMiddleware(lambda r: None)
    response = middleware.process_exception(request, requests.HTTPError("500 Server Error"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert any("Please try again later" in str(m) for m in get_messages(request))


def test_unconfigured_provider_cannot_be_started(client, settings):
    settings.SOCIAL_AUTH_FACEBOOK_KEY = "facebook-app-id"
    settings.SOCIAL_AUTH_FACEBOOK_SECRET = ""
    response = client.post(reverse("social:begin", args=["facebook"]), follow=True)
    assert_on_login_page_with_message(response, containing="not available")


# --- 4: joining an existing account only on a verified e-mail -----------------------------


@pytest.fixture
def local_x(db):
    return make_user("x", email="x@example.com")


def test_verified_google_email_logs_into_the_existing_account_with_a_confirmed_email(
    client, google, local_x
):
    User.objects.filter(pk=local_x.pk).update(email_confirmed=True)
    google_login(client, google_user(email="X@example.com", verified=True))
    assert current_user(client) == local_x
    assert UserSocialAuth.objects.get(provider="google-oauth2").user == local_x
    assert User.objects.count() == 1


def test_verified_google_email_never_joins_an_unconfirmed_account(client, google, local_x):
    # The pre-account hijack: anyone may register someone's address with a password of theirs.
    # Google then vouches for the real owner, but our side never saw the owner confirm.
    response = google_login(client, google_user(email="X@example.com", verified=True))
    assert_on_login_page_with_message(response, containing="never confirmed")
    assert any("connect Google on your profile page" in t for t in error_texts(response))
    assert not current_user(client).is_authenticated
    assert not UserSocialAuth.objects.exists()
    assert User.objects.count() == 1  # and no second account with the address either


def test_after_logging_in_the_owner_connects_google_and_the_address_is_confirmed(
    auth_client, google, user
):
    response = google_login(
        auth_client, google_user(email="alice@example.com"), next_url=reverse("edit")
    )
    assert landed_on(response) == reverse("edit")
    assert UserSocialAuth.objects.get(provider="google-oauth2").user == user
    user.refresh_from_db()
    assert user.email_confirmed  # Google vouched for the address of the logged-in account


def test_a_new_google_account_has_its_verified_address_confirmed(client, google):
    google_login(client, google_user(email="fresh@example.com", verified=True))
    assert current_user(client).email_confirmed
    client.logout()
    google_login(client, google_user(sub="g-2", email="shaky@example.com", verified=False))
    assert not current_user(client).email_confirmed


def test_a_login_through_an_existing_association_counts_as_a_fresh_proof(client, google):
    google_login(client, google_user())  # a new account: its association is new too
    assert "account:reauthenticated_at" not in client.session
    client.logout()
    google_login(client, google_user())
    assert "account:reauthenticated_at" in client.session


def test_unverified_google_email_makes_a_new_account_without_that_email(client, google, local_x):
    response = google_login(client, google_user(email="X@example.com", verified=False))
    assert landed_on(response) == reverse("dashboard")
    newcomer = current_user(client)
    assert newcomer.is_authenticated
    assert newcomer != local_x
    assert newcomer.email == ""  # the address belongs to x, who did not prove anything here
    assert newcomer.username.lower() != "x"  # "X" from the e-mail is taken in another case
    assert Profile.objects.filter(user=newcomer).exists()
    local_x.refresh_from_db()
    assert not local_x.social_auth.exists()


def test_unverified_free_google_email_is_kept_on_the_new_account(client, google):
    google_login(client, google_user(email="solo@example.com", verified=False))
    assert current_user(client).email == "solo@example.com"


def test_facebook_email_never_joins_an_existing_account(client, facebook, local_x):
    facebook_login(client, {"id": "fb-1", "name": "X Person", "email": "x@example.com"})
    newcomer = current_user(client)
    assert newcomer.is_authenticated
    assert newcomer != local_x
    assert newcomer.email == ""


# --- usernames never read as anybody's e-mail (review item 16) --------------------------


def test_a_social_username_never_looks_like_an_email(client, facebook, other_user):
    me = {"id": "fb-9", "name": "Fay", "email": "fay@example.com", "username": "bob@example.com"}
    facebook_login(client, me)
    newcomer = current_user(client)
    assert newcomer.is_authenticated
    assert "@" not in newcomer.username
    assert not User.objects.filter(email__iexact=newcomer.username).exists()


def test_a_social_username_is_never_someone_elses_address(client, facebook, db):
    make_user("plain", email="plain@example.com")
    User.objects.create_user("oddname", email="")  # nobody may get a name equal to an address
    User.objects.filter(username="oddname").update(email="taken")  # a legacy, odd e-mail
    facebook_login(client, {"id": "fb-10", "name": "T", "username": "taken"})
    assert current_user(client).username.lower() != "taken"


# --- 5: buttons only for configured providers ------------------------------------------------


@pytest.mark.parametrize("page", ["login", "register"])
def test_no_social_buttons_without_keys(client, page):
    html = client.get(reverse(page)).content.decode()
    assert "/social-auth/login/" not in html
    assert "Log in with" not in html


@pytest.mark.parametrize("page", ["login", "register"])
def test_google_button_only_when_google_is_configured(client, google, settings, page):
    settings.SOCIAL_AUTH_FACEBOOK_KEY = "facebook-app-id"  # a key without its secret is not enough
    html = client.get(reverse(page)).content.decode()
    assert 'action="/social-auth/login/google-oauth2/"' in html
    assert "Log in with Google" in html
    assert "/social-auth/login/facebook/" not in html


@pytest.mark.parametrize("page", ["login", "register"])
def test_facebook_button_only_when_facebook_is_configured(client, facebook, page):
    html = client.get(reverse(page)).content.decode()
    assert 'action="/social-auth/login/facebook/"' in html
    assert "Log in with Facebook" in html
    assert "/social-auth/login/google-oauth2/" not in html


def test_social_buttons_carry_only_a_same_site_next(client, google):
    html = client.get(reverse("login"), {"next": "/account/edit/"}).content.decode()
    assert 'name="next" value="/account/edit/"' in html.split("/social-auth/login/")[1]
    html = client.get(reverse("login"), {"next": "https://evil.example.com/"}).content.decode()
    assert "evil.example.com" not in html


# --- 6: connected accounts on the profile page ---------------------------------------------


def test_edit_page_offers_to_connect_a_configured_provider(auth_client, google):
    html = auth_client.get(reverse("edit")).content.decode()
    assert "Connected accounts" in html
    assert 'action="/social-auth/login/google-oauth2/"' in html
    assert "/social-auth/login/facebook/" not in html


def test_connecting_google_from_the_edit_page(auth_client, google, user):
    response = google_login(auth_client, google_user(), next_url=reverse("edit"))
    assert landed_on(response) == reverse("edit")
    assert UserSocialAuth.objects.get(provider="google-oauth2").user == user
    assert "Your Google account is now connected." in message_texts(response)


def test_connecting_a_google_account_that_belongs_to_someone_else_is_refused(
    auth_client, google, user
):
    google_login(Client(), google_user(sub="g-taken"))  # someone else signs up with it
    response = google_login(auth_client, google_user(sub="g-taken"), next_url=reverse("edit"))
    assert response.status_code == 200
    assert landed_on(response) == reverse("edit")
    assert any("already connected to another" in text for text in error_texts(response))
    assert not user.social_auth.exists()


def test_disconnect_when_the_user_has_a_password(auth_client, google, user):
    association = UserSocialAuth.objects.create(user=user, provider="google-oauth2", uid="g-5")
    html = auth_client.get(reverse("edit")).content.decode()
    url = reverse("social:disconnect_individual", args=["google-oauth2", association.id])
    assert f'action="{url}"' in html
    response = auth_client.post(url, {"next": reverse("edit")}, follow=True)
    assert landed_on(response) == reverse("edit")
    assert not UserSocialAuth.objects.filter(id=association.id).exists()
    assert "Google is no longer connected to your account." in message_texts(response)


def test_disconnect_of_the_only_way_to_log_in_is_refused(client, google):
    google_login(client, google_user())
    user = current_user(client)
    association = user.social_auth.get()
    url = reverse("social:disconnect_individual", args=["google-oauth2", association.id])
    html = client.get(reverse("edit")).content.decode()
    assert f'action="{url}"' not in html
    assert "Your only way to log in" in html
    response = client.post(url, {"next": reverse("edit")}, follow=True)
    assert response.status_code == 200
    assert landed_on(response) == reverse("edit")
    assert any("only way you can log in" in text for text in error_texts(response))
    assert UserSocialAuth.objects.filter(id=association.id).exists()


# --- changing the e-mail of an account without a password (review item 14) -----------------


def test_a_social_only_account_changes_its_email_after_logging_in_again(client, google):
    google_login(client, google_user(email="sol@example.com"))
    user = current_user(client)
    assert not user.has_usable_password()
    page = client.get(reverse("email_change"))
    assert "First, confirm it" in page.content.decode()
    assert client.post(reverse("email_change"), {"email": "n@example.com"}).status_code == 403

    response = google_login(
        client, google_user(email="sol@example.com"), next_url=reverse("email_change")
    )
    assert landed_on(response) == reverse("email_change")
    assert "New e-mail address" in response.content.decode()
    assert client.post(reverse("email_change"), {"email": "n@example.com"}).status_code == 302
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("sol@example.com", "n@example.com")


def test_connecting_a_new_provider_is_no_proof_of_identity(client, google, facebook):
    google_login(client, google_user(email="sol@example.com"))
    # Someone at this browser connects a Facebook account of their own: not the owner's proof.
    _, query = begin(client, "facebook", next=reverse("email_change"))
    with responses.RequestsMock() as provider:
        provider.get(FACEBOOK_TOKEN_URL, json={"access_token": "t", "token_type": "bearer"})
        provider.get(FACEBOOK_ME_URL, json={"id": "fb-new", "name": "Someone"})
        callback(client, "facebook", state=query["state"], code="abc")
    assert current_user(client).social_auth.count() == 2
    assert "First, confirm it" in client.get(reverse("email_change")).content.decode()
