"""Log in with Google and Facebook (social-auth-app-django): our backend tweak, pipeline steps,
the template context and the error handling around social-auth's views.

Who may take over which account is decided here, in `associate_by_verified_email`: a social
login joins an existing local account only on an e-mail address the provider says it verified
*and* the account's owner confirmed with us (`User.email_confirmed`). Anyone can register any
address with a password; without our confirmation, joining onto it would hand the real owner's
Google login to whoever registered it first.
"""

import logging
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from social_core.backends import google
from social_core.exceptions import (
    AuthAssociationError,
    AuthCanceled,
    AuthConfigurationError,
    AuthCredentialError,
    AuthInputError,
    AuthProviderError,
    AuthSessionError,
)
from social_django.middleware import SocialAuthExceptionMiddleware as BaseExceptionMiddleware
from social_django.models import UserSocialAuth

from .selectors import username_unavailable
from .services import ensure_profile, welcome_new_user

User = get_user_model()
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Provider:
    backend: str  # social-auth's backend name, as in /social-auth/login/<backend>/
    title: str
    settings_prefix: str

    @property
    def configured(self) -> bool:
        # Read at call time, so that a deployment (or a test) can switch a provider on and off.
        return bool(
            getattr(settings, f"{self.settings_prefix}_KEY", "")
            and getattr(settings, f"{self.settings_prefix}_SECRET", "")
        )


PROVIDERS = (
    Provider("google-oauth2", "Google", "SOCIAL_AUTH_GOOGLE_OAUTH2"),
    Provider("facebook", "Facebook", "SOCIAL_AUTH_FACEBOOK"),
)
PROVIDERS_BY_BACKEND = {provider.backend: provider for provider in PROVIDERS}


def configured_providers() -> list[Provider]:
    """The providers whose key and secret are both set: the only ones we offer."""
    return [provider for provider in PROVIDERS if provider.configured]


# --- Backend -------------------------------------------------------------------------------


class GoogleOAuth2(google.GoogleOAuth2):
    """Google login that lets a Google account with an unverified e-mail in, as its own account.

    social-core 7 refuses the whole login when Google's `email_verified` is not true. We want
    such people to get a new account of their own (never somebody else's), so the decision moves
    to our pipeline: `associate_by_verified_email` reads `email_verified` itself.
    """

    def validate_email_verified(self, response, *, stage="user_info"):
        return None

    def get_legacy_user_identifiers(self, details, response):
        # Associations made before social-auth 6 were keyed by e-mail: finding one through an
        # unverified address would hand that account over, so only a verified one may match.
        if not email_is_verified(self, response):
            return []
        return super().get_legacy_user_identifiers(details, response)


def email_is_verified(backend, response) -> bool:
    """Whether the provider vouches that this person owns the e-mail address it sent."""
    if backend.name == "google-oauth2":
        # OpenID Connect's claim in Google's user-info answer; only a real `true` counts.
        return response.get("email_verified") is True
    # Facebook: the Graph API documents `email` only as "the primary e-mail address listed on
    # the profile" and offers no flag saying it was confirmed (the old `verified` field meant
    # the *account* was verified by e-mail, phone or card, and is gone). Without a documented
    # guarantee, a Facebook e-mail never proves ownership, so it never joins an existing account.
    return False


# --- Pipeline steps (SOCIAL_AUTH_PIPELINE in settings) ------------------------------------


def associate_by_verified_email(strategy, backend, details, response, user=None, *args, **kwargs):
    """Log a first-time social login into the existing active account with the same e-mail
    (any case), but only if the provider verified that e-mail and the account confirmed it.

    An unconfirmed account with that address stops the login: its owner is asked to log in
    the usual way and connect the provider from the profile page (a new account cannot have
    the address, and joining could hand the account to whoever registered it)."""
    if user is not None:
        return None
    email = (details.get("email") or "").strip()
    if not email or not email_is_verified(backend, response):
        return None
    matches = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    if len(matches) != 1:
        return None
    if matches[0].email_confirmed:
        return {"user": matches[0], "is_new": False}
    messages.error(
        strategy.request,
        _(
            "An account with the e-mail address %(email)s already exists, but that address was "
            "never confirmed, so %(provider)s cannot log you into it. Log in with its password "
            "(or reset the password by e-mail), then connect %(provider)s on your profile page."
        )
        % {"email": email, "provider": backend.title},
    )
    return redirect("login")


