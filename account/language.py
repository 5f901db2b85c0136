"""Which language a person reads the site and its e-mails in (bookmarks/i18n.py applies it).

A signed-in person's choice lives on their Profile (empty: follow the browser); at login it is
copied into the session, so pages read it without a query. Everyone's choice is also kept in
Django's language cookie, which is what visitors have. E-mails sent to a person (password
reset, address confirmation, the digest) are written in their saved language.
"""

import contextlib

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from bookmarks.i18n import SESSION_KEY, offered

from .models import Profile

COOKIE_AGE = 365 * 24 * 3600


def remember(request: HttpRequest, response: HttpResponse, language: str) -> None:
    """Keep `language` (an offered code) for this browser and, when signed in, this session."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=COOKIE_AGE, samesite="Lax", httponly=True
    )
    if request.user.is_authenticated:
        request.session[SESSION_KEY] = language


def copy_to_session(sender, request, user, **kwargs) -> None:
    """user_logged_in: the person's saved language follows them to every browser."""
    if request is None or not hasattr(request, "session"):
        return
    saved = Profile.objects.filter(user=user).values_list("language", flat=True).first()
    if offered(saved):
        request.session[SESSION_KEY] = saved
    else:
        request.session.pop(SESSION_KEY, None)


def saved_language(user) -> str | None:
    """The person's chosen language, or None (they follow their browser)."""
    profile = getattr(user, "profile", None) if user is not None else None
    return offered(getattr(profile, "language", None))


@contextlib.contextmanager
def language_of(user, *, fallback: str | None = None):
    """Render what is inside (an e-mail) in `user`'s language: their saved one, else
    `fallback`, else the language active now (the request's), else the site's default."""
    chosen = saved_language(user) or fallback or translation.get_language()
    with translation.override(chosen or settings.LANGUAGE_CODE):
        yield