def get_username(strategy, details, user=None, *args, **kwargs):
    """A username for a new account, unique whatever its case (our Lower(username) constraint;
    social-core's own step compares case-sensitively and would crash on "Alice" vs "alice"),
    never reading as an e-mail and never equal to anybody's e-mail."""
    if user is not None:
        return {"username": user.get_username()}
    max_length = User._meta.get_field(User.USERNAME_FIELD).max_length
    wanted = details.get("username") or (details.get("email") or "").partition("@")[0]
    cleaned = strategy.storage.user.clean_username(wanted).replace("@", "")
    base = cleaned[: max_length - 7]
    if not base.strip("."):  # "", "." and ".." could have no profile page (UsernameValidator)
        base = "user"
    username = base
    while username_unavailable(username):
        username = f"{base}_{get_random_string(6, 'abcdefghijklmnopqrstuvwxyz0123456789')}"
    return {"username": username}


def drop_taken_email(details, user=None, *args, **kwargs):
    """A new account gets the provider's e-mail only if no account has it yet (any case).

    Reached with a taken address only when it was not verified (or its owner is inactive): the
    new account is then made without an e-mail instead of colliding with the unique constraint.
    """
    if user is not None:
        return None
    email = (details.get("email") or "").strip()
    if email and User.objects.filter(email__iexact=email).exists():
        return {"email": ""}  # create_user prefers this over details["email"]
    return None


REAUTH_SESSION_KEY = "account:reauthenticated_at"


def reauthenticated_recently(request, *, seconds: int = 600) -> bool:
    """Whether this session logged in again with an already connected provider lately: the
    proof of identity asked of accounts without a password before their e-mail changes."""
    at = request.session.get(REAUTH_SESSION_KEY)
    return isinstance(at, int | float) and 0 <= time.time() - at <= seconds


def finish_login(
    strategy, backend, response, details, user=None, is_new=False, new_association=False, **kw
):
    """Every social user has a Profile; a provider-verified address equal to the account's is
    confirmed; a login through an association the account already had counts as a fresh
    proof of identity; tell the person what just happened to their account."""
    if user is None:
        return
    if is_new:
        welcome_new_user(user)  # Profile + "has created an account", as for registration
    else:
        ensure_profile(user)
    verified = (details.get("email") or "").strip().lower()
    if (
        not user.email_confirmed
        and user.email
        and user.email.lower() == verified
        and email_is_verified(backend, response)
    ):
        user.email_confirmed = True
        user.save(update_fields=["email_confirmed"])
    request = strategy.request
    if not new_association:
        request.session[REAUTH_SESSION_KEY] = time.time()
    if is_new:
        messages.success(
            request, _("Welcome to Bookmarks, %(name)s!") % {"name": user.display_name}
        )
    elif new_association and request.user.is_authenticated:
        messages.success(
            request,
            _("Your %(provider)s account is now connected.") % {"provider": backend.title},
        )
    elif new_association:
        messages.info(
            request,
            _(
                "Your %(provider)s account was connected to your Bookmarks account with the "
                "same verified e-mail address."
            )
            % {"provider": backend.title},
        )


def announce_disconnect(strategy, backend, *args, **kwargs):
    """Last step of SOCIAL_AUTH_DISCONNECT_PIPELINE."""
    messages.success(
        strategy.request,
        _("%(provider)s is no longer connected to your account.") % {"provider": backend.title},
    )


# --- Templates -------------------------------------------------------------------------------


def social_login(request):
    """Context processor: the configured providers and a same-site `next` for their buttons."""
    wanted = request.GET.get("next") or (request.method == "POST" and request.POST.get("next"))
    safe = wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return {"social_providers": configured_providers(), "social_next": wanted if safe else ""}


@dataclass(frozen=True)
class ConnectedAccount:
    provider: Provider
    association: UserSocialAuth | None
    can_disconnect: bool = False


def connected_accounts(user) -> list[ConnectedAccount]:
    """The user's associations, plus the configured providers not connected yet.

    `can_disconnect` asks social-auth's own rule (the one its disconnect view enforces): false
    when the association is the user's only way to log in.
    """
    associations = list(user.social_auth.order_by("id"))
    accounts = []
    for provider in PROVIDERS:
        mine = [a for a in associations if a.provider == provider.backend]
        for association in mine:
            allowed = UserSocialAuth.allowed_to_disconnect(user, provider.backend, association.id)
            accounts.append(ConnectedAccount(provider, association, allowed))
        if not mine and provider.configured:
            accounts.append(ConnectedAccount(provider, None))
    return accounts


# --- Errors ----------------------------------------------------------------------------------


LOGIN_VIEWS = {"begin", "complete"}  # social-auth's URL names that start or finish a login


class SocialAuthExceptionMiddleware(BaseExceptionMiddleware):
    """Every social-auth failure ends on a page with a message, never on a 500.

    On top of social_django's middleware: it acts with DEBUG on too, also catches `requests`
    errors that reach it unwrapped, sends a signed-in user (connecting or disconnecting on the
    profile page) back there instead of to the login page, and words the messages for people.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not match or match.namespace != "social" or match.url_name not in LOGIN_VIEWS:
            return None
        provider = PROVIDERS_BY_BACKEND.get(view_kwargs.get("backend"))
        if provider is None or provider.configured:
            return None
        messages.error(
            request,
            _("Log in with %(provider)s is not available on this site.")
            % {"provider": provider.title},
        )
        return redirect("edit" if request.user.is_authenticated else "login")

    def process_exception(self, request, exception):
        on_social_view = getattr(request, "social_strategy", None) is not None
        if on_social_view and isinstance(exception, requests.RequestException):
            logger.warning("Social login: provider request failed", exc_info=exception)
            wrapped = AuthProviderError(getattr(request, "backend", None), code="unavailable")
            wrapped.__cause__ = exception
            exception = wrapped
        return super().process_exception(request, exception)

    def raise_exception(self, request, exception):
        # social_django re-raises whenever DEBUG is on; we answer alike everywhere (the log keeps
        # the details) unless SOCIAL_AUTH_RAISE_EXCEPTIONS asks for the traceback page.
        return bool(getattr(settings, "SOCIAL_AUTH_RAISE_EXCEPTIONS", False))

    def dispatch_error(self, request, transports, url, message, backend_name, *, metadata=None):
        # A plain error message: base.html styles messages by their tags, which social_django's
        # extra tags ("social-auth <backend>") would spoil.
        messages.error(request, message)
        return url

    def get_redirect_uri(self, request, exception):
        if request.user.is_authenticated:
            return reverse("edit")
        return super().get_redirect_uri(request, exception)  # SOCIAL_AUTH_LOGIN_ERROR_URL

    def get_message(self, request, exception):
        title = getattr(getattr(request, "backend", None), "title", "") or _("the provider")
        code = getattr(exception, "code", "")
        names = {"provider": title, "reason": exception}
        if code == "disconnect_disallowed":
            text = _(
                "%(provider)s can't be disconnected: it is the only way you can log in to "
                "Bookmarks."
            )
        elif code == "identity_in_use":
            text = _("That %(provider)s account is already connected to another Bookmarks account.")
        elif isinstance(exception, AuthCanceled):
            text = _("Logging in with %(provider)s was cancelled.")
        elif isinstance(exception, AuthSessionError | AuthInputError | AuthCredentialError):
            text = _(
                "Logging in with %(provider)s expired or was started in another window. "
                "Please try again."
            )
        elif isinstance(exception, AuthProviderError):
            text = _(
                "%(provider)s could not complete the log in right now. Please try again later."
            )
        elif isinstance(exception, AuthConfigurationError):
            text = _("Log in with %(provider)s is not set up correctly on this site.")
        elif isinstance(exception, AuthAssociationError):
            text = _("Your %(provider)s account could not be linked: %(reason)s")
        else:
            text = _("Logging in with %(provider)s failed: %(reason)s")
        return text % names
